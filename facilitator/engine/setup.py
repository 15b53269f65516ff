"""A meeting's setup: the method, who sits where, and the options a group can change."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal, Optional

from facilitator.errors import UserError
from facilitator.notices import notice as notice_text
from methods import Method


class SetupError(UserError, ValueError):
    """The meeting cannot be set up as asked; the message is one Dutch sentence."""

    code = "setup_invalid"


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
    # Say the ten general spelregels of intervisie (seed 004) briefly at the start.
    spelregels: bool = False

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
class PreviousCase:
    """What the group's last meeting gave its inbrenger, for this meeting's terugkoppeling (AKAD stap 1)."""

    inbrenger: str
    hulpvraag: Optional[str] = None
    tips: tuple[str, ...] = ()
    volgende_stap: Optional[str] = None

    @classmethod
    def from_dict(cls, data: Optional[dict]) -> Optional["PreviousCase"]:
        if not data or not data.get("inbrenger"):
            return None
        return cls(str(data["inbrenger"]), data.get("hulpvraag"), tuple(data.get("tips") or ()),
                   data.get("volgende_stap"))


@dataclass(frozen=True)
class Setup:
    method: Method
    participants: tuple[str, ...]
    inbrenger: Optional[str]   # None: chosen during the meeting (methods that say so), or not yet known
    procesbegeleider: Optional[str] = None
    options: Options = field(default_factory=Options)
    hulpvraag: Optional[str] = None
    previous: Optional[PreviousCase] = None  # the last meeting's case, where a step looks back on it

    @property
    def warnings(self) -> tuple[str, ...]:
        size = self.method.group_size
        if size and not (size[0] <= len(self.participants) <= size[1]):
            return (notice_text("group_size", method=self.method.name, low=size[0], high=size[1],
                                count=len(self.participants)),)
        return ()


def nest(library, method: Method, nested=None) -> Method:
    """`method` as a meeting runs it: the chosen method's steps inside its rondes (the bijeenkomst)."""
    from methods.compose import NestError, compose

    try:
        return compose(method, library.methods, nested)
    except NestError as exc:
        raise SetupError(str(exc)) from None


def make_setup(method: Method, participants, inbrenger: Optional[str], procesbegeleider: Optional[str] = None,
               options: Optional[dict] = None, hulpvraag: Optional[str] = None, planning: bool = False,
               previous: Optional[PreviousCase] = None) -> Setup:
    """Check a meeting's setup; every problem is one clear Dutch sentence.

    Without an inbrenger the method must choose one during the meeting, unless this is only
    a plan (`planning`): then the inbrenger is simply not known yet.
    """
    names = tuple(" ".join(str(p).split()) for p in participants)
    names = tuple(n for n in names if n)
    if len(names) < 2:
        raise SetupError("Geef minstens twee deelnemers op, in de volgorde waarin ze zitten.")
    counts = Counter(n.casefold() for n in names)  # linear: a list.count per name was quadratic
    dupes = sorted({n for n in names if counts[n.casefold()] > 1})
    if dupes:
        raise SetupError(f"Namen moeten uniek zijn; dubbel: {', '.join(dupes)}. Voeg bijvoorbeeld een initiaal toe.")
    by_fold = {n.casefold(): n for n in names}
    wanted = " ".join(str(inbrenger or "").split())
    inbrenger_name = by_fold.get(wanted.casefold()) if wanted else None
    if wanted and inbrenger_name is None:
        raise SetupError(f"De inbrenger '{inbrenger}' staat niet bij de deelnemers ({', '.join(names)}).")
    if not wanted and not (planning or method.chooses_inbrenger):
        raise SetupError(f"Zeg wie de casus inbrengt: bij {method.name} kiest de groep dat niet tijdens de "
                         "bijeenkomst.")
    pb_name = None
    if procesbegeleider:
        pb_name = by_fold.get(" ".join(str(procesbegeleider).split()).casefold())
        if pb_name is None:
            raise SetupError(f"De procesbegeleider '{procesbegeleider}' staat niet bij de deelnemers ({', '.join(names)}).")
        if inbrenger_name is not None and pb_name == inbrenger_name:
            raise SetupError("De inbrenger kan niet ook de procesbegeleider zijn.")
    opts = Options.from_dict(options) if not isinstance(options, Options) else options
    return Setup(method=method, participants=names, inbrenger=inbrenger_name, procesbegeleider=pb_name,
                 options=opts, hulpvraag=(hulpvraag or None), previous=previous)
