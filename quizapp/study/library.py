"""The decks a learner studies and their progress, as one object the shells use:
deck rows for a home screen, a study session for one deck or all of them, and
reloading a deck after its file was edited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from quizapp.deck.discover import DeckSource
from quizapp.deck.loader import load_deck
from quizapp.deck.models import Deck
from quizapp.study.session import Clock, GradeNote, Progress, StudyItem, StudySession, utcnow

if TYPE_CHECKING:
    from quizapp.srs import Store, StudyQueue


@dataclass(frozen=True, slots=True)
class DeckCounts:
    new: int = 0
    learning: int = 0
    due: int = 0

    @property
    def waiting(self) -> int:
        return self.new + self.learning + self.due

    def __add__(self, other: DeckCounts) -> DeckCounts:
        return DeckCounts(self.new + other.new, self.learning + other.learning, self.due + other.due)


class Backend(Protocol):
    """The progress store as the library needs it."""

    def sync(self, decks: Sequence[Deck], now: datetime) -> None: ...

    def counts(self, slugs: Sequence[str], now: datetime) -> dict[str, DeckCounts]: ...

    def total(self, slugs: Sequence[str], now: datetime) -> DeckCounts:
        """What studying all of ``slugs`` at once would ask (daily limits apply once)."""

    def progress(self, slugs: Sequence[str], *, cram: bool) -> Progress: ...


@dataclass(frozen=True, slots=True)
class DeckRow:
    source: DeckSource
    counts: DeckCounts

    @property
    def deck(self) -> Deck | None:
        return self.source.deck


class Library:
    def __init__(self, sources: Sequence[DeckSource], backend: Backend, *, clock: Clock = utcnow):
        self.sources = list(sources)
        self.backend = backend
        self.clock = clock
        self.backend.sync(self.decks, self.clock())

    @property
    def decks(self) -> list[Deck]:
        return [s.deck for s in self.sources if s.deck is not None]

    def deck(self, slug: str) -> Deck:
        for deck in self.decks:
            if deck.slug == slug:
                return deck
        raise KeyError(slug)

    def rows(self) -> list[DeckRow]:
        counts = self.backend.counts([d.slug for d in self.decks], self.clock())
        return [
            DeckRow(s, counts.get(s.deck.slug, DeckCounts()) if s.deck else DeckCounts())
            for s in self.sources
        ]

    def total(self) -> DeckCounts:
        return self.backend.total([d.slug for d in self.decks], self.clock())

    def session(self, slugs: Sequence[str] | None = None, *, cram: bool = False) -> StudySession:
        """A session over the given decks (all decks when None)."""
        decks = [d for d in self.decks if slugs is None or d.slug in slugs]
        items = [
            StudyItem(deck, card, key) for deck in decks for card in deck.cards for key in card.study_keys
        ]
        progress = self.backend.progress([d.slug for d in decks], cram=cram)
        return StudySession(items, progress, clock=self.clock)

    def reload(self, slug: str) -> Deck:
        """Load a deck's file again (after an edit); raises ``DeckLoadError``."""
        index = next(i for i, s in enumerate(self.sources) if s.deck and s.deck.slug == slug)
        source = self.sources[index]
        deck = load_deck(source.path, bundled=source.deck.bundled)
        self.sources[index] = replace(source, deck=deck, errors=[])
        self.backend.sync(self.decks, self.clock())
        return deck


class StoreProgress:
    """A study session's view of ``quizapp.srs.Store``, narrowed to some decks.

    Cram sessions grade with ``cram=True`` (nothing written); since the schedule
    does not move, the items already practised this session are left out here.
    """

    def __init__(self, store: Store, slugs: Sequence[str], *, cram: bool, new_limit: int | None):
        self.store = store
        self.slugs = list(slugs)
        self.cram = cram
        self.new_limit = new_limit
        self._practised: set[str] = set()
        self._last: StudyQueue | None = None

    def _queue(self, now: datetime) -> StudyQueue:
        self._last = self.store.queue(self.slugs, now=now, new_limit=self.new_limit, cram=self.cram)
        return self._last

    def queue(self, now: datetime) -> list[str]:
        return [k for k in self._queue(now).keys if k not in self._practised]

    def changed(self, study_key: str) -> bool:
        if self._last is None:
            return False
        return any(item.changed for item in self._last.items if item.study_key == study_key)

    def next_due(self, now: datetime) -> datetime | None:
        queue = self._queue(now)
        if queue.next_due is not None:
            return queue.next_due
        stats = self.store.stats(self.slugs, now=now)
        for days, (_day, count) in enumerate(stats.forecast):
            if days and count:
                return stats.day_start + timedelta(days=days)
        return None

    def preview(self, study_key: str, now: datetime) -> dict[int, datetime]:
        return {int(r): when for r, when in self.store.preview(study_key, now=now).items()}

    def grade(self, study_key, rating, *, now, answer, verdict, duration_ms) -> GradeNote:
        result = self.store.grade(
            study_key, rating, now=now, answer=answer, verdict=verdict,
            duration_ms=duration_ms, cram=self.cram,
        )
        if self.cram:
            self._practised.add(study_key)
            return GradeNote(None)
        return GradeNote(result.due, result.became_leech)

    def undo(self, study_key: str, *, now: datetime) -> None:
        if self.cram:
            self._practised.discard(study_key)
            return
        self.store.undo()

    def bury(self, study_key: str, *, now: datetime) -> None:
        if self.cram:
            self._practised.add(study_key)
            return
        self.store.bury(study_key, now=now)


class StoreBackend:
    """``Backend`` over the SQLite progress store."""

    def __init__(self, store: Store, *, new_limit: int | None = None):
        self.store = store
        self.new_limit = new_limit

    def sync(self, decks: Sequence[Deck], now: datetime) -> None:
        self.store.sync(decks, now=now)

    def counts(self, slugs: Sequence[str], now: datetime) -> dict[str, DeckCounts]:
        return {slug: self.total([slug], now) for slug in slugs}

    def total(self, slugs: Sequence[str], now: datetime) -> DeckCounts:
        from quizapp.srs import QueueKind

        queue = self.store.queue(list(slugs), now=now, new_limit=self.new_limit)
        return DeckCounts(
            new=queue.count(QueueKind.NEW),
            learning=queue.count(QueueKind.LEARNING) + queue.count(QueueKind.LEARN_AHEAD),
            due=queue.count(QueueKind.REVIEW),
        )

    def progress(self, slugs: Sequence[str], *, cram: bool) -> StoreProgress:
        return StoreProgress(self.store, slugs, cram=cram, new_limit=self.new_limit)


class UnknownDeck(LookupError):
    """A deck named on the command line is neither a file nor a known slug."""


def resolve_sources(names: Sequence[str]) -> list[DeckSource]:
    """Deck sources for ``quizapp study [DECK|PATH ...]``: every bundled and user deck
    when nothing is named; else the named files or folders, and slugs of known decks."""
    from pathlib import Path

    from quizapp.deck.discover import discover

    if not names:
        return discover()
    paths = [Path(n) for n in names if Path(n).exists()]
    slugs = [n for n in names if not Path(n).exists()]
    sources = discover(paths) if paths else []
    if slugs:
        known = {s.deck.slug: s for s in discover() if s.deck is not None}
        missing = [s for s in slugs if s not in known]
        if missing:
            raise UnknownDeck(
                f"no deck file or deck named {', '.join(missing)}. "
                f"Known decks: {', '.join(sorted(known)) or 'none'}"
            )
        taken = {s.deck.slug for s in sources if s.deck is not None}
        sources += [known[s] for s in slugs if s not in taken]
    return sources
