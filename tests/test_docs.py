"""Docs stay true to the code: every deck field and every command is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizapp.cli import COMMANDS
from quizapp.deck.fields import CARD_FIELDS, DECK_FIELDS

ROOT = Path(__file__).parent.parent
FORMAT_DOC = (ROOT / "docs" / "deck-format.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(set(DECK_FIELDS) | set(CARD_FIELDS)))
def test_every_field_is_in_the_format_doc(name):
    assert f"| `{name}` |" in FORMAT_DOC


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_in_the_readme(command):
    assert f"quizapp {command}" in README


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    test_command = next(line for line in README.splitlines() if "pytest" in line and "venv" in line)
    assert test_command.strip() in ci


def test_readme_links_point_at_files():
    import re

    for target in re.findall(r"\]\(([^)#]+)\)", README):
        if "://" not in target:
            assert (ROOT / target).exists(), target
