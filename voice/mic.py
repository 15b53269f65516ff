"""Microphone input through PortAudio: frames with stream time, a watchdog, reconnects."""

from __future__ import annotations

import logging
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Callable, Iterator, Optional, Union

from facilitator.events import DeviceEvent
from voice.audio import FRAME_SECONDS, SAMPLE_RATE, SAMPLE_WIDTH, AudioFrame
from voice.errors import VoiceError

log = logging.getLogger(__name__)

Device = Union[int, str, None]


# A child process that does what `import sounddevice` does here: load PortAudio and scan devices.
_PROBE = "import sounddevice"
_probed: Optional[str] = None  # "ok", "aborted", or None: not probed (or no verdict)


def _probe_portaudio(timeout: float = 30.0) -> None:
    """Load PortAudio in a child first: some ALSA setups (an empty or broken ALSA_CONFIG_PATH)
    make it abort the whole process during its device scan, which no `except` can catch; in a
    child that is an exit code, and here a sentence. Once per process."""
    global _probed
    if _probed is None and "sounddevice" not in sys.modules:
        try:
            done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, timeout=timeout)
            # Killed by a signal (SIGABRT from an ALSA assertion) or not: a verdict for this process.
            _probed = "aborted" if done.returncode < 0 else "ok"
        except (OSError, subprocess.TimeoutExpired):
            pass  # no verdict (a very busy machine): load it here as before
    if _probed == "aborted":
        raise VoiceError(
            "portaudio_aborted",
            "De geluidsinstellingen van deze computer laten PortAudio vastlopen: controleer "
            "ALSA_CONFIG_PATH en ~/.asoundrc (of zet ze terug); zonder geluid werkt de vergadering "
            "met knoppen en toetsen.",
        )


def import_sounddevice():
    """sounddevice, imported only when audio hardware is really wanted.

    Importing it loads PortAudio and scans the devices once; a missing library
    surfaces as OSError, which we turn into a sentence a person can act on.
    """
    _probe_portaudio()
    try:
        import sounddevice
    except OSError as exc:
        raise VoiceError(
            "portaudio_missing",
            "De geluidsbibliotheek PortAudio ontbreekt: installeer libportaudio2 "
            "(sudo apt install libportaudio2) en start de facilitator opnieuw.",
        ) from exc
    return sounddevice


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float
    hostapi: str
    default_input: bool = False
    default_output: bool = False


def list_devices() -> list[DeviceInfo]:
    sd = import_sounddevice()
    apis = sd.query_hostapis()
    default_in, default_out = _defaults(sd)
    out = []
    for d in sd.query_devices():
        out.append(DeviceInfo(
            index=d["index"], name=d["name"], inputs=d["max_input_channels"],
            outputs=d["max_output_channels"], default_rate=d["default_samplerate"],
            hostapi=apis[d["hostapi"]]["name"],
            default_input=d["index"] == default_in, default_output=d["index"] == default_out,
        ))
    return out


def _defaults(sd) -> tuple[int, int]:
    try:
        din, dout = sd.default.device
    except Exception:
        return -1, -1
    return (din if din is not None else -1), (dout if dout is not None else -1)


def resolve_input_device(device: Device = None) -> DeviceInfo:
    """The input device meant by an index, a (part of a) name, or None for the default."""
    devices = list_devices()
    inputs = [d for d in devices if d.inputs > 0]
    if not inputs:
        raise VoiceError(
            "no_input_device",
            "Er is geen microfoon gevonden: sluit er een aan en controleer met `facilitator devices`; "
            "de vergadering kan ook zonder spraak, met knoppen en toetsen.",
        )
    if device is None:
        return next((d for d in inputs if d.default_input), inputs[0])
    if isinstance(device, int) or (isinstance(device, str) and device.strip().isdigit()):
        index = int(device)
        for d in inputs:
            if d.index == index:
                return d
    else:
        wanted = device.strip().lower()
        exact = [d for d in inputs if d.name.lower() == wanted]
        partial = [d for d in inputs if wanted in d.name.lower()]
        if exact or partial:
            return (exact or partial)[0]
    names = ", ".join(f"{d.index}: {d.name}" for d in inputs)
    raise VoiceError(
        "device_not_found",
        f"Microfoon {device!r} is niet gevonden; kies een van deze ingangen: {names}.",
    )


