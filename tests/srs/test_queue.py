"""The study queue: order, daily limits, siblings, study-day rollover, time zones, cram."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from quizapp.srs import Config, QueueKind, Rating, Store, day_bounds

from .conftest import T0, cloze, make_deck


def graduate(store, key, now, rating=Rating.EASY):
    """One Easy answer: the item goes straight to day intervals."""
    return store.grade(key, rating, now=now)


def test_a_fresh_deck_queues_new_cards_in_deck_order_up_to_the_limit(store):
    store.sync([make_deck(n=30)], now=T0)
    queue = store.queue(now=T0)
    assert queue.keys == tuple(f"basics/c{i}" for i in range(20))
    assert queue.count(QueueKind.NEW) == 20 and queue.new_left == 20
    assert store.queue(now=T0, new_limit=3).keys == ("basics/c0", "basics/c1", "basics/c2")


def test_order_is_learning_then_most_overdue_reviews_then_new_then_learn_ahead(store):
    store.sync([make_deck(n=8)], now=T0)
    r_late = graduate(store, "basics/c5", T0 - timedelta(days=30))  # due ~8 days later
    r_later = graduate(store, "basics/c6", T0 - timedelta(days=20))
    assert r_late.due < r_later.due < T0
    store.grade("basics/c2", Rating.AGAIN, now=T0 - timedelta(minutes=5))  # learning, due 1m later
    store.grade("basics/c3", Rating.GOOD, now=T0 - timedelta(minutes=1))  # learning, due in 9m: ahead
    store.grade("basics/c4", Rating.GOOD, now=T0 - timedelta(minutes=30))  # due 20 min ago... after c2
    queue = store.queue(now=T0)
    kinds = [(item.study_key, item.kind) for item in queue]
    assert kinds == [
        ("basics/c4", QueueKind.LEARNING),  # due 20 minutes ago: the earliest first
        ("basics/c2", QueueKind.LEARNING),
        ("basics/c5", QueueKind.REVIEW),
        ("basics/c6", QueueKind.REVIEW),
        ("basics/c0", QueueKind.NEW),
        ("basics/c1", QueueKind.NEW),
        ("basics/c7", QueueKind.NEW),
        ("basics/c3", QueueKind.LEARN_AHEAD),
    ]


def test_next_due_tells_when_the_next_learning_step_comes(store):
    store.sync([make_deck(n=1)], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)  # due in 10 minutes
    queue = store.queue(now=T0, new_limit=0)
    assert queue.keys == ("basics/c0",) and queue[0].kind is QueueKind.LEARN_AHEAD
    store.set_config(store.config.replace(learn_ahead=timedelta(minutes=5)))
    queue = store.queue(now=T0)
    assert not queue and queue.next_due == T0 + timedelta(minutes=10)


def test_new_limit_counts_cards_already_introduced_today(store):
    store.sync([make_deck(n=10)], now=T0)
    for key in store.queue(now=T0, new_limit=4).keys:
        graduate(store, key, T0)
    queue = store.queue(now=T0 + timedelta(hours=1), new_limit=6)
    assert queue.new_left == 2 and queue.keys == ("basics/c4", "basics/c5")
    # the next study day starts at 04:00 UTC: a fresh allowance
    assert store.queue(now=T0 + timedelta(hours=16), new_limit=6).new_left == 6


def test_review_limit_counts_reviews_done_today(store):
    store.sync([make_deck(n=6)], now=T0)
    for i in range(6):
        graduate(store, f"basics/c{i}", T0 - timedelta(days=30))
    now = T0
    queue = store.queue(now=now, review_limit=4, new_limit=0)
    assert queue.count(QueueKind.REVIEW) == 4
    for key in queue.keys[:3]:
        store.grade(key, Rating.GOOD, now=now)
    assert store.queue(now=now, review_limit=4).reviews_left == 1


def test_siblings_of_a_cloze_are_not_shown_on_the_same_day(store):
    deck = make_deck(n=1, extra=(cloze("basics", "z"),))
    store.sync([deck], now=T0)
    assert store.queue(now=T0).keys == ("basics/c0", "basics/z#1")  # one blank a day
    store.grade("basics/z#1", Rating.AGAIN, now=T0)
    queue = store.queue(now=T0 + timedelta(minutes=2))
    assert queue.keys == ("basics/z#1", "basics/c0")  # its own learning step comes back
    store.grade("basics/z#1", Rating.EASY, now=T0 + timedelta(minutes=2))  # now days away
    store.grade("basics/c0", Rating.EASY, now=T0)
    # 03:59 next morning is still the same study day: z#2 waits
    assert store.queue(now=T0 + timedelta(hours=15, minutes=59)).keys == ()


def test_over_many_days_no_two_siblings_are_studied_on_the_same_day(store):
    import random

    rng = random.Random(4)
    store.sync([make_deck(n=2, extra=(cloze("basics", "z"), cloze("basics", "y", "{{a}} {{b}}")))], now=T0)
    seen_by_day: dict[tuple[int, str], set[str]] = {}
    for day in range(40):
        now = T0 + timedelta(days=day)
        for _ in range(30):  # work through the day's queue, learning steps included
            queue = store.queue(now=now)
            if not queue:
                break
            item = queue[0]
            seen_by_day.setdefault((day, item.card_key), set()).add(item.study_key)
            store.grade(item.study_key, rng.choice(list(Rating)), now=now)
            now += timedelta(minutes=11)
    assert all(len(keys) == 1 for keys in seen_by_day.values())
    studied = set().union(*seen_by_day.values())
    assert {"basics/z#1", "basics/z#2", "basics/z#3", "basics/y#1", "basics/y#2"} <= studied


def test_a_sibling_waits_while_another_is_due(store):
    store.sync([make_deck(n=0, extra=(cloze("basics", "z", "{{a}} {{b}}"),))], now=T0)
    store.grade("basics/z#1", Rating.AGAIN, now=T0)
    for day in range(1, 4):  # z#1 keeps coming back, so z#2 never joins it
        now = T0 + timedelta(days=day)
        queue = store.queue(now=now)
        assert queue.keys == ("basics/z#1",)
        store.grade("basics/z#1", Rating.AGAIN, now=now)


def test_two_siblings_due_on_the_same_day_are_spread(store):
    store.sync([make_deck(n=0, extra=(cloze("basics", "z"),))], now=T0)
    for n in (1, 2, 3):
        graduate(store, f"basics/z#{n}", T0 - timedelta(days=40 + 10 * n))
    first = store.queue(now=T0)
    assert first.keys == ("basics/z#3",)  # the most overdue sibling
    store.grade("basics/z#3", Rating.GOOD, now=T0)
    assert store.queue(now=T0 + timedelta(hours=1)).keys == ()
    assert store.queue(now=T0 + timedelta(days=1)).keys == ("basics/z#2",)


def test_decks_are_filtered_and_new_cards_follow_the_order_given(store):
    a, b = make_deck("a", n=2), make_deck("b", n=2)
    store.sync([a, b], now=T0)
    assert store.queue([b, a], now=T0).keys == ("b/c0", "b/c1", "a/c0", "a/c1")
    assert store.queue(["a"], now=T0).keys == ("a/c0", "a/c1")
    assert store.queue([], now=T0).keys == ()


def test_cram_practises_without_changing_the_schedule(store):
    store.sync([make_deck(n=4)], now=T0)
    graduate(store, "basics/c2", T0)
    graduate(store, "basics/c1", T0)
    later = T0 + timedelta(hours=1)
    assert store.queue(now=later, new_limit=0).keys == ()  # nothing due
    cram = store.queue(now=later, cram=True)
    assert cram.cram and set(cram.keys[:2]) == {"basics/c1", "basics/c2"}
    assert cram.keys[2:] == ("basics/c0", "basics/c3")
    before = {k: store.item(k) for k in cram.keys}
    for key in cram.keys:
        store.grade(key, Rating.AGAIN, now=later, cram=True)
    assert {k: store.item(k) for k in cram.keys} == before


# -- study days and time zones ----------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "now", "expected_day", "start"),
    [
        # Seoul is UTC+9: 02:00 local on the 3rd is still the study day of the 2nd
        ("Asia/Seoul", datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc), date(2026, 3, 2),
         datetime(2026, 3, 1, 19, 0, tzinfo=timezone.utc)),
        ("Asia/Seoul", datetime(2026, 3, 2, 19, 0, tzinfo=timezone.utc), date(2026, 3, 3),
         datetime(2026, 3, 2, 19, 0, tzinfo=timezone.utc)),
        ("America/Los_Angeles", datetime(2026, 3, 2, 11, 59, tzinfo=timezone.utc), date(2026, 3, 1),
         datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)),
        ("UTC", datetime(2026, 3, 2, 3, 59, 59, tzinfo=timezone.utc), date(2026, 3, 1),
         datetime(2026, 3, 1, 4, 0, tzinfo=timezone.utc)),
    ],
)
def test_the_study_day_rolls_over_at_4_am_local(zone, now, expected_day, start):
    day, day_start, day_end = day_bounds(now, rollover_hour=4, tz=ZoneInfo(zone))
    assert (day, day_start) == (expected_day, start)
    assert day_start <= now < day_end


def test_a_daylight_saving_day_is_23_or_25_hours_long():
    ny = ZoneInfo("America/New_York")
    spring = datetime(2026, 3, 8, 1, 0, tzinfo=ny)  # clocks go forward at 2 am this study day
    _, start, end = day_bounds(spring, rollover_hour=4, tz=ny)
    assert end - start == timedelta(hours=23)
    autumn = datetime(2026, 11, 1, 1, 30, tzinfo=ny)  # clocks go back at 2 am
    _, start, end = day_bounds(autumn, rollover_hour=4, tz=ny)
    assert end - start == timedelta(hours=25)


def test_the_queue_uses_the_configured_time_zone_and_rollover_hour(db_path):
    seoul = Config(timezone="Asia/Seoul", rollover_hour=6)
    with Store.open(db_path, config=seoul) as store:
        store.sync([make_deck(n=5)], now=T0)
        evening = datetime(2026, 3, 2, 20, 0, tzinfo=ZoneInfo("Asia/Seoul"))
        for key in store.queue(now=evening, new_limit=2).keys:
            graduate(store, key, evening)
        # 05:59 Seoul next morning: the same study day, allowance used
        assert store.queue(now=evening + timedelta(hours=9, minutes=59), new_limit=2).new_left == 0
        # 06:00: a new study day
        assert store.queue(now=evening + timedelta(hours=10), new_limit=2).new_left == 2
        # The same instants in another zone's clothes give the same answer
        utc = (evening + timedelta(hours=10)).astimezone(timezone.utc)
        assert store.queue(now=utc, new_limit=2).new_left == 2


def test_system_local_time_is_the_default_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Asia/Seoul")
    time.tzset()
    try:
        day, start, _ = day_bounds(datetime(2026, 3, 2, 18, 0, tzinfo=timezone.utc), rollover_hour=4, tz=None)
        assert day == date(2026, 3, 2) and start == datetime(2026, 3, 1, 19, 0, tzinfo=timezone.utc)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
