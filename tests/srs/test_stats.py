"""Stats: counts per deck, reviews today, streak, true retention, forecast."""

from __future__ import annotations

from datetime import timedelta

from quizapp.srs import Rating, State

from .conftest import T0, make_deck


def test_a_fresh_install_counts_every_card_as_new(store):
    store.sync([make_deck("a", n=3), make_deck("b", n=2)], now=T0)
    stats = store.stats(now=T0)
    assert [(d.deck, d.new, d.learning, d.due_today, d.young, d.mature) for d in stats.decks] == [
        ("a", 3, 0, 0, 0, 0),
        ("b", 2, 0, 0, 0, 0),
    ]
    assert stats.total.new == 5 and stats.reviews_today == 0 and stats.streak == 0
    assert stats.retention is None
    assert stats.forecast[0] == (T0.date().isoformat(), 0) and len(stats.forecast) == 7


def test_counts_after_some_reviews(store):
    store.sync([make_deck(n=6)], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)  # learning
    store.grade("basics/c1", Rating.EASY, now=T0 - timedelta(days=40))  # review, overdue
    # a mature card: interval of 21 days or more
    now = T0 - timedelta(days=400)
    for _ in range(6):
        result = store.grade("basics/c2", Rating.EASY, now=now)
        now = result.due
    assert result.interval >= timedelta(days=21)
    store.set_suspended("basics/c5", True)
    stats = store.stats(["basics"], now=T0)
    [deck] = stats.decks
    assert (deck.new, deck.learning, deck.young, deck.suspended) == (2, 1, 1, 1)
    assert deck.mature == 1 and deck.due_today >= 1 and deck.total == 6
    assert stats.reviews_today == 1


def test_removed_cards_leave_the_counts(store):
    store.sync([make_deck(n=3)], now=T0)
    store.sync([make_deck(n=1)], now=T0)
    assert store.stats(now=T0).total.new == 1


def test_streak_counts_study_days_and_survives_until_today_ends(store):
    store.sync([make_deck(n=10)], now=T0)
    for back in (1, 2, 3, 5):  # studied yesterday, the two days before, and 5 days ago
        store.grade(f"basics/c{back}", Rating.GOOD, now=T0 - timedelta(days=back))
    assert store.stats(now=T0).streak == 3  # today not studied yet: not broken
    store.grade("basics/c0", Rating.GOOD, now=T0)
    assert store.stats(now=T0).streak == 4
    # 02:00 the next morning is still today (4 am rollover)
    assert store.stats(now=T0 + timedelta(hours=14)).streak == 4
    assert store.stats(now=T0 + timedelta(days=2)).streak == 0


def test_true_retention_counts_the_first_answer_of_a_day_of_review_cards(store):
    store.sync([make_deck(n=4)], now=T0)
    base = T0 - timedelta(days=20)
    dues = {}
    for i in range(4):
        dues[i] = store.grade(f"basics/c{i}", Rating.EASY, now=base).due  # learning answer: not counted
    ratings = {0: Rating.GOOD, 1: Rating.HARD, 2: Rating.AGAIN, 3: Rating.GOOD}
    for i, rating in ratings.items():
        result = store.grade(f"basics/c{i}", rating, now=dues[i])
        if rating is Rating.AGAIN:  # relearning the same day does not count again
            store.grade(f"basics/c{i}", Rating.GOOD, now=result.due)
    stats = store.stats(now=T0)
    assert stats.retention_reviews == 4 and stats.retention == 0.75
    # older than 30 days: out of the window
    assert store.stats(now=T0 + timedelta(days=40)).retention is None


def test_forecast_buckets_by_study_day(store):
    store.sync([make_deck(n=3)], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)  # learning step: due today
    due = store.grade("basics/c1", Rating.EASY, now=T0).due
    days_ahead = (due - T0 + timedelta(hours=8)).days  # 4 am rollover, noon now
    stats = store.stats(now=T0)
    counts = [n for _day, n in stats.forecast]
    assert counts[0] == 1
    if days_ahead < 7:
        assert counts[days_ahead] == 1
    assert sum(counts) == 1 + (days_ahead < 7)
    assert store.state("basics/c1").state is State.REVIEW


def test_deck_filter_applies_to_every_figure(store):
    store.sync([make_deck("a", n=2), make_deck("b", n=2)], now=T0)
    store.grade("a/c0", Rating.GOOD, now=T0)
    only_b = store.stats(["b"], now=T0)
    assert [d.deck for d in only_b.decks] == ["b"]
    assert only_b.reviews_today == 0 and only_b.streak == 0
    assert store.stats(["a"], now=T0).reviews_today == 1
    assert store.stats(["nothing-here"], now=T0).decks[0].total == 0


def test_to_dict_is_json_ready(store):
    import json

    store.sync([make_deck(n=2)], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)
    data = json.loads(json.dumps(store.stats(now=T0).to_dict()))
    assert data["decks"][0]["learning"] == 1 and data["reviews_today"] == 1
    assert set(data) >= {"decks", "total", "reviews_today", "streak_days", "retention_30d", "forecast"}


def test_an_empty_deck_selection_counts_nothing(store):
    store.sync([make_deck(n=2)], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)
    stats = store.stats([], now=T0)
    assert stats.decks == () and stats.reviews_today == 0 and stats.total.total == 0


def test_study_days_follow_local_time_across_a_daylight_saving_change(db_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from quizapp.srs import Config, Store

    ny = ZoneInfo("America/New_York")
    with Store.open(db_path, config=Config(timezone="America/New_York")) as store:
        store.sync([make_deck(n=3)], now=T0)
        # Saturday 7 March 2026, 23:30 local; clocks go forward that night.
        saturday = datetime(2026, 3, 7, 23, 30, tzinfo=ny)
        store.grade("basics/c0", Rating.GOOD, now=saturday)
        # 03:30 EDT on Sunday is still Saturday's study day (4 am rollover, local time)
        sunday_early = datetime(2026, 3, 8, 3, 30, tzinfo=ny)
        assert store.stats(now=sunday_early).reviews_today == 1
        # 04:00 EDT starts Sunday: a new day, yesterday's review keeps the streak alive
        sunday = datetime(2026, 3, 8, 4, 0, tzinfo=ny)
        stats = store.stats(now=sunday)
        assert stats.reviews_today == 0 and stats.streak == 1
        assert stats.day_start == sunday
        assert [day for day, _n in stats.forecast][:2] == ["2026-03-08", "2026-03-09"]
