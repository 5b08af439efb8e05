"""The progress database's schema, its migrations, and the checks made before opening.

Every change to the schema is a new function appended to ``STEPS`` (never an edit
of an old one); ``migrations()`` registers them on a sqlite-utils ``Migrations`` set. ``schema_version.version`` is the number of quizapp
migrations applied; a file with a higher number, or a migration name this quizapp
does not know, was written by a newer quizapp and is refused rather than guessed at.
See docs/database.md for what every column means.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from functools import cache
from typing import TYPE_CHECKING, Callable

from quizapp.srs.models import StoreError

if TYPE_CHECKING:
    # sqlite-utils costs ~100 ms to import (it pulls in numpy when present), so it is
    # imported only when a file needs migrating: `quizapp stats` and the TUI start fast.
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

APP_ID = "quizapp"
MIGRATION_SET = "quizapp"
SQLITE_HEADER = b"SQLite format 3\x00"


def _set_version(db: Database, version: int) -> None:
    db.execute(
        "INSERT INTO schema_version (id, app, version) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
        [APP_ID, version],
    )


def m0001_reviews_and_cards(db: Database) -> None:
    for sql in (
        """CREATE TABLE schema_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            app TEXT NOT NULL,
            version INTEGER NOT NULL
        )""",
        # One row per study item (a card, or one blank of a cloze asked blank by
        # blank). The scheduling columns are a cache of a replay of `reviews`.
        """CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            card_key TEXT NOT NULL,
            deck TEXT NOT NULL,
            position INTEGER NOT NULL,
            content_hash TEXT NOT NULL,
            changed INTEGER NOT NULL DEFAULT 0,
            removed INTEGER NOT NULL DEFAULT 0,
            state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due INTEGER,
            last_review INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            leech INTEGER NOT NULL DEFAULT 0,
            buried_until INTEGER,
            added_at INTEGER NOT NULL
        )""",
        "CREATE INDEX cards_state_due ON cards (state, due)",
        "CREATE INDEX cards_new_order ON cards (deck, state, position)",
        "CREATE INDEX cards_card_key ON cards (card_key)",
        # Append-only: one row per answer. Times are UTC epoch milliseconds.
        # AUTOINCREMENT: an undone review's id is never given to a later one.
        """CREATE TABLE reviews (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            card_id INTEGER NOT NULL REFERENCES cards (id),
            reviewed_at INTEGER NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            answer TEXT,
            verdict TEXT,
            duration_ms INTEGER,
            state_before INTEGER NOT NULL,
            step_before INTEGER,
            stability_before REAL,
            difficulty_before REAL,
            due_before INTEGER,
            last_review_before INTEGER,
            state_after INTEGER NOT NULL,
            step_after INTEGER,
            stability_after REAL,
            difficulty_after REAL,
            due_after INTEGER NOT NULL
        )""",
        "CREATE INDEX reviews_card ON reviews (card_id, reviewed_at)",
        "CREATE INDEX reviews_time ON reviews (reviewed_at)",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ):
        db.execute(sql)
    _set_version(db, 1)


def m0002_readable_views(db: Database) -> None:
    # Views so a person reading the file with sqlite3 or Datasette sees keys,
    # names and ISO times instead of ids, numbers and epoch milliseconds.
    iso = "strftime('%Y-%m-%dT%H:%M:%fZ', {} / 1000.0, 'unixepoch')"
    states = "CASE {} WHEN 0 THEN 'new' WHEN 1 THEN 'learning' WHEN 2 THEN 'review' WHEN 3 THEN 'relearning' END"
    db.execute(
        f"""CREATE VIEW review_log AS
        SELECT r.id, c.key AS study_key, c.card_key, c.deck,
               {iso.format('r.reviewed_at')} AS reviewed_at,
               CASE r.rating WHEN 1 THEN 'again' WHEN 2 THEN 'hard'
                             WHEN 3 THEN 'good' WHEN 4 THEN 'easy' END AS rating,
               r.answer, r.verdict, r.duration_ms,
               {states.format('r.state_before')} AS state_before,
               {states.format('r.state_after')} AS state_after,
               round(r.stability_after, 2) AS stability_days,
               round(r.difficulty_after, 2) AS difficulty,
               {iso.format('r.due_after')} AS due
        FROM reviews r JOIN cards c ON c.id = r.card_id"""
    )
    db.execute(
        f"""CREATE VIEW card_progress AS
        SELECT key AS study_key, card_key, deck, {states.format('state')} AS state,
               reps, lapses, round(stability, 2) AS stability_days,
               round(difficulty, 2) AS difficulty,
               {iso.format('due')} AS due, {iso.format('last_review')} AS last_review,
               suspended, leech, removed, changed
        FROM cards"""
    )
    _set_version(db, 2)


def m0003_deck_counts_index(db: Database) -> None:
    # Covers every column the per-deck counts of `quizapp stats` read, so they scan
    # a narrow index instead of the whole cards table (about a fifth faster on 100k).
    db.execute(
        "CREATE INDEX cards_deck_counts ON cards (deck, removed, suspended, state, due, last_review)"
    )
    _set_version(db, 3)


STEPS: tuple[tuple[str, Callable[[Database], None]], ...] = (
    ("0001_reviews_and_cards", m0001_reviews_and_cards),
    ("0002_readable_views", m0002_readable_views),
    ("0003_deck_counts_index", m0003_deck_counts_index),
)
LATEST_VERSION = len(STEPS)
KNOWN_MIGRATIONS = frozenset(name for name, _fn in STEPS)


@cache
def migrations() -> Migrations:
    """quizapp's migrations as a sqlite-utils ``Migrations`` set."""
    from sqlite_utils.migrations import Migrations

    steps = Migrations(MIGRATION_SET)
    for name, fn in STEPS:
        steps(name=name)(fn)
    return steps


