"""`quizapp check` runs every live card in the sandbox and flags wrong answers."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from quizapp.cli import main

EXAMPLE = Path(__file__).parent.parent / "fixtures" / "example-deck.yaml"


def run(*args):
    return CliRunner().invoke(main, ["check", *map(str, args)], catch_exceptions=False)


def test_the_format_example_verifies():
    result = run("--json", EXAMPLE)
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert report["live"] == 3 and report["verified"] == 3
    assert report["failed"] == [] and report["skipped"] == []


def test_a_wrong_answer_fails_with_expected_and_actual(tmp_path):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(EXAMPLE.read_text(encoding="utf-8").replace(
        "answer: tensor([1., 3.])", "answer: tensor([1, 3])"), encoding="utf-8")
    result = run(wrong)
    assert result.exit_code == 1
    assert f"FAILED tensor-indexing/index-select-column ({wrong}:15)" in result.output
    assert "deck says: tensor([1, 3])" in result.output
    assert "torch:     tensor([1., 3.])" in result.output

    report = json.loads(run("--json", wrong).stdout)
    (failure,) = report["failed"]
    assert failure["deck"] == "tensor-indexing" and failure["card"] == "index-select-column"
    assert failure["expected"] == "tensor([1, 3])" and "tensor([1., 3.])" in failure["actual"]
    assert failure["reason"]


def test_a_wrong_exception_and_a_broken_solution_fail(tmp_path):
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "deck: d\nsetup: import torch\ncards:\n"
        "  - {id: r, kind: predict, code: 'torch.zeros(2)[5]', raises: KeyError}\n"
        "  - {id: c, kind: code, prompt: p, solution: 'torch.ones(2) @ torch.ones(3)'}\n"
    )
    report = json.loads(run("--json", deck).stdout)
    assert sorted(f["card"] for f in report["failed"]) == ["c", "r"]


def test_cards_needing_a_missing_module_are_skipped_not_verified(tmp_path):
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "deck: d\ncards:\n"
        "  - {id: v, kind: predict, code: '1', answer: '1', requires: [quizapp_no_such_module]}\n"
    )
    result = run("--json", deck)
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert report["verified"] == 0 and len(report["skipped"]) == 1
    assert "quizapp_no_such_module" in report["skipped"][0]["reason"]
