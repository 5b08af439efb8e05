"""The core and the CLI start without paying for torch or textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "quizapp.deck.loader", "quizapp.deck.discover", "quizapp.deck.schema", "quizapp.locations",
    "quizapp.cli", "quizapp.cli.decks", "quizapp.cli.check", "quizapp.cli.schema",
]


@pytest.mark.parametrize("module", CORE)
def test_core_imports_neither_torch_nor_textual(module):
    code = (
        f"import sys, {module}\n"
        "heavy = sorted(m for m in ('torch', 'textual') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
