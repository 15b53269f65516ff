"""Which recognizers `--engine auto` loads, and how Whisper's text is shared out over Vosk's lines."""

from __future__ import annotations

from pathlib import Path

from facilitator.events import Utterance, Word
from voice.commands import CommandTable
from voice.transcribe import load_engines
from voice.whisper import split_by_lines
from voice.whisper_models import ENV_WHISPER_MODEL, pypi_base_model


def test_auto_uses_the_packaged_whisper_model_when_there_is_no_vosk_model(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_WHISPER_MODEL, raising=False)
    monkeypatch.setenv("FACILITATOR_MODELS_DIR", str(tmp_path))  # no model downloaded there
    engines = load_engines("auto", tmp_path / "geen-vosk-model")
    assert engines.vosk is None and engines.whisper is not None
    assert Path(engines.whisper.path) == pypi_base_model()
    assert engines.name == "whisper" and engines.notices  # the missing Vosk model is said


def test_auto_keeps_dutch_whisper_away_from_a_vosk_model_of_another_language(ko_model_path, tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_WHISPER_MODEL, raising=False)
    monkeypatch.setenv("FACILITATOR_MODELS_DIR", str(tmp_path))
    engines = load_engines("auto", ko_model_path)
    assert engines.vosk is not None and engines.whisper is None  # the Korean test model's lines stay Korean


def _line(i: str, words: list[tuple[str, float, float]]) -> Utterance:
    ws = tuple(Word(w, s, e, 0.9) for w, s, e in words)
    return Utterance(" ".join(w for w, _, _ in words), ws[0].start, ws[-1].end, words=ws, id=i)


def test_each_vosk_line_gets_whispers_words_of_its_own_stretch():
    whisper = _line("w", [("De", 1.0, 1.2), ("plant", 1.2, 1.6), ("is", 1.6, 1.8), ("giftig.", 1.8, 2.3),
                          ("Dat", 3.9, 4.1), ("kan", 4.1, 4.4), ("wel.", 4.4, 4.9)])
    vosk = [("v1", 0.9, 2.4), ("v2", 3.8, 5.0)]
    first, second = split_by_lines(whisper, vosk)
    assert (first.id, first.text, first.start, first.end) == ("v1", "De plant is giftig.", 1.0, 2.3)
    assert (second.id, second.text, second.start, second.end) == ("v2", "Dat kan wel.", 3.9, 4.9)
    # A single line keeps Whisper's own text; a line that gets no word keeps its Vosk text.
    (only,) = split_by_lines(whisper, [("v1", 0.9, 5.0)])
    assert only.text == whisper.text and only.id == "v1" and len(only.words) == 7
    assert [u.id for u in split_by_lines(whisper, vosk + [("v3", 8.0, 9.0)])] == ["v1", "v2"]


def test_an_older_table_with_act_on_partials_still_loads():
    table = CommandTable.from_data({"settings": {"act_on_partials": True}, "commands": {"tip": {"phrases": ["tip"]}}})
    assert table.entries["tip"].kind == "tip" and not hasattr(table.settings, "act_on_partials")
