from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from quizapp.deck.discover import Origin, load_all
from quizapp.srs import Store
from quizapp.study.trust import TrustList
from quizapp.tui.app import make_app
from tests.tui.fakes import FakeChecker

DECKS = Path(__file__).parent / "decks"
INDEXING = DECKS / "indexing.yaml"


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    """Run ``async def`` tests with asyncio (Pilot needs a loop; no plugin required)."""
    if inspect.iscoroutinefunction(pyfuncitem.obj):
        args = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
        asyncio.run(pyfuncitem.obj(**args))
        return True
    return None


class FakeClock:
    """A clock tests move by hand; every session time comes from it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.db"


@pytest.fixture
def build(tmp_path, db_path, clock):
    """make_app with a temporary store, a fake clock and (by default) a fake checker.

    Decks load as bundled unless ``origin`` says otherwise, so no trust prompt
    appears where a test is not about trust.
    """
    opened: list[Store] = []

    def _build(*paths: Path, checker=None, origin=Origin.BUNDLED, **kwargs):
        store = Store.open(db_path)
        opened.append(store)
        sources = load_all([(p, origin) for p in (paths or (INDEXING,))])
        app = make_app(
            store=store,
            sources=sources,
            checker=checker if checker is not None else FakeChecker(),
            trust=TrustList(tmp_path / "trusted.json"),
            clock=clock,
            **kwargs,
        )
        return app

    yield _build
    for store in opened:
        store.close()


def reviews(db_path: Path) -> list[tuple[str, int, str | None, str | None]]:
    """(study key, rating, answer, verdict) of every review row, oldest first."""
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return conn.execute(
            "SELECT c.key, r.rating, r.answer, r.verdict FROM reviews r "
            "JOIN cards c ON c.id = r.card_id ORDER BY r.id"
        ).fetchall()


def write_deck(folder: Path, slug: str, cards: str, *, setup: str | None = "import torch") -> Path:
    """A one-off deck file; ``cards`` is the YAML list under ``cards:``."""
    import textwrap

    head = f"deck: {slug}\ntitle: {slug.replace('-', ' ').title()}\n"
    if setup:
        head += f"setup: |\n  {setup}\n"
    path = folder / f"{slug}.yaml"
    path.write_text(head + "cards:\n" + textwrap.indent(textwrap.dedent(cards).strip() + "\n", "  "))
    return path


def screen_text(app) -> str:
    """The visible text of the current screen's Static widgets (what the learner reads)."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display and w.parent.display)


async def type_text(pilot, text: str, *then: str) -> None:
    """Put ``text`` into the focused answer box at once (pressing every character is
    slow and adds nothing; a few tests still type key by key), then press ``then``."""
    from textual.widgets import Input, TextArea

    widget = pilot.app.focused
    if isinstance(widget, Input):
        widget.insert_text_at_cursor(text)
    elif isinstance(widget, TextArea):
        widget.insert(text)
    else:
        raise AssertionError(f"no answer box has focus ({widget!r})")
    await pilot.pause()
    if then:
        await pilot.press(*then)


def one_card_deck(folder: Path, kind: str) -> Path:
    """The example deck cut down to its card of ``kind`` (same title, tags, source)."""
    data = yaml.safe_load(INDEXING.read_text())
    data["cards"] = [c for c in data["cards"] if c["kind"] == kind]
    path = folder / f"{kind}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path
