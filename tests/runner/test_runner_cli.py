"""`quizapp run-snippet` through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from quizapp.cli import main

INDEX_SELECT = (
    "import torch\n"
    "A = torch.Tensor([[1, 2], [3, 4]])\n"
    "torch.squeeze(torch.index_select(A, 1, torch.tensor([0])))\n"
)


@pytest.fixture
def cli():
    return CliRunner()


@pytest.fixture
def snippet(tmp_path):
    path = tmp_path / "snippet.py"
    path.write_text(INDEX_SELECT)
    return path


def test_runs_a_file_and_prints_what_it_shows(cli, snippet):
    result = cli.invoke(main, ["run-snippet", str(snippet)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "tensor([1., 3.])\n"


def test_expect_prints_the_verdict_and_a_diff(cli, snippet):
    wrong = cli.invoke(main, ["run-snippet", str(snippet), "--expect", "tensor([1, 3])"])
    assert wrong.exit_code == 1
    assert wrong.stdout.splitlines()[0] == (
        "✗ wrong: the snippet shows floats, you wrote integers (1. vs 1)"
    )
    assert "-tensor([1., 3.])" in wrong.stdout and "+tensor([1, 3])" in wrong.stdout


def test_json_from_stdin_with_an_expect_file(cli, tmp_path):
    expect = tmp_path / "expect.txt"
    expect.write_text("tensor([1.0, 3.0])\n")
    result = cli.invoke(
        main, ["run-snippet", "-", "--expect-file", str(expect), "--json"], input=INDEX_SELECT
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["verdict"] == "correct"
    assert data["shown"] == "tensor([1., 3.])\n"
    assert data["exception"] is None and data["limits_hit"] == []
    assert set(data) >= {
        "shown",
        "stderr",
        "exception",
        "verdict",
        "explanation",
        "duration_ms",
        "limits_hit",
    }


def test_exit_3_when_it_raises_and_4_when_a_limit_stops_it(cli, tmp_path):
    raises = tmp_path / "raises.py"
    raises.write_text("import torch\nprint('before')\ntorch.zeros(2)[5]\n")
    result = cli.invoke(main, ["run-snippet", str(raises)])
    assert result.exit_code == 3
    assert result.stdout.startswith("before\nTraceback (snippet lines only):\n")
    assert result.stdout.rstrip().endswith(
        "IndexError: index 5 is out of bounds for dimension 0 with size 2"
    )

    loop = tmp_path / "loop.py"
    loop.write_text("while True:\n    pass\n")
    result = cli.invoke(main, ["run-snippet", str(loop), "--timeout", "0.5", "--json"])
    assert result.exit_code == 4
    assert json.loads(result.stdout)["limits_hit"] == ["stopped after 0.5 s (time limit)"]


def test_card_runs_a_bundled_card_and_judges_a_raises_prediction(cli):
    result = cli.invoke(
        main,
        [
            "run-snippet",
            "--card",
            "tensor-indexing/index-select-2d-index",
            "--expect",
            "raises IndexError",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("✓ correct")


def test_card_with_a_file_judges_code_against_the_solution(cli, tmp_path):
    mine = tmp_path / "mine.py"
    mine.write_text("A.diagonal()\n")
    result = cli.invoke(
        main, ["run-snippet", "--card", "tensor-indexing/gather-diagonal", str(mine)]
    )
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        "✗ wrong: the shape is (2, 1), your code shows (2,)",
        "--- solution",
        "+++ your code",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run-snippet"], "give a FILE, - for stdin, or --card DECK/ID"),
        (["run-snippet", "/nonexistent/snippet.py"], "cannot read snippet file"),
        (["run-snippet", "x.py", "--expect", "1", "--expect-file", "f"], "not both"),
        (["run-snippet", "--card", "no-such-deck/card"], "no deck named 'no-such-deck'"),
        (["run-snippet", "--card", "tensor-indexing/nope"], "has no card 'nope'"),
        (["run-snippet", "--card", "nodeck"], "expected DECK/ID"),
        (["run-snippet", "x.py", "--timeout", "0"], "--timeout"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(cli, args, message):
    result = cli.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_non_utf8_snippet_is_a_usage_error(cli, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_bytes(b"print('\xff')")
    result = cli.invoke(main, ["run-snippet", str(bad)])
    assert result.exit_code == 2
    assert "not UTF-8" in result.output


def test_sandbox_info(cli):
    result = cli.invoke(main, ["run-snippet", "--sandbox-info"])
    assert result.exit_code == 0
    assert "time limit" in result.stdout and "write only to scratch" in result.stdout
    data = json.loads(cli.invoke(main, ["run-snippet", "--sandbox-info", "--json"]).stdout)
    assert {"protection", "active", "detail"} <= set(data[0])


def test_help(cli):
    result = cli.invoke(main, ["run-snippet", "--help"])
    assert result.exit_code == 0
    assert "Exit status" in result.output and "--expect" in result.output
