"""Stand-ins for tests that are not about the runner: a checker that answers at once
from the deck's own answers, deterministically."""

from __future__ import annotations

import threading

from quizapp.deck.models import Card, Deck
from quizapp.study.answers import Judgement, Verdict, normalize
from quizapp.study.checks import CheckResult


class FakeChecker:
    """Judges a prediction by comparing text with the card's answer (spaces ignored)."""

    def __init__(self, *, ready: bool = True, crash_on: str | None = None) -> None:
        self._ready = ready
        self.started = False
        self.closed = False
        self.calls: list[tuple[str, str]] = []
        self.crash_on = crash_on
        self.release = threading.Event()
        if ready:
            self.release.set()

    @property
    def ready(self) -> bool:
        return self._ready

    failure: str | None = None

    def start(self) -> None:
        self.started = True

    def warm(self) -> None:
        self._ready = True
        self.release.set()

    def close(self) -> None:
        self.closed = True

    def _expected(self, card: Card) -> str:
        return card.answer if card.answer is not None else f"raises {card.raises}"

    def check_predict(self, deck: Deck, card: Card, prediction: str) -> CheckResult:
        self.release.wait(5)
        self.calls.append((card.key, prediction))
        if self.crash_on and self.crash_on in prediction:
            raise RuntimeError("the torch worker died (killed by signal 9); it is restarting")
        expected = self._expected(card)
        same = "".join(normalize(prediction).split()) == "".join(normalize(expected).split())
        verdict = Verdict.CORRECT if same else Verdict.WRONG
        return CheckResult(Judgement(verdict, "matches" if same else "values differ", expected), prediction, expected)

    def check_code(self, deck: Deck, card: Card, code: str) -> CheckResult:
        self.release.wait(5)
        self.calls.append((card.key, code))
        same = "".join(code.split()) == "".join((card.solution or "").split())
        verdict = Verdict.CORRECT if same else Verdict.WRONG
        shown = "tensor([[1],\n        [4]])"
        return CheckResult(Judgement(verdict, "same output" if same else "outputs differ", shown),
                           shown if same else "tensor([[1]])", shown)
