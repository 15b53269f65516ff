"""Error answers in Dutch: a calm page for people, a JSON error for scripts, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, abort, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    text = message or default
    if wants_json():
        response = jsonify({"error": text, "status": code})
    else:
        response = render_template("error.html", code=code, title=title, message=text)
    if isinstance(response, str):
        from flask import make_response

        response = make_response(response)
    response.status_code = code
    return response


def fail(code: int, message: str | None = None):
    """Stop the request with a Dutch error of this status."""
    abort(error_response(code, message))


def init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(400, "De beveiligingscode van dit formulier ontbreekt of is verlopen. "
                                   "Laad de pagina opnieuw en probeer het nog eens.")

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
