"""The command line, as a user runs it: plan, run with keys on stdin, list, show, export, resume, delete.

Real processes, a real data folder in tmp_path (FACILITATOR_DATA_DIR), timeouts on everything.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from facilitator.cli import cli
from methods import load_library

EXE = Path(sys.executable).parent / "facilitator"
PEOPLE = "Anna,Ben,Carla,Dirk,Eva"


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


def fac(data: Path, *args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(data), "FACILITATOR_METHODS_DIR": str(data / "no-methods")}
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-c", "from facilitator.cli import main; main()"]
    return subprocess.run(cmd + list(args), input=stdin, capture_output=True, text=True, timeout=timeout, env=env)


def one_sentence(text: str) -> bool:
    lines = [l for l in text.strip().splitlines() if l.strip()]
    return len(lines) == 1 and lines[0].rstrip().endswith((".", "?"))


# -- plan ------------------------------------------------------------------------------------

def test_plan_case_clinic_times_add_up_from_14_00(data):
    out = fac(data, "plan", "case-clinic", "--participants", PEOPLE, "--start", "14:00", "-i", "Anna")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "Case Clinic: 14:00–15:00 (60 minuten)"
    assert "inbrenger: Anna" in lines[1]
    spans = re.findall(r"^(\d\d:\d\d)–(\d\d:\d\d)  (\d+)\. ", out.stdout, flags=re.M)
    assert [int(n) for _, _, n in spans] == list(range(1, 8))
    assert spans[0][0] == "14:00" and spans[-1][1] == "15:00"
    for (_, end, _), (start, _, _) in zip(spans, spans[1:]):
        assert end == start
    assert "stilte" in out.stdout and "ronde: 1 spiegeling per persoon" in out.stdout


def test_plan_json_times_add_up(data):
    out = fac(data, "plan", "case-clinic", "--participants", PEOPLE, "--start", "14:00", "-i", "Anna", "--json")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["start"] == "14:00" and plan["inbrenger"] == "Anna" and plan["warnings"] == []
    t = datetime.strptime("14:00", "%H:%M")
    for row in plan["steps"]:
        assert row["start"] == t.strftime("%H:%M")
        t += timedelta(minutes=max(row["minutes"]) if isinstance(row["minutes"], list) else row["minutes"])
        assert row["end"] == t.strftime("%H:%M")
    assert plan["end"] == t.strftime("%H:%M") == "15:00"
    assert plan["total_minutes"] == 60
    assert [r["speakers"] for r in plan["steps"]][1] == ["Anna"]
    assert plan["steps"][3]["round"]["max_rounds"] == 1


@pytest.mark.parametrize("method_id", sorted(m.id for m in load_library(None)))
def test_plan_works_for_every_method(method_id, data, monkeypatch):
    monkeypatch.setenv("FACILITATOR_DATA_DIR", str(data))
    monkeypatch.setenv("FACILITATOR_METHODS_DIR", str(data / "no-methods"))
    result = CliRunner().invoke(cli, ["plan", method_id, "--participants", PEOPLE, "--start", "09:30", "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert plan["start"] == "09:30" and plan["steps"][0]["start"] == "09:30"
    assert plan["steps"][-1]["end"] == plan["end"]
    total = sum(max(r["minutes"]) if isinstance(r["minutes"], list) else (r["minutes"] or 0) for r in plan["steps"])
    assert plan["total_minutes"] == pytest.approx(total)


def test_plan_group_size_warning(data):
    out = fac(data, "plan", "case-clinic", "--participants", "Anna,Ben,Carla")
    assert out.returncode == 0
    assert "Let op: Case Clinic werkt het best met 4 tot 5 mensen; jullie zijn met 3." in out.stdout


@pytest.mark.parametrize("args, expected", [
    (["plan", "case-clnic", "--participants", PEOPLE], "Onbekende methode 'case-clnic'. Bedoel je: case-clinic?"),
    (["plan", "case-clinic", "--participants", PEOPLE, "--inbrenger", "Zoë"], "De inbrenger 'Zoë' staat niet bij"),
    (["plan", "case-clinic", "--participants", "Anna"], "minstens twee deelnemers"),
    (["plan", "case-clinic", "--participants", "Anna,Ben,anna"], "Namen moeten uniek zijn"),
    (["plan", "case-clinic", "--participants", PEOPLE, "--start", "twee uur"], "Begintijd 'twee uur'"),
    (["run", "case-clinic", "--participants", PEOPLE, "--inbrenger", "Zoë"], "De inbrenger 'Zoë' staat niet bij"),
    (["run", "case-clinic", "--participants", PEOPLE, "-i", "Anna", "--procesbegeleider", "Piet"], "De procesbegeleider 'Piet'"),
    (["run", "geen-methode", "--participants", PEOPLE], "Onbekende methode 'geen-methode'."),
    # Inbrengen is voluntary: the CLI picks nobody; a method that does not choose in the meeting refuses.
    (["run", "case-clinic", "--participants", PEOPLE], "Zeg wie de casus inbrengt"),
    (["run"], "Geef een methode en de deelnemers op"),
    (["run", "--resume", "abc123"], "Bijeenkomst 'abc123' bestaat niet."),
    (["meetings", "show", "abc123"], "Bijeenkomst 'abc123' bestaat niet."),
    (["meetings", "delete", "abc123", "--yes"], "Bijeenkomst 'abc123' bestaat niet."),
    (["export", "abc123", "--format", "md"], "Bijeenkomst 'abc123' bestaat niet."),
])
def test_bad_input_is_one_clear_sentence_and_a_non_zero_exit(data, args, expected):
    out = fac(data, *args)
    assert out.returncode != 0
    assert expected in out.stderr
    assert one_sentence(out.stderr), out.stderr
    assert "Traceback" not in out.stderr


# -- a meeting from start to end ------------------------------------------------------------

def test_run_list_show_export_resume_delete(data):
    # First session: two steps on, a note, then stop (q).
    out = fac(data, "run", "case-clinic", "--participants", PEOPLE, "--inbrenger", "Anna",
              stdin="s\ns\nm Ben moet om vier uur weg\np\nq\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("» Welkom bij de Case Clinic.")
    assert "» Stap 3: Stilte." in out.stdout
    assert "! Er is nu geen beurt om te passen." in out.stdout  # a pass during the silence
    meeting = re.search(r"Verder gaan: facilitator run --resume ([0-9a-f]+)", out.stdout).group(1)

    # Private data.
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for p in data.glob("facilitator.db*"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o600

    listed = json.loads(fac(data, "meetings", "list", "--json").stdout)
    assert [m["id"] for m in listed] == [meeting]
    assert listed[0]["status"] == "running" and listed[0]["inbrenger"] == "Anna"
    text = fac(data, "meetings", "list").stdout
    assert meeting in text and "onderbroken" in text

    show = fac(data, "meetings", "show", meeting)
    assert show.returncode == 0 and show.stdout.startswith("# Verslag: Case Clinic")
    assert "Ben moet om vier uur weg" in show.stdout

    # Second session: resume at the silence and run to the end.
    keys = ["s",                      # → spiegelen: Ben's turn
            "p", "p", "n", "n",       # Ben, Carla pass; Dirk, Eva done → Anna responds
            "n", "s",                 # Anna's reply is over (the step waits), → dialoog
            "s",                      # → afsluiting: Ben's turn
            "n", "n", "n", "n",       # → Anna: hoe kijk je nu aan tegen de situatie
            "n", "s",                 # Anna answers; open talk, then → journaling
            "s"]                      # → finished
    out = fac(data, "run", "--resume", meeting, stdin="\n".join(keys) + "\n")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("» Stap 4: Spiegelen.")
    assert "» Ben, wat kwam er bij jou op?" in out.stdout
    assert "» Anna, wil je reageren op wat je hebt gehoord?" in out.stdout
    assert "» Stap 7: Voor jezelf opschrijven." in out.stdout
    assert f"Klaar. Verslag: facilitator export {meeting}" in out.stdout

    again = fac(data, "run", "--resume", meeting)
    assert "al afgerond" in again.stdout

    md = fac(data, "export", meeting, "--format", "md")
    assert md.returncode == 0
    assert "## Notities" in md.stdout and "| Spiegelen | 10:00 |" in md.stdout
    record = json.loads(fac(data, "export", meeting, "--format", "json").stdout)
    assert record["id"] == meeting and record["status"] == "finished"
    assert record["outcomes"]["passes"] == {"Ben": 1, "Carla": 1}
    assert [s["visited"] for s in record["steps"]] == [True] * 7
    assert record["outcomes"]["notes"] == ["Ben moet om vier uur weg"]

    target = data.parent / "verslag.md"
    out = fac(data, "export", meeting, "--format", "md", "--output", str(target))
    assert out.returncode == 0 and target.read_text(encoding="utf-8").strip() == md.stdout.strip()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    # Delete: asked first, then really gone.
    no = fac(data, "meetings", "delete", meeting, stdin="n\n")
    assert no.returncode != 0 and "Niets verwijderd." in no.stderr
    out = fac(data, "meetings", "delete", meeting, "--yes")
    assert out.returncode == 0 and f"Bijeenkomst {meeting} is verwijderd." in out.stdout
    assert fac(data, "meetings", "list").stdout.strip() == "Nog geen bijeenkomsten."
    assert json.loads(fac(data, "meetings", "list", "--json").stdout) == []
    assert fac(data, "meetings", "show", meeting).returncode != 0
    raw = b"".join(p.read_bytes() for p in data.glob("facilitator.db*"))
    assert b"Ben moet om vier uur weg" not in raw


def test_run_ends_cleanly_when_input_ends(data):
    out = fac(data, "run", "case-clinic", "--participants", PEOPLE, "-i", "Anna", stdin="")
    assert out.returncode == 0
    assert "Onderbroken. Verder gaan: facilitator run --resume" in out.stdout


SHORT_ROLES = """extends = "case-clinic"
id = "case-clinic-kort"
name = "Case Clinic (kort)"

