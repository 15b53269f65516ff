"""Pairing a phone or laptop on the LAN with the host's code, and the host's device list."""

from __future__ import annotations

import re

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for

from web.errors import fail
from web.security import LOGIN_NEEDED, Pairing, active_meetings, device_label, safe_next

bp = Blueprint("pairing", __name__)


def _pairing() -> Pairing:
    return current_app.extensions["facilitator_pairing"]


@bp.route("/koppelen", methods=["GET", "POST"])
def pair():
    target = safe_next(request.values.get("volgende"))
    if g.access.role is not None:
        return redirect(target)
    pairing = _pairing()
    address = request.remote_addr or "?"
    error = None
    status = 200
    if request.method == "POST":
        if pairing.locked(address):
            fail(429)
        device = pairing.try_pair(request.form.get("code", ""), address,
                                  device_label(request.headers.get("User-Agent", "")), meetings=_meetings_for(target))
        if device is not None:
            session.clear()
            session.permanent = True
            session["epoch"] = pairing.epoch
            session["device"] = device.id
            return redirect(target)
        error = "Die code klopt niet. Kijk op het scherm van de gastheer en probeer het opnieuw."
        status = 400
    return render_template("pair.html", error=error, volgende=target), status


def _meetings_for(target: str) -> tuple[str, ...]:
    """The meeting a device pairs for: the one its link names, else those that are on now."""
    named = re.match(r"^/bijeenkomsten/([A-Za-z0-9_-]{1,64})(?:/|$)", target)
    return (named.group(1),) if named else active_meetings()


@bp.route("/inloggen")
def login():
    """The host's one-time link: a session cookie for this browser, then the page it asked for."""
    target = safe_next(request.args.get("volgende"))
    if g.access.is_host:
        return redirect(target)
    if current_app.extensions["facilitator_login"].use(request.args.get("token", "")):
        session.clear()
        session.permanent = True
        session["host"] = True
        return redirect(target)
    if g.access.kind == "login" or request.args.get("token"):
        return render_template("error.html", code=401, title="Inloggen nodig", message=LOGIN_NEEDED), 401
    return redirect(url_for("pairing.pair", volgende=target))


def _host_only():
    if not g.access.is_host:
        fail(403, "Alleen op de computer van de gastheer kun je apparaten beheren.")


@bp.route("/apparaten")
def devices():
    _host_only()
    return render_template("devices.html", pairing=_pairing(),
                           lan=not current_app.config["LOOPBACK_ONLY"])


@bp.route("/apparaten/<device_id>", methods=["POST"])
def device_action(device_id: str):
    _host_only()
    pairing = _pairing()
    action = request.form.get("actie")
    if action == "bediening":
        found = pairing.set_control(device_id, True)
        message = "Dit apparaat mag nu bedienen."
    elif action == "meekijken":
        found = pairing.set_control(device_id, False)
        message = "Dit apparaat kijkt nu alleen mee."
    elif action == "ontkoppelen":
        found = pairing.forget(device_id)
        message = "Apparaat ontkoppeld."
    else:
        fail(400, "Onbekende handeling.")
    if not found:
        fail(404, "Dit apparaat is niet (meer) gekoppeld.")
    flash(message)
    return redirect(url_for("pairing.devices"))
