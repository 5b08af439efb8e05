"""The four grade buttons with the interval each would give, as Anki shows them."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button

from quizapp.study.answers import Rating

_VARIANTS = {
    Rating.AGAIN: "error",
    Rating.HARD: "warning",
    Rating.GOOD: "success",
    Rating.EASY: "primary",
}


class GradeBar(Horizontal):
    """``1 Again 1m  2 Hard 6m  3 Good 1d  4 Easy 4d``; the proposed grade is focused,
    so Enter confirms it."""

    DEFAULT_CSS = """
    GradeBar {
        height: 1;
        width: 100%;
        align-horizontal: center;
    }
    GradeBar Button {
        margin: 0 1;
        min-width: 14;
    }
    GradeBar Button.-proposed {
        text-style: bold reverse;
    }
    """

    @dataclass
    class Picked(Message):
        rating: Rating

    def compose(self) -> ComposeResult:
        for rating in Rating:
            yield Button(
                self._label(rating, ""),
                id=f"grade-{rating.value}",
                variant=_VARIANTS[rating],
                compact=True,
            )

    @staticmethod
    def _label(rating: Rating, interval: str) -> str:
        return f"{rating.value} {rating.label} {interval}".rstrip()

    def show(self, intervals: dict[Rating, str], proposed: Rating) -> None:
        for rating in Rating:
            button = self.query_one(f"#grade-{rating.value}", Button)
            button.label = self._label(rating, intervals.get(rating, ""))
            button.set_class(rating == proposed, "-proposed")
        self.query_one(f"#grade-{proposed.value}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Picked(Rating(int(event.button.id.removeprefix("grade-")))))
