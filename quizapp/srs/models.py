"""Plain values the progress store hands out: ratings, card states, queue items, results.

Everything here is a frozen dataclass or an ``IntEnum`` with ``to_dict`` so the TUI,
the CLI's ``--json`` and the tests can use them without touching SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import IntEnum


class StoreError(Exception):
    """A problem the learner can act on (bad ``--db`` file, newer schema, unknown key).

    ``str(error)`` is a plain sentence meant to be shown as is, without a traceback.
    """


class UnknownStudyKey(StoreError, KeyError):
    """A study key the store has never seen (or whose card left its deck)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class Rating(IntEnum):
    """The learner's grade for one answer; the values are stored in ``reviews.rating``."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class State(IntEnum):
    """Where a study item stands; the values are stored in ``cards.state``.

    ``fsrs`` has no "new" state (a fresh ``fsrs.Card`` is Learning, step 0, never
    reviewed); quizapp stores never-reviewed items as ``NEW`` so queries can tell
    them apart cheaply. The other values are ``fsrs.State``'s.
    """

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def to_ms(value: datetime) -> int:
    """A tz-aware datetime as integer UTC epoch milliseconds (how the database stores time)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
    return round(value.timestamp() * 1000)


def from_ms(value: int | None) -> datetime | None:
    """Epoch milliseconds back to a UTC datetime (None stays None)."""
    if value is None:
        return None
    return datetime.fromtimestamp(value / 1000, tz=timezone.utc)


