"""The status line: the torch worker's state and the last thing that happened."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class StatusLine(Static):
    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        width: 1fr;
        padding: 0 1;
        color: $text-muted;
        background: $panel;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "worker_status", self._show, init=True)

    def _show(self, status: str) -> None:
        self.update(Content(status))
