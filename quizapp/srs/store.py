"""The progress store: an SQLite review log plus a cache of each item's FSRS state.

One file, WAL mode, a busy timeout, and every write in one ``BEGIN IMMEDIATE``
transaction, so several quizapp processes can study the same file and a process
killed at any moment loses nothing it reported as saved. The ``reviews`` table is
the truth; ``cards`` is a cache that ``Store.rebuild`` recomputes from it.

A ``Store`` serialises its own calls with a lock, so a TUI may share one between
the main thread and a worker thread; other processes coordinate through SQLite.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from functools import cached_property
from typing import TYPE_CHECKING, Any

from quizapp.srs import schema
from quizapp.srs.config import Config, ConfigError
from quizapp.srs.days import day_bounds, day_start
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
    from_ms,
    to_ms,
)
from quizapp.srs.scheduler import Scheduler, normalise_now

if TYPE_CHECKING:
    from sqlite_utils import Database

    from quizapp.deck.models import Deck

DAY_MS = 86_400_000
MATURE_DAYS = 21
RETENTION_DAYS = 30
FORECAST_DAYS = 7

# The scheduling columns, in CardState's field order.
_STATE_COLUMNS = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
_ITEM_SELECT = (
    "SELECT id, key, card_key, deck, state, step, stability, difficulty, due, "
    "last_review, reps, lapses, changed, suspended, leech, removed, buried_until FROM cards"
)


def _state_from_row(row: tuple | sqlite3.Row, offset: int = 0) -> CardState:
    state, step, stability, difficulty, due, last_review, reps, lapses = row[offset : offset + 8]
    return CardState(
        state=State(state),
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_ms(due),
        last_review=from_ms(last_review),
        reps=reps,
        lapses=lapses,
    )


def _state_values(state: CardState) -> tuple:
    return (
        int(state.state),
        state.step,
        state.stability,
        state.difficulty,
        to_ms(state.due) if state.due is not None else None,
        to_ms(state.last_review) if state.last_review is not None else None,
        state.reps,
        state.lapses,
    )


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _require_aware(now: datetime) -> datetime:
    if not isinstance(now, datetime):
        raise TypeError(f"now must be a datetime, not {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError(f"naive datetime {now!r}: pass a timezone-aware datetime")
    return normalise_now(now)


def _deck_slugs(decks: Iterable[Deck | str] | None) -> list[str] | None:
    if decks is None:
        return None
    slugs: list[str] = []
    for deck in decks:
        slug = deck if isinstance(deck, str) else deck.slug
        if slug not in slugs:
            slugs.append(slug)
    return slugs


def _in(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join('?' * len(values))})"


class _UndoEntry:
    __slots__ = ("review_id", "study_key", "changed_before", "became_leech")

    def __init__(self, review_id: int, study_key: str, changed_before: bool, became_leech: bool):
        self.review_id = review_id
        self.study_key = study_key
        self.changed_before = changed_before
        self.became_leech = became_leech


class Store:
    """A quizapp progress database. Open it with ``Store.open(path)``."""

    def __init__(self, path: Path, conn: sqlite3.Connection, config: Config) -> None:
        self.path = path
        self._conn = conn
        self._config = config
        self.scheduler = Scheduler(config)
        self._lock = threading.RLock()
        self._undo: list[_UndoEntry] = []

    @cached_property
    def db(self) -> Database:
        """The connection as a sqlite-utils ``Database``, for ad-hoc queries and tests."""
        from sqlite_utils import Database

        return Database(self._conn)

    # -- opening -----------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, config: Config | None = None, busy_timeout: float = 10.0) -> Store:
        """Open (creating or upgrading if needed) the progress database at ``path``.

        The folder is created if missing. A file that is not a quizapp database (a
        text file, another application's SQLite file, a truncated file) or one from
        a newer quizapp raises ``StoreError`` and is not modified.

        ``config`` replaces the settings stored in the file for this session only
        (use ``set_config`` to save them); without it the stored settings apply.
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise StoreError(f"{path} is a folder; --db needs a database file path.")
        if path.exists():
            schema.check_file(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StoreError(
                    f"cannot create the folder {path.parent}: {error.strerror or error}"
                ) from None
        try:
            conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(f"cannot open {path}: {error}") from None
        try:
            version = schema.inspect(conn, path)
            stored = cls._prepare(conn, path, version)
            if config is None:
                config = cls._stored_config(path, stored)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, config)

    @staticmethod
    def _prepare(conn: sqlite3.Connection, path: Path, version: int) -> str | None:
        """WAL, pragmas and pending migrations; returns the stored settings (JSON)."""
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL in WAL mode: a commit is in the WAL file before it returns, so a
            # killed or crashed quizapp loses nothing; only a power cut or OS crash can
            # lose the last few answers (never corrupting the file). FULL would fsync
            # every grade: 0.2-4 ms here, more on slow disks (benchmarks/README.md).
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < schema.LATEST_VERSION:
                from sqlite_utils import Database

                conn.execute("BEGIN IMMEDIATE")
                try:
                    # Another process may have migrated while we waited for the lock.
                    if schema.inspect(conn, path) < schema.LATEST_VERSION:
                        schema.migrations().apply(Database(conn))
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            row = conn.execute("SELECT value FROM settings WHERE key = 'config'").fetchone()
        except sqlite3.OperationalError as error:
            raise StoreError(_busy_message(path, error)) from None
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{path} cannot be used as a quizapp database ({error}).") from None
        return row[0] if row is not None else None

    @staticmethod
    def _stored_config(path: Path, stored: str | None) -> Config:
        if stored is None:
            return Config()
        try:
            return Config.from_dict(json.loads(stored))
        except (ValueError, TypeError, ConfigError) as error:
            raise StoreError(
                f"the settings stored in {path} are invalid ({error}); open it with explicit "
                "settings and save them (Store.set_config), or delete the 'config' row of "
                "its settings table"
            ) from None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking SQLite's write lock up front.

        Not sqlite-utils' ``atomic()``: its plain (deferred) BEGIN reads first and
        upgrades to a write later, and in WAL mode that upgrade fails at once with
        "database is locked" when another process wrote in between, busy timeout or
        not. BEGIN IMMEDIATE waits for the lock (up to the busy timeout) instead.
        """
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as error:
                raise StoreError(_busy_message(self.path, error)) from None
            try:
                yield self._conn
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.OperationalError as error:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise StoreError(_busy_message(self.path, error)) from None

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for several SELECTs."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                if self._conn.in_transaction:
                    self._conn.execute("COMMIT")

    # -- settings ----------------------------------------------------------------

    @property
    def config(self) -> Config:
        return self._config

    def set_config(self, config: Config) -> None:
        """Save ``config`` in the database and use it from now on."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES ('config', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [json.dumps(config.to_dict(), sort_keys=True)],
            )
        self._config = config
        self.scheduler = Scheduler(config)

    # -- deck edits --------------------------------------------------------------

    def sync(self, decks: Iterable[Deck], *, now: datetime | None = None) -> SyncReport:
        """Record the cards of ``decks`` (the decks as loaded now).

        New study keys enter as new; an item whose card text changed keeps its
        progress and is flagged ``changed`` (if it had been studied); an item no
        longer in its deck keeps its history but leaves the queue (``removed``);
        one that comes back is restored with its progress. Decks not passed are
        left alone. Writes nothing when nothing changed.
        """
        now_ms = to_ms(_require_aware(now) if now is not None else _utc_now())
        wanted: dict[str, tuple[str, str, int, str]] = {}
        slugs: list[str] = []
        for deck in decks:
            if deck.slug not in slugs:
                slugs.append(deck.slug)
            position = 0
            for card in deck.cards:
                content_hash = card.content_hash
                for key in card.study_keys:
                    position += 1
                    wanted.setdefault(key, (card.key, deck.slug, position, content_hash))
        if not slugs:
            return SyncReport()

        def diff(conn: sqlite3.Connection):
            existing = {
                row[0]: row[1:]
                for row in conn.execute(
                    f"SELECT key, content_hash, position, removed, reps FROM cards WHERE {_in('deck', slugs)}",
                    slugs,
                )
            }
            added, changed, removed, restored, moved = [], [], [], [], []
            for key, (card_key, deck, position, content_hash) in wanted.items():
                old = existing.get(key)
                if old is None:
                    added.append((key, card_key, deck, position, content_hash, now_ms))
                    continue
                old_hash, old_position, was_removed, reps = old
                if was_removed:
                    restored.append(key)
                if old_hash != content_hash:
                    changed.append((content_hash, 1 if reps else 0, key))
                if old_position != position:
                    moved.append((position, key))
            for key, (_hash, _position, was_removed, _reps) in existing.items():
                if key not in wanted and not was_removed:
                    removed.append(key)
            return added, changed, removed, restored, moved

        with self._read() as conn:
            changes = diff(conn)
        if not any(changes):
            return SyncReport()
        with self._write() as conn:
            added, changed, removed, restored, moved = diff(conn)
            conn.executemany(
                "INSERT INTO cards (key, card_key, deck, position, content_hash, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                added,
            )
            conn.executemany(
                "UPDATE cards SET content_hash = ?, changed = max(changed, ?) WHERE key = ?", changed
            )
            conn.executemany("UPDATE cards SET position = ? WHERE key = ?", moved)
            conn.executemany("UPDATE cards SET removed = 1 WHERE key = ?", [(k,) for k in removed])
            conn.executemany("UPDATE cards SET removed = 0 WHERE key = ?", [(k,) for k in restored])
        return SyncReport(
            added=tuple(row[0] for row in added),
            changed=tuple(row[2] for row in changed if row[1]),
            removed=tuple(removed),
            restored=tuple(restored),
        )

    # -- reading items -----------------------------------------------------------

    def item(self, study_key: str) -> Item:
        """Everything the store knows about one study item."""
        with self._lock:
            row = self._conn.execute(_ITEM_SELECT + " WHERE key = ?", [study_key]).fetchone()
        if row is None:
            raise UnknownStudyKey(f"no study item {study_key!r} in {self.path}")
        return self._item(row)

    @staticmethod
    def _item(row: tuple) -> Item:
        return Item(
            study_key=row[1],
            card_key=row[2],
            deck=row[3],
            state=_state_from_row(row, 4),
            changed=bool(row[12]),
            suspended=bool(row[13]),
            leech=bool(row[14]),
            removed=bool(row[15]),
            buried_until=from_ms(row[16]),
        )

    def state(self, study_key: str) -> CardState:
        return self.item(study_key).state

    def history(self, study_key: str) -> list[dict[str, Any]]:
        """The item's review log rows in the order they were recorded (times as UTC datetimes)."""
        with self._lock:
            cursor = self._conn.execute(
                "SELECT r.* FROM reviews r JOIN cards c ON c.id = r.card_id "
                "WHERE c.key = ? ORDER BY r.id",
                [study_key],
            )
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, row)) for row in cursor]
        for row in rows:
            for name in ("reviewed_at", "due_before", "last_review_before", "due_after"):
                row[name] = from_ms(row[name])
        return rows

    # -- the queue ---------------------------------------------------------------

    def _day(self, now: datetime):
        return day_bounds(now, rollover_hour=self._config.rollover_hour, tz=self._config.tz)

    def queue(
        self,
        decks: Iterable[Deck | str] | None = None,
        *,
        now: datetime,
        new_limit: int | None = None,
        review_limit: int | None = None,
        cram: bool = False,
    ) -> StudyQueue:
        """Today's study items in order.

        Learning steps that are due, then reviews due today (most overdue first),
        then new items in deck order (decks in the order given), then learning
        steps due within ``config.learn_ahead``. The daily limits count what was
        already studied today. Only one item per card is shown per study day, so
        the blanks of a cloze (siblings) are spread over days. Suspended, buried
        and removed items are left out.

        ``cram=True`` builds a practice queue of every item of the decks (soonest
        due first, then new ones) ignoring due dates and limits except
        ``review_limit``; grade its items with ``grade(..., cram=True)`` so the
        schedule is not changed.
        """
        now = _require_aware(now)
        cfg = self._config
        new_limit = cfg.new_limit if new_limit is None else new_limit
        review_limit = cfg.review_limit if review_limit is None else review_limit
        if new_limit < 0 or review_limit < 0:
            raise ValueError("limits must not be negative")
        slugs = _deck_slugs(decks)
        _date, start, end = self._day(now)
        now_ms, start_ms, end_ms = to_ms(now), to_ms(start), to_ms(end)
        if slugs == []:
            return StudyQueue((), now, start, end, 0, 0, None, cram)
        deck_filter = f" AND {_in('deck', slugs)}" if slugs is not None else ""
        deck_args = slugs or []
        live = " AND suspended = 0 AND removed = 0 AND (buried_until IS NULL OR buried_until <= ?)"
        columns = "key, card_key, deck, state, due, changed"

        def item(row: tuple, kind: QueueKind) -> QueueItem:
            return QueueItem(row[0], row[1], row[2], kind, State(row[3]), from_ms(row[4]), bool(row[5]))

        with self._read() as conn:
            if cram:
                return self._cram_queue(conn, now, start, end, slugs, review_limit)
            today = conn.execute(
                "SELECT c.key, c.card_key, c.deck, r.state_before FROM reviews r "
                "JOIN cards c ON c.id = r.card_id WHERE r.reviewed_at >= ? AND r.reviewed_at < ?",
                [start_ms, end_ms],
            ).fetchall()
            shown: dict[str, str] = {}  # card key -> the one study key it shows today
            new_done = reviews_done = 0
            for key, card_key, deck, state_before in today:
                shown.setdefault(card_key, key)
                if slugs is None or deck in slugs:
                    new_done += state_before == State.NEW
                    reviews_done += state_before == State.REVIEW
            new_left = max(0, new_limit - new_done)
            reviews_left = max(0, review_limit - reviews_done)
            items: list[QueueItem] = []

            def take(rows: Iterable[tuple], kind: QueueKind, limit: int | None) -> None:
                taken = 0
                for row in rows:
                    if limit is not None and taken >= limit:
                        return
                    owner = shown.get(row[1])
                    if owner is not None and owner != row[0]:
                        continue  # a sibling is (or was) on today's menu
                    shown[row[1]] = row[0]
                    items.append(item(row, kind))
                    taken += 1

            ahead_ms = now_ms + int(cfg.learn_ahead.total_seconds() * 1000)
            learning = conn.execute(
                f"SELECT {columns} FROM cards WHERE state IN (1, 3) AND due <= ?{live}{deck_filter} "
                "ORDER BY due, id",
                [ahead_ms, now_ms, *deck_args],
            ).fetchall()
            take((r for r in learning if r[4] <= now_ms), QueueKind.LEARNING, None)
            if reviews_left:
                take(
                    conn.execute(
                        f"SELECT {columns} FROM cards WHERE state = 2 AND due < ?{live}{deck_filter} "
                        "ORDER BY due, id",
                        [end_ms, now_ms, *deck_args],
                    ),
                    QueueKind.REVIEW,
                    reviews_left,
                )
            if new_left:
                order = slugs if slugs is not None else [
                    r[0] for r in conn.execute("SELECT DISTINCT deck FROM cards WHERE state = 0 ORDER BY deck")
                ]
                remaining = new_left
                for slug in order:
                    before = len(items)
                    take(
                        conn.execute(
                            f"SELECT {columns} FROM cards WHERE deck = ? AND state = 0{live} "
                            "ORDER BY position, id",
                            [slug, now_ms],
                        ),
                        QueueKind.NEW,
                        remaining,
                    )
                    remaining -= len(items) - before
                    if remaining <= 0:
                        break
            take((r for r in learning if r[4] > now_ms), QueueKind.LEARN_AHEAD, None)
            next_row = conn.execute(
                f"SELECT min(due) FROM cards WHERE state IN (1, 3) AND due > ?{live}{deck_filter}",
                [ahead_ms, now_ms, *deck_args],
            ).fetchone()
        return StudyQueue(
            items=tuple(items),
            now=now,
            day_start=start,
            day_end=end,
            new_left=new_left,
            reviews_left=reviews_left,
            next_due=from_ms(next_row[0]) if next_row else None,
            cram=False,
        )

    def _cram_queue(self, conn, now, start, end, slugs, limit) -> StudyQueue:
        deck_filter = f" AND {_in('deck', slugs)}" if slugs is not None else ""
        rows = conn.execute(
            "SELECT key, card_key, deck, state, due, changed FROM cards "
            f"WHERE suspended = 0 AND removed = 0{deck_filter} "
            "ORDER BY state = 0, CASE WHEN state = 0 THEN deck END, CASE WHEN state = 0 THEN position END, due, id",
            slugs or [],
        )
        seen: set[str] = set()
        items: list[QueueItem] = []
        order = {slug: n for n, slug in enumerate(slugs or [])}
        for row in rows:
            if row[1] in seen:
                continue
            seen.add(row[1])
            items.append(
                QueueItem(row[0], row[1], row[2], QueueKind.CRAM, State(row[3]), from_ms(row[4]), bool(row[5]))
            )
        # New items follow deck order, like the daily queue.
        items.sort(key=lambda i: (i.state is State.NEW, order.get(i.deck, 0) if i.state is State.NEW else 0))
        return StudyQueue(tuple(items[:limit]), now, start, end, 0, 0, None, cram=True)

    # -- grading -----------------------------------------------------------------

    def preview(self, study_key: str, *, now: datetime) -> dict[Rating, datetime]:
        """When the item would next be due for each rating, answered at ``now``.

        Exactly what ``grade`` at the same ``now`` stores (the fuzz is seeded).
        Show it with ``format_interval(due - now)``.
        """
        now = _require_aware(now)
        found = self.item(study_key)
        return self.scheduler.preview(study_key, found.deck, found.state, now)

    def grade(
        self,
        study_key: str,
        rating: Rating | int,
        *,
        now: datetime,
        answer: str | None = None,
        verdict: str | None = None,
        duration_ms: int | None = None,
        cram: bool = False,
    ) -> GradeResult:
        """Record one answer and reschedule the item, in one transaction.

        ``answer`` is what the learner typed or predicted and ``verdict`` the
        checker's word on it (for checked cards). With ``cram=True`` nothing is
        written and the schedule is unchanged; the result shows what the rating
        would have done. A lapse that reaches the leech threshold tags and
        suspends the item and sets ``became_leech``.
        """
        now = _require_aware(now)
        try:
            rating = Rating(rating)
        except ValueError:
            raise ValueError(f"rating must be 1-4 (again, hard, good, easy), not {rating!r}") from None
        if duration_ms is not None and (not isinstance(duration_ms, int) or duration_ms < 0):
            raise ValueError("duration_ms must be a non-negative whole number of milliseconds")
        for name, value in (("answer", answer), ("verdict", verdict)):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string")
        if cram:
            found = self.item(study_key)
            after = self.scheduler.review(study_key, found.deck, found.state, rating, now)
            return GradeResult(study_key, rating, now, found.state, after, None, cram=True)
        with self._lock:
            return self._grade(study_key, rating, now, answer, verdict, duration_ms)

    def _grade(self, study_key, rating, now, answer, verdict, duration_ms) -> GradeResult:
        with self._write() as conn:
            row = conn.execute(_ITEM_SELECT + " WHERE key = ?", [study_key]).fetchone()
            if row is None:
                raise UnknownStudyKey(f"no study item {study_key!r} in {self.path}")
            found = self._item(row)
            if found.removed:
                raise UnknownStudyKey(f"{study_key} is no longer in its deck; it cannot be graded")
            before = found.state
            after = self.scheduler.review(study_key, found.deck, before, rating, now)
            became_leech = self._is_new_leech(before, after)
            cursor = conn.execute(
                "INSERT INTO reviews (card_id, reviewed_at, rating, answer, verdict, duration_ms, "
                "state_before, step_before, stability_before, difficulty_before, due_before, "
                "last_review_before, state_after, step_after, stability_after, difficulty_after, "
                "due_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row[0], to_ms(now), int(rating), answer, verdict, duration_ms,
                 *_state_values(before)[:6], *_state_values(after)[:5]],
            )
            review_id = cursor.lastrowid
            conn.execute(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                "last_review = ?, reps = ?, lapses = ?, changed = 0, buried_until = NULL, "
                "leech = max(leech, ?), suspended = max(suspended, ?) WHERE id = ?",
                [*_state_values(after), int(became_leech), int(became_leech), row[0]],
            )
        assert review_id is not None
        self._undo.append(_UndoEntry(review_id, study_key, found.changed, became_leech))
        return GradeResult(study_key, rating, now, before, after, review_id, became_leech)

    def _is_new_leech(self, before: CardState, after: CardState) -> bool:
        if after.lapses == before.lapses:
            return False
        threshold = self._config.leech_threshold
        over = after.lapses - threshold
        return over >= 0 and over % max(1, threshold // 2) == 0

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> str | None:
        """Take back this session's last grade: the log row goes, the state before returns.

        Returns the study key to show again, or None when there is nothing to undo.
        Refuses (``StoreError``) if the item was graded again since, e.g. by another
        quizapp studying the same file.
        """
        with self._lock:
            if not self._undo:
                return None
            entry = self._undo[-1]
            with self._write() as conn:
                row = conn.execute(
                    "SELECT card_id, rating, state_before, step_before, stability_before, "
                    "difficulty_before, due_before, last_review_before FROM reviews WHERE id = ?",
                    [entry.review_id],
                ).fetchone()
                if row is None:
                    self._undo.clear()
                    raise StoreError("the last grade is no longer in the review log; nothing to undo")
                card_id, rating, *before = row
                latest = conn.execute(
                    "SELECT max(id) FROM reviews WHERE card_id = ?", [card_id]
                ).fetchone()[0]
                if latest != entry.review_id:
                    self._undo.clear()
                    raise StoreError(
                        f"{entry.study_key} was graded again since (another quizapp?); "
                        "the last grade cannot be undone"
                    )
                lapsed = rating == Rating.AGAIN and before[0] == State.REVIEW
                conn.execute(
                    "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                    "last_review = ?, reps = reps - 1, lapses = lapses - ?, changed = ? WHERE id = ?",
                    [*before, int(lapsed), int(entry.changed_before), card_id],
                )
                if entry.became_leech:
                    conn.execute("UPDATE cards SET leech = 0, suspended = 0 WHERE id = ?", [card_id])
                conn.execute("DELETE FROM reviews WHERE id = ?", [entry.review_id])
            self._undo.pop()
            return entry.study_key

    def bury(self, study_key: str, *, now: datetime) -> None:
        """Skip the item until the next study day starts."""
        now = _require_aware(now)
        _date, _start, end = self._day(now)
        self._set(study_key, "buried_until = ?", [to_ms(end)])

    def set_suspended(self, study_key: str, suspended: bool) -> None:
        """Suspend an item (out of every queue) or release it, e.g. a leech after a rewrite."""
        self._set(study_key, "suspended = ?", [int(bool(suspended))])

    def _set(self, study_key: str, assignment: str, args: list) -> None:
        with self._write() as conn:
            cursor = conn.execute(f"UPDATE cards SET {assignment} WHERE key = ?", [*args, study_key])
            if cursor.rowcount == 0:
                raise UnknownStudyKey(f"no study item {study_key!r} in {self.path}")

    # -- the log is the truth ----------------------------------------------------

    def replay(self) -> dict[str, CardState]:
        """Every reviewed item's state recomputed from the review log alone."""
        with self._read() as conn:
            keys = {row[0]: (row[1], row[2]) for row in conn.execute("SELECT id, key, deck FROM cards")}
            rows = conn.execute(
                # Commit order (ids only grow), not answer time: two processes whose
                # clocks disagree may log an answer "before" the previous one.
                "SELECT card_id, reviewed_at, rating FROM reviews ORDER BY card_id, id"
            ).fetchall()
        states: dict[str, CardState] = {}
        review = self.scheduler.review
        for card_id, reviewed_at, rating in rows:
            key, deck = keys[card_id]
            before = states.get(key) or CardState()
            states[key] = review(key, deck, before, Rating(rating), from_ms(reviewed_at))
        return states

    def mismatches(self) -> list[str]:
        """Study keys whose cached state differs from a replay of the log (should be none)."""
        replayed = self.replay()
        with self._read() as conn:
            rows = conn.execute(
                "SELECT key, state, step, stability, difficulty, due, last_review, reps, lapses FROM cards"
            ).fetchall()
        return [row[0] for row in rows if _state_from_row(row, 1) != replayed.get(row[0], CardState())]

    def rebuild(self) -> int:
        """Recompute the ``cards`` cache from the review log; returns how many items changed.

        Uses the current settings, so after a change of desired retention or steps
        it also reschedules every item as if those settings had always applied.
        """
        replayed = self.replay()
        threshold = self._config.leech_threshold
        with self._write() as conn:
            rows = conn.execute(
                "SELECT id, key, state, step, stability, difficulty, due, last_review, reps, lapses, leech FROM cards"
            ).fetchall()
            updates = []
            for row in rows:
                new = replayed.get(row[1], CardState())
                if _state_from_row(row, 2) != new:
                    leech = int(bool(row[10]) or new.lapses >= threshold)
                    updates.append((*_state_values(new), leech, leech, row[0]))
            conn.executemany(
                "UPDATE cards SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?, "
                "last_review = ?, reps = ?, lapses = ?, leech = ?, suspended = max(suspended, ?) "
                "WHERE id = ?",
                updates,
            )
        self._undo.clear()
        return len(updates)

    def integrity_check(self) -> str:
        """SQLite's ``PRAGMA integrity_check`` verdict ('ok' when healthy)."""
        with self._lock:
            return "; ".join(row[0] for row in self._conn.execute("PRAGMA integrity_check"))

    # -- stats -------------------------------------------------------------------

    def decks(self) -> list[str]:
        """Slugs of the decks with items in the store (removed items aside)."""
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT DISTINCT deck FROM cards WHERE removed = 0 ORDER BY deck")]

    def stats(self, decks: Iterable[Deck | str] | None = None, *, now: datetime) -> Stats:
        """Per-deck counts, today's reviews, streak, 30-day true retention, 7-day forecast.

        ``decks`` (Deck objects or slugs) limits every figure to those decks, listed in
        that order; None means every deck in the store.
        """
        now = _require_aware(now)
        cfg = self._config
        slugs = _deck_slugs(decks)
        today, start, end = self._day(now)
        start_ms, end_ms = to_ms(start), to_ms(end)

        def starts(first: int, count: int) -> list[int]:
            return [
                to_ms(day_start(today + timedelta(days=n), rollover_hour=cfg.rollover_hour, tz=cfg.tz))
                for n in range(first, first + count)
            ]

        with self._read() as conn:
            card_filter, card_args = (f" AND {_in('deck', slugs)}", slugs) if slugs is not None else ("", [])
            every_deck = {row[0] for row in conn.execute("SELECT DISTINCT deck FROM cards")}
            # Reviews of the chosen decks (no filter when they are all the decks). A
            # probe of one day walks that day's reviews in time order and looks each
            # card up by rowid (CROSS JOIN pins that order: starting from the cards of
            # a big deck costs seconds on a large log); a scan of many reviews checks
            # them against the set of the decks' card ids instead.
            if slugs is not None and not every_deck <= set(slugs):
                day_reviews = f"reviews r CROSS JOIN cards c ON c.id = r.card_id AND {_in('c.deck', slugs)}"
                in_decks = f" AND +r.card_id IN (SELECT id FROM cards WHERE {_in('deck', slugs)})"
                review_args = slugs
            else:
                day_reviews, in_decks, review_args = "reviews r", "", []

            mature_ms = MATURE_DAYS * DAY_MS
            per_deck = {
                row[0]: DeckStats(row[0], *(int(n) for n in row[1:]))
                for row in conn.execute(
                    "SELECT deck, "
                    "total(suspended = 0 AND state = 0), "
                    "total(suspended = 0 AND state IN (1, 3)), "
                    "total(suspended = 0 AND state = 2 AND due < ?), "
                    "total(suspended = 0 AND state = 2 AND due - last_review < ?), "
                    "total(suspended = 0 AND state = 2 AND due - last_review >= ?), "
                    "total(suspended = 1) "
                    f"FROM cards WHERE removed = 0{card_filter} GROUP BY deck",
                    [end_ms, mature_ms, mature_ms, *card_args],
                )
            }
            order = slugs if slugs is not None else sorted(per_deck)
            deck_stats = tuple(per_deck.get(slug) or DeckStats(slug) for slug in order)

            reviews_today = conn.execute(
                f"SELECT count(*) FROM reviews r WHERE r.reviewed_at >= ? AND r.reviewed_at < ?{in_decks}",
                [start_ms, end_ms, *review_args],
            ).fetchone()[0]

            # Walk back one study day at a time; each probe is one index lookup. A
            # streak is not broken until today ends without a review.
            probe = f"SELECT 1 FROM {day_reviews} WHERE r.reviewed_at >= ? AND r.reviewed_at < ? LIMIT 1"
            streak = 1 if reviews_today else 0
            hi = start_ms
            for n in range(1, 36_600):
                lo = starts(-n, 1)[0]
                if conn.execute(probe, [*review_args, lo, hi]).fetchone() is None:
                    break
                streak += 1
                hi = lo

            # True retention: per item and study day, its first answer given in the
            # Review state; passed unless Again. The day of each answer is found in SQL
            # (a CASE over the 30 day starts) so a million-row log stays fast.
            window = starts(-(RETENTION_DAYS - 1), RETENTION_DAYS)
            day_of = " ".join(f"WHEN r.reviewed_at < {edge} THEN {n}" for n, edge in enumerate(window[1:]))
            graded, passed = conn.execute(
                "SELECT count(*), total(rating > 1) FROM ("
                "SELECT r.rating, min(r.reviewed_at) AS first FROM reviews r "
                f"WHERE r.reviewed_at >= ? AND r.reviewed_at < ? AND r.state_before = 2{in_decks} "
                f"GROUP BY r.card_id, CASE {day_of} ELSE {len(window) - 1} END)",
                [window[0], end_ms, *review_args],
            ).fetchone()
            retention = passed / graded if graded else None

            edges = starts(1, FORECAST_DAYS)
            case = " ".join(f"WHEN due < {edge} THEN {n}" for n, edge in enumerate(edges))
            counts = dict(
                conn.execute(
                    f"SELECT CASE {case} END AS day, count(*) FROM cards "
                    "WHERE state IN (1, 2, 3) AND due < ? AND suspended = 0 AND removed = 0"
                    f"{card_filter} GROUP BY day",
                    [edges[-1], *card_args],
                ).fetchall()
            )
        forecast = tuple(
            ((today + timedelta(days=n)).isoformat(), int(counts.get(n, 0))) for n in range(FORECAST_DAYS)
        )
        return Stats(
            decks=deck_stats,
            now=now,
            day_start=start,
            reviews_today=reviews_today,
            streak=streak,
            retention=retention,
            retention_reviews=graded,
            forecast=forecast,
        )


def _busy_message(path: Path, error: sqlite3.OperationalError) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return (
            f"{path} is busy: another program has held it for too long. "
            "Close other quizapp windows and try again; nothing was lost."
        )
    return f"cannot write to {path}: {text}"
