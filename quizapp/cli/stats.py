"""`quizapp stats`: progress per deck, from the progress database."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import click

from quizapp import locations
from quizapp.cli.options import db_option
from quizapp.srs import Stats, Store, StoreError

_COLUMNS = (
    ("new", "new"),
    ("learning", "learning"),
    ("due", "due_today"),
    ("young", "young"),
    ("mature", "mature"),
    ("suspended", "suspended"),
)


@click.command()
@click.argument("deck_names", metavar="[DECK]...", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@click.option(
    "--rebuild",
    is_flag=True,
    help="First recompute every card's schedule from the review log (the log is the truth).",
)
@click.option(
    "--from",
    "deck_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Read decks from this file or folder instead of the bundled and your own (repeatable).",
)
@click.option(
    "--now",
    "now_text",
    hidden=True,
    help="Pretend it is this moment (ISO 8601 with a UTC offset); for tests and benchmarks.",
)
@db_option
def stats(
    deck_names: tuple[str, ...],
    as_json: bool,
    rebuild: bool,
    deck_paths: tuple[Path, ...],
    now_text: str | None,
    db_path: Path | None,
) -> None:
    """Show study progress per deck.

    For each DECK (default: every deck found): new, learning, due today, young and
    mature (interval of 21 days or more) cards; then reviews today, the study streak,
    true retention over the last 30 days and how many cards come due each of the next
    7 days. Cards added to a deck since the last run are recorded as new.
    """
    from quizapp.deck.discover import discover

    path = db_path if db_path is not None else locations.default_db_path()
    sources = discover(list(deck_paths)) if deck_paths else discover()
    decks = [s.deck for s in sources if s.ok]
    failed = [s for s in sources if not s.ok]
    now = _parse_now(now_text) if now_text else datetime.now(timezone.utc)
    try:
        with Store.open(path) as store:
            store.sync(decks, now=now)
            if rebuild:
                changed = store.rebuild()
                click.echo(f"Rebuilt the schedule from the review log: {changed} card(s) updated.", err=True)
            known = [d.slug for d in decks] + [s for s in store.decks() if s not in {d.slug for d in decks}]
            if deck_names:
                unknown = [name for name in deck_names if name not in known]
                if unknown:
                    raise click.ClickException(
                        f"no deck named {', '.join(unknown)}. Known decks: {', '.join(known) or 'none'}."
                    )
                selected = list(dict.fromkeys(deck_names))
            else:
                selected = known  # decks whose file is gone still show their progress
            result = store.stats(selected, now=now)
    except StoreError as error:
        raise click.ClickException(str(error)) from None
    if failed:
        click.echo(
            f"{len(failed)} deck file(s) failed to load and are not counted; "
            "run `quizapp check` to see why.",
            err=True,
        )
    if as_json:
        out = result.to_dict()
        out["database"] = str(path)
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        click.echo(render(result, database=path))


def _parse_now(text: str) -> datetime:
    try:
        now = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 date and time", param_hint="--now") from None
    if now.tzinfo is None:
        raise click.BadParameter("give a UTC offset, e.g. 2026-03-02T12:00+00:00", param_hint="--now")
    return now


def render(result: Stats, *, database: Path | None = None) -> str:
    """The stats as aligned plain text."""
    lines: list[str] = []
    if not result.decks:
        lines.append("No decks yet: add a deck file, then run `quizapp stats` again.")
    else:
        width = max(len("deck"), len("total"), *(len(d.deck) for d in result.decks))
        widths = [max(len(h), 5) for h, _ in _COLUMNS]
        lines.append(f"{'deck':<{width}}  " + "  ".join(f"{h:>{w}}" for (h, _), w in zip(_COLUMNS, widths)))
        rows = list(result.decks) + ([result.total] if len(result.decks) > 1 else [])
        for row in rows:
            cells = "  ".join(f"{getattr(row, f):>{w}}" for (_, f), w in zip(_COLUMNS, widths))
            lines.append(f"{row.deck:<{width}}  {cells}")
    lines.append("")
    retention = (
        f"{result.retention:.1%} of {result.retention_reviews} review(s)"
        if result.retention is not None
        else "no reviews yet"
    )
    days = "day" if result.streak == 1 else "days"
    lines.append(f"Reviews today: {result.reviews_today}")
    lines.append(f"Streak:        {result.streak} {days}")
    lines.append(f"Retention:     {retention} (last 30 days, first answer of a day)")
    if result.forecast:
        labels = [
            "today" if n == 0 else date.fromisoformat(day).strftime("%a %d")
            for n, (day, _count) in enumerate(result.forecast)
        ]
        widths = [max(len(label), len(str(count))) for label, (_day, count) in zip(labels, result.forecast)]
        lines.append("")
        lines.append("Due      " + "  ".join(f"{label:>{w}}" for label, w in zip(labels, widths)))
        lines.append("         " + "  ".join(f"{count:>{w}}" for (_d, count), w in zip(result.forecast, widths)))
    if database is not None:
        lines.append("")
        lines.append(f"Database: {database}")
    return "\n".join(lines)
