"""Offline recognition with Vosk: one shared model, a transcript recognizer and a command recognizer.

Each recognizer object must only ever be used from one thread (Vosk's rule); the
Listener gives each its own single-thread executor. The model can be shared.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import logging
import mmap
import os
import struct
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from facilitator.events import Utterance, Word
from voice.audio import SAMPLE_RATE, AudioFrame
from voice.errors import VoiceError
from voice.models import DOWNLOAD_HINT, require_model_dir, resolve_model_path

log = logging.getLogger(__name__)

UNK = "[unk]"


class SpeechModel:
    """A loaded Vosk model plus what we know about its folder."""

    def __init__(self, vosk_model: Any, path: Path, grammar: bool):
        self.vosk_model = vosk_model
        self.path = path
        self.grammar = grammar  # graph/HCLr.fst present: grammar-mode command recognition works
        self._known: dict[str, bool] = {}

    def knows(self, word: str) -> bool:
        """Is `word` in the model's vocabulary? (True when the vocabulary cannot be read.)

        Vosk silently drops unknown words from a grammar phrase, which would turn
        "ik ben klaar" into a shorter phrase; so we check first.
        """
        if word not in self._known:
            self._known[word] = _in_vocabulary(self.path, word)
        return self._known[word]


def _in_vocabulary(path: Path, word: str) -> bool:
    words_txt = path / "graph" / "words.txt"
    if words_txt.is_file():
        with open(words_txt, encoding="utf-8") as fh:
            return any(line.split(" ", 1)[0] == word for line in fh)
    # Small models embed the word symbol table in Gr.fst (OpenFst: int32 length + UTF-8 bytes).
    fst = path / "graph" / "Gr.fst"
    if not fst.is_file():
        return True
    encoded = word.encode("utf-8")
    with open(fst, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        return mm.find(struct.pack("<i", len(encoded)) + encoded) != -1


def load_model(path: Optional[os.PathLike | str] = None) -> SpeechModel:
    """Load the model at an explicit path (flag, $FACILITATOR_MODEL, or models/<default>).

    Never Model(lang=...): that downloads from the internet. Raises VoiceError with
    code model_missing, model_invalid or model_load_failed; the meeting goes on without ASR.
    """
    folder = resolve_model_path(path)
    check = require_model_dir(folder)
    import vosk

    # Kaldi writes its log and warnings (e.g. "Discarding word-ids ...") to stderr; keep errors only:
    # our own messages are the ones a user should read.
    vosk.SetLogLevel(-2)
    try:
        with _without_dither(folder) as readable:
            model = vosk.Model(str(readable))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise VoiceError(
            "model_load_failed",
            f"Vosk kon het model in {folder} niet laden ({exc}); controleer het met "
            f"`facilitator models verify {folder}` of haal het opnieuw op met `{DOWNLOAD_HINT}`.",
        ) from exc
    return SpeechModel(model, folder, check.grammar)


@contextlib.contextmanager
def _without_dither(folder: Path) -> Iterator[Path]:
    """The model folder as Vosk should read it: the same files, with dither off.

    Kaldi dithers each audio frame with noise drawn from libc's one global rand(), shared by
    every recogniser in the process and by their threads; so the same recording could be heard
    differently depending on what was decoded before or beside it (a replay, and a test's
    outcome, then depends on order and timing). Seeding rand() cannot fix that for two
    recognisers on two threads; dither off can. A room's own noise dithers real audio anyway.
    Vosk reads everything while the model loads, so the linked copy can go right after.
    """
    mfcc = folder / "conf" / "mfcc.conf"
    if not mfcc.is_file():
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="facilitator-model-") as tmp:
        view = Path(tmp)
        for entry in folder.iterdir():
            if entry.name != "conf":
                (view / entry.name).symlink_to(entry.resolve())
        (view / "conf").mkdir()
        for entry in (folder / "conf").iterdir():
            if entry.name != "mfcc.conf":
                (view / "conf" / entry.name).symlink_to(entry.resolve())
        # Kaldi reads a config top to bottom: a last line wins over a dither set earlier.
        text = mfcc.read_text(encoding="utf-8")
        (view / "conf" / "mfcc.conf").write_text(text.rstrip("\n") + "\n--dither=0\n", encoding="utf-8")
        yield view


class _Timeline:
    """Maps a recognizer's own time (seconds of audio it was fed) to stream time.

    Gated frames (while a cue plays) and microphone gaps are never fed, so the
    recognizer's clock falls behind the stream; each jump is recorded here.
    """

    def __init__(self) -> None:
        self._rec: list[float] = []
        self._stream: list[float] = []
        self.fed = 0.0
        self._expected: Optional[float] = None

    def feed(self, frame: AudioFrame) -> None:
        if self._expected is None or abs(frame.start - self._expected) > 1e-3:
            self._rec.append(self.fed)
            self._stream.append(frame.start)
        self.fed += frame.duration
        self._expected = frame.end

    def to_stream(self, t: float) -> float:
        i = bisect.bisect_right(self._rec, t + 1e-6) - 1
        if i < 0:
            return t
        return self._stream[i] + (t - self._rec[i])

    def span_to_stream(self, start: float, end: float) -> tuple[float, float]:
        """A word's span; a start that Vosk rounds to just before a gap stays after it."""
        i = bisect.bisect_right(self._rec, end - 1e-6) - 1
        s, e = self.to_stream(start), self.to_stream(end)
        if i >= 0 and start < self._rec[i]:
            s = self._stream[i]
        return s, e


