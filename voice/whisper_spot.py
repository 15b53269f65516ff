"""Spoken commands from a short segment's audio with Whisper: one cheap encoding, our phrases scored on it.

Why plain decoding misses short commands (measured on espeak-ng Dutch voices): Whisper base writes
what it hears as other words ("tip" as "Gip" or "Deep", "herhaal" as "Hijn pouw", "verder" as
"Weet dat"), and a decode of faster-whisper's 30 s window takes seconds on a busy 2-core machine.
For a voice-activity segment short enough to be a command we instead:

- encode only the segment plus padding (6 s at least, not 30: the encoder's cost grows with its
  input; shorter windows make Whisper repeat itself);
- decode it greedily once: what the model would say by itself (the "other speech" hypothesis);
- score our phrases, written as Whisper writes a short utterance (" Tip." and " tip"), by their
  log probability on that same encoding with the end of text included (one teacher-forced pass
  each, only for phrases whose first token is plausible): "ik pas" inside "ik pas dat toe" is
  unlikely to end there, and "volgende" is unlikely to end where "volgende stap" is said.

A phrase is heard when the model's own reading is that phrase (the spotter's rules), or when it is
likely, nearly as likely as the model's own reading and clearly more likely than any phrase of
another kind (`decide`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Iterable

import numpy as np

from voice.commands import CommandSpotter, Decision
from voice.whisper import LANGUAGE

MIN_FRAMES = 600        # 6 s of features: shorter windows make Whisper repeat itself ("Ik pass Ik pass")
PAD_FRAMES = 200        # 2 s of padding after the speech
MAX_TOKENS = 12         # a short segment's own reading: a command is a few tokens, a longer reading no command
PRUNE = 6.0             # forms whose first token is this much less likely than the best form's are not scored
MAX_SCORED = 8
# The decision (measured on our phrases in several espeak-ng voices and on short Dutch replies such as
# "dat klopt", "precies", "mooi zo"; log probabilities in nats, see benchmarks/voice_whisper.py).
MIN_LOGPROB = -6.0      # a phrase heard is at least this likely (e^-6: a cough's best phrase scored -6.4)
BEHIND_FREE = 2.5       # and at most this much less likely than the model's own reading
OVER_OTHERS = 3.0       # and beats every phrase that does something else by this much
# Whisper's no-speech probability: commands measured 0.03-0.5, coughs 0.45-0.66.
MAX_NO_SPEECH = 0.6     # above: not speech at all, whatever the reading says
MAX_NO_SPEECH_SCORED = 0.4  # a phrase that is not the model's own reading needs speech for sure


@dataclass(frozen=True)
class Spot:
    """What one short segment's encoding says: the model's own reading and each phrase's score."""

    text: str                       # the greedy reading (may be empty)
    text_logprob: float             # its log probability, end of text included
    scores: dict[str, float]        # phrase -> log probability of saying exactly that
    no_speech: float = 0.0          # Whisper's own probability that there is no speech at all
    seconds: float = 0.0            # compute time, for the benchmark


def window(features: np.ndarray, *, min_frames: int = MIN_FRAMES, stretch: int = 1) -> tuple[np.ndarray, int]:
    """The features of a segment, zero-padded (as faster-whisper pads) to a short window:
    `stretch` times the speech plus PAD_FRAMES, at least `min_frames`, at most Whisper's 30 s."""
    n_mels, frames = features.shape
    size = min(3000, max(min_frames, stretch * frames + PAD_FRAMES))
    out = np.zeros((1, n_mels, size), dtype=np.float32)
    out[0, :, :min(frames, size)] = features[:, :size]
    return out, min(frames, size)


def forms(phrase: str) -> list[str]:
    """How Whisper writes a phrase said on its own: capitalised with a full stop, or plain."""
    return [" " + phrase[:1].upper() + phrase[1:] + ".", " " + phrase]


def _log_softmax(logits) -> np.ndarray:
    x = np.asarray(logits, dtype=np.float64).reshape(-1)
    top = x.max()
    return x - (top + np.log(np.sum(np.exp(x - top))))


