"""The web dashboard: set up, follow and review a meeting in the browser."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from flask import Flask, current_app

from web.secrets_store import api_token, secret_key

log = logging.getLogger("web")

DEFAULTS: dict[str, Any] = {
    "HOST": "127.0.0.1",
    "PORT": 8765,
    "EXTRA_HOSTS": (),
    # One SSE stream holds one waitress thread for as long as a screen is open;
    # MAX_STREAMS keeps THREADS - MAX_STREAMS threads free for pages and commands.
    "THREADS": 48,
    "MAX_STREAMS": 40,
    "SSE_KEEPALIVE_SECONDS": 15.0,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    # serve turns this on: a loopback peer is the host only after opening the login link.
    "HOST_LOGIN": False,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Strict",
    # A live page stays open for a whole meeting; its CSRF token must outlive an hour.
    "WTF_CSRF_TIME_LIMIT": None,
    # We call csrf.protect() ourselves so a valid API token can skip it.
    "WTF_CSRF_CHECK_DEFAULT": False,
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
}


@dataclass
class WebState:
    """What the blueprints share: the meeting service, the methods, the open streams."""

    service: Any
    library: Any
    max_streams: int
    streams: int = 0
    # Streams per client (a paired device, the host, a script): one client can never take them all,
    # and HOST_RESERVE of them are only for the host, so its own screen always gets through.
    per_client: dict[str, int] = field(default_factory=dict)
    max_per_client: int = 6
    host_reserve: int = 4
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set when the server stops, so open streams end within a second instead of holding threads.
    stopping: threading.Event = field(default_factory=threading.Event)

    def open_stream(self, client: str = "host", host: bool = True) -> bool:
        with self.lock:
            if self.streams >= self.max_streams:
                return False
            if not host and (self.streams >= self.max_streams - self.host_reserve
                             or self.per_client.get(client, 0) >= self.max_per_client):
                return False
            self.streams += 1
            self.per_client[client] = self.per_client.get(client, 0) + 1
            return True

    def close_stream(self, client: str = "host") -> None:
        with self.lock:
            self.streams -= 1
            left = self.per_client.get(client, 1) - 1
            if left > 0:
                self.per_client[client] = left
            else:
                self.per_client.pop(client, None)


def state() -> WebState:
    return current_app.extensions["facilitator"]


def create_app(service, config: Optional[dict[str, Any]] = None) -> Flask:
    """The dashboard for one MeetingService.

    config: DATA_DIR (defaults to the service's store folder), HOST (the address served on;
    anything but loopback turns pairing on), EXTRA_HOSTS (more names the Host
    header may carry, e.g. the laptop's LAN address), LIBRARY (defaults to
    service.library), and any Flask setting.
    """
    from web import api, errors, pages, pairing, security, shaping, sse

    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    data_dir = Path(app.config.get("DATA_DIR") or getattr(service, "data_dir", None) or service.store.data_dir)
    app.config["DATA_DIR"] = data_dir
    # One cookie name per instance: two servers on one host (other port or data folder) never
    # overwrite each other's session (browsers keep cookies per host name, not per port).
    instance = hashlib.sha256(f"{Path(data_dir).resolve()}:{app.config['PORT']}".encode()).hexdigest()[:10]
    if "SESSION_COOKIE_NAME" not in (config or {}):
        app.config["SESSION_COOKIE_NAME"] = f"facilitator_{instance}"
    app.config["SECRET_KEY"] = secret_key(data_dir)
    app.config["API_TOKEN"] = api_token(data_dir)
    host = app.config["HOST"]
    app.config["LOOPBACK_ONLY"] = security.is_loopback(security.host_name(host)) or host == "localhost"
    app.config["ALLOWED_HOSTS"] = security.allowed_hosts(host, tuple(app.config["EXTRA_HOSTS"]))
    app.config["DEBUG"] = False
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    library = app.config.get("LIBRARY") or getattr(service, "library")
    app.extensions["facilitator"] = WebState(service=service, library=library,
                                             max_streams=int(app.config["MAX_STREAMS"]))

    errors.init_errors(app)
    security.init_security(app)
    app.register_blueprint(pairing.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(sse.bp)

    app.jinja_env.filters["clock"] = shaping.clock
    app.jinja_env.filters["duration"] = shaping.duration_words
    app.jinja_env.filters["dutch_date"] = shaping.dutch_date
    app.jinja_env.filters["minutes"] = shaping.minutes_value
    app.jinja_env.filters["roles"] = shaping.role_words
    app.jinja_env.globals["STATUS_WORDS"] = shaping.STATUS_WORDS
    app.jinja_env.globals["RATINGS"] = shaping.RATINGS
    return app


def stop_streams(app: Flask) -> None:
    """End every open event stream (call before shutting the WSGI server down)."""
    app.extensions["facilitator"].stopping.set()


def pairing_code(app: Flask) -> Optional[str]:
    """This run's pairing code (None on loopback, where no pairing is needed), for screens and voice."""
    if app.config.get("LOOPBACK_ONLY"):
        return None
    return app.extensions["facilitator_pairing"].code


def login_link(app: Flask) -> str:
    """The host's one-time login link for this run (a fresh one is in the data folder's login-link file)."""
    return app.extensions["facilitator_login"].link
