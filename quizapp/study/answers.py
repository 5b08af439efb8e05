"""Judging the answers quizapp can check without running code.

``type-in``, ``choice`` and ``cloze`` are judged here; ``predict`` and ``code`` go
through the runner's comparison (``quizapp.runner``); ``flash`` is self-graded.
Every judgement proposes a rating the learner confirms or overrides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from quizapp.deck.models import Card, Kind
from quizapp.srs.models import Rating  # the store's grades: Again 1 .. Easy 4


class Verdict(StrEnum):
    CORRECT = "correct"
    CLOSE = "close"
    WRONG = "wrong"

    @property
    def symbol(self) -> str:
        # Symbols as well as colours: NO_COLOR terminals must still tell them apart.
        return {"correct": "✓", "close": "≈", "wrong": "✗"}[self.value]


def proposed_rating(verdict: Verdict | str | None) -> Rating:
    """wrong -> Again, close -> Hard, correct -> Good; self-graded cards propose Good."""
    if verdict is None:
        return Rating.GOOD
    return {
        Verdict.WRONG: Rating.AGAIN,
        Verdict.CLOSE: Rating.HARD,
        Verdict.CORRECT: Rating.GOOD,
    }[Verdict(verdict)]


@dataclass(frozen=True, slots=True)
class Judgement:
    """A verdict on one answer and a one-line reason a learner can act on."""

    verdict: Verdict
    explanation: str
    expected: str

    @property
    def rating(self) -> Rating:
        return proposed_rating(self.verdict)


_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Tolerant of case and whitespace, as the deck format promises for type-in."""
    return _SPACES.sub(" ", text.strip()).casefold()


def _loosely(text: str) -> str:
    # "close" catches the answer typed with stray punctuation or spacing: `collate-fn`,
    # `collate fn`, `collate_fn()` for `collate_fn`.
    return re.sub(r"[\s_\-`'\"().]", "", text).casefold()


def judge_text(given: str, accepted: tuple[str, ...]) -> Judgement:
    """One free-text answer against the answers the card accepts."""
    expected = accepted[0]
    if not given.strip():
        return Judgement(Verdict.WRONG, "no answer given", expected)
    wanted = {normalize(a) for a in accepted}
    if normalize(given) in wanted:
        return Judgement(Verdict.CORRECT, "", expected)
    loose = _loosely(given)
    if loose in {_loosely(a) for a in accepted}:
        return Judgement(Verdict.CLOSE, f"nearly: the answer is written {expected!r}", expected)
    # Most of a long answer ("all submodules" for "all submodules, recursively").
    if any(len(loose) * 2 >= len(_loosely(a)) and loose in _loosely(a) for a in accepted):
        return Judgement(Verdict.CLOSE, f"partly: the full answer is {expected!r}", expected)
    return Judgement(Verdict.WRONG, f"the answer is {expected!r}", expected)


def judge_type_in(card: Card, given: str) -> Judgement:
    assert card.kind is Kind.TYPE_IN and card.answer is not None
    return judge_text(given, (card.answer, *card.accept))


def judge_choice(card: Card, picked: int) -> Judgement:
    """``picked`` is the 0-based index of the option the learner chose."""
    assert card.kind is Kind.CHOICE and card.answer is not None
    if card.options[picked] == card.answer:
        return Judgement(Verdict.CORRECT, "", card.answer)
    return Judgement(Verdict.WRONG, f"the answer is {card.answer!r}", card.answer)


def asked_blanks(card: Card, blank: int | None) -> tuple[int, ...]:
    """0-based indexes of the blanks asked: one when asked in turn, else all."""
    if blank is not None:
        return (blank,)
    return tuple(range(len(card.blanks)))


def judge_cloze(card: Card, blank: int | None, given: list[str]) -> tuple[Judgement, list[Judgement]]:
    """The verdict on the blanks asked, and one judgement per blank.

    All blanks right is correct; some right is close (proposes Hard); none is wrong.
    """
    assert card.kind is Kind.CLOZE
    asked = asked_blanks(card, blank)
    parts = [judge_text(text, card.blanks[i].answers) for i, text in zip(asked, given, strict=True)]
    right = sum(p.verdict is Verdict.CORRECT for p in parts)
    nearly = sum(p.verdict is Verdict.CLOSE for p in parts)
    expected = " · ".join(card.blanks[i].answer for i in asked)
    if right == len(parts):
        overall = Judgement(Verdict.CORRECT, "", expected)
    elif right + nearly == 0:
        overall = Judgement(Verdict.WRONG, f"expected {expected}", expected)
    elif len(parts) == 1:
        overall = parts[0]
    else:
        overall = Judgement(
            Verdict.CLOSE, f"{right} of {len(parts)} blanks right; expected {expected}", expected
        )
    return overall, parts

