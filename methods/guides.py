"""The facilitator's guides as data: the checklists of seed 003 and the spelregels of seed 004."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

GUIDES_DIR = Path(__file__).parent / "guides"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Checklist(_Frozen):
    id: str
    title: str
    intro: Optional[str] = None
    items: tuple[str, ...] = Field(min_length=1)


class Checklists(_Frozen):
    source: str
    columns: tuple[str, ...] = ()
    checklists: tuple[Checklist, ...]

    def get(self, checklist_id: str) -> Checklist:
        for c in self.checklists:
            if c.id == checklist_id:
                return c
        raise KeyError(checklist_id)


class Spelregels(_Frozen):
    source: str
    title: str
    rules: tuple[str, ...] = Field(min_length=1)
    spoken: str = Field(min_length=1, description="all rules, briefly, as said at the start")
    notes: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def checklists() -> Checklists:
    with open(GUIDES_DIR / "checklists.toml", "rb") as f:
        return Checklists.model_validate(tomllib.load(f))


@lru_cache(maxsize=1)
def spelregels() -> Spelregels:
    with open(GUIDES_DIR / "spelregels.toml", "rb") as f:
        return Spelregels.model_validate(tomllib.load(f))


def load_guides() -> dict:
    """Both guides as plain data for screens and exports."""
    return {"checklists": checklists().model_dump(), "spelregels": spelregels().model_dump()}
