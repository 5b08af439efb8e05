"""End to end with the real torch worker: warm-up, verdicts, a sandbox limit and a
worker killed mid-session. Slow-ish (torch imports in the worker), so one test."""

from __future__ import annotations

import os
import signal

from quizapp.runner import Limits, Runner
from quizapp.study.checks import RunnerChecker
from tests.tui.conftest import reviews, screen_text, type_text, write_deck

CARDS = """
- id: column
  kind: predict
  code: |
    A = torch.Tensor([[1, 2], [3, 4]])
    torch.squeeze(torch.index_select(A, 1, torch.tensor([0])))
  answer: tensor([1., 3.])
- id: bad-index
  kind: predict
  code: torch.index_select(torch.zeros(2, 2), 1, torch.tensor([[0]]))
  raises: IndexError
- id: spin
  kind: predict
  code: |
    while True:
        pass
  answer: "1"
- id: diag
  kind: code
  prompt: Take the diagonal of A as a column.
  setup: A = torch.tensor([[1, 2], [3, 4]])
  solution: torch.gather(A, 1, torch.tensor([[0], [1]]))
- id: sleepy
  kind: predict
  code: |
    import time
    time.sleep(1)
    2
  answer: "2"
- id: needs-module
  kind: predict
  requires: [no_such_module_xyz]
  code: no_such_module_xyz.answer()
  answer: "42"
"""


async def check(pilot, text: str, key: str = "enter") -> str:
    await type_text(pilot, text, key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return screen_text(pilot.app)


async def test_real_runner_session(build, tmp_path, db_path):
    runner = Runner(Limits(timeout_s=1))
    app = build(write_deck(tmp_path, "live", CARDS), checker=RunnerChecker(runner))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        # Wrong first: integers for floats is exactly what the card teaches.
        text = await check(pilot, "tensor([1, 3])")
        assert "✗ wrong" in text and "tensor([1., 3.])" in text
        await pilot.press("enter")  # Again
        await pilot.pause()
        text = await check(pilot, "!IndexError")
        assert "✓ correct" in text
        await pilot.press("enter")
        await pilot.pause()
        # A sandbox limit is reported in plain words and the session goes on.
        text = await check(pilot, "1")
        assert "time limit" in text
        await pilot.press("1")
        await pilot.pause()
        # The worker is killed between cards: the next check restarts it.
        os.kill(runner.worker_pid, signal.SIGKILL)
        text = await check(pilot, "torch.gather(A, 1, torch.tensor([[0], [1]]))", "ctrl+r")
        assert "✓ correct" in text
        await pilot.press("enter")
        await pilot.pause()
        # The worker dies while checking: no verdict, the plain message, self-grading.
        await type_text(pilot, "2", "enter")
        await pilot.pause(0.3)
        os.kill(runner.worker_pid, signal.SIGKILL)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Not checked: crashed: the runner's worker process died" in text
        await pilot.press("3")
        await pilot.pause()
        # A card whose module is missing is not judged: the learner grades it.
        text = await check(pilot, "42")
        assert "Not checked: not run: needs no_such_module_xyz" in text
        assert pilot.app.screen.proposed == 3
        await pilot.press("3")
        await pilot.pause()
    assert [(k, r, v) for k, r, _, v in reviews(db_path)][:6] == [
        ("live/column", 1, "wrong"),
        ("live/bad-index", 3, "correct"),
        ("live/spin", 1, "wrong"),
        ("live/diag", 3, "correct"),
        ("live/sleepy", 3, None),
        ("live/needs-module", 3, None),
    ]
