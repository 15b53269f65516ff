"""The pure step engine: state, the transition function and read-only views."""

from facilitator.engine.commands import ALLOWED, STEP_CHANGING
from facilitator.engine.core import apply, new_state
from facilitator.engine.state import GROUP, Options, SetupError, Setup, State, make_setup, nest
from facilitator.engine.view import meeting_elapsed, outcomes, remaining_seconds, speaking_by_step, speaking_totals, transcript, view

__all__ = [
    "ALLOWED", "GROUP", "Options", "STEP_CHANGING", "Setup", "SetupError", "State", "apply", "make_setup", "nest",
    "meeting_elapsed", "new_state", "outcomes", "remaining_seconds", "speaking_by_step", "speaking_totals",
    "transcript", "view",
]
