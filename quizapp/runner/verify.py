"""Live verification of a deck's answers, for `quizapp check`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from quizapp.deck.models import Card, Deck
    from quizapp.runner.client import Runner
    from quizapp.runner.limits import Limits


class CheckStatus(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CardCheck:
    """The outcome of verifying one card against a real run."""

    deck: str
    card: str
    status: CheckStatus
    reason: str = ""
    expected: str | None = None
    actual: str | None = None
    explanation: str = ""

    def to_dict(self) -> dict:
        return {
            "deck": self.deck,
            "card": self.card,
            "status": str(self.status),
            "reason": self.reason,
            "expected": self.expected,
            "actual": self.actual,
            "explanation": self.explanation,
        }


def verify_card(deck: Deck, card: Card, runner: Runner) -> CardCheck:
    raise NotImplementedError


def verify_cards(
    items: Iterable[tuple[Deck, Card]],
    *,
    jobs: int | None = None,
    limits: Limits | None = None,
    progress: Callable[[CardCheck], None] | None = None,
) -> list[CardCheck]:
    raise NotImplementedError
