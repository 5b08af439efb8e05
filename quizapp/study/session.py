"""One study session: the queue of items, grading, undo, skip and the tally.

The session is plain Python so the TUI, tests and any other shell drive it the same
way. Progress is written through ``Progress`` (the SQLite store in practice) the
moment a grade is given, so quitting at any point loses nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from quizapp.deck.models import Card, Deck, Kind
from quizapp.srs import format_interval
from quizapp.study.answers import Rating, Verdict

Clock = Callable[[], datetime]

def utcnow() -> datetime:
    return datetime.now(UTC)


class Progress(Protocol):
    """What a session needs from the progress store, already narrowed to the decks
    being studied (see ``quizapp.study.library``)."""

    def queue(self, now: datetime) -> Sequence[str]:
        """Study keys to ask now, in order. Rebuilt after every answer, so learning
        steps come back as they fall due."""

    def next_due(self, now: datetime) -> datetime | None:
        """When the next item of these decks falls due after the queue runs dry."""

    def changed(self, study_key: str) -> bool:
        """True when the card's text changed since the learner last answered it."""

    def preview(self, study_key: str, now: datetime) -> Mapping[int, datetime]:
        """The next due time for each rating 1-4, before grading."""

    def grade(
        self,
        study_key: str,
        rating: int,
        *,
        now: datetime,
        answer: str | None,
        verdict: str | None,
        duration_ms: int,
    ) -> GradeNote:
        """Record one answer, durably, before returning."""

    def undo(self, study_key: str, *, now: datetime) -> None:
        """Take back the last grade of ``study_key``."""

    def bury(self, study_key: str, *, now: datetime) -> None:
        """Keep the item out of the queue until the next study day."""


@dataclass(frozen=True, slots=True)
class GradeNote:
    """What the store says about a grade: when next due, and whether it became a leech."""

    due: datetime | None
    leech: bool = False


@dataclass(frozen=True, slots=True)
class StudyItem:
    """One thing the learner is asked: a card, or one blank of a cloze."""

    deck: Deck
    card: Card
    study_key: str

    @property
    def blank(self) -> int | None:
        """0-based blank asked alone, or None when the whole card is asked."""
        _, sep, number = self.study_key.rpartition("#")
        return int(number) - 1 if sep else None

    @property
    def kind(self) -> Kind:
        return self.card.kind


@dataclass(frozen=True, slots=True)
class Outcome:
    """One graded answer, kept for undo and the summary."""

    item: StudyItem
    rating: Rating
    verdict: Verdict | None
    answer: str | None
    seconds: float
    due: datetime | None
    leech: bool = False


def outcome_class(outcome: Outcome) -> Verdict:
    """Right / close / wrong for the summary; self-graded cards count by their rating."""
    if outcome.verdict is not None:
        return outcome.verdict
    if outcome.rating is Rating.AGAIN:
        return Verdict.WRONG
    if outcome.rating is Rating.HARD:
        return Verdict.CLOSE
    return Verdict.CORRECT


@dataclass(frozen=True, slots=True)
class Summary:
    studied: int
    skipped: int
    by_kind: Mapping[Kind, Mapping[Verdict, int]]
    seconds: float

    @property
    def totals(self) -> Mapping[Verdict, int]:
        total: Counter[Verdict] = Counter()
        for counts in self.by_kind.values():
            total.update(counts)
        return {v: total[v] for v in Verdict}


