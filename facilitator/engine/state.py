"""The meeting state: plain frozen data in named parts, evolved by the engine and replayed from the log.

`State` holds where the meeting is (status, step, round) and five parts, each a small
frozen record with one concern: the timer, the round, speech and transcript, outcomes
and health. Lists inside them are tuples of named records, never positional tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, Optional

from methods import Method, Step
from facilitator.events import Line
from facilitator.engine.setup import Options, Setup, SetupError, make_setup, nest  # noqa: F401

__all__ = [
    "GROUP", "Attribution", "Candidate", "Moment", "Failure", "Health", "Line", "Mark", "MarkNote", "Options", "Outcome", "Outcomes", "Pass", "Prompting",
    "RoundState", "Setup", "SetupError", "Speech", "State", "Status", "StepRecord", "Stretch", "Timer",
    "make_setup",
]

Status = Literal["ready", "running", "paused", "finished"]
GROUP = "groep"  # who speech is attributed to when nobody in particular has the word


class _Evolving:
    def evolve(self, **changes):
        return replace(self, **changes)


# -- time ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Timer(_Evolving):
    """The clocks of the current step and the meeting."""

    since: Optional[float] = None    # clock time the current running stretch began
    step_active: float = 0.0         # active (unpaused) seconds in this step before `since`
    meeting_active: float = 0.0      # active seconds of finished stretches of earlier steps
    extra_seconds: float = 0.0       # "nog een minuut" in this step
    warned: bool = False
    time_up: bool = False
    started_at: Optional[float] = None
    last_clock: Optional[float] = None
    ended_at: Optional[float] = None  # clock time the meeting finished (None while it goes on)


@dataclass(frozen=True)
class StepRecord(_Evolving):
    """What happened in one step over the whole meeting."""

    active_seconds: float = 0.0
    over_seconds: float = 0.0
    visits: int = 0
    skipped: bool = False
    extra_seconds: float = 0.0       # minutes added here, kept when the group comes back to it
    entered_at: Optional[float] = None  # clock time the group first came to this step (the verslag's clock times)


# -- rounds -------------------------------------------------------------------------

@dataclass(frozen=True)
class RoundState(_Evolving):
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


# -- speech and transcript ------------------------------------------------------------

@dataclass(frozen=True)
class Attribution:
    """From `at` on, speech belongs to `speaker` (in this turn, as this item, in this step)."""

    at: float
    speaker: str
    turn_id: Optional[int]
    item: Optional[str]
    step_index: int

    def same_word(self, other: "Attribution") -> bool:
        return (self.speaker, self.turn_id, self.item, self.step_index) == (
            other.speaker, other.turn_id, other.item, other.step_index)


@dataclass(frozen=True)
class Stretch:
    """A booked stretch of talk: who spoke how long in which step."""

    who: str
    step_index: int
    seconds: float


@dataclass(frozen=True)
class Speech(_Evolving):
    """Who has the word, who talked how long, and what was said."""

    # Recent attributions: a final utterance arrives a second or two after it was spoken,
    # maybe after the turn moved on, so it is attributed by when it started.
    attributions: tuple[Attribution, ...] = ()
    since: Optional[float] = None    # someone is talking since then (voice activity)
    who: Optional[str] = None        # ... and it is booked on them
    booked: tuple[Stretch, ...] = ()
    transcript: tuple[Line, ...] = ()
    lines_made: int = 0              # numbers transcript lines; a removed line's id is never reused


# -- outcomes -----------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    kind: str   # one of OUTCOME_KINDS
    text: str


@dataclass(frozen=True)
class Pass:
    name: str
    step_index: int
    round_number: int


@dataclass(frozen=True)
class Mark:
    """A ticked point on a checklist, in one of its two columns ("doe ik al", "wil ik meer gaan doen")."""

    checklist: str
    index: int
    column: str = "doe_ik_al"


@dataclass(frozen=True)
class MarkNote:
    """The procesbegeleider's own line at a point of a checklist."""

    checklist: str
    index: int
    text: str


@dataclass(frozen=True)
class Outcomes(_Evolving):
    hulpvraag: Optional[str] = None
    noted: tuple[Outcome, ...] = ()
    checklist: tuple[Mark, ...] = ()
    checklist_notes: tuple[MarkNote, ...] = ()
    passes: tuple[Pass, ...] = ()

    def text(self, kind: str) -> Optional[str]:
        return next((o.text for o in self.noted if o.kind == kind), None)


# -- health -------------------------------------------------------------------------

@dataclass(frozen=True)
class Failure:
    part: str     # speech, asr, store
    notice: str


@dataclass(frozen=True)
class Health(_Evolving):
    notices: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    mic_ok: bool = True


# -- choosing who brings the case -----------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    """Someone who wants to bring a topic, with its score (1-10) where the method scores."""

    name: str
    topic: Optional[str] = None
    score: Optional[float] = None


@dataclass(frozen=True)
class Moment:
    """Something between or before steps: a yes/no question, a denkpauze, a pause after a phase."""

    kind: str                      # "ask", "denkpauze", "pause_after"
    until: Optional[float] = None  # clock time a pause ends


@dataclass(frozen=True)
class Prompting:
    """The prompts of a step still to come: the index of the next, due at `due` step-active seconds."""

    next: int
    every: float
    due: float


# -- the whole ----------------------------------------------------------------------

@dataclass(frozen=True)
class State(_Evolving):
    setup: Setup
    status: Status = "ready"
    step_index: int = 0
    records: tuple[StepRecord, ...] = ()
    timer: Timer = Timer()
    round: Optional[RoundState] = None
    next_turn_id: int = 1
    speech: Speech = Speech()
    outcomes: Outcomes = Outcomes()
    health: Health = Health()
    hints: tuple[str, ...] = ()      # how-to hints already given once ("pass", "next_step")
    chosen: Optional[str] = None     # the inbrenger chosen during the meeting
    candidates: tuple[Candidate, ...] = ()  # topics that still wait their turn (snelle adviesrondes)
    topics_done: tuple[str, ...] = ()       # who already had their topic (or their ronde)
    awaiting: Optional[str] = None   # "inbrenger": the step waits until someone is chosen
    moment: Optional[Moment] = None  # a question or a timed pause in progress
    prompting: Optional[Prompting] = None  # a step's prompts still to come (AKAD's compensatiematrix)

    @property
    def method(self) -> Method:
        return self.setup.method

    @property
    def step(self) -> Step:
        return self.method.steps[self.step_index]

    @property
    def inbrenger(self) -> Optional[str]:
        """Who brings the case: given at setup, or chosen during the meeting (None: not yet)."""
        # Once someone's case is done (a next topic, a second ronde), the setup's name no longer holds.
        return self.chosen or (None if self.topics_done else self.setup.inbrenger)

    @property
    def transcript(self) -> tuple[Line, ...]:
        return self.speech.transcript

    def with_record(self, index: int, **changes) -> "State":
        records = list(self.records)
        records[index] = replace(records[index], **changes)
        return replace(self, records=tuple(records))
