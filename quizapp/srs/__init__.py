"""Progress that is never lost: FSRS-6 scheduling over an SQLite review log.

The core of quizapp's memory, with no UI (never imports textual or torch). Typical
use by a shell::

    from quizapp.srs import Store, Rating, format_interval

    with Store.open(path) as store:              # creates / migrates; StoreError if refused
        store.sync(decks, now=now)               # record the decks' cards (edits keep progress)
        queue = store.queue(decks, now=now)      # today's study keys, in order
        item = queue[0]
        due = store.preview(item.study_key, now=now)    # {Rating: datetime} for the buttons
        labels = {r: format_interval(d - now) for r, d in due.items()}
        result = store.grade(item.study_key, Rating.GOOD, now=now,
                             answer="tensor([1, 2])", verdict="correct", duration_ms=5400)
        if result.became_leech: ...              # tell the learner: tagged and suspended
        store.undo()                             # take the last grade back
        store.bury(key, now=now)                 # skip until tomorrow
        stats = store.stats(decks, now=now)      # .to_dict() for JSON

The whole ``Store`` API (every ``now`` keyword-only):

- ``Store.open(path, *, config=None, busy_timeout=10.0)``; ``close()``; context manager
- ``sync(decks, *, now=None) -> SyncReport`` -- record the decks' cards
- ``queue(decks=None, *, now, new_limit=None, review_limit=None, cram=False) -> StudyQueue``
- ``preview(key, *, now) -> dict[Rating, datetime]``
- ``grade(key, rating, *, now, answer=None, verdict=None, duration_ms=None, cram=False) -> GradeResult``
- ``undo() -> str | None``; ``can_undo``
- ``bury(key, *, now)``; ``set_suspended(key, suspended)``
- ``item(key) -> Item``; ``state(key) -> CardState``; ``history(key) -> list[dict]``; ``decks()``
- ``stats(decks=None, *, now) -> Stats``
- ``config``; ``set_config(config)`` -- saved in the file, shared by every process
- ``replay()``, ``mismatches()``, ``rebuild() -> int``, ``integrity_check() -> str``

Rules worth knowing:

- Every ``now`` is a timezone-aware datetime (naive ones raise ``ValueError``); the
  store never reads the clock itself except for ``sync``'s bookkeeping default.
- The scheduled unit is a *study key*: ``Card.study_keys`` (``deck/id``, or
  ``deck/id#n`` for each blank of a cloze asked one blank at a time). Siblings
  (same ``deck/id``) are never both in one study day's queue.
- ``StoreError`` (and its subclasses ``UnknownStudyKey``, ``ConfigError``) carry a
  plain sentence for the learner; anything else is a bug.
- A ``Store`` serialises its calls with a lock: one may be shared by the UI thread
  and a worker thread. Other processes may use the same file at the same time.
- ``reviews`` (the log) is the truth; ``cards`` is a cache (``rebuild()``).
  docs/database.md describes every table for people who read the file directly.
"""

from quizapp.srs.config import Config, ConfigError
from quizapp.srs.days import day_bounds, study_date
from quizapp.srs.models import (
    CardState,
    DeckStats,
    GradeResult,
    Item,
    QueueItem,
    QueueKind,
    Rating,
    State,
    Stats,
    StoreError,
    StudyQueue,
    SyncReport,
    UnknownStudyKey,
)
from quizapp.srs.scheduler import format_interval
from quizapp.srs.schema import LATEST_VERSION as SCHEMA_VERSION
from quizapp.srs.store import Store

__all__ = [
    "SCHEMA_VERSION",
    "CardState",
    "Config",
    "ConfigError",
    "DeckStats",
    "GradeResult",
    "Item",
    "QueueItem",
    "QueueKind",
    "Rating",
    "State",
    "Stats",
    "Store",
    "StoreError",
    "StudyQueue",
    "SyncReport",
    "UnknownStudyKey",
    "day_bounds",
    "format_interval",
    "study_date",
]
