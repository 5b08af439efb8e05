from __future__ import annotations

import json
from pathlib import Path

import click

from quizapp.deck.discover import discover


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--no-run", is_flag=True, help="Check structure only; do not run any snippet.")
def check(paths: tuple[Path, ...], as_json: bool, no_run: bool) -> None:
    """Validate decks and report every problem as FILE:LINE:COL.

    PATHS are deck files or folders (default: the bundled decks). Exit status: 0 when
    all is well, 1 when a card's stated answer is wrong, 2 when a file fails to load.
    """
    sources = discover(list(paths), include_user=False) if paths else discover(include_user=False)
    decks = [s.deck for s in sources if s.ok]
    errors = [e for s in sources for e in s.errors]
    cards = sum(len(d.cards) for d in decks)
    report = {
        "decks": len(decks),
        "cards": cards,
        "verified": 0,
        "skipped": 0,
        "failed": [],
        "errors": [e.to_dict() for e in errors],
        "live": False,
    }
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        for error in errors:
            click.echo(str(error), err=True)
        files = len(sources)
        click.echo(f"{files} file(s), {len(decks)} deck(s), {cards} card(s): "
                   f"{'structure valid' if not errors else f'{len(errors)} error(s)'}.")
        click.echo("Answers were not run: this build checks structure only.")
    if errors:
        raise SystemExit(2)
