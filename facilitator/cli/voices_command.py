"""`facilitator voices list | download | verify`: the natural (Piper) voices for the cues."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import click

from voice.errors import VoiceError

DIR_HELP = "Map met stemmen (standaard: $FACILITATOR_VOICES_DIR of models/piper/)."


def _fail(err: VoiceError) -> "click.ClickException":
    exc = click.ClickException(err.message)
    exc.exit_code = 2 if err.code in ("unknown_voice", "voice_missing", "voice_invalid") else 1
    return exc


@click.group()
def voices() -> None:
    """Natuurlijke Nederlandse stemmen (Piper): bekijken, downloaden, controleren."""


@voices.command("list")
@click.option("--dir", "voices_dir", type=click.Path(file_okay=False, path_type=Path), help=DIR_HELP)
def list_voices(voices_dir: Optional[Path]) -> None:
    """Bekende en geïnstalleerde stemmen, met grootte, licentie en controlesommen."""
    from voice.piper_voices import (DEFAULT_VOICE, KNOWN_VOICES, default_voices_dir, installed_voices,
                                    read_manifest, resolve_voice)

    folder = voices_dir or default_voices_dir()
    installed = {v.name: v for v in installed_voices(folder)}
    click.echo(f"Stemmenmap: {folder}")
    click.echo(resolve_voice("auto", voices_dir=folder).sentence)
    click.echo("Nederlandse stemmen (downloaden met `facilitator voices download NAAM`):")
    for known in KNOWN_VOICES.values():
        flags = (["standaard"] if known.name == DEFAULT_VOICE else []) + (
            ["geïnstalleerd"] if known.name in installed else [])
        extra = f" [{', '.join(flags)}]" if flags else ""
        click.echo(f"  {known.name}{extra}\n      {known.size_mb:.0f} MB, licentie {known.licence}. "
                   f"{known.description}")
        manifest = read_manifest(installed[known.name].model) if known.name in installed else {}
        for spec in known.files:
            file_name = f"{known.name}{spec.suffix}"
            size = f"{spec.size} bytes" if spec.size is not None else "grootte niet gepubliceerd"
            md5 = f"md5 {spec.md5}" if spec.md5 else "md5 niet gepubliceerd (wordt als stemconfiguratie gecontroleerd)"
            sha = manifest.get(file_name)
            sha_text = f"sha256 {sha}" if sha else "sha256 wordt bij het downloaden vastgelegd"
            click.echo(f"      {file_name}: {size}, {md5}; {sha_text}")
    others = [v for name, v in installed.items() if name not in KNOWN_VOICES]
    if others:
        click.echo("Ook geïnstalleerd:")
        for v in others:
            click.echo(f"  {v.name}  ({v.model})")


@voices.command("download")
@click.argument("name", required=False)
@click.option("--dir", "voices_dir", type=click.Path(file_okay=False, path_type=Path), help=DIR_HELP)
@click.option("--base-url", default=None, hidden=True, help="Andere downloadbron (spiegel, tests).")
@click.option("--timeout", default=10.0, show_default=True, help="Seconden wachten op de server.")
@click.option("--progress/--no-progress", default=True, help="Voortgangsbalk op stderr.")
def download(name: Optional[str], voices_dir: Optional[Path], base_url: Optional[str], timeout: float,
             progress: bool) -> None:
    """Een stem downloaden en controleren (standaard: nl_BE-nathalie-medium)."""
    from voice.piper_download import download_voice
    from voice.piper_voices import BASE_URL, DEFAULT_VOICE

    name = name or DEFAULT_VOICE
    try:
        path = download_voice(name, voices_dir, base_url=base_url or BASE_URL, timeout=timeout, progress=progress)
    except VoiceError as err:
        raise _fail(err)
    click.echo(f"Stem klaar: {path}")


@voices.command("verify")
@click.argument("name", required=False)
@click.option("--dir", "voices_dir", type=click.Path(file_okay=False, path_type=Path), help=DIR_HELP)
@click.option("--speak", is_flag=True, help="Ook echt een proefzin laten uitspreken (trager, grondiger).")
def verify(name: Optional[str], voices_dir: Optional[Path], speak: bool) -> None:
    """Controleren of een stem compleet en onbeschadigd is (standaard: de stem die zou spreken)."""
    from voice.piper_voices import DEFAULT_VOICE, resolve_voice, verify_voice

    if name is None:
        choice = resolve_voice("auto", voices_dir=voices_dir)
        name = choice.voice if choice.engine == "piper" else DEFAULT_VOICE
    found, problems = verify_voice(name, voices_dir)
    if problems:
        code = "voice_missing" if found is None else "voice_invalid"
        hint = f"haal hem (opnieuw) op met `facilitator voices download {name}`"
        raise _fail(VoiceError(code, f"De stem {name} is niet bruikbaar: {'; '.join(problems)}; {hint}."))
    if speak:
        import tempfile

        from voice.tts import Renderer

        with tempfile.TemporaryDirectory() as tmp, Renderer(tmp, engine="piper", voice=name,
                                                            model=found.model) as renderer:
            result = renderer.render("Welkom bij de intervisie.")
            if not result.ok or renderer.engine != "piper":
                raise _fail(VoiceError("voice_invalid", renderer.notice or result.error.message))
    click.echo(f"In orde: {name} ({found.model}{', sprak een proefzin' if speak else ''}).")


@voices.command("first-start", hidden=True)
@click.option("--dir", "voices_dir", type=click.Path(file_okay=False, path_type=Path), help=DIR_HELP)
@click.option("--base-url", default=None, hidden=True, help="Andere downloadbron (spiegel, tests).")
@click.option("--timeout", default=10.0, help="Seconden wachten op de server.")
@click.option("--yes", "assume_yes", is_flag=True, help="Niet vragen: meteen downloaden.")
def first_start(voices_dir: Optional[Path], base_url: Optional[str], timeout: float, assume_yes: bool) -> None:
    """For scripts/run: offer the default Dutch voice once; never stops the start."""
    import sys

    from voice.piper_download import download_voice
    from voice.piper_voices import BASE_URL, DEFAULT_VOICE, KNOWN_VOICES, default_voices_dir, resolve_voice

    folder = voices_dir or default_voices_dir()
    choice = resolve_voice("auto", voices_dir=folder)
    asked = folder / ".offered"
    if choice.engine == "piper" or asked.exists():
        return
    size = KNOWN_VOICES[DEFAULT_VOICE].size_mb
    if not assume_yes:
        if not sys.stdin.isatty():
            click.echo(f"Tip: een natuurlijker Nederlandse stem ({size:.0f} MB): "
                       f"facilitator voices download {DEFAULT_VOICE}", err=True)
            return
        answer = click.prompt(f"Een natuurlijke Nederlandse stem downloaden ({DEFAULT_VOICE}, {size:.0f} MB)? "
                              "Zonder spreekt espeak-ng. [J/n]", default="j", show_default=False, err=True)
        wanted = answer.strip().lower() in ("", "j", "ja", "y", "yes")
        folder.mkdir(parents=True, exist_ok=True)
        asked.touch()  # asked once: the answer holds, `facilitator voices download` is always there
        if not wanted:
            return
    try:
        path = download_voice(DEFAULT_VOICE, folder, base_url=base_url or BASE_URL, timeout=timeout)
        click.echo(f"Stem klaar: {path}", err=True)
    except VoiceError as err:
        click.echo(f"{err.message} De facilitator start nu met espeak-ng.", err=True)
