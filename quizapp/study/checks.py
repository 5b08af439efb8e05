"""Checking the live kinds (``predict``, ``code``) by running their snippets.

The TUI talks to a ``Checker``; ``RunnerChecker`` is the real one over
``quizapp.runner``. Calls block (the runner answers from a warm worker), so shells
make them off their UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from quizapp.deck.models import Card, Deck
from quizapp.study.answers import Judgement, Verdict

if TYPE_CHECKING:
    from quizapp.runner import Runner, RunResult


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A judged answer and what to show beside it.

    ``mine`` is what the learner predicted (or what their code showed), ``real`` what
    the card's snippet showed. ``note`` is a plain-words message when a sandbox limit
    stopped a snippet or the worker crashed.
    """

    judgement: Judgement | None
    """None when the snippet could not run at all (a module it needs is missing):
    the learner compares with the deck's answer and grades themself."""
    mine: str
    real: str
    note: str | None = None


class Checker(Protocol):
    def start(self) -> None:
        """Begin warming the worker in the background; returns at once."""

    @property
    def ready(self) -> bool:
        """True once a check would not wait for the worker to warm up."""

    @property
    def failure(self) -> str | None:
        """Why the worker could not start, after a check found out; else None."""

    def check_predict(self, deck: Deck, card: Card, prediction: str) -> CheckResult: ...

    def check_code(self, deck: Deck, card: Card, code: str) -> CheckResult: ...

    def close(self) -> None: ...


def prediction_text(raw: str) -> str:
    """The learner's prediction as the comparison reads it: ``!IndexError`` is the
    quick way to predict an exception and means ``raises IndexError``."""
    text = raw.strip()
    if text.startswith("!"):
        return "raises " + text[1:].strip()
    return raw.rstrip()


def _shown(result: RunResult) -> str:
    """What a run showed, with its exception as a learner reads it."""
    parts = [result.shown.rstrip("\n")] if result.shown.strip() else []
    if result.exception is not None:
        parts.append(result.exception.headline)
    if not parts and result.problem:
        parts.append(f"({result.problem})")
    return "\n".join(parts)


def _note(result: RunResult) -> str | None:
    """Plain words for a limit hit or a crash (None for a normal run or exception)."""
    if result.limits_hit or result.signal is not None or result.missing:
        return result.problem
    return None


def stated_answer(card: Card) -> str:
    """The deck's own answer: a predict card's ``answer`` (or ``raises``), a code
    card's solution."""
    if card.answer is not None:
        return card.answer
    if card.raises is not None:
        return f"raises {card.raises}"
    return card.solution or ""


def _worker_failed(result: RunResult) -> bool:
    """The worker itself died or hung under this run: no fault of the snippet's (whose
    own limits and crashes come with an exit status or a signal), so no verdict."""
    return bool(result.limits_hit) and result.exit_code is None and result.signal is None


def _judgement(j) -> Judgement:
    return Judgement(Verdict(str(j.verdict)), j.explanation, j.expected)


class RunnerChecker:
    """``Checker`` over ``quizapp.runner``: a warm torch worker in another process."""

    def __init__(self, runner: Runner | None = None) -> None:
        self._runner = runner
        self._failure: str | None = None

    def start(self) -> None:
        if self._runner is None:
            from quizapp.runner import Runner

            self._runner = Runner()
        self._runner.start()

    @property
    def ready(self) -> bool:
        return self._runner is not None and self._runner.ready

    @property
    def failure(self) -> str | None:
        return None if self.ready else self._failure

    def _run(self, code: str, deck: Deck, card: Card) -> RunResult:
        from quizapp.runner import RunnerError

        if self._runner is None:
            self.start()
        assert self._runner is not None
        try:
            result = self._runner.run(
                code, setups=deck.setups_for(card), requires=deck.requirements_for(card)
            )
        except RunnerError as exc:
            self._failure = str(exc)
            raise
        self._failure = None
        if not self._runner.ready:
            # The worker died under this run; warm its successor now, not at the next check.
            self._runner.start()
        return result

    def check_predict(self, deck: Deck, card: Card, prediction: str) -> CheckResult:
        from quizapp.runner import judge_prediction

        result = self._run(card.code or "", deck, card)
        if result.missing or _worker_failed(result):
            return CheckResult(None, prediction, stated_answer(card), result.problem)
        return CheckResult(
            _judgement(judge_prediction(result, prediction)), prediction, _shown(result), _note(result)
        )

    def check_code(self, deck: Deck, card: Card, code: str) -> CheckResult:
        from quizapp.runner import judge_code

        mine = self._run(code, deck, card)
        if mine.missing or _worker_failed(mine):
            return CheckResult(None, code, card.solution or "", mine.problem)
        solution = self._run(card.solution or "", deck, card)
        if _worker_failed(solution):
            return CheckResult(None, _shown(mine), card.solution or "", solution.problem)
        note = _note(mine) or _note(solution)
        return CheckResult(_judgement(judge_code(mine, solution)), _shown(mine), _shown(solution), note)

    def close(self) -> None:
        if self._runner is not None:
            self._runner.close()
