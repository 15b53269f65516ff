"""Plain event and effect types shared by the engine and its adapters (voice, web, CLI).

Everything that reaches the engine is an event; everything the engine wants done
is an effect. These are plain frozen dataclasses with no behaviour, so voice and
web can import them without importing the engine. Times are seconds on the
meeting clock: monotonic time live, the audio's stream time in a replay.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Optional, Union

Source = Literal["voice", "web", "keyboard", "api", "replay", "system"]

CommandKind = Literal[
    "start",          # begin the meeting at its first step
    "pass",           # "ik pas": the turn holder passes
    "next_turn",      # "volgende": the turn goes to the next person
    "next_step",      # "volgende stap"
    "previous_step",  # "vorige stap"
    "skip",           # skip the current step without running it
    "pause",
    "resume",
    "extend",         # "nog een minuut": args.seconds, default 60
    "repeat",         # "herhaal": say the step's instruction again
    "remaining",      # "hoeveel tijd nog"
    "tip",            # mark the last (or args.utterance) utterance as a tip
    "set_hulpvraag",  # args.text
    "set_outcome",    # args.kind (one of TEXT_OUTCOME_KINDS), args.text
    "rate",           # args.utterance, args.rating in W/N/K (warm, neutraal, koud)
    "correct",        # args.utterance and any of args.text / args.speaker / args.type
    "note",           # args.text: a typed note, kept in the transcript
    "finish",         # end the meeting now
    "choose_inbrenger",  # args.name or args.seat (1-based); "ik wil" without them: who has the word;
                         # with args.score (1-10) and args.topic: a scored topic that waits its turn
    "explain",        # "waarom doen we dit?": the step's purpose, from the source
    "answer",         # args.answer: "ja" or "nee" to an optional step's question (by voice, key, button)
    "mark_outcome",   # args.kind (hulpvraag, volgende_stap, nuttig, doelen): "dit is mijn hulpvraag" marks
                      # the inbrenger's last line (or args.utterance) as that outcome
    "reopen",         # a finished meeting goes on, paused at the step it ended in
    "checklist",      # args.checklist, args.index; args.column (doe_ik_al | wil_ik_meer) with args.checked,
                      # and/or args.text: the reflectie checklist's two columns and a line per point
]

COMMAND_KINDS: tuple[str, ...] = CommandKind.__args__  # type: ignore[attr-defined]
# How a question lands with the inbrenger (`rate`), and the word screens show for it.
RATINGS: dict[str, str] = {"W": "warm", "N": "neutraal", "K": "koud"}
# The commands that change the step; a group may leave them to the procesbegeleider.
STEP_CHANGING: frozenset[str] = frozenset({"next_step", "previous_step", "skip", "finish"})


@dataclass(frozen=True)
class Command:
    """A command from any channel: a spoken phrase, a button, a key, the API."""

    kind: CommandKind
    source: Source = "keyboard"
    by: Optional[str] = None
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Tick:
    """Time passed; the engine checks its timers."""


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    conf: float = 1.0


@dataclass(frozen=True)
class Utterance:
    """Recognised speech. Partials are shown greyed; only finals are kept."""

    text: str
    start: float
    end: float
    final: bool = True
    words: tuple[Word, ...] = ()
    confidence: Optional[float] = None
    id: Optional[str] = None


@dataclass(frozen=True)
class SpeechActivity:
    """Voice activity: someone started (speaking=True) or stopped talking at `at`."""

    speaking: bool
    at: float


DeviceKind = Literal["mic_lost", "mic_restored", "speech_failed", "speech_restored",
                     "asr_failed", "asr_restored", "store_failed", "store_restored"]


@dataclass(frozen=True)
class DeviceEvent:
    """Something happened to an adapter; the meeting goes on."""

    kind: DeviceKind
    detail: str = ""


Event = Union[Command, Tick, Utterance, SpeechActivity, DeviceEvent]


# -- effects -------------------------------------------------------------------
# Effects are domain facts, not screen data: the engine says what happened (a step was
# entered, a line added, an outcome noted) and adapters decide what to show, say or store.

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


SayKind = Literal["instruction", "turn", "warning", "end", "info"]


@dataclass(frozen=True)
class Say:
    """Speak (and show) a Dutch cue."""

    text: str
    kind: SayKind = "info"


@dataclass(frozen=True)
class Chime:
    """A short tone before an announcement, or alone where words would disturb."""

    kind: Literal["announce", "warning", "end"] = "announce"


@dataclass(frozen=True)
class StatusChanged:
    """The meeting started, paused, resumed or finished."""

    status: str


@dataclass(frozen=True)
class StepEntered:
    index: int


@dataclass(frozen=True)
class TurnMoved:
    """The round moved: someone else has the word, someone passed, a new round, the reply."""

    turn: Optional[str]
    round_number: int
    responding: bool = False
    done: bool = False


@dataclass(frozen=True)
class TimerChanged:
    """The step's clock changed other than by time passing: warned, time up, extended."""

    warned: bool
    time_up: bool
    extra_seconds: float


