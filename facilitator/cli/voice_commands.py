"""`facilitator transcribe | models | devices | doctor`: the voice side of the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import click

from voice.errors import VoiceError

MODEL_HELP = "Map met het Vosk-model (standaard: $FACILITATOR_MODEL of models/vosk-model-small-nl-0.22)."


def _fail(err: VoiceError) -> "click.ClickException":
    exc = click.ClickException(err.message)
    exc.exit_code = 2 if err.code in ("model_missing", "model_invalid", "file_missing") else 1
    return exc


def _clock(seconds: float) -> str:
    minutes, sec = divmod(seconds, 60)
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours:d}:{minutes:02d}:{sec:04.1f}" if hours else f"{minutes:02d}:{sec:04.1f}"


def _srt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["auto", "vosk", "whisper"]), default="auto", show_default=True,
              help="Spraakherkenner: Vosk, Whisper, of auto (wat er is; met beide geeft Whisper de tekst).")
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON, met woorden, tijden en commando's.")
@click.option("--srt", "as_srt", is_flag=True, help="Uitvoer als SRT-ondertitels.")
@click.option("--model", "model_path", type=click.Path(file_okay=False, path_type=Path),
              help=MODEL_HELP + " Met --engine whisper: de map met het Whisper-model.")
@click.option("--commands", "commands_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Eigen commandotabel (TOML) in plaats van de Nederlandse.")
@click.option("--progress/--no-progress", default=True, help="Voortgangsbalk op stderr.")
def transcribe(file: Path, engine: str, as_json: bool, as_srt: bool, model_path: Optional[Path],
               commands_path: Optional[Path], progress: bool) -> None:
    """Een opname offline uitschrijven (wav, mp3, ogg, opus, m4a, webm), met de commando's die erin klinken."""
    if as_json and as_srt:
        raise click.UsageError("Kies --json of --srt, niet beide.")
    from tqdm import tqdm

    from voice.audio import FileSource
    from voice.commands import CommandTable
    from voice.transcribe import load_engines, transcribe_file

    import logging

    # Phrases a model cannot hear are a log line for a meeting, noise on a transcript's stderr.
    logging.getLogger("voice").setLevel(logging.ERROR)
    try:
        total = FileSource(file).duration
        engines = load_engines(engine, model_path)
        table = CommandTable.load(commands_path) if commands_path else None
        bar_format = "{l_bar}{bar}| {n:.0f}/{total:.0f} s [{elapsed}<{remaining}]" if total else None
        with tqdm(total=total, unit="s", desc=file.name, disable=not progress, file=sys.stderr,
                  bar_format=bar_format) as bar:
            def step(t: float) -> None:
                t = min(t, total) if total else t
                if t - bar.n >= 1.0:
                    bar.update(t - bar.n)
            data = transcribe_file(file, engines, table, progress=step)
            if total and total > bar.n:
                bar.update(total - bar.n)
    except VoiceError as err:
        raise _fail(err)
    except ValueError as err:  # a command table that does not parse
        raise click.ClickException(f"De commandotabel {commands_path} is ongeldig: {err}")
    segments = data["segments"]
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif as_srt:
        for i, u in enumerate(segments, 1):
            click.echo(f"{i}\n{_srt_time(u['start'])} --> {_srt_time(max(u['end'], u['start'] + 0.5))}\n{u['text']}\n")
    else:
        items = [(u["start"], u["end"], u["text"]) for u in segments]
        items += [(c["start"], c["end"], f"[commando {c['kind']}: {c['phrase']}]") for c in data["commands"]]
        for start, end, text in sorted(items):
            click.echo(f"[{_clock(start)} - {_clock(end)}] {text}")


@click.group()
def models() -> None:
    """Spraakmodellen: bekijken, downloaden, controleren."""


