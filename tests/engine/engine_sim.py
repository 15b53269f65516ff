"""Test helpers for the engine: a moved clock, a driver that logs events, and the scripted meeting.

Shared by tests/engine and the engine/store benchmarks (they put this folder on sys.path).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from facilitator.engine import apply, make_setup, new_state, remaining_seconds, view
from facilitator.engine import prompting
from facilitator.engine.state import State
from facilitator.engine.timing import near_end_at
from facilitator.events import Command, Effect, Event, Say, SpeechActivity, Tick, Utterance, Word, changes_view
from methods import load_library

PEOPLE = ("Anna", "Ben", "Carla", "Dirk", "Eva")

_LIBRARY = None


def library():
    """The built-in methods, loaded once per process (the user folder is ignored)."""
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = load_library(None)
    return _LIBRARY


class Clock:
    """A clock the test moves; callable like time.monotonic."""

    def __init__(self, t: float = 1000.0):
        self.t = float(t)

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> float:
        self.t += seconds
        return self.t


@dataclass
class Run:
    """Drive the pure engine: every event is logged with its time, every effect with the time it came out."""

    state: State
    t: float = 0.0
    log: list[tuple[float, Event]] = field(default_factory=list)
    effects: list[tuple[float, Effect]] = field(default_factory=list)
    last: list[Effect] = field(default_factory=list)
    # Check after every event that a change a screen would show came with a fact saying so.
    strict: bool = False

    @classmethod
    def of(cls, method_id: str = "case-clinic", participants=PEOPLE, inbrenger: str = "Anna",
           procesbegeleider: Optional[str] = None, options: Optional[dict] = None,
           hulpvraag: Optional[str] = None, method=None, nested=None) -> "Run":
        from methods.compose import compose

        # A method that runs others inside (the bijeenkomst) is composed as the service does.
        method = compose(method or library().get(method_id), library().methods, nested)
        setup = make_setup(method, participants, inbrenger, procesbegeleider, options, hulpvraag)
        return cls(new_state(setup))

    # -- feeding ----------------------------------------------------------------

    def feed(self, event: Event, at: Optional[float] = None) -> list[Effect]:
        if at is not None:
            self.t = max(self.t, at) if not isinstance(event, (Utterance, SpeechActivity)) else self.t
        before = self.state
        self.state, self.last = apply(self.state, event, self.t)
        if self.strict and not any(changes_view(e) for e in self.last):
            assert view(before, self.t) == view(self.state, self.t), f"{event} changed the view without a fact"
        if not isinstance(event, Tick):
            self.log.append((self.t, event))
        self.effects.extend((self.t, e) for e in self.last)
        return self.last

    def cmd(self, kind: str, /, by: Optional[str] = None, source: str = "keyboard", **args: Any) -> list[Effect]:
        return self.feed(Command(kind, source, by, dict(args)))  # type: ignore[arg-type]

    def wait(self, seconds: float, tick_every: Optional[float] = None) -> list[Effect]:
        """Let time pass; with tick_every, tick on the way like the live service does."""
        out: list[Effect] = []
        end = self.t + seconds
        if tick_every:
            while self.t + tick_every < end:
                self.t += tick_every
                out += self.feed(Tick())
        self.t = end
        out += self.feed(Tick())
        return out

    def say(self, text: str, start: float, end: float, *, final: bool = True, uid: Optional[str] = None,
            at: Optional[float] = None) -> list[Effect]:
        """An utterance spoken from start to end, arriving at `at` (default: its end)."""
        words = tuple(Word(w, start + i * 0.3, start + i * 0.3 + 0.25) for i, w in enumerate(text.split()))
        self.t = max(self.t, at if at is not None else end)
        return self.feed(Utterance(text, start, end, final=final, words=words, id=uid))

    def activity(self, speaking: bool, at: Optional[float] = None) -> list[Effect]:
        return self.feed(SpeechActivity(speaking, self.t if at is None else at))

    # -- reading ----------------------------------------------------------------

    def remaining(self) -> float:
        return remaining_seconds(self.state, self.t)

    def spoken(self, effects: Optional[list[Effect]] = None) -> list[str]:
        return [e.text for e in (self.last if effects is None else effects) if isinstance(e, Say)]

    def rejected(self) -> Optional[str]:
        from facilitator.events import Rejected

        return next((e.reason for e in self.last if isinstance(e, Rejected)), None)

    def script(self) -> list[tuple[float, str, str]]:
        return [(t, e.kind, e.text) for t, e in self.effects if isinstance(e, Say)]


def mmss(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


SCORES = (("Ben", 6), ("Anna", 8), ("Dirk", 7))  # snelle adviesrondes: Anna, Dirk, Ben in score order
ITEM_SECONDS = 20.0      # one person's item (a question, a tip...) takes this long
PASS_SECONDS = 3.0       # a pass is quick
UNTIMED_SECONDS = 60.0   # an untimed step is closed after this long


def simulate(method_id: str, participants=PEOPLE, inbrenger: str = "Anna", options: Optional[dict] = None,
             method=None, max_events: int = 5000, tick: Optional[float] = None, answer: str = "ja",
             run: Optional[Run] = None, nested=None) -> Run:
    """The scripted meeting of the snapshot tests.

    Each person gives one item (an Utterance) the first time they are called in a step and
    passes when called again in that step; the inbrenger answers when asked to respond;
    steps without a round run to their time and then someone says "volgende stap".
    Time moves to the exact moments a warning or the end is due, so the script shows when
    the facilitator speaks.
    """
    from methods.compose import compose

    chosen_in_meeting = compose(method or library().get(method_id), library().methods, nested).inbrenger_choice
    if run is None:  # else: go on with a meeting a test has begun (a pause, an extend, a step back)
        run = Run.of(method_id, participants, None if chosen_in_meeting else inbrenger, options=options, method=method,
                     nested=nested)
        run.cmd("start")
    given: set[tuple[int, str]] = set()
    uid = 0
    scored = False
    for _ in range(max_events):
        s = run.state
        if s.status == "finished":
            return run
        if chosen_in_meeting and chosen_in_meeting.how == "scores" and not scored:
            # Three people want advice, with their scores: the highest goes first.
            scored = True
            for name, score in SCORES:
                run.cmd("choose_inbrenger", name=name, topic=f"onderwerp van {name}", score=score)
            continue
        if s.moment is not None and s.moment.kind == "ask":
            run.t += PASS_SECONDS
            run.cmd("answer", answer=answer)  # an optional step: the script says ja (or nee)
            continue
        if s.moment is not None and s.moment.until is not None:
            run.wait(max(0.0, s.moment.until - run.t), tick_every=tick)  # a silent pause runs its time
            continue
        if s.awaiting == "inbrenger":
            run.t += PASS_SECONDS
            if s.candidates:
                run.cmd("next_step")
            else:
                # "ik wil", by button or key; a second ronde has someone else's case
                free = [p for p in (inbrenger, *participants) if p not in s.topics_done]
                run.cmd("choose_inbrenger", name=free[0])
            continue
        step = s.step
        rnd = s.round
        if s.timer.time_up:
            run.cmd("next_step")
            continue
        if rnd is not None and rnd.turn:
            who = rnd.turn
            key = (s.step_index, who)
            if key in given and step.round.pass_allowed:
                run.t += PASS_SECONDS
                run.cmd("pass", by=who)
                continue
            given.add(key)
            uid += 1
            start = run.t + 1.0
            run.say(f"{who} geeft een {step.round.item_word} {uid}", start, start + ITEM_SECONDS - 2, uid=f"u{uid}")
            run.t = start + ITEM_SECONDS - 1
            run.cmd("next_turn", by=who)
            continue
        if rnd is not None and rnd.responding:
            uid += 1
            start = run.t + 1.0
            run.say(f"{s.inbrenger} reageert {uid}", start, start + ITEM_SECONDS - 2, uid=f"u{uid}")
            run.t = start + ITEM_SECONDS - 1
            run.cmd("next_turn", by=s.inbrenger)
            after = run.state.round
            if (run.state.step_index == s.step_index and after is not None and after.done
                    and not step.round.open_after):
                run.cmd("next_step")  # the reply ends the round; the step waits to be moved on
            continue
        # No turn to give: let the step's time run out (warning first), then move on.
        planned = step.planned_minutes * 60 + s.timer.extra_seconds
        if planned <= 0:
            run.wait(UNTIMED_SECONDS, tick_every=tick)
            run.cmd("next_step")
            continue
        left = remaining_seconds(s, run.t)
        warn = near_end_at(s)
        prompt_in = prompting.until(s, run.t)
        if prompt_in is not None and 0 < prompt_in < left and not s.timer.time_up:
            run.wait(prompt_in, tick_every=tick)  # the step's next prompt (AKAD's compensatiematrix)
            continue
        if not s.timer.warned and left > warn:
            run.wait(left - warn, tick_every=tick)
            continue
        run.wait(max(left, 0.0), tick_every=tick)
        if run.state is s or (run.state.step_index == s.step_index and not run.state.timer.time_up
                              and run.state.status == s.status):
            run.cmd("next_step")  # nothing fell due (should not happen); do not loop forever
    raise AssertionError(f"{method_id}: the simulated meeting did not finish")


def render_script(run: Run) -> str:
    setup = run.state.setup
    who = setup.inbrenger or f"gekozen in de bijeenkomst ({run.state.method.inbrenger_choice.how})"
    lines = [f"# {run.state.method.name} ({run.state.method.id}); "
             f"deelnemers {', '.join(setup.participants)}; inbrenger {who}"]
    start = run.log[0][0] if run.log else 0.0
    for t, kind, text in run.script():
        lines.append(f"{mmss(t - start)} {kind:<11} {text}")
    return "\n".join(lines) + "\n"


def custom_method(*steps: dict, **top: Any):
    """A small method built in the test, so a rule can be tested on its own."""
    from methods import Method

    full = []
    for i, step in enumerate(steps):
        data = {"id": f"s{i + 1}", "title": f"Stap{i + 1}", "minutes": 5, "cue": f"Cue {i + 1}."}
        data.update(step)
        full.append(data)
    return Method.model_validate({"id": "test", "name": "Test", "source": "test", "purpose": "Test.",
                                  **top, "steps": full})


def round_step(minutes: float = 10, **round_: Any) -> dict:
    return {"minutes": minutes, "speakers": ["deelnemers"], "round": {"item": "vraag", **round_}}


def compare_snapshot(path, text: str, name: str) -> None:
    """Assert `text` equals the stored snapshot at `path`; UPDATE_SNAPSHOTS=1 (or a missing file) writes it."""
    import os

    import pytest

    if os.environ.get("UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path.name} did not exist and was written; read it and run again")
        return
    assert text == path.read_text(encoding="utf-8"), (
        f"The spoken script of {name} changed; if that is intended, run with UPDATE_SNAPSHOTS=1 "
        "and review the diff.")
