"""`quizapp study`: the terminal study app."""

from __future__ import annotations

from pathlib import Path

import click

from quizapp.cli.options import db_option


@click.command()
@click.argument("decks", nargs=-1, metavar="[DECK|PATH]...")
@click.option("--new", "new_limit", type=click.IntRange(min=0), default=None,
              help="New cards a day (default: the store's setting, 20).")
@click.option("--cram", is_flag=True,
              help="Practise the named decks without changing their schedule.")
@click.option("--theme", type=click.Choice(["dark", "light"]), envvar="QUIZAPP_THEME", default=None,
              help="Colour theme (env QUIZAPP_THEME). NO_COLOR is respected.")
@db_option
def study(decks: tuple[str, ...], new_limit: int | None, cram: bool, theme: str | None,
          db_path: Path | None) -> None:
    """Study in the terminal: predict what torch code shows, answer, grade.

    With no DECK, the home screen lists the bundled decks and your own
    (in the user deck folder). Name deck slugs or give deck files or folders to
    study just those, straight away. Progress is saved after every answer.
    """
    from quizapp import locations
    from quizapp.srs import Store, StoreError
    from quizapp.study.library import UnknownDeck, resolve_sources

    try:
        sources = resolve_sources(decks)
    except UnknownDeck as exc:
        raise click.ClickException(str(exc)) from None
    if cram and not decks:
        raise click.UsageError("--cram needs the decks to practise, e.g. `quizapp study --cram tensor-basics`")
    try:
        store = Store.open(db_path or locations.default_db_path())
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None

    from quizapp.tui.app import make_app

    start = [s.deck.slug for s in sources if s.deck is not None] if decks else None
    try:
        app = make_app(
            store=store, sources=sources, start=start, new_limit=new_limit, cram=cram, theme=theme,
            settings=locations.data_dir() / "study-app.json",
        )
        app.run()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
