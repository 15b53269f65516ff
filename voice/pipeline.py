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

from facilitator.events import Command, DeviceEvent, SpeechActivity, Tick, Utterance, Word
from voice.asr import CommandRecognizer, SpeechModel, TranscriptRecognizer
from voice.audio import AudioFrame, FileSource
from voice.commands import CommandSpotter, CommandTable, Decision, default_table
from voice.errors import VoiceError
from voice.gate import Gate
from voice.vad import VoiceActivity

log = logging.getLogger(__name__)

VoiceEvent = Union[SpeechActivity, Utterance, Command, DeviceEvent]


@dataclass(frozen=True)
class Heard:
    """One event from the Listener, with the stream time at which it became known."""

    at: float
    event: VoiceEvent
    decision: Optional[Decision] = None  # for commands: phrase, spoken span, confidence


@dataclass
class _Pending:
    hit: Utterance        # grammar-mode (or transcript) result naming a phrase
    seen_at: float


class Listener:
    """Feeds frames to voice activity and both recognizers; confirms commands; honours the gate.

    `source` is any iterable of AudioFrame (and DeviceEvent): MicSource, FileSource, or
    frames from a test. `model=None` runs voice activity only.
    """

    def __init__(
        self,
        source: Iterable[Union[AudioFrame, DeviceEvent]],
        model: Optional[SpeechModel] = None,
        *,
        commands: Optional[CommandTable] = None,
        gate: Optional[Gate] = None,
        vad: Optional[VoiceActivity] = None,
        partials: bool = True,
        use_grammar: Optional[bool] = None,
        tick_every: Optional[float] = None,
    ):
        self.source = source
        self.model = model
        self.table = commands or default_table()
        self.spotter = CommandSpotter(self.table)
        self.gate = gate
        self.vad = vad or VoiceActivity()
        self.partials = partials
        self.use_grammar = (model.grammar if model else False) if use_grammar is None else use_grammar
        self.rejected: deque[Decision] = deque(maxlen=100)  # recent non-commands, for diagnosis
        self.stats = {"frames": 0, "gated_frames": 0, "commands": 0, "rejected": 0, "finals": 0,
                      "early": 0, "early_confirmed": 0, "early_unconfirmed": 0}
        self._stopped = threading.Event()
        self._pending: list[_Pending] = []
        self._fired: dict[float, str] = {}  # speech segment start -> command kind already sent for it
        # Speech segments a cue cut into: what is left of a sentence can look like a short command.
        self._cut: set[float] = set()
        self._reopened_at: Optional[float] = None
        self._recent_words: deque[Word] = deque(maxlen=200)
        self._partial_words: tuple[Word, ...] = ()
        self._gated = False
        self._now = 0.0
        # A replay's only clock is the stream: Ticks through quiet stretches let time-driven
        # cues (warnings, the end of a silence) fall at their own stream time.
        self.tick_every = tick_every
        self._last_tick = 0.0

    def close(self) -> None:
        self._stopped.set()
        closer = getattr(self.source, "close", None)
        if callable(closer):
            closer()

    # -- the loop ----------------------------------------------------------------

    def __iter__(self) -> Iterator[Heard]:
        # Both recognizers live on the thread that iterates: Vosk recognizers must stay on one
        # thread, and the command grammar costs ~1/8 of the transcript, so a second thread
        # would save little and cost a thread hand-off per frame (ruinous when a virtual
        # device floods the GIL with callbacks).
        self._transcript = self._commands = None
        if self.model is not None:
            self._transcript = TranscriptRecognizer(self.model, partials=self.partials)
            if self.use_grammar:
                try:
                    self._commands = CommandRecognizer(self.model, self.table.phrases)
                except VoiceError as err:
                    log.warning("%s", err.message)
                    self.use_grammar = False  # so transcript finals are spotted for commands instead
        try:
            for item in self.source:
                if self._stopped.is_set():
                    break
                if isinstance(item, DeviceEvent):
                    if item.kind == "mic_lost":
                        yield from self._flush()
                    yield Heard(self._now, item)
                    continue
                yield from self._frame(item)
            yield from self._flush()
        finally:
            src_stats = getattr(self.source, "stats", None)
            if isinstance(src_stats, dict):
                self.stats.update(src_stats)

    def _frame(self, frame: AudioFrame) -> Iterator[Heard]:
        self.stats["frames"] += 1
        self._now = max(self._now, frame.end)
        if self.tick_every is not None and self._now - self._last_tick >= self.tick_every:
            self._last_tick = self._now
            yield Heard(self._now, Tick())
        if self.gate is not None and not self.gate.is_open(frame.start, frame.end):
            self.stats["gated_frames"] += 1
            if not self._gated:
                self._gated = True
                if self.vad.speaking and self.vad.segment_start is not None:
                    self._cut.add(self.vad.segment_start)
                # End what was being said before the cue, so nothing heard later is glued onto it.
                yield from self._flush()
            return
        if self._gated:
            self._reopened_at = frame.start
        self._gated = False
        activities = self.vad.process(frame)
        for activity in activities:
            if activity.speaking and self._reopened_at is not None and activity.at - self._reopened_at < 0.1:
                self._cut.add(activity.at)  # already talking when the cue ended
            yield Heard(self._now, activity)
        transcript = self._transcript.accept(frame) if self._transcript else []
        grammar = self._commands.accept(frame) if self._commands else []
        yield from self._results(transcript, grammar)
        if self.table.settings.act_on_partials and any(not a.speaking for a in activities):
            yield from self._early()

    def _early(self) -> Iterator[Heard]:
        """The speaker just stopped: if the decoder's partial is exactly a command, act now."""
        seg = self.vad.segments[-1] if self.vad.segments else None
        if seg is None or seg[0] in self._fired or seg[0] in self._cut or (
                self._commands is None and self._transcript is None):
            return
        text = self._commands.partial_text() if self._commands else self._transcript.partial_text()
        if not text:
            return
        decision = self.spotter.judge(text, segment=seg,
                                      transcript_words=self._words_in(seg) if self._commands else None)
        if decision.accepted:
            decision = replace(decision, start=seg[0], end=seg[1])
            self._remember(seg[0], decision.kind)
            self.stats["commands"] += 1
            self.stats["early"] += 1
            yield Heard(self._now, decision.command(), decision)

    def _flush(self) -> Iterator[Heard]:
        for activity in self.vad.flush():
            yield Heard(self._now, activity)
        t = self._transcript.flush() if self._transcript else []
        c = self._commands.flush() if self._commands else []
        yield from self._results(t, c, final_check=True)

    def _results(self, transcript: list[Utterance], grammar: list[Utterance], final_check: bool = False
                 ) -> Iterator[Heard]:
        for u in transcript:
            if u.final:
                self.stats["finals"] += 1
                self._recent_words.extend(u.words)
                self._partial_words = ()
                if not self.use_grammar:
                    self._pending.append(_Pending(u, self._now))  # no grammar: commands from the transcript
            else:
                self._partial_words = u.words
            yield Heard(self._now, u)
        for g in grammar:
            self._pending.append(_Pending(g, self._now))
        yield from self._decide(force=final_check)

    def _decide(self, force: bool) -> Iterator[Heard]:
        settings = self.table.settings
        still: list[_Pending] = []
        for p in self._pending:
            seg = self.vad.segment_around(p.hit.start, p.hit.end)
            if seg is not None and seg[1] is None and not force:
                # The speaker is still talking: wait for the end, unless that already makes it a sentence.
                if self._now - seg[0] <= settings.max_seconds + settings.segment_slack:
                    still.append(p)
                    continue
                seg = (seg[0], self._now)
            if seg is not None and seg[1] is None:
                seg = (seg[0], self._now)
            if seg is not None and seg[0] in self._fired:
                # Already acted on from the partial: the final only confirms (or, rarely, contradicts).
                confirmed = self.spotter.judge(p.hit, segment=seg).kind == self._fired[seg[0]]
                self.stats["early_confirmed" if confirmed else "early_unconfirmed"] += 1
                if not confirmed:
                    log.warning("spoken command %s acted on early was not confirmed by the final result", self._fired[seg[0]])
                continue
            decision = self.spotter.judge(
                p.hit,
                segment=seg,
                transcript_words=self._words_in(seg or (p.hit.start, p.hit.end)) if self.use_grammar else None,
            )
            if decision.accepted and seg is not None and seg[0] in self._cut:
                decision = replace(decision, accepted=False, reason="cut_by_cue")
            if decision.accepted:
                if seg is not None:
                    self._remember(seg[0], decision.kind)
                self.stats["commands"] += 1
                yield Heard(self._now, decision.command(), decision)
            else:
                self.stats["rejected"] += 1
                self.rejected.append(decision)
                log.debug("not a command (%s)", decision.reason)  # never the words: nothing said is logged
        self._pending = still

    def _remember(self, segment_start: float, kind: str) -> None:
        self._fired[segment_start] = kind
        if len(self._fired) > 100:  # a meeting has thousands of segments; only recent ones matter
            for key in sorted(self._fired)[:50]:
                del self._fired[key]
            self._cut = {t for t in self._cut if t >= segment_start - 600}

    def _words_in(self, span: tuple[float, float]) -> list[Word]:
        lo, hi = span[0] - 0.2, span[1] + 0.2
        words = list(self._recent_words) + list(self._partial_words)
        return [w for w in words if w.end > lo and w.start < hi]


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
