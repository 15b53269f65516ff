"""What people hear reads well: no wording faults in any spoken text, minutes in cues follow the step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from methods import load_file, load_library
from methods.model import minutes_spoken
from facilitator.cli.methods_commands import render_method

LIBRARY = load_library()
METHOD_IDS = sorted(LIBRARY.methods)


def spoken_texts(method):
    """Every text the facilitator may say for a method, with where it comes from."""
    for step in method.steps:
        where = f"{method.id}.{step.id}"
        yield f"{where}.title", step.title  # the spoken heading "Stap N: title."
        for key in ("cue", "warning", "end"):
            if getattr(step, key):
                yield f"{where}.{key}", getattr(step, key)
        for n, prompt in enumerate(step.prompts):
            yield f"{where}.prompts[{n}]", prompt
        if step.round is not None:
            for key in ("turn_cue", "inbrenger_responds", "open_cue"):
                if getattr(step.round, key):
                    yield f"{where}.round.{key}", getattr(step.round, key)


ENGLISH = re.compile(r"\b(journaling|warming[ -]?up|fishbowl|quick advice)\b", re.IGNORECASE)


@pytest.mark.parametrize("method_id", METHOD_IDS)
def test_no_wording_faults_in_what_people_hear(method_id):
    method = LIBRARY.get(method_id)
    choice = method.inbrenger_choice
    # Before the step that needs the inbrenger, a method that chooses in the meeting knows no name.
    unnamed = set()
    if choice is not None:
        for step in method.steps:
            if step.id == choice.needed_from:
                break
            unnamed.add(f"{method.id}.{step.id}.")
    for where, text in spoken_texts(method):
        if any(where.startswith(u) for u in unnamed):
            continue
        assert "Één" not in text, f"{where}: a capital E takes no accent in 'Eén': {text!r}"
        assert not ENGLISH.search(text), f"{where}: English in what people hear: {text!r}"
        assert "{minuten}" not in text, f"{where}: {{minuten}} was not filled"
        assert "beeld vormen" not in text.lower() or where.endswith(".title"), (
            f"{where}: say 'beeldvormen', not 'het beeld vormen': {text!r}")
        if not where.endswith(".title"):
            # The name is known when the cue is said: speak to or of the person, not of a role.
            assert not re.search(r"\b[Dd]e (case-?|casus)?inbrenger\b", text), (
                f"{where}: say {{inbrenger}} instead of 'de inbrenger': {text!r}")


def test_minutes_are_spoken_in_words():
    assert minutes_spoken(3) == "drie minuten"
    assert minutes_spoken(1) == "een minuut"
    assert minutes_spoken((10, 15)) == "tien tot vijftien minuten"
    assert minutes_spoken(7.5) == "7,5 minuten"


def test_the_case_clinic_silence_says_its_own_minutes():
    stilte = LIBRARY.get("case-clinic").step("stilte")
    assert stilte.cue.startswith("We zijn nu drie minuten stil.")


EXTENSION = """
id = "case-clinic-lang"
extends = "case-clinic"
name = "Case Clinic (lange stilte)"

[step_changes.stilte]
minutes = 5
"""


def test_an_extension_that_changes_the_minutes_changes_the_cue_too(tmp_path: Path):
    path = tmp_path / "lang.toml"
    path.write_text(EXTENSION, encoding="utf-8")
    method = load_file(path, base=LIBRARY.methods, user=True)
    assert method.step("stilte").cue.startswith("We zijn nu vijf minuten stil.")


def test_an_extension_does_not_keep_the_parents_default_mark_or_minutes_note(tmp_path: Path):
    # The parent marks "presenteren" as our default (3) with no note; "na-afloop" has a note.
    path = tmp_path / "pi.toml"
    path.write_text('id = "pi-lang"\nextends = "progressiegerichte-intervisie"\nname = "PI lang"\n\n'
                    "[step_changes.presenteren]\nminutes = 6\n\n[step_changes.na-afloop]\nminutes = 4\n",
                    encoding="utf-8")
    method = load_file(path, base=LIBRARY.methods, user=True)
    assert not method.step("presenteren").minutes_default
    assert method.step("na-afloop").minutes_note is None
    shown = render_method(method)
    assert "Stap 1. Presenteren  [6 min]" in shown
    assert "Stap 6. Na afloop  [4 min]" in shown
    assert "een minuut voor de inbrenger" not in shown  # the parent's note on its own figure
    # A step the file does not touch keeps its mark.
    assert "Stap 2. Verhelderen  [5 min (standaard)]" in shown


def test_akad_ideas_are_tips_and_the_matrix_is_walked_left_to_right():
    step = LIBRARY.get("akad-casuistiek").step("ideeen-en-tips")
    assert step.round is not None and step.round.item == "tip"
    order = ["cliënt", "netwerk", "informeel", "formele"]
    assert len(step.prompts) == 4
    for prompt, word in zip(step.prompts, order):
        assert word in prompt.lower(), (prompt, word)
