"""Error answers in Dutch: a calm page for people, a JSON error for scripts, never a traceback.

Every failure a user can meet is a facilitator.errors.UserError (a stable code, one Dutch
sentence, a status); here it becomes an HTTP answer: JSON {"error", "code", "status"} for
scripts and the API, the error page for people.
"""

from __future__ import annotations

import logging

from flask import Flask, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from facilitator.errors import UserError
from facilitator.service import UnknownMeeting
from methods import UnknownMethod

log = logging.getLogger("web")

MESSAGES = {
    400: ("Verzoek niet begrepen", "Het verzoek kon niet worden verwerkt."),
    401: ("Koppelen nodig", "Koppel dit apparaat eerst met de code op het scherm van de gastheer."),
    403: ("Niet toegestaan", "Dit mag vanaf dit apparaat niet."),
    404: ("Niet gevonden", "Deze pagina of bijeenkomst bestaat niet (meer)."),
    405: ("Niet toegestaan", "Deze handeling kan zo niet worden uitgevoerd."),
    409: ("Kan nu niet", "Dat kan op dit moment niet."),
    413: ("Te groot", "Het verzoek is te groot."),
    429: ("Even wachten", "Te veel pogingen. Probeer het over een paar minuten opnieuw."),
    500: ("Er ging iets mis", "Er ging iets mis op de server. De bijeenkomst zelf is bewaard; probeer het opnieuw."),
    503: ("Even wachten", "De server is druk. Probeer het zo opnieuw."),
}
# The stable code of an answer that has no UserError behind it.
CODES = {400: "bad_request", 401: "not_paired", 403: "forbidden", 404: "not_found", 405: "not_allowed",
         409: "not_now", 413: "too_large", 429: "too_many_tries", 500: "server_error", 503: "busy"}
UNKNOWN_MEETING = "Deze bijeenkomst bestaat niet (meer)."


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, message: str | None = None, error_code: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    text = message or default
    if wants_json():
        response = jsonify({"error": text, "code": error_code or CODES.get(code, "error"), "status": code})
    else:
        response = render_template("error.html", code=code, title=title, message=text)
    if isinstance(response, str):
        from flask import make_response

        response = make_response(response)
    response.status_code = code
    return response


def fail(code: int, message: str | None = None, error_code: str | None = None):
    """Stop the request with a Dutch error of this status."""
    abort(error_response(code, message, error_code))


def user_error_response(exc: UserError):
    """A failure a user can meet, with its own status, code and sentence."""
    return error_response(exc.status, exc.message, exc.code)


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, "De beveiligingscode van dit formulier ontbreekt of is verlopen. "
                                   "Laad de pagina opnieuw en probeer het nog eens.")

    app.register_error_handler(UserError, user_error_response)

    @app.errorhandler(UnknownMeeting)
    def unknown_meeting(exc: UnknownMeeting):
        # The service's sentence points to the CLI; a screen says it plainly.
        return error_response(404, UNKNOWN_MEETING, exc.code)

    @app.errorhandler(UnknownMethod)
    def unknown_method(exc: UnknownMethod):
        return error_response(404, str(exc).replace(" Zie 'facilitator methods list'.", ""), "unknown_method")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.response is not None:
            return exc.response
        code = exc.code or 500
        return error_response(code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # The exception's text may quote what someone said: log its type only.
        log.error("onverwachte fout %s bij %s %s", type(exc).__name__, request.method, request.path)
        return error_response(500)
