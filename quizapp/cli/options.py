"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path

import click

db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="QUIZAPP_DB",
    default=None,
    help="Progress database file (default: the user data folder; env QUIZAPP_DB).",
)