[step_changes.rollen]
minutes = 0.5
"""


@pytest.mark.parametrize("flag, step", [(["--auto-advance"], 1), ([], 0)])
def test_run_with_auto_advance_moves_on_when_the_time_is_up(data, tmp_path, flag, step):
    """A 40 s recording of a quiet room through a method whose first step takes 30 s: with the flag
    the meeting is in the second step when the recording ends, without it still in the first."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from room_audio import Room

    methods = tmp_path / "methods"
    methods.mkdir()
    (methods / "case-clinic-kort.toml").write_text(SHORT_ROLES, encoding="utf-8")
    recording = Room().pause(40.0).write(tmp_path / "quiet-room.wav")
    env = {**os.environ, "FACILITATOR_DATA_DIR": str(data), "FACILITATOR_METHODS_DIR": str(methods),
           "FACILITATOR_MODEL": str(tmp_path / "no-model")}
    cmd = [str(EXE)] if EXE.exists() else [sys.executable, "-c", "from facilitator.cli import main; main()"]
    out = subprocess.run(cmd + ["run", "case-clinic-kort", "--participants", PEOPLE, "-i", "Anna", "--audio", str(recording),
                                *flag], capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(fac(data, "meetings", "list", "--json").stdout)
    record = json.loads(fac(data, "export", row["id"], "--format", "json").stdout)
    # (The export's own step is not checked: a step that ended by itself is not in the log, so a
    # reloaded meeting shows it again until its first tick.)
    assert row["status"] == "running"
    assert row["step"] == record["steps"][step]["title"]
    assert f"staat bij stap {step + 1}:" in out.stdout


def test_a_corrupt_database_is_reported_and_the_cli_goes_on(data):
    data.mkdir(mode=0o700)
    (data / "facilitator.db").write_bytes(b"kapot" * 1000)
    out = fac(data, "meetings", "list")
    assert out.returncode == 0
    assert "De database was beschadigd en is apart gezet" in out.stderr
    assert out.stdout.strip() == "Nog geen bijeenkomsten."
    assert list(data.glob("facilitator.db.corrupt-*"))


def test_meetings_list_shows_where_an_interrupted_meeting_stopped(data):
    out = fac(data, "run", "case-clinic", "--participants", PEOPLE, "-i", "Anna", stdin="s\ns\nq\n")
    meeting = re.search(r"--resume ([0-9a-f]+)", out.stdout).group(1)
    listed = json.loads(fac(data, "meetings", "list", "--json").stdout)
    assert listed[0]["id"] == meeting and listed[0]["step"] == "Stilte"
