"""The Piper speech worker process: renders cues to WAV with a Piper voice (ONNX on the CPU).

Same protocol as voice.tts_worker (the espeak-ng one), so voice.tts supervises both alike:
('ready', voice_id | None, problem) once, then (job_id, ok, problem) per cue.
"""

from __future__ import annotations

import os
import wave
from typing import Any, Optional

ESPEAK_DEFAULT_RATE = 160  # words per minute that our cues use by default; Piper's own pace matches it


def length_scale(voice: Any, rate: int) -> float:
    """Piper's pace for an espeak-style rate: a higher rate is a shorter length scale."""
    own = getattr(voice.config, "length_scale", None) or 1.0
    return float(own) * ESPEAK_DEFAULT_RATE / max(int(rate), 40)


def load(model_path: str) -> Any:
    from piper import PiperVoice

    voice = PiperVoice.load(model_path, config_path=model_path + ".json")
    # A first, throwaway synthesis: builds ONNX Runtime's buffers now, not on the first real cue.
    for _ in voice.synthesize("."):
        pass
    return voice


def render(voice: Any, text: str, out_path: str, rate: int, volume: float) -> None:
    from piper import SynthesisConfig

    config = SynthesisConfig(length_scale=length_scale(voice, rate), volume=float(volume))
    part = out_path + ".part"
    with wave.open(part, "wb") as wav:
        voice.synthesize_wav(text, wav, syn_config=config)
    with wave.open(part, "rb") as wav:
        if wav.getnframes() == 0:
            raise RuntimeError("Piper produced no audio")
    os.replace(part, out_path)


def worker_main(requests: Any, responses: Any, model_path: str, hook: Optional[str]) -> None:
    from voice.tts_worker import serve_jobs

    try:
        voice = load(model_path)
    except Exception as exc:  # no piper-tts, a missing or damaged voice file
        responses.put(("ready", None, f"{type(exc).__name__}: {exc}"))
        return
    name = os.path.basename(model_path)[: -len(".onnx")] if model_path.endswith(".onnx") else model_path
    responses.put(("ready", f"piper:{name}", None))
    serve_jobs(requests, responses, hook,
               lambda text, out_path, rate, volume: render(voice, text, out_path, rate, volume))
