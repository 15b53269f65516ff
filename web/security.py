"""Who may do what: the Host check, pairing of LAN devices, API tokens, CSRF and headers.

The model, in one place:
- The host is whoever opened the one-time login link `serve` prints (a session cookie), as
  Jupyter does: other user accounts on the same machine are loopback peers too, and get nothing
  without it. (An app made without HOST_LOGIN, as in tests, treats a loopback peer as the host.)
- Served on the LAN (`--host` not loopback), any other device must first pair
  with the code printed on the host's terminal (and shown on the host's
  dashboard); a paired device is a viewer until the host gives it control.
- Scripts send `Authorization: Bearer <api-token>` (the file in the data folder)
  and then skip CSRF, which protects browsers, not scripts.
- Every state change is a POST (never GET) and, from a browser, carries a CSRF
  token; the Host header must name this server, which stops DNS rebinding.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from web.devices import Device, Pairing  # noqa: F401  (re-exported: the pairing model of this module's access)
from web.errors import fail
from web.host_login import HostLogin

csrf = CSRFProtect()

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)


def is_loopback(address: Optional[str]) -> bool:
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-cased: '[::1]:8765' -> '::1'."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    if host.count(":") == 1:
        return host.split(":", 1)[0]
    return host


# -- pairing (web/devices.py keeps the devices and the code) ----------------------

def device_label(user_agent: str) -> str:
    """A short, recognisable name for a device, from its User-Agent."""
    ua = user_agent or ""
    browser = next((name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                          ("Safari/", "Safari")) if key in ua), "Browser")
    system = next((name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
                                         ("Windows", "Windows"), ("Mac OS", "Mac"), ("Linux", "Linux"))
                   if key in ua), "onbekend systeem")
    return f"{browser} op {system}"


# -- access --------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    role: Optional[str]          # None (must pair or log in), "viewer" or "control"
    kind: Optional[str]          # "token", "host", "device", "login" (must log in) or None
    device: Optional[Device] = None

    @property
    def can_control(self) -> bool:
        return self.role == "control"

    @property
    def is_host(self) -> bool:
        return self.kind in ("host", "token")


def _bearer(header: str) -> Optional[str]:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def resolve_access() -> Access:
    config = current_app.config
    header = request.headers.get("Authorization")
    if header is not None:
        token = _bearer(header)
        if token is None or not hmac.compare_digest(token.encode(), config["API_TOKEN"].encode()):
            fail(401, "Het API-token klopt niet. Gebruik de inhoud van het bestand api-token in de gegevensmap.")
        return Access("control", "token")
    if session.get("host") is True:
        return Access("control", "host")
    if config["LOOPBACK_ONLY"] or is_loopback(request.remote_addr):
        return Access("control", "host") if not config.get("HOST_LOGIN") else Access(None, "login")
    pairing: Pairing = current_app.extensions["facilitator_pairing"]
    if session.get("epoch") == pairing.epoch:
        device = pairing.device(session.get("device"))
        if device is not None:
            return Access("control" if device.control else "viewer", "device", device)
    return Access(None, None)


def safe_next(target: Optional[str], default: str = "/") -> str:
    """A local path to go back to; anything else (another site, '//x') is ignored."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


OPEN_ENDPOINTS = frozenset({"static", "pairing.pair", "pairing.login"})
LOGIN_NEEDED = ("Log in met de link die 'facilitator serve' toonde (ook te vinden in het bestand login-link "
                "in de gegevensmap).")


def guard():
    """Runs before every request: Host, pairing, CSRF, control."""
    config = current_app.config
    if host_name(request.host) not in config["ALLOWED_HOSTS"]:
        fail(400, "Dit adres wordt niet herkend. Open het dashboard via het adres dat de server toont.")
    if request.endpoint == "static":
        g.access = Access(None, None)
        return None
    access = resolve_access()
    g.access = access
    if access.role is None and request.endpoint not in OPEN_ENDPOINTS:
        if access.kind == "login":
            if request.path.startswith("/api/") or request.method in UNSAFE_METHODS:
                fail(401, LOGIN_NEEDED)
            return redirect(url_for("pairing.login", volgende=request.full_path.rstrip("?")))
        if request.path.startswith("/api/") or request.method in UNSAFE_METHODS:
            fail(401, "Koppel dit apparaat eerst met de code die op het scherm van de gastheer staat.")
        return redirect(url_for("pairing.pair", volgende=request.full_path.rstrip("?")))
    if access.kind == "device" and not access.can_control:
        viewer_scope(access.device)
    if request.method in UNSAFE_METHODS:
        if access.kind != "token":
            csrf.protect()
        if request.endpoint not in OPEN_ENDPOINTS and not access.can_control:
            fail(403, "Dit apparaat kijkt alleen mee. Vraag de gastheer om bediening.")
    return None


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        # Meetings are confidential: no copies in browser or proxy caches.
        headers["Cache-Control"] = "no-store"
    return response


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    names = {*LOOPBACK_NAMES, *(h.lower() for h in extra)}
    if bind_host and bind_host not in ("0.0.0.0", "::"):
        names.add(host_name(bind_host) if bind_host.startswith("[") else bind_host.lower())
    return frozenset(names)


# What a viewer may open: the pages and reads of the meetings it was paired for, and the methods.
VIEWER_MEETING_ENDPOINTS = frozenset({"pages.live", "pages.room", "pages.review", "api.meeting", "api.transcript",
                                      "api.outcomes", "sse.events"})
VIEWER_OPEN_ENDPOINTS = frozenset({"api.methods", "api.method", "pages.agenda"})


def active_meetings() -> tuple[str, ...]:
    service = current_app.extensions["facilitator"].service
    return tuple(m["id"] for m in reversed(service.meetings()) if m.get("status") in ("ready", "running", "paused"))


def viewer_scope(device: Device) -> None:
    """A viewer sees the meeting it was paired for; the archive, exports and earlier meetings need control."""
    endpoint = request.endpoint or ""
    if endpoint in VIEWER_OPEN_ENDPOINTS or endpoint in OPEN_ENDPOINTS:
        return
    # Paired before any meeting was set up: the meetings that are on now, never the archive.
    allowed = device.meetings or active_meetings()
    meeting = (request.view_args or {}).get("meeting_id")
    if endpoint in VIEWER_MEETING_ENDPOINTS and meeting in allowed:
        return
    if endpoint == "pages.start" and request.method == "GET" and allowed:
        abort(redirect(url_for("pages.live", meeting_id=allowed[-1])))
    fail(403, "Dit apparaat kijkt alleen mee met de bijeenkomst waarvoor het gekoppeld is. "
              "Vraag de gastheer om bediening voor meer.")


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    app.extensions.setdefault("facilitator_pairing", Pairing.in_folder(app.config["DATA_DIR"]))
    app.extensions.setdefault("facilitator_login", HostLogin(app.config["DATA_DIR"], app.config["HOST"],
                                                             app.config["PORT"]))
    app.before_request(guard)
    app.after_request(security_headers)

    @app.context_processor
    def access_context():
        access = g.get("access") or Access(None, None)
        return {"access": access}
