"""Download a Piper voice: both files checked against the publisher's size and md5, then put in place."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

from voice.errors import VoiceError
from voice.piper_voices import (BASE_URL, KNOWN_VOICES, MANIFEST_SUFFIX, check_file, default_voices_dir,
                                verify_voice)


def download_voice(name: str, voices_dir: Optional[Path] = None, *, base_url: str = BASE_URL,
                   timeout: float = 10.0, progress: bool = True) -> Path:
    """Fetch NAME.onnx and NAME.onnx.json into voices_dir; returns the .onnx path.

    Each file is written as NAME...part and renamed only after every file checked out, so an
    interrupted download never looks installed, and the next try starts clean.
    """
    from voice.models import _fetch

    known = KNOWN_VOICES.get(name)
    if known is None:
        raise VoiceError("unknown_voice", f"Onbekende stem {name!r}; bekende stemmen: {', '.join(KNOWN_VOICES)}.")
    folder = Path(voices_dir) if voices_dir else default_voices_dir()
    found, problems = verify_voice(name, folder)
    if found is not None and found.source == "map" and not problems:
        return found.model
    folder.mkdir(parents=True, exist_ok=True)
    by_hand = (f"download {known.url('.onnx', base_url)} en {known.url('.onnx.json', base_url)} op een computer "
               f"met internet en zet beide bestanden in {folder}")
    parts: list[tuple[Path, Path]] = []
    digests: dict[str, str] = {}
    try:
        for spec in known.files:
            final = folder / f"{name}{spec.suffix}"
            part = folder / f".{final.name}.part"
            part.unlink(missing_ok=True)  # what an interrupted try left behind
            parts.append((part, final))
            digests[final.name] = _fetch(known.url(spec.suffix, base_url), part, timeout=timeout,
                                         progress=progress, by_hand=by_hand, desc=final.name)
            problem = check_file(part, spec)
            if problem:
                raise VoiceError("download_failed", f"Het gedownloade bestand klopt niet "
                                 f"({problem.replace(part.name, final.name)}); probeer het opnieuw of {by_hand}.")
        for part, final in sorted(parts, key=lambda pf: pf[1].suffix == ".onnx"):  # the model last
            os.replace(part, final)
        manifest = folder / f"{name}{MANIFEST_SUFFIX}"
        manifest.write_text(json.dumps(digests, indent=2) + "\n", encoding="utf-8")
    finally:
        for part, _ in parts:
            part.unlink(missing_ok=True)
    return folder / f"{name}.onnx"
