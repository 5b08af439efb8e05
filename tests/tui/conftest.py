from __future__ import annotations

import asyncio
import inspect
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

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
