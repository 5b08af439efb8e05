"""Fixtures for the runner tests: one warm worker shared by the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from quizapp.runner import Limits, Runner

# Short limits keep the hostile tests quick; each asserts its own bound.
FAST = Limits(timeout_s=1.5, memory_bytes=256 * 1024 * 1024)


@pytest.fixture(scope="session")
def runner():
    with Runner(FAST, jobs=2) as runner:
        assert runner.wait_ready(), "the torch worker did not start"
        yield runner


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (from /proc), zombies included."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@pytest.fixture
def process_tree():
    """``descendants(pid)``: every live process below a pid."""
    return descendants


def scratch_entries(runner: Runner) -> list[str]:
    worker = runner._worker
    assert worker is not None
    return os.listdir(worker.scratch)


@pytest.fixture
def clean_after(runner):
    """Asserts, after the test, that no snippet process or scratch folder is left."""
    yield
    pid = runner.worker_pid
    assert pid is not None, "the worker died"
    assert descendants(pid) == []
    assert scratch_entries(runner) == []
    # ...and the next snippet runs normally.
    result = runner.run("print('next'); 1 + 1")
    assert result.completed and result.shown == "next\n2\n"
