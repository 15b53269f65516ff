"""Test-only render hooks, loaded inside the speech worker process by file path."""

import os
import threading


def misbehave(text: str) -> None:
    if "HANG" in text:
        threading.Event().wait()  # a render that never finishes, like a wedged espeak loop
    if "CRASH" in text:
        os._exit(3)  # the worker dies mid-cue
