from __future__ import annotations

from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.study import StudyScreen


async def test_home_then_study(build):
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        print(app.screen.item)
