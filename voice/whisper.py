"""Whisper (faster-whisper on CTranslate2, int8 on the CPU): Dutch text for finished speech segments.

Whisper is not a streaming recognizer: it decodes one finished voice-activity segment at a
time, on a worker thread of its own (WhisperWorker), never on the thread that reads audio.
It is known to invent lines on quiet audio or noise ("Ondertiteling door ..."), so a result
passes several checks before it becomes text (see `_plausible`).

`score_phrases` gives the probability of given texts on a segment's audio (CTranslate2's
Whisper.align: token probabilities under teacher forcing); the command spotter uses it when
plain decoding misses a short command.
"""

from __future__ import annotations

import logging
import math
import os
import queue
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional

import numpy as np

from facilitator.events import Utterance, Word
from voice.audio import SAMPLE_RATE
from voice.errors import VoiceError

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
        """The Dutch text of one segment (16 kHz mono int16) placed at stream time `start`, or None."""
        audio = pcm_to_float(pcm)
        if audio.size < SAMPLE_RATE // 10 or level_dbfs(audio) < MIN_LEVEL_DBFS:
            return None
        with self._lock:
            segments, _info = self.model.transcribe(
                audio, language=LANGUAGE, beam_size=self.beam_size, temperature=(0.0,),
                word_timestamps=True, vad_filter=False, condition_on_previous_text=False,
                no_speech_threshold=MAX_NO_SPEECH, log_prob_threshold=MIN_AVG_LOGPROB,
                compression_ratio_threshold=MAX_COMPRESSION)
            segments = list(segments)
        words: list[Word] = []
        texts: list[str] = []
        for seg in segments:
            if not _plausible(seg):
                continue
            texts.append(seg.text.strip())
            for w in seg.words or ():
                word = w.word.strip()
                if word:
                    words.append(Word(word, round(start + w.start, 3), round(start + w.end, 3),
                                      round(float(w.probability), 3)))
        text = " ".join(t for t in texts if t).strip()
        if not text or not words:
            return None
        conf = round(sum(w.conf for w in words) / len(words), 3)
        s, e = words[0].start, words[-1].end
        return Utterance(text=text, start=s, end=e, final=True, words=tuple(words), confidence=conf,
                         id=f"w{start:.3f}")

    def score_phrases(self, pcm: bytes, phrases: Iterable[str]) -> dict[str, float]:
        """For each phrase, the mean token probability of saying it on this audio (0..1)."""
        from faster_whisper.tokenizer import Tokenizer

        audio = pcm_to_float(pcm)
        m = self.model
        with self._lock:
            features = m.feature_extractor(audio)
            num_frames = features.shape[-1]
            # The encoder always takes 30 s of features: pad like faster-whisper does.
            padded = np.zeros((features.shape[0], m.feature_extractor.nb_max_frames), dtype=features.dtype)
            padded[:, :min(num_frames, padded.shape[1])] = features[:, :padded.shape[1]]
            encoded = m.encode(padded)
            tok = Tokenizer(m.hf_tokenizer, True, task="transcribe", language=LANGUAGE)
            scores = {}
            for phrase in phrases:
                tokens = tok.encode(" " + phrase)
                result = m.model.align(encoded, tok.sot_sequence, [tokens], num_frames)[0]
                probs = np.asarray(result.text_token_probs, dtype=np.float64)
                scores[phrase] = float(np.exp(np.mean(np.log(np.maximum(probs, 1e-9))))) if probs.size else 0.0
        return scores


def _plausible(seg) -> bool:
    if seg.no_speech_prob > MAX_NO_SPEECH and seg.avg_logprob < MIN_AVG_LOGPROB:
        return False
    if seg.avg_logprob < MIN_AVG_LOGPROB - 0.3 or seg.compression_ratio > MAX_COMPRESSION:
        return False
    low = seg.text.lower()
    return not any(marker in low for marker in _INVENTED)


@dataclass(frozen=True)
class Job:
    key: object            # the caller's handle (for example the segment's start)
    pcm: bytes
    start: float


class WhisperWorker:
    """Decodes submitted segments one by one on its own thread, in order.

    The queue is bounded: `submit(..., block=False)` answers False when the machine has fallen
    behind, and the caller keeps what it had (the Vosk text of a line). Results come out in
    submission order through `results()` (or the `on_result` callback).
    """

    def __init__(self, recognizer: WhisperRecognizer, *, maxsize: int = 3,
                 on_result: Optional[Callable[[Job, Optional[Utterance]], None]] = None):
        self.recognizer = recognizer
        self._jobs: "queue.Queue[Optional[Job]]" = queue.Queue(maxsize=maxsize)
        self._done: "queue.Queue[tuple[Job, Optional[Utterance]]]" = queue.Queue()
        self._on_result = on_result
        self.stats = {"submitted": 0, "dropped": 0, "decoded": 0, "failed": 0}
        self._thread = threading.Thread(target=self._run, name="whisper-worker", daemon=True)
        self._thread.start()

    def submit(self, key: object, pcm: bytes, start: float, *, block: bool = False) -> bool:
        try:
            self._jobs.put(Job(key, pcm, start), block=block)
        except queue.Full:
            self.stats["dropped"] += 1
            return False
        self.stats["submitted"] += 1
        return True

    def pending(self) -> int:
        return self.stats["submitted"] - self.stats["decoded"] - self.stats["failed"]

    def results(self, wait: bool = False, timeout: Optional[float] = None) -> list[tuple[Job, Optional[Utterance]]]:
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
            job = self._jobs.get()
            if job is None:
                return
            outcome = "decoded"
            try:
                utt = self.recognizer.decode(job.pcm, job.start)
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
            self._jobs.put(None, timeout=1)
        except queue.Full:
            pass
        self._thread.join(timeout=5)
