"""The store: opening and refusing files, migrations, grading, undo, leeches, deck edits."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from quizapp.srs import (
    SCHEMA_VERSION,
    CardState,
    Config,
    Rating,
    State,
    Store,
    StoreError,
    UnknownStudyKey,
)
from quizapp.srs import schema

from .conftest import T0, cloze, flash, make_deck


def fingerprint(path):
    """Bytes, size and mtime of a file and the names of its siblings (no -wal/-shm appear)."""
    stat = path.stat()
    siblings = sorted(p.name for p in path.parent.iterdir())
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns, siblings


# -- opening ----------------------------------------------------------------------


def test_open_creates_missing_folders_and_a_current_schema(tmp_path):
    path = tmp_path / "a" / "b" / "progress.db"
    with Store.open(path) as store:
        assert store.path == path
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT app, version FROM schema_version").fetchone() == ("quizapp", SCHEMA_VERSION)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"cards", "reviews", "settings", "review_log", "card_progress"} <= {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master")
    }


def test_open_an_empty_file(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    with Store.open(path) as store:
        assert store.integrity_check() == "ok"


def test_reopening_keeps_progress(db_path):
    deck = make_deck()
    with Store.open(db_path) as store:
        store.sync([deck], now=T0)
        store.grade("basics/c0", Rating.GOOD, now=T0)
    with Store.open(db_path) as store:
        assert store.state("basics/c0").reps == 1


def _other_sqlite(path):
    db = Database(path)
    db["recipes"].insert({"name": "bread"})
    db.close()


def _other_sqlite_in_wal_mode(path):
    db = Database(path)
    db.enable_wal()
    db["notes"].insert({"text": "hello"})
    db.close()


def _text(path):
    path.write_text("these are my notes, not a database\n" * 10)


def _truncated(path):
    with Store.open(path) as store:
        store.sync([make_deck(n=400)], now=T0)
        for i in range(50):
            store.grade(f"basics/c{i}", Rating.GOOD, now=T0, answer="x" * 200)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[: len(data) // 2 + 100])


def _header_only(path):
    path.write_bytes(schema.SQLITE_HEADER + b"\x00" * 20)


def _quizapp_lookalike(path):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_version (id INTEGER PRIMARY KEY, app TEXT, version INTEGER)")
    conn.execute("INSERT INTO schema_version VALUES (1, 'someone-else', 1)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_text, "not an SQLite file"),
        (_other_sqlite, "not a quizapp progress database (it holds: recipes)"),
        (_other_sqlite_in_wal_mode, "not a quizapp progress database (it holds: notes)"),
        (_truncated, "truncated"),
        (_header_only, "truncated"),
        (_quizapp_lookalike, "not a quizapp progress database"),
    ],
)
def test_a_file_that_is_not_a_quizapp_database_is_refused_and_untouched(tmp_path, make, message):
    path = tmp_path / "hostile.db"
    make(path)
    before = fingerprint(path)
    with pytest.raises(StoreError, match=re.escape(message)) as info:
        Store.open(path)
    assert "left untouched" in str(info.value)
    assert fingerprint(path) == before


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_an_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "locked.db"
    path.write_bytes(b"x")
    path.chmod(0)
    if os.geteuid() != 0:
        with pytest.raises(StoreError, match="cannot read"):
            Store.open(path)
        return
    # Root reads every file (CI runs as root): try it in a forked child that has
    # given up root, with everything it needs already imported.
    for folder in (tmp_path, *tmp_path.parents):  # let the child reach the file
        if folder == Path(tempfile.gettempdir()):
            break
        folder.chmod(folder.stat().st_mode | 0o011)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root, try to open, report, exit without cleanup
        message = "no error"
        try:
            os.setgid(65534)
            os.setuid(65534)
            Store.open(path)
        except StoreError as exc:
            message = str(exc)
        except BaseException as exc:  # report anything else to the parent's assertion
            message = f"{type(exc).__name__}: {exc}"
        os.write(write_end, message.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    assert "cannot read" in message, message
    assert path.read_bytes() == b"x"


def test_a_folder_that_cannot_be_created_gives_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the folder"):
        Store.open(blocker / "sub" / "progress.db")


def test_a_database_from_a_newer_quizapp_is_refused_untouched(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    conn.commit()
    conn.close()
    before = fingerprint(db_path)
    with pytest.raises(StoreError, match=f"newer quizapp .*schema {SCHEMA_VERSION + 1}"):
        Store.open(db_path)
    assert fingerprint(db_path) == before


def test_an_unknown_migration_name_means_newer(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('quizapp', '9999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer quizapp"):
        Store.open(db_path)


# -- migrations -------------------------------------------------------------------

NAMES = [m.name for m in schema.migrations()._migrations]


@pytest.mark.parametrize("stop", range(len(NAMES)))
def test_upgrade_from_every_earlier_version_keeps_the_data(db_path, stop):
    db = Database(db_path)
    schema.migrations().apply(db, stop_before=NAMES[stop] if stop < len(NAMES) else None)
    if stop >= 1:  # version 1 has the tables: put progress in them the way v1 did
        db.execute(
            "INSERT INTO cards (key, card_key, deck, position, content_hash, state, step, stability, "
            "difficulty, due, last_review, reps, added_at) VALUES "
            "('basics/c0', 'basics/c0', 'basics', 1, 'h', 1, 1, 2.3, 2.1, 1000, 500, 1, 0)"
        )
        db.execute(
            "INSERT INTO reviews (card_id, reviewed_at, rating, state_before, state_after, step_after, "
            "stability_after, difficulty_after, due_after) VALUES (1, 500, 3, 0, 1, 1, 2.3, 2.1, 1000)"
        )
    db.close()
    with Store.open(db_path) as store:
        applied = [m.name for m in schema.migrations().applied(store.db)]
        assert applied == NAMES
        assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
        if stop >= 1:
            assert store.state("basics/c0").reps == 1
            assert store.db.execute("SELECT rating FROM review_log").fetchone()[0] == "good"


def test_two_stores_opening_a_new_file_at_once_both_work(db_path):
    first = Store.open(db_path)
    second = Store.open(db_path)
    first.sync([make_deck()], now=T0)
    second.grade("basics/c1", Rating.GOOD, now=T0)
    assert first.state("basics/c1").reps == 1
    first.close()
    second.close()


# -- grading ----------------------------------------------------------------------


def test_grade_writes_one_log_row_and_the_cache(store):
    store.sync([make_deck()], now=T0)
    result = store.grade("basics/c0", Rating.GOOD, now=T0, answer="tensor([1])", verdict="correct", duration_ms=4200)
    assert result.before == CardState() and result.after.state is State.LEARNING
    assert result.interval == timedelta(minutes=10)
    [row] = store.history("basics/c0")
    assert row["id"] == result.review_id
    assert (row["rating"], row["answer"], row["verdict"], row["duration_ms"]) == (3, "tensor([1])", "correct", 4200)
    assert row["reviewed_at"] == T0 and row["due_after"] == result.due
    assert row["state_before"] == 0 and row["state_after"] == 1
    assert store.state("basics/c0") == result.after
    assert store.preview("basics/c0", now=T0)[Rating.AGAIN] == T0 + timedelta(minutes=1)


def test_grade_stores_what_the_preview_promised(store):
    store.sync([make_deck()], now=T0)
    now = T0
    for rating in (Rating.GOOD, Rating.GOOD, Rating.GOOD, Rating.HARD, Rating.EASY):
        promised = store.preview("basics/c0", now=now)[rating]
        assert store.grade("basics/c0", rating, now=now).due == promised
        now = promised + timedelta(hours=7)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"rating": 5}, ValueError),
        ({"rating": 0}, ValueError),
        ({"duration_ms": -1}, ValueError),
        ({"duration_ms": 1.5}, ValueError),
        ({"answer": b"bytes"}, TypeError),
    ],
)
def test_bad_grade_arguments_write_nothing(store, kwargs, error):
    store.sync([make_deck()], now=T0)
    args = {"rating": Rating.GOOD, **kwargs}
    with pytest.raises(error):
        store.grade("basics/c0", args.pop("rating"), now=T0, **args)
    assert store.history("basics/c0") == [] and store.state("basics/c0") == CardState()


def test_negative_limits_are_refused(store):
    with pytest.raises(ValueError, match="limits"):
        store.queue(now=T0, new_limit=-1)


def test_naive_now_is_refused(store):
    store.sync([make_deck()], now=T0)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.grade("basics/c0", Rating.GOOD, now=T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="timezone-aware"):
        store.queue(now=T0.replace(tzinfo=None))


def test_unknown_key_is_a_plain_error(store):
    with pytest.raises(UnknownStudyKey, match="no study item 'nope/x'"):
        store.grade("nope/x", Rating.GOOD, now=T0)
    with pytest.raises(UnknownStudyKey):
        store.preview("nope/x", now=T0)
    with pytest.raises(UnknownStudyKey):
        store.bury("nope/x", now=T0)


def test_cram_grade_changes_nothing(store):
    store.sync([make_deck()], now=T0)
    store.grade("basics/c0", Rating.EASY, now=T0)
    before = store.item("basics/c0")
    result = store.grade("basics/c0", Rating.AGAIN, now=T0 + timedelta(hours=1), cram=True)
    assert result.cram and result.review_id is None and result.after.lapses == 1
    assert store.item("basics/c0") == before and len(store.history("basics/c0")) == 1
    assert store.undo() == "basics/c0"  # the real grade, not the cram one


# -- undo -------------------------------------------------------------------------


def test_undo_restores_the_state_and_removes_the_log_row(store):
    store.sync([make_deck()], now=T0)
    first = store.grade("basics/c0", Rating.GOOD, now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0 + timedelta(minutes=10))
    assert store.undo() == "basics/c0"
    assert store.state("basics/c0") == first.after
    assert [r["id"] for r in store.history("basics/c0")] == [first.review_id]
    assert store.undo() == "basics/c0"
    assert store.state("basics/c0") == CardState() and store.history("basics/c0") == []
    assert store.undo() is None and not store.can_undo
    assert store.mismatches() == []


def test_undo_of_a_lapse_restores_lapses(store):
    store.sync([make_deck()], now=T0)
    state = store.grade("basics/c0", Rating.EASY, now=T0).after
    store.grade("basics/c0", Rating.AGAIN, now=state.due)
    assert store.state("basics/c0").lapses == 1
    store.undo()
    assert store.state("basics/c0") == state


def test_undo_refuses_when_another_process_graded_the_card_since(store, db_path):
    store.sync([make_deck()], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)
    with Store.open(db_path) as other:
        other.grade("basics/c0", Rating.GOOD, now=T0 + timedelta(minutes=10))
    with pytest.raises(StoreError, match="graded again since"):
        store.undo()
    assert len(store.history("basics/c0")) == 2


def test_undo_puts_back_the_changed_flag(store):
    store.sync([make_deck()], now=T0)
    store.grade("basics/c0", Rating.GOOD, now=T0)
    edited = make_deck()
    edited = edited.__class__(slug="basics", title="B", cards=(flash("basics", "c0", "new text"),) + edited.cards[1:])
    store.sync([edited], now=T0)
    assert store.item("basics/c0").changed
    store.grade("basics/c0", Rating.GOOD, now=T0 + timedelta(minutes=10))
    assert not store.item("basics/c0").changed
    store.undo()
    assert store.item("basics/c0").changed


# -- leeches, bury, suspend -------------------------------------------------------


def lapse_until_leech(store, key, *, now=T0):
    """Graduate the item, then forget it again and again; returns each lapse's result."""
    results = []
    state = store.grade(key, Rating.EASY, now=now).after
    for _ in range(20):
        result = store.grade(key, Rating.AGAIN, now=state.due)
        results.append(result)
        if result.became_leech:
            return results
        state = store.grade(key, Rating.EASY, now=result.due).after
    return results