class MicSource:
    """Frames from a microphone, plus DeviceEvents when it is lost and when it is back.

    Iterate it: items are AudioFrame or DeviceEvent. Stream time is the meeting clock
    (`clock`, monotonic by default) at the moment the stream started, plus the samples
    counted since; so live events line up with the engine's clock.

    The PortAudio callback only copies into a bounded queue and never blocks: when the
    recogniser falls behind, the newest blocks are dropped and counted (`dropped_frames`).
    Each block carries its position in the stream, counted in the callback, so a dropped
    block leaves a gap in stream time instead of pulling later frames earlier (which would
    put speech said after a cue under the cue's closed gate).
    """

    def __init__(
        self,
        device: Device = None,
        *,
        # ~30 s of backlog before dropping: on a busy laptop recognition falls behind for seconds and
        # catches up while cues play (gated frames cost nothing); a lost block is lost speech.
        queue_frames: int = 1000,
        lost_after: float = 2.0,      # silence from the driver (not from the room) for this long = lost
        retry_every: float = 1.0,
        start_timeout: float = 5.0,   # a freshly opened stream may take this long to deliver (PulseAudio ~2 s)
        frame_seconds: float = FRAME_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.device = device
        self.lost_after = lost_after
        self.retry_every = retry_every
        self.start_timeout = max(start_timeout, lost_after)
        self._closer: Optional[threading.Thread] = None
        self.frame_samples = int(SAMPLE_RATE * frame_seconds)
        self._clock = clock
        self._queue: queue.Queue[tuple[int, bytes, float]] = queue.Queue(maxsize=queue_frames)
        self._captured = 0           # samples the open stream delivered, dropped ones included
        self._stop = threading.Event()
        self._stream = None
        self.dropped_frames = 0     # blocks we dropped because the queue was full
        self.driver_overflows = 0   # blocks PortAudio itself reported as overflowed
        self.reconnects = 0
        self.lag = 0.0              # s the newest frame handed on was behind the clock (recognition behind)
        self.max_lag = 0.0
        self.info: Optional[DeviceInfo] = None
        # Resolve now so a missing PortAudio or microphone fails here, with its sentence.
        self.info = resolve_input_device(device)

    # -- PortAudio side (its own thread) ---------------------------------------

    def _callback(self, indata, frames, time_info, status) -> None:
        if status and status.input_overflow:
            self.driver_overflows += 1
        position, self._captured = self._captured, self._captured + frames
        try:
            # When it arrived, on the monotonic clock (no lock): how long it then waits is the lag.
            self._queue.put_nowait((position, bytes(indata), time.monotonic()))
        except queue.Full:
            self.dropped_frames += 1

    def _open(self) -> None:
        sd = import_sounddevice()
        assert self.info is not None
        stream = sd.RawInputStream(
            samplerate=SAMPLE_RATE, channels=1, dtype="int16", blocksize=self.frame_samples,
            device=self.info.index, callback=self._callback,
        )
        self._captured = 0
        stream.start()
        self._stream = stream

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        # A wedged driver can block in close; never let that stop the meeting loop.
        closer = threading.Thread(target=_quiet_close, args=(stream,), daemon=True)
        closer.start()
        closer.join(timeout=1.0)
        self._closer = closer

    def _reopen(self) -> bool:
        sd = import_sounddevice()
        try:
            # PortAudio lists devices once; a re-plugged USB microphone needs a rescan. Not while an
            # old stream is still closing: Pa_Terminate would wait for it, forever if it is wedged.
            if self._closer is None or not self._closer.is_alive():
                sd._terminate()
                sd._initialize()
            self.info = resolve_input_device(self.device)
            self._open()
            return True
        except Exception as exc:  # any failure here just means "not back yet"
            log.debug("microphone not back yet: %s", exc)
            return False

    # -- consumer side -----------------------------------------------------------

    def close(self) -> None:
        self._stop.set()

    @property
    def stats(self) -> dict:
        return {"dropped_frames": self.dropped_frames, "driver_overflows": self.driver_overflows,
                "reconnects": self.reconnects, "lag": round(self.lag, 2), "max_lag": round(self.max_lag, 2),
                "backlog": self._queue.qsize()}

    def _wait_block(self, timeout: float) -> Optional[tuple[int, bytes, float]]:
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                return self._queue.get(timeout=min(left, 0.1))
            except queue.Empty:
                continue
        return None

    def __iter__(self) -> Iterator[Union[AudioFrame, DeviceEvent]]:
        try:
            self._open()
        except VoiceError:
            raise
        except Exception as exc:
            raise VoiceError("device_failed", f"De microfoon {self.info.name if self.info else ''} kon niet "
                             f"worden geopend ({exc}); controleer met `facilitator doctor`.") from exc
        anchor: Optional[float] = None
        samples = 0   # where the last frame ended, in samples of the open stream
        reported_drops = 0
        next_report = 0.0
        try:
            while not self._stop.is_set():
                item = self._wait_block(self.lost_after if anchor is not None else self.start_timeout)
                if item is None:
                    if self._stop.is_set():
                        break
                    yield DeviceEvent("mic_lost", f"geen geluid van de microfoon sinds {self.lost_after:g} s")
                    self._close_stream()
                    item = self._reconnect()
                    if item is None:
                        break
                    self.reconnects += 1
                    # Re-anchor below: the gap really passed on the meeting clock.
                    position, block, _ = item
                    last_end = anchor + samples / SAMPLE_RATE if anchor is not None else float("-inf")
                    anchor = max(self._clock() - (position + len(block) // SAMPLE_WIDTH) / SAMPLE_RATE, last_end)
                    yield DeviceEvent("mic_restored", self.info.name if self.info else "")
                position, block, arrived = item
                if anchor is None:
                    # Stream time starts when sound starts arriving, not when the stream was asked for.
                    anchor = self._clock() - (position + len(block) // SAMPLE_WIDTH) / SAMPLE_RATE
                frame = AudioFrame(block, anchor + position / SAMPLE_RATE)
                self.lag = time.monotonic() - arrived
                self.max_lag = max(self.max_lag, self.lag)
                yield frame
                samples = position + len(block) // SAMPLE_WIDTH
                if self.lag > 3.0 and time.monotonic() >= next_report:
                    log.warning("recognition is %.1f s behind the microphone (%d blocks waiting)", self.lag,
                                self._queue.qsize())
                    next_report = time.monotonic() + 10.0
                if self.dropped_frames > reported_drops and time.monotonic() >= next_report:
                    # Once, then at most every 10 s: a flood of warnings would make falling behind worse.
                    log.warning("recognition falls behind the microphone: %d blocks dropped so far",
                                self.dropped_frames)
                    reported_drops = self.dropped_frames
                    next_report = time.monotonic() + 10.0
        finally:
            self._close_stream()

    def _reconnect(self) -> Optional[tuple[int, bytes, float]]:
        """Reopen until a new block arrives (returned) or we are closed (None)."""
        while not self._stop.is_set():
            # Drain stale blocks so "restored" means new audio arrived.
            while not self._queue.empty():
                self._queue.get_nowait()
            if self._reopen():
                block = self._wait_block(self.start_timeout)
                if block is not None:
                    return block
                self._close_stream()
            if self._stop.wait(self.retry_every):
                return None
        return None


def _quiet_close(stream) -> None:
    try:
        stream.stop()
        stream.close()
    except Exception:
        pass
