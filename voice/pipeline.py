"""The Listener: audio in, events out (speech activity, transcript, spoken commands).

How the lead wires it (the engine is not imported here):

    from voice.asr import load_model
    from voice.gate import Gate
    from voice.mic import MicSource
    from voice.pipeline import Listener, listen_in_background
    from voice.speaker import Speaker

    gate = Gate()                                  # shared by the Speaker and the Listener
    try:
        model = load_model(model_path)             # VoiceError(code, message) if missing/invalid
    except VoiceError as err:
        show(err.message); model = None            # manual mode: speech activity still counted
    listener = Listener(MicSource(device), model, gate=gate)   # or FileSource(path) / replay(path, ...)
    listen_in_background(listener, engine_queue.put)           # each item is a Heard
    ...
    heard.at      # stream time (seconds, the meeting clock) at which the event became known
    heard.event   # SpeechActivity | Utterance (partial or final) | Command(source="voice") | DeviceEvent

For a recording, iterate `replay(path, model)` in the engine's own loop and use
`heard.at` as `now`: the recording's clock drives the meeting, faster than real time.
Items come out in stream-time order (`at` never decreases).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Union

from facilitator.events import Command, DeviceEvent, SpeechActivity, Tick, Utterance
from voice.asr import CommandRecognizer, SpeechModel, TranscriptRecognizer
from voice.audio import AudioFrame, FileSource
from voice.commands import CommandSpotter, CommandTable, Decision, default_table
from voice.errors import VoiceError
from voice.gate import Gate
from voice.segmenter import Segment, Segmenter
from voice.vad import VoiceActivity
from voice.whisper import WhisperRecognizer, WhisperWorker, split_by_lines
from voice.whisper_spot import Spot, decide

log = logging.getLogger(__name__)

VoiceEvent = Union[SpeechActivity, Utterance, Command, DeviceEvent]

# Seconds of audio before a segment that the command grammar also hears (the segment's own pre-roll included).
GRAMMAR_LEAD = 1.0


@dataclass(frozen=True)
class Heard:
    """One event from the Listener, with the stream time at which it became known."""

    at: float
    event: VoiceEvent
    decision: Optional[Decision] = None  # for commands: phrase, spoken span, confidence


class Listener:
    """Voice activity cuts the audio into segments; each finished segment becomes one decision:
    a spoken command, or transcript lines. Never both: a command's words are not content.

    Recognizers (Vosk, and Whisper on its worker thread) are fed only the segments' audio.
    A segment's finals are held until the command decision; partials pass at once (they are
    for the screen only). `source` is any iterable of AudioFrame (and DeviceEvent): MicSource,
    FileSource, or frames from a test. `model=None` and `whisper=None` run voice activity only.

    With `whisper` and no Vosk model, Whisper's text is the transcript. With both, Vosk's
    lines go out at once and Whisper's text follows for the same line (same `id`). When
    listening to a recording (`wait_for_whisper`, the default for a FileSource that is not
    paced) the loop waits for Whisper; live, it never does and a full queue keeps Vosk's text.
    """

    def __init__(
        self,
        source: Iterable[Union[AudioFrame, DeviceEvent]],
        model: Optional[SpeechModel] = None,
        *,
        whisper: Optional["WhisperRecognizer"] = None,
        commands: Optional[CommandTable] = None,
        gate: Optional[Gate] = None,
        vad: Optional[VoiceActivity] = None,
        partials: bool = True,
        use_grammar: Optional[bool] = None,
        tick_every: Optional[float] = None,
        wait_for_whisper: Optional[bool] = None,
        whisper_queue: int = 3,
    ):
        self.source = source
        self.model = model
        self.whisper = whisper
        self.table = commands or default_table()
        self.spotter = CommandSpotter(self.table)
        self.gate = gate
        self.segmenter = Segmenter(vad)
        self.vad = self.segmenter.vad
        self.partials = partials
        self.use_grammar = (model.grammar if model else False) if use_grammar is None else use_grammar
        if wait_for_whisper is None:
            wait_for_whisper = isinstance(source, FileSource) and not source.realtime
        self.wait_for_whisper = wait_for_whisper
        self.whisper_queue = whisper_queue
        self.rejected: deque[Decision] = deque(maxlen=100)  # recent non-commands, for diagnosis
        self.stats = {"frames": 0, "gated_frames": 0, "commands": 0, "rejected": 0, "finals": 0,
                      "segments": 0, "whisper_lines": 0, "whisper_dropped": 0, "scored": 0,
                      "grammar_fed_seconds": 0.0}
        self._stopped = threading.Event()
        self._held: list[Utterance] = []       # finals of the running segment, until the decision
        self._held_grammar: list[Utterance] = []
        self._lead: deque[AudioFrame] = deque()  # the quiet the grammar hears before a segment
        self._released = False                 # the running segment is too long to be a command
        self._reopened_at: Optional[float] = None
        self._gated = False
        self._now = 0.0
        self._worker: Optional[WhisperWorker] = None
        self._lines_sent = False
        # A replay's only clock is the stream: Ticks through quiet stretches let time-driven
        # cues (warnings, the end of a silence) fall at their own stream time.
        self.tick_every = tick_every
        self._last_tick = 0.0

    @property
    def whisper_only(self) -> bool:
        return self.whisper is not None and self.model is None

    def close(self) -> None:
        self._stopped.set()
        closer = getattr(self.source, "close", None)
        if callable(closer):
            closer()

    # -- the loop ----------------------------------------------------------------

    def __iter__(self) -> Iterator[Heard]:
        # The Vosk recognizers live on the thread that iterates (Vosk's rule); Whisper has its own.
        self._transcript = self._commands = None
        if self.model is not None:
            self._transcript = TranscriptRecognizer(self.model, partials=self.partials)
            if self.use_grammar:
                try:
                    self._commands = CommandRecognizer(self.model, self.table.phrases)
                except VoiceError as err:
                    log.warning("%s", err.message)
                    self.use_grammar = False  # so transcript finals are spotted for commands instead
        if self.whisper is not None:
            self._worker = WhisperWorker(self.whisper, maxsize=self.whisper_queue)
        try:
            for item in self.source:
                if self._stopped.is_set():
                    break
                if isinstance(item, DeviceEvent):
                    if item.kind == "mic_lost":
                        self._lead.clear()
                        yield from self._flush()
                    yield Heard(self._now, item)
                    continue
                yield from self._frame(item)
            yield from self._flush()
            if self._worker is not None:
                while self._worker.pending() > 0 and not self._stopped.is_set():
                    yield from self._whisper_results(wait=True)
        finally:
            if self._worker is not None:
                self._worker.close()
            src_stats = getattr(self.source, "stats", None)
            if isinstance(src_stats, dict):
                self.stats.update(src_stats)
            self.stats["fed_seconds"] = round(self.segmenter.stats["fed_seconds"], 2)
            self.stats["grammar_fed_seconds"] = round(self.stats["grammar_fed_seconds"], 2)

    def _frame(self, frame: AudioFrame) -> Iterator[Heard]:
        self.stats["frames"] += 1
        self._now = max(self._now, frame.end)
        if self.tick_every is not None and self._now - self._last_tick >= self.tick_every:
            self._last_tick = self._now
            yield Heard(self._now, Tick())
        if self.gate is not None and not self.gate.is_open(frame.start, frame.end):
            self.stats["gated_frames"] += 1
            self._lead.clear()
            if not self._gated:
                self._gated = True
                # End what was being said before the cue, so nothing heard later is glued onto it.
                yield from self._flush(cut=True)
            return
        if self._gated:
            self._reopened_at = frame.start
        self._gated = False
        step = self.segmenter.process(frame)
        for activity in step.activities:
            if activity.speaking and self._reopened_at is not None and activity.at - self._reopened_at < 0.1:
                self.segmenter.mark_cut()  # already talking when the cue ended
            yield Heard(self._now, activity)
        if self._commands is not None:
            self._grammar_feed(frame, step.feed)
        yield from self._feed(step.feed)
        for seg in step.closed:
            yield from self._segment_ended(seg)
        if self._worker is not None:
            yield from self._whisper_results(wait=False)

    def _grammar_feed(self, frame: AudioFrame, feed: list[AudioFrame]) -> None:
        # The command grammar decodes a short phrase reliably only with some of the room's quiet
        # before it, so each segment comes with GRAMMAR_LEAD seconds of what preceded it; between
        # segments it hears nothing (quiet stretches cost nothing).
        if not feed:
            self._lead.append(frame)
            while self._lead and self._lead[0].start < frame.end - GRAMMAR_LEAD:
                self._lead.popleft()
            return
        first = feed[0].start
        frames = [f for f in self._lead if f.start < first - 1e-6] + feed
        self._lead.clear()
        for f in frames:
            self._held_grammar += self._commands.accept(f)
            self.stats["grammar_fed_seconds"] += f.duration

    def _feed(self, frames: list[AudioFrame]) -> Iterator[Heard]:
        s = self.table.settings
        for f in frames:
            for u in (self._transcript.accept(f) if self._transcript else []):
                if u.final:
                    self._held.append(u)
                else:
                    yield Heard(self._now, u)  # partials: for the screen only
        seg = self.segmenter.current
        if seg is not None and not self._released and self._now - seg.start > s.max_seconds + s.segment_slack:
            # Longer than any command: what is heard in it is content, no need to hold it.
            self._released = True
        if self._released and self._held:
            yield from self._lines(self._held)
            self._held = []

    def _flush(self, cut: bool = False) -> Iterator[Heard]:
        step = self.segmenter.flush(cut=cut)
        for activity in step.activities:
            yield Heard(self._now, activity)
        for seg in step.closed:
            yield from self._segment_ended(seg)

    def _segment_ended(self, seg: Segment) -> Iterator[Heard]:
        self.stats["segments"] += 1
        finals = self._held + (self._transcript.flush() if self._transcript else [])
        grammar = self._held_grammar + (self._commands.flush() if self._commands else [])
        self._held, self._held_grammar = [], []
        released, self._released = self._released, False
        if self.whisper_only:
            # Whisper's text decides; it comes from the worker, in order. A segment short enough to
            # be a command is first scored against our phrases (cheap: voice.whisper_spot); its text
            # is decoded only when it is no command.
            assert self._worker is not None
            short = seg.length <= self.table.settings.max_seconds and not seg.cut and not seg.piece
            self._worker.submit(seg, bytes(seg.pcm), seg.audio_start, block=True,
                                phrases=self.table.phrases if short else ())
            if self.wait_for_whisper:
                yield from self._whisper_results(wait=True)
            return
        self._lines_sent = False
        if released or seg.piece:
            yield from self._lines(finals)
        else:
            yield from self._decide(seg, finals, grammar)
        if self._worker is not None and self._lines_sent:
            # Both engines: Whisper gives this segment's line its text a moment later. Live, a full
            # queue means the machine is behind: the line keeps Vosk's text.
            key = (seg, tuple((u.id, u.start, u.end) for u in finals if u.id))
            if not self._worker.submit(key, bytes(seg.pcm), seg.audio_start, block=self.wait_for_whisper):
                self.stats["whisper_dropped"] += 1
            elif self.wait_for_whisper:
                yield from self._whisper_results(wait=True)

    def _whisper_results(self, wait: bool) -> Iterator[Heard]:
        assert self._worker is not None
        for job, utt in self._worker.results(wait=wait):
            if isinstance(job.key, Segment) and job.phrases:
                yield from self._whisper_spotted(job.key, utt)
            elif isinstance(job.key, Segment):
                yield from self._whisper_decided(job.key, utt)
            elif utt is not None:
                # Each Vosk line of this segment gets Whisper's words of its own stretch, under its id.
                for line in split_by_lines(utt, job.key[1]):
                    self.stats["whisper_lines"] += 1
                    yield Heard(self._now, line)
            if wait:
                break

    def _whisper_decided(self, seg: Segment, utt: Optional[Utterance]) -> Iterator[Heard]:
        if utt is None:
            return
        if seg.piece:
            yield from self._lines([utt])
            return
        decision = self.spotter.judge(utt, segment=(seg.start, seg.end),
                                      min_confidence=self.table.settings.whisper_min_confidence)
        yield from self._conclude(seg, decision, [utt])

    def _whisper_spotted(self, seg: Segment, found: Optional[Spot]) -> Iterator[Heard]:
        """A short segment's phrases scored: a command now, or its text decoded after all."""
        assert self._worker is not None
        self.stats["scored"] += 1
        if found is None:
            return  # too quiet or too short to be speech
        decision = decide(found, self.spotter, (seg.start, seg.end if seg.end is not None else self._now))
        if decision.accepted:
            yield from self._conclude(seg, decision, [])
            return
        self.stats["rejected"] += 1
        self.rejected.append(decision)
        self._worker.submit(seg, bytes(seg.pcm), seg.audio_start, block=True)
        if self.wait_for_whisper:
            yield from self._whisper_results(wait=True)

    def _decide(self, seg: Segment, finals: list[Utterance], grammar: list[Utterance]) -> Iterator[Heard]:
        span = (seg.start, seg.end if seg.end is not None else self._now)
        words = [w for u in finals for w in u.words]
        if self.use_grammar:
            decisions = [self.spotter.judge(g, segment=span, transcript_words=words) for g in grammar]
        else:
            text = " ".join(u.text for u in finals)
            merged = Utterance(text, span[0], span[1], words=tuple(words)) if finals else None
            decisions = [self.spotter.judge(merged, segment=span)] if merged else []
        accepted = [d for d in decisions if d.accepted]
        decision = accepted[0] if accepted else (decisions[0] if decisions else None)
        if decision is None:
            yield from self._lines(finals)  # grammar mode heard no phrase at all
            return
        yield from self._conclude(seg, decision, finals)

    def _conclude(self, seg: Segment, decision: Decision, finals: list[Utterance]) -> Iterator[Heard]:
        if decision.accepted:
            # Where it was said is the voice-activity segment: a recognizer's word times right after
            # a stretch it was not fed can drift into the padding.
            decision = replace(decision, start=seg.start, end=seg.end if seg.end is not None else self._now)
        if decision.accepted and seg.cut:
            decision = replace(decision, accepted=False, reason="cut_by_cue")
        if decision.accepted:
            self.stats["commands"] += 1
            yield Heard(self._now, decision.command(), decision)
            return  # the command's words are not content: no line, no outcome
        self.stats["rejected"] += 1
        self.rejected.append(decision)
        log.debug("not a command (%s)", decision.reason)  # never the words: nothing said is logged
        yield from self._lines(finals)

    def _lines(self, finals: list[Utterance]) -> Iterator[Heard]:
        self._lines_sent = self._lines_sent or bool(finals)
        for u in finals:
            self.stats["finals"] += 1
            yield Heard(self._now, u)


def replay(path: Union[str, Path], model: Optional[SpeechModel] = None, *, realtime: bool = False,
           **listener_options) -> Listener:
    """A Listener over a recording, as fast as possible by default (the stream is the clock)."""
    return Listener(FileSource(path, realtime=realtime), model, **listener_options)


def listen_in_background(listener: Listener, put: Callable[[Heard], None],
                         name: str = "voice-listener") -> threading.Thread:
    """Run a Listener on its own thread, handing each Heard to `put` (e.g. a queue's put).

    A failure ends listening with a DeviceEvent("asr_failed", <sentence>) instead of an
    exception: the meeting goes on with buttons and keys.
    """

    def run() -> None:
        try:
            for heard in listener:
                put(heard)
        except VoiceError as err:
            put(Heard(listener._now, DeviceEvent("asr_failed", err.message)))
        except Exception as exc:  # never let audio trouble end the meeting
            log.exception("listener stopped")
            put(Heard(listener._now, DeviceEvent("asr_failed", f"Spraakherkenning gestopt: {exc}")))

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