def test_the_eighth_lapse_makes_a_leech_tagged_suspended_and_reported(store):
    store.sync([make_deck()], now=T0)
    results = lapse_until_leech(store, "basics/c0")
    assert [r.became_leech for r in results] == [False] * 7 + [True]
    item = store.item("basics/c0")
    assert item.leech and item.suspended and item.state.lapses == 8
    assert "basics/c0" not in store.queue(now=results[-1].due + timedelta(days=30)).keys
    store.undo()
    item = store.item("basics/c0")
    assert not item.leech and not item.suspended and item.state.lapses == 7
    assert store.mismatches() == []


def test_a_released_leech_is_reported_again_after_half_the_threshold(store):
    store.set_config(store.config.replace(leech_threshold=4))
    store.sync([make_deck()], now=T0)
    assert len(lapse_until_leech(store, "basics/c0")) == 4
    store.set_suspended("basics/c0", False)
    state = store.grade("basics/c0", Rating.EASY, now=T0 + timedelta(days=400)).after
    first = store.grade("basics/c0", Rating.AGAIN, now=state.due)
    assert not first.became_leech  # 5th lapse
    state = store.grade("basics/c0", Rating.EASY, now=first.due).after
    second = store.grade("basics/c0", Rating.AGAIN, now=state.due)
    assert second.became_leech and second.after.lapses == 6


