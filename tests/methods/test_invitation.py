"""`facilitator plan ID --invite`: the Dutch invitation, read against the sources for three methods."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import subprocess
import sys

from facilitator.engine import make_setup
from facilitator.plan import dutch_date, invitation
from methods import load_library

LIBRARY = load_library()
PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
WHEN = datetime(2026, 12, 8, 14, 0)
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def invite(method_id: str, inbrenger=None, place="Buurthuis De Linde") -> str:
    setup = make_setup(LIBRARY.get(method_id), PEOPLE, inbrenger, planning=True)
    return invitation(setup, WHEN, place)


def test_dutch_dates_do_not_depend_on_the_locale():
    assert dutch_date(WHEN) == "dinsdag 8 december 2026"


def test_progressiegerichte_intervisie_invitation_follows_seed_001():
    text = invite("progressiegerichte-intervisie")
    assert text.startswith("Uitnodiging: Progressiegerichte intervisie\n")
    assert "Datum: dinsdag 8 december 2026" in text
    assert "Tijd: 14:00 tot 14:20 uur" in text  # "in een minuut of 20"
    assert "Plaats: Buurthuis De Linde" in text
    # "Inbrengen van een case is altijd op vrijwillige basis": nobody is picked beforehand.
    assert "Inbrengen is altijd vrijwillig. Wie een casus inbrengt, kiezen we tijdens de bijeenkomst." in text
    assert "14:00–14:03  1. Presenteren" in text and "14:19–14:20  7. Vraag aan de groep" in text
    # The source's Voorbereiding for the teamleden.
    assert "Denk even na over een case die je eventueel zou willen inbrengen" in text
    assert "echt en nog niet opgelost praktijkprobleem" in text
    assert "specifieke vraag voor tips" in text


def test_akad_invitation_asks_to_prepare_with_the_tips_voorbereiden_casus():
    text = invite("akad-casuistiek")
    assert "Tijd: 14:00 tot 14:30 uur" in text  # "zo'n 30 minuten"
    assert "'tips voorbereiden casus'" in text and "'spinnetjes schema'" in text
    assert "geanonimiseerd" in text
    # Stap 1 begins with the terugkoppeling of last time's case: those people prepare it.
    assert "wat je met de tips en ideeën hebt gedaan" in text
    # The procesbegeleider's own list (mixing the group, the matrix) is not for the invited.
    assert "Neem de compensatiematrix mee" not in text
    assert "14:16–14:26  5. Verzamelen ideeën en tips" in text


def test_case_clinic_invitation_names_the_inbrenger_and_the_fifteen_minutes():
    text = invite("case-clinic", inbrenger="Anna")
    assert "Anna brengt een casus in." in text
    assert "Tijd: 14:00 tot 15:00 uur" in text  # the steps' minutes, 15 for the intentie
    assert "binnen 15 minuten kunnen presenteren" in text
    assert "persoonlijke leerdrempel" in text and "schrift" in text
    if SEEDS.is_dir():
        seed = (SEEDS / "000_f838c9d122d0677e.txt").read_text(encoding="utf-8")
        assert "binnen 15 minuten kunnen presenteren" in seed and "Noteer opmerkingen in een schrift" in seed


def test_every_method_writes_an_invitation_with_its_programme():
    for method in LIBRARY:
        text = invitation(make_setup(method, PEOPLE, None, planning=True), WHEN)
        assert "Plaats: nog te bepalen" in text
        for number, step in enumerate(method.steps, start=1):
            assert f"{number}. {step.title}" in text, (method.id, step.title)
        assert "{" not in text, (method.id, text)


def facilitator(tmp_path, *args):
    exe = Path(sys.executable).parent / "facilitator"
    return subprocess.run([str(exe), "--data-dir", str(tmp_path), *args], capture_output=True, text=True,
                          timeout=60)


def test_the_cli_writes_the_invitation(tmp_path):
    result = facilitator(tmp_path, "plan", "akad-casuistiek", "-p", ",".join(PEOPLE), "--start", "14:00",
                         "--date", "8-12-2026", "--place", "Zaal 2", "--invite")
    assert result.returncode == 0, result.stderr
    assert "Datum: dinsdag 8 december 2026" in result.stdout and "Plaats: Zaal 2" in result.stdout
    bad = facilitator(tmp_path, "plan", "akad-casuistiek", "-p", ",".join(PEOPLE), "--date", "morgen", "--invite")
    assert bad.returncode == 2 and "Datum 'morgen' begrijp ik niet" in bad.stderr


def test_the_plan_shows_the_repeated_block_per_topic():
    from facilitator.plan import agenda

    setup = make_setup(LIBRARY.get("snelle-adviesrondes"), PEOPLE, None, planning=True)
    plan = agenda(setup, WHEN, topics=3)
    # "Daarna herhaling stap 2 t/m 6 met het volgende onderwerp": 5 minutes once, then 15 per topic.
    assert plan["end"] == "14:50" and plan["total_minutes"] == 50
    numbers = [r["number"] for r in plan["steps"]]
    assert numbers == [1, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6, 2, 3, 4, 5, 6]
    assert plan["steps"][6]["title"] == "Presentatie van het onderwerp (onderwerp 2)"
    assert plan["steps"][6]["start"] == "14:20" and plan["steps"][11]["start"] == "14:35"
    text = invitation(setup, WHEN, "Zaal 1", topics=2)
    assert "Tijd: 14:00 tot 14:35 uur" in text and "(onderwerp 2)" in text
    # Other methods do not repeat.
    assert len(agenda(make_setup(LIBRARY.get("case-clinic"), PEOPLE, "Anna"), WHEN, topics=3)["steps"]) == 7
