"""Benchmark the progress store at scale: 100,000 cards and 1,000,000 reviews.

    .venv/bin/python benchmarks/srs_bench.py            # generate once (cached), then measure
    .venv/bin/python benchmarks/srs_bench.py --regenerate

The data is a simulated learner studying with quizapp's real scheduler
(``quizapp.srs.scheduler.Scheduler``, FSRS-6): 250 new cards a day, every due
card reviewed in a daily session, answers drawn from the card's predicted recall.
The review rows are written in bulk in exactly the form ``Store.grade`` writes
them (a sample is replayed to prove it), so the file is what a heavy user's would
be. It is cached under benchmarks/out/ (git-ignored).

Targets (issue 4): open + today's queue <= 50 ms; one grade (schedule + commit)
p95 <= 5 ms; ``quizapp stats`` <= 500 ms; <= 150 bytes per review row on disk.
Each figure is a median over repeated runs, next to a baseline measured in the
same run (this machine is shared and noisy).
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quizapp.srs import CardState, Config, Rating, State, Store  # noqa: E402
from quizapp.srs.models import to_ms  # noqa: E402
from quizapp.srs.scheduler import Scheduler  # noqa: E402
from quizapp.srs.store import _state_values  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
DB = OUT / "srs_100k.db"
CARDS = 100_000
REVIEWS = 1_000_000
DECKS = 20
NEW_PER_DAY = 250
START = datetime(2024, 1, 1, 9, 0, tzinfo=timezone.utc)
SESSION = timedelta(hours=12)  # the learner studies 09:00-21:00 UTC


def study_keys() -> list[tuple[str, str, str, int]]:
    """(study key, card key, deck, position): one card in ten is a two-blank cloze."""
    keys = []
    per_deck = CARDS // DECKS
    for d in range(DECKS):
        deck = f"bench-{d:02d}"
        position = 0
        n = 0
        while position < per_deck:
            card_key = f"{deck}/card-{n:05d}"
            n += 1
            blanks = 2 if n % 10 == 0 and position + 2 <= per_deck else 1
            for b in range(blanks):
                position += 1
                key = f"{card_key}#{b + 1}" if blanks > 1 else card_key
                keys.append((key, card_key, deck, position))
    return keys


def generate(path: Path) -> dict:
    """Simulate the learner and write the database; returns facts about the data."""
    started = time.perf_counter()
    rng = random.Random(42)
    config = Config(timezone="UTC")
    scheduler = Scheduler(config)
    keys = study_keys()
    # New cards are introduced deck by deck, in deck order, like the queue does.
    order = sorted(range(len(keys)), key=lambda i: (keys[i][2], keys[i][3]))
    states = [CardState() for _ in keys]
    reviews: list[tuple] = []
    events: list[tuple[int, int]] = []  # (due ms, card index)
    introduced = 0
    day = 0
    live_answers = ("tensor([1, 2, 3])", "torch.Size([2, 3])", "float32", "True", "RuntimeError")

    def session_time(due: datetime) -> datetime:
        """When the learner actually sees an item due at ``due``."""
        day_start = due.replace(hour=9, minute=0, second=0, microsecond=0)
        if due < day_start:
            return day_start + timedelta(seconds=rng.randrange(3600))
        if due <= day_start + SESSION:
            return due
        return day_start + timedelta(days=1, seconds=rng.randrange(3600))

    while len(reviews) < REVIEWS:
        today = START + timedelta(days=day)
        for n in range(NEW_PER_DAY):
            if introduced < len(keys):
                i = order[introduced]
                introduced += 1
                heapq.heappush(events, (to_ms(today + timedelta(seconds=20 * n)), i))
        day_end_ms = to_ms(today + SESSION)
        while events and events[0][0] <= day_end_ms and len(reviews) < REVIEWS:
            due_ms, i = heapq.heappop(events)
            key, _card_key, deck, _pos = keys[i]
            before = states[i]
            now = session_time(datetime.fromtimestamp(due_ms / 1000, tz=timezone.utc))
            if to_ms(now) > day_end_ms:
                heapq.heappush(events, (to_ms(now), i))
                continue
            if before.state is State.REVIEW:
                recall = scheduler.retrievability(before, deck, now) or 0.0
            elif before.state is State.NEW:
                recall = 0.6
            else:
                recall = 0.85
            if rng.random() > recall:
                rating = Rating.AGAIN
            else:
                rating = rng.choices((Rating.HARD, Rating.GOOD, Rating.EASY), (1, 8, 1))[0]
            after = scheduler.review(key, deck, before, rating, now)
            states[i] = after
            live = i % 3 == 0
            answer = rng.choice(live_answers) if live else None
            verdict = ("correct" if rating > Rating.AGAIN else "wrong") if live else None
            reviews.append(
                (i + 1, to_ms(now), int(rating), answer, verdict, rng.randrange(1500, 30000),
                 *_state_values(before)[:6], *_state_values(after)[:5])
            )
            heapq.heappush(events, (to_ms(after.due), i))
        day += 1

    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    Store.open(path, config=config).close()
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO cards (id, key, card_key, deck, position, content_hash, state, step, stability, "
            "difficulty, due, last_review, reps, lapses, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (i + 1, key, card_key, deck, pos, f"{i:016x}", *_state_values(states[i]), to_ms(START))
                for i, (key, card_key, deck, pos) in enumerate(keys)
            ),
        )
        conn.executemany(
            "INSERT INTO reviews (card_id, reviewed_at, rating, answer, verdict, duration_ms, "
            "state_before, step_before, stability_before, difficulty_before, due_before, "
            "last_review_before, state_after, step_after, stability_after, difficulty_after, due_after) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sorted(reviews, key=lambda r: r[1]),
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()
    last = max(r[1] for r in reviews)
    facts = {
        "cards": len(keys),
        "reviews": len(reviews),
        "days_simulated": day,
        "introduced": introduced,
        "last_review": datetime.fromtimestamp(last / 1000, tz=timezone.utc).isoformat(),
        "generate_seconds": round(time.perf_counter() - started, 1),
    }
    path.with_suffix(".json").write_text(json.dumps(facts, indent=2))
    return facts


def check_sample(path: Path, sample: int = 300) -> None:
    """Replay a sample of items from the log: the bulk-written cache must agree."""
    with Store.open(path, config=Config(timezone="UTC")) as store:
        ids = random.Random(1).sample(range(1, CARDS + 1), min(sample, CARDS))
        for card_id in ids:
            key, deck = store.db.execute("SELECT key, deck FROM cards WHERE id = ?", [card_id]).fetchone()
            state = CardState()
            for row in store.history(key):
                state = store.scheduler.review(key, deck, state, Rating(row["rating"]), row["reviewed_at"])
            assert store.state(key) == state, key


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def measure(path: Path, facts: dict) -> dict:
    last = datetime.fromisoformat(facts["last_review"])
    now = last.replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=1)  # the next morning
    config = Config(timezone="UTC")
    results: dict = {}

    def baseline_open() -> None:
        conn = sqlite3.connect(path)
        conn.execute("SELECT count(*) FROM cards WHERE id < 10").fetchone()
        conn.close()

    def open_and_queue() -> None:
        with Store.open(path, config=config) as store:
            store.queue(now=now)

    open_and_queue()  # warm the OS page cache, like a second start of the app
    base = timed(baseline_open, 30)
    oq = timed(open_and_queue, 30)
    with Store.open(path, config=config) as store:
        queue = store.queue(now=now)
        results["queue_items"] = len(queue)
        results["queue_reviews_due"] = store.db.execute(
            "SELECT count(*) FROM cards WHERE state = 2 AND due < ?", [to_ms(queue.day_end)]
        ).fetchone()[0]
    results["open_queue_ms"] = {"median": statistics.median(oq), "p95": p95(oq), "baseline_sqlite_open_ms": statistics.median(base)}

    # Grades change the file: work on a copy.
    scratch = OUT / "srs_grade_scratch.db"
    shutil.copyfile(path, scratch)
    for suffix in ("-wal", "-shm"):
        Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    with Store.open(scratch, config=config) as store:
        keys = list(store.queue(now=now, review_limit=1000, new_limit=100).keys)
        rng = random.Random(7)
        grade_ms = []
        raw_ms = []
        t_now = now
        for key in keys[:600]:
            state = store.state(key)
            deck = key.split("/")[0]
            t = time.perf_counter()
            store.scheduler.review(key, deck, state, Rating.GOOD, t_now)  # baseline: schedule only
            raw_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            store.grade(key, rng.choice(list(Rating)), now=t_now, answer="tensor([1])", verdict="correct", duration_ms=4000)
            grade_ms.append((time.perf_counter() - t) * 1000)
            t_now += timedelta(seconds=5)
        # For comparison: with an fsync per commit (synchronous=FULL), which would
        # also survive a power cut.
        store._conn.execute("PRAGMA synchronous = FULL")
        full_ms = []
        for key in keys[600:900] or keys[:300]:
            t = time.perf_counter()
            store.grade(key, Rating.GOOD, now=t_now, duration_ms=4000)
            full_ms.append((time.perf_counter() - t) * 1000)
            t_now += timedelta(seconds=5)
    results["grade_ms"] = {
        "n": len(grade_ms),
        "median": statistics.median(grade_ms),
        "p95": p95(grade_ms),
        "baseline_schedule_only_median": statistics.median(raw_ms),
        "synchronous_full_median": statistics.median(full_ms),
        "synchronous_full_p95": p95(full_ms),
    }

    with Store.open(path, config=config) as store:
        store.stats(now=now)
        st = timed(lambda: store.stats(now=now), 10)
    results["stats_inprocess_ms"] = {"median": statistics.median(st), "p95": p95(st)}

    empty = OUT / "no-decks"
    empty.mkdir(exist_ok=True)
    env = {**os.environ, "QUIZAPP_DATA_DIR": str(OUT / "data")}
    quizapp = Path(sys.executable).with_name("quizapp")
    start = [str(quizapp)] if quizapp.exists() else [sys.executable, "-c", "from quizapp.cli import main; main()"]
    cli = [*start, "stats", "--db", str(path), "--from", str(empty), "--now", now.isoformat()]
    py = [sys.executable, "-c", "pass"]
    subprocess.run(cli, check=True, capture_output=True, env=env, cwd=ROOT)
    cli_ms = timed(lambda: subprocess.run(cli, check=True, capture_output=True, env=env, cwd=ROOT), 7)
    py_ms = timed(lambda: subprocess.run(py, check=True, capture_output=True), 7)
    results["stats_cli_ms"] = {"median": statistics.median(cli_ms), "baseline_python_start_median": statistics.median(py_ms)}

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    try:
        sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        review_bytes = sum(v for k, v in sizes.items() if k == "reviews" or k.startswith("reviews_"))
    except sqlite3.OperationalError:  # SQLite built without dbstat
        sizes, review_bytes = {}, None
    conn.close()
    results["bytes_per_review"] = {
        "reviews_table_and_indexes": review_bytes / rows if review_bytes else None,
        "whole_file": path.stat().st_size / rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }
    return results


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regenerate", action="store_true", help="simulate the learner again")
    parser.add_argument("--small", action="store_true", help="1,000 cards / 10,000 reviews: a smoke run")
    args = parser.parse_args()
    global CARDS, REVIEWS, DB, NEW_PER_DAY
    if args.small:
        CARDS, REVIEWS, NEW_PER_DAY, DB = 1_000, 10_000, 25, OUT / "srs_small.db"
    OUT.mkdir(parents=True, exist_ok=True)
    facts_file = DB.with_suffix(".json")
    if args.regenerate or not DB.exists() or not facts_file.exists():
        print("generating 100k cards / 1M reviews with the real scheduler (a few minutes)...", flush=True)
        facts = generate(DB)
        check_sample(DB)
    else:
        facts = json.loads(facts_file.read_text())
    print(json.dumps(facts, indent=2))
    results = measure(DB, facts)
    report = {"date": datetime.now(timezone.utc).date().isoformat(), "machine": machine(), "data": facts, **results}
    DB.with_name(DB.stem + "_results.json").write_text(json.dumps(report, indent=2))
    r = results
    print(json.dumps(report, indent=2))
    print()
    print("| measure | target | median | p95 | baseline (same run) |")
    print("|---|---|---|---|---|")
    print(f"| open + today's queue ({r['queue_items']} items) | <= 50 ms | {r['open_queue_ms']['median']:.1f} ms "
          f"| {r['open_queue_ms']['p95']:.1f} ms | sqlite3 open + 1 query: {r['open_queue_ms']['baseline_sqlite_open_ms']:.2f} ms |")
    print(f"| one grade (schedule + commit) | p95 <= 5 ms | {r['grade_ms']['median']:.2f} ms | {r['grade_ms']['p95']:.2f} ms "
          f"| FSRS schedule only: {r['grade_ms']['baseline_schedule_only_median']:.3f} ms |")
    print(f"| `quizapp stats` (whole command) | <= 500 ms | {r['stats_cli_ms']['median']:.0f} ms | | "
          f"`python -c pass`: {r['stats_cli_ms']['baseline_python_start_median']:.0f} ms |")
    print(f"| `Store.stats()` in process | | {r['stats_inprocess_ms']['median']:.0f} ms | {r['stats_inprocess_ms']['p95']:.0f} ms | |")
    print(f"| one grade with an fsync per commit (synchronous=FULL, not the default) | | {r['grade_ms']['synchronous_full_median']:.2f} ms "
          f"| {r['grade_ms']['synchronous_full_p95']:.2f} ms | |")
    b = r["bytes_per_review"]
    table = f"{b['reviews_table_and_indexes']:.0f}" if b["reviews_table_and_indexes"] else "n/a"
    print(f"| bytes per review row | <= 150 | {table} (reviews + its indexes) | | whole file / reviews: {b['whole_file']:.0f} ({b['file_mb']} MB) |")


if __name__ == "__main__":
    main()