def test_bury_skips_until_the_next_study_day(store):
    store.sync([make_deck(n=2)], now=T0)
    store.bury("basics/c0", now=T0)
    assert store.queue(now=T0).keys == ("basics/c1",)
    assert store.queue(now=T0 + timedelta(hours=15, minutes=59)).keys == ("basics/c1",)  # 03:59 next day
    assert store.queue(now=T0 + timedelta(hours=16)).keys == ("basics/c0", "basics/c1")  # 04:00 rollover


def test_suspend_and_release(store):
    store.sync([make_deck(n=2)], now=T0)
    store.set_suspended("basics/c1", True)
    assert store.queue(now=T0).keys == ("basics/c0",)
    store.set_suspended("basics/c1", False)
    assert store.queue(now=T0).keys == ("basics/c0", "basics/c1")


# -- deck edits -------------------------------------------------------------------


def test_sync_records_new_changed_removed_and_restored_cards(store):
    deck = make_deck(n=3)
    report = store.sync([deck], now=T0)
    assert report.added == ("basics/c0", "basics/c1", "basics/c2")
    assert store.sync([deck], now=T0).to_dict() == {"added": [], "changed": [], "removed": [], "restored": []}
    store.grade("basics/c1", Rating.EASY, now=T0)
    progress = store.state("basics/c1")

    edited = deck.__class__(
        slug="basics",
        title="Basics",
        cards=(flash("basics", "c1", "reworded"), flash("basics", "c0", "also reworded"), flash("basics", "c9")),
    )
    report = store.sync([edited], now=T0)
    assert report.added == ("basics/c9",)
    assert report.changed == ("basics/c1",)  # c0 changed too, but was never studied
    assert report.removed == ("basics/c2",)
    assert store.state("basics/c1") == progress and store.item("basics/c1").changed
    assert store.queue(now=T0 + timedelta(days=60)).items[0].changed  # the queue tells the UI
    assert store.item("basics/c2").removed
    assert store.queue(now=T0).keys == ("basics/c0", "basics/c9")  # new in the new deck order
    with pytest.raises(UnknownStudyKey, match="no longer in its deck"):
        store.grade("basics/c2", Rating.GOOD, now=T0)

    report = store.sync([deck], now=T0)
    assert report.restored == ("basics/c2",) and report.removed == ("basics/c9",)
    assert not store.item("basics/c2").removed


