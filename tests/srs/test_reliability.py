"""Nothing reported as saved is ever lost: SIGKILL at random moments, two writers at once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from quizapp.srs import Rating, Store

from .conftest import T0, make_deck

CHILD = Path(__file__).with_name("grader_child.py")
ROOT = Path(__file__).resolve().parents[2]


def spawn(db: Path, start: int, seed: int, keys: str = "all", count: int = 0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), str(start), str(seed), keys, str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def parse(lines: str) -> tuple[set[int], set[int], set[int]]:
    """Review ids the child reported committed, undone, and about to be undone."""
    found: dict[str, set[int]] = {"committed": set(), "undone": set(), "undoing": set()}
    for line in lines.splitlines():
        word, _, value = line.partition(" ")
        if word in found and value.isdigit():
            found[word].add(int(value))
    return found["committed"], found["undone"], found["undoing"]


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_grader_killed_at_random_moments_loses_nothing_it_reported(tmp_path):
    db = tmp_path / "progress.db"
    rng = random.Random(20260302)
    committed: set[int] = set()
    undone: set[int] = set()
    undoing: set[int] = set()
    start = 0
    kills = 0
    for round_ in range(24):
        child = spawn(db, start, seed=round_)
        # Some kills land while the child starts up (open, migrate, sync), most mid-grading.
        time.sleep(rng.uniform(0.0, 0.25) if round_ % 4 == 0 else rng.uniform(0.25, 0.6))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=30)
        assert child.returncode == -signal.SIGKILL, err
        kills += 1
        got, took_back, taking_back = parse(out)
        committed |= got
        undone |= took_back
        undoing |= taking_back
        start += 100_000  # each child's clock starts after the previous one's
    assert kills == 24 and len(committed) > 100  # the kills did land mid-grading

    conn = sqlite3.connect(db)
    in_log = {row[0] for row in conn.execute("SELECT id FROM reviews")}
    conn.close()
    # A kill between an undo's commit and its "undone" line is the only excuse.
    missing = committed - undone - in_log
    assert missing <= undoing, "a grade reported as committed is missing"
    assert not (undone & in_log), "an undone grade is still in the log"
    with Store.open(db) as store:
        assert store.integrity_check() == "ok"
        assert store.mismatches() == []


def test_two_processes_grading_at_once_lose_nothing(tmp_path):
    db = tmp_path / "progress.db"
    first_half = ",".join(f"rel/c{i}" for i in range(20))
    second_half = ",".join(f"rel/c{i}" for i in range(20, 40))
    children = [spawn(db, 0, 1, first_half, count=150), spawn(db, 500_000, 2, second_half, count=150)]
    results = [child.communicate(timeout=120) for child in children]
    for child, (out, err) in zip(children, results):
        assert child.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    committed = set().union(*(parse(out)[0] for out, _ in results))
    undone = set().union(*(parse(out)[1] for out, _ in results))
    assert undone == set().union(*(parse(out)[2] for out, _ in results))
    assert len(committed) == 300
    with Store.open(db) as store:
        in_log = {row[0] for row in store.db.execute("SELECT id FROM reviews")}
        assert in_log == committed - undone
        assert store.mismatches() == [] and store.integrity_check() == "ok"


def test_a_writer_holding_the_lock_makes_others_wait_not_fail(db_path):
    with Store.open(db_path) as store:
        store.sync([make_deck(n=2)], now=T0)
    blocker = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, lambda: blocker.execute("COMMIT"))
    release.start()
    try:
        with Store.open(db_path) as store:
            started = time.monotonic()
            store.grade("basics/c0", Rating.GOOD, now=T0)
            assert time.monotonic() - started >= 0.2  # it waited for the lock
    finally:
        release.join()
        blocker.close()


def test_a_lock_held_too_long_is_a_plain_message(db_path):
    from quizapp.srs import StoreError

    with Store.open(db_path) as store:
        store.sync([make_deck(n=1)], now=T0)
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(db_path, busy_timeout=0.05) as store:
            with pytest.raises(StoreError, match="is busy"):
                store.grade("basics/c0", Rating.GOOD, now=T0)
            assert store.history("basics/c0") == []
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_one_store_shared_by_threads(db_path):
    with Store.open(db_path) as store:
        store.sync([make_deck(n=8)], now=T0)
        errors: list[BaseException] = []

        def work(offset: int) -> None:
            try:
                for n in range(25):
                    key = f"basics/c{offset + n % 4}"
                    store.grade(key, Rating.GOOD, now=T0 + timedelta(minutes=n * 11))
                    store.queue(now=T0 + timedelta(minutes=n * 11))
            except BaseException as error:  # surfaced by the assert below
                errors.append(error)

        threads = [threading.Thread(target=work, args=(o,)) for o in (0, 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert store.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 50
        assert store.mismatches() == []


def test_killed_mid_migration_leaves_a_file_that_opens(tmp_path):
    """A kill while the very first open creates the schema: the next open finishes the job."""
    db = tmp_path / "progress.db"
    for delay in (0.0, 0.05, 0.1, 0.15):
        if db.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
        child = spawn(db, 0, 0)
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.communicate(timeout=30)
        with Store.open(db) as store:
            assert store.integrity_check() == "ok"
