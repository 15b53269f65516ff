"""Wiring: connect a meeting to the room: cues out, microphone in, with the voice room's life as a state.

This is the one place where the engine's service meets the voice adapters. Every
adapter failure becomes a DeviceEvent and a sentence on screen; the meeting goes on.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from enum import Enum
from pathlib import Path
from typing import Callable, Optional

from facilitator.events import Chime, DeviceEvent, Effect, Say
from facilitator.feeder import Feeder
from facilitator.notices import notice as notice_text

log = logging.getLogger(__name__)

MAX_LISTENER_RESTARTS = 5


class _SpeechQueue:
    """Speaks cues in order on its own thread, so rendering never holds up the meeting.

    Cues wait here until the speaker is ready (the room may still be starting), and a cue that
    is no longer true is dropped before it is spoken: a new step's instruction drops every cue
    still waiting, a new turn call drops the turn calls still waiting. The microphone is shut
    while the facilitator speaks, so stale cues would leave the room unheard for their length.
    """

    def __init__(self, on_failure: Callable[[str], None]):
        self.speaker = None
        self.on_failure = on_failure
        self._pending: deque[tuple[str, str, Optional[str]]] = deque()
        self._ready = threading.Condition()
        self._closed = False
        self._chime: Optional[str] = None
        self.dropped = 0
        self._thread = threading.Thread(target=self._run, name="cue-speaker", daemon=True)
        self._thread.start()

    def attach(self, speaker) -> None:
        with self._ready:
            self.speaker = speaker
            self._ready.notify_all()

    def effect(self, effect: Effect) -> None:
        if isinstance(effect, Chime):
            self._chime = effect.kind  # goes with the next cue
        elif isinstance(effect, Say):
            with self._ready:
                if effect.kind == "instruction":
                    stale = len(self._pending)
                    self._pending.clear()
                else:
                    before = len(self._pending)
                    if effect.kind == "turn":
                        self._pending = deque(c for c in self._pending if c[1] != "turn")
                    stale = before - len(self._pending)
                self.dropped += stale
                self._pending.append((effect.text, effect.kind, self._chime))
                self._chime = None
                self._ready.notify_all()

    def _next(self) -> Optional[tuple[str, str, Optional[str]]]:
        with self._ready:
            while not self._closed and (self.speaker is None or not self._pending):
                self._ready.wait()
            return None if self._closed else self._pending.popleft()

    def _run(self) -> None:
        while True:
            item = self._next()
            if item is None:
                return
            text, _kind, chime = item
            try:
                result = self.speaker.say(text, chime=chime)
                # A failed render the speaker reports itself (once, as speech_failed); not twice.
                if not result.ok and result.code == "playback_failed" and result.error:
                    self.on_failure(result.error)
            except Exception as exc:  # speech must never take the meeting down
                log.exception("speaking a cue failed")
                self.on_failure(f"Spreken lukte niet ({exc}); de tekst staat op het scherm.")

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()
        self._thread.join(timeout=2)
        if self.speaker is not None:
            self.speaker.close()


class VoiceState(str, Enum):
    """Where the room's voice is in its life. Screens show manual mode unless it is listening."""

    STARTING = "starting"      # speech and the model are loading
    LISTENING = "listening"    # a microphone and a recogniser hear the room
    MANUAL = "manual"          # running, but nothing is heard: no microphone or model (buttons and keys)
    RESTARTING = "restarting"  # the listener died; a new one starts after a pause
    STOPPED = "stopped"


_MOVES = {
    VoiceState.STARTING: {VoiceState.LISTENING, VoiceState.MANUAL, VoiceState.RESTARTING, VoiceState.STOPPED},
    VoiceState.LISTENING: {VoiceState.LISTENING, VoiceState.MANUAL, VoiceState.RESTARTING, VoiceState.STOPPED},
    VoiceState.MANUAL: {VoiceState.LISTENING, VoiceState.MANUAL, VoiceState.RESTARTING, VoiceState.STOPPED},
    VoiceState.RESTARTING: {VoiceState.LISTENING, VoiceState.MANUAL, VoiceState.RESTARTING, VoiceState.STOPPED},
    VoiceState.STOPPED: set(),
}


