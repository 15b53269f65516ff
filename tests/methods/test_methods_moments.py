"""Optional steps ask ja or nee first; socratisch's Beslismoment decides; Balint's pause after each phase
and the denkpauze before the compliment and tip rounds last their time, silent, ending with a soft cue.
Also: 'dit is mijn hulpvraag' marks the inbrenger's line, and W/N/K rates the last question live."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Run, library, simulate  # noqa: E402

from facilitator.engine import outcomes  # noqa: E402
from facilitator.events import Say, Tick  # noqa: E402

from methods.compose import compose  # noqa: E402

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")


def composed(method_id: str):
    """The method as a meeting runs it: a nested method's steps in place of its ronde."""
    return compose(library().get(method_id), library().methods)


OPTIONAL = [(m.id, s.id) for m in library() for s in composed(m.id).steps if s.ask is not None]


def said(run: Run, since: int = 0) -> list[str]:
    return [e.text for _, e in run.effects[since:] if isinstance(e, Say)]


def test_the_optional_steps_of_the_sources_ask_first():
    assert sorted(OPTIONAL) == [("progressiegerichte-bijeenkomst", "ronde-2-voorbereiding"),
                                # 001, Na afloop: "Vond je het nuttig?" Indien ja: "Wat vond je vooral nuttig?"
                                ("progressiegerichte-intervisie", "na-afloop"),
                                ("socratisch-gesprek", "beslismoment"), ("socratisch-gesprek", "suggesties"),
                                ("socratisch-gesprek", "tweede-ronde")]


def _to_question(method_id: str, step_id: str) -> Run:
    run = Run.of(method_id, PEOPLE, "Anna")
    run.cmd("start")
    for _ in range(40):
        if run.state.step.id == step_id and run.state.moment is not None:
            return run
        run.cmd("next_step")
    raise AssertionError(f"{method_id}: never reached {step_id}")


@pytest.mark.parametrize("method_id, step_id", OPTIONAL)
def test_yes_and_no_at_every_optional_step(method_id, step_id):
    method = composed(method_id)
    step = method.step(step_id)
    index = [s.id for s in method.steps].index(step_id)
    # A nested method's first step asks for its whole ronde: "nee" skips the ronde.
    after = index + 1
    while step.part is not None and after < len(method.steps) and (
            method.steps[after].part is not None and method.steps[after].part.slot == step.part.slot):
        after += 1
    # The question is asked, and the step does not start in the same breath.
    run = _to_question(method_id, step_id)
    question = said(run)[-1]
    assert question.endswith(step.ask.question.replace("{inbrenger}", "Anna")) and "Zeg ja" in question
    assert run.state.round is None and run.state.moment.kind == "ask"
    run.wait(900)
    assert run.state.step_index == index and not run.state.timer.time_up  # it waits for the answer

    yes = _to_question(method_id, step_id)
    yes.cmd("answer", answer="ja", source="voice")
    if step.part is not None and step.part.choice is not None:
        # A second ronde: ja, then who brings the new case (not Anna again without asking).
        assert yes.state.step_index == index and yes.state.awaiting == "inbrenger"
        assert said(yes)[-1].endswith(step.part.choice.question)
    elif step.ask.yes == "stap":
        assert yes.state.step_index == index and yes.state.moment is None
        assert said(yes)[-2 if step.round else -1].startswith(step.cue.replace("{inbrenger}", "Anna")[:20])
    else:  # the Beslismoment: ja is the decision, on to the next step
        assert yes.state.step_index == index + 1

    no = _to_question(method_id, step_id)
    no.cmd("answer", answer="nee")
    assert all(no.state.records[i].skipped for i in range(index, after))
    if step.ask.no == "einde" or after == len(no.state.method.steps):
        assert no.state.status == "finished"
    else:
        assert no.state.step_index == after and no.state.status == "running"
    no.cmd("answer", answer="ja")
    assert no.rejected() in ("Er is nu geen vraag om ja of nee op te zeggen.", "De bijeenkomst is al afgelopen.")


