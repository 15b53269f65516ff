"""Recognition speed on a 60 s recording: real-time factor and CPU share, free-form and grammar; peak RSS.

    .venv/bin/python benchmarks/voice_asr.py [--soak MINUTES]
"""

from __future__ import annotations

import argparse
import time

from voice_common import KO_COMMANDS, SENTENCES, build, current_rss_mb, header, ko_model_path, peak_rss_mb

from voice.asr import CommandRecognizer, TranscriptRecognizer, load_model
from voice.audio import frames_from_pcm
from voice.commands import CommandTable
from voice.pipeline import Listener


def sixty_seconds() -> bytes:
    """Korean sentences with a command phrase after each, cut at 60 s."""
    phrases = [p for ps in KO_COMMANDS.values() for p in ps]
    script = [line for i in range(12) for line in (SENTENCES[i % len(SENTENCES)], phrases[i % len(phrases)])]
    pcm, _ = build(script, gap=1.0)
    assert len(pcm) >= 60 * 32000, "script too short for 60 s"
    return pcm[: 60 * 32000]


def measure(name: str, run, audio_seconds: float) -> None:
    wall0, cpu0 = time.perf_counter(), time.process_time()
    run()
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(f"{name:<34} RTF {wall / audio_seconds:6.3f}   CPU {cpu / audio_seconds * 100:5.1f}% of one core "
          f"({cpu / wall * 100:5.1f}% while running)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soak", type=float, default=0, help="also run this many minutes through one Listener")
    args = parser.parse_args()
    header("voice ASR: Korean test model, espeak-ng speech")
    pcm = sixty_seconds()
    seconds = len(pcm) / 32000
    t0 = time.perf_counter()
    model = load_model(ko_model_path())
    print(f"model load: {time.perf_counter() - t0:.2f} s, RSS after load {current_rss_mb():.0f} MB")
    table = CommandTable.from_phrases(KO_COMMANDS)
    frames = list(frames_from_pcm(pcm))

    def free_form():
        r = TranscriptRecognizer(model)
        for f in frames:
            r.accept(f)
        r.flush()

    def grammar():
        r = CommandRecognizer(model, table.phrases)
        for f in frames:
            r.accept(f)
        r.flush()

    def listener():
        for _ in Listener(iter(frames), model, commands=table):
            pass

    print(f"audio: {seconds:.0f} s, {len(frames)} frames of 30 ms")
    measure("free-form (transcript, partials)", free_form, seconds)
    measure("grammar (commands)", grammar, seconds)
    measure("Listener (VAD + both + spotting)", listener, seconds)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")

    if args.soak:
        print(f"-- soak: {args.soak:g} min of audio through one Listener --")
        rounds = int(args.soak * 60 / seconds)

        def looped():
            for k in range(rounds):
                yield from frames_from_pcm(pcm, start=k * seconds)

        listener_ = Listener(looped(), model, commands=table)
        start_rss, t_wall, next_mark = current_rss_mb(), time.perf_counter(), 60.0
        for heard in listener_:
            if heard.at >= next_mark:
                print(f"  stream {heard.at / 60:5.1f} min  RSS {current_rss_mb():6.0f} MB "
                      f"(+{current_rss_mb() - start_rss:.0f})  wall {time.perf_counter() - t_wall:6.1f} s")
                next_mark += 60.0 * max(1, int(args.soak / 10))
        print(f"  commands {listener_.stats['commands']}, finals {listener_.stats['finals']}, "
              f"RSS end {current_rss_mb():.0f} MB, peak {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
