"""The verdict: one comparison of a prediction with what a snippet really did."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from quizapp.runner.result import RunResult


class Verdict(StrEnum):
    CORRECT = "correct"
    CLOSE = "close"  # not accepted, but nearly: the explanation says what is off
    WRONG = "wrong"


@dataclass(frozen=True, slots=True)
class Judgement:
    """A verdict with one line saying why, and what was compared.

    ``expected`` is what the snippet really showed (or raised), ``given`` what the
    learner wrote; ``diff`` is a line diff of the two when that helps.
    """

    verdict: Verdict
    explanation: str
    expected: str = ""
    given: str = ""
    diff: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT

    def to_dict(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "explanation": self.explanation,
            "expected": self.expected,
            "given": self.given,
            "diff": list(self.diff),
        }


def judge_prediction(actual: RunResult, prediction: str) -> Judgement:
    raise NotImplementedError


def judge_code(learner: RunResult, solution: RunResult) -> Judgement:
    raise NotImplementedError
