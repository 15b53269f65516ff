"""Wiring: connect a meeting to the room (cues out, microphone in) or to a recording.

This is the one place where the engine's service meets the voice adapters. Every
adapter failure becomes a DeviceEvent and a sentence on screen; the meeting goes on.
"""

from __future__ import annotations

import logging
import queue
import shutil
import threading
from pathlib import Path
from typing import Callable, Optional

from facilitator.events import Chime, DeviceEvent, Effect, Say

log = logging.getLogger(__name__)

MAX_LISTENER_RESTARTS = 5


class _SpeechQueue:
    """Speaks cues in order on its own thread, so rendering never holds up the meeting."""

    def __init__(self, speaker, on_failure: Callable[[str], None]):
        self.speaker = speaker
        self.on_failure = on_failure
        self._queue: "queue.Queue[Optional[tuple[str, Optional[str]]]]" = queue.Queue()
        self._chime: Optional[str] = None
        self._thread = threading.Thread(target=self._run, name="cue-speaker", daemon=True)
        self._thread.start()

    def effect(self, effect: Effect) -> None:
        if isinstance(effect, Chime):
            self._chime = effect.kind  # goes with the next cue
        elif isinstance(effect, Say):
            self._queue.put((effect.text, self._chime))
            self._chime = None

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            text, chime = item
            try:
                result = self.speaker.say(text, chime=chime)
                if not result.ok and result.error:
                    self.on_failure(result.error)
            except Exception as exc:  # speech must never take the meeting down
                log.exception("speaking a cue failed")
                self.on_failure(f"Spreken lukte niet ({exc}); de tekst staat op het scherm.")

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=2)
        self.speaker.close()


class VoiceRoom:
    """The room's voice: speaks the cues and listens, for the meeting that is running.

    `facilitator run` gives it one meeting; `facilitator serve` lets it follow whichever
    meeting speaks last (one laptop, one room). The model loads once. What cannot start
    becomes a notice on every screen, and the meeting goes on in manual mode.
    """

    def __init__(self, service, data_dir: Path, *, meeting_id: Optional[str] = None, model_path: Optional[str] = None,
                 device: Optional[str] = None, speak: bool = True, listen: bool = True, rate: int = 160,
                 volume: float = 1.0, commands_path: Optional[str] = None,
                 speaker_options: Optional[dict] = None):
        self.service = service
        # Extra Speaker arguments, e.g. {"sink": NullSink(), "renderer": Renderer(..., hook=...)} in tests.
        self.speaker_options = dict(speaker_options or {})
        self.commands_path = commands_path
        self.data_dir = Path(data_dir)
        self.meeting_id = meeting_id
        self.model_path = model_path
        self.device = device
        self.speak = speak
        self.listen = listen
        self.rate = rate
        self.volume = volume
        self.notices: list[str] = []
        self.model = None
        self._speech: Optional[_SpeechQueue] = None
        self._listener = None
        self._gate = None
        self._lock = threading.Lock()
        self._stopped = False
        self.restarts = 0
        from voice.gate import Gate

        self._gate = Gate()
        # Follow the meetings from now on, not from the end of start(): a meeting created and
        # started while speech and the model load would otherwise never get the microphone.
        self.service.on_effect(self._effect)

    def _clock(self) -> float:
        mid = self.meeting_id
        return self.service.now(mid) if mid else 0.0

    def start(self) -> list[str]:
        """Start what can start; return one sentence per part that could not."""
        if self.speak:
            try:
                from voice.speaker import Speaker

                speaker = Speaker(self.data_dir / "cache" / "cues", gate=self._gate, clock=self._clock, rate=self.rate,
                                  volume=self.volume, on_device_event=self._feed, **self.speaker_options)
                self._speech = _SpeechQueue(speaker, self._speech_failed)
            except Exception as exc:
                self._notice("speech", f"Spraak staat uit: {_sentence(exc)}")
        if self.listen:
            from voice.errors import VoiceError
            from voice.asr import load_model

            try:
                self.model = load_model(self.model_path)
            except VoiceError as err:
                self._notice("model", f"Geen spraakherkenning: {err.message}")
            if self.meeting_id:
                # A meeting that spoke while the model loaded got a listener without it: reopen.
                self.attach(self.meeting_id, reopen=True)
        return self.notices

    def attach(self, meeting_id: str, reopen: bool = False) -> None:
        """Listen for this meeting: its clock times the microphone's frames."""
        with self._lock:
            if self._stopped:
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
                self._notice("mic", f"Geen microfoon: {err.message}")
                return
            self._notice("mic", None)
            self._listener = Listener(mic, self.model, gate=self._gate, commands=command_table(self.commands_path))
            listen_in_background(self._listener, lambda heard, mid=meeting_id: self._heard(heard.event, mid))
            self.service.set_listening(meeting_id, self.model is not None)

    def _heard(self, event, meeting_id: str) -> None:
        self._feed(event, meeting_id)
        if isinstance(event, DeviceEvent) and event.kind == "asr_failed":
            # Supervision: the listener thread ended; start a new one after a pause, a few times.
            self.restarts += 1
            if self.restarts <= MAX_LISTENER_RESTARTS and not self._stopped:
                timer = threading.Timer(min(2.0 * self.restarts, 10.0), self._restart_listener, args=(meeting_id,))
                timer.daemon = True
                timer.start()

    def _restart_listener(self, meeting_id: str) -> None:
        if self._stopped or self.meeting_id != meeting_id:
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

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            except Exception:
                log.exception("closing the listener failed")
            self._listener = None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._close_listener()
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


