"""The JSON API: the same meetings and commands as the pages, voice and keys (see web/API.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from facilitator import lookback
from web import meetings as m
from web import schemas, shaping
from web.errors import fail

bp = Blueprint("api", __name__, url_prefix="/api")


def _body() -> dict[str, Any]:
    return schemas.json_body()


def _string(data: dict[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            fail(400, f"Het veld '{name}' ontbreekt.")
        return None
    if not isinstance(value, str):
        fail(400, f"Het veld '{name}' moet tekst zijn.")
    return value.strip() or None


def _card(method) -> dict[str, Any]:
    card = shaping.method_card(method)
    card.pop("search", None)
    return card


@bp.get("/methods")
def methods():
    return jsonify([_card(method) for method in m.library()])


@bp.get("/methods/<method_id>")
def method(method_id: str):
    return jsonify(_card(m.method_or_404(method_id)))


@bp.get("/meetings")
def meetings():
    return jsonify(m.service().meetings())


@bp.post("/meetings")
def create():
    data = _body()
    method_id = _string(data, "method", required=True)
    participants = data.get("participants")
    if not isinstance(participants, list) or not all(isinstance(p, str) for p in participants):
        fail(400, "Het veld 'participants' moet een lijst met namen zijn, in zitvolgorde.")
    # Optional for methods that choose their inbrenger during the meeting.
    inbrenger = _string(data, "inbrenger")
    options = data.get("options")
    if options is not None and not isinstance(options, dict):
        fail(400, "Het veld 'options' moet een object zijn.")
    schemas.validate(schemas.CreateMeeting, data)  # sizes and storable text, after the plain type checks
    # A SetupError (400) or an unknown method (404) is answered by web/errors.py.
    meeting_id = m.service().create(
        method_id, [p.strip() for p in participants], inbrenger,
        procesbegeleider=_string(data, "procesbegeleider"), hulpvraag=_string(data, "hulpvraag"),
        options=options, nested=data.get("nested"))
    response = jsonify({"id": meeting_id})
    response.status_code = 201
    response.headers["Location"] = f"/api/meetings/{meeting_id}"
    return response


@bp.get("/meetings/<meeting_id>")
def meeting(meeting_id: str):
    return jsonify(m.view(meeting_id))


@bp.delete("/meetings/<meeting_id>")
def delete(meeting_id: str):
    m.service().delete(m.check_id(meeting_id))
    return Response(status=204)


@bp.get("/meetings/<meeting_id>/transcript")
def transcript(meeting_id: str):
    return jsonify(m.service().transcript(m.check_id(meeting_id)))


@bp.get("/meetings/<meeting_id>/outcomes")
def outcomes(meeting_id: str):
    return jsonify(m.service().outcomes(m.check_id(meeting_id)))


@bp.get("/meetings/<meeting_id>/export")
def export(meeting_id: str):
    fmt = request.args.get("format", "md")
    if fmt not in ("md", "json"):
        fail(400, "Kies format=md of format=json.")
    with_transcript = request.args.get("transcript", "1") not in ("0", "false", "nee")
    text = m.service().export(m.check_id(meeting_id), fmt, transcript=with_transcript)
    mimetype = "text/markdown" if fmt == "md" else "application/json"
    return Response(text, mimetype=f"{mimetype}; charset=utf-8")


@bp.post("/meetings/<meeting_id>/commands")
def command(meeting_id: str):
    data = _body()
    kind = data.get("command")
    if not isinstance(kind, str):
        fail(400, "Het veld 'command' ontbreekt; zie /api/methods en web/API.md voor de opdrachten.")
    args = m.command_args(kind, data, from_form=False)
    source = data.get("source")
    if source not in m.SOURCES:
        source = "api" if g.access.kind == "token" else "web"
    by = data.get("by")
    if by is not None and not isinstance(by, str):
        fail(400, "Het veld 'by' moet een naam zijn.")
    result = m.run_command(meeting_id, kind, args, source=source, by=by)
    response = jsonify(result)
    if not result.get("ok"):
        response.status_code = 409
    return response


@bp.post("/meetings/<meeting_id>/checklist")
def checklist(meeting_id: str):
    data = _body()
    checklist_id = _string(data, "checklist", required=True)
    index, checked = data.get("index"), data.get("checked")
    if not isinstance(index, int) or isinstance(index, bool) or not isinstance(checked, bool):
        fail(400, "Geef 'index' (een getal) en 'checked' (true of false).")
    schemas.validate(schemas.Checklist, data)
    result = m.service().set_checklist(m.check_id(meeting_id), checklist_id, index, checked)
    response = jsonify(result)
    if not result["ok"]:
        response.status_code = 409
    return response


@bp.get("/previous")
def previous():
    names = [n.strip() for n in request.args.getlist("participant") if n.strip()]
    if not names:
        return jsonify(None)
    return jsonify(lookback.previous_meeting(m.service(), names))


@bp.get("/pairing")
def pairing():
    if not g.access.is_host:
        fail(403, "Alleen de gastheer ziet de koppelcode.")
    if current_app.config["LOOPBACK_ONLY"]:
        return jsonify({"code": None, "spoken": None, "needed": False})
    pairing = current_app.extensions["facilitator_pairing"]
    return jsonify({"code": pairing.code, "spoken": pairing.spoken, "needed": True})


@bp.post("/notices/store")
def acknowledge_store_notice():
    """The host has read that a damaged database was set aside: stop showing it on every screen."""
    return jsonify({"ok": m.service().store.acknowledge_notice()})
