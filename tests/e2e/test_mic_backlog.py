"""A recogniser that falls behind the microphone loses blocks, never time: the frames after a gap
are stamped when they were heard, so speech after a cue is not put under the cue's closed gate.

The microphone is the virtual one (PulseAudio null-sink monitor, real time). A child process reads
it with a queue of five blocks and stops reading for a second, as a recogniser starved of CPU does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import json, threading
from voice.audio import AudioFrame
from voice.mic import MicSource

mic = MicSource(None, queue_frames=5)
frames = []
for item in mic:
    if not isinstance(item, AudioFrame):
        continue
    frames.append((item.start, item.end))
    if len(frames) == 20:
        threading.Event().wait(1.0)  # the consumer stalls; the driver goes on delivering
    if len(frames) == 40:
        break
mic.close()
gaps = [round(b[0] - a[1], 4) for a, b in zip(frames, frames[1:])]
print(json.dumps({"dropped": mic.dropped_frames, "gaps": gaps, "frame": frames[0][1] - frames[0][0]}))
"""


def test_blocks_dropped_while_behind_leave_a_gap_in_stream_time(mic):
    env = mic.full_env({**os.environ, "PYTHONPATH": str(REPO)})
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=str(REPO), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["dropped"] >= 10, out                       # a second behind, with room for five blocks
    gap = max(out["gaps"])
    assert abs(gap - out["dropped"] * out["frame"]) < 1e-6, out   # exactly the dropped blocks' length
    assert sorted(out["gaps"])[-2] == 0.0, out             # everywhere else the frames follow on
