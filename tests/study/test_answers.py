from __future__ import annotations

import pytest

from quizapp.deck.models import Card, Kind
from quizapp.study.answers import (
    Rating,
    Verdict,
    judge_choice,
    judge_cloze,
    judge_text,
    judge_type_in,
    proposed_rating,
)
from quizapp.study.checks import prediction_text

TYPE_IN = Card("d", "c", Kind.TYPE_IN, prompt="?", answer="collate_fn", accept=("collate",))
CLOZE = Card("d", "z", Kind.CLOZE, text="walks {{all submodules|every submodule}}; stops at {{direct children}}.")


@pytest.mark.parametrize("given", ["collate_fn", "  COLLATE_FN\n", "collate", "Collate"])
def test_type_in_tolerates_case_and_surrounding_space(given):
    assert judge_type_in(TYPE_IN, given).verdict is Verdict.CORRECT


@pytest.mark.parametrize("given", ["collate-fn", "collate fn", "`collate_fn`", "collate_fn()"])
def test_type_in_punctuation_slips_are_close(given):
    j = judge_type_in(TYPE_IN, given)
    assert j.verdict is Verdict.CLOSE and "collate_fn" in j.explanation


@pytest.mark.parametrize("given", ["", "   ", "sampler", "fn"])
def test_type_in_wrong(given):
    assert judge_type_in(TYPE_IN, given).verdict is Verdict.WRONG


def test_most_of_a_long_answer_is_close():
    assert judge_text("all submodules", ("all submodules, recursively",)).verdict is Verdict.CLOSE
    assert judge_text("all", ("all submodules, recursively",)).verdict is Verdict.WRONG


def test_choice():
    card = Card("d", "s", Kind.CHOICE, prompt="?", options=("A", "B"), answer="B")
    assert judge_choice(card, 1).verdict is Verdict.CORRECT
    j = judge_choice(card, 0)
    assert j.verdict is Verdict.WRONG and "'B'" in j.explanation


def test_cloze_one_blank_in_turn_accepts_alternatives():
    overall, parts = judge_cloze(CLOZE, 0, ["every submodule"])
    assert overall.verdict is Verdict.CORRECT and len(parts) == 1


def test_cloze_together_counts_blanks():
    assert judge_cloze(CLOZE, None, ["all submodules", "direct children"])[0].verdict is Verdict.CORRECT
    partly = judge_cloze(CLOZE, None, ["all submodules", "leaves"])[0]
    assert partly.verdict is Verdict.CLOSE and "1 of 2" in partly.explanation
    assert judge_cloze(CLOZE, None, ["x", "y"])[0].verdict is Verdict.WRONG


def test_proposed_rating_follows_the_verdict():
    assert proposed_rating("wrong") is Rating.AGAIN
    assert proposed_rating(Verdict.CLOSE) is Rating.HARD
    assert proposed_rating("correct") is Rating.GOOD
    assert proposed_rating(None) is Rating.GOOD


@pytest.mark.parametrize(
    ("raw", "sent"),
    [("!IndexError", "raises IndexError"), ("  ! RuntimeError ", "raises RuntimeError"),
     ("tensor([1., 3.])\n", "tensor([1., 3.])"), ("a\nb", "a\nb")],
)
def test_prediction_text(raw, sent):
    assert prediction_text(raw) == sent
