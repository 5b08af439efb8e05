"""Every card kind of the format's example deck, answered right and answered wrong:
the verdict on screen, the proposed grade, and the review row in the database."""

from __future__ import annotations

import pytest

from tests.tui.conftest import one_card_deck, reviews, screen_text, type_text

# kind -> (typed text, keys) for a right and a wrong answer; flash is self-graded.
CASES = [
    ("flash", "right", "", ["space"], None, 3),
    ("flash", "wrong", "", ["space"], None, 3),
    ("type-in", "right", "collate_fn", ["enter"], "correct", 3),
    ("type-in", "wrong", "sampler", ["enter"], "wrong", 1),
    ("choice", "right", "", ["3"], "correct", 3),
    ("choice", "wrong", "", ["1"], "wrong", 1),
    ("cloze", "right", "all submodules, recursively", ["enter"], "correct", 3),
    ("cloze", "wrong", "leaves", ["enter"], "wrong", 1),
    ("predict", "right", "tensor([1., 3.])", ["enter"], "correct", 3),
    ("predict", "wrong", "tensor([1, 3])", ["enter"], "wrong", 1),
    ("code", "right", "torch.gather(A, 1, torch.tensor([[0], [1]]))", ["ctrl+r"], "correct", 3),
    ("code", "wrong", "A[0]", ["ctrl+r"], "wrong", 1),
]
SYMBOL = {"correct": "✓ correct", "close": "≈ close", "wrong": "✗ wrong"}


@pytest.mark.parametrize(("kind", "how", "text", "keys", "verdict", "proposed"), CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
async def test_kind_answered(build, tmp_path, db_path, kind, how, text, keys, verdict, proposed):
    app = build(one_card_deck(tmp_path, kind))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        if text:
            await type_text(pilot, text)
        await pilot.press(*keys)
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.phase == "answered"
        assert screen.proposed == proposed
        if verdict:
            assert SYMBOL[verdict] in screen_text(app)
        # Flash: the learner's own grade; elsewhere: take the proposal with Enter.
        await pilot.press("1" if (kind, how) == ("flash", "wrong") else "enter")
        await pilot.pause()
    rating = 1 if (kind, how) == ("flash", "wrong") else proposed
    [(key, got_rating, _answer, got_verdict)] = reviews(db_path)
    assert key.startswith("tensor-indexing/")
    assert (got_rating, got_verdict) == (rating, verdict)
