"""Whisper (faster-whisper on CTranslate2, int8 on the CPU): Dutch text for finished speech segments.

Whisper is not a streaming recognizer: it decodes one finished voice-activity segment at a
time, on a worker thread of its own (WhisperWorker), never on the thread that reads audio.
It is known to invent lines on quiet audio or noise ("Ondertiteling door ..."), so a result
passes several checks before it becomes text (see `_plausible_text`).

`spot` scores our command phrases on a short segment's audio, cheaply (voice.whisper_spot):
the Listener asks it first for a segment short enough to be a command.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Optional, Union

import numpy as np

from facilitator.events import Utterance, Word
from voice.audio import SAMPLE_RATE
from voice.errors import VoiceError

if TYPE_CHECKING:
    from voice.whisper_spot import Spot

log = logging.getLogger(__name__)

LANGUAGE = "nl"
# Whisper's well-known inventions on silence and noise in Dutch (from its subtitle training data).
# Sound tags ("MUZIEK", "APPLAUS") are what it says for noise.
_INVENTED = ("ondertiteling", "ondertiteld", "bedankt voor het kijken", "amara.org", "tv gelderland",
             "abonneer", "untertitel", "copyright", "www.", ".com", "♪", "muziek", "applaus", "gelach",
             "stilte", "[", "(", "*")
MIN_LEVEL_DBFS = -50.0      # a segment quieter than this at its loudest is no speech
MAX_COMPRESSION = 2.4       # a result that repeats itself this much is a decoding loop
MIN_AVG_LOGPROB = -1.0      # below: a guess, not a transcript
MAX_NO_SPEECH = 0.6


def level_dbfs(samples: np.ndarray) -> float:
    """Loudness of the loudest 30 ms of the samples (float in [-1, 1])."""
    n = 480
    if samples.size < n:
        rms = float(np.sqrt(np.mean(samples ** 2))) if samples.size else 0.0
    else:
        cut = samples[: samples.size // n * n].reshape(-1, n)
        rms = float(np.sqrt((cut ** 2).mean(axis=1)).max())
    return 20 * math.log10(max(rms, 1e-6))


def pcm_to_float(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


class WhisperRecognizer:
    """One loaded Whisper model; `decode` is safe from one thread at a time (the worker's)."""

    engine = "whisper"

    def __init__(self, path: os.PathLike | str, *, threads: Optional[int] = None, beam_size: int = 5,
                 compute_type: str = "int8"):
        from voice.whisper_models import require_whisper_dir

        self.path = require_whisper_dir(Path(path))
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise VoiceError("whisper_missing", "faster-whisper is niet geïnstalleerd: voer scripts/setup opnieuw "
                             "uit; de vergadering kan verder met Vosk of zonder spraakherkenning.") from exc
        try:
            self.model = WhisperModel(str(self.path), device="cpu", compute_type=compute_type,
                                      cpu_threads=threads or min(os.cpu_count() or 1, 4), local_files_only=True)
        except Exception as exc:  # CTranslate2 raises RuntimeError for a broken model.bin
            raise VoiceError("model_load_failed", f"Whisper kon het model in {self.path} niet laden ({exc}); "
                             f"controleer het met `facilitator models verify {self.path}`.") from exc
        self.beam_size = beam_size
        self._lock = threading.Lock()

    def decode(self, pcm: bytes, start: float = 0.0) -> Optional[Utterance]:
        """The Dutch text of one segment (16 kHz mono int16) placed at stream time `start`, or None.

        One pass over a window as long as the segment plus padding (not faster-whisper's 30 s: the
        encoder's cost grows with its input), beam search without temperature fallback, then the
        words' times from CTranslate2's alignment on the same encoding."""
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        from voice.whisper_spot import window

        audio = pcm_to_float(pcm)
        if audio.size < SAMPLE_RATE // 10 or level_dbfs(audio) < MIN_LEVEL_DBFS:
            return None
        m = self.model
        tok = Tokenizer(m.hf_tokenizer, True, task="transcribe", language=LANGUAGE)
        prompt = list(tok.sot_sequence) + [tok.no_timestamps]
        with self._lock:
            # In a tight window a sentence comes out twice ("De volgende stap ... De volgende stap ..."):
            # twice the speech, and 10 s at least, reads as well as 30 s (measured) at a fraction of the cost.
            features, frames = window(m.feature_extractor(audio), min_frames=1000, stretch=2)
            encoded = m.model.encode(ctranslate2.StorageView.from_array(features))
            r = m.model.generate(encoded, [prompt], beam_size=self.beam_size, max_length=len(prompt) + 220,
                                 return_scores=True, return_no_speech_prob=True, suppress_blank=True,
                                 suppress_tokens=get_suppressed_tokens(tok, [-1]))[0]
            tokens = [t for t in r.sequences_ids[0] if t < tok.eot]
            text = tok.decode(tokens).strip()
            avg_logprob = float(r.scores[0])  # length-normalised, as faster-whisper's avg_logprob
            if not tokens or not _plausible_text(text, avg_logprob, float(r.no_speech_prob),
                                                  get_compression_ratio(text)):
                return None
            aligned = m.find_alignment(tok, [tokens], encoded, frames)[0]
        words = [Word(w["word"].strip(), round(start + float(w["start"]), 3), round(start + float(w["end"]), 3),
                      round(float(w["probability"]), 3)) for w in aligned if w["word"].strip()]
        if not words:
            return None
        conf = round(sum(w.conf for w in words) / len(words), 3)
        return Utterance(text=text, start=words[0].start, end=words[-1].end, final=True, words=tuple(words),
                         confidence=conf, id=f"w{start:.3f}")

    def spot(self, pcm: bytes, phrases: Iterable[str]) -> Optional["Spot"]:
        """Our phrases scored on one short segment's audio (see voice.whisper_spot)."""
        from voice.whisper_spot import spot

        audio = pcm_to_float(pcm)
        if audio.size < SAMPLE_RATE // 10 or level_dbfs(audio) < MIN_LEVEL_DBFS:
            return None
        with self._lock:
            return spot(self.model, audio, phrases)


def split_by_lines(utt: Utterance, lines: Iterable[tuple[str, float, float]]) -> list[Utterance]:
    """Whisper's words of one segment shared out over that segment's Vosk lines (id, start, end):
    each word goes to the line its middle falls in, the borders lying halfway between two lines.
    A line that gets no word keeps its Vosk text (it is left out of the answer)."""
    lines = sorted(lines, key=lambda line: line[1])
    if not lines:
        return []
    cuts = [(a[2] + b[1]) / 2 for a, b in zip(lines, lines[1:])]
    shares: list[list[Word]] = [[] for _ in lines]
    for w in utt.words:
        mid = (w.start + w.end) / 2
        shares[sum(1 for c in cuts if mid >= c)].append(w)
    out = []
    for (line_id, _s, _e), ws in zip(lines, shares):
        if not ws:
            continue
        conf = round(sum(w.conf for w in ws) / len(ws), 3)
        out.append(Utterance(text=_join(ws) if len(lines) > 1 else utt.text, start=ws[0].start, end=ws[-1].end,
                             final=True, words=tuple(ws), confidence=conf, id=line_id))
    return out


def _join(words: Iterable[Word]) -> str:
    # Whisper's words carry their own punctuation ("klopt."), so a plain join reads as its text did.
    return " ".join(w.word for w in words)


def _plausible_text(text: str, avg_logprob: float, no_speech_prob: float, compression_ratio: float) -> bool:
    if no_speech_prob > MAX_NO_SPEECH and avg_logprob < MIN_AVG_LOGPROB:
        return False
    if avg_logprob < MIN_AVG_LOGPROB - 0.3 or compression_ratio > MAX_COMPRESSION:
        return False
    low = text.lower()
    return not any(marker in low for marker in _INVENTED)


@dataclass(frozen=True)
class Job:
    key: object            # the caller's handle (for example the segment's start)
    pcm: bytes
    start: float
    phrases: tuple[str, ...] = ()   # given: score these phrases (a Spot) instead of decoding text


class WhisperWorker:
    """Decodes submitted segments one by one on its own thread, in order.

    The queue is bounded: `submit(..., block=False)` answers False when the machine has fallen
    behind, and the caller keeps what it had (the Vosk text of a line). Results come out in
    submission order through `results()` (or the `on_result` callback), except that scoring a
    short segment's phrases goes ahead of lines still waiting to be decoded: a command must not
    wait behind a line (the engine places a line that comes late by its own time).
    """

    def __init__(self, recognizer: WhisperRecognizer, *, maxsize: int = 3,
                 on_result: Optional[Callable[[Job, Union[Utterance, "Spot", None]], None]] = None):
        self.recognizer = recognizer
        # (0: scoring phrases, 1: decoding a line, 2: stop; then submission order) -> job
        self._jobs: "queue.PriorityQueue[tuple[int, int, Optional[Job]]]" = queue.PriorityQueue(maxsize=maxsize)
        self._order = itertools.count()
        self._done: "queue.Queue[tuple[Job, Union[Utterance, Spot, None]]]" = queue.Queue()
        self._on_result = on_result
        self.stats = {"submitted": 0, "dropped": 0, "decoded": 0, "failed": 0}
        self._thread = threading.Thread(target=self._run, name="whisper-worker", daemon=True)
        self._thread.start()

    def submit(self, key: object, pcm: bytes, start: float, *, block: bool = False,
               phrases: Iterable[str] = ()) -> bool:
        try:
            job = Job(key, pcm, start, tuple(phrases))
            self._jobs.put((0 if job.phrases else 1, next(self._order), job), block=block)
        except queue.Full:
            self.stats["dropped"] += 1
            return False
        self.stats["submitted"] += 1
        return True

    def pending(self) -> int:
        return self.stats["submitted"] - self.stats["decoded"] - self.stats["failed"]

    def results(self, wait: bool = False,
                timeout: Optional[float] = None) -> list[tuple[Job, Union[Utterance, "Spot", None]]]:
        """Finished jobs so far; with `wait`, first block until at least one is there (or none is pending)."""
        out = []
        if wait and self.pending() > 0:
            try:
                out.append(self._done.get(timeout=timeout))
            except queue.Empty:
                return out
        while True:
            try:
                out.append(self._done.get_nowait())
            except queue.Empty:
                return out

    def _run(self) -> None:
        while True:
            _priority, _n, job = self._jobs.get()
            if job is None:
                return
            outcome = "decoded"
            try:
                utt = (self.recognizer.spot(job.pcm, job.phrases) if job.phrases
                       else self.recognizer.decode(job.pcm, job.start))
            except Exception:  # a bad segment must not end listening
                log.exception("whisper could not decode a segment")
                utt, outcome = None, "failed"
            if self._on_result is not None:
                self._on_result(job, utt)
            else:
                self._done.put((job, utt))
            self.stats[outcome] += 1  # after the hand-over, so pending() never hides a result

    def close(self) -> None:
        try:
            self._jobs.put((2, next(self._order), None), timeout=1)
        except queue.Full:
            pass
        self._thread.join(timeout=5)
