"""One widget per card kind: it shows the question and collects the answer.

A view knows nothing about checking or grading. It posts ``CardView.Answered`` with
what the learner gave; the study screen judges it (through the core) and then calls
``freeze()`` so the answer stays visible but can no longer change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from quizapp.deck.models import Kind
from quizapp.study.answers import asked_blanks
from quizapp.study.session import StudyItem
from quizapp.tui.widgets.code import CodeEditor, CodeView, PredictionBox

_CODE_SPAN = re.compile(r"`([^`]+)`")


CODE_STYLE = "bold $text-accent"


def code_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each `code span`, backticks included."""
    return [m.span() for m in _CODE_SPAN.finditer(text)]


def inline_part(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> Content:
    """``text[start:end]`` with the code spans of the *whole* text styled and their
    backticks dropped, so a span may cross the cut (a cloze blank inside `code`)."""
    pieces: list[tuple[str, str] | str] = []
    cursor = start
    for a, b in spans:
        lo, hi = max(a, start), min(b, end)
        if lo >= hi:
            continue
        pieces.append(text[cursor:lo])
        code = text[lo + (lo == a) : hi - (hi == b)]
        pieces.append((code, CODE_STYLE))
        cursor = hi
    pieces.append(text[cursor:end])
    return Content.assemble(*(p for p in pieces if p))


def inline(text: str) -> Content:
    """Card text with `code spans` styled; never interpreted as markup."""
    return inline_part(text, 0, len(text), code_spans(text))


class CardView(Vertical):
    DEFAULT_CSS = """
    CardView { height: auto; }
    CardView .-prompt { height: auto; margin: 0 0 1 0; text-style: bold; }
    CardView .-hint { height: auto; color: $text-muted; }
    CardView .-back {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        border-left: outer $success;
    }
    """

    @dataclass
    class Answered(Message):
        view: CardView
        answer: Any

    def __init__(self, item: StudyItem) -> None:
        super().__init__(classes=f"-{item.kind}")
        self.item = item
        self.card = item.card

    def focus_answer(self) -> None:
        """Put the cursor where the learner answers."""

    def freeze(self) -> None:
        """The answer was checked: keep it visible, stop taking input."""
        for widget in self.query("Input, TextArea, OptionList"):
            widget.disabled = True

    def answered(self, answer: Any) -> None:
        self.post_message(self.Answered(self, answer))


class FlashView(CardView):
    """Front; Space reveals the back; self-graded."""

    def compose(self) -> ComposeResult:
        yield Static(inline(self.card.front or ""), classes="-prompt")
        yield Static("Space shows the answer", classes="-hint", id="hint")
        back = Static(inline(self.card.back or ""), classes="-back", id="back")
        back.display = False
        yield back

    def reveal(self) -> None:
        self.query_one("#back").display = True
        self.query_one("#hint").display = False


class TypeInView(CardView):
    def compose(self) -> ComposeResult:
        yield Static(inline(self.card.prompt or ""), classes="-prompt")
        yield Input(placeholder="Type the answer, Enter checks", id="answer")

    def focus_answer(self) -> None:
        self.query_one("#answer").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.answered(event.value)


class ChoiceView(CardView):
    """Options numbered 1..N; a number key (or Enter on the highlighted one) picks."""

    BINDINGS = [
        Binding(str(n), f"pick({n - 1})", f"Pick {n}", show=False, id=f"choice.pick-{n}")
        for n in range(1, 10)
    ]

    def compose(self) -> ComposeResult:
        yield Static(inline(self.card.prompt or ""), classes="-prompt")
        yield OptionList(*self._options(), id="options")
        yield Static("Press the option's number", classes="-hint", id="hint")

    def _options(self, picked: int | None = None) -> list[Option]:
        out = []
        for n, text in enumerate(self.card.options):
            mark = "  "
            if picked is not None:
                if text == self.card.answer:
                    mark = "✓ "
                elif n == picked:
                    mark = "✗ "
            out.append(Option(Content.assemble(mark, (f"{n + 1}", "bold"), "  ", inline(text))))
        return out

    def focus_answer(self) -> None:
        self.query_one(OptionList).focus()

    def action_pick(self, index: int) -> None:
        if index < len(self.card.options) and not self.query_one(OptionList).disabled:
            self.answered(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.answered(event.option_index)

    def show_marks(self, picked: int) -> None:
        self.query_one("#hint").display = False
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(self._options(picked))


class ClozeView(CardView):
    """The text with its asked blanks as numbered gaps; one input per gap."""

    DEFAULT_CSS = """
    ClozeView Horizontal { height: auto; }
    ClozeView Input { margin: 0 0 0 0; }
    """

    def __init__(self, item: StudyItem) -> None:
        super().__init__(item)
        self.asked = asked_blanks(self.card, item.blank)

    def text(self, *, reveal: bool = False) -> Content:
        card = self.card
        assert card.text is not None
        spans = code_spans(card.text)
        parts: list[Content | tuple[str, str] | str] = []
        pos = 0
        for i, blank in enumerate(card.blanks):
            parts.append(inline_part(card.text, pos, blank.start, spans))
            in_code = any(a < blank.start and blank.end < b for a, b in spans)
            if i not in self.asked:
                parts.append((blank.answer, CODE_STYLE + " italic" if in_code else "italic"))
            elif reveal:
                parts.append((blank.answer, "bold underline $text-success"))
            else:
                number = self.asked.index(i) + 1
                parts.append((f"[ {number} ]" if len(self.asked) > 1 else "[ … ]", "bold $text-accent"))
            pos = blank.end
        parts.append(inline_part(card.text, pos, len(card.text), spans))
        return Content.assemble(*parts)

    def compose(self) -> ComposeResult:
        yield Static(self.text(), classes="-prompt", id="text")
        many = len(self.asked) > 1
        for n, _ in enumerate(self.asked, 1):
            label = f"blank {n}" if many else "the blank"
            yield Input(placeholder=f"Fill {label}, Enter {'moves on' if many and n < len(self.asked) else 'checks'}",
                        id=f"blank-{n}", classes="-blank")

    def focus_answer(self) -> None:
        self.query_one("#blank-1").focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(".-blank").results(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
            return
        self.answered([i.value for i in inputs])

    def reveal(self) -> None:
        self.query_one("#text", Static).update(self.text(reveal=True))


class PredictView(CardView):
    def compose(self) -> ComposeResult:
        yield Static("What does this cell show?", classes="-prompt")
        yield CodeView(self.card.code or "")
        yield Static(
            "Enter checks · !IndexError predicts an exception · Ctrl+J new line",
            classes="-hint",
        )
        yield PredictionBox(id="answer", placeholder="tensor([...]) or !IndexError")

    def focus_answer(self) -> None:
        self.query_one(PredictionBox).focus()

    def on_prediction_box_submitted(self, event: PredictionBox.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.answered(event.value)
        else:
            self.app.bell()


class CodeTaskView(CardView):
    def compose(self) -> ComposeResult:
        yield Static(inline(self.card.prompt or ""), classes="-prompt")
        if self.card.setup:
            yield Static("Given:", classes="-hint")
            yield CodeView(self.card.setup)
        yield Static("Your code (Tab indents, Ctrl+R runs):", classes="-hint")
        yield CodeEditor(id="answer")

    def focus_answer(self) -> None:
        self.query_one(CodeEditor).focus()


VIEWS: dict[Kind, type[CardView]] = {
    Kind.FLASH: FlashView,
    Kind.TYPE_IN: TypeInView,
    Kind.CHOICE: ChoiceView,
    Kind.CLOZE: ClozeView,
    Kind.PREDICT: PredictView,
    Kind.CODE: CodeTaskView,
}


def view_for(item: StudyItem) -> CardView:
    return VIEWS[item.kind](item)