def test_sync_leaves_other_decks_alone(store):
    store.sync([make_deck("a"), make_deck("b")], now=T0)
    report = store.sync([make_deck("a", n=1)], now=T0)
    assert set(report.removed) == {"a/c1", "a/c2", "a/c3", "a/c4"}
    assert not store.item("b/c3").removed


def test_cloze_blanks_are_separate_items(store):
    deck = make_deck(n=0, extra=(cloze("basics", "z"),))
    assert store.sync([deck], now=T0).added == ("basics/z#1", "basics/z#2", "basics/z#3")
    assert store.item("basics/z#2").card_key == "basics/z"


# -- settings ---------------------------------------------------------------------


def test_settings_are_saved_in_the_database(db_path):
    with Store.open(db_path) as store:
        assert store.config == Config()
        store.set_config(Config(desired_retention=0.85, deck_retention={"basics": 0.95}, new_limit=5))
    with Store.open(db_path) as store:
        assert store.config.new_limit == 5 and store.config.retention_for("basics") == 0.95


def test_broken_stored_settings_give_a_plain_message(db_path):
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO settings VALUES ('config', ?)", [json.dumps({"desired_retention": 7})])
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="settings stored in .* are invalid"):
        Store.open(db_path)
    Store.open(db_path, config=Config()).close()  # still usable with explicit settings


def test_a_short_file_with_a_pending_wal_is_left_to_sqlite_recovery(tmp_path):
    """Killed mid-checkpoint: the header may count pages that are still only in the WAL."""
    path = tmp_path / "p.db"
    Store.open(path).close()
    data = bytearray(path.read_bytes())
    pages = int.from_bytes(data[28:32], "big")
    data[28:32] = (pages + 3).to_bytes(4, "big")
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="truncated"):
        schema.check_file(path)
    (tmp_path / "p.db-wal").write_bytes(b"\x37\x7f\x06\x82" + b"\x00" * 28)
    schema.check_file(path)  # not refused: SQLite replays the WAL
