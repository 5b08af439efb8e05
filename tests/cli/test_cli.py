"""The CLI through click's CliRunner: help everywhere, decks, check, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from quizapp import __version__
from quizapp.cli import COMMANDS, main

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = FIXTURES / "example-deck.yaml"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZAPP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QUIZAPP_DB", str(tmp_path / "progress.db"))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args], catch_exceptions=False)


def _all_commands(group: click.Group, ctx: click.Context, prefix=()):
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _all_commands(command, ctx, (*prefix, name))


def test_every_command_has_help_text(cli):
    ctx = click.Context(main)
    commands = list(_all_commands(main, ctx))
    assert {path[0] for path, _ in commands} >= set(COMMANDS)
    for path, command in commands:
        assert command.help and command.help.strip(), f"{' '.join(path)} has no help"
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_decks_lists_counts_by_kind(cli):
    result = cli("decks", EXAMPLE)
    assert result.exit_code == 0
    line = next(l for l in result.output.splitlines() if l.startswith("tensor-indexing"))
    assert line.split()[:8] == ["tensor-indexing", "7", "1", "1", "1", "1", "2", "1"]


def test_decks_lists_bundled_decks_by_default(cli):
    result = cli("decks")
    assert result.exit_code == 0
    assert "bundled:" in result.output


def test_decks_shows_a_broken_deck_with_its_error(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ncards:\n  - {id: a, kind: flsh}\n")
    result = CliRunner().invoke(main, ["decks", str(EXAMPLE), str(broken)])
    assert result.exit_code == 0
    assert f"{broken}:3:19: cards[0].kind: unknown kind" in result.output


def test_decks_finds_the_users_deck_folder(cli, tmp_path):
    folder = tmp_path / "data" / "decks"
    folder.mkdir(parents=True)
    (folder / "mine.yaml").write_text("deck: mine\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n")
    result = cli("decks")
    assert "mine" in result.output and "user:" in result.output


def test_check_json_has_the_documented_fields(cli):
    result = cli("check", "--json", "--no-run", EXAMPLE)
    report = json.loads(result.output)
    assert result.exit_code == 0
    for key in ("decks", "cards", "verified", "failed", "errors"):
        assert key in report
    assert report["decks"] == 1 and report["cards"] == 7 and report["errors"] == []


def test_check_exits_2_with_located_errors(cli, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ncards:\n  - id: a\n    kind: choice\n    prompt: p\n"
                      "    options: [A, B]\n    answer: C\n")
    result = CliRunner().invoke(main, ["check", "--no-run", str(broken)])
    assert result.exit_code == 2
    assert f"{broken}:7:13: cards[0].answer: answer `C` is not one of the options" in result.output
    assert "Traceback" not in result.output

    result = CliRunner().invoke(main, ["check", "--no-run", "--json", str(broken)])
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["line"], error["column"]) == (str(broken), 7, 13)


def test_check_a_folder(cli, tmp_path):
    (tmp_path / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.yml").write_text("deck: other\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n")
    report = json.loads(cli("check", "--json", "--no-run", tmp_path).output)
    assert report["decks"] == 2 and report["cards"] == 8


def test_two_files_with_one_slug_is_an_error(cli, tmp_path):
    (tmp_path / "a.yaml").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "b.yaml").write_bytes(EXAMPLE.read_bytes())
    result = CliRunner().invoke(main, ["check", "--no-run", str(tmp_path)])
    assert result.exit_code == 2
    assert "already defined in" in result.output


def test_schema_is_json(cli):
    result = cli("schema")
    schema = json.loads(result.output)
    assert schema["properties"]["cards"]["items"]["required"] == ["id", "kind"]


def test_db_before_the_command_means_the_same_as_after(cli, tmp_path):
    db = tmp_path / "elsewhere.db"
    result = cli("--db", db, "stats", "--json", "--from", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert db.exists()