def check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that cannot be a healthy SQLite database.

    Reads only the 100-byte header and the file size, so it costs nothing on a big
    database; SQLite itself would only notice a truncated file when it reads a
    missing page, possibly after quizapp had started writing.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror or error}") from None
    if size == 0:
        return  # an empty file is an empty database: quizapp sets it up
    if not header.startswith(SQLITE_HEADER):
        raise StoreError(
            f"{path} is not a quizapp progress database (it is not an SQLite file); "
            "it was left untouched. Pass another file with --db."
        )
    if len(header) < 100:
        raise StoreError(f"{path} is a truncated SQLite file; it was left untouched.")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    change_counter = header[24:28]
    page_count = int.from_bytes(header[28:32], "big")
    valid_for = header[92:96]
    if page_size < 512 or page_size & (page_size - 1):
        raise StoreError(f"{path} has a damaged SQLite header; it was left untouched.")
    # After a crash in the middle of a checkpoint the file may be shorter than its
    # header says while the WAL still holds the pages; SQLite recovers that itself.
    wal = path.with_name(path.name + "-wal")
    recovering = wal.exists() and wal.stat().st_size > 0
    short = change_counter == valid_for and size < page_count * page_size
    if size % page_size or (short and not recovering):
        raise StoreError(
            f"{path} is truncated or damaged ({size} bytes, the header says "
            f"{page_count * page_size}); it was left untouched. Restore it from a backup "
            "or pass another file with --db."
        )


def inspect(conn: sqlite3.Connection, path: Path) -> int:
    """The quizapp schema version of an open file (0: empty), refusing foreign files.

    Only reads; nothing has been written to the file when this raises.
    """
    try:
        names = {
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        if names <= {"_sqlite_migrations"}:
            return 0  # empty, or only sqlite-utils' bookkeeping table: nothing of ours yet
        if "schema_version" not in names:
            shown = ", ".join(sorted(n for n in names if not n.startswith("sqlite_"))[:5])
            raise StoreError(
                f"{path} is an SQLite database but not a quizapp progress database "
                f"(it holds: {shown}); it was left untouched. Pass another file with --db."
            )
        row = conn.execute("SELECT app, version FROM schema_version WHERE id = 1").fetchone()
        applied: set[str] = set()
        if "_sqlite_migrations" in names:
            applied = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    [MIGRATION_SET],
                )
            }
    except sqlite3.DatabaseError as error:
        raise StoreError(
            f"{path} cannot be read as a quizapp database ({error}); it was left untouched."
        ) from None
    if row is None or row[0] != APP_ID:
        raise StoreError(
            f"{path} is an SQLite database but not a quizapp progress database; "
            "it was left untouched."
        )
    version = int(row[1])
    if version > LATEST_VERSION or applied - KNOWN_MIGRATIONS:
        raise StoreError(
            f"{path} was written by a newer quizapp (database schema {version}; this "
            f"quizapp knows up to {LATEST_VERSION}). Upgrade quizapp to open it; the file "
            "was left untouched."
        )
    return version
