"""FSRS-6 scheduling (the ``fsrs`` package) for one study item at a time.

quizapp turns ``fsrs``'s own fuzz off and applies the same fuzz ranges with a
random generator seeded by (study key, review time, rating). The schedule stays
spread out like fsrs intends, yet is a pure function of the review log: a preview
shows exactly the due time a grade will store, and replaying the log rebuilds the
``cards`` table bit for bit.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import fsrs
from fsrs.scheduler import FUZZ_RANGES

from quizapp.srs.config import Config
from quizapp.srs.models import CardState, Rating, State, from_ms, to_ms

# fsrs refuses any tzinfo other than datetime.timezone.utc.
_UTC = timezone.utc


def normalise_now(now: datetime) -> datetime:
    """``now`` in UTC, rounded to the millisecond the database can store."""
    return from_ms(to_ms(now))  # type: ignore[return-value]


def fuzz_days(days: int, *, seed: str, maximum_interval: int) -> int:
    """fsrs's fuzz range around ``days``, drawn from a generator seeded by ``seed``."""
    if days < 2.5:
        return days
    delta = 1.0
    for r in FUZZ_RANGES:
        delta += r["factor"] * max(min(float(days), r["end"]) - r["start"], 0.0)
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum_interval)
    low = min(low, high)
    # fsrs rounds random() * (high - low + 1) + low, which can overshoot high by
    # one; a uniform whole number in [low, high] is what its ranges mean.
    return random.Random(seed).randint(low, high)


class Scheduler:
    """Schedules study items with FSRS-6 under one ``Config``."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._by_retention: dict[float, fsrs.Scheduler] = {}

    def _fsrs(self, retention: float) -> fsrs.Scheduler:
        scheduler = self._by_retention.get(retention)
        if scheduler is None:
            scheduler = fsrs.Scheduler(
                desired_retention=retention,
                learning_steps=self.config.learning_steps,
                relearning_steps=self.config.relearning_steps,
                maximum_interval=self.config.maximum_interval,
                enable_fuzzing=False,
            )
            self._by_retention[retention] = scheduler
        return scheduler

    def review(
        self, study_key: str, deck: str, before: CardState, rating: Rating, now: datetime
    ) -> CardState:
        """The item's state after answering ``rating`` at ``now`` (nothing is stored)."""
        rating = Rating(rating)
        now = normalise_now(now)
        if before.state is State.NEW:
            card = fsrs.Card(card_id=1, state=fsrs.State.Learning, step=0, due=now)
        else:
            card = fsrs.Card(
                card_id=1,
                state=fsrs.State(int(before.state)),
                step=before.step,
                stability=before.stability,
                difficulty=before.difficulty,
                due=before.due or now,
                last_review=before.last_review,
            )
        after, _log = self._fsrs(self.config.retention_for(deck)).review_card(
            card, fsrs.Rating(int(rating)), review_datetime=now
        )
        due = after.due
        if self.config.fuzz and after.state == fsrs.State.Review:
            days = round((due - now) / timedelta(days=1))
            fuzzed = fuzz_days(
                days,
                seed=f"{study_key}|{to_ms(now)}|{int(rating)}",
                maximum_interval=self.config.maximum_interval,
            )
            due = now + timedelta(days=fuzzed)
        lapsed = rating is Rating.AGAIN and before.state is State.REVIEW
        return CardState(
            state=State(int(after.state)),
            step=after.step,
            stability=after.stability,
            difficulty=after.difficulty,
            due=normalise_now(due),
            last_review=now,
            reps=before.reps + 1,
            lapses=before.lapses + (1 if lapsed else 0),
        )

    def preview(
        self, study_key: str, deck: str, before: CardState, now: datetime
    ) -> dict[Rating, datetime]:
        """The due time each rating would give, for the grade buttons."""
        return {
            rating: self.review(study_key, deck, before, rating, now).due  # type: ignore[misc]
            for rating in Rating
        }

    def retrievability(self, state: CardState, deck: str, now: datetime) -> float | None:
        """Predicted probability of recall at ``now`` (None for a new item)."""
        if state.state is State.NEW or state.stability is None or state.last_review is None:
            return None
        card = fsrs.Card(
            card_id=1,
            state=fsrs.State(int(state.state)),
            step=state.step,
            stability=state.stability,
            difficulty=state.difficulty,
            due=state.due,
            last_review=state.last_review,
        )
        return self._fsrs(self.config.retention_for(deck)).get_card_retrievability(
            card, current_datetime=normalise_now(now)
        )


def format_interval(delta: timedelta) -> str:
    """An interval the way Anki's buttons show it: ``<1m``, ``6m``, ``3h``, ``4d``, ``2.1mo``, ``1.5y``."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    minutes = seconds / 60
    if minutes < 60:
        return f"{round(minutes)}m"
    hours = minutes / 60
    if hours < 24:
        return f"{_trim(hours)}h"
    days = hours / 24
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_trim(days / 30.4375)}mo"
    return f"{_trim(days / 365.25)}y"


def _trim(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text
