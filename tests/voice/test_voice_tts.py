"""Dutch cues: real pyttsx3/espeak-ng WAVs, the cache, a worker that dies or hangs, chime and gate."""

from __future__ import annotations

import os
import select
import signal
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from voice.chime import CHIME_RATE, chime_samples
from voice.gate import Gate
from voice.player import Clip, Player, RecordingSink
from voice.speaker import Speaker
from voice.tts import Renderer

HOOK = f"{Path(__file__).with_name('tts_hooks.py')}:misbehave"
SENTENCE = "Welkom bij de intervisie. Stap één: de inbrenger vertelt over de casus."


def samples_of(path: Path) -> tuple[np.ndarray, wave._wave_params]:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2"), w.getparams()


@pytest.fixture
def renderer(tmp_path):
    r = Renderer(tmp_path / "cues", timeout=3.0, hook=HOOK)
    yield r
    r.close()


def test_renders_a_real_dutch_wav(renderer):
    result = renderer.render(SENTENCE)
    assert result.ok and not result.cached
    assert renderer.voice_id.split("/")[-1] == "nl"
    samples, params = samples_of(result.path)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, 22050)
    duration = params.nframes / params.framerate
    assert 2.5 < duration < 9.0  # ~12 words at a calm rate
    rms = np.sqrt(np.mean(samples.astype(np.float64) ** 2))
    assert rms > 500 and np.abs(samples).max() > 5000


def test_rate_changes_the_speech_and_the_cache_key(tmp_path):
    with Renderer(tmp_path, rate=120) as slow, Renderer(tmp_path, rate=240) as fast:
        a, b = slow.render("Nog één minuut."), fast.render("Nog één minuut.")
    assert a.path != b.path
    assert samples_of(a.path)[1].nframes > 1.4 * samples_of(b.path)[1].nframes


def test_rate_is_applied_to_every_cue_of_one_worker(tmp_path):
    """One worker, the rate changing from cue to cue: each cue is spoken at its own rate.

    pyttsx3 queues espeak's rate behind espeak's own work, and runAndWait's Cancel could drop it:
    the cue then came out at the previous rate (one in four with both cores busy, before the fix).
    """
    frames = {120: [], 240: []}
    with Renderer(tmp_path) as r:
        for i in range(8):
            r.rate = 120 if i % 2 else 240
            frames[r.rate].append(samples_of(r.render(f"Nog één minuut, ronde {i}.").path)[1].nframes)
    assert min(frames[120]) > 1.4 * max(frames[240]), frames


def test_cache_serves_repeats_without_a_worker(tmp_path):
    with Renderer(tmp_path) as first:
        made = first.render("Nog één minuut.")
    with Renderer(tmp_path) as again:
        hit = again.render("Nog één minuut.")
        assert hit.cached and hit.path == made.path
        assert again.worker_pid is None  # no process was started for a cached cue


def test_worker_killed_between_cues_is_restarted(renderer):
    assert renderer.render("Eerste zin.").ok
    pid = renderer.worker_pid
    os.kill(pid, signal.SIGKILL)
    renderer._proc.join(timeout=5)
    result = renderer.render("Tweede zin.")
    assert result.ok
    assert renderer.worker_pid not in (None, pid) and renderer.restarts == 1


def test_worker_dying_during_a_cue(renderer):
    result = renderer.render("CRASH tijdens deze zin.")
    assert not result.ok and result.error.code == "tts_failed"
    assert "scherm" in result.error.message
    assert renderer.render("Daarna gewoon verder.").ok


def test_hung_worker_is_killed_and_replaced(renderer):
    assert renderer.render("Even opwarmen.").ok
    pid = renderer.worker_pid
    result = renderer.render("HANG: deze zin blijft hangen.")
    assert not result.ok and result.error.code == "tts_failed"
    assert "3 s" in result.error.message
    assert result.seconds < 3.0 + 2.0
    renderer_pids_after = renderer.worker_pid
    assert renderer_pids_after is None  # killed, the next cue starts a new one
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert renderer.render("En weer verder.").ok


def test_no_dutch_voice_is_a_clear_failure(tmp_path):
    with Renderer(tmp_path, voice="xx-geen-taal") as r:
        result = r.render("Hallo.")
    assert not result.ok and result.error.code == "tts_unavailable"
    assert "espeak-ng" in result.error.message


