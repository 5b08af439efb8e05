"""Study settings: desired retention (global and per deck), steps, limits, day rollover.

A ``Config`` is an immutable value. The store keeps the learner's settings in its
``settings`` table (``Store.set_config``), so every process studying the same
database schedules the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from quizapp.srs.models import StoreError

MIN_RETENTION = 0.70
MAX_RETENTION = 0.99


class ConfigError(StoreError, ValueError):
    """A setting out of range; the message names the setting and the allowed values."""


def _steps(value: Any, name: str) -> tuple[timedelta, ...]:
    try:
        steps = tuple(
            step if isinstance(step, timedelta) else timedelta(seconds=float(step))
            for step in value
        )
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a list of durations in seconds") from None
    for step in steps:
        seconds = step.total_seconds()
        if not math.isfinite(seconds) or seconds < 1 or seconds >= 86400:
            raise ConfigError(f"{name}: each step must be between 1 second and 1 day")
        if seconds != int(seconds):
            raise ConfigError(f"{name}: steps are whole seconds")
    return steps


def _retention(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{name} must be a number between {MIN_RETENTION} and {MAX_RETENTION}")
    value = float(value)
    if not (MIN_RETENTION <= value <= MAX_RETENTION):
        raise ConfigError(
            f"{name} is {value}; it must be between {MIN_RETENTION} and {MAX_RETENTION}"
            " (0.9 means: show a card when you would still recall it 9 times in 10)"
        )
    return value


def _int(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"{name} must be a whole number from {low} to {high}")
    return value


@dataclass(frozen=True)
class Config:
    """How quizapp schedules. All fields are validated on construction.

    - ``desired_retention``: the recall probability FSRS aims for when a card comes
      due (0.70-0.99); ``deck_retention`` overrides it per deck slug.
    - ``learning_steps`` / ``relearning_steps``: short steps before a new / lapsed
      card graduates to day intervals.
    - ``rollover_hour``: the local hour a study day starts (default 4 am), in
      ``timezone`` (an IANA name such as ``"Asia/Seoul"``; None: the system's).
    - ``new_limit`` / ``review_limit``: new items introduced and reviews shown per
      study day.
    - ``leech_threshold``: lapses that make an item a leech (suspended until the
      learner rewrites or releases it); it fires again every half threshold after.
    - ``learn_ahead``: learning steps due within this window are offered when
      nothing else is left.
    - ``fuzz``: spread day intervals a little so cards learned together do not stay
      together. quizapp's fuzz is seeded by the study key and review time, so a
      preview shows exactly what a grade will do and a replay of the log is exact.
    """

    desired_retention: float = 0.9
    deck_retention: Mapping[str, float] = field(default_factory=dict, hash=False)
    learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10))
    relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),)
    rollover_hour: int = 4
    timezone: str | None = None
    new_limit: int = 20
    review_limit: int = 200
    leech_threshold: int = 8
    maximum_interval: int = 36500
    learn_ahead: timedelta = timedelta(minutes=20)
    fuzz: bool = True

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "desired_retention", _retention(self.desired_retention, "desired retention"))
        if not isinstance(self.deck_retention, Mapping):
            raise ConfigError("deck retention must map deck names to numbers")
        per_deck = {
            str(deck): _retention(value, f"desired retention for deck {deck!r}")
            for deck, value in self.deck_retention.items()
        }
        set_(self, "deck_retention", MappingProxyType(per_deck))
        set_(self, "learning_steps", _steps(self.learning_steps, "learning steps"))
        set_(self, "relearning_steps", _steps(self.relearning_steps, "relearning steps"))
        _int(self.rollover_hour, "rollover hour", 0, 23)
        _int(self.new_limit, "new card limit", 0, 100_000)
        _int(self.review_limit, "review limit", 0, 1_000_000)
        _int(self.leech_threshold, "leech threshold", 2, 1000)
        _int(self.maximum_interval, "maximum interval", 1, 36500)
        if not isinstance(self.fuzz, bool):
            raise ConfigError("fuzz must be true or false")
        if not isinstance(self.learn_ahead, timedelta):
            try:
                set_(self, "learn_ahead", timedelta(seconds=float(self.learn_ahead)))
            except (TypeError, ValueError):
                raise ConfigError("learn ahead must be a duration in seconds") from None
        if not timedelta(0) <= self.learn_ahead <= timedelta(hours=12):
            raise ConfigError("learn ahead must be between 0 and 12 hours")
        if self.timezone is not None:
            try:
                ZoneInfo(str(self.timezone))
            except (ZoneInfoNotFoundError, ValueError):
                raise ConfigError(
                    f"unknown time zone {self.timezone!r} (use a name like 'Asia/Seoul')"
                ) from None

    @property
    def tz(self) -> ZoneInfo | None:
        """The study-day time zone; None means the system's local time."""
        return ZoneInfo(self.timezone) if self.timezone is not None else None

    def retention_for(self, deck: str) -> float:
        return self.deck_retention.get(deck, self.desired_retention)

    def replace(self, **changes: Any) -> Config:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        out: dict = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, timedelta):
                value = int(value.total_seconds())
            elif isinstance(value, tuple):
                value = [int(step.total_seconds()) for step in value]
            elif isinstance(value, Mapping):
                value = dict(value)
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Config:
        """Settings from JSON; unknown keys are ignored so older quizapps can read newer files."""
        if not isinstance(data, Mapping):
            raise ConfigError("settings must be a JSON object")
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
