"""`facilitator plan | run | meetings | export`: prepare, run and look back on meetings."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Optional

import click

from facilitator.cli.common import CliContext, ensure_private_dir, fail, log_to_file, say_which_voice, voice_options
from facilitator.engine import SetupError, make_setup, nest


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


NESTED_HELP = ("Welke werkvorm in de rondes loopt (de progressiegerichte bijeenkomst): een id voor elke ronde, "
               "of per ronde: ronde-2=cirkeltechniek-team. Zie 'facilitator methods show'.")


def _nested(values: tuple[str, ...]):
    """--nested ID (every ronde) or --nested STEP=ID (one ronde), as compose takes it."""
    chosen: dict[str, str] = {}
    every = None
    for value in values:
        if "=" in value:
            slot, _, method_id = value.partition("=")
            chosen[slot.strip()] = method_id.strip()
        else:
            every = value.strip()
    if every is not None and not chosen:
        return every
    return chosen or None


def _service(ctx: CliContext):
    from facilitator.service import MeetingService

    ensure_private_dir(ctx.data_dir)
    service = MeetingService(ctx.data_dir, ctx.library)
    if service.store.notice:
        click.echo(service.store.notice, err=True)
    return service


@click.command()
@click.argument("method_id")
@click.option("--participants", "-p", required=True, help='Namen in zitvolgorde, met komma\'s: "Anna,Ben,Carla".')
@click.option("--inbrenger", "-i", default=None, help="Wie de casus inbrengt, als dat al bekend is.")
@click.option("--procesbegeleider", default=None, help="Als een persoon de bijeenkomst leidt.")
@click.option("--start", "start_time", default=None, help="Begintijd, bijvoorbeeld 14:00.")
@click.option("--date", "date_text", default=None, help="Datum, bijvoorbeeld 2026-12-08 of 8-12-2026.")
@click.option("--place", default=None, help="Waar de bijeenkomst is, voor de uitnodiging.")
@click.option("--invite", is_flag=True, help="Schrijf een uitnodiging om rond te sturen.")
@click.option("--topics", type=click.IntRange(1, 20), default=1,
              help="Zoveel onderwerpen (snelle adviesrondes): de herhaalde stappen staan zo vaak in de tijden.")
@click.option("--nested", multiple=True, help=NESTED_HELP)
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
@click.pass_obj
def plan(ctx: CliContext, method_id, participants, inbrenger, procesbegeleider, start_time, date_text, place,
         invite, topics, nested, as_json) -> None:
    """De opzet van de bijeenkomst: elke stap met begin- en eindtijd (of, met --invite, de uitnodiging)."""
    from facilitator.plan import agenda, invitation

    names = _names(participants)
    try:
        method = nest(ctx.library, ctx.method(method_id), _nested(nested))
        setup = make_setup(method, names, inbrenger, procesbegeleider, planning=True)
    except SetupError as exc:
        fail(str(exc), code=2)
    start = datetime.now().replace(second=0, microsecond=0)
    if date_text:
        start = _date(date_text, start)
    if start_time:
        try:
            t = datetime.strptime(start_time, "%H:%M")
        except ValueError:
            fail(f"Begintijd '{start_time}' begrijp ik niet; schrijf bijvoorbeeld 14:00.", code=2)
        start = start.replace(hour=t.hour, minute=t.minute)
    if invite:
        click.echo(invitation(setup, start, place, topics), nl=False)
        return
    data = agenda(setup, start, topics)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"{data['method']['name']}: {data['start']}–{data['end']} ({data['total_minutes']:g} minuten)")
    click.echo(f"Deelnemers: {', '.join(data['participants'])}; "
               f"inbrenger: {data['inbrenger'] or 'kiezen we tijdens de bijeenkomst'}")
    for warning in data["warnings"]:
        click.echo(f"Let op: {warning}")
    for row in data["steps"]:
        click.echo("")
        minutes = row["minutes_text"] + (" (standaard)" if row["minutes_default"] else "")
        if row["ronde"] and row["sub"] == 1:
            click.echo(f"{row['number']}. {row['ronde']['title']}: {row['ronde']['name']}")
        click.echo(f"{row['start']}–{row['end']}  {row['label']}. {row['title']}  [{minutes} min]")
        if row["silence"]:
            click.echo("             stilte")
        else:
            click.echo(f"             spreekt: {', '.join(row['speakers']) or 'niemand'}")
        if row["listeners"]:
            click.echo(f"             luistert: {', '.join(row['listeners'])}")
        if row["round"]:
            r = row["round"]
            more = "rondes tot iedereen past" if r["repeat_until_all_pass"] else (
                f"{r['max_rounds']} ronde(s)" if r["max_rounds"] else "rondes zolang er tijd is")
            click.echo(f"             ronde: {r['per_person']} {r['item']} per persoon, {more}")
        click.echo(f"             \"{row['what']}\"")


def _date(text: str, base: datetime) -> datetime:
    for form in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text.strip(), form)
        except ValueError:
            continue
        return base.replace(year=day.year, month=day.month, day=day.day)
    fail(f"Datum '{text}' begrijp ik niet; schrijf bijvoorbeeld 2026-12-08 of 8-12-2026.", code=2)


@click.command()
@click.argument("method_id", required=False)
@click.option("--participants", "-p", default=None, help='Namen in zitvolgorde: "Anna,Ben,Carla,Dirk,Eva".')
@click.option("--inbrenger", "-i", default=None, help="Wie de casus inbrengt.")
@click.option("--procesbegeleider", default=None, help="Als een persoon de bijeenkomst leidt.")
@click.option("--hulpvraag", default=None, help="De hulpvraag, als die al bekend is.")
@click.option("--nested", multiple=True, help=NESTED_HELP)
@click.option("--resume", "resume_id", default=None, help="Ga verder met een onderbroken bijeenkomst.")
@click.option("--auto-advance", is_flag=True, help="Ga na de tijd vanzelf naar de volgende stap.")
@click.option("--audio", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Speel een opname af door de gespreksleider, op de klok van de opname.")
@click.option("--cues-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Schrijf bij --audio elke aanwijzing als WAV-bestand, genoemd naar het moment.")
@click.option("--no-voice", is_flag=True, help="Niet spreken en niet luisteren (standaard aan op een terminal, "
              "of als --voice of --voice-engine is gegeven).")
@voice_options
@click.option("--model", "model_path", default=None, help="Map van het Vosk-model (of $FACILITATOR_MODEL).")
@click.option("--engine", type=click.Choice(["auto", "vosk", "whisper"]), default="auto", show_default=True,
              help="Spraakherkenner: auto (Vosk voor commando's, Whisper geeft elke regel daarna zijn tekst, "
                   "wat er is), vosk of whisper.")
@click.option("--device", default=None, help="Microfoon: naam of nummer (zie 'facilitator devices').")
@click.option("--commands", "commands_path", default=None,
              help="Eigen bestand met gesproken commando's (of $FACILITATOR_COMMANDS).")
@click.pass_obj
def run(ctx: CliContext, method_id, participants, inbrenger, procesbegeleider, hulpvraag, nested, resume_id, auto_advance,
        audio, cues_dir, no_voice, voice_engine, voice_name, model_path, device, commands_path, engine) -> None:
    """Leid een bijeenkomst vanaf de laptop: met toetsen, stem, of een opname."""
    import sys

    from facilitator.room import Room, RoomSettings
    from facilitator.runner import TerminalRunner
    from facilitator.service import UnknownMeeting
    from methods import UnknownMethod

    if resume_id and audio:
        fail("--resume en --audio gaan niet samen: een opname begint een nieuwe bijeenkomst.", code=2)
    if not resume_id and (not method_id or not participants):
        fail("Geef een methode en de deelnemers op, of --resume ID. Zie 'facilitator run --help'.", code=2)
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    # Asking for a voice on the command line turns speech on, also off a terminal (the environment does not).
    source = click.get_current_context().get_parameter_source
    asked = any(source(n) == click.core.ParameterSource.COMMANDLINE for n in ("voice_name", "voice_engine"))
    live_voice = not no_voice and (interactive or asked) and audio is None
    ensure_private_dir(ctx.data_dir)
    room = Room(RoomSettings(ctx.data_dir, ctx.library, speak=live_voice, listen=live_voice, model_path=model_path,
                             device=device, commands_path=commands_path, recording=audio, cues_dir=cues_dir,
                             voice_engine=voice_engine, voice_name=voice_name, engine=engine))
    try:
        for notice in room.notices:
            click.echo(notice, err=True)
        service = room.service
        if resume_id:
            try:
                service.view(resume_id)
            except UnknownMeeting as exc:
                fail(str(exc), code=2)
            meeting_id = resume_id
        else:
            names = _names(participants)
            try:
                # Inbrengen is voluntary: without -i the method chooses in the meeting, or it is refused.
                meeting_id = service.create(method_id, names, inbrenger, procesbegeleider, hulpvraag,
                                            {"auto_advance": True} if auto_advance else None, nested=_nested(nested))
            except (UnknownMethod, SetupError) as exc:
                fail(str(exc), code=2)
        if audio:
            _replay(room, meeting_id, audio, cues_dir)
            return
        if interactive:
            log_to_file(ctx.data_dir)
        if room.voice is not None and room.voice.speak:
            say_which_voice(voice_engine, voice_name)
        room.start(meeting_id)
        if room.voice is not None:
            for notice in room.voice.notices:
                click.echo(notice, err=True)
        TerminalRunner(service, meeting_id, speak=(lambda text, kind: None) if room.voice else None).run()
    finally:
        room.stop()


def _replay(room, meeting_id, audio: Path, cues_dir) -> None:
    from tqdm import tqdm

    with tqdm(desc="Afspelen", unit="s", bar_format="{desc}: {n:.0f} s opname [{elapsed}]", leave=False) as bar:
        def progress(t: float) -> None:
            bar.n = t
            bar.refresh() if int(t) % 10 == 0 else None

        counts = room.replay(meeting_id, progress=progress)
    for notice in counts["notices"]:
        click.echo(notice, err=True)
    view = room.service.view(meeting_id)
    click.echo(f"Opname van {counts['seconds']:.0f} s afgespeeld: {counts['utterances']} uitspraken, "
               f"{counts['commands']} gesproken opdrachten"
               + (f", {counts['cues']} aanwijzingen in {cues_dir}" if cues_dir else "") + ".")
    click.echo(f"Bijeenkomst {meeting_id} staat bij stap {view['step']['index'] + 1}: {view['step']['title']} "
               f"({view['status']}). Verslag: facilitator export {meeting_id}")


@click.group()
def meetings() -> None:
    """Bijeenkomsten bekijken en verwijderen."""


@meetings.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def meetings_list(ctx: CliContext, as_json: bool) -> None:
    """Alle bijeenkomsten, de nieuwste eerst."""
    rows = _service(ctx).meetings()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Nog geen bijeenkomsten.")
        return
    for row in rows:
        minutes = int(row.get("duration_seconds", 0) // 60)
        click.echo(f"{row['id']}  {(row.get('created') or '')[:16].replace('T', ' ')}  {row['method_name']}  "
                   f"inbrenger {row['inbrenger']}  {minutes} min  {_status(row['status'])}")


def _status(status: str) -> str:
    return {"ready": "nog niet begonnen", "running": "onderbroken", "paused": "gepauzeerd",
            "finished": "afgerond"}.get(status, status)


@meetings.command("show")
@click.argument("meeting_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def meetings_show(ctx: CliContext, meeting_id: str, as_json: bool) -> None:
    """Het verslag van één bijeenkomst."""
    from facilitator.service import UnknownMeeting

    service = _service(ctx)
    try:
        text = service.export(meeting_id, "json" if as_json else "md")
    except UnknownMeeting as exc:
        fail(str(exc), code=2)
    click.echo(text)


@meetings.command("delete")
@click.argument("meeting_id")
@click.option("--yes", "-y", is_flag=True, help="Niet om bevestiging vragen.")
@click.pass_obj
def meetings_delete(ctx: CliContext, meeting_id: str, yes: bool) -> None:
    """Verwijder een bijeenkomst echt (ook uit het databasebestand)."""
    from facilitator.service import UnknownMeeting

    service = _service(ctx)
    try:
        service.view(meeting_id)
    except UnknownMeeting as exc:
        fail(str(exc), code=2)
    if not yes and not click.confirm(f"Bijeenkomst {meeting_id} definitief verwijderen?", default=False):
        fail("Niets verwijderd.", code=1)
    service.delete(meeting_id)
    click.echo(f"Bijeenkomst {meeting_id} is verwijderd.")


@click.command()
@click.argument("meeting_id")
@click.option("--format", "fmt", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Schrijf naar dit bestand in plaats van naar het scherm.")
@click.option("--no-transcript", is_flag=True, help="Alleen de uitkomsten, zonder transcript.")
@click.pass_obj
def export(ctx: CliContext, meeting_id: str, fmt: str, output: Optional[Path], no_transcript: bool) -> None:
    """Exporteer het verslag als Markdown of JSON."""
    from facilitator.service import UnknownMeeting

    try:
        text = _service(ctx).export(meeting_id, fmt, transcript=not no_transcript)
    except UnknownMeeting as exc:
        fail(str(exc), code=2)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
        output.chmod(0o600)
    except OSError as exc:
        fail(f"Kan {output} niet schrijven ({exc.strerror}).")
    click.echo(f"Verslag geschreven naar {output}.")
