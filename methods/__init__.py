"""The method library: every meeting method of the source documents, as validated data."""

from methods.loader import (
    BUILTIN_DIR,
    Library,
    MethodFileError,
    MethodFileInvalid,
    UnknownMethod,
    load_file,
    load_library,
    validate_files,
)
from methods.model import ITEMS, Method, Round, Step, minutes_json, minutes_text

__all__ = [
    "BUILTIN_DIR", "ITEMS", "Library", "Method", "MethodFileError", "MethodFileInvalid",
    "Round", "Step", "UnknownMethod", "load_file", "load_library", "minutes_json",
    "minutes_text", "validate_files",
]