def test_failed_speech_still_chimes_and_reports_once(tmp_path):
    events = []
    sink, gate = RecordingSink(), Gate()
    renderer = Renderer(tmp_path, timeout=2.0, hook=HOOK)
    speaker = Speaker(tmp_path, renderer=renderer, player=Player(sink=sink, gate=gate),
                      on_device_event=events.append)
    try:
        failed = speaker.say("HANG bij deze aankondiging.")
        assert not failed.ok and failed.code == "tts_failed" and failed.error
        ok = speaker.say("Stap twee: vragen stellen.")
        assert ok.ok and ok.until > failed.until
        quiet = speaker.say("HANG, en zonder gong gevraagd.", chime=None)
        assert not quiet.ok
        plain = speaker.say("Stap drie.", chime=None)
        assert plain.ok
    finally:
        speaker.close()
    chime = chime_samples("announce")
    played = [len(clip.samples) for _, clip in sink.played]
    assert len(played) == 4
    assert played[0] == len(chime)  # only the chime for the failed cue
    assert played[1] > len(chime) + CHIME_RATE  # chime + speech
    assert played[2] == len(chime)  # a failed cue always chimes, even if no chime was asked for
    assert played[3] < CHIME_RATE * 2 and played[3] != len(chime)  # speech alone
    assert [e.kind for e in events] == ["speech_failed", "speech_restored", "speech_failed", "speech_restored"]


def test_player_closes_the_gate_while_playing():
    now = [100.0]
    gate = Gate(tail=0.3)
    player = Player(sink=RecordingSink(), gate=gate, clock=lambda: now[0])
    try:
        end = player.play(Clip(np.zeros(22050, dtype=np.int16), 22050))  # 1 s
        end2 = player.play(Clip(np.zeros(11025, dtype=np.int16), 22050))  # queued after it
    finally:
        player.close()
    assert end == pytest.approx(101.0) and end2 == pytest.approx(101.5)
    assert player.speaking_until == pytest.approx(101.5)
    assert not gate.is_open(100.0, 100.03)
    assert not gate.is_open(101.7, 101.73)   # inside the 300 ms tail
    assert gate.is_open(101.81, 101.84)
    assert [round(at, 3) for at, _ in player.sink.played] == [100.0, 101.0]


def test_chime_is_short_and_faded():
    tone = chime_samples("announce")
    assert tone.dtype == np.int16 and 0.3 < len(tone) / CHIME_RATE < 0.6
    assert abs(int(tone[0])) < 200 and np.abs(tone).max() > 8000
    for kind in ("warning", "end"):
        assert len(chime_samples(kind)) > 0


def test_many_cues_in_a_row_from_one_worker(tmp_path):
    """espeak's driver sometimes sends a late completed=False after the real finish; that is no failure."""
    texts = [f"Het woord is aan deelnemer {n}. Je hebt nog {n} minuten." for n in range(1, 16)]
    with Renderer(tmp_path) as r:
        results = [r.render(t) for t in texts]
        assert all(res.ok for res in results), [res.error for res in results if not res.ok]
        assert r.restarts == 0


def test_closing_while_a_cue_renders_on_another_thread_ends_it_quietly(tmp_path):
    """A stopping room closes the renderer while the speaker thread waits for a cue: that cue fails
    with a sentence (no traceback from a worker taken away mid-wait) and no new worker starts."""
    import threading

    marker = tmp_path / "hanging"
    hook = tmp_path / "hang_hook.py"
    hook.write_text(f"import pathlib, threading\n\ndef hang(text):\n    if 'HANG' in text:\n"
                    f"        pathlib.Path({str(marker)!r}).touch()\n        threading.Event().wait()\n")
    renderer = Renderer(tmp_path / "cues", timeout=60.0, hook=f"{hook}:hang")
    assert renderer.render("Even opwarmen.").ok
    done: dict = {}
    speaking = threading.Thread(target=lambda: done.update(result=renderer.render("HANG: deze zin blijft hangen.")))
    speaking.start()
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:  # the worker has the cue and hangs on it
        select.select([], [], [], 0.01)
    assert marker.exists()
    renderer.close()
    speaking.join(timeout=30)
    assert not speaking.is_alive()
    result = done["result"]
    assert not result.ok and result.error.code == "tts_failed" and "scherm" in result.error.message
    assert renderer.worker_pid is None and renderer._proc is None
