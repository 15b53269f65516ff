"""The speech worker process: renders Dutch cues to WAV with pyttsx3 and espeak-ng.

It runs in its own process because pyttsx3's espeak loop can hang or hold the audio
device; the parent (voice.tts) kills and restarts it when a cue takes too long.
"""

from __future__ import annotations

import importlib.util
import os
import wave
from typing import Any, Callable, Optional


def find_dutch_voice(engine: Any, language: str = "nl") -> Optional[str]:
    """The id of espeak-ng's Dutch voice, found by language ('nl'; id 'gmw/nl' here).

    MBROLA variants ('mb/...') are skipped: they need the separate mbrola program.
    """
    best = None
    for voice in engine.getProperty("voices"):
        langs = [(lang.decode(errors="ignore") if isinstance(lang, bytes) else str(lang)).lstrip("\x05").lower()
                 for lang in (voice.languages or [])]
        vid = str(voice.id)
        if vid.startswith("mb/"):
            continue
        if language in langs or vid.split("/")[-1] == language:
            if best is None or vid.endswith(f"/{language}") or vid == language:
                best = vid
    return best


def _load_hook(spec: Optional[str]) -> Optional[Callable[[str], None]]:
    """A test-only hook 'path/to/file.py:function', called with each text before rendering."""
    if not spec:
        return None
    path, _, func = spec.rpartition(":")
    module_spec = importlib.util.spec_from_file_location("_tts_hook", path)
    assert module_spec and module_spec.loader
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return getattr(module, func)


def render(engine: Any, text: str, out_path: str, voice_id: str, rate: int, volume: float,
           attempts: int = 3) -> None:
    """Render with retries: pyttsx3's loop end calls espeak's Cancel when espeak still reports
    "playing", which now and then cancels the next utterance before it starts (an empty WAV,
    or a late completed=False notice). Measured at a few percent of renders; a retry fixes it."""
    for attempt in range(1, attempts + 1):
        try:
            _render_once(engine, text, out_path, voice_id, rate, volume)
            return
        except RuntimeError:
            if attempt == attempts:
                raise


def with_rate(text: str, rate: int, volume: float) -> str:
    """The text with espeak-ng's embedded speed and amplitude commands in front.

    Not setProperty("rate"): in pyttsx3's asynchronous mode that SetParameter is queued inside
    espeak, and the Cancel that runAndWait starts with (when espeak still reports "playing")
    dropped it, so a cue now and then came out at the previous rate (measured: one render in
    four with both cores busy). Commands inside the text go or stay with the text itself.
    """
    return f"\x01{int(rate)}S\x01{int(round(volume * 100))}A {text}"


def _render_once(engine: Any, text: str, out_path: str, voice_id: str, rate: int, volume: float) -> None:
    finished: dict[str, bool] = {}

    def on_finished(name: Any, completed: bool) -> None:
        # The same race can add a completed=False notice after the real one; the first True counts,
        # and the file check below catches a cancelled (empty) render.
        finished["completed"] = finished.get("completed", False) or completed

    token = engine.connect("finished-utterance", on_finished)
    try:
        engine.setProperty("voice", voice_id)
        part = out_path + ".part"
        # One save_to_file per runAndWait: with two, pyttsx3 writes only the last.
        engine.save_to_file(with_rate(text, rate, volume), part)
        engine.runAndWait()
    finally:
        engine.disconnect(token)
    # runAndWait can return before the file is written: trust only the callback and the file.
    if not finished.get("completed"):
        raise RuntimeError("espeak-ng did not finish the utterance")
    with wave.open(part, "rb") as w:
        if w.getnframes() == 0:
            raise RuntimeError("espeak-ng produced no audio")
    os.replace(part, out_path)


def worker_main(requests: Any, responses: Any, language: str, hook: Optional[str]) -> None:
    # pyttsx3 prints "Audio saved to ..." on stdout; keep the parent's terminal clean.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        import pyttsx3

        engine = pyttsx3.init("espeak")
        voice_id = find_dutch_voice(engine, language)
    except Exception as exc:  # no espeak-ng library, broken install
        responses.put(("ready", None, f"{type(exc).__name__}: {exc}"))
        return
    if voice_id is None:
        responses.put(("ready", None, f"no espeak-ng voice for language {language!r}"))
        return
    responses.put(("ready", voice_id, None))
    serve_jobs(requests, responses, hook,
               lambda text, out_path, rate, volume: render(engine, text, out_path, voice_id, rate, volume))


def serve_jobs(requests: Any, responses: Any, hook: Optional[str],
               render_one: Callable[[str, str, int, float], None]) -> None:
    """The worker's loop, for every engine: (job_id, text, path, rate, volume) in, (job_id, ok, problem) out."""
    render_hook = _load_hook(hook)
    while True:
        job = requests.get()
        if job is None:
            return
        job_id, text, out_path, rate, volume = job
        try:
            if render_hook:
                render_hook(text)
            render_one(text, out_path, rate, volume)
            responses.put((job_id, True, None))
        except Exception as exc:
            responses.put((job_id, False, f"{type(exc).__name__}: {exc}"))