@dataclass(frozen=True)
class SpeakingChanged:
    """Someone began or stopped talking, or their talk was booked on someone else."""

    who: Optional[str]


@dataclass(frozen=True)
class LineAdded:
    line: Line


@dataclass(frozen=True)
class LineChanged:
    """A line was marked (tip), rated or corrected."""

    line: Line


@dataclass(frozen=True)
class LineRemoved:
    """A line turned out to be a command's own words."""

    line_id: str


# The one list of outcomes the engine captures outside the round items; methods.model, the verslag,
# the pages and their scripts (served to them as data) all take it from here.
OutcomeKind = Literal["hulpvraag", "volgende_stap", "nuttig", "doelen", "terugkoppeling"]
OUTCOME_KINDS: tuple[str, ...] = OutcomeKind.__args__  # type: ignore[attr-defined]
TEXT_OUTCOME_KINDS: tuple[str, ...] = OUTCOME_KINDS[1:]  # what set_outcome takes
# How the verslag and the screens title them, in the order they show them.
OUTCOME_TITLES: dict[str, str] = {
    "hulpvraag": "Hulpvraag",
    "volgende_stap": "Volgende stap",
    "nuttig": "Wat was nuttig",
    "doelen": "Doelen",
    "terugkoppeling": "Terugkoppeling van de vorige keer",
}


@dataclass(frozen=True)
class OutcomeNoted:
    """An outcome was captured or corrected: a round item, a tip, a rating, the hulpvraag...

    `kind` is an OutcomeKind with `text`, a round item ("vraag", "tip") with `line`, or
    "rating", "correction" with `line`, or "checklist".
    """

    kind: str
    text: Optional[str] = None
    line: Optional[Line] = None


@dataclass(frozen=True)
class NoticeRaised:
    text: str


@dataclass(frozen=True)
class NoticeCleared:
    text: str


@dataclass(frozen=True)
class Heard:
    """A partial result: what is being said right now. Shown greyed, never stored."""

    text: str
    speaker: str


@dataclass(frozen=True)
class Rejected:
    """A command made no sense now; the reason is for screens, not for speech."""

    command: str
    reason: str


Effect = Union[Say, Chime, StatusChanged, StepEntered, TurnMoved, TimerChanged, SpeakingChanged, LineAdded,
               LineChanged, LineRemoved, OutcomeNoted, NoticeRaised, NoticeCleared, Heard, Rejected]

# The facts after which a screen's view of the meeting is different (a Say: the last cue shown).
VIEW_FACTS = (Say, StatusChanged, StepEntered, TurnMoved, TimerChanged, SpeakingChanged, NoticeRaised,
              NoticeCleared)


def changes_view(effect: Effect) -> bool:
    # The hulpvraag, the inbrenger chosen in the meeting and scored topics are shown in the view.
    return isinstance(effect, VIEW_FACTS) or (isinstance(effect, OutcomeNoted)
                                              and effect.kind in ("hulpvraag", "inbrenger", "onderwerp"))


def to_dict(obj: Any) -> dict[str, Any]:
    """An event or effect as JSON-ready data, tagged with its type."""
    data = asdict(obj)
    data["type"] = type(obj).__name__
    return data


_TYPES = {cls.__name__: cls for cls in (Command, Tick, Utterance, SpeechActivity, DeviceEvent)}


def event_from_dict(data: dict[str, Any]) -> Event:
    """Rebuild an event stored by `to_dict` (the store's log format)."""
    data = dict(data)
    cls = _TYPES[data.pop("type")]
    if cls is Utterance:
        data["words"] = tuple(Word(**w) for w in data.get("words", ()))
    return cls(**data)