def test_the_beslismoment_no_ends_the_socratic_meeting_without_the_suggestions():
    run = _to_question("socratisch-gesprek", "beslismoment")
    run.cmd("answer", answer="nee")
    assert run.state.status == "finished"
    assert not any(t.startswith("Stap 12") or t.startswith("Stap 13") for t in said(run))
    bad = _to_question("socratisch-gesprek", "beslismoment")
    bad.cmd("answer", answer="misschien")
    assert bad.rejected() == "Zeg ja of nee." and bad.state.moment.kind == "ask"


def test_balints_pause_after_each_phase_lasts_fifteen_seconds_and_is_silent():
    run = Run.of("balintmethode", PEOPLE, "Anna")
    run.cmd("start")
    for _ in range(5):
        run.cmd("pass")  # a round of passes ends the first phase
    assert run.state.moment.kind == "pause_after"
    start = run.t
    assert said(run)[-1] == "Sta even stil bij wat er wel en niet gezegd is."
    mark = len(run.effects)
    run.wait(14.9, tick_every=0.5)
    assert said(run, mark) == [] and run.state.step_index == 0  # silent, and not over yet
    run.wait(0.2, tick_every=0.1)
    spoken = said(run, mark)
    assert spoken[0] == "Dan gaan we verder." and spoken[1].startswith("Stap 2: Interesse kweken.")
    assert run.state.step_index == 1
    # Replayed without ticks, the pause ends at the same moment.
    replay = Run.of("balintmethode", PEOPLE, "Anna")
    for t, event in run.log:
        replay.feed(event, at=t)
    replay.feed(Tick(), at=start + 15.1)
    assert replay.state.step_index == 1


def test_volgende_stap_during_a_pause_ends_it_at_once():
    run = Run.of("balintmethode", PEOPLE, "Anna")
    run.cmd("start")
    for _ in range(5):
        run.cmd("pass")
    run.cmd("next_step")
    assert run.state.step_index == 1 and run.state.moment is None


def test_the_denkpauze_before_the_compliment_and_tip_rounds():
    run = simulate("progressiegerichte-intervisie-format")
    script = run.script()
    for title, item in (("Stap 4: Bevestigen.", "compliment"), ("Stap 5: Tips.", "tip")):
        i = next(n for n, (_, _, text) in enumerate(script) if text.startswith(title))
        t0, _, text = script[i]
        assert text.endswith("Neem eerst allemaal even een denkpauze, en maak wat aantekeningen.")
        t1, _, after = script[i + 1]
        assert after.startswith("Dan beginnen we.") and t1 - t0 == pytest.approx(30)
        assert script[i + 2][2] == f"Ben, jouw {item}."