@models.command("list")
@click.option("--dir", "models_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map met modellen (standaard: $FACILITATOR_MODELS_DIR of models/).")
def list_models(models_dir: Optional[Path]) -> None:
    """Geïnstalleerde en bekende modellen, met grootte en licentie."""
    from voice.models import DEFAULT_MODEL, KNOWN_MODELS, default_models_dir, list_installed

    folder = models_dir or default_models_dir()
    installed = list_installed(folder)
    click.echo(f"Modellenmap: {folder}")
    click.echo("Geïnstalleerd:" if installed else "Geïnstalleerd: geen.")
    for m in installed:
        state = "in orde" if m.check.ok else "onbruikbaar: " + " ".join(m.check.problems)
        if (m.path / "model.bin").is_file():
            state = "Whisper-model; controleer het met `facilitator models verify`"
        click.echo(f"  {m.name}  ({state})")
    click.echo("Bekend (downloaden met `facilitator models download NAAM`):")
    names = {m.name for m in installed}
    for k in KNOWN_MODELS.values():
        flags = []
        if k.name == DEFAULT_MODEL:
            flags.append("standaard")
        if k.name in names:
            flags.append("geïnstalleerd")
        licence = k.licence + ("" if k.commercial_use else ", niet-commercieel")
        extra = f" [{', '.join(flags)}]" if flags else ""
        click.echo(f"  {k.name}{extra}\n      {k.size_mb} MB, licentie {licence}. {k.description}")
    _list_whisper(folder, names)


def _list_whisper(folder: Path, installed: set[str]) -> None:
    from voice.whisper_models import DEFAULT_WHISPER, KNOWN_WHISPER, pypi_base_installed

    click.echo("Whisper (voor --engine whisper of auto; downloaden met `facilitator models download NAAM`):")
    for k in KNOWN_WHISPER.values():
        flags = [f for f, on in (("standaard", k.name == DEFAULT_WHISPER), ("geïnstalleerd", k.name in installed))
                 if on]
        extra = f" [{', '.join(flags)}]" if flags else ""
        click.echo(f"  {k.name}{extra}\n      ongeveer {k.size_mb} MB, licentie {k.licence}, bron {k.source}. "
                   f"{k.description}")
        for f in k.files:
            size = f"{f.size} bytes" if f.size is not None else "grootte onbekend"
            click.echo(f"      {f.name}: {size}, sha256 {f.sha256 or 'onbekend (download geweigerd)'}")
    if pypi_base_installed():
        click.echo(f"  Testmodel {DEFAULT_WHISPER} uit de Python-pakketten gevonden (--engine whisper, of auto zonder "
                   "Vosk-model of naast een Nederlands Vosk-model).")


@models.command("download")
@click.argument("name")
@click.option("--dir", "models_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Map om het model in uit te pakken (standaard: models/).")
@click.option("--base-url", default=None, hidden=True, help="Andere downloadbron (spiegel, tests).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconden wachten op de server.")
def download(name: str, models_dir: Optional[Path], base_url: Optional[str], timeout: float) -> None:
    """Een model downloaden, controleren (grootte, controlesom) en neerzetten in models/."""
    from voice.models import BASE_URL, KNOWN_MODELS, default_models_dir, download_model
    from voice.whisper_download import WHISPER_BASE_URL, download_whisper
    from voice.whisper_models import KNOWN_WHISPER

    known = KNOWN_MODELS.get(name)
    if known is not None and not known.commercial_use:
        click.echo(f"Let op: {name} heeft licentie {known.licence}: alleen niet-commercieel gebruik.", err=True)
    try:
        if name in KNOWN_WHISPER:
            path = download_whisper(name, models_dir or default_models_dir(), base_url=base_url or WHISPER_BASE_URL,
                                    timeout=timeout)
        else:
            path = download_model(name, models_dir, base_url=base_url or BASE_URL, timeout=timeout)
    except VoiceError as err:
        raise _fail(err)
    click.echo(f"Model klaar: {path}")


