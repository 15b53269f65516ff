"""The meeting service: runs meetings through the engine, keeps them in the store, tells listeners.

Every channel (web, keys, voice, API) goes through here, so a spoken "ik pas" and a
click are the same command. The engine stays pure; this module owns the clock, the
log and the fan-out of effects. One lock serialises a meeting's events.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from methods import Library, Method
from facilitator import keeping, lookback, recovery, timeline, verslag
from facilitator.engine import apply, cues, make_setup, meeting_elapsed, nest, new_state, outcomes, phrases, transcript, view
from facilitator.engine.state import SetupError, State
from facilitator.engine.setup import PreviousCase
from facilitator.errors import UserError
from facilitator.limits import check_setup
from facilitator.notices import notice as notice_text
from facilitator.events import COMMAND_KINDS, Command, DeviceEvent, Effect, Event, Rejected, Say, Tick
from facilitator.publisher import Audience, Update
from facilitator.store import MeetingGone, Store, StoreError
from facilitator.subscription import Subscription

__all__ = ["MeetingService", "SetupError", "UnknownMeeting", "Subscription", "Update"]

HEARTBEAT_SECONDS = 1.0
log = logging.getLogger("facilitator.service")


class UnknownMeeting(UserError, KeyError):
    status = 404
    code = "unknown_meeting"

    def __init__(self, meeting_id: str):
        super().__init__(f"Bijeenkomst '{meeting_id}' bestaat niet. Zie 'facilitator meetings list'.")
        self.meeting_id = meeting_id


class UnknownCommand(UserError, ValueError):
    code = "unknown_command"


@dataclass
class _Live:
    """A meeting loaded in memory: its state, its clock offset and what is not stored yet."""

    id: str
    state: State
    offset: float
    pending: list[tuple[float, Event]] = field(default_factory=list)
    audience: Audience = field(default_factory=Audience)
    last_heartbeat: float = float("-inf")
    store_ok: bool = True
    record: Optional[dict[str, Any]] = None   # the setup, kept until the store has taken it
    listening: bool = False                    # a microphone and recogniser are attached

    def heard(self) -> bool: return self.listening and self.state.health.mic_ok  # voice mode, else buttons and keys


def _setup_of(row: dict[str, Any]):
    """The setup a stored meeting began with."""
    data = row["setup"]
    method = Method.model_validate(data["method"])
    return make_setup(method, data["participants"], data["inbrenger"], data.get("procesbegeleider"),
                      data.get("options"), data.get("hulpvraag"), previous=PreviousCase.from_dict(data.get("previous")))


class MeetingService:
    def __init__(self, data_dir: Path, library: Library, clock: Callable[[], float] = time.monotonic,
                 store: Optional[Store] = None):
        self.library = library
        self.clock = clock
        self.store = store or Store(Path(data_dir))
        self._lock = threading.RLock()
        self._live: dict[str, _Live] = {}
        self._listeners: list[Callable[[str, Effect], None]] = []
        self._adapter_notices: dict[str, str] = {}  # e.g. "voice": why the room is not heard
        self.tick_failures: dict[str, str] = {}     # "tick:<meeting id>": the error type, reported once
        #: What the start read back from the last stop's recovery file, as a sentence (or None).
        self.recovered: Optional[str] = self._read_recovery()

    # -- recovery on stop and start ------------------------------------------

    def close(self) -> str:
        """Stop: write what is only in memory to the store, else to the recovery file; say what happened."""
        with self._lock:
            for live in list(self._live.values()):
                if live.record is not None or live.pending:
                    self._persist(live)
            unsaved = [recovery.Unsaved(live.id, live.state.method.id, live.record, list(live.pending))
                       for live in self._live.values() if live.record is not None or live.pending]
            return recovery.save_on_stop(self.store, unsaved)

    def _read_recovery(self) -> Optional[str]:
        return recovery.replay_into(self.store, StoreError)

    # -- listeners ------------------------------------------------------------

    def on_effect(self, callback: Callable[[str, Effect], None]) -> None:
        """Call `callback(meeting_id, effect)` for every effect (speech, chimes, facts)."""
        self._listeners.append(callback)

    def subscribe(self, meeting_id: str) -> Subscription:
        with self._lock:
            live = self._get(meeting_id)
            sub = Subscription(self, meeting_id)
            live.audience.subscribers.append(sub)
            # A new screen starts with the whole view, so a reconnect never misses a change.
            sub.put(Update(meeting_id, live.state.method, view=self._view(live)))
            return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            live = self._live.get(sub.meeting_id)
            if live and sub in live.audience.subscribers:
                live.audience.subscribers.remove(sub)

    # -- meetings -------------------------------------------------------------

    def create(self, method_id: str, participants: list[str], inbrenger: Optional[str], procesbegeleider: Optional[str] = None,
               hulpvraag: Optional[str] = None, options: Optional[dict] = None, nested=None) -> str:
        """`nested`: which method runs inside a method's rondes (the bijeenkomst): an id, or {step: id}."""
        method = nest(self.library, self.library.get(method_id), nested)
        options = check_setup(participants, inbrenger, procesbegeleider, hulpvraag, options)
        previous = lookback.previous_case(self, method, participants)
        try:
            setup = make_setup(method, participants, inbrenger, procesbegeleider, options, hulpvraag,
                               previous=PreviousCase.from_dict(previous))
        except TypeError as exc:
            raise SetupError("Een optie heeft een onbekende naam of een verkeerde waarde.") from None
        meeting_id = uuid.uuid4().hex[:12]
        record = {  # the composed method itself: a replay needs neither the library nor the choice
            "method": method.model_dump(mode="json", exclude={"path"}),
            "participants": list(setup.participants),
            "inbrenger": setup.inbrenger,
            "procesbegeleider": setup.procesbegeleider,
            "options": options or {},
            "hulpvraag": setup.hulpvraag,
            "previous": previous,  # kept, so a replay says the same terugkoppeling
        }
        with self._lock:
            live = _Live(id=meeting_id, state=new_state(setup), offset=-self.clock(), record=record)
            self._live[meeting_id] = live
            self._persist(live)
        return meeting_id

    def _get(self, meeting_id: str) -> _Live:
        live = self._live.get(meeting_id)
        if live is None:
            live = self._load(meeting_id)
            self._live[meeting_id] = live
        return live

    def _load(self, meeting_id: str) -> _Live:
        """Rebuild a meeting by replaying its log; downtime counts as a pause by default."""
        row = self.store.meeting(meeting_id)
        if row is None:
            raise UnknownMeeting(meeting_id)
        state = new_state(_setup_of(row))
        last, last_say = 0.0, None
        for stored in self.store.events(meeting_id):
            state, effects = apply(state, stored.event, stored.at)
            last = stored.at
            last_say = next((e.text for e in reversed(effects) if isinstance(e, Say)), last_say)
        last = max(last, row["last_clock"] or 0.0)
        if not state.setup.options.downtime_is_pause and row["last_wall"]:
            last += max(0.0, time.time() - row["last_wall"])
        # The log holds no ticks: what fell due after its last event (a silence that ended by itself
        # before the crash, a step whose time ran out while the machine was off) happens here, once.
        # Its cues were said before the crash (or belong to a moment long gone): shown, not said again.
        state, effects = apply(state, Tick(), last)
        last_say = next((e.text for e in reversed(effects) if isinstance(e, Say)), last_say)
        live = _Live(id=meeting_id, state=state, offset=last - self.clock())
        live.audience.last_say = last_say
        return live

    def set_notice(self, key: str, text: Optional[str]) -> None:
        """A sentence every screen shows (no model, no microphone...), or None to clear it."""
        with self._lock:
            if text:
                self._adapter_notices[key] = text
            else:
                self._adapter_notices.pop(key, None)
            for live in self._live.values():
                self._publish(live, [], force_view=True)

    def set_listening(self, meeting_id: str, listening: bool) -> None:
        """Voice wiring says whether the room is heard; screens show manual mode otherwise."""
        with self._lock:
            live = self._get(meeting_id)
            live.listening = listening
            self._publish(live, [], force_view=True)

    def now(self, meeting_id: str) -> float:
        with self._lock:
            return self._now(self._get(meeting_id))

    def _now(self, live: _Live) -> float:
        return self.clock() + live.offset

    def delete(self, meeting_id: str) -> None:
        with self._lock:
            if meeting_id not in self._live and self.store.meeting(meeting_id) is None:
                raise UnknownMeeting(meeting_id)
            live = self._live.pop(meeting_id, None)
            if live:
                live.audience.deleted(meeting_id, live.state.method)
            self.store.delete(meeting_id)

    def meetings(self) -> list[dict[str, Any]]:
        with self._lock:
            rows = self.store.meetings()
            result = []
            for row in rows:
                live = self._live.get(row["id"])
                summary = self._summary(live) if live else row["summary"]
                result.append({"id": row["id"], "created": row["created"], **summary})
            known = {r["id"] for r in rows}
            for mid, live in list(self._live.items()):  # meetings the store could not take (disk full)
                if mid not in known and live.record is None and live.store_ok:
                    self._persist(live, summary=True)  # it was stored once: deleted elsewhere? then it closes
                if mid not in known and mid in self._live:
                    result.append({"id": mid, "created": None, **self._summary(live)})
            return result

    def _summary(self, live: _Live) -> dict[str, Any]:
        """What `meetings list` shows; kept in the store with each write (no view is built for it)."""
        s = live.state
        return {"method_id": s.method.id, "method_name": s.method.name, "inbrenger": s.inbrenger,
                "participants": list(s.setup.participants), "status": s.status,
                "duration_seconds": round(meeting_elapsed(s, self._now(live)), 1), "step": s.step.title}

    # -- events ---------------------------------------------------------------

    def command(self, meeting_id: str, kind: str, /, source: str = "web", by: Optional[str] = None,
                **args: Any) -> dict[str, Any]:
        """Apply one command; the answer says whether it was taken, and the view after it."""
        if kind not in COMMAND_KINDS:
            raise UnknownCommand(f"Onbekende opdracht '{kind}'. Kies uit: {', '.join(COMMAND_KINDS)}.")
        expect_turn = args.pop("expect_turn", None)
        with self._lock:
            live = self._get(meeting_id)
            if expect_turn is not None and kind in ("next_turn", "pass"):
                # Two screens pressing "volgende beurt" for the same turn: the second is too late.
                now_showing = self._view(live)
                if ((now_showing.get("step") or {}).get("round") or {}).get("turn_id") != expect_turn:
                    return {"ok": False, "reason": "Die beurt is al doorgegeven.", "view": now_showing}
            effects, shown = self._apply(live, Command(kind, source, by, dict(args)))  # type: ignore[arg-type]
            rejected = next((e for e in effects if isinstance(e, Rejected)), None)
            return {"ok": rejected is None, "reason": rejected.reason if rejected else None,
                    "view": shown if shown is not None else self._view(live)}

    def feed(self, meeting_id: str, event: Event) -> list[Effect]:
        """Feed an event from an adapter (speech, devices) at the meeting clock's now."""
        with self._lock:
            return self._apply(self._get(meeting_id), event)[0]

    def tick(self) -> None:
        with self._lock:
            for live in list(self._live.values()):
                if live.state.status not in ("running", "paused"):
                    continue
                try:
                    self._apply(live, Tick())
                    now = self._now(live)
                    if now - live.last_heartbeat >= HEARTBEAT_SECONDS:
                        live.last_heartbeat = now
                        self._persist(live, heartbeat=now)
                except Exception as exc:  # one broken meeting must never stop the clock of the others
                    self._tick_failed(live, exc)

    def _tick_failed(self, live: _Live, exc: Exception) -> None:
        """Report a meeting whose tick fails: once in the log (its type only) and on its screens."""
        key = f"tick:{live.id}"
        if key not in self.tick_failures:
            log.error("tick van bijeenkomst %s mislukt: %s", live.id, type(exc).__name__)
        self.tick_failures[key] = type(exc).__name__

    def _apply(self, live: _Live, event: Event) -> tuple[list[Effect], Optional[dict[str, Any]]]:
        """Apply, store what must be kept, publish; return the effects and the view if one was built."""
        if not keeping.may_pass(live.state, event):
            return [], None  # a private or silent step: not even a partial goes further
        now = self._now(live)
        before = live.state
        live.state, effects = apply(before, event, now)
        effects = effects if live.heard() else cues.by_hand(effects)  # no voice: cues speak of buttons and keys
        moved = (live.state.status, live.state.step_index) != (before.status, before.step_index)
        if keeping.kept(event, effects, before, live.state):
            live.pending.append((now, event))
            self._persist(live, summary=moved)
        elif moved:
            self._persist(live, summary=True)
        return effects, self._publish(live, effects)

    def _persist(self, live: _Live, heartbeat: Optional[float] = None, summary: bool = False) -> None:
        """Write what the store does not have yet; on failure keep it in memory and retry later."""
        try:
            if live.record is not None:
                self.store.create_meeting(live.id, live.state.method.id, live.record, 0.0)
                live.record = None
                summary = True
            # The summary keeps `meetings list` right about where an interrupted meeting stopped;
            # it rides along in the same transaction, so it costs no extra disk sync.
            data = self._summary(live) if summary or heartbeat is not None else None
            if live.pending:
                self.store.append(live.id, live.pending, data)
                live.pending = []
            elif heartbeat is not None:
                self.store.heartbeat(live.id, heartbeat, data)
            elif data is not None:
                self.store.set_summary(live.id, data)
        except MeetingGone:  # deleted by another process: close it here too, on every screen
            self._live.pop(live.id, None)
            live.audience.deleted(live.id, live.state.method)
            return
        except StoreError as exc:
            self._store_failed(live, exc)
            return
        if not live.store_ok:
            live.store_ok = True
            live.state, effects = apply(live.state, DeviceEvent("store_restored"), self._now(live))
            self._publish(live, effects)

    def _store_failed(self, live: _Live, exc: StoreError) -> None:
        if live.store_ok:
            live.store_ok = False
            live.state, effects = apply(live.state, DeviceEvent("store_failed", str(exc)), self._now(live))
            self._publish(live, effects)

    def _publish(self, live: _Live, effects: list[Effect], force_view: bool = False) -> Optional[dict[str, Any]]:
        return live.audience.publish(live.id, live.state.method, effects, lambda: self._view(live), self._listeners,
                                     force_view=force_view, started_at=live.state.timer.started_at)

    # -- reading --------------------------------------------------------------

    def _view(self, live: _Live) -> dict[str, Any]:
        data = view(live.state, self._now(live))
        data["id"], data["seq"] = live.id, live.audience.seq  # seq: the number of the meeting's last change
        data["mode"] = "voice" if live.heard() else "manual"
        if data["question"] and not live.heard():
            data["question"] = phrases.by_hand(data["question"])  # as the cue was worded: "Kies op het scherm ja"
        notices = list(data["notices"])
        if self.store.notice and self.store.notice not in notices:
            notices.append(self.store.notice)
        notices += [n for n in self._adapter_notices.values() if n not in notices]
        if f"tick:{live.id}" in self.tick_failures:
            notices.append(notice_text("meeting_stuck"))
        data["notices"] = notices
        data["last_say"] = live.audience.last_say
        return data

    def view(self, meeting_id: str) -> dict[str, Any]:
        with self._lock:
            return self._view(self._get(meeting_id))

    def state(self, meeting_id: str) -> State:
        with self._lock:
            return self._get(meeting_id).state

    def transcript(self, meeting_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return transcript(self._get(meeting_id).state)

    def outcomes(self, meeting_id: str) -> dict[str, Any]:
        with self._lock:
            return outcomes(self._get(meeting_id).state)

    def record(self, meeting_id: str) -> dict[str, Any]:
        """The verslag as data: outcomes, each step planned against used, clock times, speaking time."""
        with self._lock:
            live = self._get(meeting_id)
            row, now, turns = self.store.meeting(meeting_id) or {}, self._now(live), None
            wall = timeline.WallClock(self.store.walls(meeting_id)) if row else None
            if row and not verslag.speaking_time(live.state, now, None)[0]:  # no voice: the turns held instead
                events = [(e.at, e.event) for e in self.store.events(meeting_id)] + list(live.pending)
                turns = timeline.turns_held(timeline.replay(new_state(_setup_of(row)), events))
            return verslag.record(live.state, now, meeting_id, row.get("created"), wall, turns)

    def export(self, meeting_id: str, fmt: str = "md", transcript: bool = True) -> str:
        record = self.record(meeting_id)
        if fmt == "json":
            return verslag.to_json(record)
        if fmt == "md":
            return verslag.to_markdown(record, with_transcript=transcript)
        raise UserError("Kies het formaat md of json.", "bad_format")

    def set_checklist(self, meeting_id: str, checklist_id: str, index: int, checked: bool) -> dict[str, Any]:
        return self.command(meeting_id, "checklist", checklist=checklist_id, index=int(index), checked=bool(checked))

    def checklist(self, meeting_id: str) -> list[tuple[str, int]]:
        with self._lock:
            return [(m.checklist, m.index) for m in self._get(meeting_id).state.outcomes.checklist
                    if m.column == "doe_ik_al"]
