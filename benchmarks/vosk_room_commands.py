"""Vosk command recall in a room: 10 minutes of running speech per noise level, through `run --audio`'s path.

    .venv/bin/python benchmarks/vosk_room_commands.py [--minutes 10] [--levels -65,-60,-55] [--seed 11]

The recording is built reproducibly (seeded) from espeak-ng Korean speech (the test model is Korean)
over a steady room noise floor (tests/room_audio.py, mixed by sox): people speak a sentence and say a
command 1-2 s after it, pass one after the other with 1 s between them, talk in sentences that contain
the command phrases, cough, and fall quiet. The phrases and settings are those the voice tests use
(tests/voice/voice_helpers.py), read from a --commands file; the WAV file goes through the same
Listener over a FileSource (ffmpeg, voice activity, Vosk, spotter) as `facilitator run --audio`.

Figures per level: recall (a command counts when its kind is found within its spoken line), false
commands (any other command: wrong kind, inside a sentence, twice), × real time and per CPU second.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "tests", REPO / "tests" / "e2e", REPO / "tests" / "voice"):
    sys.path.insert(0, str(extra))

import e2e_script as E  # noqa: E402
from voice_common import SENTENCES as MORE_SENTENCES  # noqa: E402
from room_audio import Room  # noqa: E402
from voice_helpers import KO_COMMANDS, KO_SETTINGS, KO_WITH_COMMAND_WORDS as WITH_COMMAND_WORDS  # noqa: E402

KIND = {p: k for k, ps in KO_COMMANDS.items() for p in ps}
PASS = KO_COMMANDS["pass"][0]
NEXT = KO_COMMANDS["next_turn"][0]
SENTENCES = E.SENTENCES + MORE_SENTENCES[1:]  # the first is E.SENTENCES[0] again


@dataclass
class Spoken:
    text: str
    start: float
    end: float
    kind: Optional[str]  # the command it should cause, None for a sentence (or a cough)


def build(level: float, minutes: float, seed: int, cache: Path) -> tuple[Room, list[Spoken]]:
    rng = np.random.default_rng(seed)
    room = Room(floor_dbfs=level, seed=seed)
    spoken: list[Spoken] = []

    def say(text: str, gap: float, kind: Optional[str] = None) -> None:
        line = room.say(E.speech_pcm(text, cache), text, gap)
        spoken.append(Spoken(text, line.start, line.speech_end, kind))

    room.pause(1.0)
    say(SENTENCES[0], 1.5)  # a warm-up sentence: the model adapts to the voice
    while room.t < minutes * 60 - 15:
        r = rng.random()
        if r < 0.5:  # a turn: a sentence, then 1-2 s later a command
            pool = WITH_COMMAND_WORDS if rng.random() < 0.3 else SENTENCES
            say(str(rng.choice(pool)), float(rng.uniform(1.0, 2.0)))
            phrase = NEXT if rng.random() < 0.6 else str(rng.choice(list(KIND)))
            say(phrase, float(rng.uniform(1.5, 3.0)), KIND[phrase])
        elif r < 0.7:  # people pass one after the other, 1 s apart
            for _ in range(int(rng.integers(2, 4))):
                say(PASS, 1.0, "pass")
            room.pause(1.0)
        elif r < 0.9:  # talk: sentences only, some with command words inside
            for _ in range(int(rng.integers(1, 3))):
                pool = WITH_COMMAND_WORDS if rng.random() < 0.5 else SENTENCES
                say(str(rng.choice(pool)), float(rng.uniform(1.0, 2.0)))
        elif r < 0.95:
            room.cough(gap=float(rng.uniform(1.0, 2.0)))
        else:
            room.pause(float(rng.uniform(5.0, 15.0)))
    room.pause(max(0.0, minutes * 60 - room.t))
    return room, spoken


def score(found: list[tuple[str, float, float]], spoken: list[Spoken], rejected=()) -> tuple[int, int, list[str]]:
    """(hits, false commands, what was missed or wrong) for commands found as (kind, start, end);
    `rejected`: the listener's recent non-commands, to say why a command was missed."""
    hits, false, notes, used = 0, 0, [], set()
    for kind, start, end in found:
        mid = (start + end) / 2
        line = next((i for i, s in enumerate(spoken) if s.start - 0.3 <= mid <= s.end + 0.3), None)
        if line is not None and spoken[line].kind == kind and line not in used:
            used.add(line)
            hits += 1
        else:
            false += 1
            what = spoken[line].text if line is not None else "(no line)"
            notes.append(f"false {kind} at {start:.1f}-{end:.1f} s: {what}")
    for i, s in enumerate(spoken):
        if s.kind and i not in used:
            why = [f"{d.reason} {d.phrase or ''} {d.start or 0:.1f}-{d.end or 0:.1f} conf {d.confidence}"
                   for d in rejected if d.start is not None and s.start - 1 <= d.start <= s.end + 1]
            notes.append(f"missed {s.kind} at {s.start:.1f}-{s.end:.1f} s ({'; '.join(why) or 'no phrase heard'})")
    return hits, false, notes


