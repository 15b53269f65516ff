"""Rounds round the table: order, who is left out, passes, repeats, max rounds, the inbrenger's reply."""

from __future__ import annotations

import pytest

from engine_sim import PEOPLE, Run, custom_method, round_step
from facilitator.engine import outcomes, transcript, view


def started(*steps, **kw) -> Run:
    run = Run.of(method=custom_method(*steps), **kw)
    run.cmd("start")
    return run


def turns(run: Run) -> list[str]:
    return [text for _, kind, text in run.script() if kind == "turn"]


def test_order_starts_after_the_inbrenger_and_leaves_them_out_for_deelnemers():
    run = started(round_step(max_rounds=1), inbrenger="Carla")
    assert run.state.round.order == ("Dirk", "Eva", "Anna", "Ben")
    assert run.script()[0][2].endswith("We gaan met de klok mee. Weet je even niets, zeg dan: ik pas.")
    assert turns(run) == ["Dirk, jouw vraag."]
    assert view(run.state, run.t)["step"]["round"]["next"] == "Eva"


def test_order_includes_the_inbrenger_last_for_iedereen():
    run = started(round_step(max_rounds=1, who="iedereen"), inbrenger="Carla")
    assert run.state.round.order == ("Dirk", "Eva", "Anna", "Ben", "Carla")


def test_inbrenger_last_in_the_seating_order_wraps_round():
    run = started(round_step(max_rounds=1), inbrenger="Eva")
    assert run.state.round.order == ("Anna", "Ben", "Carla", "Dirk")


def test_procesbegeleider_left_out_by_default_and_included_by_option():
    run = started(round_step(max_rounds=1, who="iedereen"), procesbegeleider="Ben")
    assert run.state.round.order == ("Carla", "Dirk", "Eva", "Anna")
    run = started(round_step(max_rounds=1, who="iedereen"), procesbegeleider="Ben",
                  options={"procesbegeleider_in_rounds": True})
    assert run.state.round.order == ("Ben", "Carla", "Dirk", "Eva", "Anna")


def test_each_turn_is_announced_and_next_turn_moves_on():
    run = started(round_step(max_rounds=1), {"cue": "Verder."})
    for expected in ("Carla", "Dirk", "Eva"):
        effects = run.cmd("next_turn")
        assert run.spoken(effects) == [f"{expected}, jouw vraag."]
        assert run.state.round.turn == expected


def test_turn_cue_and_per_person_wording():
    run = started(round_step(max_rounds=1, turn_cue="{naam}, wat raakte je?"))
    assert turns(run) == ["Ben, wat raakte je?"]
    run = started(round_step(max_rounds=1, item="tip", per_person=3))
    assert turns(run) == ["Ben, jouw 3 tips."]


def test_one_round_ends_the_step_when_max_rounds_is_one():
    run = started(round_step(max_rounds=1), {"cue": "Verder."})
    for _ in range(3):
        run.cmd("next_turn")
    effects = run.cmd("next_turn")
    assert run.spoken(effects) == ["Dat was de ronde.", "Stap 2: Stap2. Verder."]
    assert run.state.step_index == 1


def test_max_rounds_counts_rounds():
    run = started(round_step(max_rounds=2), {"cue": "Verder."})
    for _ in range(4):
        run.cmd("next_turn")
    assert run.state.round.number == 2 and run.state.round.turn == "Ben"
    assert run.script()[-2][2] == "Nog een rondje."
    for _ in range(4):
        run.cmd("next_turn")
    assert run.state.step_index == 1


def test_repeat_until_all_pass_ends_the_step_when_a_whole_round_passes():
    run = started(round_step(repeat_until_all_pass=True), {"cue": "Verder."})
    # Round 1: Ben and Dirk pass, Carla and Eva ask: not everyone passed, so another round.
    run.cmd("pass"); run.cmd("next_turn"); run.cmd("pass"); run.cmd("next_turn")
    assert run.state.round.number == 2
    # Round 2: everyone passes; the step ends.
    for name in ("Ben", "Carla", "Dirk"):
        run.cmd("pass", by=name)
        assert run.state.step_index == 0
    effects = run.cmd("pass", by="Eva")
    assert run.spoken(effects)[0] == "Iedereen heeft gepast. Dan gaan we door."
    assert run.state.step_index == 1
    # Passes are counted per person per round.
    assert [(p.name, p.step_index, p.round_number) for p in run.state.outcomes.passes] == [
        ("Ben", 0, 1), ("Dirk", 0, 1), ("Ben", 0, 2), ("Carla", 0, 2), ("Dirk", 0, 2), ("Eva", 0, 2)]
    assert outcomes(run.state)["passes"] == {"Ben": 2, "Dirk": 2, "Carla": 1, "Eva": 1}


