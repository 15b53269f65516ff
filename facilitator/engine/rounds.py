"""Rounds: the turn going round the table, passes, the inbrenger's reply, open talk after.

Naming: `plan` is the method's round (methods.Round: what each person gives, how often),
`turns` is where the round is now (RoundState: who has the word, who passed).
"""

from __future__ import annotations

from typing import Optional

from facilitator.events import Effect
from facilitator.engine import cues, phrases, speech
from facilitator.engine.state import Pass, RoundState, State
from facilitator.engine.timing import step_elapsed


def seating_order(state: State) -> tuple[str, ...]:
    """Seating order, clockwise, starting with the person after the inbrenger."""
    setup = state.setup
    people = list(setup.participants)
    inbrenger = state.inbrenger
    # Before anyone is chosen, the round starts at the first seat.
    start = (people.index(inbrenger) + 1) % len(people) if inbrenger else 0
    ordered = people[start:] + people[:start]
    plan = state.step.round
    if plan is not None and plan.who == "deelnemers" and inbrenger:
        ordered = [p for p in ordered if p != inbrenger]
    if setup.procesbegeleider and not setup.options.procesbegeleider_in_rounds:
        ordered = [p for p in ordered if p != setup.procesbegeleider]
    return tuple(ordered)


def open_round(state: State) -> tuple[State, Optional[str]]:
    """The first round of a step that has one; returns the state and the round's spoken intro."""
    plan = state.step.round
    order = seating_order(state)
    if plan is None or not order:
        return state, None
    turns = RoundState(number=1, order=order, turn_started=0.0, turn_id=state.next_turn_id)
    state = state.evolve(round=turns, next_turn_id=state.next_turn_id + 1)
    # Seed 003: "Zeg vooraf dat mensen kunnen passen", before every round; in full the first time.
    explain = plan.pass_allowed and "pass" not in state.hints
    if explain:
        state = state.evolve(hints=state.hints + ("pass",))
    return state, phrases.round_intro(plan, explain_pass=explain)


def record_pass(state: State) -> State:
    turns = state.round
    assert turns is not None and turns.turn is not None
    who = turns.turn
    passes = state.outcomes.passes + (Pass(who, state.step_index, turns.number),)
    return state.evolve(outcomes=state.outcomes.evolve(passes=passes),
                        round=turns.evolve(passed=turns.passed + (who,)))


def next_turn(state: State, now: float, out: list[Effect]) -> State:
    """Give the word to the next person; close the round when everyone had a turn."""
    state = _turn_moved(state, now, out)
    return speech.mark(state, now)


def _new_turn_id(state: State) -> tuple[State, int]:
    return state.evolve(next_turn_id=state.next_turn_id + 1), state.next_turn_id


def _turn_moved(state: State, now: float, out: list[Effect]) -> State:
    turns = state.round
    plan = state.step.round
    assert turns is not None and plan is not None
    elapsed = step_elapsed(state, now)
    state = speech.end_segment(state, now)
    position = turns.position + 1
    if position < len(turns.order):
        state, turn_id = _new_turn_id(state)
        turns = turns.evolve(position=position, turn_started=elapsed, turn_warned=False, turn_id=turn_id)
        state = state.evolve(round=turns)
        return cues.say(state, out, phrases.turn_call(plan, turns.order[position]), "turn")
    everyone_passed = set(turns.passed) >= set(turns.order)
    # A whole round of passes means nobody has more to give: going round again would only
    # ask everyone to pass once more, also where the method bounds its rounds by max_rounds.
    # (A round with no bounds at all goes on until its time is up.)
    bounded = plan.repeat_until_all_pass or plan.max_rounds is not None
    last_round = (bounded and everyone_passed) or (plan.max_rounds is not None and turns.number >= plan.max_rounds)
    if not last_round:
        state, turn_id = _new_turn_id(state)
        turns = RoundState(number=turns.number + 1, order=turns.order, turn_started=elapsed, turn_id=turn_id)
        state = state.evolve(round=turns)
        state = cues.say(state, out, phrases.new_round(), "info")
        return cues.say(state, out, phrases.turn_call(plan, turns.order[0]), "turn")
    if plan.inbrenger_responds:
        state, turn_id = _new_turn_id(state)
        state = state.evolve(round=turns.evolve(responding=True, position=len(turns.order), turn_started=elapsed,
                                                turn_id=turn_id))
        return cues.say(state, out, cues.fill(state, plan.inbrenger_responds), "turn")
    return round_over(state, now, out, everyone_passed)


def round_over(state: State, now: float, out: list[Effect], everyone_passed: bool) -> State:
    """The round (and the inbrenger's reply) is done: open talk, or on to the next step."""
    from facilitator.engine import steps  # a finished round may end the step

    turns = state.round
    plan = state.step.round
    assert turns is not None and plan is not None
    state = state.evolve(round=turns.evolve(done=True, responding=False, position=len(turns.order)))
    if plan.open_after and not state.timer.time_up:
        from facilitator.engine import prompting

        text = cues.fill(state, plan.open_cue) if plan.open_cue else phrases.open_talk()
        state, first = prompting.begin(state, now)  # the free talk goes over the step's prompts in turn
        return cues.say(state, out, text + (" " + first if first else ""), "info")
    text = phrases.round_ended(everyone_passed, state.step.end, state.timer.time_up)
    state = cues.say(state, out, text, "info")
    # The last step's own end closes the meeting: said once, not again by the closing.
    said_end = bool(state.step.end) and text.endswith(state.step.end)
    return steps.advance(state, now, out, end_said=said_end)


def repeat_turn(state: State, out: list[Effect]) -> State:
    """Say again who has the word now (after "herhaal")."""
    turns = state.round
    plan = state.step.round
    if turns is None or plan is None:
        return state
    if turns.turn:
        return cues.say(state, out, phrases.turn_call(plan, turns.turn), "turn")
    if turns.responding and plan.inbrenger_responds:
        return cues.say(state, out, cues.fill(state, plan.inbrenger_responds), "turn")
    return state
