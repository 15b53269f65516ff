"""Seconds as a clock reads them (m:ss, or h:mm:ss from an hour on), for the verslag, screens and the terminal."""

from __future__ import annotations

from typing import Optional


def clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    total = int(round(abs(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if seconds < 0 else ""
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