def test_passes_spread_over_rounds_do_not_end_the_step():
    # Everyone passed once, but never all in one round: keep going.
    run = started(round_step(repeat_until_all_pass=True))
    run.cmd("pass"); run.cmd("pass"); run.cmd("next_turn"); run.cmd("next_turn")   # round 1: Ben, Carla pass
    run.cmd("next_turn"); run.cmd("next_turn"); run.cmd("pass"); run.cmd("pass")    # round 2: Dirk, Eva pass
    assert run.state.round.number == 3 and run.state.step_index == 0


def test_repeat_until_all_pass_with_max_rounds_stops_at_whichever_comes_first():
    run = started(round_step(repeat_until_all_pass=True, max_rounds=3), {"cue": "Verder."})
    for _ in range(12):
        run.cmd("next_turn")
    assert run.state.step_index == 1


def test_without_a_limit_rounds_go_on_until_the_time_is_up():
    run = started(round_step(minutes=5), {"cue": "Verder."})
    for _ in range(20):
        run.cmd("pass")
    assert run.state.step_index == 0 and run.state.round.number == 6
    run.wait(300)
    assert run.state.timer.time_up and run.state.step_index == 0
    run.cmd("next_step")
    assert run.state.step_index == 1


def test_inbrenger_responds_after_the_round_and_next_turn_ends_the_reply():
    run = started(round_step(max_rounds=1, inbrenger_responds="{inbrenger}, wat hoorde je?"), {"cue": "Verder."})
    for _ in range(3):
        run.cmd("next_turn")
    effects = run.cmd("next_turn")
    assert run.spoken(effects) == ["Anna, wat hoorde je?"]
    rnd = run.state.round
    assert rnd.responding and rnd.turn is None and run.state.step_index == 0
    v = view(run.state, run.t)["step"]["round"]
    assert v["responding"] is True and v["turn"] is None
    # Nobody can pass now; "volgende" ends the reply and the step.
    run.cmd("pass")
    assert run.rejected() == "Er is nu geen beurt om te passen."
    assert run.spoken(run.cmd("repeat"))[-1] == "Anna, wat hoorde je?"
    # "volgende" ends the reply; the step waits for "volgende stap", and one press too many is refused.
    assert run.spoken(run.cmd("next_turn")) == ["Dat was de ronde. Zeg 'volgende stap' als jullie zover zijn."]
    assert run.state.step_index == 0 and run.state.round.done
    run.cmd("next_turn")
    assert run.rejected() and run.state.step_index == 0
    run.cmd("next_step")
    assert run.state.step_index == 1


def test_the_inbrengers_reply_is_stored_as_reactie_not_as_a_round_item():
    run = started(round_step(max_rounds=1, inbrenger_responds="{inbrenger}, reageer."), {"cue": "Verder."})
    for _ in range(4):
        run.cmd("next_turn")
    run.t += 30
    run.say("dank jullie, dat helpt", run.t - 20, run.t - 2, uid="r")
    line = transcript(run.state)[0]
    assert (line["speaker"], line["type"]) == ("Anna", "reactie")
    assert outcomes(run.state)["items"] == {}


def test_items_in_a_round_belong_to_the_turn_holder():
    run = started(round_step(max_rounds=1, item="compliment"))
    run.t = 10
    run.say("je bleef rustig", 2, 8, uid="1")
    run.cmd("next_turn")
    run.t = 30
    run.say("mooi gevraagd", 21, 28, uid="2")
    run.say("en goed samengevat", 28.5, 29.5, uid="3")
    items = outcomes(run.state)["items"]["compliment"]
    assert [(i["by"], i["text"]) for i in items] == [("Ben", "je bleef rustig"), ("Carla", "mooi gevraagd en goed samengevat")]


def test_turn_budget_warns_the_speaker_gently_once():
    run = started(round_step(max_rounds=1, turn_seconds=30))
    assert run.spoken(run.wait(29)) == []
    assert run.spoken(run.wait(2)) == ["Ben, wil je afronden?"]
    assert run.spoken(run.wait(60)) == []
    run.cmd("next_turn")
    assert run.spoken(run.wait(30)) == ["Carla, wil je afronden?"]


def test_turn_budget_from_options_when_the_method_gives_none():
    run = started(round_step(max_rounds=1), options={"turn_seconds": 45})
    assert run.spoken(run.wait(46)) == ["Ben, wil je afronden?"]


def test_turn_budget_pauses_with_the_meeting():
    run = started(round_step(max_rounds=1, turn_seconds=30))
    run.wait(20)
    run.cmd("pause")
    assert run.spoken(run.wait(100)) == []
    run.cmd("resume")
    assert run.spoken(run.wait(9)) == []
    assert run.spoken(run.wait(2)) == ["Ben, wil je afronden?"]


def test_a_round_with_nobody_in_it_has_no_turns():
    # Two people and a round for the deelnemers, with the only other person chairing.
    run = started(round_step(max_rounds=1), participants=["Anna", "Ben"], procesbegeleider="Ben")
    assert run.state.round is None
    run.cmd("pass")
    assert run.rejected() is not None
