from __future__ import annotations

from datetime import UTC, datetime, timedelta

from quizapp.deck.models import Card, Deck, Kind
from quizapp.study.answers import Rating, Verdict
from quizapp.study.session import GradeNote, StudyItem, StudySession

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now


class MemoryProgress:
    """Everything due at once; a grade makes an item due after its rating's interval."""

    STEPS = {1: timedelta(minutes=1), 2: timedelta(minutes=6), 3: timedelta(days=1), 4: timedelta(days=4)}

    def __init__(self, keys):
        self.order = list(keys)
        self.due = {k: NOW for k in keys}
        self.log: list[tuple[str, int]] = []
        self.buried: set[str] = set()

    def queue(self, now):
        return [k for k in self.order if self.due[k] <= now + timedelta(minutes=20) and k not in self.buried]

    def next_due(self, now):
        later = [d for d in self.due.values() if d > now]
        return min(later, default=None)

    def preview(self, key, now):
        return {r: now + step for r, step in self.STEPS.items()}

    def grade(self, key, rating, *, now, answer, verdict, duration_ms):
        self.log.append((key, rating))
        self.due[key] = now + self.STEPS[rating]
        return GradeNote(self.due[key])

    def undo(self, key, *, now):
        self.log.pop()
        self.due[key] = NOW

    def bury(self, key, *, now):
        self.buried.add(key)

    def changed(self, key):
        return False


def make(n=3):
    cards = tuple(Card("d", f"c{i}", Kind.FLASH, front="f", back="b") for i in range(n))
    deck = Deck("d", "D", cards)
    items = [StudyItem(deck, c, c.key) for c in cards]
    clock = Clock()
    progress = MemoryProgress([i.study_key for i in items])
    return StudySession(items, progress, clock=clock), progress, clock


def test_grade_moves_on_and_records_time():
    session, progress, clock = make()
    clock.now += timedelta(seconds=7)
    outcome = session.grade(Rating.GOOD)
    assert outcome.seconds == 7 and progress.log == [("d/c0", 3)]
    assert session.current.card.id == "c1" and session.done == 1 and session.left == 2


def test_again_comes_back_in_the_same_session():
    session, progress, _ = make(1)
    session.grade(Rating.AGAIN)
    assert session.current.card.id == "c0"


def test_undo_asks_the_same_item_again_first():
    session, progress, _ = make()
    session.grade(Rating.EASY)
    session.grade(Rating.EASY)
    undone = session.undo()
    assert undone.item.card.id == "c1" and session.current.card.id == "c1"
    assert progress.log == [("d/c0", 4)]
    assert session.undo().item.card.id == "c0"
    assert session.undo() is None


def test_skip_buries():
    session, progress, _ = make()
    assert session.skip().card.id == "c0"
    assert progress.buried == {"d/c0"} and session.current.card.id == "c1"


def test_summary_counts_by_kind_and_verdict():
    session, _, clock = make()
    session.grade(Rating.AGAIN)
    session.grade(Rating.GOOD, verdict=Verdict.CLOSE)
    clock.now += timedelta(minutes=2)
    summary = session.summary()
    assert summary.by_kind[Kind.FLASH] == {Verdict.CORRECT: 0, Verdict.CLOSE: 1, Verdict.WRONG: 1}
    assert summary.studied == 1 and summary.seconds == 120  # Again brought c0 straight back


def test_intervals_are_formatted_like_anki():
    session, _, _ = make()
    assert session.intervals() == {Rating.AGAIN: "1m", Rating.HARD: "6m", Rating.GOOD: "1d", Rating.EASY: "4d"}


def test_replace_deck_keeps_items_and_drops_removed_cards():
    session, _, _ = make()
    old = session.current.deck
    new = Deck("d", "D", (Card("d", "c0", Kind.FLASH, front="changed", back="b"),))
    session.replace_deck(new)
    assert session.current.card.front == "changed" and session.left == 1
    assert old is not new
