from __future__ import annotations

from pathlib import Path

import click

from quizapp.deck.discover import discover
from quizapp.deck.models import Kind

# Short column headings so the table fits 80 columns.
_KIND_HEADINGS = {
    Kind.FLASH: "flash", Kind.TYPE_IN: "type", Kind.CHOICE: "choice",
    Kind.CLOZE: "cloze", Kind.PREDICT: "predict", Kind.CODE: "code",
}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def decks(paths: tuple[Path, ...]) -> None:
    """List decks with their card counts by kind.

    Without PATHS: the bundled decks and the decks in your deck folder. PATHS may be
    deck files or folders of them. Decks that fail to load are listed with their errors.
    """
    sources = discover(list(paths))
    if not sources:
        click.echo("No decks found.")
        return
    loaded = [s for s in sources if s.ok]
    slug_width = max([len("deck")] + [len(s.deck.slug) for s in loaded])
    header = f"{'deck':<{slug_width}}  {'cards':>5}  " + "  ".join(
        f"{h:>{len(h)}}" for h in _KIND_HEADINGS.values()) + "  from"
    click.echo(header)
    totals = {kind: 0 for kind in Kind}
    for source in loaded:
        counts = source.deck.counts_by_kind()
        for kind, n in counts.items():
            totals[kind] += n
        cells = "  ".join(f"{counts[k]:>{len(h)}}" for k, h in _KIND_HEADINGS.items())
        click.echo(f"{source.deck.slug:<{slug_width}}  {len(source.deck.cards):>5}  {cells}  "
                   f"{source.origin.value}: {source.path}")
    if len(loaded) > 1:
        cells = "  ".join(f"{totals[k]:>{len(h)}}" for k, h in _KIND_HEADINGS.items())
        click.echo(f"{'total':<{slug_width}}  {sum(totals.values()):>5}  {cells}")
    failed = [s for s in sources if not s.ok]
    if failed:
        click.echo(f"\n{len(failed)} deck file(s) failed to load:", err=True)
        for source in failed:
            for error in source.errors:
                click.echo(f"  {error}", err=True)
