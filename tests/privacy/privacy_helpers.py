"""Helpers for the privacy tests: a guarded environment, raw-byte search, file modes."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Optional

from faults_helpers import REPO, cli_env

NETGUARD = Path(__file__).parent / "netguard"


def guarded_env(data_dir: Path, log: Path, extra: Optional[dict] = None) -> dict[str, str]:
    """cli_env plus the network guard (sitecustomize) in every Python process started from it."""
    env = cli_env(data_dir, extra)
    env["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["NETGUARD_LOG"] = str(log)
    return env


def guard_report(log: Path) -> tuple[int, list[str]]:
    """(processes that had the guard on, blocked attempts)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return sum(1 for l in lines if l.endswith("guard on")), [l for l in lines if "BLOCKED" in l]


def db_files(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / f"facilitator.db{s}" for s in ("", "-wal", "-shm")) if p.exists()]


def forms(text: str) -> list[bytes]:
    """The ways a text can sit in a file: UTF-8, JSON-escaped, UTF-16."""
    import json

    out = {text.encode("utf-8"), json.dumps(text)[1:-1].encode("ascii"), text.encode("utf-16-le")}
    return sorted(out)


def files_containing(paths, text: str) -> list[str]:
    found = []
    for path in paths:
        data = path.read_bytes() if isinstance(path, Path) else path
        if any(f in data for f in forms(text)):
            found.append(str(path) if isinstance(path, Path) else "<output>")
    return found


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def bad_modes(data_dir: Path) -> list[str]:
    """Every file in the data folder that is not 0600 and every folder that is not 0700."""
    bad = []
    if mode(data_dir) != 0o700:
        bad.append(f"{data_dir} {oct(mode(data_dir))}")
    for path in data_dir.rglob("*"):
        want = 0o700 if path.is_dir() else 0o600
        if mode(path) != want:
            bad.append(f"{path} {oct(mode(path))}")
    return bad
