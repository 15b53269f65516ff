"""Audio files in: every supported format through real ffmpeg, pacing, and the clear errors."""

from __future__ import annotations

import json
import subprocess
import wave

import numpy as np
import pytest

from voice.audio import FRAME_BYTES, FileSource, read_pcm
from voice.errors import VoiceError
from voice_helpers import run_python

FORMATS = {
    "wav": [],
    "mp3": ["-b:a", "64k"],
    "ogg": ["-c:a", "libvorbis"],
    "opus": ["-c:a", "libopus", "-ar", "48000"],  # opus only takes 48 kHz and a few others
    "m4a": ["-c:a", "aac"],
    "webm": ["-c:a", "libopus", "-ar", "48000"],
}


@pytest.fixture(scope="module")
def dutch_wav(espeak):
    return espeak("Goedemorgen allemaal, welkom bij de intervisie.", "nl")


@pytest.fixture(scope="module")
def encoded(dutch_wav, tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    out = {}
    for ext, args in FORMATS.items():
        target = folder / f"speech.{ext}"
        # Stereo 44.1 kHz, as phones and recorders make them; the source must downmix and resample.
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(dutch_wav), "-ac", "2", "-ar", "44100",
                        *args, str(target)], check=True)
        out[ext] = target
    return out


def _duration(path):
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.parametrize("ext", list(FORMATS))
def test_each_format_decodes_to_16k_mono_frames(encoded, dutch_wav, ext):
    source = FileSource(encoded[ext])
    frames = list(source)
    assert all(len(f.pcm) == FRAME_BYTES for f in frames)
    assert frames[0].start == 0.0
    assert all(abs(b.start - a.end) < 1e-9 for a, b in zip(frames, frames[1:]))
    total = frames[-1].end
    # Codecs add a little padding (encoder delay), never lose the speech.
    assert _duration(dutch_wav) - 0.05 <= total <= _duration(dutch_wav) + 0.1
    assert source.duration == pytest.approx(_duration(dutch_wav), abs=0.1)
    samples = np.frombuffer(b"".join(f.pcm for f in frames), dtype="<i2")
    assert np.sqrt(np.mean(samples.astype(np.float64) ** 2)) > 300  # speech, not silence


def test_frames_can_start_at_any_stream_time(encoded):
    frames = list(FileSource(encoded["wav"], start=60.0))
    assert frames[0].start == 60.0


def test_realtime_pacing_follows_the_clock(encoded):
    now = [0.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    frames = list(FileSource(encoded["wav"], realtime=True, clock=lambda: now[0], sleep=sleep))
    # Each frame is handed out no earlier than its end on the wall clock.
    assert now[0] == pytest.approx(frames[-1].end, abs=1e-6)
    assert len(slept) == len(frames)


def test_missing_file(tmp_path):
    with pytest.raises(VoiceError) as info:
        FileSource(tmp_path / "gone.mp3")
    assert info.value.code == "file_missing" and "gone.mp3" in info.value.message


def test_a_file_that_is_not_audio(tmp_path):
    junk = tmp_path / "notes.mp3"
    junk.write_text("dit is geen geluid")
    with pytest.raises(VoiceError) as info:
        read_pcm(junk)
    assert info.value.code == "decode_failed" and "notes.mp3" in info.value.message


def test_without_ffmpeg_compressed_files_give_a_clear_message_and_wav_still_works(encoded, tmp_path):
    # A PATH without ffmpeg, in a fresh interpreter (pydub looks it up at import).
    code = f"""
import json
from voice.audio import FileSource, read_pcm
from voice.errors import VoiceError
out = {{}}
try:
    FileSource({str(encoded['mp3'])!r})
except VoiceError as err:
    out['mp3'] = [err.code, err.message]
out['wav_bytes'] = len(read_pcm({str(encoded['wav'])!r}))
print(json.dumps(out))
"""
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    proc = run_python(code, env={"PATH": str(empty_bin)})
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    code_, message = result["mp3"]
    assert code_ == "ffmpeg_missing"
    assert "ffmpeg" in message and "apt install ffmpeg" in message and "speech.mp3" in message
    assert result["wav_bytes"] > 16000  # 44.1 kHz stereo WAV resampled by pydub alone
    assert "RuntimeWarning" not in proc.stderr  # pydub's import warning is ours to phrase
