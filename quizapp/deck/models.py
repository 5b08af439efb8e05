"""The deck format's data model: what a loaded deck and its cards are.

The loader (``quizapp.deck.loader``) guarantees every invariant documented here, so
the rest of quizapp can trust a ``Card`` without re-validating it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

FORMAT_VERSION = 1

# `{{answer}}` in a cloze text; an answer may list alternatives as `{{a|b}}`.
CLOZE_BLANK = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)


class Kind(StrEnum):
    FLASH = "flash"
    TYPE_IN = "type-in"
    CHOICE = "choice"
    CLOZE = "cloze"
    PREDICT = "predict"
    CODE = "code"

    @property
    def is_live(self) -> bool:
        """True for kinds whose answer is checked by running torch."""
        return self in (Kind.PREDICT, Kind.CODE)


@dataclass(frozen=True, slots=True)
class Blank:
    """One `{{...}}` of a cloze: its accepted answers and where it sits in the text."""

    answers: tuple[str, ...]
    start: int
    end: int

    @property
    def answer(self) -> str:
        return self.answers[0]


@dataclass(frozen=True, slots=True)
class Card:
    """One card as written in a deck file.

    Which optional fields are set depends on ``kind``:

    - flash: ``front``, ``back``
    - type-in: ``prompt``, ``answer``, ``accept``
    - choice: ``prompt``, ``options``, ``answer`` (one of ``options``)
    - cloze: ``text`` (with at least one ``{{blank}}``), ``together``
    - predict: ``code`` and exactly one of ``answer`` / ``raises``
    - code: ``prompt``, ``solution``
    """

    deck: str
    id: str
    kind: Kind
    front: str | None = None
    back: str | None = None
    prompt: str | None = None
    answer: str | None = None
    accept: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    text: str | None = None
    together: bool = False
    code: str | None = None
    raises: str | None = None
    setup: str | None = None
    solution: str | None = None
    explain: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    line: int = 0  # 1-based line of the card in its file; 0 when unknown

    @property
    def key(self) -> str:
        """The card's identity for good: ``deck/id``. Progress hangs on it."""
        return f"{self.deck}/{self.id}"

    @property
    def blanks(self) -> tuple[Blank, ...]:
        if self.text is None:
            return ()
        return tuple(
            Blank(tuple(a.strip() for a in m.group(1).split("|")), m.start(), m.end())
            for m in CLOZE_BLANK.finditer(self.text)
        )

    @property
    def study_keys(self) -> tuple[str, ...]:
        """The keys the scheduler tracks for this card.

        A cloze whose blanks are asked one at a time is one study item per blank
        (``deck/id#1``, ``deck/id#2``, ...): siblings that share a card key. Every
        other card is a single item keyed by ``key``.
        """
        if self.kind is Kind.CLOZE and not self.together and len(self.blanks) > 1:
            return tuple(f"{self.key}#{n}" for n in range(1, len(self.blanks) + 1))
        return (self.key,)

    @property
    def content_hash(self) -> str:
        """A hash of everything the learner sees or is checked against.

        Stored beside progress so the UI can say "this card changed" after an edit
        without the edit costing the card its history.
        """
        payload = {
            name: getattr(self, name)
            for name in (
                "kind", "front", "back", "prompt", "answer", "accept", "options",
                "text", "together", "code", "raises", "setup", "solution", "explain",
            )
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=list)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def to_dict(self) -> dict:
        """The card as the YAML an author would write (unset fields left out)."""
        out: dict = {"id": self.id, "kind": str(self.kind)}
        for name in (
            "front", "back", "prompt", "text", "code", "setup", "solution",
            "answer", "raises", "explain", "source",
        ):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        for name in ("accept", "options", "tags", "requires"):
            value = getattr(self, name)
            if value:
                out[name] = list(value)
        if self.together:
            out["together"] = True
        return out


@dataclass(frozen=True, slots=True)
class Deck:
    slug: str
    title: str
    cards: tuple[Card, ...]
    path: Path | None = None
    description: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    setup: str | None = None
    requires: tuple[str, ...] = ()
    format: int = FORMAT_VERSION
    bundled: bool = False
    content_hash: str = field(default="", compare=False)  # sha256 of the file bytes

    def card(self, card_id: str) -> Card:
        for card in self.cards:
            if card.id == card_id:
                return card
        raise KeyError(f"{self.slug}/{card_id}")

    def setups_for(self, card: Card) -> tuple[str, ...]:
        """Setup snippets that run before the card's code, in order: deck, then card."""
        return tuple(s for s in (self.setup, card.setup) if s)

    def requirements_for(self, card: Card) -> tuple[str, ...]:
        """Modules a card needs to run: the deck's plus the card's own."""
        return tuple(dict.fromkeys(self.requires + card.requires))

    def counts_by_kind(self) -> dict[Kind, int]:
        counts = {kind: 0 for kind in Kind}
        for card in self.cards:
            counts[card.kind] += 1
        return counts
