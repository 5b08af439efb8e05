"""The end of a session: what was studied, how it went by kind, when to come back."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from quizapp.study.answers import Verdict
from quizapp.srs import format_interval
from quizapp.study.session import Summary
from quizapp.tui.widgets.status import StatusLine


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


class SummaryScreen(Screen):
    BINDINGS = [
        Binding("enter,escape,q", "app.pop_screen", "Home", id="summary.home"),
    ]

    def __init__(self, summary: Summary, *, next_due: datetime | None, now: datetime, left: int) -> None:
        super().__init__()
        self.summary = summary
        self.next_due = next_due
        self.now = now
        self.left = left
        self.emptied = left == 0

    def compose(self) -> ComposeResult:
        s = self.summary
        totals = s.totals
        with Vertical(id="summary"):
            head = "Session complete" if self.emptied else "Session paused: progress saved"
            yield Static(Content.styled(head, "bold"), id="summary-title")
            yield Static(
                Content.assemble(
                    (f"{s.studied} studied", "bold"), " in ", duration(s.seconds),
                    f" · {s.skipped} skipped" if s.skipped else "", "\n",
                    (f"✓ {totals[Verdict.CORRECT]} right", "$text-success"), "  ",
                    (f"≈ {totals[Verdict.CLOSE]} close", "$text-warning"), "  ",
                    (f"✗ {totals[Verdict.WRONG]} wrong", "$text-error"),
                ),
                id="summary-totals",
            )
            table: DataTable = DataTable(id="by-kind", cursor_type="none", show_cursor=False)
            table.can_focus = False
            yield table
            yield Static(self._next_line(), id="summary-next")
            yield Static(Content.styled("Enter: back to the decks", "$text-muted"))
        yield StatusLine()
        yield Footer()

    def _next_line(self) -> Content:
        if self.left:
            return Content.assemble(
                (f"{self.left} more waiting", "bold"), " in this session; study again to go on."
            )
        if self.next_due is None:
            return Content("Nothing else is scheduled in these decks.")
        wait = self.next_due - self.now
        if wait.total_seconds() <= 0:
            return Content("More cards are due now.")
        return Content.assemble("Next cards due in ", (format_interval(wait), "bold"), ".")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Kind", "✓ right", "≈ close", "✗ wrong")
        for kind, counts in self.summary.by_kind.items():
            table.add_row(
                str(kind), str(counts[Verdict.CORRECT]), str(counts[Verdict.CLOSE]), str(counts[Verdict.WRONG])
            )
        table.display = bool(self.summary.by_kind)
