"""The pages people use: Start, Live, Review, the meetings list, the verslag and downloads."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flask import (Blueprint, Response, flash, g, redirect, render_template, request, url_for)

from facilitator import lookback, notices
from facilitator.verslag import NO_SPEAKING_TIME
from web import meetings as m
from web import shaping
from web.errors import fail
from web.security import safe_next

bp = Blueprint("pages", __name__)

ACTIVE = ("ready", "running", "paused")


# -- start -----------------------------------------------------------------------

def _cards() -> list[dict[str, Any]]:
    return sorted((shaping.method_card(method) for method in m.library()), key=lambda c: c["name"].lower())


def _active_meetings() -> list[dict[str, Any]]:
    return [meeting for meeting in m.service().meetings() if meeting.get("status") in ACTIVE]


def _participants_from_form(form) -> list[str]:
    names = form.getlist("participant")
    if not names and form.get("participants_text"):
        names = re.split(r"[\n,;]+", form["participants_text"])
    return [n.strip() for n in names if n and n.strip()]


def _nested_from_form(form, method_id: str) -> dict[str, str]:
    """The start page's choice of method per ronde ("nested:METHOD:STEP" = id), for the chosen method only."""
    prefix = f"nested:{method_id}:"
    return {key[len(prefix):]: value for key, value in form.items() if key.startswith(prefix) and value}


def _start_time() -> str:
    """The agenda's start as HH:MM: the one asked for, else the next five minutes on the clock."""
    asked = request.args.get("begin", "")
    if re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", asked):
        return asked
    now = datetime.now() + timedelta(minutes=4)
    return now.replace(minute=now.minute - now.minute % 5).strftime("%H:%M")


def _guides() -> dict[str, Any]:
    from methods.guides import checklists, spelregels

    try:
        voorbereiding = checklists().get("voorbereiding")
    except KeyError:
        voorbereiding = None
    return {"spelregels": spelregels(), "voorbereiding": voorbereiding}


@bp.route("/werkvormen/<method_id>/agenda")
def agenda(method_id: str):
    """A printable agenda with clock times, as `facilitator plan --start` prints it."""
    card = shaping.method_card(m.method_or_404(method_id))
    return render_template("agenda.html", card=card, start_time=_start_time(), at=shaping.clock_at,
                           today=shaping.dutch_date(datetime.now()).rsplit(",", 1)[0], **_guides())


@bp.route("/", methods=["GET", "POST"])
def start():
    cards = _cards()
    values: dict[str, Any] = {
        # Nothing chosen for the user: the page offers the last method used, from the browser's memory.
        "method": request.args.get("methode") or "",
        "participants": [],
        "inbrenger": "",
        "procesbegeleider": "",
        "hulpvraag": "",
    }
    error = None
    if request.method == "POST":
        form = request.form
        values.update({
            "method": form.get("method", ""),
            "participants": _participants_from_form(form),
            "inbrenger": form.get("inbrenger", "").strip(),
            "procesbegeleider": form.get("procesbegeleider", "").strip(),
            "hulpvraag": form.get("hulpvraag", "").strip(),
        })
        try:
            if not values["method"]:
                raise m.SetupError("Kies eerst een werkvorm.")
            meeting_id = m.service().create(
                values["method"], values["participants"], values["inbrenger"],
                procesbegeleider=values["procesbegeleider"] or None,
                hulpvraag=values["hulpvraag"] or None, nested=_nested_from_form(form, values["method"]))
        except m.SetupError as exc:
            error = str(exc)
        except m.UnknownMethod as exc:
            error = str(exc).replace(" Zie 'facilitator methods list'.", "")
        else:
            return redirect(url_for("pages.live", meeting_id=meeting_id))
    selected = next((c for c in cards if c["id"] == values["method"]), None)
    return render_template("start.html", cards=cards, selected=selected, values=values, error=error,
                           active=_active_meetings(), start_time=_start_time(), at=shaping.clock_at,
                           **_guides()), (400 if error else 200)


# -- meetings ---------------------------------------------------------------------

@bp.route("/bijeenkomsten")
def meetings():
    rows = m.service().meetings()
    rows = sorted(rows, key=lambda r: r.get("created") or "", reverse=True)
    return render_template("meetings.html", meetings=rows)


@bp.route("/bijeenkomsten/<meeting_id>")
def live(meeting_id: str):
    view = m.view(meeting_id)
    transcript = m.service().transcript(m.check_id(meeting_id))
    outcomes = m.service().outcomes(m.check_id(meeting_id))
    terugkoppeling_steps = _terugkoppeling_steps(view)
    previous = _previous_for(view) if terugkoppeling_steps else None
    return render_template("live.html", view=view, transcript=transcript[-60:], outcomes=outcomes,
                           speaking=shaping.speaking_rows(view), previous=previous,
                           terugkoppeling_steps=terugkoppeling_steps,
                           line_types=shaping.LINE_TYPES, text_outcomes=shaping.TEXT_OUTCOMES,
                           outcome_titles=shaping.OUTCOME_TITLES, page_titles=shaping.PAGE_TITLES,
                           step_outcome_titles=shaping.STEP_OUTCOME_TITLES, notice_sentences=notices.sentences())


@bp.route("/bijeenkomsten/<meeting_id>/zaal")
def room(meeting_id: str):
    """The room display: for a TV, a beamer or a laptop turned to the group. No controls."""
    return render_template("zaal.html", view=m.view(meeting_id))


