"""Decode any audio file to 16 kHz mono int16: ffmpeg when present, pydub for WAV without it.

This is the only module that touches pydub or ffmpeg.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
import warnings
from pathlib import Path
from typing import Iterator, Optional

from voice.errors import VoiceError

SAMPLE_RATE = 16000
CHUNK_BYTES = 64 * 1024


def ffmpeg_path() -> Optional[str]:
    return shutil.which("ffmpeg")


def ffmpeg_missing_error(path: Optional[Path] = None) -> VoiceError:
    what = f"{path.name} te lezen" if path else "mp3, ogg, opus, m4a en webm te lezen"
    return VoiceError(
        "ffmpeg_missing",
        f"ffmpeg is niet gevonden: installeer het (Debian/Ubuntu: sudo apt install ffmpeg) om {what}; "
        "WAV-bestanden werken ook zonder ffmpeg.",
    )


def check_readable(path: Path) -> None:
    """Raise the one clear error a user would otherwise meet halfway through decoding."""
    if not path.is_file():
        raise VoiceError("file_missing", f"Het geluidsbestand {path} bestaat niet; controleer de naam en de map.")
    if ffmpeg_path() is None and path.suffix.lower() != ".wav":
        raise ffmpeg_missing_error(path)


def _is_plain_wav(path: Path) -> bool:
    """A WAV that is already 16 kHz mono int16 can be read without any conversion."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getframerate() == SAMPLE_RATE and w.getnchannels() == 1 and w.getsampwidth() == 2
    except (wave.Error, EOFError, OSError):
        return False


def probe_duration(path: Path) -> Optional[float]:
    """Duration in seconds from the file header; None if it cannot be known cheaply."""
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() / float(w.getframerate())
    except (wave.Error, EOFError, OSError):
        pass
    if shutil.which("ffprobe") is None:
        return None
    pydub_utils = _pydub().utils
    try:
        info = pydub_utils.mediainfo(str(path))
        return float(info["duration"])
    except Exception:  # a missing or odd duration only costs the progress bar its total
        return None


def decode_chunks(path: Path) -> Iterator[bytes]:
    """Yield the file as 16 kHz mono int16 bytes, in chunks."""
    check_readable(path)
    if _is_plain_wav(path):
        with wave.open(str(path), "rb") as w:
            while True:
                data = w.readframes(CHUNK_BYTES // 2)
                if not data:
                    return
                yield data
    ffmpeg = ffmpeg_path()
    if ffmpeg is not None:
        yield from _ffmpeg_chunks(ffmpeg, path)
        return
    yield _pydub_wav(path)


def _ffmpeg_chunks(ffmpeg: str, path: Path) -> Iterator[bytes]:
    # Streaming from ffmpeg keeps memory flat for a 75-minute recording (pydub would
    # first hold the whole file at its original rate).
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
           "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-acodec", "pcm_s16le", "-"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    produced = False
    try:
        assert proc.stdout is not None
        while True:
            data = proc.stdout.read(CHUNK_BYTES)
            if not data:
                break
            produced = True
            yield data
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    if code != 0 or not produced:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else f"exit code {code}"
        raise VoiceError("decode_failed", f"ffmpeg kon {path.name} niet lezen ({last}); is het een geluidsbestand?")


def _pydub():
    # pydub warns at import when ffmpeg is absent; we report that ourselves, once, clearly.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # audioop on 3.11/3.12
        import pydub
        import pydub.utils  # noqa: F401
    return pydub


def _pydub_wav(path: Path) -> bytes:
    segment_cls = _pydub().AudioSegment
    try:
        segment = segment_cls.from_file(str(path), format="wav")
    except Exception as exc:
        raise VoiceError("decode_failed", f"{path.name} is geen leesbaar WAV-bestand ({exc}).") from exc
    return segment.set_channels(1).set_frame_rate(SAMPLE_RATE).set_sample_width(2).raw_data
