"""Downloading a Whisper model: file by file, each checked for its size and sha256 before it is kept.

Files go into a hidden folder next to the target and are moved into place only when every file
checks out, so an interrupted download leaves nothing half-done: the next try starts clean.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import socket
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

from voice.errors import VoiceError
from voice.whisper_models import KNOWN_WHISPER, verify_whisper, whisper_problems

WHISPER_BASE_URL = "https://huggingface.co"


def download_whisper(name: str, models_dir: Path, *, base_url: str = WHISPER_BASE_URL, timeout: float = 10.0,
                     progress: bool = True) -> Path:
    known = KNOWN_WHISPER.get(name)
    if known is None:
        raise VoiceError("unknown_model", f"Onbekend Whisper-model {name!r}; bekend: {', '.join(KNOWN_WHISPER)}.")
    target = models_dir / name
    if not whisper_problems(target):
        return target
    if not known.checkable:
        raise VoiceError("download_failed", f"Van {name} zijn de controlesommen hier niet bekend, dus wordt het niet "
                         f"gedownload; zet de bestanden van {known.source} zelf in {target} en controleer ze met "
                         f"`facilitator models verify {target}`.")
    by_hand = (f"download de bestanden van {known.source} op een computer met internet en zet ze in {target}")
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = models_dir / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)  # what an interrupted try left behind
    partial.mkdir()
    try:
        for f in known.files:
            url = f"{base_url.rstrip('/')}/{known.source}/resolve/main/{f.name}"
            assert f.size is not None and f.sha256 is not None
            digest = fetch_checked(url, partial / f.name, size=f.size, timeout=timeout, progress=progress,
                                   by_hand=by_hand)
            if digest != f.sha256:
                raise VoiceError("download_failed", f"De controlesom van {f.name} klopt niet (gewijzigd of "
                                 f"beschadigd onderweg); {by_hand}.")
        problems = verify_whisper(partial, None)
        if problems:
            raise VoiceError("download_failed", f"Het gedownloade {name} is onbruikbaar ({' '.join(problems)}).")
        if target.exists():
            shutil.rmtree(target)
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return target


def fetch_checked(url: str, dest: Path, *, size: Optional[int], timeout: float, progress: bool, by_hand: str,
                  limit: Optional[int] = None) -> str:
    """Stream `url` to `dest`; refuse more than `size` (or `limit`) bytes and a short read. Returns the sha256."""
    from tqdm import tqdm

    cap = size if size is not None else limit
    sha = hashlib.sha256()
    got = 0
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            announced = int(resp.headers.get("Content-Length") or 0) or None
            if cap is not None and announced is not None and announced > cap:
                raise VoiceError("download_failed", f"{dest.name} is groter dan verwacht ({announced} bytes, "
                                 f"hoogstens {cap}); {by_hand}.")
            with open(dest, "wb") as out, tqdm(total=size or announced, unit="B", unit_scale=True,
                                               unit_divisor=1024, desc=dest.name, disable=not progress) as bar:
                while True:
                    block = resp.read(1 << 16)
                    if not block:
                        break
                    got += len(block)
                    if cap is not None and got > cap:
                        raise VoiceError("download_failed", f"{dest.name} is groter dan verwacht (meer dan {cap} "
                                         f"bytes); {by_hand}.")
                    out.write(block)
                    sha.update(block)
                    bar.update(len(block))
    except VoiceError:
        raise
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError,
            http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise VoiceError("download_failed", f"Downloaden lukt niet ({reason}); is deze computer offline? "
                         f"Probeer het later opnieuw, of {by_hand}.") from exc
    expected = size if size is not None else announced
    if expected is not None and got != expected:
        raise VoiceError("download_failed", f"Download van {dest.name} onvolledig ({got} van {expected} bytes); "
                         f"probeer het opnieuw, of {by_hand}.")
    return sha.hexdigest()
