"""FSRS scheduling: steps, ratings, retention, fuzz, previews, interval labels."""

from __future__ import annotations

from datetime import timedelta

import pytest

from quizapp.srs import CardState, Config, ConfigError, Rating, State, format_interval
from quizapp.srs.scheduler import Scheduler, fuzz_days

from .conftest import T0


def review_seq(scheduler, ratings, *, key="d/c", deck="d", start=T0):
    state, now = CardState(), start
    for rating in ratings:
        state = scheduler.review(key, deck, state, rating, now)
        now = state.due
    return state


def test_new_card_follows_the_default_learning_steps():
    s = Scheduler(Config())
    due = s.preview("d/c", "d", CardState(), T0)
    assert due[Rating.AGAIN] - T0 == timedelta(minutes=1)
    assert due[Rating.HARD] - T0 == timedelta(minutes=5, seconds=30)  # between the two steps
    assert due[Rating.GOOD] - T0 == timedelta(minutes=10)
    assert due[Rating.EASY] - T0 >= timedelta(days=1)


def test_good_twice_graduates_to_days_and_again_relearns_for_ten_minutes():
    s = Scheduler(Config())
    state = review_seq(s, [Rating.GOOD, Rating.GOOD])
    assert state.state is State.REVIEW and state.interval >= timedelta(days=1)
    lapsed = s.review("d/c", "d", state, Rating.AGAIN, state.due)
    assert lapsed.state is State.RELEARNING
    assert lapsed.due - state.due == timedelta(minutes=10)
    assert (lapsed.reps, lapsed.lapses) == (3, 1)


def test_ratings_order_the_intervals_of_a_review_card():
    s = Scheduler(Config())
    state = review_seq(s, [Rating.GOOD, Rating.GOOD, Rating.GOOD])
    due = s.preview("d/c", "d", state, state.due)
    assert due[Rating.AGAIN] < due[Rating.HARD] <= due[Rating.GOOD] <= due[Rating.EASY]


def test_higher_desired_retention_gives_shorter_intervals_and_decks_can_differ():
    config = Config(desired_retention=0.8, deck_retention={"hard-deck": 0.97}, fuzz=False)
    s = Scheduler(config)
    relaxed = review_seq(s, [Rating.GOOD] * 4, deck="easy-deck")
    strict = review_seq(s, [Rating.GOOD] * 4, deck="hard-deck")
    assert strict.interval < relaxed.interval


def test_fuzz_is_deterministic_per_key_and_time_and_stays_in_range():
    assert fuzz_days(2, seed="x", maximum_interval=100) == 2  # too short to fuzz
    draws = {fuzz_days(50, seed=f"k{i}", maximum_interval=36500) for i in range(200)}
    assert len(draws) > 3 and min(draws) >= 46 and max(draws) <= 54
    assert fuzz_days(50, seed="same", maximum_interval=36500) == fuzz_days(50, seed="same", maximum_interval=36500)


def test_fuzz_spreads_cards_learned_together():
    s = Scheduler(Config())
    dues = {review_seq(s, [Rating.GOOD] * 4, key=f"d/c{i}").due for i in range(20)}
    assert len(dues) > 1
    s_plain = Scheduler(Config(fuzz=False))
    assert len({review_seq(s_plain, [Rating.GOOD] * 4, key=f"d/c{i}").due for i in range(20)}) == 1


def test_preview_equals_the_review_it_predicts():
    s = Scheduler(Config())
    state = review_seq(s, [Rating.GOOD] * 3)
    now = state.due + timedelta(days=3, hours=5)
    for rating, due in s.preview("d/c", "d", state, now).items():
        assert s.review("d/c", "d", state, rating, now).due == due


def test_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        Scheduler(Config()).review("d/c", "d", CardState(), Rating.GOOD, T0.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("delta", "label"),
    [
        (timedelta(seconds=20), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=5, seconds=30), "6m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=64), "2.1mo"),
        (timedelta(days=365), "1y"),
        (timedelta(days=550), "1.5y"),
    ],
)
def test_format_interval_like_anki(delta, label):
    assert format_interval(delta) == label


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"desired_retention": 1.5}, "between 0.7 and 0.99"),
        ({"desired_retention": "high"}, "must be a number"),
        ({"deck_retention": {"d": 0.2}}, "deck 'd'"),
        ({"learning_steps": [0]}, "between 1 second and 1 day"),
        ({"learning_steps": ["soon"]}, "durations in seconds"),
        ({"rollover_hour": 24}, "rollover hour"),
        ({"new_limit": -1}, "new card limit"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"fuzz": "yes"}, "true or false"),
        ({"learn_ahead": "soon"}, "learn ahead"),
        ({"learn_ahead": 86400}, "between 0 and 12 hours"),
    ],
)
def test_bad_settings_get_a_plain_message(changes, message):
    with pytest.raises(ConfigError, match=message):
        Config(**changes)


def test_config_round_trips_through_json_and_ignores_unknown_keys():
    config = Config(desired_retention=0.85, deck_retention={"a": 0.95}, learning_steps=(60, 600, 3600),
                    timezone="Asia/Seoul", rollover_hour=5)
    data = config.to_dict()
    assert Config.from_dict({**data, "from_the_future": 1}) == config
    assert config.learning_steps[2] == timedelta(hours=1)