@models.command("verify")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--load", is_flag=True, help="Het model ook echt laden met Vosk (trager, grondiger).")
def verify(path: Optional[Path], load: bool) -> None:
    """Controleren of een modelmap bruikbaar is (standaard: het model dat gebruikt zou worden)."""
    from voice.models import require_model_dir, resolve_model_path

    folder = resolve_model_path(path)
    if (folder / "model.bin").is_file():
        return _verify_whisper(folder, load)
    try:
        check = require_model_dir(folder)
        if load:
            from voice.asr import load_model

            load_model(folder)
    except VoiceError as err:
        raise _fail(err)
    mode = "commando's in grammaticamodus" if check.grammar else "geen grammaticamodus: commando's via de transcriptie"
    click.echo(f"In orde: {folder} ({mode}{', geladen' if load else ''}).")


def _verify_whisper(folder: Path, load: bool) -> None:
    from voice.whisper_models import KNOWN_WHISPER, verify_whisper

    # Known by its folder name, or by the size of its model.bin (the PyPI copy has another name).
    size = (folder / "model.bin").stat().st_size
    known = KNOWN_WHISPER.get(folder.name) or next(
        (k for k in KNOWN_WHISPER.values() if any(f.name == "model.bin" and f.size == size for f in k.files)), None)
    problems = verify_whisper(folder, known)
    if not problems and load:
        try:
            from voice.whisper import WhisperRecognizer

            WhisperRecognizer(folder)
        except VoiceError as err:
            problems.append(err.message)
    if problems:
        raise _fail(VoiceError("model_invalid", f"Het Whisper-model in {folder} is onbruikbaar: {' '.join(problems)}"))
    checked = f"grootte en sha256 van elk bestand kloppen met {known.name}" if known else "bestanden aanwezig"
    click.echo(f"In orde: {folder} (Whisper; {checked}{', geladen' if load else ''}).")


@click.command()
def devices() -> None:
    """Geluidsingangen en -uitgangen."""
    from voice.mic import list_devices

    try:
        found = list_devices()
    except VoiceError as err:
        raise _fail(err)
    if not found:
        click.echo("Geen geluidsapparaten gevonden: sluit een microfoon of luidspreker aan "
                   "(zonder werkt de vergadering met knoppen en toetsen).")
        return
    for title, key in (("Ingangen", "inputs"), ("Uitgangen", "outputs")):
        rows = [d for d in found if getattr(d, key) > 0]
        click.echo(f"{title}:" if rows else f"{title}: geen.")
        for d in rows:
            default = " (standaard)" if (d.default_input if key == "inputs" else d.default_output) else ""
            click.echo(f"  {d.index}: {d.name} [{d.hostapi}, {getattr(d, key)} kanalen, "
                       f"{d.default_rate:.0f} Hz]{default}")


@click.command()
@click.option("--model", "model_path", type=click.Path(file_okay=False, path_type=Path), help=MODEL_HELP)
@click.option("--no-speech-test", is_flag=True, help="Geen proefzin laten uitspreken.")
@click.pass_context
def doctor(ctx: click.Context, model_path: Optional[Path], no_speech_test: bool) -> None:
    """Alles nalopen wat spraak nodig heeft, met wat te doen bij elk probleem."""
    from voice.doctor import run_checks

    data_dir = getattr(ctx.obj, "data_dir", None)
    if data_dir is None:
        from facilitator.cli.common import resolve_data_dir

        data_dir = resolve_data_dir()
    results = run_checks(data_dir=data_dir, model_path=model_path, render=not no_speech_test)
    width = max(len(c.name) for c in results)
    for c in results:
        mark = "ok  " if c.ok else "FOUT"
        click.echo(f"{mark} {c.name.ljust(width)}  {c.detail}")
    failed = [c for c in results if not c.ok]
    if failed:
        click.echo(f"{len(failed)} van {len(results)} controles vragen aandacht; de vergadering kan altijd "
                   "verder met knoppen en toetsen.")
        ctx.exit(1)
    click.echo("Alles in orde.")
