"""Render hook for the hung-speech test, loaded in the speech worker process by file path."""

import threading


def hang_on_step_two(text: str) -> None:
    if text.startswith("Stap 2"):
        threading.Event().wait()  # the render never finishes, like a wedged espeak loop
