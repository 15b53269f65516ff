"""Events per second through engine + store, and database size per hour of meeting.

1. Throughput: a MeetingService on a real SQLite file (WAL, synchronous=FULL: every event is
   one committed transaction) fed a mix of final utterances with word timings, speech activity
   and commands, as fast as it takes them. The pure engine alone is measured for comparison.
2. Size: a one-hour meeting on a moved clock with a realistic rate: one final utterance of
   ~12 words every 5 s, speech activity around each, a turn or step command now and then,
   and a service tick every second (its heartbeat writes too). Bytes of the database file
   (after a checkpoint) and of the WAL before it.

    .venv/bin/python benchmarks/store_throughput.py [--events N] [--dir PATH]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "engine"))

from engine_sim import Clock, library  # noqa: E402
from facilitator.engine import apply, make_setup, new_state  # noqa: E402
from facilitator.events import Command, SpeechActivity, Utterance, Word  # noqa: E402
from facilitator.service import MeetingService  # noqa: E402
from facilitator.store import DB_NAME  # noqa: E402

PEOPLE = ["Anna", "Ben", "Carla", "Dirk", "Eva"]
WORDS = ("ik denk dat het belangrijk is om eerst te vragen wat zij zelf wil en dan samen te kijken "
         "naar de volgende stap in het team want anders blijft het hangen").split()


def utterance(rng: random.Random, t: float, uid: str, n_words: int = 12) -> Utterance:
    words, start = [], t - n_words * 0.4 - 0.5
    for i in range(n_words):
        w0 = start + i * 0.4
        words.append(Word(rng.choice(WORDS), round(w0, 2), round(w0 + 0.33, 2), round(rng.uniform(0.6, 1), 3)))
    return Utterance(" ".join(w.word for w in words), start, start + n_words * 0.4, words=tuple(words),
                     confidence=0.9, id=uid)


def mixed_events(rng: random.Random, clock: Clock, state_of, n: int):
    for i in range(n):
        clock.advance(rng.uniform(0.05, 0.5))
        r = rng.random()
        if r < 0.6:
            yield utterance(rng, clock.t, f"u{i}")
        elif r < 0.8:
            yield SpeechActivity(rng.random() < 0.5, clock.t)
        else:
            st = state_of()
            if st.round is not None and st.round.turn:
                yield Command(rng.choice(["next_turn", "pass"]), "voice")
            elif st.time_up:
                yield Command("next_step")
            else:
                yield Command(rng.choice(["remaining", "note", "tip"]), args={"text": "notitie"})


def fs_type(path: Path) -> str:
    try:
        out = subprocess.run(["df", "-T", str(path)], capture_output=True, text=True, timeout=10).stdout.splitlines()
        return out[-1].split()[1]
    except Exception:
        return "?"


def throughput(base: Path, n: int) -> None:
    rng = random.Random(1)
    clock = Clock(0)
    service = MeetingService(base / "tp", library(), clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna", options={"auto_advance": True})
    service.command(mid, "start")
    events = list(mixed_events(rng, clock, lambda: service.state(mid), 0))  # warm nothing
    began = time.perf_counter()
    count = 0
    for event in mixed_events(rng, clock, lambda: service.state(mid), n):
        service.feed(mid, event)
        count += 1
        if count % 4 == 0:
            service.tick()
    took = time.perf_counter() - began
    kinds = {}
    for stored in service.store.events(mid):
        kinds[type(stored.event).__name__] = kinds.get(type(stored.event).__name__, 0) + 1
    print(f"engine+store (MeetingService, WAL, synchronous=FULL, one commit per event): "
          f"{count / took:,.0f} events/s ({took / count * 1000:.2f} ms per event; {count} events: "
          f"{', '.join(f'{k} {v}' for k, v in sorted(kinds.items()))})")

    # The pure engine on the same kind of stream, for comparison.
    rng = random.Random(1)
    clock = Clock(0)
    state = new_state(make_setup(library().get("case-clinic"), PEOPLE, "Anna", options={"auto_advance": True}))
    state, _ = apply(state, Command("start"), clock.t)
    holder = {"s": state}
    stream = list(mixed_events(rng, clock, lambda: holder["s"], n))
    began = time.perf_counter()
    for event in stream:
        holder["s"], _ = apply(holder["s"], event, event.at if isinstance(event, SpeechActivity) else clock.t)
    took = time.perf_counter() - began
    print(f"engine alone (apply, with screen views): {n / took:,.0f} events/s")
    del events


def size_per_hour(base: Path) -> None:
    rng = random.Random(2)
    clock = Clock(0)
    data = base / "size"
    service = MeetingService(data, library(), clock=clock)
    mid = service.create("case-clinic", PEOPLE, "Anna", hulpvraag="Hoe houd ik het team bij de les?")
    service.command(mid, "start")
    db = data / DB_NAME
    service.store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = db.stat().st_size
    end = 3600.0
    next_utt, next_cmd, uid, n_utt, n_words = 5.0, 60.0, 0, 0, 0
    began = time.perf_counter()
    while clock.t < end:
        clock.advance(1.0)
        service.tick()
        if clock.t >= next_utt:
            uid += 1
            n = rng.randint(6, 20)
            u = utterance(rng, clock.t, f"h{uid}", n)
            service.feed(mid, SpeechActivity(True, u.start))
            service.feed(mid, SpeechActivity(False, u.end))
            service.feed(mid, u)
            n_utt += 1
            n_words += n
            next_utt += rng.uniform(3, 7)  # one every ~5 s
        if clock.t >= next_cmd:
            st = service.state(mid)
            if st.status == "finished":
                break
            if st.round is not None and (st.round.turn or st.round.responding):
                service.command(mid, "next_turn", source="voice")
            elif st.time_up:
                service.command(mid, "next_step", source="voice")
            next_cmd += 110  # a turn of almost two minutes: the Case Clinic fills its hour
        st = service.state(mid)
        if st.time_up:
            service.command(mid, "next_step", source="voice")
    took = time.perf_counter() - began
    wal = Path(str(db) + "-wal")
    wal_bytes = wal.stat().st_size if wal.exists() else 0
    service.store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = db.stat().st_size
    events = len(service.store.events(mid))
    minutes = clock.t / 60
    print(f"one meeting of {minutes:.0f} minutes: {n_utt} utterances ({n_words} words, ~1 per "
          f"{clock.t / n_utt:.1f} s), {events} stored events, {int(clock.t)} ticks with heartbeats; "
          f"simulated in {took:.1f} s")
    print(f"database: {size:,} bytes after checkpoint ({(size - empty) / (minutes / 60):,.0f} bytes per hour of "
          f"meeting, {(size - empty) / events:,.0f} bytes per event; empty database {empty:,} bytes); "
          f"WAL before checkpoint {wal_bytes:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--dir", type=Path, default=None, help="where to put the databases (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        base = Path(tmp)
        print(f"cpus={os.cpu_count()} python={platform.python_version()} sqlite={__import__('sqlite3').sqlite_version} "
              f"folder={base} ({fs_type(base)})")
        throughput(base, args.events)
        size_per_hour(base)


if __name__ == "__main__":
    main()
