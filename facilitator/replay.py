"""Replay: drive a meeting from a recording, through the live pipeline, on the recording's own clock."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable, Optional

from facilitator.clock import StreamClock, Ticker
from facilitator.events import Effect, Say
from facilitator.notices import notice as notice_text
from facilitator.wiring import command_table


def replay_recording(service, meeting_id: str, clock: StreamClock, path: Path, *, model_path: Optional[str] = None,
                     engine: str = "auto",
                     commands_path: Optional[str] = None, cues_dir: Optional[Path] = None,
                     data_dir: Optional[Path] = None, progress: Optional[Callable[[float], None]] = None,
                     ticker: Optional[Ticker] = None, voice_engine: str = "auto",
                     voice_name: Optional[str] = None) -> dict:
    """Drive a meeting from a recording, as fast as it decodes, on the recording's clock.

    With `cues_dir`, every cue is also written as a WAV file named by its stream time,
    so the replay can be listened to. Returns counts for the caller to report.
    """
    from voice.errors import VoiceError
    from voice.pipeline import replay
    from voice.transcribe import load_engines

    notices: list[str] = []
    model = whisper = None
    try:
        engines = load_engines(engine, model_path)
        model, whisper = engines.vosk, engines.whisper
    except VoiceError as err:
        notices.append(notice_text("asr_missing", err.message))
    writer = _CueWriter(cues_dir, data_dir, voice_engine, voice_name, notices) if cues_dir else None
    if writer is not None:
        service.on_effect(lambda mid, eff: writer.effect(clock.t, eff) if mid == meeting_id else None)
    counts = {"events": 0, "commands": 0, "utterances": 0}
    if service.view(meeting_id)["status"] == "ready":
        service.command(meeting_id, "start", source="replay")
    from facilitator.events import Tick

    listener = replay(path, model, whisper=whisper, commands=command_table(commands_path), tick_every=0.25)
    ticker = ticker or Ticker(service, stream=clock)  # the stream is the clock: no ticking thread
    for heard in listener:
        ticker.advance(heard.at)
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
    ticker.tick()
    if writer is not None:
        counts["cues"] = writer.count
        writer.close()
    counts["seconds"] = clock.t
    counts["notices"] = notices
    return counts


class _CueWriter:
    """Renders each cue to WAV at its stream time (for listening to a replay)."""

    def __init__(self, cues_dir: Path, data_dir: Optional[Path], voice_engine: str = "auto",
                 voice_name: Optional[str] = None, notices: Optional[list] = None):
        from voice.tts import renderer_for

        self.dir = Path(cues_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        cache = (data_dir or self.dir) / "cache" / "cues"
        said = notices.append if notices is not None else None
        self.renderer = renderer_for(cache, voice_engine, voice_name, on_notice=said)
        if notices is not None and not self.renderer.choice.fallback:
            notices.append(self.renderer.choice.sentence)  # one line: which voice speaks
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
