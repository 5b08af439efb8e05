"""Code on screen: a read-only highlighted view with line numbers, and the two text
areas the learner types into (a prediction box and a small Python editor)."""

from __future__ import annotations

from dataclasses import dataclass

from pygments.lexers import PythonLexer
from pygments.token import Token
from textual import events
from textual.content import Content
from textual.highlight import highlight
from textual.message import Message
from textual.widgets import Static, TextArea


def numbered(code: str, *, start: int = 1) -> Content:
    """Python highlighted with theme colours, each line prefixed by its number."""
    lines = highlight(code.rstrip("\n"), language="python").split("\n")
    width = len(str(start + len(lines) - 1))
    return Content("\n").join(
        Content.assemble((f"{n:>{width}} │ ", "$text-muted"), line)
        for n, line in enumerate(lines, start)
    )


class CodeView(Static):
    """A snippet as the learner reads it: highlighted, numbered, never editable."""

    DEFAULT_CSS = """
    CodeView {
        background: $boost;
        padding: 0 1;
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, code: str, **kwargs) -> None:
        super().__init__(numbered(code), **kwargs)
        self.code = code


# Pygments token -> the capture names TextArea themes style (the tree-sitter ones).
_CAPTURES: list[tuple[object, str]] = [
    (Token.Comment, "comment"),
    (Token.Keyword.Constant, "boolean"),
    (Token.Keyword, "keyword"),
    (Token.Literal.String, "string"),
    (Token.Literal.Number, "number"),
    (Token.Name.Builtin, "function.builtin"),
    (Token.Name.Function, "function"),
    (Token.Name.Class, "type"),
    (Token.Name.Decorator, "function"),
    (Token.Operator.Word, "keyword"),
    (Token.Operator, "operator"),
]


def _capture(token) -> str | None:
    for parent, name in _CAPTURES:
        if token in parent:
            return name
    return None


class PythonArea(TextArea):
    """A TextArea that highlights Python with Pygments.

    Textual highlights through tree-sitter, an optional extra quizapp does not
    depend on; Pygments comes with Rich and is enough for short snippets.
    """

    _lexer = PythonLexer()

    def _build_highlight_map(self) -> None:
        self._line_cache.clear()
        highlights = self._highlights
        highlights.clear()
        # Highlights are byte ranges per line (tree-sitter's convention).
        for row, line in enumerate(self.document.lines):
            col = 0
            for token, value in self._lexer.get_tokens(line):
                size = len(value.encode("utf-8"))
                name = _capture(token)
                if name and value.strip():
                    highlights[row].append((col, col + size, name))
                col += size


class PredictionBox(TextArea):
    """The learner's prediction. Enter submits; Ctrl+J (or Shift+Enter) starts a new
    line, for predictions that span several printed lines."""

    DEFAULT_CSS = """
    PredictionBox {
        height: auto;
        min-height: 3;
        max-height: 8;
    }
    """

    @dataclass
    class Submitted(Message):
        box: PredictionBox
        value: str

    def __init__(self, **kwargs) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in ("ctrl+j", "shift+enter"):
            event.stop()
            event.prevent_default()
            self.insert("\n")
            return
        await super()._on_key(event)


class CodeEditor(PythonArea):
    """The learner's code for a `code` card: Tab indents, Ctrl+R runs."""

    DEFAULT_CSS = """
    CodeEditor {
        height: auto;
        min-height: 5;
        max-height: 14;
    }
    """

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(
            text,
            soft_wrap=False,
            tab_behavior="indent",
            show_line_numbers=True,
            **kwargs,
        )
