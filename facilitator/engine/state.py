"""The meeting state: plain frozen data, evolved by the engine and replayed from the log."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal, Optional

from methods import Method, Step

Status = Literal["ready", "running", "paused", "finished"]
GROUP = "groep"  # who speech is attributed to when nobody in particular has the word


class SetupError(ValueError):
    """The meeting cannot be set up as asked; the message is one Dutch sentence."""


@dataclass(frozen=True)
class Options:
    """How the facilitator behaves; every field has a default a group can change."""

    warning_seconds: int = 60
    # At the end of a step's time: move on by itself, or say so and wait for "volgende stap".
    auto_advance: bool = False
    # "procesbegeleider": spoken step changes only count when the procesbegeleider says them.
    step_commands_by: Literal["anyone", "procesbegeleider"] = "anyone"
    # Time the process was down (crash, power cut) counts as a pause, not as meeting time.
    downtime_is_pause: bool = True
    # The procesbegeleider chairs and is not called for items in rounds.
    procesbegeleider_in_rounds: bool = False
    # A gentle per-turn budget when the method gives none (None: no turn warnings).
    turn_seconds: Optional[int] = None

    @classmethod
    def from_dict(cls, data: Optional[dict]) -> "Options":
        if not data:
            return cls()
        known = {f for f in cls.__dataclass_fields__}
        unknown = set(data) - known
        if unknown:
            raise SetupError(f"Onbekende optie(s): {', '.join(sorted(unknown))}.")
        return cls(**data)


@dataclass(frozen=True)
class Setup:
    method: Method
    participants: tuple[str, ...]
    inbrenger: str
    procesbegeleider: Optional[str] = None
    options: Options = field(default_factory=Options)
    hulpvraag: Optional[str] = None

    @property
    def warnings(self) -> tuple[str, ...]:
        size = self.method.group_size
        if size and not (size[0] <= len(self.participants) <= size[1]):
            return (f"{self.method.name} werkt het best met {size[0]} tot {size[1]} mensen; jullie zijn met {len(self.participants)}.",)
        return ()


def make_setup(method: Method, participants, inbrenger: str, procesbegeleider: Optional[str] = None,
               options: Optional[dict] = None, hulpvraag: Optional[str] = None) -> Setup:
    """Check a meeting's setup; every problem is one clear Dutch sentence."""
    names = tuple(" ".join(str(p).split()) for p in participants)
    names = tuple(n for n in names if n)
    if len(names) < 2:
        raise SetupError("Geef minstens twee deelnemers op, in de volgorde waarin ze zitten.")
    lowered = [n.casefold() for n in names]
    dupes = sorted({n for n in names if lowered.count(n.casefold()) > 1})
    if dupes:
        raise SetupError(f"Namen moeten uniek zijn; dubbel: {', '.join(dupes)}. Voeg bijvoorbeeld een initiaal toe.")
    by_fold = {n.casefold(): n for n in names}
    inbrenger_name = by_fold.get(" ".join(str(inbrenger or "").split()).casefold())
    if inbrenger_name is None:
        raise SetupError(f"De inbrenger '{inbrenger}' staat niet bij de deelnemers ({', '.join(names)}).")
    pb_name = None
    if procesbegeleider:
        pb_name = by_fold.get(" ".join(str(procesbegeleider).split()).casefold())
        if pb_name is None:
            raise SetupError(f"De procesbegeleider '{procesbegeleider}' staat niet bij de deelnemers ({', '.join(names)}).")
        if pb_name == inbrenger_name:
            raise SetupError("De inbrenger kan niet ook de procesbegeleider zijn.")
    opts = Options.from_dict(options) if not isinstance(options, Options) else options
    return Setup(method=method, participants=names, inbrenger=inbrenger_name, procesbegeleider=pb_name,
                 options=opts, hulpvraag=(hulpvraag or None))


@dataclass(frozen=True)
class RoundState:
    """Where a round-the-table step is: who has the word, who passed."""

    number: int
    order: tuple[str, ...]
    position: int = 0
    passed: tuple[str, ...] = ()
    turn_started: float = 0.0       # step-active seconds when this turn began
    turn_warned: bool = False
    turn_id: int = 0                # a unique number per turn, to group a turn's words
    responding: bool = False        # the inbrenger's reply after the round
    done: bool = False

    @property
    def turn(self) -> Optional[str]:
        if self.done or self.responding or self.position >= len(self.order):
            return None
        return self.order[self.position]

    @property
    def next(self) -> Optional[str]:
        if self.done or self.responding or self.position + 1 >= len(self.order):
            return None
        return self.order[self.position + 1]


@dataclass(frozen=True)
class Line:
    """One transcript line: an utterance, a typed note."""

    id: str
    step_index: int
    speaker: str
    text: str
    start: float
    end: float
    type: Optional[str] = None      # the round item (vraag, tip...), "notitie", or None
    turn_id: Optional[int] = None
    rating: Optional[str] = None    # W / N / K
    corrected: bool = False
    source_id: Optional[str] = None  # the recogniser's own id, to store each utterance once


@dataclass(frozen=True)
class StepRecord:
    active_seconds: float = 0.0
    over_seconds: float = 0.0
    visits: int = 0
    skipped: bool = False


@dataclass(frozen=True)
class State:
    setup: Setup
    status: Status = "ready"
    step_index: int = 0
    step_active: float = 0.0         # active (unpaused) seconds in this step before `since`
    since: Optional[float] = None    # clock time the current running stretch began
    extra_seconds: float = 0.0       # "nog een minuut" in this step
    warned: bool = False
    time_up: bool = False
    round: Optional[RoundState] = None
    next_turn_id: int = 1
    lines_made: int = 0              # numbers transcript lines; a removed line's id is never reused
    command_spans: tuple[tuple[float, float], ...] = ()  # recent spoken commands: their words are no content
    records: tuple[StepRecord, ...] = ()
    passes: tuple[tuple[str, int, int], ...] = ()   # (name, step_index, round number)
    speaking: tuple[tuple[str, int, float], ...] = ()  # (who, step_index, seconds), summed in views
    # Recent (time, speaker, turn_id, item, step_index): who had the word when. A final
    # utterance arrives a second or two after it was spoken, maybe after the turn moved on,
    # so it is attributed by when it started, not by when it arrived.
    attributions: tuple[tuple[float, str, Optional[int], Optional[str], int], ...] = ()
    speech_since: Optional[float] = None
    speech_who: Optional[str] = None
    transcript: tuple[Line, ...] = ()
    partial: Optional[str] = None
    hulpvraag: Optional[str] = None
    outcomes: tuple[tuple[str, str], ...] = ()      # (kind, text): volgende_stap, nuttig, ...
    checklist: tuple[tuple[str, int], ...] = ()     # ticked (checklist id, item index)
    notices: tuple[str, ...] = ()
    failures: tuple[tuple[str, str], ...] = ()      # (part, its notice): speech, asr, store
    mic_ok: bool = True
    hints: tuple[str, ...] = ()      # how-to hints already given once ("pass", "next_step")
    last_say: Optional[str] = None
    last_rejected: Optional[str] = None
    last_clock: Optional[float] = None
    started_at: Optional[float] = None
    meeting_active: float = 0.0      # active seconds of finished stretches of earlier steps

    @property
    def method(self) -> Method:
        return self.setup.method

    @property
    def step(self) -> Step:
        return self.method.steps[self.step_index]

    def evolve(self, **changes) -> "State":
        return replace(self, **changes)
