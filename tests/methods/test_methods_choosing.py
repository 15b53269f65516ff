"""Choosing who brings the case during the meeting, as each method's source says; snelle adviesrondes
repeat their block per scored topic, highest score first."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Clock, Run, library, simulate  # noqa: E402

from facilitator.engine import SetupError  # noqa: E402
from facilitator.events import Say  # noqa: E402
from facilitator.service import MeetingService  # noqa: E402

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")
CHOOSING = sorted(m.id for m in library() if m.inbrenger_choice is not None)


def said(run: Run, since: int = 0) -> list[str]:
    return [e.text for _, e in run.effects[since:] if isinstance(e, Say)]


def test_the_seven_methods_that_choose_in_the_meeting_say_so():
    assert CHOOSING == ["akad-casuistiek", "balintmethode", "intuitieve-methode", "modelling",
                        "progressiegerichte-intervisie", "snelle-adviesrondes", "socratisch-gesprek"]
    hows = {m: library().get(m).inbrenger_choice.how for m in CHOOSING}
    assert hows["balintmethode"] == "groep" and hows["snelle-adviesrondes"] == "scores"
    assert hows["progressiegerichte-intervisie"] == "vrijwillig"


@pytest.mark.parametrize("method_id", [m for m in CHOOSING if m != "snelle-adviesrondes"])
def test_a_simulated_meeting_chooses_its_inbrenger_and_runs_to_the_end(method_id):
    run = simulate(method_id, inbrenger="Carla")
    assert run.state.status == "finished" and run.state.inbrenger == "Carla"
    spoken = said(run)
    question = run.state.method.inbrenger_choice.question
    asked = next(i for i, t in enumerate(spoken) if t.endswith(question))
    before, after = spoken[:asked + 1], spoken[asked + 1:]
    assert not any("Carla brengt" in t or "{" in t for t in before), before  # nobody named before the choice
    assert "Carla" in after[0]  # the step goes on with the chosen person
    assert not any("We hebben al gekozen" in t for t in spoken)


def test_before_the_choice_the_meeting_waits_and_says_how_to_choose():
    run = Run.of("progressiegerichte-intervisie", PEOPLE, None)
    run.cmd("start")
    assert run.state.awaiting == "inbrenger" and said(run)[-1].endswith("Wie wil als eerste zijn of haar case presenteren?")
    run.wait(600)
    assert not run.state.timer.time_up  # the step's clock waits for the choice
    run.cmd("next_step")
    assert "Wie brengt de casus in?" in run.rejected() and run.state.step_index == 0
    run.cmd("choose_inbrenger", source="voice")  # "ik wil", but nobody has the word
    assert "Kies de naam op het scherm" in run.rejected()
    run.cmd("choose_inbrenger", seat=2)  # the seat key
    assert run.state.inbrenger == "Ben" and run.state.awaiting is None
    assert said(run)[-1].startswith("Dank je, Ben. Ik geef steeds om de beurt het woord.")
    run.cmd("next_step")
    assert run.state.round.order[0] == "Carla"  # the round starts after the inbrenger, without him


def test_ik_wil_from_whoever_has_the_word():
    # Balint: the group gathers problems round the table; "ik wil" said in a turn names that person.
    run = Run.of("balintmethode", PEOPLE, None)
    run.cmd("start")
    run.cmd("next_turn")
    assert run.state.round.turn == "Ben"
    run.cmd("choose_inbrenger", source="voice")
    assert run.state.inbrenger == "Ben" and said(run)[-1] == "Ben brengt de casus in."
    run.cmd("choose_inbrenger", name="dirk")  # the group changes its mind before the choice counts
    assert run.state.inbrenger == "Dirk"
    while run.state.step.id != "probleem-voorstellen":
        run.cmd("next_step")
    run.cmd("choose_inbrenger", name="Eva")
    assert "Dirk brengt al in." == run.rejected()


def test_a_method_that_does_not_choose_in_the_meeting_needs_an_inbrenger_at_setup():
    with pytest.raises(SetupError, match="Zeg wie de casus inbrengt"):
        Run.of("case-clinic", PEOPLE, None)


def test_a_meeting_created_without_inbrenger_is_chosen_and_replayed(tmp_path):
    service = MeetingService(tmp_path, library(), clock=Clock())
    mid = service.create("socratisch-gesprek", list(PEOPLE), None)
    service.command(mid, "start")
    assert service.view(mid)["choosing_inbrenger"] is True and service.view(mid)["inbrenger"] is None
    result = service.command(mid, "choose_inbrenger", name="Eva")
    assert result["ok"] and result["view"]["inbrenger"] == "Eva"
    again = MeetingService(tmp_path, library(), clock=Clock())
    assert again.state(mid).inbrenger == "Eva" and again.view(mid)["step"]["cue"].count("Eva") >= 1
    assert again.meetings()[0]["inbrenger"] == "Eva"


def test_snelle_adviesrondes_runs_each_scored_topic_in_score_order():
    run = Run.of("snelle-adviesrondes", PEOPLE, None)
    run.cmd("start")
    for name, score in (("Ben", 6), ("Eva", 9), ("Carla", 7)):
        run.cmd("choose_inbrenger", name=name, topic=f"het onderwerp van {name}", score=score)
        assert run.rejected() is None
    run.cmd("choose_inbrenger", name="Dirk", score=11)
    assert run.rejected() == "Geef een cijfer van 1 tot 10."
    order = []
    for _ in range(200):
        if run.state.status == "finished":
            break
        if run.state.step.id == "presentatie" and (not order or order[-1] != run.state.inbrenger):
            order.append(run.state.inbrenger)
        if run.state.round is not None and run.state.round.turn:
            run.cmd("pass")
        else:
            run.cmd("next_step")
    assert run.state.status == "finished"
    assert order == ["Eva", "Carla", "Ben"]
    spoken = said(run)
    assert "Eva heeft het hoogste cijfer en is aan de beurt." in " ".join(spoken)
    assert "Dan het volgende onderwerp: Carla heeft nu het hoogste cijfer." in spoken
    assert "Dan het volgende onderwerp: Ben heeft nu het hoogste cijfer." in spoken
    assert run.state.records[1].visits == 3  # the presentatie, once per topic
    assert not any("nieuwe bespreking" in t for t in spoken)


def test_the_terminal_keys_choose_by_seat():
    from facilitator.runner import KEYS

    assert KEYS["3"] == ("choose_inbrenger", "plaats 3 brengt in")
