"""What every subcommand shares: the data folder, the method library, error exits."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Optional

import click

from methods import Library, UnknownMethod, load_library


class DataDirAnywhere(click.Group):
    """A group whose --data-dir may also follow the subcommand ("facilitator serve --data-dir DIR"),
    as people type it; it is moved in front, where the group reads it."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        front: list[str] = []
        rest: list[str] = []
        tokens = iter(args)
        for token in tokens:
            if token == "--":
                rest.append(token)
                rest.extend(tokens)
            elif token == "--data-dir":
                front.append(token)
                value = next(tokens, None)
                if value is not None:
                    front.append(value)
            elif token.startswith("--data-dir="):
                front.append(token)
            else:
                rest.append(token)
        return super().parse_args(ctx, front + rest)


def data_dir_option(func):
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Map voor gegevens (standaard: de gegevensmap van het platform, of $FACILITATOR_DATA_DIR).",
    )(func)


def voice_options(func):
    """--voice-engine and --voice, shared by serve and run (defaults from the environment)."""
    func = click.option("--voice", "voice_name", default=None, metavar="NAAM", envvar="FACILITATOR_VOICE",
                        help="De stem: een Piper-stem (zie 'facilitator voices list') of een espeak-ng-taal.")(func)
    return click.option("--voice-engine", type=click.Choice(["auto", "piper", "espeak"]), default="auto",
                        show_default=True, envvar="FACILITATOR_VOICE_ENGINE",
                        help="Wie spreekt: auto (een geïnstalleerde Nederlandse Piper-stem, anders espeak-ng), "
                             "piper of espeak.")(func)


def say_which_voice(voice_engine: str, voice_name: Optional[str]) -> None:
    """One line on stderr: which voice speaks (a voice that cannot speak is the room's own notice)."""
    from voice.piper_voices import resolve_voice

    choice = resolve_voice(voice_engine, voice_name)
    if not choice.fallback:
        click.echo(choice.sentence, err=True)


def default_data_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("facilitator", appauthor=False))


def resolve_data_dir(override: Optional[Path] = None) -> Path:
    if override is not None:
        return Path(override)
    env = os.environ.get("FACILITATOR_DATA_DIR")
    if env:
        return Path(env)
    return default_data_dir()


def ensure_private_dir(path: Path) -> Path:
    """Create a folder only its owner can read: meetings are confidential."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.chmod(path, 0o700)
    except OSError:
        pass
    return path


@dataclass
class CliContext:
    data_dir_override: Optional[Path] = None

    @cached_property
    def data_dir(self) -> Path:
        return resolve_data_dir(self.data_dir_override)

    @property
    def user_methods_dir(self) -> Path:
        env = os.environ.get("FACILITATOR_METHODS_DIR")
        return Path(env) if env else self.data_dir / "methods"

    @cached_property
    def library(self) -> Library:
        library = load_library(self.user_methods_dir)
        for error in library.errors:
            click.echo(f"Let op: methode overgeslagen: {error}", err=True)
        return library

    def method(self, method_id: str):
        try:
            return self.library.get(method_id)
        except UnknownMethod as exc:
            fail(str(exc), code=2)


def fail(message: str, code: int = 1) -> None:
    """One clear sentence on stderr and a non-zero exit."""
    click.echo(message, err=True)
    raise SystemExit(code)


def log_to_file(data_dir: Path) -> Path:
    """Send warnings to a private log file, so they never scribble over a live screen.

    Nothing said in a meeting is logged: adapters log causes, never transcript text.
    """
    import logging

    ensure_private_dir(data_dir)
    path = data_dir / "facilitator.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return path
