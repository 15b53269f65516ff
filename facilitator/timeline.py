"""Time in the verslag: each step planned against used, the meeting's clock times, turns held.

The meeting clock counts seconds from the meeting's creation and stands still while the
laptop is down; the day's clock does not. The store keeps the wall time beside each event,
so a moment on the meeting clock reads as the time of day it happened, also after a restart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from datetime import datetime
from typing import Any, Iterable, Optional

from facilitator.clock_text import clock
from facilitator.engine.state import State
from facilitator.engine.timing import step_elapsed


class WallClock:
    """Maps the meeting clock to the local time of day, from (meeting clock, wall clock) anchors."""

    def __init__(self, anchors: Iterable[tuple[float, float]]):
        self._anchors = sorted(anchors)
        self._keys = [at for at, _ in self._anchors]

    def at(self, t: Optional[float]) -> Optional[datetime]:
        if t is None or not self._anchors:
            return None
        i = max(0, bisect_right(self._keys, t) - 1)
        at, wall = self._anchors[i]
        return datetime.fromtimestamp(wall + (t - at)).astimezone()

    def hhmm(self, t: Optional[float]) -> Optional[str]:
        moment = self.at(t)
        return moment.strftime("%H:%M") if moment else None


def difference_words(used: float, planned: float) -> str:
    """Used against planned in Dutch: '2:10 over tijd', '1:05 korter dan gepland', 'op tijd'."""
    diff = used - planned
    if abs(diff) < 1:
        return "op tijd"
    return f"{clock(diff)} over tijd" if diff > 0 else f"{clock(-diff)} korter dan gepland"


def step_rows(state: State, now: float, wall: Optional[WallClock] = None) -> list[dict[str, Any]]:
    """Per step: planned (with the minutes added), used, the difference in words, its start on the clock."""
    rows = []
    started = state.timer.started_at
    for i, step in enumerate(state.method.steps):
        rec = state.records[i]
        used = rec.active_seconds
        if i == state.step_index and state.status != "finished":
            used += step_elapsed(state, now) - state.timer.step_active  # the running stretch is not booked yet
        extra = state.timer.extra_seconds if i == state.step_index else rec.extra_seconds
        planned = step.planned_minutes * 60.0 + extra
        visited = rec.visits > 0
        going_on = state.status in ("running", "paused")
        if rec.skipped:
            verdict = "overgeslagen"
        elif not visited:
            verdict = "nog niet begonnen" if going_on else "niet aan toegekomen"
        elif going_on and i == state.step_index:
            verdict = "nu bezig"
        elif planned <= 0:
            verdict = "zonder vaste tijd"
        else:
            verdict = difference_words(used, planned)
        entered = rec.entered_at
        rows.append({
            "index": i, "title": step.title, "planned_minutes": step.planned_minutes,
            "planned_seconds": round(planned, 1), "extra_seconds": round(extra, 1),
            "active_seconds": round(used, 1), "difference_seconds": round(used - planned, 1) if visited else None,
            "over_seconds": round(rec.over_seconds, 1), "verdict": verdict,
            "visited": visited, "skipped": rec.skipped,
            "starts_after_seconds": round(entered - started, 1) if entered is not None and started is not None else None,
            "starts_at": wall.hhmm(entered) if wall and entered is not None else None,
        })
    return rows


def clock_times(state: State, wall: Optional[WallClock]) -> dict[str, Optional[str]]:
    """The meeting's start and end on the day's clock (HH:MM, local time), and the date."""
    started, ended = state.timer.started_at, state.timer.ended_at
    moment = wall.at(started) if wall else None
    return {"date": moment.date().isoformat() if moment else None,
            "start": wall.hhmm(started) if wall else None,
            "end": wall.hhmm(ended) if wall and state.status == "finished" else None,
            "zone": moment.strftime("%z") if moment else None}


def replay(state: State, events: Iterable[tuple[float, Any]]):
    """A meeting's logged events through the engine again: (before, after, effects, now) per event."""
    from facilitator.engine import apply

    for at, event in events:
        after, effects = apply(state, event, at)
        yield state, after, effects, at
        state = after


def turns_held(replayed: Iterable[tuple[State, State, list, float]]) -> dict[str, float]:
    """Seconds each person held the turn in a round, from the engine's facts over a replay.

    `replayed` gives (state before, state after, effects, now) per event. A turn begins where a
    TurnMoved fact names someone and ends at the next one, a step change or the end; time is the
    meeting's running time, so a pause inside a turn does not count.
    """
    from facilitator.engine.timing import meeting_elapsed
    from facilitator.events import StatusChanged, StepEntered, TurnMoved

    held: dict[str, float] = defaultdict(float)
    holder: Optional[str] = None
    since = 0.0
    for before, after, effects, now in replayed:
        moved = [e for e in effects if isinstance(e, TurnMoved)]
        entered = any(isinstance(e, StepEntered) for e in effects)
        ended = any(isinstance(e, StatusChanged) and e.status == "finished" for e in effects)
        if not (moved or entered or ended):
            continue
        # A step entered by time (a tick the log does not hold) began where the meeting's running
        # stretch began, not at this later event; a finished meeting stopped its clock when it ended.
        at = after.timer.meeting_active if entered or ended else meeting_elapsed(after, now)
        if holder is not None:
            held[holder] += max(0.0, at - since)
        holder = moved[-1].turn if moved and not ended else None
        since = at
    rounded = {name: round(seconds, 1) for name, seconds in held.items()}
    return {name: seconds for name, seconds in rounded.items() if seconds > 0}