def test_dit_is_mijn_hulpvraag_marks_the_inbrengers_line():
    run = Run.of("case-clinic", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")  # intentie: the inbrenger speaks; its outcome is the hulpvraag
    run.say("Hoe krijg ik mijn team mee in de nieuwe planning", 10.0, 14.0, uid="a1")
    run.cmd("mark_outcome", source="voice")  # "dit is mijn hulpvraag"
    assert run.state.outcomes.hulpvraag == "Hoe krijg ik mijn team mee in de nieuwe planning"
    while run.state.step.id != "afsluiting":
        run.cmd("next_step")
    while run.state.round and run.state.round.turn:
        run.cmd("pass")
    run.say("Ik ga maandag met twee teamleden praten", 100.0, 104.0, uid="a2")
    run.cmd("mark_outcome")  # the step's outcome: volgende stap
    assert outcomes(run.state)["volgende_stap"] == "Ik ga maandag met twee teamleden praten"


def test_warm_neutraal_koud_live_rates_the_last_question():
    run = Run.of("tienstappenmethode", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")  # vragen formuleren: Ben has the word
    run.say("Wat heb je zelf al geprobeerd", 10.0, 13.0, uid="q1")
    run.cmd("rate", rating="W")  # Anna: "warm", by key or button
    run.say("Wie is er nog meer bij betrokken", 14.0, 17.0, uid="q2")
    run.cmd("rate", rating="k")
    ratings = [(e["text"], e["rating"]) for e in outcomes(run.state)["items"]["vraag"]]
    assert ratings == [("Wat heb je zelf al geprobeerd Wie is er nog meer bij betrokken", "W")] or ratings == [
        ("Wat heb je zelf al geprobeerd", "W"), ("Wie is er nog meer bij betrokken", "K")]
    lines = {l.text: l.rating for l in run.state.transcript}
    assert lines == {"Wat heb je zelf al geprobeerd": "W", "Wie is er nog meer bij betrokken": "K"}


def test_talk_in_a_silence_step_gets_one_kind_reminder():
    run = Run.of("case-clinic", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")
    run.cmd("next_step")  # stilte
    assert run.state.step.silence
    run.activity(True)
    mark = len(run.effects)
    run.wait(5.5, tick_every=0.5)
    assert said(run, mark) == []  # a few seconds pass unremarked
    run.wait(1.0, tick_every=0.5)
    assert said(run, mark) == ["We zijn nog even stil."]
    run.activity(False)
    run.activity(True)
    run.wait(20, tick_every=1)
    assert said(run, mark) == ["We zijn nog even stil."]  # once per step, never a nag


def test_waarom_doen_we_dit_explains_the_steps_purpose():
    run = Run.of("case-clinic", PEOPLE, "Anna")
    run.cmd("start")
    run.cmd("next_step")
    run.cmd("next_step")
    run.cmd("next_step")  # spiegelen
    run.cmd("explain", source="voice")
    assert said(run)[-1] == ("Waarom deze stap? Iedere coach deelt wat er bij hem of haar opkwam gedurende de "
                             "stilte of tijdens het luisteren naar de casus.")
    assert run.state.step.id == "spiegelen" and run.state.round.turn == "Ben"  # nothing else moves


def test_akads_ideas_go_over_the_compensatiematrix_one_prompt_after_another():
    akad = library().get("akad-casuistiek")
    prompts = akad.step("ideeen-en-tips").prompts
    assert [p.split(":")[0] for p in prompts] == [
        "Eerst de cliënt zelf", "Dan het netwerk", "Dan het informeel georganiseerde aanbod", "Als laatste het formele aanbod"]
    run = Run.of("akad-casuistiek", PEOPLE, "Anna")
    run.cmd("start")
    while run.state.step.id != "ideeen-en-tips":
        run.cmd("next_step")
    while run.state.round.turn:
        run.cmd("pass")  # the round of one tip each; then the free talk over the matrix
    assert said(run)[-1].endswith(prompts[0])
    mark = len(run.effects)
    run.wait(60, tick_every=1)
    assert said(run, mark) == []  # nothing in between: the talk goes on
    run.wait(200, tick_every=1)
    assert said(run, mark) == [prompts[1]]  # a share of the time later, the next column
    run.cmd("next_turn", source="voice")  # "volgende": the procesbegeleider moves on at once
    assert said(run, mark)[-1] == prompts[2]
    run.cmd("next_turn")
    assert said(run, mark)[-1] == prompts[3]
    run.cmd("next_turn")
    assert run.rejected() == "In deze stap is er geen beurtronde; zeg 'volgende stap' om door te gaan."


@pytest.mark.parametrize("method_id", sorted(m.id for m in library()))
def test_no_cue_is_said_twice_in_a_row(method_id):
    """The last round's step's own end closes the meeting once (socratisch: 'Dank jullie wel ...' came twice)."""
    texts = [text for _, _, text in simulate(method_id).script()]
    assert not [a for a, b in zip(texts, texts[1:]) if a == b and not a.startswith(("Nog", "Dat was"))]
