"""`quizapp study` from the command line: errors are messages, never tracebacks."""

from __future__ import annotations

from click.testing import CliRunner

from quizapp.cli import main
from quizapp.tui.app import QuizApp
from tests.tui.conftest import INDEXING


def invoke(*args: str, **kwargs):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, **kwargs)


def test_help():
    result = invoke("study", "--help")
    assert result.exit_code == 0 and "--cram" in result.output and "--db" in result.output


def test_unknown_deck_is_a_message(tmp_path):
    result = invoke("study", "no-such-deck", "--db", str(tmp_path / "p.db"))
    assert result.exit_code == 1
    assert "no deck file or deck named no-such-deck" in result.output and "Known decks:" in result.output


def test_not_a_database_is_a_message(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    result = invoke("study", "--db", str(bad))
    assert result.exit_code == 1 and "Error:" in result.output
    assert bad.read_text() == "hello"


def test_cram_needs_decks(tmp_path):
    result = invoke("study", "--cram", "--db", str(tmp_path / "p.db"))
    assert result.exit_code == 2 and "--cram needs" in result.output


def test_named_deck_starts_straight_into_it(tmp_path, monkeypatch):
    seen = {}

    def fake_run(self):
        seen["start"] = self._start
        seen["decks"] = [d.slug for d in self.library.decks]
        seen["theme"] = self._theme_name

    monkeypatch.setattr(QuizApp, "run", fake_run)
    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(tmp_path))
    result = invoke("study", str(INDEXING), "--db", str(tmp_path / "p.db"), "--theme", "light")
    assert result.exit_code == 0, result.output
    assert seen == {"start": ["tensor-indexing"], "decks": ["tensor-indexing"], "theme": "textual-light"}


def test_bare_quizapp_opens_the_home_screen(tmp_path, monkeypatch):
    seen = {}
    monkeypatch.setattr(QuizApp, "run", lambda self: seen.setdefault("start", self._start))
    monkeypatch.setenv("QUIZAPP_DB", str(tmp_path / "p.db"))
    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(tmp_path))
    result = invoke()
    assert result.exit_code == 0, result.output
    assert seen == {"start": None}
