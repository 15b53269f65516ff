"""A child process's lifeline: it ends when its parent ends, also after `kill -9` of the parent.

Two ways, because either alone can miss: the kernel's parent-death signal (Linux prctl
PR_SET_PDEATHSIG, asked for through ctypes) and a thread that watches the pipe multiprocessing
keeps to the parent (its sentinel becomes readable when the parent is gone, on any platform).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from typing import Any, Callable

PR_SET_PDEATHSIG = 1


def bound(target: Callable[..., Any], *args: Any) -> Any:
    """Run `target(*args)` in a child that dies with its parent (use as a Process target)."""
    hold()
    return target(*args)


def hold() -> None:
    """From now on this process ends when its parent does."""
    parent = multiprocessing.parent_process()
    expected = parent.pid if parent is not None else os.getppid()
    if sys.platform.startswith("linux"):
        _death_signal()
    if parent is not None and parent.sentinel is not None:
        threading.Thread(target=_watch, args=(parent.sentinel,), name="parent-watch", daemon=True).start()
    if os.getppid() != expected:  # the parent died before the signal was asked for
        os._exit(1)


def _death_signal() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl here: the pipe watch still ends us


def _watch(sentinel: int) -> None:
    try:
        multiprocessing.connection.wait([sentinel])
    except OSError:
        pass
    os._exit(1)