@dataclass
class StudySession:
    """``items`` are every item the session may ask (the studied decks' cards); the
    progress store decides which of them are due, and in which order."""

    items: Iterable[StudyItem]
    progress: Progress
    clock: Clock = utcnow

    log: list[Outcome] = field(default_factory=list, init=False)
    skipped: list[StudyItem] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._by_key: dict[str, StudyItem] = {item.study_key: item for item in self.items}
        self._queue: list[StudyItem] = []
        self.started_at = self.clock()
        self._shown_at = self.started_at
        self.refresh()

    def refresh(self) -> None:
        """Ask the store what is due now."""
        keys = self.progress.queue(self.clock())
        self._queue = [self._by_key[k] for k in keys if k in self._by_key]

    # -- what is asked -------------------------------------------------------------

    @property
    def current(self) -> StudyItem | None:
        return self._queue[0] if self._queue else None

    @property
    def done(self) -> int:
        return len(self.log)

    @property
    def left(self) -> int:
        return len(self._queue)

    def left_by_kind(self) -> dict[Kind, int]:
        counts = Counter(item.kind for item in self._queue)
        return {kind: counts[kind] for kind in Kind if counts[kind]}

    def changed(self, item: StudyItem) -> bool:
        return self.progress.changed(item.study_key)

    def mark_shown(self) -> None:
        """Start the answer timer for the current item."""
        self._shown_at = self.clock()

    def intervals(self) -> dict[Rating, str]:
        """The next interval for each rating, as the grade buttons show it."""
        item = self.current
        if item is None:
            return {}
        now = self.clock()
        due = self.progress.preview(item.study_key, now)
        return {Rating(r): format_interval(when - now) for r, when in due.items()}

    def next_due(self) -> datetime | None:
        """When something in these decks is next due: the store's word, or the
        soonest of this session's own answers if that comes first."""
        now = self.clock()
        times = [o.due for o in self.log if o.due is not None and o.due > now]
        store = self.progress.next_due(now)
        if store is not None:
            times.append(store)
        return min(times, default=None)

    # -- what the learner does -----------------------------------------------------

    def grade(
        self, rating: Rating, *, verdict: Verdict | None = None, answer: str | None = None
    ) -> Outcome:
        item = self.current
        if item is None:
            raise IndexError("nothing left to grade")
        now = self.clock()
        seconds = max((now - self._shown_at).total_seconds(), 0.0)
        note = self.progress.grade(
            item.study_key,
            int(rating),
            now=now,
            answer=answer,
            verdict=str(verdict) if verdict is not None else None,
            duration_ms=int(seconds * 1000),
        )
        outcome = Outcome(item, Rating(rating), verdict, answer, seconds, note.due, note.leech)
        self.log.append(outcome)
        self._advance()
        return outcome

    def undo(self) -> Outcome | None:
        """Take back the last grade and ask that item again, first."""
        if not self.log:
            return None
        outcome = self.log[-1]
        self.progress.undo(outcome.item.study_key, now=self.clock())
        self.log.pop()
        self.refresh()
        self._queue = [outcome.item] + [i for i in self._queue if i.study_key != outcome.item.study_key]
        self.mark_shown()
        return outcome

    def skip(self) -> StudyItem | None:
        """Bury the current item until tomorrow and move on."""
        item = self.current
        if item is None:
            return None
        self.progress.bury(item.study_key, now=self.clock())
        self.skipped.append(item)
        self._advance()
        return item

    def _advance(self) -> None:
        self.refresh()
        self.mark_shown()

    def replace_deck(self, deck: Deck) -> None:
        """After the deck file was edited: the same items with the new card text.

        Items whose card vanished from the file leave the session.
        """
        for key, item in list(self._by_key.items()):
            if item.deck.slug == deck.slug:
                del self._by_key[key]
        for card in deck.cards:
            for key in card.study_keys:
                self._by_key[key] = StudyItem(deck, card, key)
        self.refresh()

    # -- the end -------------------------------------------------------------------

    def summary(self) -> Summary:
        by_kind: dict[Kind, Counter[Verdict]] = {}
        for outcome in self.log:
            by_kind.setdefault(outcome.item.kind, Counter())[outcome_class(outcome)] += 1
        return Summary(
            studied=len({o.item.study_key for o in self.log}),
            skipped=len(self.skipped),
            by_kind={k: {v: c[v] for v in Verdict} for k, c in by_kind.items()},
            seconds=(self.clock() - self.started_at).total_seconds(),
        )
