"""The study core imports neither textual nor torch; the TUI imports no torch."""

from __future__ import annotations

import subprocess
import sys

import pytest


def heavy_after(module: str) -> set[str]:
    code = (
        f"import sys, {module}\n"
        "print(','.join(m for m in ('torch', 'textual') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(filter(None, out.stdout.strip().split(",")))


@pytest.mark.parametrize(
    "module",
    ["quizapp.study.session", "quizapp.study.library", "quizapp.study.checks", "quizapp.study.trust",
     "quizapp.cli.study"],
)
def test_study_core_is_light(module):
    assert heavy_after(module) == set()


def test_tui_never_imports_torch():
    assert heavy_after("quizapp.tui.app") == {"textual"}
