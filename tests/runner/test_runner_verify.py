"""Live verification of decks (what `quizapp check` runs)."""

from __future__ import annotations

import textwrap

from quizapp.deck.loader import load_deck_text
from quizapp.runner import CheckStatus, verify_card, verify_cards

EXAMPLE = textwrap.dedent("""\
    deck: tensor-indexing
    title: Tensor indexing — index_select and gather
    description: How dim and index pick elements.
    source: notes › Basic Operations › 텐서 인덱싱
    tags: [tensor, indexing]
    setup: |
      import torch
    cards:
      - id: index-select-dim
        kind: flash
        front: In `torch.index_select(input, dim, index)`, what is `dim`?
        back: The axis the candidates are chosen along, not a direction of movement.
        tags: [gotcha]

      - id: index-select-column
        kind: predict
        code: |
          A = torch.Tensor([[1, 2], [3, 4]])
          torch.squeeze(torch.index_select(A, 1, torch.tensor([0])))
        answer: tensor([1., 3.])
        explain: dim=1 picks column 0 from every row; torch.Tensor makes floats.

      - id: index-select-2d-index
        kind: predict
        code: torch.index_select(torch.zeros(2, 2), 1, torch.tensor([[0]]))
        raises: IndexError

      - id: collate-fn
        kind: type-in
        prompt: Which DataLoader argument merges a list of samples into a batch?
        answer: collate_fn

      - id: weighted-sampler
        kind: choice
        prompt: Which sampler draws each index with its own probability?
        options: [SequentialSampler, RandomSampler, WeightedRandomSampler, BatchSampler]
        answer: WeightedRandomSampler

      - id: children-vs-modules
        kind: cloze
        text: "`named_modules()` walks {{all submodules, recursively}};
          `named_children()` stops at {{direct children}}."

      - id: gather-diagonal
        kind: code
        prompt: With torch.gather, take the diagonal of A as a column vector.
        setup: A = torch.tensor([[1, 2], [3, 4]])
        solution: torch.gather(A, 1, torch.tensor([[0], [1]]))
    """)

BROKEN = textwrap.dedent("""\
    deck: broken
    title: Wrong answers on purpose
    setup: import torch
    cards:
      - id: int-not-float
        kind: predict
        code: torch.Tensor([1, 3])
        answer: tensor([1, 3])
      - id: wrong-exception
        kind: predict
        code: torch.zeros(2)[5]
        raises: KeyError
      - id: no-exception
        kind: predict
        code: torch.zeros(1)
        raises: IndexError
      - id: missing-dtype
        kind: predict
        code: torch.zeros(2, dtype=torch.float64)
        answer: tensor([0., 0.])
      - id: solution-raises
        kind: code
        prompt: Sum it.
        solution: torch.tensor([1, 2]).sum(dim=3)
      - id: setup-fails
        kind: predict
        setup: undefined_helper()
        code: "1"
        answer: "1"
      - id: needs-vision
        kind: predict
        requires: [surely_not_installed_xyz]
        code: import surely_not_installed_xyz
        answer: "1"
    """)


def test_the_format_example_deck_verifies(runner):
    deck = load_deck_text(EXAMPLE, "example.yaml")
    live = [(deck, card) for card in deck.cards if card.kind.is_live]
    seen = []
    checks = verify_cards(live, runner=runner, progress=seen.append)
    assert [c.status for c in checks] == [CheckStatus.VERIFIED] * 3
    assert [c.card for c in checks] == [
        "index-select-column",
        "index-select-2d-index",
        "gather-diagonal",
    ]
    assert sorted(c.card for c in seen) == sorted(c.card for c in checks)
    assert checks[0].actual == "tensor([1., 3.])"
    assert checks[1].actual.startswith("raises IndexError: ")


def test_a_deck_with_wrong_answers_is_flagged(runner):
    deck = load_deck_text(BROKEN, "broken.yaml")
    checks = {c.card: c for c in verify_cards([(deck, c) for c in deck.cards], runner=runner)}
    int_float = checks["int-not-float"]
    assert int_float.status is CheckStatus.FAILED
    assert int_float.reason == "`answer` does not match the real output"
    assert int_float.expected == "tensor([1, 3])"
    assert int_float.actual == "tensor([1., 3.])"
    assert "floats" in int_float.explanation

    wrong_exc = checks["wrong-exception"]
    assert wrong_exc.status is CheckStatus.FAILED
    assert wrong_exc.expected == "raises KeyError"
    assert wrong_exc.actual.startswith("raises IndexError")
    assert "right family" in wrong_exc.explanation

    assert checks["no-exception"].status is CheckStatus.FAILED
    assert "did not raise" in checks["no-exception"].explanation

    dtype = checks["missing-dtype"]
    assert dtype.status is CheckStatus.FAILED
    assert dtype.reason == "`answer` is close to the real output but not exact"
    assert "dtype=torch.float64 is missing" in dtype.explanation

    solution = checks["solution-raises"]
    assert solution.status is CheckStatus.FAILED
    assert solution.reason == "the solution raised an exception"
    assert solution.actual.startswith("raises IndexError")

    setup = checks["setup-fails"]
    assert setup.status is CheckStatus.FAILED
    assert setup.reason == "the setup raised an exception"
    assert setup.actual.startswith("raises NameError")

    skipped = checks["needs-vision"]
    assert skipped.status is CheckStatus.SKIPPED
    assert "surely_not_installed_xyz" in skipped.reason
    assert skipped.to_dict()["status"] == "skipped"


def test_cards_without_a_snippet_are_skipped(runner):
    deck = load_deck_text(EXAMPLE, "example.yaml")
    check = verify_card(deck, deck.card("collate-fn"), runner)
    assert check.status is CheckStatus.SKIPPED
    assert verify_cards([]) == []


def test_verify_cards_starts_and_closes_its_own_runner():
    deck = load_deck_text(EXAMPLE, "example.yaml")
    checks = verify_cards([(deck, deck.card("index-select-column"))], jobs=1)
    assert checks[0].status is CheckStatus.VERIFIED
