from __future__ import annotations

import json

import click


@click.command()
def schema() -> None:
    """Print the JSON Schema of the deck format.

    Save it and point your editor at it to validate decks while you write them:
    start the deck file with `# yaml-language-server: $schema=deck.schema.json`.
    """
    from quizapp.deck.schema import deck_schema

    click.echo(json.dumps(deck_schema(), indent=2, ensure_ascii=False))
