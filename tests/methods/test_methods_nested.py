"""The bijeenkomst (seed 003: start, ronde I, pauze, ronde II, afronding) runs a chosen method inside its
rondes: the plan shows the nested steps with their times, the engine runs them, ronde II asks first and
brings a new inbrenger, and a bad choice is one Dutch sentence."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "engine"))

from engine_sim import Run, compare_snapshot, library, render_script, simulate  # noqa: E402

from facilitator.engine import SetupError, make_setup, nest  # noqa: E402
from facilitator.events import Say  # noqa: E402
from facilitator.plan import agenda  # noqa: E402
from methods import MethodFileInvalid, load_file  # noqa: E402
from methods.compose import compose  # noqa: E402

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")
BIJEENKOMST = "progressiegerichte-bijeenkomst"
VARIANTS = Path(__file__).resolve().parents[1] / "engine" / "snapshots_variants"


def composed(chosen=None):
    return compose(library().get(BIJEENKOMST), library().methods, chosen)


def test_the_rondes_run_the_chosen_methods_steps_between_start_pauze_and_afronding():
    method = composed({"ronde-1": "cirkeltechniek-team", "ronde-2": "progressiegerichte-intervisie"})
    ids = [s.id for s in method.steps]
    team = [s.id for s in library().get("cirkeltechniek-team").steps]
    pgi = [s.id for s in library().get("progressiegerichte-intervisie").steps]
    assert ids == ["start", *(f"ronde-1-{i}" for i in team), "pauze", *(f"ronde-2-{i}" for i in pgi), "afronding"]
    # The source's "Vijf minuten pauze" stays between the rondes.
    assert method.step("pauze").minutes == 5
    # "Evt. ronde II": the question comes before the nested method's first step.
    assert method.step("ronde-2-presenteren").ask is not None
    # The default is seed 003's own format.
    assert composed().steps[1].part.method == "progressiegerichte-intervisie-format"


def test_the_plan_shows_the_nested_steps_with_their_times():
    setup = make_setup(composed("cirkeltechniek-team"), PEOPLE, None, planning=True)
    rows = agenda(setup, datetime(2026, 12, 8, 14, 0))["steps"]
    team = library().get("cirkeltechniek-team")
    first = [r for r in rows if r["ronde"] and r["ronde"]["id"] == "ronde-1"]
    assert [r["title"] for r in first] == [s.title for s in team.steps]
    assert [r["label"] for r in first][:2] == ["2.1", "2.2"]
    assert first[0]["start"] == "14:05"  # after the five minutes of the start
    pauze = next(r for r in rows if r["id"] == "pauze")
    assert pauze["number"] == 3 and pauze["start"] == first[-1]["end"]
    assert rows[-1]["number"] == 5 and rows[-1]["title"] == "Afronding"
    minutes = sum(s.planned_minutes for s in team.steps)
    assert pauze["start"] == f"{14 + (5 + int(minutes)) // 60}:{(5 + int(minutes)) % 60:02d}"


def test_the_bijeenkomst_with_the_cirkeltechniek_reads_well_aloud():
    run = simulate(BIJEENKOMST, nested={"ronde-1": "cirkeltechniek-team", "ronde-2": "progressiegerichte-intervisie"})
    assert run.state.status == "finished"
    text = render_script(run)
    compare_snapshot(VARIANTS / "progressiegerichte-bijeenkomst-cirkeltechniek.txt", text, "the nested bijeenkomst")
    # No nested welcome in the middle of the meeting, and the steps are numbered within their ronde.
    assert text.count("Welkom") == 1
    assert "Stap 2: Eerste ronde. We doen nu de cirkeltechniek in teams. We beginnen met: Kies het onderwerp." in text
    assert "Eerste ronde, stap 2: Vul de binnencirkel: opschrijven." in text
    assert "Stap 3: Pauze." in text and "Stap 5: Afronding." in text


def test_the_second_ronde_asks_first_and_brings_a_new_inbrenger():
    run = Run.of(BIJEENKOMST, PEOPLE, "Anna")  # Anna brings the case of the first ronde
    run.cmd("start")
    while run.state.step.id != "pauze":
        run.cmd("next_step")
    assert run.state.inbrenger == "Anna"
    run.cmd("next_step")
    said = [e.text for e in run.last if isinstance(e, Say)]
    assert said[-1] == "Stap 4: Tweede ronde, als er tijd is. Is er genoeg tijd voor een tweede ronde? Zeg ja of nee."
    run.cmd("answer", answer="ja")
    assert run.state.awaiting == "inbrenger" and run.state.inbrenger is None
    assert run.spoken()[-1].endswith("Wie wil in deze ronde inbrengen? Dat is vrijwillig. Zeg: ik wil.")
    run.cmd("choose_inbrenger", name="Carla")
    assert run.state.inbrenger == "Carla" and run.state.step.id == "ronde-2-voorbereiding"
    assert "Carla, denk eerst even na" in run.spoken()[-1]
    # Back and forth within the ronde does not ask again.
    run.cmd("next_step")
    run.cmd("previous_step")
    assert run.state.inbrenger == "Carla" and run.state.awaiting is None


def test_no_second_ronde_goes_on_to_the_afronding():
    run = Run.of(BIJEENKOMST, PEOPLE, "Anna")
    run.cmd("start")
    while run.state.moment is None or run.state.moment.kind != "ask":
        run.cmd("next_step")
    run.cmd("answer", answer="nee")
    assert run.state.step.id == "afronding"
    assert all(run.state.records[i].skipped for i, s in enumerate(run.state.method.steps) if s.id.startswith("ronde-2"))
    assert run.spoken()[-1].startswith("Stap 5: Afronding.")


@pytest.mark.parametrize("chosen, message", [
    ("case-clinic", "In 'Eerste ronde' kan case-clinic niet; kies uit: progressiegerichte-intervisie-format"),
    ({"ronde-3": "cirkeltechniek-team"}, "'ronde-3' is geen stap waarin een methode loopt; kies uit: ronde-1, ronde-2."),
])
def test_a_choice_that_cannot_run_is_one_dutch_sentence(chosen, message):
    with pytest.raises(SetupError) as caught:
        nest(library(), library().get(BIJEENKOMST), chosen)
    assert str(caught.value).startswith(message)
    with pytest.raises(SetupError, match="Bij Case Clinic loopt geen methode in een stap"):
        nest(library(), library().get("case-clinic"), "cirkeltechniek-team")


def test_a_method_file_cannot_write_the_composed_mark(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('id = "x"\nname = "X"\nsource = "s"\npurpose = "P."\n[[steps]]\nid = "a"\ntitle = "A"\n'
                    'minutes = 1\ncue = "C."\n[steps.part]\nslot = "r"\n', encoding="utf-8")
    with pytest.raises(MethodFileInvalid) as caught:
        load_file(path)
    assert "[steps.nest]" in str(caught.value)


def test_a_composed_meeting_replays_from_its_log(tmp_path):
    from facilitator.service import MeetingService

    service = MeetingService(tmp_path, library())
    meeting_id = service.create(BIJEENKOMST, list(PEOPLE), None, nested="cirkeltechniek-duo")
    service.command(meeting_id, "start")
    service.command(meeting_id, "next_step")
    service.command(meeting_id, "choose_inbrenger", name="Ben")
    before = service.view(meeting_id)
    again = MeetingService(tmp_path, library())
    after = again.view(meeting_id)
    assert after["step"]["id"] == before["step"]["id"] == "ronde-1-activiteit"
    assert after["inbrenger"] == "Ben"
