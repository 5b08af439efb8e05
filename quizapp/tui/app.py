"""The study app. Thin: it owns the library, the checker and the trust list, and
moves between screens; everything a screen decides comes from ``quizapp.study``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.reactive import reactive

from quizapp.deck.models import Deck
from quizapp.study.checks import Checker
from quizapp.study.library import Library
from quizapp.study.session import Clock, utcnow
from quizapp.study.trust import TrustList
from quizapp.tui.commands import StudyCommands
from quizapp.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from textual.theme import Theme

    from quizapp.deck.discover import DeckSource
    from quizapp.srs import Store
    from quizapp.tui.screens.study import StudyScreen

THEMES = {"dark": "textual-dark", "light": "textual-light"}


class QuizApp(App[None]):
    CSS_PATH = "quizapp.tcss"
    TITLE = "quizapp"
    COMMANDS = App.COMMANDS | {StudyCommands}
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit")]

    worker_status: reactive[str] = reactive("")

    def __init__(
        self,
        library: Library,
        checker: Checker,
        trust: TrustList,
        *,
        start: Sequence[str] | None = None,
        cram: bool = False,
        clock: Clock = utcnow,
        theme: str | None = None,
        settings: Path | None = None,
        poll_interval: float = 0.25,
    ) -> None:
        super().__init__()
        self.library = library
        self.checker = checker
        self.trust = trust
        self.clock = clock
        self._start = list(start) if start else None
        self._cram = cram
        self._theme_name = THEMES.get(theme or "", theme)
        self._settings = settings
        self._poll_interval = poll_interval
        self._trusted_now: set[str] = set()
        self._declined_now: set[str] = set()
        self.worker_problem: str | None = None
        """Why live checks cannot run at all (the worker would not start), else None."""

    # -- start and stop ------------------------------------------------------------

    def on_mount(self) -> None:
        theme = self._theme_name or self._saved_settings().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        # A theme picked in the command palette is remembered for the next start.
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self.push_screen(HomeScreen())
        # The torch worker warms in the background; nothing waits for it until a
        # check is asked for.
        try:
            self.checker.start()
        except Exception as exc:  # noqa: BLE001 - any start failure must leave the app usable
            self.worker_problem = f"the torch worker failed to start ({str(exc) or type(exc).__name__})"
        self._show_worker()
        self.set_interval(self._poll_interval, self._show_worker)
        if self._start is not None:
            self.start_session(self._start, cram=self._cram)

    def on_unmount(self) -> None:
        self.checker.close()

    def _saved_settings(self) -> dict:
        if self._settings is None:
            return {}
        try:
            data = json.loads(self._settings.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # none saved yet, or unreadable: the defaults
        return data if isinstance(data, dict) else {}

    def _save_theme(self, theme: Theme) -> None:
        if self._settings is None:
            return
        data = self._saved_settings() | {"theme": theme.name}
        try:
            self._settings.parent.mkdir(parents=True, exist_ok=True)
            self._settings.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not remember the theme: {exc.strerror or exc}", severity="warning")

    def _show_worker(self) -> None:
        if self.worker_problem:
            self.worker_status = self.worker_problem + "; live checks are off"
            return
        if self.checker.failure:
            self.worker_status = f"{self.checker.failure}; the next check tries again"
            return
        self.worker_status = (
            "torch ready" if self.checker.ready else "torch warming up in the background…"
        )

    # -- sessions ------------------------------------------------------------------

    def start_session(self, slugs: Sequence[str] | None, *, cram: bool = False) -> None:
        session = self.library.session(slugs, cram=cram)
        decks = [d for d in self.library.decks if slugs is None or d.slug in slugs]
        title = decks[0].title if len(decks) == 1 else "All decks"
        if session.current is None:
            when = session.next_due()
            hint = "" if cram else " Press c on a deck to cram it."
            if when is not None and not cram:
                from quizapp.srs import format_interval

                hint = f" Next due in {format_interval(when - self.clock())}." + hint
            self.notify(f"Nothing due in {title}.{hint}", title="All done")
            return
        # Imported here so the home screen draws without the study screen's code
        # (and Pygments) loaded.
        from quizapp.tui.screens.study import StudyScreen

        self.push_screen(StudyScreen(session, title=title, cram=cram))

    def on_study_screen_finished(self, event: StudyScreen.Finished) -> None:
        from quizapp.tui.screens.study import StudyScreen
        from quizapp.tui.screens.summary import SummaryScreen

        session = event.session
        if not isinstance(self.screen, StudyScreen):
            return
        if session.done == 0 and session.current is not None:
            self.pop_screen()
            return
        self.switch_screen(
            SummaryScreen(
                session.summary(),
                next_due=session.next_due(),
                now=self.clock(),
                left=session.left,
            )
        )

    # -- the editor ------------------------------------------------------------------

    def run_editor(self, command: list[str]) -> bool:
        """Hand the terminal to an editor; True when it ran (whatever it exited with)."""
        import subprocess

        from textual.app import SuspendNotSupported

        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:
            self.notify("This terminal cannot hand over to an editor.", severity="warning")
            return False
        except OSError as exc:
            self.notify(f"Could not start the editor ({command[0]}): {exc.strerror or exc}", severity="error")
            return False
        return True

    # -- trust -----------------------------------------------------------------------

    def ask_trust(self, deck: Deck, then: Callable[[bool], None]) -> None:
        """Call ``then(True)`` when the deck's snippets may run, asking once if needed."""
        key = deck.content_hash or deck.slug
        if key in self._trusted_now or not self.trust.needs_asking(deck):
            then(True)
            return
        if key in self._declined_now:
            then(False)
            return

        def answered(run: bool | None) -> None:
            if run:
                self.trust.trust(deck)
                self._trusted_now.add(key)
            else:
                self._declined_now.add(key)
            then(bool(run))

        from quizapp.tui.screens.dialogs import TrustScreen

        self.push_screen(TrustScreen(deck), answered)


def make_app(
    *,
    store: Store,
    sources: Sequence[DeckSource],
    checker: Checker | None = None,
    trust: TrustList | None = None,
    start: Sequence[str] | None = None,
    new_limit: int | None = None,
    cram: bool = False,
    clock: Clock = utcnow,
    theme: str | None = None,
    settings: Path | None = None,
) -> QuizApp:
    """The one way to build the app, for the CLI and the tests alike."""
    from quizapp import locations
    from quizapp.study.checks import RunnerChecker
    from quizapp.study.library import StoreBackend

    library = Library(sources, StoreBackend(store, new_limit=new_limit), clock=clock)
    return QuizApp(
        library,
        checker if checker is not None else RunnerChecker(),
        trust if trust is not None else TrustList(locations.trust_file()),
        start=start,
        cram=cram,
        clock=clock,
        theme=theme,
        settings=settings,
    )
