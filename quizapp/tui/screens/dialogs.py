"""Questions and notices that sit over a screen: trust a deck, see every key, read
an error. Each is a ``ModalScreen`` that answers through ``dismiss``."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from quizapp.deck.models import Deck
from quizapp.study.trust import snippets
from quizapp.tui.widgets.code import CodeView


def shown_path(path: Path) -> str:
    """A path as short as it can be read unambiguously: relative to the working
    folder when inside it, else with ``~`` for the home folder."""
    path = path.resolve()
    for base, prefix in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return prefix + str(path.relative_to(base))
        except ValueError:
            continue
    return str(path)


class TrustScreen(ModalScreen[bool]):
    """Show every snippet of a deck that is not bundled and ask, once, to run them."""

    BINDINGS = [
        Binding("y", "answer(True)", "Run them", id="trust.yes"),
        Binding("n,escape", "answer(False)", "Don't run", id="trust.no"),
    ]

    def __init__(self, deck: Deck) -> None:
        super().__init__()
        self.deck = deck

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            where = shown_path(self.deck.path) if self.deck.path else self.deck.slug
            yield Static(Content.styled(f"Run code from “{self.deck.title}”?", "bold"), classes="-title")
            yield Static(
                Content(
                    f"{where} is not a bundled deck. Checking its cards runs the Python below "
                    "in quizapp's sandbox. Read it, then choose. Your answer is remembered until "
                    "the file changes."
                ),
                classes="-text",
            )
            with VerticalScroll(id="snippets"):
                for label, code in snippets(self.deck):
                    yield Static(Content.styled(label, "$text-muted"))
                    yield CodeView(code)
            with Horizontal(classes="-buttons"):
                yield Button("Run them (y)", id="yes", variant="warning", compact=True)
                yield Button("Don't run (n)", id="no", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, run: bool) -> None:
        self.dismiss(run)


class MessageScreen(ModalScreen[None]):
    """A titled text, closed with Enter or Escape (errors, deck load failures)."""

    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="message.close")]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self._title = title
        self._text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Content.styled(self._title, "bold"), classes="-title")
            with VerticalScroll():
                yield Static(Content(self._text), classes="-text")

    def on_mount(self) -> None:
        self.query_one("#dialog").border_subtitle = "Enter or Esc closes"

    def action_close(self) -> None:
        self.dismiss(None)


class KeysScreen(ModalScreen[None]):
    """Every key of the screen below, including the ones typed into answer boxes."""

    BINDINGS = [Binding("escape,question_mark,q,enter", "close", "Close", id="keys.close")]

    def __init__(self, title: str, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._rows = rows

    def compose(self) -> ComposeResult:
        width = max((len(k) for k, _ in self._rows), default=0)
        text = Content("\n").join(
            Content.assemble((f"{key:>{width}}", "bold $text-accent"), "  ", what)
            for key, what in self._rows
        )
        with Vertical(id="dialog"):
            yield Static(Content.styled(self._title, "bold"), classes="-title")
            with VerticalScroll():
                yield Static(text)

    def on_mount(self) -> None:
        # On the border, so it shows however long the list is.
        self.query_one("#dialog").border_subtitle = "Esc closes · ↑↓ scroll"
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
