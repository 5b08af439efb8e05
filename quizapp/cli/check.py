from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from quizapp.deck.discover import discover
from quizapp.deck.models import Card, Deck


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option("--no-run", is_flag=True, help="Check structure only; do not run any snippet.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Snippets run in parallel (default: one per CPU core).")
def check(paths: tuple[Path, ...], as_json: bool, no_run: bool, jobs: int | None) -> None:
    """Validate decks and verify every stated answer against the installed torch.

    PATHS are deck files or folders (default: the bundled decks). Problems in a file
    are reported as FILE:LINE:COL. Every predict card's answer (or exception) and
    every code card's solution is run in the sandbox and compared.

    Exit status: 0 when all is well, 1 when a card failed verification, 2 when a file
    failed to load.
    """
    sources = discover(list(paths)) if paths else discover(include_user=False)
    decks = [s.deck for s in sources if s.ok]
    errors = [e for s in sources for e in s.errors]
    live = [(deck, card) for deck in decks for card in deck.cards if card.kind.is_live]
    checks = [] if no_run else _verify(live, jobs=jobs, show_progress=not as_json)

    failed = [c for c in checks if c.status == "failed"]
    skipped = [c for c in checks if c.status == "skipped"]
    verified = [c for c in checks if c.status == "verified"]
    if as_json:
        report = {
            "decks": len(decks),
            "cards": sum(len(d.cards) for d in decks),
            "live": len(live),
            "verified": len(verified),
            "skipped": [c.to_dict() for c in skipped],
            "failed": [c.to_dict() for c in failed],
            "errors": [e.to_dict() for e in errors],
            "ran": not no_run,
        }
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        _print_report(sources, decks, errors, live, checks, no_run=no_run)
    if errors:
        sys.exit(2)
    if failed:
        sys.exit(1)


def _verify(live: list[tuple[Deck, Card]], *, jobs: int | None, show_progress: bool):
    # Imported here: only checking answers needs the runner.
    from quizapp.runner import RunnerError, verify_cards

    if not live:
        return []
    bar_wanted = show_progress and sys.stderr.isatty()
    try:
        if not bar_wanted:
            return verify_cards(live, jobs=jobs)
        with click.progressbar(length=len(live), label="Running snippets", file=sys.stderr) as bar:
            return verify_cards(live, jobs=jobs, progress=lambda _check: bar.update(1))
    except RunnerError as exc:
        raise click.ClickException(f"cannot run snippets: {exc}") from exc


def _print_report(sources, decks, errors, live, checks, *, no_run: bool) -> None:
    where = {(d.slug, c.id): (d.path, c.line) for d in decks for c in d.cards}
    for error in errors:
        click.echo(str(error), err=True)
    for result in checks:
        if result.status != "failed":
            continue
        path, line = where.get((result.deck, result.card), (None, 0))
        click.echo(f"FAILED {result.key} ({path}:{line}): {result.reason}")
        if result.expected is not None:
            click.echo(f"    deck says: {_one_line(result.expected)}")
        if result.actual is not None:
            click.echo(f"    torch:     {_one_line(result.actual)}")
        if result.explanation:
            click.echo(f"    {result.explanation}")
    # Skips share a few reasons (a missing module); one line per reason reads better
    # than one per card.
    skipped: dict[str, list[str]] = {}
    for result in checks:
        if result.status == "skipped":
            skipped.setdefault(result.reason, []).append(result.key)
    for reason, keys in skipped.items():
        click.echo(f"skipped {len(keys)} card(s): {reason}: {', '.join(keys[:3])}"
                   + (", ..." if len(keys) > 3 else ""))
    cards = sum(len(d.cards) for d in decks)
    summary = f"{len(sources)} file(s), {len(decks)} deck(s), {cards} card(s)"
    if errors:
        summary += f"; {len(errors)} load error(s)"
    if no_run:
        click.echo(f"{summary}: structure checked; {len(live)} live card(s) not run (--no-run).")
        return
    counts = {status: sum(1 for c in checks if c.status == status)
              for status in ("verified", "failed", "skipped")}
    click.echo(f"{summary}: {len(live)} live card(s): {counts['verified']} verified, "
               f"{counts['failed']} failed, {counts['skipped']} skipped.")


def _one_line(text: str) -> str:
    text = text.rstrip("\n")
    return text.replace("\n", "\n               ") if "\n" in text else text
