"""Transcribe a recording with either engine, through the live path itself (the Listener).

What `facilitator transcribe` prints is what a meeting would hear: the same voice-activity
segments, the same recognizer settings, and the commands the live spotter finds. A command's
own words are listed under `commands`, not as a transcript segment (as in a meeting).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from facilitator.events import Command, Utterance
from voice.audio import FileSource
from voice.commands import CommandTable
from voice.errors import VoiceError

ENGINES = ("auto", "vosk", "whisper")


@dataclass
class Engines:
    """The recognizers a room or a file gets: a Vosk model, a Whisper recognizer, or both."""

    engine: str
    vosk: object = None            # voice.asr.SpeechModel
    whisper: object = None         # voice.whisper.WhisperRecognizer
    notices: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return "+".join(n for n, m in (("vosk", self.vosk), ("whisper", self.whisper)) if m is not None) or "geen"

    @property
    def model_path(self) -> Optional[str]:
        m = self.whisper if self.engine == "whisper" or self.vosk is None else self.vosk
        return str(m.path) if m is not None else None


def load_engines(engine: str = "auto", model_path: Optional[os.PathLike | str] = None,
                 whisper_path: Optional[os.PathLike | str] = None) -> Engines:
    """Load what `engine` asks for. `auto`: Vosk when its model is there, Whisper when its model is there.

    For `vosk` or `whisper` alone a missing model raises VoiceError; so does `auto` when neither
    is there (with Vosk's sentence). With `--engine whisper`, `model_path` names the Whisper folder.
    """
    if engine not in ENGINES:
        raise VoiceError("unknown_engine", f"Onbekende spraakherkenner {engine!r}: kies auto, vosk of whisper.")
    from voice.asr import load_model
    from voice.whisper import WhisperRecognizer
    from voice.whisper_models import require_whisper_dir, resolve_whisper_path

    out = Engines(engine)
    if engine in ("auto", "vosk"):
        try:
            out.vosk = load_model(model_path)
        except VoiceError as err:
            if engine == "vosk":
                raise
            out.notices.append(err.message)
    if engine in ("auto", "whisper"):
        explicit = whisper_path or (model_path if engine == "whisper" else None)
        # The PyPI-packaged base model is Dutch Whisper: `auto` uses it alone, or beside a Dutch
        # Vosk model; beside a Vosk model of another language (the Korean test model) its Dutch
        # text would replace lines in that language.
        pypi_ok = engine == "whisper" or bool(explicit) or out.vosk is None or _dutch(out.vosk)
        try:
            found = resolve_whisper_path(explicit, allow_pypi=pypi_ok)
            if found is not None or engine == "whisper":
                out.whisper = WhisperRecognizer(require_whisper_dir(found))
        except VoiceError as err:
            if engine == "whisper":
                raise
            out.notices.append(err.message)
    if out.vosk is None and out.whisper is None:
        raise VoiceError("model_missing", out.notices[0] if out.notices else "Geen spraakmodel gevonden.")
    return out


def _dutch(vosk) -> bool:
    """A Vosk model known to speak Dutch: one of ours, or a folder named like Vosk's Dutch models."""
    from voice.models import KNOWN_MODELS

    name = Path(vosk.path).name.lower()
    return name in KNOWN_MODELS or "-nl-" in name or name.endswith("-nl")


def _words(u: Utterance) -> list[dict]:
    return [{"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3), "conf": round(w.conf, 3)}
            for w in u.words]


def transcribe_file(path: Path, engines: Engines, table: Optional[CommandTable] = None,
                    progress: Optional[Callable[[float], None]] = None) -> dict:
    """The JSON-ready transcript of one file: engine, model, language, duration, segments, commands."""
    from voice.pipeline import Listener

    source = FileSource(path)
    listener = Listener(source, engines.vosk, whisper=engines.whisper, commands=table, partials=False,
                        wait_for_whisper=True)
    lines: dict[str, Utterance] = {}
    order: list[str] = []
    commands = []
    for heard in listener:
        ev = heard.event
        if progress is not None:
            progress(heard.at)
        if isinstance(ev, Utterance) and ev.final:
            key = ev.id or f"{ev.start:.3f}"
            if key not in lines:
                order.append(key)
            lines[key] = ev  # Whisper's text for a Vosk line comes under the same id: it replaces it
        elif isinstance(ev, Command) and heard.decision is not None:
            d = heard.decision
            commands.append({"kind": ev.kind, "phrase": d.phrase, "start": d.start, "end": d.end,
                             "confidence": d.confidence, "at": round(heard.at, 3)})
    segments = [{"start": round(u.start, 3), "end": round(u.end, 3), "text": u.text, "confidence": u.confidence,
                 "words": _words(u)} for u in (lines[k] for k in order)]
    return {
        "file": str(path), "engine": engines.name, "model": engines.model_path, "language": "nl",
        "duration": source.duration, "segments": segments, "commands": commands,
        "stats": {k: listener.stats[k] for k in ("segments", "commands", "scored", "whisper_lines")},
    }
