"""Render Dutch cues to cached WAV files through a supervised speech worker process."""

from __future__ import annotations

import hashlib
import importlib
import itertools
import logging
import multiprocessing as mp
import os
import queue
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from voice.errors import VoiceError
from voice.tts_text import speakable

log = logging.getLogger(__name__)

# spawn, not fork: the parent runs Vosk and PortAudio threads, which a fork would copy half-alive.
_MP = mp.get_context("spawn")


@dataclass(frozen=True)
class Rendered:
    """The outcome of one render: a WAV path, or a Dutch sentence saying what went wrong."""

    text: str
    path: Optional[Path]
    cached: bool = False
    seconds: float = 0.0
    error: Optional[VoiceError] = None

    @property
    def ok(self) -> bool:
        return self.path is not None


def wav_ok(path: Path) -> bool:
    """A complete, non-empty WAV (a render cut off halfway fails this)."""
    try:
        with wave.open(str(path), "rb") as w:
            expected = w.getnframes() * w.getsampwidth() * w.getnchannels()
            return w.getnframes() > 0 and path.stat().st_size >= 44 + expected
    except (wave.Error, EOFError, OSError):
        return False


class Renderer:
    """A speech engine in a worker process, with a per-cue timeout and a file cache.

    engine "espeak": pyttsx3 + espeak-ng, `voice` is the language ("nl"). engine "piper": a Piper
    voice, `voice` its name and `model` its .onnx file; when that voice is missing or broken the
    renderer falls back to espeak-ng Dutch, says so once through `on_notice`, and goes on.

    A cue that takes longer than `timeout` gets its worker killed; the next cue starts a
    fresh one. A worker that died is restarted and the cue tried once more. Cached by
    (engine, voice, rate, volume, text), so repeated cues ("Nog één minuut.") cost nothing.
    """

    def __init__(
        self,
        cache_dir: os.PathLike | str,
        *,
        voice: str = "nl",
        rate: int = 160,
        volume: float = 1.0,
        timeout: Optional[float] = None,
        start_timeout: float = 20.0,
        max_cached: int = 2000,
        engine: str = "espeak",
        model: Optional[os.PathLike | str] = None,
        on_notice: Optional[Callable[[str], None]] = None,
        hook: Optional[str] = None,  # tests only: "file.py:function" run in the worker before each render
    ):
        if engine not in ("espeak", "piper"):
            raise ValueError(f"unknown speech engine {engine!r}")
        self.cache_dir = Path(cache_dir)
        self.engine = engine
        self.voice = voice
        self.model = Path(model) if model else None
        self.rate = rate
        self.volume = volume
        # A neural voice needs more time per cue than espeak-ng on a busy laptop; a hang is still a hang.
        self.timeout = timeout if timeout is not None else (15.0 if engine == "piper" else 5.0)
        self.start_timeout = start_timeout
        self.max_cached = max_cached
        self.on_notice = on_notice
        self.notice: Optional[str] = None
        self.hook = hook
        self._proc: Optional[mp.process.BaseProcess] = None
        self._requests = None
        self._responses = None
        self._ids = itertools.count(1)
        self.voice_id: Optional[str] = None
        self.restarts = 0
        self._closed = False  # closed while a cue was rendering on another thread: no new worker
        self.choice = None  # the VoiceChoice it was made for (renderer_for), if any

    # -- public -----------------------------------------------------------------

    def cache_path(self, text: str) -> Path:
        spoken = speakable(text)
        key = f"{self.engine}\0{self.voice}\0{self.rate}\0{self.volume}\0{spoken}"
        return self.cache_dir / f"{hashlib.sha256(key.encode()).hexdigest()[:32]}.wav"

    def render(self, text: str) -> Rendered:
        """Render `text` (or take it from the cache). Never raises: failures come back in `error`."""
        t0 = time.perf_counter()
        target = self.cache_path(text)
        if wav_ok(target):
            return Rendered(text, target, cached=True, seconds=time.perf_counter() - t0)
        try:
            self._private_cache_dir()
            for attempt in (1, 2, 3):
                try:
                    self._ensure_worker()
                    target = self.cache_path(text)  # the engine may have fallen back to espeak-ng
                    if not wav_ok(target):
                        self._render_once(speakable(text), target)
                    break
                except _WorkerDied:
                    if self._closed:  # the room is stopping: this cue is not said, and no worker starts again
                        raise VoiceError("tts_failed", "De spraak is gestopt; de tekst staat op het scherm.")
                    if self.engine == "piper" and attempt == 2:
                        self._fall_back("de Piper-stem stopte twee keer bij dezelfde zin")
                        continue
                    if attempt >= 2:
                        raise VoiceError("tts_failed", "De spraakmodule stopte onverwacht bij deze zin; "
                                         "de tekst staat op het scherm.")
            _chmod(target, 0o600)  # cues name the participants: private like the rest of the data folder
            self._prune()
            return Rendered(text, target, seconds=time.perf_counter() - t0)
        except VoiceError as err:
            return Rendered(text, None, seconds=time.perf_counter() - t0, error=err)
        except OSError as exc:  # e.g. a full disk for the cache
            err = VoiceError("tts_failed", f"De gesproken tekst kon niet worden opgeslagen ({exc}); "
                             "de tekst staat op het scherm.")
            return Rendered(text, None, seconds=time.perf_counter() - t0, error=err)

    def _private_cache_dir(self) -> None:
        """The cache folder (and a 'cache' parent it creates) readable by this user only."""
        if not self.cache_dir.is_dir():
            old_umask = os.umask(0o077)
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
            finally:
                os.umask(old_umask)
        _chmod(self.cache_dir, 0o700)

    @property
    def worker_pid(self) -> Optional[int]:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def close(self) -> None:
        self._closed = True
        if self._proc is not None and self._proc.is_alive():
            try:
                self._requests.put(None)
                self._proc.join(timeout=1.0)
            except Exception:
                pass
        self._kill()

    def __enter__(self) -> "Renderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- worker supervision -----------------------------------------------------

    def _fall_back(self, reason: str) -> None:
        """Piper cannot speak: espeak-ng Dutch from now on, said once."""
        self._kill()
        self.notice = f"De Piper-stem {self.voice} spreekt niet ({reason}); espeak-ng spreekt de aanwijzingen."
        log.warning("Piper voice unusable, falling back to espeak-ng: %s", reason)
        self.engine, self.voice, self.model = "espeak", "nl", None
        self.timeout = min(self.timeout, 5.0)
        if self.on_notice is not None:
            try:
                self.on_notice(self.notice)
            except Exception:
                log.exception("notice callback failed")

    def _ensure_worker(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        if self._proc is not None:
            self.restarts += 1
            log.warning("speech worker gone (exit %s); starting a new one", self._proc.exitcode)
        self._kill()
        if self.engine == "piper":
            if self.model is None or not self.model.is_file():
                self._fall_back(f"{self.model or 'geen stembestand'} ontbreekt")
            else:
                problem = self._start_worker("voice.piper_worker", str(self.model))
                if problem is None:
                    return
                self._fall_back(problem)
        problem = self._start_worker("voice.tts_worker", self.voice)
        if problem is not None:
            self._kill()
            raise VoiceError("tts_unavailable", f"espeak-ng heeft geen Nederlandse stem ({problem}): installeer "
                             "espeak-ng met de standaard stemmen (sudo apt install espeak-ng).")

    def _start_worker(self, module: str, target: str) -> Optional[str]:
        """Start a worker and wait for it to be ready; returns None, or what is wrong with its voice."""
        from voice.lifeline import bound

        worker_main = importlib.import_module(module).worker_main
        self._requests, self._responses = _MP.Queue(), _MP.Queue()
        # bound: the worker ends with this process, also after kill -9 (no orphan keeps a voice open).
        self._proc = _MP.Process(target=bound, name="facilitator-tts", daemon=True,
                                 args=(worker_main, self._requests, self._responses, target, self.hook))
        self._proc.start()
        try:
            tag, voice_id, problem = self._wait_for(lambda m: m[0] == "ready", self.start_timeout)
        except _WorkerDied:
            self._kill()
            if self.engine == "piper":
                return "het spraakproces stopte bij het laden"
            raise VoiceError("tts_unavailable", "De spraakmodule start niet: installeer espeak-ng "
                             "(sudo apt install espeak-ng) en controleer met `facilitator doctor`.")
        except _Timeout:
            self._kill()
            if self.engine == "piper":
                return f"laden duurde langer dan {self.start_timeout:g} s"
            raise VoiceError("tts_unavailable", "De spraakmodule reageert niet bij het starten; "
                             "controleer espeak-ng met `facilitator doctor`.")
        if voice_id is None:
            self._kill()
            return problem or "onbekende fout"
        self.voice_id = voice_id
        return None

    def _render_once(self, text: str, target: Path) -> None:
        job_id = next(self._ids)
        self._requests.put((job_id, text, str(target), self.rate, self.volume))
        try:
            _, ok, problem = self._wait_for(lambda m: m[0] == job_id, self.timeout)
        except _Timeout:
            # A hung espeak loop never comes back by itself: kill it, the next cue gets a new worker.
            # Never the text itself in the log: cues name the people in the room.
            log.warning("speech worker hung on a cue of %d characters; killing it", len(text))
            self._kill()
            self.restarts += 1
            raise VoiceError("tts_failed", f"De spraakmodule deed er langer dan {self.timeout:g} s over; "
                             "de tekst staat op het scherm.")
        if not ok or not wav_ok(target):
            raise VoiceError("tts_failed", f"Deze zin kon niet worden uitgesproken ({problem or 'leeg bestand'}); "
                             "de tekst staat op het scherm.")

    def _wait_for(self, match, timeout: float):
        # The worker and its queue as they are now: close() on another thread (a stopping room)
        # takes them away, and then this cue's worker is gone, not a crash.
        proc, responses = self._proc, self._responses
        if proc is None or responses is None:
            raise _WorkerDied()
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Timeout()
            try:
                message = responses.get(timeout=min(left, 0.1))
            except (OSError, ValueError):  # the queue was closed under us
                raise _WorkerDied()
            except queue.Empty:
                if not proc.is_alive():
                    # Drain what it may have said before it died.
                    try:
                        message = responses.get_nowait()
                    except (queue.Empty, OSError, ValueError):
                        raise _WorkerDied()
                else:
                    continue
            if match(message):
                return message
            # A late answer to a cue we already gave up on: ignore it.

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(timeout=2.0)
        for q in (self._requests, self._responses):
            if q is not None:
                q.cancel_join_thread()
                q.close()
        self._requests = self._responses = None

    def _prune(self) -> None:
        files = list(self.cache_dir.glob("*.wav"))
        if len(files) <= self.max_cached:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) - self.max_cached]:
            old.unlink(missing_ok=True)


def renderer_for(cache_dir: os.PathLike | str, voice_engine: str = "auto", voice_name: Optional[str] = None, *,
                 on_notice: Optional[Callable[[str], None]] = None, **options) -> Renderer:
    """The Renderer for the voice that `--voice-engine` and `--voice` choose; `.choice` says which.

    When Piper was asked for but cannot speak, `on_notice` hears it once, now.
    """
    from voice.piper_voices import resolve_voice

    choice = resolve_voice(voice_engine, voice_name)
    if choice.fallback and on_notice is not None:
        on_notice(choice.sentence)
    renderer = Renderer(cache_dir, engine=choice.engine, voice=choice.voice, model=choice.model,
                        on_notice=on_notice, **options)
    renderer.choice = choice
    return renderer


class _WorkerDied(Exception):
    pass


class _Timeout(Exception):
    pass


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:
        pass
