"""Minutes as the source gives them, and the step sums against the stated totals.

The tables below were read from the seeds by hand (../shared/seeds). A file that changes a
figure, or a new method without an entry here, fails with a message naming the method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

import pytest

from methods import load_library

LIBRARY = load_library()
assert not LIBRARY.errors, LIBRARY.errors
METHOD_IDS = sorted(LIBRARY.methods)

# The source gives no minutes for this step: the file's figure must be marked minutes_default.
DEFAULT = "default"


@dataclass(frozen=True)
class Adjusted:
    """The source gives `source` minutes for part of the step; the file reads the step as longer.

    The file's figure may differ, but then the step is not marked as a default and its
    minutes_note quotes the source's figure.
    """

    source: float


Figure = Union[float, tuple[float, float], str, Adjusted]

# Per method, per step in order: the minutes as the source gives them.
SOURCE_MINUTES: dict[str, list[Figure]] = {
    # 000: "Stap 1 (+ 2 minuten)", "Stap 2 (10 – 15 minuten)", "Stap 3 (+ 3 minuten)", 10, 20, 8, 2.
    "case-clinic": [2, (10, 15), 3, 10, 20, 8, 2],
    # 001: "in een minuut of 20", no minutes per step; the file adds "Na afloop" (the closing questions: to the inbrenger, then the group).
    "progressiegerichte-intervisie": [DEFAULT] * 7,
    # 002: "zo'n 30 minuten"; only the toelichting of stap 3 has a time: "in ca. 3 minuten".
    "akad-casuistiek": [DEFAULT, DEFAULT, Adjusted(3), DEFAULT, DEFAULT, DEFAULT],
    # 003: the cirkeltechniek in duo's has no times (4 steps, then the roles turn round).
    "cirkeltechniek-duo": [DEFAULT] * 8,
    # 003: the cirkeltechniek in teams: "Duur: 30 minuten", no times per step.
    "cirkeltechniek-team": [DEFAULT] * 6,
    # 003: start, ronde I, "Vijf minuten pauze", evt. ronde II, afronding.
    "progressiegerichte-bijeenkomst": [DEFAULT, DEFAULT, 5, DEFAULT, DEFAULT],
    # 003: the format progressiegerichte intervisie: phases without times; the file adds "Na afloop"
    # (the tip "Vraag na afloop ook aan alle deelnemers of het nuttig voor ze was").
    "progressiegerichte-intervisie-format": [DEFAULT] * 7,
    # 004, the "Tijdsindicatie" columns of the schatkist:
    "vissenkom": [10, 10, 20, 15, 10],  # 2.
    "snelle-adviesrondes": [5, 5, 3, 3, 3, 1],  # 3.
    "vijfstappenmethode": [5, 15, 15, 15, 10],  # 4.
    "tienstappenmethode": [5, 10, 5, 10, 15, 10, 5, 5, 15, 10],  # 5.
    "roddelmethode": [5, 15, 15, 15, 10],  # 6.
    "dominante-ideeen": [5, 20, 10, 10, 20, 10],  # 7.
    "clinicmethode": [5, 10, 20, 5, 10, 10],  # 8. (stoelen)
    "oplossingsgerichte-intervisie": [5, 5, 10, 5, 15, 10, 5],  # 9.
    "intuitieve-methode": [5, 10, 10, 15, 30, 10, 5],  # 10. (Younion)
    "roddelmethode-advisering": [5, 20, 5, 15, 5, 10, 10],  # 11.
    "modelling": [5, 5, 10, 10, 10, 5, 10],  # 12.
    "socratisch-gesprek": [5, 5, 10, 5, 15, 10, 5, 5, 10, 15, 1, 4, 10],  # 13.
    # 14. Balint: stap 4 (gesprekleider kiezen) has no time.
    "balintmethode": [5, 10, 5, DEFAULT, 5, 5, 10, 5, 5, 15, 5, 5, 10],
    "collegiale-consultatie": [5, 5, 15, 5, 1, 5, 1, 5, 5, 10, 5],  # 15.
}

# The total each source states ("Benodigde tijd", "Tijd:", "Duur:", "in een minuut of 20",
# "zo'n 30 minuten"); None where the source states none.
STATED_TOTALS: dict[str, Union[float, tuple[float, float], None]] = {
    "case-clinic": (60, 75),
    "progressiegerichte-intervisie": 20,
    "akad-casuistiek": 30,
    "cirkeltechniek-duo": None,
    "cirkeltechniek-team": 30,
    "progressiegerichte-bijeenkomst": None,
    "progressiegerichte-intervisie-format": None,
    "vissenkom": 65,
    "snelle-adviesrondes": 15,
    "vijfstappenmethode": 60,
    "tienstappenmethode": 90,
    "roddelmethode": 60,
    "dominante-ideeen": 75,
    "clinicmethode": 60,
    "oplossingsgerichte-intervisie": 55,
    "intuitieve-methode": 85,
    "roddelmethode-advisering": 70,
    "modelling": 55,
    "socratisch-gesprek": 75,
    "balintmethode": 85,
    "collegiale-consultatie": 62,
}

# Methods whose step sum is not the stated total: (step sum, stated total).
# Each must explain in total_note how it is read. Anything not listed here must add up.
KNOWN_DIFFERENCES: dict[str, tuple] = {
    # "+ 2 minuten" and "+ 3 minuten" read as 2 and 3; the steps make 55-60, the source says 60-75.
    "case-clinic": ((55, 60), (60, 75)),
    # Steps 5+5+3+3+3+1 = 20; "Benodigde tijd 15 min."
    "snelle-adviesrondes": (20, 15),
    # Thirteen steps make 100; "Benodigde tijd 75 min."
    "socratisch-gesprek": (100, 75),
}


def as_pair(value) -> tuple[float, float]:
    if isinstance(value, tuple):
        return (float(value[0]), float(value[1]))
    return (float(value), float(value))


def test_every_method_has_a_minutes_entry():
    assert set(SOURCE_MINUTES) == set(METHOD_IDS), (
        "methods without a SOURCE_MINUTES entry: "
        f"{sorted(set(METHOD_IDS) - set(SOURCE_MINUTES))}; entries without a method: "
        f"{sorted(set(SOURCE_MINUTES) - set(METHOD_IDS))}"
    )
    assert set(STATED_TOTALS) == set(METHOD_IDS)


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_minutes_as_in_the_source(method_id: str):
    method = LIBRARY.get(method_id)
    expected = SOURCE_MINUTES.get(method_id)
    assert expected is not None, f"{method_id}: add the source's minutes to SOURCE_MINUTES"
    assert len(method.steps) == len(expected), (
        f"{method_id}: {len(method.steps)} steps in the file, {len(expected)} in the source table"
    )
    for number, (step, figure) in enumerate(zip(method.steps, expected), start=1):
        where = f"{method_id} step {number} ({step.id})"
        if figure == DEFAULT:
            assert step.minutes_default, f"{where}: the source gives no minutes; mark minutes_default = true"
        elif isinstance(figure, Adjusted):
            assert not step.minutes_default, f"{where}: the source gives {figure.source:g} minutes"
            if as_pair(step.minutes) != as_pair(figure.source):
                note = step.minutes_note or ""
                assert f"{figure.source:g} minuten" in note, (
                    f"{where}: {step.minutes} minutes where the source gives {figure.source:g}; "
                    "say why in minutes_note"
                )
        else:
            assert not step.minutes_default, f"{where}: the source gives {figure} minutes, not a default"
            assert step.minutes is not None and as_pair(step.minutes) == as_pair(figure), (
                f"{where}: {step.minutes} minutes in the file, the source gives {figure}"
            )


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_stated_total_as_in_the_source(method_id: str):
    method = LIBRARY.get(method_id)
    stated = STATED_TOTALS.get(method_id, "missing")
    assert stated != "missing", f"{method_id}: add its stated total to STATED_TOTALS"
    if stated is None:
        assert method.total_minutes is None, f"{method_id}: the source states no total"
    else:
        assert method.total_minutes is not None and as_pair(method.total_minutes) == as_pair(stated), (
            f"{method_id}: total_minutes {method.total_minutes}, the source states {stated}"
        )


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_step_sum_against_stated_total(method_id: str):
    method = LIBRARY.get(method_id)
    low, high = method.step_minutes
    if method.total_minutes is None:
        assert method_id not in KNOWN_DIFFERENCES, f"{method_id}: no stated total, drop it from KNOWN_DIFFERENCES"
        return
    total = as_pair(method.total_minutes)
    adds_up = (low, high) == total
    if method_id in KNOWN_DIFFERENCES:
        steps, stated = KNOWN_DIFFERENCES[method_id]
        assert not adds_up, f"{method_id}: the steps now add up to the total; drop it from KNOWN_DIFFERENCES"
        assert (low, high) == as_pair(steps), f"{method_id}: step sum {low:g}-{high:g}, KNOWN_DIFFERENCES says {steps}"
        assert total == as_pair(stated), f"{method_id}: total {method.total_minutes}, KNOWN_DIFFERENCES says {stated}"
        assert method.total_note and method.total_note.strip(), (
            f"{method_id}: its steps ({low:g}-{high:g}) differ from the stated total; explain in total_note"
        )
    else:
        assert adds_up, (
            f"new difference in {method_id}: the steps add up to {low:g}-{high:g} minutes but the stated "
            f"total is {method.total_minutes}; fix the file, or list it in KNOWN_DIFFERENCES with a total_note"
        )


def test_case_clinic_plus_minutes_are_explained():
    method = LIBRARY.get("case-clinic")
    assert "+ 2 minuten" in (method.step("rollen").minutes_note or "")
    assert "+ 3 minuten" in (method.step("stilte").minutes_note or "")
    assert "55" in method.total_note and "60" in method.total_note
