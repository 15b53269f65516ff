"""End-to-end replay figures: speed (times real time) of a 20-minute meeting, spoken-command-to-cue
latency (stream time), and RSS over a 2-hour replayed meeting.

    .venv/bin/python benchmarks/e2e_replay.py [--hours 2] [--skip-long]

The meeting is espeak-ng Korean speech (the test model is Korean) with Korean command phrases
mapped by a command table file, as in tests/e2e. Real pipeline: ffmpeg, webrtcvad, Vosk
free-form + grammar, command spotting, engine, SQLite store.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "e2e"))

import e2e_script as E  # noqa: E402

LONG_METHOD = E.METHOD_TOML.replace('id = "case-clinic-kort"', 'id = "case-clinic-lang"') + """
[step_changes.spiegelen]
minutes = 200

[step_changes.spiegelen.round]
max_rounds = 100
"""


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def twenty_minutes(cache: Path, minutes: float = 20.0) -> E.Script:
    """Rollen, intentie, three minutes of silence, then mirroring turns until `minutes`: each coach
    speaks, pauses, says "next" (or passes every 7th turn), and the room is quiet a while."""
    s = E.Script()
    s.quiet(1.0)
    s.say("Anna", E.NEXT_STEP, cache, command="next_step", gap=2.0)
    for text in E.SENTENCES[:3]:
        s.say("Anna", text, cache, gap=1.2)
    s.say("Anna", E.NEXT_STEP, cache, command="next_step", gap=0.0)
    s.quiet(E.SILENCE_SECONDS + 3.0)
    n = 0
    while s.t < minutes * 60 - 20:
        who = E.PEOPLE[1 + n % 4]
        s.quiet(1.0)
        if n % 7 == 6:
            s.say(who, E.PASS, cache, command="pass", gap=2.0)
        else:
            s.say(who, E.SENTENCES[5 + n % 4], cache, gap=1.0)
            s.say(who, E.NEXT_TURN, cache, command="next_turn", gap=2.0)
        s.quiet(6.0)
        n += 1
    s.quiet_until(minutes * 60)
    return s


def replay(wav: Path, work: Path, method_id: str, progress=None):
    from facilitator.events import Say
    from facilitator.service import MeetingService
    from facilitator.clock import StreamClock
    from facilitator.replay import replay_recording
    from methods import load_library

    data = Path(tempfile.mkdtemp(dir=work, prefix="data-"))
    clock = StreamClock()
    service = MeetingService(data, load_library(work / "methods"), clock=clock)
    mid = service.create(method_id, E.PEOPLE, "Anna")
    says: list[tuple[float, str]] = []
    service.on_effect(lambda m, e: says.append((clock.t, e.text)) if isinstance(e, Say) else None)
    started = time.monotonic()
    counts = replay_recording(service, mid, clock, wav, model_path=str(E.ko_model_path()),
                              commands_path=str(work / "commands.toml"), data_dir=data, progress=progress)
    return counts, time.monotonic() - started, says


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=2.0)
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--skip-long", action="store_true")
    ap.add_argument("--only-long", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="e2e-bench-"))
    (work / "methods").mkdir()
    (work / "methods" / "lang.toml").write_text(LONG_METHOD, encoding="utf-8")
    (work / "commands.toml").write_text(E.COMMANDS_TOML, encoding="utf-8")
    print(f"cores: {os.cpu_count()}  rss at start (python + imports): {rss_mb():.0f} MB", flush=True)
    script = twenty_minutes(work / "speech", args.minutes)
    wav = script.write(work / "meeting-20min.wav")
    commands = script.commands()
    print(f"meeting: {script.t / 60:.1f} min of audio, {len(commands)} spoken commands", flush=True)

    if not args.only_long:
        counts, wall, says = replay(wav, work, "case-clinic-lang")
        print(f"replay speed: {counts['seconds']:.0f} s of audio in {wall:.1f} s = {counts['seconds'] / wall:.1f}x real "
              f"time ({counts['commands']} commands acted on, {counts['utterances']} utterances)", flush=True)
        latencies, missed = [], 0
        for line in commands:
            after = [t for t, _ in says if t >= line.end - 0.05]
            nxt = [c.start for c in commands if c.start > line.end]
            if after and (not nxt or after[0] < nxt[0]):
                latencies.append(after[0] - line.end)
            else:
                missed += 1
        if latencies:
            q = statistics.quantiles(latencies, n=20)
            print(f"command end -> Say (stream time): n={len(latencies)} p50={statistics.median(latencies) * 1000:.0f} ms "
                  f"p95={q[18] * 1000:.0f} ms max={max(latencies) * 1000:.0f} ms; missed {missed}", flush=True)

    if not args.skip_long:
        loops = max(1, round(args.hours * 60 / args.minutes))
        long_wav = work / "meeting-long.wav"
        subprocess.run(["sox", *[str(wav)] * loops, str(long_wav)], check=True)
        samples: list[tuple[float, float]] = [(0.0, rss_mb())]
        print(f"long replay: {loops} x {args.minutes:.0f} min; rss before replay {samples[0][1]:.0f} MB", flush=True)

        def progress(t: float) -> None:
            if t >= len(samples) * 600:
                samples.append((t, rss_mb()))
                print(f"  stream {t / 60:5.0f} min  rss {samples[-1][1]:.0f} MB", flush=True)

        counts, wall, _ = replay(long_wav, work, "case-clinic-lang", progress)
        samples.append((counts["seconds"], rss_mb()))
        first = next((r for t, r in samples if t >= 600), samples[-1][1])
        print(f"long replay: {counts['seconds'] / 3600:.2f} h of audio in {wall / 60:.1f} min "
              f"({counts['seconds'] / wall:.1f}x); rss start {samples[0][1]:.0f} MB, at 10 min {first:.0f} MB, "
              f"end {samples[-1][1]:.0f} MB, growth after 10 min {samples[-1][1] - first:+.0f} MB", flush=True)


if __name__ == "__main__":
    main()