def run(wav: Path, commands_path: Path):
    from facilitator.events import Command
    from facilitator.wiring import command_table
    from voice.asr import load_model
    from voice.pipeline import replay

    model = load_model(E.ko_model_path())
    listener = replay(wav, model, commands=command_table(str(commands_path)), tick_every=0.25)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    found = [(h.event.kind, *h.event.args["spoken"]) for h in listener if isinstance(h.event, Command)]
    return found, time.perf_counter() - wall0, time.process_time() - cpu0, listener


def commands_toml() -> str:
    lines = ["[settings]"] + [f"{k} = {v}" for k, v in KO_SETTINGS.items()]
    for kind, phrases in KO_COMMANDS.items():
        lines += [f"[commands.{kind}]", "phrases = [" + ", ".join(f'"{p}"' for p in phrases) + "]"]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--levels", default="-65,-60,-55")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--verbose", action="store_true", help="list every miss and false command")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="vosk-room-"))
    commands_path = work / "commands-ko.toml"
    commands_path.write_text(commands_toml(), encoding="utf-8")
    cache = Path(tempfile.gettempdir()) / "facilitator-bench-speech"
    print(f"== Vosk commands in a room: Korean test model, {args.minutes:g} min of running speech per level, "
          f"seed {args.seed} ==  (os.cpu_count() = {os.cpu_count()}, load {os.getloadavg()[0]:.1f})", flush=True)
    total_hits = total_cmds = total_false = 0
    for level in (float(x) for x in args.levels.split(",")):
        room, spoken = build(level, args.minutes, args.seed, cache)
        wav = room.write(work / f"room{level:.0f}.wav")
        found, wall, cpu, listener = run(wav, commands_path)
        stats = listener.stats
        hits, false, notes = score(found, spoken, listener.rejected)
        n = sum(1 for s in spoken if s.kind)
        inside = sum(1 for s in spoken if s.text in WITH_COMMAND_WORDS)
        total_hits, total_cmds, total_false = total_hits + hits, total_cmds + n, total_false + false
        print(f"  noise {level:4.0f} dBFS: recall {hits}/{n} ({hits / n:.1%}), false commands {false} "
              f"({len(spoken) - n} sentences, {inside} with command words); replay {room.t:.0f} s in {wall:.1f} s "
              f"= {room.t / wall:.1f}x real time, {room.t / max(cpu, 1e-9):.1f}x per CPU second; "
              f"Vosk fed {stats['fed_seconds']:.0f} s", flush=True)
        for note in notes if args.verbose else notes[:5]:
            print(f"      {note}")
    print(f"  all levels: recall {total_hits}/{total_cmds} ({total_hits / total_cmds:.1%}), "
          f"false commands {total_false}  (goal: >= 95 %, 0)")


if __name__ == "__main__":
    main()
