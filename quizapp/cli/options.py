"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click


def _db_from_group(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """Let `quizapp --db X stats` mean `quizapp stats --db X`.

    A `--db` typed after the command wins; otherwise one typed before it does, and
    only then QUIZAPP_DB and the default.
    """
    if ctx.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
        return value
    parent = ctx.parent
    while parent is not None:
        if parent.get_parameter_source(param.name) is click.core.ParameterSource.COMMANDLINE:
            return parent.params[param.name]
        parent = parent.parent
    return value


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="QUIZAPP_DB",
    default=None,
    callback=_db_from_group,
    help="Progress database file (default: the user data folder; env QUIZAPP_DB).",
)
