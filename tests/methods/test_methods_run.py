"""Methods run as their sources describe: rounds end when all pass, a round's end says the step's
own end cue, the pass hint before every round, compact turns where the source asks for them."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Run, custom_method, library, round_step, simulate  # noqa: E402

from facilitator.events import Say  # noqa: E402

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")


def said(run: Run) -> list[str]:
    return [e.text for _, e in run.effects if isinstance(e, Say)]


def test_a_round_of_passes_is_not_followed_by_another_round_where_max_rounds_bounds_it():
    # Modelling: "ieder maximaal drie open vragen" (max_rounds = 3, no repeat_until_all_pass).
    run = Run.of("modelling", PEOPLE, "Anna")
    run.cmd("start")
    while run.state.step.id != "open-vragen":
        run.cmd("next_step")
    for _ in range(4):
        run.cmd("next_turn")  # round 1: everyone asks a question
    assert run.state.round.number == 2
    for _ in range(4):
        run.cmd("pass")       # round 2: everyone passes
    assert run.state.step.id == "modelling", "after a round of passes the step moves on"
    spoken = said(run)
    assert spoken.count("Nog een rondje.") == 1  # only after the first round, not after the passes
    assert any(t.startswith("Iedereen heeft gepast.") for t in spoken)


def test_the_same_holds_for_every_library_method_with_max_rounds():
    for method in library():
        for index, step in enumerate(method.steps):
            plan = step.round
            if plan is None or plan.max_rounds is None or plan.max_rounds < 2 or not plan.pass_allowed:
                continue
            run = Run.of(method.id, PEOPLE, "Anna")
            run.cmd("start")
            while run.state.step_index < index:
                run.cmd("next_step")
            before = len(run.effects)
            for _ in run.state.round.order:
                run.cmd("pass")
            after = [e.text for _, e in run.effects[before:] if isinstance(e, Say)]
            assert "Nog een rondje." not in after, (method.id, step.id)
            assert run.state.step_index == index + 1 or run.state.status == "finished", (method.id, step.id)


def test_a_round_that_ends_before_its_time_says_the_steps_own_end_cue():
    run = simulate("snelle-adviesrondes")
    spoken = said(run)
    for cue in ("De eerste adviesronde is voorbij.", "De tweede adviesronde is voorbij.",
                "De derde adviesronde is voorbij."):
        assert cue in spoken
    # Balint's end of a phase after a round: the 15 s moment of standing still is announced.
    assert any("Deze fase is voorbij." in t for t in said(simulate("balintmethode"))[:10])


def test_an_end_cue_that_says_the_time_is_up_is_not_said_when_the_round_ends_early():
    run = simulate("progressiegerichte-intervisie")
    spoken = said(run)
    assert "De tijd voor het verhelderen is om." not in spoken
    assert "Iedereen heeft gepast. Dan gaan we door." in spoken


def test_the_pass_hint_comes_before_every_round_that_allows_passing():
    run = simulate("progressiegerichte-intervisie")
    intros = [t for t in said(run) if t.startswith("Stap ") and "We gaan met de klok mee." in t]
    assert len(intros) == 3
    assert intros[0].endswith("Weet je even niets, zeg dan: ik pas.")
    assert all(t.endswith("We gaan met de klok mee. Passen mag.") for t in intros[1:])
    # A round where passing is not allowed says nothing about it.
    run = simulate("vijfstappenmethode")
    advies = next(t for t in said(run) if t.startswith("Stap 4: Advisering"))
    assert "pas" not in advies.split("klok mee.")[-1].lower()


def test_compact_input_has_a_turn_budget_with_a_gentle_nudge():
    # 001: "Als je als deelnemer het woord krijgt, lever je je input zo compact mogelijk".
    method = library().get("progressiegerichte-intervisie")
    assert all(s.round.turn_seconds for s in method.steps if s.round is not None)
    run = Run.of("progressiegerichte-intervisie", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")  # verhelderen
    run.wait(61, tick_every=1)
    assert "Ben, wil je afronden?" in said(run)
    akad = library().get("akad-casuistiek").step("ideeen-en-tips").round
    assert akad.turn_seconds == 30  # "een oplossing/tip/idee is één zin, niet een heel betoog"
