"""Choosing who brings the case during the meeting, as the method says (vrijwillig, scores, groep),
and running a block of steps again for each scored topic, highest score first."""

from __future__ import annotations

from typing import Optional

from facilitator.events import Command, Effect, OutcomeNoted
from facilitator.engine import cues, phrases
from facilitator.engine.state import Candidate, State, Timer
from methods import Method
from methods.parts import InbrengerChoice


def choice_at(method: Method, index: int) -> Optional[InbrengerChoice]:
    """How the inbrenger is chosen before step `index`, if it is chosen there: the method's own
    choice, or that of a nested method's ronde (a second ronde chooses again)."""
    step = method.steps[index]
    if step.part is not None and step.part.choice is not None:
        return step.part.choice
    choice = method.inbrenger_choice
    return choice if choice is not None and choice.needed_from == step.id else None


def needs_choice(state: State, index: int) -> bool:
    """Step `index` needs the inbrenger, and nobody is chosen yet."""
    return choice_at(state.method, index) is not None and state.inbrenger is None


def new_ronde(state: State, index: int) -> State:
    """A later ronde brings a new case: whoever brought the last one is done, and a new one is chosen."""
    step = state.method.steps[index]
    first = state.method.inbrenger_choice
    if (step.part is None or step.part.choice is None or first is None or first.needed_from == step.id
            or state.records[index].visits > 0 or state.inbrenger is None):
        return state
    return state.evolve(topics_done=state.topics_done + (state.inbrenger,), chosen=None)


def wait_for_choice(state: State, index: int, now: float, out: list[Effect], asked: bool = False) -> State:
    """Stop at step `index` (its clock not yet running) and ask who brings the case.

    `asked`: the step's yes/no question was just answered, its heading already said."""
    choice = choice_at(state.method, index)
    assert choice is not None
    if state.candidates:  # scored topics: the highest goes first, nobody needs to be asked
        return _take_highest(state)
    timer = Timer(since=None, meeting_active=state.timer.meeting_active, started_at=state.timer.started_at,
                  last_clock=state.timer.last_clock)
    state = state.evolve(step_index=index, timer=timer, round=None, awaiting="inbrenger")
    text = choice.question
    heading = phrases.step_heading(phrases.number(state.method, index), state.step, slot_said=asked) if index > 0 else ""
    if heading:
        text = heading + " " + text
    return cues.say(state, out, text, "instruction", chime=True)


def _take_highest(state: State) -> State:
    best = max(state.candidates, key=lambda c: c.score or 0)  # max keeps the first of equal scores
    rest = tuple(c for c in state.candidates if c is not best)
    return state.evolve(chosen=best.name, candidates=rest, awaiting=None)


def choose(state: State, cmd: Command, now: float, out: list[Effect]) -> State:
    """`choose_inbrenger`: by name, by seat, or "ik wil" from whoever has the word."""
    from facilitator.engine import steps

    if state.method.inbrenger_choice is None and state.setup.inbrenger:
        return cues.reject(state, out, "choose_inbrenger", f"{state.setup.inbrenger} brengt al in.")
    name = _who(state, cmd)
    if name is None:
        return cues.reject(state, out, "choose_inbrenger", phrases.choose_who())
    if name == state.setup.procesbegeleider:
        return cues.reject(state, out, "choose_inbrenger", "De procesbegeleider brengt zelf geen casus in.")
    score = cmd.args.get("score")
    if score is not None:
        choice = state.method.inbrenger_choice
        if choice is None or choice.how != "scores":
            return cues.reject(state, out, "choose_inbrenger", "In deze werkvorm geven we onderwerpen geen cijfer.")
        return _add_candidate(state, cmd, name, score, out)
    if state.inbrenger is not None and state.awaiting is None and not _before_needed(state):
        return cues.reject(state, out, "choose_inbrenger", f"{state.inbrenger} brengt al in.")
    waiting = state.awaiting == "inbrenger"
    state = state.evolve(chosen=name, awaiting=None)
    out.append(OutcomeNoted("inbrenger", name))
    if state.status != "running" and not waiting:
        return state
    if waiting:
        return steps.enter_step(state, state.step_index, now, out, chosen_now=True)
    return cues.say(state, out, phrases.chosen(name), "info")


def _add_candidate(state: State, cmd: Command, name: str, score, out: list[Effect]) -> State:
    try:
        value = float(score)
    except (TypeError, ValueError):
        return cues.reject(state, out, "choose_inbrenger", "Geef het cijfer als getal van 1 tot 10.")
    if not 1 <= value <= 10:
        return cues.reject(state, out, "choose_inbrenger", "Geef een cijfer van 1 tot 10.")
    if name in state.topics_done or name == state.chosen:
        return cues.reject(state, out, "choose_inbrenger", f"Het onderwerp van {name} is al aan bod.")
    # A spoken score ("acht") follows the topic said in the same turn: that line is the topic.
    topic = str(cmd.args.get("topic") or "").strip() or _said_topic(state, name)
    kept = tuple(c for c in state.candidates if c.name != name)
    out.append(OutcomeNoted("onderwerp", f"{name}: {topic or 'onderwerp'} ({value:g})"))
    return state.evolve(candidates=kept + (Candidate(name, topic, value),))


def _said_topic(state: State, name: str) -> Optional[str]:
    for line in reversed(state.transcript):
        if line.step_index == state.step_index and line.speaker == name and line.type != "notitie":
            return line.text
    return None


def _before_needed(state: State) -> bool:
    choice = state.method.inbrenger_choice
    if choice is None:
        return False
    ids = [s.id for s in state.method.steps]
    return state.status == "ready" or state.step_index < ids.index(choice.needed_from)


def _who(state: State, cmd: Command) -> Optional[str]:
    people = {p.casefold(): p for p in state.setup.participants}
    name = cmd.args.get("name")
    if name:
        return people.get(" ".join(str(name).split()).casefold())
    seat = cmd.args.get("seat")
    if seat is not None:
        try:
            number = int(seat)
        except (TypeError, ValueError):
            return None
        return state.setup.participants[number - 1] if 1 <= number <= len(state.setup.participants) else None
    if cmd.by and cmd.by in state.setup.participants:
        return cmd.by  # "ik wil" from someone the channel knows
    if state.round is not None and state.round.turn:
        return state.round.turn  # "ik wil" from whoever has the word
    return None


def next_topic(state: State, now: float, out: list[Effect]) -> Optional[State]:
    """After the block's last step: the next scored topic starts the block again (or None)."""
    from facilitator.engine import steps

    repeat = state.method.repeat_per_topic
    if repeat is None or state.step.id != repeat.to_step or not state.candidates:
        return None
    done = state.topics_done + ((state.inbrenger,) if state.inbrenger else ())
    state = _take_highest(state.evolve(topics_done=done, chosen=None))
    index = [s.id for s in state.method.steps].index(repeat.from_step)
    state = cues.say(state, out, cues.fill(state, repeat.next_cue), "info")
    return steps.enter_step(state, index, now, out)