def _words(items: Iterable[dict], timeline: _Timeline) -> tuple[Word, ...]:
    words = []
    for w in items:
        start, end = timeline.span_to_stream(w["start"], w["end"])
        words.append(Word(w["word"], round(start, 3), round(end, 3), float(w.get("conf", 1.0))))
    return tuple(words)


def utterance_from_result(result: dict, timeline: _Timeline, *, final: bool) -> Optional[Utterance]:
    key = "result" if final else "partial_result"
    text = (result.get("text") if final else result.get("partial")) or ""
    text = text.strip()
    if not text:
        return None
    words = _words(result.get(key) or [], timeline)
    if words:
        start, end = words[0].start, words[-1].end
    else:
        start = end = round(timeline.to_stream(timeline.fed), 3)
    conf = round(sum(w.conf for w in words) / len(words), 3) if (final and words) else None
    # A final's id is its place in the stream, so a re-sent result is stored only once.
    uid = f"v{start:.3f}-{end:.3f}" if final else None
    return Utterance(text=text, start=start, end=end, final=final, words=words, confidence=conf, id=uid)


class TranscriptRecognizer:
    """Free-form recognition: finals with word times, and partials while someone speaks."""

    def __init__(self, model: SpeechModel, *, partials: bool = True, partial_every: float = 0.25):
        import vosk

        self._rec = vosk.KaldiRecognizer(model.vosk_model, SAMPLE_RATE)
        self._rec.SetWords(True)
        self._rec.SetPartialWords(True)
        self._timeline = _Timeline()
        self._partials = partials
        # Asking for a partial costs a lattice traceback; a few per second is plenty for a screen.
        self._partial_every = partial_every
        self._next_partial = 0.0
        self._last_partial = ""

    def accept(self, frame: AudioFrame) -> list[Utterance]:
        self._timeline.feed(frame)
        if self._rec.AcceptWaveform(frame.pcm):
            return self._final(self._rec.Result())
        if self._partials and self._timeline.fed >= self._next_partial:
            self._next_partial = self._timeline.fed + self._partial_every
            result = json.loads(self._rec.PartialResult())
            text = (result.get("partial") or "").strip()
            if text and text != self._last_partial:
                self._last_partial = text
                u = utterance_from_result(result, self._timeline, final=False)
                return [u] if u else []
        return []

    def flush(self) -> list[Utterance]:
        """End the current utterance now (a cue is about to play, or the stream ended)."""
        return self._final(self._rec.FinalResult())

    def _final(self, raw: str) -> list[Utterance]:
        self._last_partial = ""
        u = utterance_from_result(json.loads(raw), self._timeline, final=True)
        return [u] if u else []


class CommandRecognizer:
    """Grammar-mode recognition over the command phrases only: fast and exact, but it
    forces every sound onto the phrase list, so each hit must be confirmed (voice.commands).

    "[unk]" is added so other speech can map to "unknown" instead of to a command; models
    without an [unk] word (the Korean test model) ignore it, with a Vosk warning.
    """

    def __init__(self, model: SpeechModel, phrases: Iterable[str], *, add_unk: bool = True):
        import vosk

        if not model.grammar:
            raise VoiceError("model_invalid", f"Het model in {model.path} heeft geen graph/HCLr.fst en kan geen "
                             "commando's in grammaticamodus herkennen; commando's komen dan uit de transcriptie.")
        grammar = []
        left_out = []
        for phrase in sorted(set(phrases)):
            if any(not model.knows(w) for w in phrase.split()):
                left_out.append(phrase)
            else:
                grammar.append(phrase)
        if left_out:
            log.warning("%d command phrase(s) not in the model's vocabulary, left out: %s", len(left_out),
                        ", ".join(left_out))
        if not grammar:
            # Vosk crashes on an empty grammar; commands then come from the transcript only.
            raise VoiceError("no_command_phrases", f"Geen enkel commando past bij het model in {model.path}; "
                             "commando's worden dan alleen uit de transcriptie herkend.")
        self.phrases = tuple(grammar)
        # The Korean test model has no [unk]: there, every sound is forced onto some phrase
        # word, and only the spotter's checks (exact phrase, length, segment) stop false hits.
        self.has_unk = add_unk and model.knows(UNK)
        if self.has_unk:
            grammar.append(UNK)
        self._rec = vosk.KaldiRecognizer(model.vosk_model, SAMPLE_RATE, json.dumps(grammar, ensure_ascii=False))
        self._rec.SetWords(True)
        self._timeline = _Timeline()

    def accept(self, frame: AudioFrame) -> list[Utterance]:
        self._timeline.feed(frame)
        if self._rec.AcceptWaveform(frame.pcm):
            return self._final(self._rec.Result())
        return []

    def flush(self) -> list[Utterance]:
        return self._final(self._rec.FinalResult())

    def _final(self, raw: str) -> list[Utterance]:
        u = utterance_from_result(json.loads(raw), self._timeline, final=True)
        return [u] if u else []
