"""The `quizapp` command line: a thin click shell over the core.

Commands live one per module and are imported only when invoked, so `quizapp --help`
and the TUI start without importing torch, textual or the runner.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from quizapp import __version__
from quizapp.cli.options import db_option

# command name -> "module:attribute". Add a line here to add a command.
COMMANDS = {
    "check": "quizapp.cli.check:check",
    "decks": "quizapp.cli.decks:decks",
    "new-card": "quizapp.cli.new_card:new_card",
    "run-snippet": "quizapp.cli.run_snippet:run_snippet",
    "schema": "quizapp.cli.schema:schema",
    "stats": "quizapp.cli.stats:stats",
    "study": "quizapp.cli.study:study",
}


class LazyGroup(click.Group):
    """A group that imports each command's module only when it is needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module_name, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="quizapp")
@db_option
@click.pass_context
def main(ctx: click.Context, db_path: Path | None) -> None:
    """Learn PyTorch by predicting what code does.

    Without a command, opens the study app on the bundled decks.
    """
    # `db_path` is read by the subcommand's own --db (see options.py), so a --db
    # typed before the command applies to it.
    if ctx.invoked_subcommand is None:
        study = main.get_command(ctx, "study")
        if study is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(study)