@dataclass(frozen=True, slots=True)
class CardState:
    """The scheduler's memory of one study item (a row of the ``cards`` cache).

    ``due`` is None only for a ``NEW`` item. ``stability`` is in days.
    """

    state: State = State.NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def interval(self) -> timedelta | None:
        """The scheduled gap between the last review and the due time."""
        if self.due is None or self.last_review is None:
            return None
        return self.due - self.last_review

    def to_dict(self) -> dict:
        return {
            "state": self.state.name.lower(),
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": _iso(self.due),
            "last_review": _iso(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CardState:
        return cls(
            state=State[data["state"].upper()],
            step=data["step"],
            stability=data["stability"],
            difficulty=data["difficulty"],
            due=_from_iso(data["due"]),
            last_review=_from_iso(data["last_review"]),
            reps=data["reps"],
            lapses=data["lapses"],
        )


@dataclass(frozen=True, slots=True)
class GradeResult:
    """What one ``Store.grade`` did.

    ``review_id`` is the new ``reviews`` row (None in cram mode, which writes
    nothing). ``became_leech`` is True when this answer made the item a leech: it is
    now tagged and suspended, and the learner should be told.
    """

    study_key: str
    rating: Rating
    reviewed_at: datetime
    before: CardState
    after: CardState
    review_id: int | None
    became_leech: bool = False
    cram: bool = False

    @property
    def due(self) -> datetime:
        assert self.after.due is not None
        return self.after.due

    @property
    def interval(self) -> timedelta:
        return self.due - self.reviewed_at

    def to_dict(self) -> dict:
        return {
            "study_key": self.study_key,
            "rating": self.rating.name.lower(),
            "reviewed_at": self.reviewed_at.isoformat(),
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "review_id": self.review_id,
            "became_leech": self.became_leech,
            "cram": self.cram,
        }


class QueueKind(IntEnum):
    """Why an item is in today's queue (also its rank in the queue order)."""

    LEARNING = 1
    REVIEW = 2
    NEW = 3
    LEARN_AHEAD = 4  # a learning step that comes due within the learn-ahead window
    CRAM = 5


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One entry of a study queue.

    ``changed`` says the card's text was edited since the learner last saw it.
    """

    study_key: str
    card_key: str
    deck: str
    kind: QueueKind
    state: State
    due: datetime | None
    changed: bool = False

    def to_dict(self) -> dict:
        return {
            "study_key": self.study_key,
            "card_key": self.card_key,
            "deck": self.deck,
            "kind": self.kind.name.lower(),
            "state": self.state.name.lower(),
            "due": _iso(self.due),
            "changed": self.changed,
        }


@dataclass(frozen=True, slots=True)
class StudyQueue:
    """Today's study items in the order to show them.

    Build a fresh one after every grade (it is cheap): learning steps come due as
    the session goes on. ``next_due`` is when the next learning step outside the
    queue comes due today, so a UI can say "come back in 7 minutes".
    """

    items: tuple[QueueItem, ...]
    now: datetime
    day_start: datetime
    day_end: datetime
    new_left: int
    reviews_left: int
    next_due: datetime | None = None
    cram: bool = False

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, index: int) -> QueueItem:
        return self.items[index]

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.study_key for item in self.items)

    def count(self, kind: QueueKind) -> int:
        return sum(1 for item in self.items if item.kind is kind)

    def to_dict(self) -> dict:
        return {
            "items": [item.to_dict() for item in self.items],
            "now": self.now.isoformat(),
            "day_start": self.day_start.isoformat(),
            "day_end": self.day_end.isoformat(),
            "new_left": self.new_left,
            "reviews_left": self.reviews_left,
            "next_due": _iso(self.next_due),
            "cram": self.cram,
        }


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What ``Store.sync`` changed, as lists of study keys."""

    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    restored: tuple[str, ...] = ()  # removed earlier, back in a deck now

    def to_dict(self) -> dict:
        return {
            "added": list(self.added),
            "changed": list(self.changed),
            "removed": list(self.removed),
            "restored": list(self.restored),
        }


@dataclass(frozen=True, slots=True)
class DeckStats:
    """Counts for one deck. Suspended and removed items are in none of the others."""

    deck: str
    new: int = 0
    learning: int = 0
    due_today: int = 0
    young: int = 0
    mature: int = 0
    suspended: int = 0

    @property
    def total(self) -> int:
        return self.new + self.learning + self.young + self.mature + self.suspended

    def to_dict(self) -> dict:
        return {
            "deck": self.deck,
            "new": self.new,
            "learning": self.learning,
            "due_today": self.due_today,
            "young": self.young,
            "mature": self.mature,
            "suspended": self.suspended,
            "total": self.total,
        }


@dataclass(frozen=True, slots=True)
class Stats:
    """Progress at a glance (``quizapp stats``).

    ``retention`` is true retention over the last 30 days: of the items that were in
    the Review state, the share whose first answer of the day was not Again (None
    when there was no such answer). ``forecast`` is (study day, items due that day)
    for today and the six days after; today's count includes overdue items.
    """

    decks: tuple[DeckStats, ...]
    now: datetime
    day_start: datetime
    reviews_today: int = 0
    streak: int = 0
    retention: float | None = None
    retention_reviews: int = 0
    forecast: tuple[tuple[str, int], ...] = field(default_factory=tuple)

    @property
    def total(self) -> DeckStats:
        fields = ("new", "learning", "due_today", "young", "mature", "suspended")
        return DeckStats(
            deck="total",
            **{name: sum(getattr(d, name) for d in self.decks) for name in fields},
        )

    def to_dict(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "day_start": self.day_start.isoformat(),
            "decks": [d.to_dict() for d in self.decks],
            "total": self.total.to_dict(),
            "reviews_today": self.reviews_today,
            "streak_days": self.streak,
            "retention_30d": self.retention,
            "retention_30d_reviews": self.retention_reviews,
            "forecast": [{"day": day, "due": n} for day, n in self.forecast],
        }


@dataclass(frozen=True, slots=True)
class Item:
    """One study item as the store knows it: its schedule plus its flags."""

    study_key: str
    card_key: str
    deck: str
    state: CardState
    changed: bool = False
    suspended: bool = False
    leech: bool = False
    removed: bool = False
    buried_until: datetime | None = None

    def to_dict(self) -> dict:
        return {
            "study_key": self.study_key,
            "card_key": self.card_key,
            "deck": self.deck,
            "state": self.state.to_dict(),
            "changed": self.changed,
            "suspended": self.suspended,
            "leech": self.leech,
            "removed": self.removed,
            "buried_until": _iso(self.buried_until),
        }
