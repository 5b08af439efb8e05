"""`quizapp stats` through click's CliRunner, and import hygiene of the progress core."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizapp.cli import main
from quizapp.deck.loader import load_deck
from quizapp.srs import Rating, Store

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example-deck.yaml"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("QUIZAPP_DB", raising=False)

    def invoke(*args, env=None):
        return CliRunner().invoke(main, ["stats", *map(str, args)], env=env)

    return invoke


def test_stats_on_a_fresh_install(run, tmp_path):
    db = tmp_path / "new" / "folder" / "progress.db"
    result = run("--db", db, "--from", EXAMPLE)
    assert result.exit_code == 0, result.output
    deck = load_deck(EXAMPLE)
    study_items = sum(len(card.study_keys) for card in deck.cards)
    line = next(l for l in result.output.splitlines() if l.startswith(deck.slug))
    assert line.split()[1:] == [str(study_items), "0", "0", "0", "0", "0"]
    assert "Reviews today: 0" in result.output and "Streak:        0 days" in result.output
    assert db.exists()


def test_stats_after_some_reviews_text_and_json(run, tmp_path):
    db = tmp_path / "progress.db"
    deck = load_deck(EXAMPLE)
    now = datetime.now(timezone.utc)
    with Store.open(db) as store:
        store.sync([deck], now=now)
        first, second = store.queue([deck], now=now).keys[:2]
        store.grade(first, Rating.GOOD, now=now)
        store.grade(second, Rating.EASY, now=now)
    result = run("--db", db, "--from", EXAMPLE, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [row] = data["decks"]
    assert (row["deck"], row["learning"], row["young"]) == (deck.slug, 1, 1)
    assert data["reviews_today"] == 2 and data["streak_days"] == 1
    assert len(data["forecast"]) == 7 and data["database"] == str(db)
    text = run("--db", db, "--from", EXAMPLE, deck.slug)
    assert text.exit_code == 0 and "Reviews today: 2" in text.output and "Streak:        1 day\n" in text.output


def test_the_database_comes_from_quizapp_db(run, tmp_path):
    db = tmp_path / "env.db"
    result = run("--from", EXAMPLE, env={"QUIZAPP_DB": str(db)})
    assert result.exit_code == 0 and db.exists()
    assert f"Database: {db}" in result.output


def test_rebuild_reports_what_it_did(run, tmp_path):
    db = tmp_path / "progress.db"
    result = run("--db", db, "--from", EXAMPLE, "--rebuild")
    assert result.exit_code == 0
    assert "Rebuilt the schedule from the review log: 0 card(s) updated." in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a database\n", "not an SQLite file"),
        (b"SQLite format 3\x00" + b"\x10\x00" + b"\x00" * 200, "truncated"),
    ],
)
def test_a_bad_db_file_is_a_clear_error_and_untouched(run, tmp_path, content, message):
    db = tmp_path / "notes.txt"
    db.write_bytes(content)
    result = run("--db", db, "--from", EXAMPLE)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert db.read_bytes() == content


def test_unknown_deck_name(run, tmp_path):
    result = run("--db", tmp_path / "p.db", "--from", EXAMPLE, "no-such-deck")
    assert result.exit_code == 1
    assert "no deck named no-such-deck" in result.output and "Known decks: tensor-indexing" in result.output


def test_a_deck_that_fails_to_load_is_mentioned(run, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ncards: [{id: a, kind: nope}]\n")
    result = run("--db", tmp_path / "p.db", "--from", EXAMPLE, "--from", broken)
    assert result.exit_code == 0
    assert "1 deck file(s) failed to load" in result.output


def test_default_discovery_works_on_a_fresh_install(run, tmp_path):
    result = run("--db", tmp_path / "p.db")
    assert result.exit_code == 0, result.output
    assert "Reviews today: 0" in result.output


@pytest.mark.parametrize("module", ["quizapp.srs", "quizapp.cli.stats"])
def test_the_progress_core_imports_neither_torch_nor_textual(module):
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('torch', 'textual') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_now_can_be_injected_and_is_checked(run, tmp_path):
    db = tmp_path / "p.db"
    ok = run("--db", db, "--from", EXAMPLE, "--json", "--now", "2026-03-02T12:00:00+09:00")
    assert ok.exit_code == 0 and json.loads(ok.output)["now"] == "2026-03-02T03:00:00+00:00"
    for bad in ("yesterday", "2026-03-02T12:00:00"):
        result = run("--db", db, "--from", EXAMPLE, "--now", bad)
        assert result.exit_code == 2 and "--now" in result.output and "Traceback" not in result.output


def test_running_quizapp_stats_never_imports_torch(tmp_path):
    code = (
        "import sys\n"
        "from quizapp.cli import main\n"
        f"try:\n    main(['stats', '--db', {str(tmp_path / 'p.db')!r}])\n"
        "except SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print('LOADED', ','.join(m for m in ('torch', 'textual') if m in sys.modules))\n"
    )
    env = {**__import__("os").environ, "QUIZAPP_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.splitlines()[-1].strip() == "LOADED"


def test_text_columns_line_up(run, tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("deck: a-much-longer-deck-name\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n")
    result = run("--db", tmp_path / "p.db", "--from", EXAMPLE, "--from", other)
    assert result.exit_code == 0, result.output
    table = result.output.split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in table] == ["deck", "tensor-indexing", "a-much-longer-deck-name", "total"]
    assert len({len(line) for line in table}) == 1
    header = table[0]
    for line in table[1:]:  # every number ends under the end of its heading
        for heading in ("new", "learning", "due", "young", "mature", "suspended"):
            end = header.index(heading) + len(heading)
            assert line[end - 1].isdigit() and line[end:end + 1] in (" ", "")


def test_rebuild_repairs_a_damaged_cache_from_the_command_line(run, tmp_path):
    import sqlite3

    db = tmp_path / "p.db"
    deck = load_deck(EXAMPLE)
    now = datetime.now(timezone.utc)
    with Store.open(db) as store:
        store.sync([deck], now=now)
        key = store.queue([deck], now=now).keys[0]
        store.grade(key, Rating.EASY, now=now)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE cards SET state = 0, due = NULL, reps = 0")
    conn.commit()
    conn.close()
    result = run("--db", db, "--from", EXAMPLE, "--rebuild", "--json")
    assert result.exit_code == 0
    assert "1 card(s) updated" in result.output
    with Store.open(db) as store:
        assert store.state(key).reps == 1 and store.mismatches() == []
