"""The study screen: one card at a time, checked, graded, saved.

The screen moves through three phases per item: ``asking`` (the learner answers),
``checking`` (a live check runs in a thread worker) and ``answered`` (the verdict
is shown and the grade buttons wait). Judging and scheduling live in the core
(``quizapp.study``); this screen only wires keys and widgets to it.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, LoadingIndicator, ProgressBar, Static
from textual.worker import Worker, WorkerState

from quizapp.deck.loader import DeckLoadError
from quizapp.deck.models import Kind
from quizapp.srs import StoreError
from quizapp.study.answers import (
    Rating,
    Verdict,
    judge_choice,
    judge_cloze,
    judge_type_in,
    proposed_rating,
)
from quizapp.study.checks import CheckResult, prediction_text, stated_answer
from quizapp.study.session import StudyItem, StudySession
from quizapp.tui.widgets.cards import CardView, ChoiceView, ClozeView, FlashView, view_for
from quizapp.tui.widgets.grades import GradeBar
from quizapp.tui.widgets.result import ResultPanel
from quizapp.tui.widgets.status import StatusLine

KEYS_HELP = [
    ("Space", "flash: show the answer"),
    ("Enter", "check the answer · then confirm the proposed grade"),
    ("1 2 3 4", "grade Again / Hard / Good / Easy (choice: pick an option first)"),
    ("!Type", "predict: predict an exception, e.g. !IndexError"),
    ("Ctrl+J", "predict: new line in the prediction"),
    ("Ctrl+R", "code: run your code against the solution"),
    ("Tab", "code: indent · elsewhere: next field"),
    ("Esc", "leave the answer box, so the letter keys below work"),
    ("u", "undo the last grade"),
    ("s", "skip: bury this card until tomorrow"),
    ("o", "open the card in $EDITOR; it reloads when you return"),
    ("PgUp PgDn", "scroll a long card or result"),
    ("Ctrl+P", "command palette (study or cram a deck, change the theme)"),
    ("? F1", "this list"),
    ("q", "leave the session (progress is already saved)"),
]


class StudyScreen(Screen):
    BINDINGS = [
        Binding("space", "reveal", "Show answer", id="study.reveal"),
        Binding("enter", "confirm", "Confirm", show=False, id="study.confirm"),
        *(
            Binding(str(r.value), f"grade({r.value})", r.label, show=False, id=f"study.grade-{r.value}")
            for r in Rating
        ),
        Binding("ctrl+r", "run_code", "Run", id="study.run"),
        Binding("u", "undo", "Undo", id="study.undo"),
        Binding("s", "skip", "Skip", id="study.skip"),
        Binding("o", "edit", "Edit", id="study.edit"),
        Binding("escape", "leave_input", "Leave box", id="study.escape"),
        Binding("question_mark,f1", "keys", "Keys", id="study.keys"),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False, id="study.page-up"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False, id="study.page-down"),
        Binding("q", "leave", "Quit", id="study.quit"),
    ]

    phase: reactive[str] = reactive("asking", bindings=True)

    @dataclass
    class Finished(Message):
        """The session is over (queue empty or the learner left)."""

        session: StudySession

    def __init__(self, session: StudySession, *, title: str, cram: bool = False) -> None:
        super().__init__()
        self.session = session
        self.session_title = title
        self.cram = cram
        self.card_view: CardView | None = None
        self.proposed = Rating.GOOD
        self.verdict: Verdict | None = None
        self.answer_text: str | None = None
        self._settling = False

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="card-title")
        with Horizontal(id="progress-line"):
            yield ProgressBar(id="session-bar", show_eta=False, show_percentage=False)
            yield Static(id="session-count")
        yield Static(id="card-meta")
        yield VerticalScroll(id="body", can_focus=True)
        # One fixed row for the spinner or the grade buttons, so showing either
        # never re-lays out the screen above it.
        with Horizontal(id="answer-bar"):
            with Horizontal(id="checking"):
                yield LoadingIndicator()
                yield Static(id="checking-label")
            yield GradeBar(id="grades")
        yield StatusLine()
        yield Footer()

    def on_mount(self) -> None:
        self.show_item()

    # -- showing an item -----------------------------------------------------------

    @property
    def item(self) -> StudyItem | None:
        return self.session.current

    def show_item(self) -> None:
        item = self.item
        if item is None:
            self.post_message(self.Finished(self.session))
            return
        self.phase = "asking"
        self.verdict = None
        self.answer_text = None
        self.query_one("#grades").display = False
        self.query_one("#checking").display = False
        self._update_header(item)
        body = self.query_one("#body", VerticalScroll)
        body.remove_children()
        self.card_view = view_for(item)
        body.mount(self.card_view)
        body.scroll_home(animate=False)
        self.session.mark_shown()
        # Until the new card has the focus (one refresh), letter keys typed fast after
        # a grade must not reach the screen's bindings (an "s" would skip the card).
        self._settling = True
        self.call_after_refresh(self._focus_answer)

    def _focus_answer(self) -> None:
        self._settling = False
        if self.card_view is None:
            return
        self.card_view.focus_answer()
        if self.focused is None:
            self.query_one("#body").focus()

    def _update_header(self, item: StudyItem) -> None:
        card = item.card
        title = [(item.deck.title, "bold"), "  ", (f" {card.kind} ", "reverse")]
        if self.cram:
            title += ["  ", ("cram", "$text-warning")]
        if item.blank is not None:
            title += ["  ", (f"blank {item.blank + 1}/{len(card.blanks)}", "$text-muted")]
        self.query_one("#card-title", Static).update(Content.assemble(*title))
        done, left = self.session.done, self.session.left
        bar = self.query_one("#session-bar", ProgressBar)
        bar.update(total=done + left, progress=done)
        count: list = [(f"{done}/{done + left}", "bold")]
        left_by_kind = self.session.left_by_kind()
        if left_by_kind:
            count += ["  left: ", " · ".join(f"{k} {n}" for k, n in left_by_kind.items())]
        self.query_one("#session-count", Static).update(Content.assemble(*count))
        parts: list[tuple[str, str]] = []
        if self.session.changed(item):
            parts.append(("✎ edited since you last saw it", "$text-warning"))
        if card.tags:
            parts.append((" ".join(f"#{t}" for t in card.tags), "$text-accent"))
        source = card.source or item.deck.source
        if source:
            parts.append((source, "$text-muted"))
        self.query_one("#card-meta", Static).update(Content("  ").join(Content.styled(*p) for p in parts))

    # -- answering -----------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._settling and action in ("skip", "undo", "edit", "leave", "grade", "confirm", "reveal"):
            return False
        item = self.item
        kind = item.kind if item else None
        if action == "reveal":
            return kind is Kind.FLASH and self.phase == "asking"
        if action in ("grade", "confirm"):
            return self.phase == "answered"
        if action == "run_code":
            return kind is Kind.CODE and self.phase == "asking"
        if action in ("skip", "edit"):
            return item is not None
        return True

    def action_reveal(self) -> None:
        if isinstance(self.card_view, FlashView):
            self.card_view.reveal()
            self.show_verdict(None, "How well did you know it?")

    @on(CardView.Answered)
    def on_answered(self, event: CardView.Answered) -> None:
        event.stop()
        item = self.item
        if item is None or self.phase != "asking" or event.view is not self.card_view:
            return
        card = item.card
        if item.kind is Kind.TYPE_IN:
            self.answer_text = event.answer
            j = judge_type_in(card, event.answer)
            self.show_verdict(j.verdict, j.explanation, explain=card.explain)
        elif item.kind is Kind.CHOICE:
            self.answer_text = card.options[event.answer]
            j = judge_choice(card, event.answer)
            assert isinstance(self.card_view, ChoiceView)
            self.card_view.show_marks(event.answer)
            self.show_verdict(j.verdict, j.explanation, explain=card.explain)
        elif item.kind is Kind.CLOZE:
            self.answer_text = " | ".join(event.answer)
            j, _ = judge_cloze(card, item.blank, event.answer)
            assert isinstance(self.card_view, ClozeView)
            self.card_view.reveal()
            self.show_verdict(j.verdict, j.explanation, explain=card.explain)
        elif item.kind is Kind.PREDICT:
            self.start_live_check(item, event.answer)

    def action_run_code(self) -> None:
        item = self.item
        if item is None or self.card_view is None:
            return
        code = self.card_view.query_one("#answer").text
        if not code.strip():
            self.app.notify("Write some code first.", severity="warning")
            return
        self.start_live_check(item, code)

    def start_live_check(self, item: StudyItem, answer: str) -> None:
        self.answer_text = answer
        self.app.ask_trust(item.deck, lambda run: self._after_trust(item, answer, run))

    def _after_trust(self, item: StudyItem, answer: str, run: bool) -> None:
        if item is not self.item or self.phase != "asking":
            return
        problem = self.app.worker_problem
        if not run or problem:
            card = item.card
            expected = stated_answer(card)
            why = problem or "you chose not to run this deck's code"
            self.show_verdict(
                None,
                f"Not run: {why}. Compare and grade yourself.",
                pair=("Yours", answer.strip(), "Deck's answer", expected),
                explain=card.explain,
            )
            return
        self.phase = "checking"
        self.run_check(item, answer)
        if self.app.checker.ready:
            # A warm check takes tens of milliseconds: a spinner would only flicker
            # (and its animation would slow the check down). Show it if it lingers.
            self.set_timer(0.25, lambda: self._show_spinner(item, "Checking…"))
        else:
            self._show_spinner(item, "Waiting for torch to warm up, then checking…")

    def _show_spinner(self, item: StudyItem, label: str) -> None:
        if item is not self.item or self.phase != "checking":
            return
        if self.card_view is not None:
            self.card_view.freeze()
        self.query_one("#checking-label", Static).update(label)
        self.query_one("#checking").display = True

    @work(thread=True, exclusive=True, exit_on_error=False, group="check")
    def run_check(self, item: StudyItem, answer: str) -> tuple[StudyItem, str, CheckResult]:
        checker = self.app.checker
        if item.kind is Kind.PREDICT:
            result = checker.check_predict(item.deck, item.card, prediction_text(answer))
        else:
            result = checker.check_code(item.deck, item.card, answer)
        return item, answer, result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "check":
            return
        if event.state is WorkerState.SUCCESS:
            item, answer, result = event.worker.result
            if item is self.item and self.phase == "checking":
                self.show_check(item, answer, result)
        elif event.state is WorkerState.ERROR and self.phase == "checking":
            self.query_one("#checking").display = False
            item = self.item
            card = item.card if item else None
            self.show_verdict(
                None,
                f"Could not check: {event.worker.error}. Grade yourself; the session goes on.",
                explain=card.explain if card else None,
            )

    def show_check(self, item: StudyItem, answer: str, result: CheckResult) -> None:
        self.query_one("#checking").display = False
        card = item.card
        j = result.judgement
        if j is None:
            answer_title = "Deck's answer" if item.kind is Kind.PREDICT else "Solution"
            self.show_verdict(
                None,
                f"Not checked: {result.note}. Compare and grade yourself.",
                pair=("Yours", answer.strip(), answer_title, result.real),
                explain=card.explain,
            )
            return
        if item.kind is Kind.PREDICT:
            pair = ("Your prediction", answer.strip(), "Actual", result.real)
            self.show_verdict(j.verdict, j.explanation, pair=pair, note=result.note, explain=card.explain)
        else:
            pair = ("Your output", result.mine, "Solution's output", result.real)
            self.show_verdict(
                j.verdict, j.explanation, pair=pair, note=result.note,
                explain=card.explain, solution=card.solution,
            )

    def show_verdict(
        self,
        verdict: Verdict | None,
        explanation: str,
        *,
        pair: tuple[str, str, str, str] | None = None,
        note: str | None = None,
        explain: str | None = None,
        solution: str | None = None,
    ) -> None:
        if self.card_view is not None:
            self.card_view.freeze()
        self.verdict = verdict
        self.proposed = proposed_rating(verdict)
        body = self.query_one("#body", VerticalScroll)
        panel = ResultPanel(verdict, explanation, pair=pair, note=note, explain=explain, solution=solution)
        body.mount(panel)
        self.phase = "answered"
        grades = self.query_one(GradeBar)
        grades.display = True
        grades.show(self.session.intervals(), self.proposed)

    # -- grading -------------------------------------------------------------------

    def on_grade_bar_picked(self, event: GradeBar.Picked) -> None:
        event.stop()
        self.action_grade(event.rating)

    def action_confirm(self) -> None:
        self.action_grade(self.proposed)

    def action_grade(self, rating: int) -> None:
        if self.phase != "answered" or self.item is None:
            return
        try:
            outcome = self.session.grade(Rating(rating), verdict=self.verdict, answer=self.answer_text)
        except StoreError as exc:
            self.app.notify(f"Not saved: {exc}", severity="error", timeout=8)
            return
        if outcome.leech:
            self.app.notify(
                f"{outcome.item.card.key} is a leech (forgotten 8 times): suspended. "
                "Rewrite it or study its source again.",
                severity="warning",
                timeout=8,
            )
        self.show_item()

    def action_undo(self) -> None:
        try:
            outcome = self.session.undo()
        except StoreError as exc:
            self.app.notify(f"Cannot undo: {exc}", severity="error", timeout=8)
            return
        if outcome is None:
            self.app.notify("Nothing to undo in this session.")
            return
        self.app.notify(f"Undid {outcome.rating.label} on {outcome.item.card.id}.")
        self.show_item()

    def action_skip(self) -> None:
        try:
            item = self.session.skip()
        except StoreError as exc:
            self.app.notify(f"Cannot skip: {exc}", severity="error", timeout=8)
            return
        if item is not None:
            self.app.notify(f"Skipped {item.card.id}: back tomorrow.")
        self.show_item()

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one("#body", VerticalScroll)
        if direction < 0:
            body.scroll_page_up()
        else:
            body.scroll_page_down()

    def action_leave_input(self) -> None:
        self.query_one("#body").focus()

    def action_leave(self) -> None:
        self.post_message(self.Finished(self.session))

    def action_keys(self) -> None:
        from quizapp.tui.screens.dialogs import KeysScreen

        self.app.push_screen(KeysScreen("Keys · study", KEYS_HELP))

    # -- editing the card ----------------------------------------------------------

    def action_edit(self) -> None:
        item = self.item
        if item is None:
            return
        path = item.deck.path
        if path is None:
            self.app.notify("This deck has no file to open.", severity="warning")
            return
        if self.app.run_editor(editor_command(str(path), item.card.line)):
            self.reload_deck(item)

    def reload_deck(self, item: StudyItem) -> None:
        try:
            deck = self.app.library.reload(item.deck.slug)
        except DeckLoadError as exc:
            from quizapp.tui.screens.dialogs import MessageScreen

            text = "\n".join(str(e) for e in exc.errors)
            self.app.push_screen(
                MessageScreen("The deck has errors; the old version stays in this session", text)
            )
            return
        self.session.replace_deck(deck)
        self.app.notify(f"Reloaded {deck.path.name if deck.path else deck.slug}.")
        self.show_item()


def editor_command(path: str, line: int) -> list[str]:
    """``$VISUAL`` / ``$EDITOR`` (default ``vi``) opened at the card's line."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    argv = shlex.split(editor)
    name = os.path.basename(argv[0])
    if line > 0:
        if name in ("code", "code-insiders"):
            return [*argv, "--goto", f"{path}:{line}"]
        if name in ("subl", "zed"):
            return [*argv, f"{path}:{line}"]
        return [*argv, f"+{line}", path]
    return [*argv, path]