def _terugkoppeling_steps(view: dict[str, Any]) -> list[int]:
    """The steps that ask "wat heb je met de tips gedaan?": there the previous meeting's tips show."""
    try:
        method = m.library().get(view["method"]["id"])
    except (KeyError, m.UnknownMethod):
        return []
    return [i for i, step in enumerate(method.steps) if step.outcome == "terugkoppeling"]


def _previous_for(view: dict[str, Any]):
    try:
        previous = lookback.previous_meeting(m.service(), view.get("participants") or [])
    except Exception:  # the terugkoppeling is a nicety; never let it break the live page
        return None
    if previous and previous.get("id") == view.get("id"):
        return None
    return previous


@bp.route("/bijeenkomsten/<meeting_id>/opdracht", methods=["POST"])
def command(meeting_id: str):
    """A command from a plain form: the live page's buttons without JavaScript, the review's edits."""
    kind = request.form.get("command", "")
    args = m.command_args(kind, request.form, from_form=True)
    if kind == "correct":
        args = _changed_only(meeting_id, args)
    if kind == "correct" and len(args) <= 1:
        flash("Er is niets veranderd.")
    else:
        result = m.run_command(meeting_id, kind, args, source="web")
        if not result.get("ok"):
            flash(result.get("reason") or "Dat kan nu niet.", "warning")
    back = safe_next(request.form.get("volgende"), url_for("pages.live", meeting_id=meeting_id))
    return redirect(back)


def _changed_only(meeting_id: str, args: dict[str, Any]) -> dict[str, Any]:
    """A review form sends every field of a line; keep the ones the reviewer changed."""
    lines = m.service().transcript(m.check_id(meeting_id))
    line = next((l for l in lines if l.get("id") == args.get("utterance")), None)
    if line is None:
        return args
    return {name: value for name, value in args.items()
            if name == "utterance" or (line.get(name) or None) != (value or None)}


@bp.route("/bijeenkomsten/<meeting_id>/terugblik")
def review(meeting_id: str):
    view = m.view(meeting_id)
    record = m.service().record(m.check_id(meeting_id))
    outcomes = m.service().outcomes(m.check_id(meeting_id))
    checklist = m.reflectie_checklist()
    speakers = list(view.get("participants") or [])
    return render_template("review.html", view=view, record=record, groups=shaping.transcript_by_step(record["transcript"]),
                           outcomes=outcomes, speaking=shaping.record_speaking_rows(record),
                           no_speaking=NO_SPEAKING_TIME, checklist=checklist, speakers=speakers, line_types=shaping.LINE_TYPES,
                           text_outcomes=shaping.TEXT_OUTCOMES, outcome_titles=shaping.OUTCOME_TITLES)


@bp.route("/bijeenkomsten/<meeting_id>/checklist", methods=["POST"])
def checklist(meeting_id: str):
    checklist_id = request.form.get("checklist", "")
    try:
        index = int(request.form.get("index", ""))
    except ValueError:
        fail(400, "Onbekend punt van de checklist.")
    # A tick in one of the two columns ("doe ik al", "wil ik meer gaan doen"), or the line beside a point.
    args: dict[str, Any] = {"checklist": checklist_id, "index": index,
                            "column": request.form.get("column") or "doe_ik_al"}
    if "text" in request.form:
        args["text"] = request.form.get("text", "")[:1000]
    else:
        args["checked"] = request.form.get("checked") == "1"
    result = m.service().command(m.check_id(meeting_id), "checklist", source="web", **args)
    if isinstance(result, dict) and not result.get("ok", True):
        flash(result.get("reason") or "Dat kan nu niet.", "warning")
    return redirect(url_for("pages.review", meeting_id=meeting_id, _anchor="checklist"))


# -- verslag and downloads -----------------------------------------------------------

def _with_transcript() -> bool:
    return request.args.get("transcript", "1") not in ("0", "nee", "false")


@bp.route("/bijeenkomsten/<meeting_id>/verslag")
def report(meeting_id: str):
    view = m.view(meeting_id)
    record = m.service().record(m.check_id(meeting_id))
    outcomes = m.service().outcomes(m.check_id(meeting_id))
    with_transcript = request.args.get("transcript") == "1"
    transcript = record["transcript"] if with_transcript else []
    meta = next((row for row in m.service().meetings() if row.get("id") == meeting_id), {})
    return render_template("report.html", view=view, record=record, outcomes=outcomes, meta=meta,
                           groups=shaping.transcript_by_step(transcript), with_transcript=with_transcript,
                           speaking=shaping.record_speaking_rows(record), no_speaking=NO_SPEAKING_TIME,
                           text_outcomes=shaping.TEXT_OUTCOMES, outcome_titles=shaping.OUTCOME_TITLES)


@bp.route("/bijeenkomsten/<meeting_id>/export.<fmt>")
def export(meeting_id: str, fmt: str):
    if fmt not in ("md", "json"):
        fail(404)
    text = m.service().export(m.check_id(meeting_id), fmt, transcript=_with_transcript())
    mimetype = "text/markdown" if fmt == "md" else "application/json"
    return Response(text, mimetype=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="verslag-{meeting_id}.{fmt}"'})


# -- delete ------------------------------------------------------------------------------

@bp.route("/bijeenkomsten/<meeting_id>/verwijderen", methods=["GET", "POST"])
def delete(meeting_id: str):
    view = m.view(meeting_id)
    if request.method == "POST":
        m.service().delete(m.check_id(meeting_id))
        flash("De bijeenkomst is verwijderd.")
        return redirect(url_for("pages.meetings"))
    if not g.access.can_control:
        fail(403, "Dit apparaat kijkt alleen mee.")
    return render_template("delete.html", view=view)
