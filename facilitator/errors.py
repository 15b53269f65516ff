"""The one base type for every failure a user can meet: a stable code and one Dutch sentence.

Adapters map it to what their channel needs (web: an HTTP status and a JSON body; the CLI:
a message and an exit code). The code is for programs and tests; the message is for people,
says what to do, and never quotes what was said in the meeting.
"""

from __future__ import annotations


class UserError(Exception):
    """A failure with a stable machine code and one Dutch sentence that says what to do."""

    #: The HTTP-like kind of failure, for adapters: 400 bad input, 404 unknown, 409 not now,
    #: 503 a part of the machine (disk, database, device) cannot do it right now.
    status: int = 400
    #: The default code of this class; an instance may carry a more precise one.
    code: str = "bad_request"

    def __init__(self, message: str, code: str | None = None, *, status: int | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        return {"error": self.message, "code": self.code, "status": self.status}
