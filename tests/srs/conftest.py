"""Shared helpers: decks built in code, a store in a temporary folder, a fixed clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from quizapp.deck.models import Card, Deck, Kind
from quizapp.srs import Config, Store

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=timezone.utc)  # a Monday, noon UTC


def flash(deck: str, card_id: str, front: str | None = None) -> Card:
    return Card(deck=deck, id=card_id, kind=Kind.FLASH, front=front or f"front {card_id}", back="back")


def cloze(deck: str, card_id: str, text: str = "{{torch}} makes {{tensors}} and {{grads}}") -> Card:
    return Card(deck=deck, id=card_id, kind=Kind.CLOZE, text=text)


def make_deck(slug: str = "basics", n: int = 5, *, extra: tuple[Card, ...] = ()) -> Deck:
    cards = tuple(flash(slug, f"c{i}") for i in range(n)) + extra
    return Deck(slug=slug, title=slug.title(), cards=cards)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "progress.db"


@pytest.fixture
def store(db_path):
    with Store.open(db_path, config=Config(timezone="UTC")) as opened:
        yield opened
