"""The look of every screen, at 80x24 and 120x40 (`pytest --snapshot-update` after a
deliberate change; review the SVGs in tests/tui/__snapshots__/)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import one_card_deck, type_text

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

# What the learner types before checking, per kind: right for some, wrong for others,
# so both looks are covered.
ANSWERS = {
    "flash": ("", ["space"]),
    "type-in": ("collate fn", ["enter"]),
    "choice": ("", ["2"]),
    "cloze": ("all submodules", ["enter"]),
    "predict": ("tensor([1, 3])", ["enter"]),
    "code": ("torch.gather(A, 1, torch.tensor([[0], [1]]))", ["ctrl+r"]),
}


async def settle(pilot) -> None:
    """Let a check finish and the screen come to rest (the verdict scrolls into view
    after the refresh that lays it out)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
def test_home(snap_compare, build, size):
    assert snap_compare(build(), terminal_size=size)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", list(ANSWERS))
def test_card_before_checking(snap_compare, build, tmp_path, kind, size):
    app = build(one_card_deck(tmp_path, kind))
    assert snap_compare(app, press=["enter"], terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", list(ANSWERS))
def test_card_after_checking(snap_compare, build, tmp_path, kind, size):
    app = build(one_card_deck(tmp_path, kind))

    async def answer(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        text, keys = ANSWERS[kind]
        if text:
            await type_text(pilot, text)
        await pilot.press(*keys)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=answer)


@pytest.mark.parametrize("size", SIZES)
def test_summary(snap_compare, build, tmp_path, clock, size):
    app = build()

    async def study_some(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("space", "3")  # flash: Good
        await pilot.pause()
        clock.advance(seconds=42)
        await type_text(pilot, "tensor([1, 3])", "enter")  # predict: wrong
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        clock.advance(seconds=30)
        await type_text(pilot, "!IndexError", "enter")  # predict: right
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape", "q")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=study_some)


@pytest.mark.parametrize("size", SIZES)
def test_trust_prompt(snap_compare, build, tmp_path, size, monkeypatch):
    from quizapp.deck.discover import Origin

    monkeypatch.chdir(tmp_path)  # the prompt names the file relative to here
    app = build(one_card_deck(tmp_path, "predict"), origin=Origin.USER)

    async def ask(pilot) -> None:
        await pilot.press("enter")
        await pilot.pause()
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ask)


async def _check_predict(pilot) -> None:
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, "tensor([1, 3])", "enter")
    await settle(pilot)


def test_light_theme(snap_compare, build, tmp_path):
    app = build(one_card_deck(tmp_path, "predict"), theme="light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_check_predict)


def test_no_color(snap_compare, build, tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = build(one_card_deck(tmp_path, "predict"))
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=_check_predict)


def test_keys_on_the_study_screen(snap_compare, build, tmp_path):
    app = build(one_card_deck(tmp_path, "flash"))
    assert snap_compare(app, press=["enter", "escape", "question_mark"], terminal_size=(80, 24))
