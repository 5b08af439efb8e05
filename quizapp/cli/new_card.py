"""`quizapp new-card`: print ready-to-paste cards built from the installed torch."""

from __future__ import annotations

import click


@click.group("new-card")
def new_card() -> None:
    """Print new cards as deck YAML, built from the installed torch.

    Paste the output under a deck's `cards:` list.
    """


@new_card.command("signature")
@click.argument("name")
@click.option(
    "--kind",
    type=click.Choice(["cloze", "flash"]),
    default="cloze",
    show_default=True,
    help="cloze blanks the argument names and defaults; flash shows the whole signature on the back.",
)
@click.option("--id", "card_id", default=None, help="Card id (default: sig-<name>, e.g. sig-gather).")
@click.option("--source", default=None, help="The card's source: field, e.g. 'notes › Basic Operations › 텐서 인덱싱'.")
@click.option(
    "--overload",
    type=click.IntRange(min=1),
    default=None,
    help="Pick one documented overload (1-based); default: one card per overload.",
)
@click.option(
    "--blank",
    "blanks",
    multiple=True,
    metavar="ARG",
    help="Blank only this argument (repeatable); default: every argument worth asking.",
)
def signature(
    name: str, kind: str, card_id: str | None, source: str | None, overload: int | None, blanks: tuple[str, ...]
) -> None:
    """Print a signature card for NAME, e.g. torch.gather or torch.utils.data.DataLoader.

    The signature is read from the installed torch (the docstring's signature line,
    else inspect.signature), so argument order, defaults and keyword-only arguments
    are right by construction.
    """
    # Imported here: it imports torch on use, and `quizapp --help` must stay fast.
    from quizapp.authoring.signature import SignatureError, build_cards, cards_yaml

    try:
        cards = build_cards(name, kind=kind, card_id=card_id, source=source, overload=overload, blanks=blanks)
    except SignatureError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(cards_yaml(cards), nl=False)
