"""What the learner sees after a check: the verdict, their answer beside the real
one with the differences marked, and the card's explanation."""

from __future__ import annotations

from difflib import SequenceMatcher

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from quizapp.study.answers import Verdict
from quizapp.tui.widgets.code import CodeView

def verdict_line(verdict: Verdict | None, explanation: str) -> Content:
    if verdict is None:
        return Content.styled(explanation, "$text-muted")
    colour = _colour(verdict)
    head = Content.styled(f" {verdict.symbol} {verdict} ", f"bold $text-{colour} on ${colour}-muted")
    return Content.assemble(head, "  ", explanation)


def _colour(verdict: Verdict) -> str:
    return {Verdict.CORRECT: "success", Verdict.CLOSE: "warning", Verdict.WRONG: "error"}[verdict]


def marked_pair(mine: str, real: str) -> tuple[Content, Content]:
    """Both texts with the characters that differ marked (underlined and coloured, so
    the marks survive NO_COLOR)."""
    left = Content(mine)
    right = Content(real)
    matcher = SequenceMatcher(None, mine, real, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if a1 > a0:
            left = left.stylize("underline bold $text-error on $error-muted", a0, a1)
        if b1 > b0:
            right = right.stylize("underline bold $text-success on $success-muted", b0, b1)
    return left, right


class SideBySide(Horizontal):
    """Two texts in columns, titled, with differences marked."""

    DEFAULT_CSS = """
    SideBySide {
        height: auto;
        margin: 1 0 0 0;
    }
    SideBySide > Static {
        width: 1fr;
        height: auto;
        border: round $foreground 30%;
        padding: 0 1;
    }
    """

    def __init__(self, left_title: str, left: str, right_title: str, right: str, *, mark: bool = True) -> None:
        super().__init__()
        self._titles = (left_title, right_title)
        self._texts = (left, right)
        self._mark = mark

    def compose(self) -> ComposeResult:
        left, right = self._texts
        if self._mark:
            shown = marked_pair(left or " ", right or " ")
        else:
            shown = (Content(left or " "), Content(right or " "))
        for title, content, cls in zip(self._titles, shown, ("-mine", "-real"), strict=True):
            box = Static(content, classes=cls)
            box.border_title = title
            yield box


class ResultPanel(Vertical):
    """Verdict, comparison, notes and explanation, stacked."""

    DEFAULT_CSS = """
    ResultPanel {
        height: auto;
        margin: 1 0 0 0;
    }
    ResultPanel > .-verdict { height: auto; }
    ResultPanel > .-note { color: $text-warning; height: auto; }
    ResultPanel > .-heading { height: auto; margin: 1 0 0 0; }
    ResultPanel > .-explain {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: outer $primary;
    }
    """

    def __init__(
        self,
        verdict: Verdict | None,
        explanation: str,
        *,
        pair: tuple[str, str, str, str] | None = None,
        note: str | None = None,
        explain: str | None = None,
        solution: str | None = None,
    ) -> None:
        super().__init__(id="result")
        self.verdict = verdict
        self._explanation = explanation
        self._pair = pair
        self._note = note
        self._explain = explain
        self._solution = solution
        self._scrolled = False

    def on_resize(self) -> None:
        # Once laid out, bring the verdict line to the top of what is visible (PgDn
        # reads on). Done here, not after mounting, so the scroll sees the real size.
        if not self._scrolled:
            self._scrolled = True
            self.scroll_visible(top=True, animate=False)

    def compose(self) -> ComposeResult:
        yield Static(verdict_line(self.verdict, self._explanation), classes="-verdict")
        if self._note:
            yield Static(Content(self._note), classes="-note")
        if self._pair:
            yield SideBySide(*self._pair)
        if self._solution:
            yield Static(Content.styled("Solution", "bold"), classes="-heading")
            yield CodeView(self._solution)
        if self._explain:
            yield Static(Content(self._explain), classes="-explain")
