"""The live torch runner: a warm, sandboxed worker and the verdict on predictions.

Nothing here imports torch: only the worker process does. Typical use::

    from quizapp.runner import Runner, judge_prediction

    runner = Runner().start()          # returns at once; torch loads in the background
    ...
    result = runner.run(card.code, setups=deck.setups_for(card), seed=0)
    judgement = judge_prediction(result, learner_text)
    judgement.verdict                  # Verdict.CORRECT / CLOSE / WRONG
    judgement.explanation              # one line: what was off
    runner.close()

Public API
----------
``Limits(timeout_s=5, cpu_s=None, memory_bytes=1 GiB, output_bytes=64 KiB,
file_bytes=16 MiB, open_files=256, processes=False, network=False)``
    What a snippet may use. All limits are on by default.

``Runner(limits=Limits(), *, jobs=None, preload=True)``
    The warm worker. ``start()`` returns at once (torch is imported in a background
    process); ``ready`` says whether it is warm; ``wait_ready(timeout)``;
    ``run(code, *, setups=(), seed=0, limits=None, requires=()) -> RunResult`` blocks
    until the worker is warm, then runs ``setups`` and ``code`` as one notebook cell in
    a freshly forked, sandboxed child. ``run`` is safe to call from several threads at
    once: the worker runs up to ``jobs`` snippets in parallel (default: the number of
    CPU cores) and queues the rest. If the worker process dies it is restarted, and the
    run in flight reports the crash in its result. ``close()``; also a context manager.
    Also ``worker_pid``, ``torch_version``, ``sandbox_info()``. ``preload=False`` skips
    the warm-up that makes forks cheap (right for a single run, as in run-snippet).

``RunResult``
    ``shown`` (printed output, then the repr of a last expression that is not None),
    ``stderr``, ``exception`` (an ``ExceptionInfo``: ``type``, ``qualified_type``,
    ``message``, ``traceback`` of snippet lines, ``line``), ``exit_code``, ``signal``,
    ``duration_ms``, ``limits_hit`` (plain words), ``missing`` (required modules not
    installed), ``status`` (``RunStatus``: completed / raised / stopped / skipped),
    ``completed``, ``problem``, ``to_dict()``.

``Verdict`` (correct / close / wrong) and ``Judgement`` (``verdict``,
``explanation``, ``expected``, ``given``, ``diff``, ``to_dict()``).

``judge_prediction(actual: RunResult, prediction: str) -> Judgement``
    The one comparison: a prediction of what the snippet shows (``tensor([1., 3.])``,
    several lines, any Python literal) or of what it raises (``IndexError`` or
    ``raises IndexError``). See docs/verdicts.md for the rules.

``compare_output(expected: str, given: str) -> Judgement``
    The same comparison on two texts, without a run (``expected`` is what a snippet
    showed).

``judge_code(learner: RunResult, solution: RunResult) -> Judgement``
    For ``code`` cards: the learner's run against the solution's, with the same rules.

``verify_card(deck, card, runner) -> CardCheck`` and
``verify_cards(items, *, jobs=None, limits=None, progress=None, runner=None)
-> list[CardCheck]``
    What ``quizapp check`` runs: each ``predict`` card's stated answer (or ``raises``)
    is judged against a real run and must be correct; each ``code`` card's solution must
    run without error. Cards whose ``requires`` modules are missing are skipped with a
    note. ``items`` is an iterable of ``(deck, card)``; ``progress(check)`` is called
    after each card, in completion order; the returned list keeps the input order. It
    starts and closes its own ``Runner`` unless one is passed.

``CardCheck`` (``deck``, ``card``, ``status``: ``CheckStatus`` verified / failed /
skipped, ``reason``, ``expected``, ``actual``, ``explanation``, ``to_dict()``).

``sandbox_info(limits=None) -> list[Protection]``
    Which protections this machine allows, each a ``(protection, active, detail)``
    named tuple; what ``quizapp run-snippet --sandbox-info`` prints.
"""

from __future__ import annotations

from quizapp.runner.client import Runner, RunnerError
from quizapp.runner.compare import (
    Judgement,
    Verdict,
    compare_output,
    judge_code,
    judge_prediction,
)
from quizapp.runner.limits import Limits
from quizapp.runner.result import ExceptionInfo, RunResult, RunStatus
from quizapp.runner.sandbox import Protection, sandbox_info
from quizapp.runner.verify import CardCheck, CheckStatus, verify_card, verify_cards

__all__ = [
    "CardCheck",
    "CheckStatus",
    "ExceptionInfo",
    "Judgement",
    "Limits",
    "Protection",
    "RunResult",
    "RunStatus",
    "Runner",
    "RunnerError",
    "Verdict",
    "compare_output",
    "judge_code",
    "judge_prediction",
    "sandbox_info",
    "verify_card",
    "verify_cards",
]
