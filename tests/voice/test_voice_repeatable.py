"""A recording decodes the same every time, whatever was decoded before it in the process.

Kaldi dithers audio with libc's global rand(); unseeded, a replay's outcome (and a test's)
depended on how much speech any recogniser had decoded earlier.
"""

from __future__ import annotations

import pytest

from voice.audio import write_wav
from voice.pipeline import replay
from voice_helpers import KO_SENTENCE, build_meeting, ko_table

pytestmark = pytest.mark.slow


def heard(path, model) -> list[str]:
    return [repr(h) for h in replay(path, model, commands=ko_table())]


def test_a_replay_comes_out_the_same_after_other_decoding(tmp_path, ko_model, pcm_of):
    pcm, _ = build_meeting(pcm_of, [KO_SENTENCE, "감사 합니다", "저는 이번 주에 회의가 너무 많아서 조금 피곤해요"])
    meeting = write_wav(tmp_path / "meeting.wav", pcm)
    other, _ = build_meeting(pcm_of, ["그 문제에 대해서 조금 더 이야기해 보고 싶어요"])
    other_path = write_wav(tmp_path / "other.wav", other)

    first = heard(meeting, ko_model)
    heard(other_path, ko_model)  # other speech decoded in between moves libc's rand() on
    second = heard(meeting, ko_model)
    assert any("Utterance" in h for h in first)
    assert second == first