class StreamClock:
    """The meeting clock of a replay: the recording's own stream time."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def command_table(path: Optional[str] = None):
    """The spoken command phrases: --commands FILE, $FACILITATOR_COMMANDS, or the built-in Dutch ones."""
    import os

    from voice.commands import CommandTable

    path = path or os.environ.get("FACILITATOR_COMMANDS")
    return CommandTable.load(path) if path else CommandTable.load()


def replay_recording(service, meeting_id: str, clock: StreamClock, path: Path, *, model_path: Optional[str] = None,
                     commands_path: Optional[str] = None, cues_dir: Optional[Path] = None,
                     data_dir: Optional[Path] = None, progress: Optional[Callable[[float], None]] = None) -> dict:
    """Drive a meeting from a recording, as fast as it decodes, on the recording's clock.

    With `cues_dir`, every cue is also written as a WAV file named by its stream time,
    so the replay can be listened to. Returns counts for the caller to report.
    """
    from voice.errors import VoiceError
    from voice.asr import load_model
    from voice.pipeline import replay

    notices: list[str] = []
    model = None
    try:
        model = load_model(model_path)
    except VoiceError as err:
        notices.append(f"Geen spraakherkenning: {err.message}")
    writer = _CueWriter(cues_dir, data_dir) if cues_dir else None
    if writer is not None:
        service.on_effect(lambda mid, eff: writer.effect(clock.t, eff) if mid == meeting_id else None)
    counts = {"events": 0, "commands": 0, "utterances": 0}
    if service.view(meeting_id)["status"] == "ready":
        service.command(meeting_id, "start", source="replay")
    from facilitator.events import Tick

    listener = replay(path, model, commands=command_table(commands_path), tick_every=0.25)
    for heard in listener:
        clock.t = max(clock.t, heard.at)
        service.tick()
        if isinstance(heard.event, Tick):
            if progress is not None:
                progress(clock.t)
            continue
        service.feed(meeting_id, heard.event)
        counts["events"] += 1
        kind = type(heard.event).__name__
        if kind == "Command":
            counts["commands"] += 1
        elif kind == "Utterance" and heard.event.final:
            counts["utterances"] += 1
        if progress is not None:
            progress(clock.t)
    service.tick()
    if writer is not None:
        counts["cues"] = writer.count
        writer.close()
    counts["seconds"] = clock.t
    counts["notices"] = notices
    return counts


class _CueWriter:
    """Renders each cue to WAV at its stream time (for listening to a replay)."""

    def __init__(self, cues_dir: Path, data_dir: Optional[Path]):
        from voice.tts import Renderer

        self.dir = Path(cues_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        cache = (data_dir or self.dir) / "cache" / "cues"
        self.renderer = Renderer(cache)
        self.count = 0

    def effect(self, t: float, effect: Effect) -> None:
        if not isinstance(effect, Say):
            return
        rendered = self.renderer.render(effect.text)
        self.count += 1
        if rendered.ok:
            name = f"{self.count:04d}_{t:09.2f}s_{effect.kind}.wav"
            shutil.copyfile(rendered.path, self.dir / name)

    def close(self) -> None:
        self.renderer.close()