def spot(model, audio: np.ndarray, phrases: Iterable[str]) -> Spot:
    """Score `phrases` on `audio` (float samples, 16 kHz) with a faster-whisper WhisperModel."""
    import time

    import ctranslate2
    from faster_whisper.tokenizer import Tokenizer

    t0 = time.perf_counter()
    tok = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=LANGUAGE)
    features, _frames = window(model.feature_extractor(audio))
    encoded = model.model.encode(ctranslate2.StorageView.from_array(features))
    # No initial prompt with our phrases: it lifts recall but makes Whisper hear them in other words
    # (measured: "vorige stap" became "Volgende stap", "pas" became "Pauze": false commands).
    prompt = list(tok.sot_sequence) + [tok.no_timestamps]
    free = model.model.generate(encoded, [prompt], beam_size=1, max_length=len(prompt) + MAX_TOKENS,
                                return_scores=True, length_penalty=0.0, suppress_blank=True, return_logits_vocab=True,
                                return_no_speech_prob=True)[0]
    free_ids = [t for t in free.sequences_ids[0] if t < tok.eot]
    steps = free.logits[0]
    first = _log_softmax(steps[0]) if steps else None
    # Each scored form costs the decoder a pass over the whole encoding: only the forms whose first
    # token the model finds plausible.
    texts = [(p, tok.encode(f)) for p in phrases for f in forms(p)]
    if first is not None:
        texts.sort(key=lambda pt: -first[pt[1][0]])
        texts = [pt for pt in texts if first[pt[1][0]] >= first[texts[0][1][0]] - PRUNE][:MAX_SCORED]
    scores: dict[str, float] = {}
    if texts:
        # One teacher-forced pass per form (the prompt is the form): the logits of every position
        # give each token's probability and, after the last one, that of the end of text.
        batch = ctranslate2.StorageView.from_array(np.repeat(np.asarray(encoded), len(texts), axis=0))
        results = model.model.generate(batch, [prompt + t for _, t in texts], beam_size=1,
                                       max_length=len(prompt) + max(len(t) for _, t in texts) + 1,
                                       suppress_blank=False, return_logits_vocab=True)
        for (phrase, tokens), r in zip(texts, results):
            rows = r.logits[0]
            if len(rows) < len(tokens) + 1:
                continue
            lp = sum(_log_softmax(rows[i])[t] for i, t in enumerate(tokens)) + _log_softmax(rows[len(tokens)])[tok.eot]
            scores[phrase] = max(scores.get(phrase, -np.inf), float(lp))
    return Spot(tok.decode(free_ids).strip(), float(free.scores[0]), scores, float(free.no_speech_prob),
                time.perf_counter() - t0)


def decide(found: Spot, spotter: CommandSpotter, span: tuple[float, float]) -> Decision:
    """A command, or why not: the model's own reading first (the spotter's rules, variants included),
    then the best-scored phrase."""
    if found.no_speech > MAX_NO_SPEECH:
        return Decision(False, "no_speech")
    plain = spotter.judge(found.text, segment=span) if found.text else Decision(False, "empty")
    if plain.accepted:
        # The reading has no word times here: its confidence is the reading's own probability.
        conf = plain.confidence if plain.confidence is not None else round(math.exp(found.text_logprob), 3)
        return replace(plain, start=span[0], end=span[1], confidence=conf)
    table = spotter.table
    if not found.scores or found.no_speech > MAX_NO_SPEECH_SCORED:
        return plain
    phrase, lp = max(found.scores.items(), key=lambda kv: kv[1])
    entry = table.entries[phrase]
    # Rivals: phrases that would do something else ("drie" and "vier" are one kind, other scores).
    rivals = [v for p, v in found.scores.items()
              if (table.entries[p].kind, table.entries[p].args) != (entry.kind, entry.args)]
    lead = lp - max(rivals, default=-math.inf)
    if lp >= MIN_LOGPROB and lp >= found.text_logprob - BEHIND_FREE and lead >= OVER_OTHERS:
        return Decision(True, "ok_scored", kind=entry.kind, phrase=phrase, start=span[0], end=span[1],
                        confidence=round(math.exp(lp), 3), args=entry.args)
    return plain
