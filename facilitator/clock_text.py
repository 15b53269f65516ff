"""Seconds as a clock reads them (m:ss, or h:mm:ss from an hour on), for the verslag, screens and the terminal."""

from __future__ import annotations

import math
from typing import Optional


def clock(seconds: Optional[float]) -> str:
    if seconds is None:
        return "–"
    # Half a second rounds up, as the screens' JavaScript (Math.round) does: Python's round() would
    # show 50.5 s as 0:50 in the verslag and 0:51 on the live page.
    total = int(math.floor(abs(seconds) + 0.5))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    sign = "-" if seconds < 0 else ""
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"
