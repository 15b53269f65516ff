"""Who may do what: the Host check, pairing of LAN devices, API tokens, CSRF and headers.

The model, in one place:
- The laptop itself (a loopback peer) is the host: no login, full control.
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
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Optional
from urllib.parse import urlsplit

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from web.errors import fail

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


# -- pairing -------------------------------------------------------------------

@dataclass
class Device:
    id: str
    label: str
    address: str
    paired_at: float
    control: bool = False


@dataclass
class Pairing:
    """The pairing code of this server run and the devices that used it.

    Kept in memory on purpose: restarting the server forgets every device and
    makes a new code, so a lost phone is never paired for longer than a meeting.
    """

    code: str = field(default_factory=lambda: f"{secrets.randbelow(10**6):06d}")
    epoch: str = field(default_factory=lambda: secrets.token_hex(8))
    max_failures: int = 5
    max_failures_total: int = 30
    window_seconds: float = 300.0
    devices: dict[str, Device] = field(default_factory=dict)
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def spoken(self) -> str:
        """The code as voice should say it: digit by digit, in two groups."""
        return " ".join(self.code[:3]) + ", " + " ".join(self.code[3:])

    @property
    def display(self) -> str:
        return f"{self.code[:3]} {self.code[3:]}"

    def locked(self, address: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            self._prune(now)
            total = sum(len(v) for v in self._failures.values())
            return len(self._failures.get(address, ())) >= self.max_failures or total >= self.max_failures_total

    def try_pair(self, code: str, address: str, label: str, now: Optional[float] = None) -> Optional[Device]:
        now = time.monotonic() if now is None else now
        if self.locked(address, now):
            return None
        given = "".join(ch for ch in code if ch.isdigit())
        if not hmac.compare_digest(given.encode(), self.code.encode()):
            with self._lock:
                self._failures.setdefault(address, []).append(now)
            return None
        device = Device(id=secrets.token_hex(8), label=label, address=address, paired_at=time.time())
        with self._lock:
            self.devices[device.id] = device
        return device

    def device(self, device_id: Optional[str]) -> Optional[Device]:
        if not device_id:
            return None
        with self._lock:
            return self.devices.get(device_id)

    def set_control(self, device_id: str, control: bool) -> bool:
        with self._lock:
            device = self.devices.get(device_id)
            if device is None:
                return False
            device.control = control
            return True

    def forget(self, device_id: str) -> bool:
        with self._lock:
            return self.devices.pop(device_id, None) is not None

    def list(self) -> list[Device]:
        with self._lock:
            return sorted(self.devices.values(), key=lambda d: d.paired_at)

    def _prune(self, now: float) -> None:
        for address in list(self._failures):
            kept = [t for t in self._failures[address] if now - t < self.window_seconds]
            if kept:
                self._failures[address] = kept
            else:
                del self._failures[address]


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
    role: Optional[str]          # None (must pair), "viewer" or "control"
    kind: Optional[str]          # "token", "host", "device" or None
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
    if config["LOOPBACK_ONLY"] or is_loopback(request.remote_addr):
        return Access("control", "host")
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


OPEN_ENDPOINTS = frozenset({"static", "pairing.pair"})


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
        if request.path.startswith("/api/") or request.method in UNSAFE_METHODS:
            fail(401, "Koppel dit apparaat eerst met de code die op het scherm van de gastheer staat.")
        return redirect(url_for("pairing.pair", volgende=request.full_path.rstrip("?")))
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


def init_security(app: Flask) -> None:
    csrf.init_app(app)
    app.extensions.setdefault("facilitator_pairing", Pairing())
    app.before_request(guard)
    app.after_request(security_headers)

    @app.context_processor
    def access_context():
        access = g.get("access") or Access(None, None)
        return {"access": access}
