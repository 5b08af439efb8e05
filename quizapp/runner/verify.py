"""Live verification of a deck's answers, for `quizapp check`.

A ``predict`` card is verified when its stated ``answer`` is judged correct against a
real run (``judge_prediction``, the same judge the learner faces), or when the snippet
raises exactly its ``raises`` class. A ``code`` card is verified when its solution runs
to the end without an exception or a limit. Cards whose ``requires`` modules are not
installed are skipped with a note; other kinds have nothing to run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from quizapp.runner.client import Runner
from quizapp.runner.compare import Verdict, judge_prediction
from quizapp.runner.result import RunResult, RunStatus

if TYPE_CHECKING:
    from quizapp.deck.models import Card, Deck
    from quizapp.runner.limits import Limits

SEED = 0  # every run of a card uses the same seed, so random cards are reproducible


class CheckStatus(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CardCheck:
    """The outcome of verifying one card against a real run.

    ``reason`` says in a few words why a card failed or was skipped; ``expected`` is what
    the deck states (its ``answer``, ``raises X`` or, for code, "runs without error"),
    ``actual`` what the run really showed or raised; ``explanation`` is the verdict's
    one line.
    """

    deck: str
    card: str
    status: CheckStatus
    reason: str = ""
    expected: str | None = None
    actual: str | None = None
    explanation: str = ""
    duration_ms: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.deck}/{self.card}"

    def to_dict(self) -> dict:
        return {
            "deck": self.deck,
            "card": self.card,
            "status": str(self.status),
            "reason": self.reason,
            "expected": self.expected,
            "actual": self.actual,
            "explanation": self.explanation,
            "duration_ms": round(self.duration_ms, 1),
        }


def describe_run(result: RunResult) -> str:
    """What a run did, as one might write it in an answer."""
    if result.exception is not None and not result.limits_hit:
        return f"raises {result.exception.headline}"
    if result.status is RunStatus.COMPLETED:
        return result.shown.strip()
    shown = result.shown.strip()
    return f"{shown}\n({result.problem})" if shown else f"({result.problem})"


def verify_card(deck: Deck, card: Card, runner: Runner) -> CardCheck:
    """Run one card for real and check what the deck says about it."""
    from quizapp.deck.models import Kind

    def check(status: CheckStatus, **kw: object) -> CardCheck:
        return CardCheck(deck.slug, card.id, status, **kw)  # type: ignore[arg-type]

    if card.kind not in (Kind.PREDICT, Kind.CODE):
        return check(CheckStatus.SKIPPED, reason=f"{card.kind} cards have nothing to run")
    code = card.code if card.kind is Kind.PREDICT else card.solution
    result = runner.run(
        code or "",
        setups=deck.setups_for(card),
        seed=SEED,
        requires=deck.requirements_for(card),
    )
    timing = {"duration_ms": result.duration_ms}
    if result.missing:
        return check(
            CheckStatus.SKIPPED,
            reason="needs " + ", ".join(result.missing) + " (not installed); not verified",
            **timing,
        )
    actual = describe_run(result)

    setup_failed = result.exception is not None and result.exception.where == "setup"
    if card.kind is Kind.CODE:
        if result.completed:
            return check(CheckStatus.VERIFIED, actual=actual, **timing)
        if setup_failed:
            reason = "the setup raised an exception"
        elif result.status is RunStatus.RAISED:
            reason = "the solution raised an exception"
        else:
            reason = "the solution did not finish"
        return check(
            CheckStatus.FAILED,
            reason=reason,
            expected="runs without error",
            actual=actual,
            explanation=result.problem or "",
            **timing,
        )

    if card.raises:
        expected = f"raises {card.raises}"
        judgement = judge_prediction(result, expected)
    else:
        expected = card.answer or ""
        judgement = judge_prediction(result, expected)
    if judgement.correct:
        return check(
            CheckStatus.VERIFIED,
            expected=expected,
            actual=actual,
            explanation=judgement.explanation,
            **timing,
        )
    if result.status is RunStatus.STOPPED:
        reason = "the snippet did not finish"
    elif setup_failed:
        reason = "the setup raised an exception"
    elif card.raises:
        reason = "`raises` does not match the run"
    elif judgement.verdict is Verdict.CLOSE:
        reason = "`answer` is close to the real output but not exact"
    else:
        reason = "`answer` does not match the real output"
    return check(
        CheckStatus.FAILED,
        reason=reason,
        expected=expected,
        actual=actual,
        explanation=judgement.explanation,
        **timing,
    )


def verify_cards(
    items: Iterable[tuple[Deck, Card]],
    *,
    jobs: int | None = None,
    limits: Limits | None = None,
    progress: Callable[[CardCheck], None] | None = None,
    runner: Runner | None = None,
) -> list[CardCheck]:
    """Verify many cards in parallel over the cores; results in the order given.

    Starts (and closes) its own ``Runner`` with ``jobs`` parallel snippets unless one
    is passed. ``progress(check)`` is called once per card as it finishes, from worker
    threads but never two at once. Raises ``RunnerError`` if torch cannot start.
    """
    items = list(items)
    if not items:
        return []
    own = runner is None
    active = runner or Runner(limits, jobs=jobs)
    lock = threading.Lock()

    def one(item: tuple[Deck, Card]) -> CardCheck:
        result = verify_card(item[0], item[1], active)
        if progress is not None:
            with lock:
                progress(result)
        return result

    try:
        active.wait_ready()
        # Twice as many requests in flight as parallel jobs, so the worker never idles
        # while this side judges a result.
        with ThreadPoolExecutor(
            max_workers=2 * active.jobs, thread_name_prefix="quizapp-check"
        ) as pool:
            return list(pool.map(one, items))
    finally:
        if own:
            active.close()
