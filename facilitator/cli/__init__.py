"""The `facilitator` command line: one group, with subcommands from small modules."""

from __future__ import annotations

import sys

import click

from facilitator import __version__
from facilitator.cli.common import CliContext, DataDirAnywhere, data_dir_option


@click.group(cls=DataDirAnywhere, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="facilitator")
@data_dir_option
@click.pass_context
def cli(ctx: click.Context, data_dir) -> None:
    """Een gespreksleider voor intervisie en casuïstiekbespreking: offline, in het Nederlands."""
    ctx.obj = CliContext(data_dir_override=data_dir)


def _register() -> None:
    from facilitator.cli import methods_commands

    cli.add_command(methods_commands.methods)
    for module_name, names in (
        ("facilitator.cli.meeting_commands", ("plan", "run", "meetings", "export")),
        ("facilitator.cli.voice_commands", ("transcribe", "models", "devices", "doctor")),
        ("facilitator.cli.serve_command", ("serve",)),
        ("facilitator.cli.voices_command", ("voices",)),
    ):
        try:
            module = __import__(module_name, fromlist=list(names))
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # that part of the product is not built yet
        for name in names:
            command = getattr(module, name, None)
            if command is not None:
                cli.add_command(command)


_register()


def main() -> None:
    from facilitator.errors import UserError

    try:
        cli(prog_name="facilitator")
    except KeyboardInterrupt:
        sys.exit(130)
    except UserError as exc:  # e.g. a database that cannot be opened now: one sentence, no traceback
        click.echo(exc.message, err=True)
        sys.exit(1)
