"""The review log is the truth: replaying it rebuilds the cards table exactly."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.srs import Config, Rating, Store

from .conftest import T0, cloze, make_deck

DECK = make_deck(n=3, extra=(cloze("basics", "z", "{{a}} {{b}}"),))
KEYS = [k for card in DECK.cards for k in card.study_keys]

actions = st.lists(
    st.tuples(
        st.sampled_from(KEYS),
        st.sampled_from(list(Rating)),
        st.integers(min_value=0, max_value=60 * 24 * 90),  # minutes until the answer
        st.booleans(),  # undo right after?
    ),
    max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=actions)
def test_any_history_replays_to_the_cached_state(tmp_path_factory, actions):
    path = tmp_path_factory.mktemp("replay") / "p.db"
    with Store.open(path, config=Config(timezone="Europe/Berlin")) as store:
        store.sync([DECK], now=T0)
        now = T0
        for key, rating, minutes, undo in actions:
            now += timedelta(minutes=minutes)
            store.grade(key, rating, now=now, duration_ms=minutes)
            if undo:
                assert store.undo() == key
        assert store.mismatches() == []
        assert store.rebuild() == 0
        assert store.integrity_check() == "ok"


def test_rebuild_repairs_a_damaged_cache(db_path):
    with Store.open(db_path) as store:
        store.sync([DECK], now=T0)
        now = T0
        for rating in (Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY):
            now = store.grade("basics/c0", rating, now=now).due
        store.grade("basics/z#1", Rating.HARD, now=T0)
        good = {key: store.item(key) for key in KEYS}
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE cards SET state = 0, stability = NULL, due = NULL, reps = 0, lapses = 0")
    conn.commit()
    conn.close()
    with Store.open(db_path) as store:
        assert set(store.mismatches()) == {"basics/c0", "basics/z#1"}
        assert store.rebuild() == 2
        assert {key: store.item(key) for key in KEYS} == good


def test_rebuild_with_new_settings_reschedules_every_card(db_path):
    with Store.open(db_path) as store:
        store.sync([DECK], now=T0)
        now = T0
        for _ in range(4):
            now = store.grade("basics/c0", Rating.GOOD, now=now).due
        before = store.state("basics/c0")
        store.set_config(store.config.replace(desired_retention=0.97))
        assert store.rebuild() == 1
        after = store.state("basics/c0")
        assert after.interval < before.interval and after.reps == before.reps


def test_an_answer_logged_with_an_earlier_clock_still_replays_exactly(store):
    """Two processes whose clocks disagree: the log order, not the timestamps, is the truth."""
    store.sync([DECK], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0 + timedelta(minutes=30))
    store.grade("basics/c0", Rating.GOOD, now=T0 + timedelta(minutes=20))  # a slower clock
    assert store.mismatches() == [] and store.rebuild() == 0