class VoiceRoom:
    """The room's voice: speaks the cues and listens, for the meeting that is running.

    `facilitator run` gives it one meeting; `facilitator serve` lets it follow whichever
    meeting speaks last (one laptop, one room). The model loads once. What cannot start
    becomes a notice on every screen, and the meeting goes on in manual mode. Its life is
    an explicit VoiceState; `history` keeps the states it went through.
    """

    def __init__(self, service, data_dir: Path, *, meeting_id: Optional[str] = None, model_path: Optional[str] = None,
                 device: Optional[str] = None, speak: bool = True, listen: bool = True, rate: int = 160,
                 volume: float = 1.0, commands_path: Optional[str] = None,
                 speaker_options: Optional[dict] = None, voice_engine: str = "auto", voice_name: Optional[str] = None,
                 engine: str = "auto"):
        from voice.gate import Gate

        self.service = service
        self.voice_engine = voice_engine  # auto | piper | espeak (voice.piper_voices.resolve_voice)
        self.voice_name = voice_name
        # Extra Speaker arguments, e.g. {"sink": NullSink(), "renderer": Renderer(..., hook=...)} in tests.
        self.speaker_options = dict(speaker_options or {})
        self.commands_path = commands_path
        self.data_dir = Path(data_dir)
        self.meeting_id = meeting_id
        self.model_path = model_path
        self.engine = engine
        self.whisper = None
        self.device = device
        self.speak = speak
        self.listen = listen
        self.rate = rate
        self.volume = volume
        self.notices: list[str] = []
        self.model = None
        self._listener = None
        self._listening: Optional[threading.Thread] = None  # the listener's thread
        self._feeder: Optional[Feeder] = None  # hands what it heard to the meeting, so it never waits
        self._gate = Gate()
        self._lock = threading.RLock()
        self.state = VoiceState.STARTING
        self.history: list[VoiceState] = [self.state]
        self.restarts = 0
        # Cues wait in the queue while speech starts: a meeting started meanwhile is still announced.
        self._speech: Optional[_SpeechQueue] = _SpeechQueue(self._speech_failed) if speak else None
        # Follow the meetings from now on, not from the end of start(): a meeting created and
        # started while speech and the model load would otherwise never get the microphone.
        self.service.on_effect(self._effect)

    def _enter(self, state: VoiceState) -> bool:
        with self._lock:
            if state not in _MOVES[self.state]:
                return False
            if state is not self.state:
                log.info("voice: %s -> %s", self.state.value, state.value)
                self.history.append(state)
            self.state = state
            return True

    def _clock(self) -> float:
        mid = self.meeting_id
        return self.service.now(mid) if mid else 0.0

    def start(self) -> list[str]:
        """Start what can start; return one sentence per part that could not."""
        if self._speech is not None:
            try:
                from voice.speaker import Speaker
                from voice.tts import renderer_for

                options = dict(self.speaker_options)
                if "renderer" not in options:
                    options["renderer"] = renderer_for(self.data_dir / "cache" / "cues", self.voice_engine,
                                                       self.voice_name, rate=self.rate, volume=self.volume,
                                                       on_notice=lambda s: self._notice("tts", notice_text("voice_fallback", s)))
                self._speech.attach(Speaker(self.data_dir / "cache" / "cues", gate=self._gate, clock=self._clock,
                                            rate=self.rate, volume=self.volume, on_device_event=self._feed,
                                            **options))
            except Exception as exc:
                self._speech.close()
                self._speech = None
                self._notice("speech", notice_text("speech_off", _sentence(exc)))
        if self.listen:
            from voice.errors import VoiceError
            from voice.transcribe import load_engines

            try:
                engines = load_engines(self.engine, self.model_path)
                self.model, self.whisper = engines.vosk, engines.whisper
            except VoiceError as err:
                self._notice("model", notice_text("asr_missing", err.message))
        with self._lock:
            if self.state is not VoiceState.STARTING:
                return self.notices  # stopped meanwhile
            self.state = VoiceState.MANUAL  # attach() below moves on to listening if it can
            self.history.append(self.state)
        if self.meeting_id:
            # A meeting that spoke while the model loaded got a listener without it: reopen.
            self.attach(self.meeting_id, reopen=True)
        return self.notices

    def attach(self, meeting_id: str, reopen: bool = False) -> None:
        """Listen for this meeting: its clock times the microphone's frames."""
        with self._lock:
            if self.state is VoiceState.STOPPED:
                return
            if self._listener is not None and self.meeting_id == meeting_id and not reopen:
                return
            previous = self.meeting_id
            self._close_listener()
            if previous and previous != meeting_id:
                self.service.set_listening(previous, False)
            self.meeting_id = meeting_id
            if not self.listen:
                return
            from voice.errors import VoiceError
            from voice.mic import MicSource
            from voice.pipeline import Listener, listen_in_background

            try:
                mic = MicSource(_device(self.device), clock=self._clock)
            except VoiceError as err:
                self._notice("mic", notice_text("mic_missing", err.message))
                if self.state is not VoiceState.STARTING:
                    self._enter(VoiceState.MANUAL)
                return
            self._notice("mic", None)
            self._listener = Listener(mic, self.model, whisper=self.whisper, gate=self._gate,
                                      commands=command_table(self.commands_path))
            if self._feeder is None:
                self._feeder = Feeder(self._heard)
            self._listening = listen_in_background(
                self._listener, lambda heard, mid=meeting_id, feeder=self._feeder: feeder.put(heard.event, mid))
            heard = self.model is not None or self.whisper is not None
            if self.state is not VoiceState.STARTING:  # while starting, the model is not there yet
                self._enter(VoiceState.LISTENING if heard else VoiceState.MANUAL)
            self.service.set_listening(meeting_id, heard)

    def _heard(self, event, meeting_id: str) -> None:
        self._feed(event, meeting_id)
        if isinstance(event, DeviceEvent) and event.kind == "asr_failed":
            # Supervision: the listener thread ended; start a new one after a pause, a few times.
            with self._lock:
                self.restarts += 1
                again = self.restarts <= MAX_LISTENER_RESTARTS and self._enter(VoiceState.RESTARTING)
                if not again:
                    self._enter(VoiceState.MANUAL)  # the notice stays: buttons and keys from here on
            self.service.set_listening(meeting_id, False)
            if not again:
                return
            timer = threading.Timer(min(2.0 * self.restarts, 10.0), self._restart_listener, args=(meeting_id,))
            timer.daemon = True
            timer.start()

    def _restart_listener(self, meeting_id: str) -> None:
        if self.state is not VoiceState.RESTARTING or self.meeting_id != meeting_id:
            return
        self.attach(meeting_id, reopen=True)
        if self._listener is not None:
            self._feed(DeviceEvent("asr_restored"), meeting_id)

    def _effect(self, meeting_id: str, effect: Effect) -> None:
        if not isinstance(effect, (Say, Chime)):
            return
        if meeting_id != self.meeting_id:
            if self.meeting_id is not None and self._listener is not None and self._is_running(self.meeting_id):
                return  # another meeting has the room; this one is shown on screen only
            # Attaching opens the microphone: not on the thread that holds the meeting's lock.
            threading.Thread(target=self.attach, args=(meeting_id,), daemon=True).start()
            self.meeting_id = meeting_id
        if self._speech is not None:
            self._speech.effect(effect)

    def _is_running(self, meeting_id: str) -> bool:
        try:
            return self.service.state(meeting_id).status in ("running", "paused")
        except Exception:
            return False

    def _feed(self, event, meeting_id: Optional[str] = None) -> None:
        mid = meeting_id or self.meeting_id
        if mid is None:
            return
        try:
            self.service.feed(mid, event)
        except Exception:
            log.exception("feeding an event failed")

    def _speech_failed(self, sentence: str) -> None:
        self._feed(DeviceEvent("speech_failed", sentence))

    def _notice(self, key: str, sentence: Optional[str]) -> None:
        if sentence:
            self.notices.append(sentence)
        self.service.set_notice(f"voice-{key}", sentence)

    def report(self) -> dict:
        """What the room heard, as counts and reasons (never words: nothing said is logged)."""
        listener = self._listener
        stats = dict(listener.stats) if listener is not None else {}
        source_stats = getattr(getattr(listener, "source", None), "stats", None)
        if isinstance(source_stats, dict):
            stats.update(source_stats)  # what the microphone lost so far (dropped blocks, overflows)
        reasons: dict[str, int] = {}
        for decision in list(listener.rejected) if listener is not None else []:
            reasons[decision.reason] = reasons.get(decision.reason, 0) + 1
        return {"state": self.state.value, "history": [s.value for s in self.history], "restarts": self.restarts,
                "listener": stats, "rejected": reasons,
                "cues_dropped": self._speech.dropped if self._speech is not None else 0}

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:
                log.exception("closing the listener failed")
            self._listener = None

    def stop(self) -> None:
        with self._lock:
            report = self.report()
            self._enter(VoiceState.STOPPED)
            self._close_listener()
            thread, self._listening = self._listening, None
        if thread is not None and thread is not threading.current_thread():
            # Let it close the microphone's stream now: a stream still open when the process exits
            # makes PortAudio's exit handler wait for a callback that needs the interpreter (a hang).
            thread.join(timeout=3.0)
        if self._feeder is not None:
            self._feeder.close()  # what was heard up to the end still reaches the meeting
        log.info("voice room stopped: %s", report)
        if self.meeting_id:
            self.service.set_listening(self.meeting_id, False)
        if self._speech is not None:
            self._speech.close()


def _device(device: Optional[str]):
    if device is None:
        return None
    return int(device) if str(device).isdigit() else device


def _sentence(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def command_table(path: Optional[str] = None):
    """The spoken command phrases: --commands FILE, $FACILITATOR_COMMANDS, or the built-in Dutch ones."""
    import os

    from voice.commands import CommandTable

    path = path or os.environ.get("FACILITATOR_COMMANDS")
    return CommandTable.load(path) if path else CommandTable.load()
