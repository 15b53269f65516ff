"""Helpers for the voice tests: Korean command phrases, building test meetings, subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
PYTHON = sys.executable
if str(HERE.parent) not in sys.path:  # tests/, for the shared room-audio helper (benchmarks import us too)
    sys.path.insert(0, str(HERE.parent))

from room_audio import FLOOR_DBFS, PAUSE, Room, room_silence  # noqa: E402

# The Korean model is the real small Vosk model we can install from PyPI; our product is
# Dutch, so command tests on audio use Korean phrases mapped to command kinds. These five
# decode exactly and repeatably in grammar mode from espeak-ng's Korean voice. Adding more
# phrases makes words combine ("다시 말해 있어요" once "팁 있어요" is in the list), and some
# phrases never come out right ("다음 단계", "일 분 더"): grammar mode here is a word loop.
KO_COMMANDS = {
    "pause": ["잠깐 멈춰"],
    "repeat": ["다시 말해"],
    "next_turn": ["감사 합니다"],
    "pass": ["좋아요"],
    "resume": ["계속 해요"],
}
# Free-form Korean on espeak speech is poor (a 2-word phrase can come out as 4 words), so
# the transcript check is looser than for Dutch; the segment-length check does the work.
KO_SETTINGS = {"max_extra_words": 4}
KO_SENTENCE = "오늘 날씨가 정말 좋네요 우리 같이 산책하러 갈까요"
# Sentences with a command phrase inside: at the start, in the middle, at the end. Never a command.
KO_WITH_COMMAND_WORDS = [
    "오늘 날씨가 좋네요 잠깐 멈춰 우리 같이 산책하러 갈까요",
    "감사 합니다 라고 말하는 것은 쉽지 않아요",
    "저는 그 계획이 정말 좋아요 그리고 팀도 좋아해요",
    "우리는 이 일을 계속 해요 내일도 모레도",
    "다시 말해 그 문제는 생각보다 어려워요",
    "동료들이 도와줘서 정말 감사 합니다",
    "나는 조용한 아침이 좋아요",
]


def ko_table(**settings):
    from voice.commands import CommandTable

    return CommandTable.from_phrases(KO_COMMANDS, **{**KO_SETTINGS, **settings})


def silence(seconds: float, seed: int = 0) -> bytes:
    """A quiet room for `seconds`: its noise floor, never digital silence."""
    return room_silence(seconds, seed=seed)


def speech_end(pcm: bytes, offset: float) -> float:
    """Stream time of the last clearly non-silent sample of `pcm` placed at `offset`."""
    import numpy as np

    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.int32))
    loud = np.nonzero(samples > 300)[0]
    return offset + (loud[-1] + 1) / 16000 if loud.size else offset


def build_meeting(pcm_of, script: list[str], gap: float = PAUSE, lead: float = 0.5, floor_dbfs: float = FLOOR_DBFS,
                  tail: float = 0.0):
    """Spoken lines in a room: its noise floor throughout, a cough before the first line, `gap`
    seconds between lines; returns (pcm, [(text, start, speech_end)])."""
    room = Room(floor_dbfs)
    room.pause(lead)
    room.cough(gap=1.0)
    for text in script:
        room.say(pcm_of(text), text, gap)
    room.pause(tail)
    return room.pcm(), [(line.text, line.start, line.speech_end) for line in room.lines]


def run_python(code: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter (for environment that must be set before an import)."""
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(HERE)]), **(env or {})}
    return subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, env=full_env, timeout=timeout,
                          cwd=str(REPO), stdin=subprocess.DEVNULL)
