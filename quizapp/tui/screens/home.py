"""Home: every deck with what waits in it; the way into a study session."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from quizapp.study.library import DeckRow
from quizapp.tui.widgets.status import StatusLine

KEYS_HELP = [
    ("↑ ↓", "choose a deck"),
    ("Enter", "study the chosen deck"),
    ("a", "study everything due, all decks"),
    ("c", "cram the chosen deck (practice; the schedule is not changed)"),
    ("Ctrl+P", "command palette (themes, decks, keys)"),
    ("? F1", "this list"),
    ("q", "quit"),
]


class DeckTable(DataTable):
    """The deck list; Enter (shown in the footer) studies the highlighted deck."""

    BINDINGS = [Binding("enter", "select_cursor", "Study", id="home.study")]


class HomeScreen(Screen):
    BINDINGS = [
        Binding("a", "study_all", "All due", id="home.all"),
        Binding("c", "cram_selected", "Cram", id="home.cram"),
        Binding("question_mark,f1", "keys", "Keys", id="home.keys"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            yield Static(Content.styled("quizapp · PyTorch study decks", "bold"), id="home-title")
            table = DeckTable(id="decks", cursor_type="row", zebra_stripes=False)
            yield table
            yield Static(id="total")
            yield Static(id="detail")
        yield StatusLine()
        yield Footer()

    NUMBER_COLUMNS = (("New", "new"), ("Learn", "learning"), ("Due", "due"), ("Cards", "cards"))

    def on_mount(self) -> None:
        self._rows: list[DeckRow] = []
        self._deck_width = 0
        self.refresh_rows()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self._deck_width != self._fit_deck_width():
            self.refresh_rows()

    def _fit_deck_width(self) -> int:
        """The deck column takes what the count columns leave, up to the longest title."""
        names = [s.deck.title if s.deck else _failed_label(s.path.name) for s in self.app.library.sources]
        longest = max(map(len, names), default=4)
        # 2x2 screen padding, 2 for the scrollbar, 7 per count column (5 + cell padding).
        room = self.size.width - 4 - 2 - 7 * len(self.NUMBER_COLUMNS) - 2
        return max(16, min(longest, room))

    def on_screen_resume(self) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        self._rows = self.app.library.rows()
        self._deck_width = self._fit_deck_width()
        table.clear(columns=True)
        table.add_column("Deck", key="deck", width=self._deck_width)
        for label, key in self.NUMBER_COLUMNS:
            table.add_column(label, key=key, width=5)
        for i, row in enumerate(self._rows):
            deck = row.deck
            if deck is None:
                table.add_row(
                    Content.styled(_failed_label(row.source.path.name), "$text-error"), "", "", "", "",
                    key=str(i),
                )
                continue
            table.add_row(
                Content(deck.title),
                _count(row.counts.new, "$text-primary"),
                _count(row.counts.learning, "$text-warning"),
                _count(row.counts.due, "$text-success"),
                Content.styled(str(len(deck.cards)), "$text-muted"),
                key=str(i),
            )
        total = self.app.library.total()
        if self._rows:
            table.move_cursor(row=min(max(cursor, 0), len(self._rows) - 1))
        self.query_one("#total", Static).update(
            Content.assemble(
                ("Total  ", "bold"),
                (f"{total.new} new", "$text-primary"), " · ",
                (f"{total.learning} learning", "$text-warning"), " · ",
                (f"{total.due} due", "$text-success"),
            )
            if self._rows
            else Content.styled("No decks found. Put .yaml decks in the user deck folder or pass a path.", "$text-warning")
        )
        self._show_detail()

    def _selected(self) -> DeckRow | None:
        table = self.query_one(DataTable)
        if not self._rows or table.cursor_row < 0:
            return None
        return self._rows[min(table.cursor_row, len(self._rows) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_selected()

    def _show_detail(self) -> None:
        row = self._selected()
        detail = self.query_one("#detail", Static)
        if row is None:
            detail.update("")
        elif row.deck is None:
            errors = [str(e) for e in row.source.errors]
            shown = errors[:6] + ([f"… and {len(errors) - 6} more"] if len(errors) > 6 else [])
            detail.update(
                Content.assemble(
                    (f"{row.source.path} failed to load:\n", "bold $text-error"),
                    "\n".join(shown),
                    ("\nFix the file and start quizapp again; `quizapp check FILE` lists every error.", "$text-muted"),
                )
            )
        else:
            deck = row.deck
            parts: list = [(deck.slug, "bold")]
            if deck.description:
                parts += ["  ", deck.description]
            if deck.source:
                parts += [("\n" + deck.source, "$text-muted")]
            detail.update(Content.assemble(*parts))

    def action_study_selected(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.deck is None:
            self.app.notify(f"{row.source.path.name} did not load; its errors are shown below.", severity="error")
            return
        self.app.start_session([row.deck.slug])

    def action_study_all(self) -> None:
        self.app.start_session(None)

    def action_cram_selected(self) -> None:
        row = self._selected()
        if row is not None and row.deck is not None:
            self.app.start_session([row.deck.slug], cram=True)

    def action_keys(self) -> None:
        from quizapp.tui.screens.dialogs import KeysScreen

        self.app.push_screen(KeysScreen("Keys · home", KEYS_HELP))


def _failed_label(name: str) -> str:
    return f"✗ {name} · failed to load"


def _count(value: int, style: str) -> Content:
    return Content.styled(str(value), style if value else "$text-muted")
