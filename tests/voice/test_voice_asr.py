"""Vosk recognition with the real Korean test model: free-form words with times, grammar mode, errors."""

from __future__ import annotations

import pytest

from voice.asr import CommandRecognizer, TranscriptRecognizer, load_model
from voice.audio import AudioFrame, frames_from_pcm
from voice.errors import VoiceError
from voice.models import DOWNLOAD_HINT
from room_audio import Room
from voice_helpers import KO_COMMANDS, KO_SENTENCE, build_meeting

PHRASES = [p for ps in KO_COMMANDS.values() for p in ps]


def feed(recognizer, frames):
    out = []
    for f in frames:
        out += recognizer.accept(f)
    return out + recognizer.flush()


@pytest.mark.slow
def test_free_form_gives_words_with_stream_times(ko_model, pcm_of):
    pcm, marks = build_meeting(pcm_of, [KO_SENTENCE, "감사 합니다"], lead=2.0)
    results = feed(TranscriptRecognizer(ko_model), frames_from_pcm(pcm, start=100.0))
    finals = [u for u in results if u.final]
    assert any(not u.final for u in results)  # partials while speaking
    assert len(finals) == 2
    for u, (_, start, end) in zip(finals, marks):
        # Word times are stream times: the frames started at 100 s. In a room's noise the model
        # can put a short phantom word in the pause before a line (seen: 30 ms "이"), so the
        # line's words are those that end after it starts.
        spoken = [w for w in u.words if w.end > 100 + start]
        assert u.text and len(spoken) >= 2
        assert 100 + start - 0.3 <= spoken[0].start and u.words[-1].end <= 100 + end + 0.3
        assert all(w.end <= 100 + start for w in u.words if w not in spoken) and len(spoken) >= len(u.words) - 1
        assert all(w.start < w.end for w in u.words)
        assert [w.start for w in u.words] == sorted(w.start for w in u.words)
        assert 0 < u.confidence <= 1


@pytest.mark.slow
def test_grammar_mode_returns_multi_word_phrases_exactly(ko_model, pcm_of):
    script = [KO_SENTENCE] + PHRASES + PHRASES[::-1]
    pcm, marks = build_meeting(pcm_of, script)
    recognizer = CommandRecognizer(ko_model, PHRASES)
    assert not recognizer.has_unk  # the Korean model has no [unk]: every sound maps to some phrase word
    results = feed(recognizer, frames_from_pcm(pcm))
    assert len(results) == len(script)
    assert [u.text for u in results[1:]] == script[1:]
    assert any(len(u.words) > 1 for u in results[1:])
    for u, (_, start, end) in zip(results[1:], marks[1:]):
        assert start - 0.2 <= u.start < u.end <= end + 0.3
        assert u.confidence >= 0.8


def _room(speech: bytes) -> bytes:
    """Half a second of the room, the speech, a second of the room."""
    room = Room().pause(0.5)
    room.say(speech, gap=1.0)
    return room.pcm()


@pytest.mark.slow
def test_gated_gaps_keep_word_times_on_the_stream_clock(ko_model, pcm_of):
    """Frames skipped (a cue played) must not shift later word times."""
    first, second = pcm_of("좋아요"), pcm_of("감사 합니다")
    a = list(frames_from_pcm(_room(first), start=0.0))
    b = list(frames_from_pcm(_room(second), start=50.0))  # 50 s later
    results = feed(CommandRecognizer(ko_model, PHRASES), a + b)
    assert [u.text for u in results] == ["좋아요", "감사 합니다"]
    assert 0.4 < results[0].start < 1.0
    assert 50.4 < results[1].start < 51.0


@pytest.mark.slow
def test_phrases_with_unknown_words_are_left_out(ko_model):
    recognizer = CommandRecognizer(ko_model, ["좋아요", "ik pas"])
    assert recognizer.phrases == ("좋아요",)
    assert ko_model.knows("좋아요") and not ko_model.knows("넘어갈게요")


def test_missing_model_names_path_and_download_command(tmp_path):
    where = tmp_path / "nowhere"
    with pytest.raises(VoiceError) as info:
        load_model(where)
    assert info.value.code == "model_missing"
    assert str(where) in info.value.message and DOWNLOAD_HINT in info.value.message


def test_model_folder_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FACILITATOR_MODEL", str(tmp_path / "from-env"))
    with pytest.raises(VoiceError) as info:
        load_model()
    assert str(tmp_path / "from-env") in info.value.message


def test_default_model_is_under_models_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("FACILITATOR_MODEL", raising=False)
    monkeypatch.setenv("FACILITATOR_MODELS_DIR", str(tmp_path))
    with pytest.raises(VoiceError) as info:
        load_model()
    assert str(tmp_path / "vosk-model-small-nl-0.22") in info.value.message


def test_invalid_model_folder(tmp_path):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "README").write_text("not a model")
    with pytest.raises(VoiceError) as info:
        load_model(tmp_path / "half")
    assert info.value.code == "model_invalid"
    assert "final.mdl" in info.value.message and DOWNLOAD_HINT in info.value.message


def test_nested_model_folder_is_pointed_out(tmp_path, ko_model_path):
    outer = tmp_path / "vosk-model-small-nl-0.22"
    (outer / "vosk-model-small-nl-0.22" / "am").mkdir(parents=True)
    (outer / "vosk-model-small-nl-0.22" / "am" / "final.mdl").write_bytes(b"x")
    with pytest.raises(VoiceError) as info:
        load_model(outer)
    assert "een map dieper" in info.value.message


def test_vosk_refusing_a_model_gives_load_failed(tmp_path, ko_model_path):
    bad = tmp_path / "bad"
    (bad / "am").mkdir(parents=True)
    (bad / "conf").mkdir()
    (bad / "graph").mkdir()
    (bad / "am" / "final.mdl").write_bytes(b"this is not a kaldi model" * 10)
    for name in ("model.conf", "mfcc.conf"):
        (bad / "conf" / name).write_bytes((ko_model_path / "conf" / name).read_bytes())
    (bad / "graph" / "HCLG.fst").write_bytes(b"nor is this a graph")
    with pytest.raises(VoiceError) as info:
        load_model(bad)
    assert info.value.code == "model_load_failed"
    assert str(bad) in info.value.message and DOWNLOAD_HINT in info.value.message


def test_frame_times():
    frames = list(frames_from_pcm(b"\1\0" * 1000, start=2.0))
    assert [f.start for f in frames] == pytest.approx([2.0, 2.03, 2.06])
    assert all(len(f.pcm) == 960 for f in frames)  # the last one padded
    assert isinstance(frames[0], AudioFrame) and frames[-1].end == pytest.approx(2.09)
