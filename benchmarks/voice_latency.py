"""Command latency: from the end of a spoken phrase in the stream to its Command event, p50/p95.

    .venv/bin/python benchmarks/voice_latency.py [--phrases 60] [--realtime]

Stream latency is what the pipeline itself adds (endpointing, hangover, confirmation); with
--realtime the recording is paced like a microphone and wall-clock latency is measured too.
"""

from __future__ import annotations

import argparse
import time

from voice_common import KO_COMMANDS, KO_SETTINGS, SENTENCES, build, header, ko_model_path, peak_rss_mb, percentile

from facilitator.events import Command
from voice.asr import load_model
from voice.audio import frames_from_pcm
from voice.commands import CommandTable
from voice.pipeline import Listener


def paced(frames, t0_box):
    """Hand out frames no earlier than their end on the wall clock, like a microphone."""
    t0 = time.perf_counter()
    t0_box.append(t0)
    for f in frames:
        delay = t0 + f.end - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        yield f


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phrases", type=int, default=60)
    parser.add_argument("--realtime", action="store_true")
    args = parser.parse_args()
    header("voice command latency: Korean test model, espeak-ng speech")
    kinds = {p: k for k, ps in KO_COMMANDS.items() for p in ps}
    phrases = list(kinds)
    script, expected = [SENTENCES[0]], []
    for i in range(args.phrases):
        script.append(phrases[i % len(phrases)])
        expected.append(len(script) - 1)
        if i % 5 == 4:  # a sentence now and then, so commands come in a conversation
            script.append(SENTENCES[(i // 5) % len(SENTENCES)])
    pcm, marks = build(script, gap=1.5)
    model = load_model(ko_model_path())
    table = CommandTable.from_phrases(KO_COMMANDS, **KO_SETTINGS)
    frames = list(frames_from_pcm(pcm))
    t0_box: list[float] = []
    source = paced(frames, t0_box) if args.realtime else iter(frames)
    listener = Listener(source, model, commands=table)
    found = []
    for heard in listener:
        if isinstance(heard.event, Command):
            found.append((heard, time.perf_counter()))
    stream_lat, wall_lat, matched, false_hits = [], [], set(), 0
    for heard, wall in found:
        hit = next((i for i in expected if marks[i][1] - 0.3 <= heard.decision.start <= marks[i][2]), None)
        if hit is None or hit in matched or kinds[marks[hit][0]] != heard.event.kind:
            false_hits += 1
            continue
        matched.add(hit)
        stream_lat.append(heard.at - marks[hit][2])
        if args.realtime:
            wall_lat.append(wall - (t0_box[0] + marks[hit][2]))
    print(f"audio {len(pcm) / 32000:.0f} s, {len(expected)} command phrases, {len(script) - len(expected)} sentences")
    print(f"recognised {len(matched)}/{len(expected)}, missed {len(expected) - len(matched)}, "
          f"false commands {false_hits}")
    print(f"stream latency (end of phrase -> Command): p50 {percentile(stream_lat, 50) * 1000:.0f} ms, "
          f"p95 {percentile(stream_lat, 95) * 1000:.0f} ms, max {max(stream_lat) * 1000:.0f} ms")
    if args.realtime:
        print(f"wall-clock latency, paced like a microphone: p50 {percentile(wall_lat, 50) * 1000:.0f} ms, "
              f"p95 {percentile(wall_lat, 95) * 1000:.0f} ms")
    st = listener.stats
    print(f"recognizers fed: free-form {st['fed_seconds']:.0f} s, grammar {st['grammar_fed_seconds']:.0f} s "
          f"of {len(pcm) / 32000:.0f} s")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
