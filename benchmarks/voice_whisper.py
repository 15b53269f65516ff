"""Dutch speech figures: Whisper base (PyPI test model) beside Vosk (Korean test model), on 2 cores.

  .venv/bin/python benchmarks/voice_whisper.py [--quick]

Prints: word error rate per human Dutch clip and overall; command recall and false commands on a
generated Dutch set (12 phrases twice each, several espeak-ng voices, interleaved with sentences that
contain command words, then short replies such as "Pas op.", three steady noise levels); command end -> decision (the cue starts then) and
Whisper's line lag behind the end of its segment, p50/p95; RSS with both models loaded; replay speed
of a meeting with long quiet stretches (Vosk is fed only speech).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from voice_common import CACHE, REPO, build, current_rss_mb, header, ko_model_path, percentile

sys.path.insert(0, str(REPO / "tests"))
from room_audio import DUTCH_VOICES as VOICES, Room, espeak_nl  # noqa: E402
from test_voice_whisper import wer, words  # noqa: E402

from facilitator.events import Command, Utterance  # noqa: E402
from voice.audio import frames_from_pcm, read_pcm  # noqa: E402
from voice.pipeline import Listener  # noqa: E402

PHRASES = [("ik pas", "pass"), ("pas", "pass"), ("volgende", "next_turn"), ("ik ben klaar", "next_turn"),
           ("volgende stap", "next_step"), ("vorige stap", "previous_step"), ("pauze", "pause"),
           ("verder", "resume"), ("herhaal", "repeat"), ("hoeveel tijd nog", "remaining"),
           ("nog een minuut", "extend"), ("tip", "tip")]
SENTENCES = ["Ik pas dat vaak toe in mijn eigen werk.", "De volgende stap is dat we met het team gaan praten.",
             "Daar wil ik graag nog een minuut over nadenken.", "Ik ben klaar met de voorbereiding van de casus.",
             "Kun je dat verder uitleggen aan de groep?", "Een goede tip is om eerst te luisteren."]
# Short replies with or without a command word: none of them is a command.
REPLIES = ["Dat klopt.", "Pas op.", "Volgende week.", "Precies.", "Mooi zo.", "Tijd voor koffie.", "Goed idee.",
           "Ik pas dat toe."]
NOISE = (-65.0, -60.0, -55.0)  # a quiet room to a humming one (tests/room_audio.py)


def wer_figures(whisper) -> None:
    from voice.transcribe import Engines, transcribe_file

    data = REPO / "tests" / "data" / "dutch"
    errors = total = 0
    for line in (data / "transcripts.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, ref, kind = line.split("\t")
        if kind != "real human speech" or ref.startswith("("):
            continue
        out = transcribe_file(data / name, Engines("whisper", whisper=whisper))
        hyp = " ".join(s["text"] for s in out["segments"])
        e = wer(ref, hyp)
        errors += e * len(words(ref))
        total += len(words(ref))
        print(f"  whisper  {Path(name).stem:16s} WER {e:5.0%}  {hyp}")
    print(f"  whisper  overall          WER {errors / total:5.0%} ({total} words)")
    print("  vosk     (no Dutch Vosk model can be installed here: the Korean test model cannot score Dutch)")


def command_set(quick: bool):
    d = CACHE / "nl"
    d.mkdir(parents=True, exist_ok=True)
    parts, expected = [1.0], []
    reps = 1 if quick else 2
    for rep in range(reps):
        for i, (phrase, kind) in enumerate(PHRASES):
            voice = VOICES[(i + rep) % len(VOICES)]
            parts += [espeak_nl(SENTENCES[(i + rep) % len(SENTENCES)], voice, d), 1.5,
                      espeak_nl(phrase, voice, d), 1.8]
            expected.append(kind)
    for i, reply in enumerate(REPLIES[:4] if quick else REPLIES):
        parts += [espeak_nl(reply, VOICES[i % len(VOICES)], d), 1.8]
    return parts, expected


def in_room(parts: list, floor_dbfs: float) -> tuple[bytes, list[tuple[float, float]]]:
    """The parts (speech, or a pause in seconds) over the room's noise floor; each speech part's span."""
    room, spans = Room(floor_dbfs=floor_dbfs), []
    for p in parts:
        if isinstance(p, float):
            room.pause(p)
        else:
            start = room.say(p, gap=0.0).start
            spans.append((start, start + len(p) / 32000))
    return room.pcm(), spans


def command_figures(whisper, quick: bool) -> None:
    parts, expected = command_set(quick)
    decide, lines_all = [], []
    decode, spot = whisper.decode, whisper.spot
    timings: list[tuple[str, bytes, float]] = []   # (what, the segment's audio, seconds)

    def timed(what, fn):
        def run(pcm, *args):
            t0 = time.perf_counter()
            try:
                return fn(pcm, *args)
            finally:
                timings.append((what, pcm, time.perf_counter() - t0))
        return run

    whisper.decode, whisper.spot = timed("decode", decode), timed("spot", spot)
    try:
        for dbfs in NOISE[:1] if quick else NOISE:
            pcm, spans = in_room(parts, dbfs)
            timings.clear()
            listener = Listener(frames_from_pcm(pcm), None, whisper=whisper, wait_for_whisper=True)
            heard = list(listener)
            kinds = [h.event.kind for h in heard if isinstance(h.event, Command)]
            hits = sum(min(kinds.count(k), expected.count(k)) for k in set(kinds))

            # A segment's audio is a slice of the stream: where it lies says which part it is
            # (parts alternate sentence, command; the segment starts 0.3 s of pre-roll early).
            def part(seg: bytes) -> int:
                start = pcm.find(seg) / 32000 + 0.3
                return next((i for i, (s0, s1) in enumerate(spans) if s0 - 0.1 <= start <= s1), -1)

            per_segment: dict[bytes, list] = {}
            for what, seg, seconds in timings:
                entry = per_segment.setdefault(seg, [part(seg), 0.0, False])
                entry[1] += seconds
                entry[2] = entry[2] or what == "decode"
            # A command is heard when its segment is scored and not decoded: its cue starts then.
            pairs = 2 * len(expected)  # then the short replies
            cmd = [0.3 + t for i, t, decoded in per_segment.values() if i < pairs and i % 2 == 1 and not decoded]
            lines = [t for i, t, decoded in per_segment.values() if i < pairs and i % 2 == 0]
            decide += cmd
            lines_all += lines
            print(f"  whisper  noise {dbfs:4.0f} dBFS: recall {hits}/{len(expected)} ({hits / len(expected):.0%}), "
                  f"false commands {len(kinds) - hits}, scored {listener.stats['scored']} segments; "
                  f"line lag p50 {percentile(lines, 50):.2f} s p95 {percentile(lines, 95):.2f} s; "
                  f"load {os.getloadavg()[0]:.1f}")
    finally:
        whisper.decode, whisper.spot = decode, spot
    print(f"  whisper  command end -> cue: p50 {percentile(decide, 50):.2f} s, p95 {percentile(decide, 95):.2f} s "
          "(0.3 s hangover + scoring; wall clock on this machine)")
    print(f"  whisper  line lag (all levels): p50 {percentile(lines_all, 50):.2f} s, "
          f"p95 {percentile(lines_all, 95):.2f} s")


def vosk_figures() -> None:
    from voice.asr import load_model
    from voice_common import KO_COMMANDS, SENTENCES as KO_SENTENCES
    from voice.commands import CommandTable

    model = load_model(ko_model_path())
    table = CommandTable.from_phrases(KO_COMMANDS, max_extra_words=4)
    # A meeting with long quiet stretches: 6 lines, 60 s of room noise between them.
    pcm, marks = build(KO_SENTENCES + ["감사 합니다"], gap=60.0)
    seconds = len(pcm) / 32000
    t0, c0 = time.perf_counter(), time.process_time()
    listener = Listener(frames_from_pcm(pcm), model, commands=table)
    heard = list(listener)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    finals = sum(1 for h in heard if isinstance(h.event, Utterance) and h.event.final)
    print(f"  vosk     replay of {seconds:.0f} s with long quiet stretches: {wall:.1f} s wall, "
          f"{seconds / wall:.0f}x real time; {cpu:.1f} s CPU, {seconds / cpu:.0f}x per CPU second (the free-form "
          f"recognizer was fed {listener.stats['fed_seconds']:.0f} s of it; {finals} lines; load {os.getloadavg()[0]:.1f})")
    return model


def main() -> None:
    quick = "--quick" in sys.argv
    header("voice: Dutch speech, Whisper beside Vosk")
    from voice.whisper import WhisperRecognizer
    from voice.whisper_models import pypi_base_model

    rss0 = current_rss_mb()
    whisper = WhisperRecognizer(pypi_base_model())
    whisper.decode(read_pcm(REPO / "tests" / "data" / "dutch" / "human" / "rdh_vl00203.wav"))
    rss_whisper = current_rss_mb()
    wer_figures(whisper)
    command_figures(whisper, quick)
    model = vosk_figures()
    print(f"  RSS: {rss0:.0f} MiB at start, {rss_whisper:.0f} MiB with Whisper base, "
          f"{current_rss_mb():.0f} MiB with Whisper base and the Vosk model ({type(model).__name__})")


if __name__ == "__main__":
    main()
