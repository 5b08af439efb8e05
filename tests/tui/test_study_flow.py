"""Whole study sessions driven through Pilot, asserting the screen and the database."""

from __future__ import annotations

from quizapp.srs import Store
from quizapp.tui.screens.home import HomeScreen
from quizapp.tui.screens.study import StudyScreen
from quizapp.tui.screens.summary import SummaryScreen
from tests.tui.conftest import reviews, screen_text, type_text, write_deck
from tests.tui.fakes import FakeChecker

SIZE = (100, 32)

FLASH = """
- id: dim
  kind: flash
  front: In `index_select`, what is `dim`?
  back: The axis the candidates are chosen along.
"""
TYPE_IN = """
- id: collate
  kind: type-in
  prompt: Which DataLoader argument merges samples into a batch?
  answer: collate_fn
  accept: [collate]
"""
CHOICE = """
- id: sampler
  kind: choice
  prompt: Which sampler draws each index with its own probability?
  options: [SequentialSampler, RandomSampler, WeightedRandomSampler]
  answer: WeightedRandomSampler
"""
CLOZE_TOGETHER = """
- id: modules
  kind: cloze
  together: true
  text: "`named_modules()` walks {{all submodules}}; `named_children()` stops at {{direct children}}."
"""
PREDICT = """
- id: column
  kind: predict
  code: torch.tensor([1., 3.])
  answer: tensor([1., 3.])
  explain: torch.Tensor makes floats.
"""
CODE = """
- id: diag
  kind: code
  prompt: Take the diagonal of A as a column.
  setup: A = torch.tensor([[1, 2], [3, 4]])
  solution: torch.gather(A, 1, torch.tensor([[0], [1]]))
"""


async def start(pilot):
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, StudyScreen)
    return pilot.app.screen


async def test_flash_reveal_and_grade(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "flash", FLASH))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert "candidates are chosen" not in screen_text(app)
        await pilot.press("3")  # grading before revealing does nothing
        assert reviews(db_path) == []
        await pilot.press("space")
        assert "candidates are chosen" in screen_text(app)
        assert "Again" in screen_text(app) or screen.query_one("#grades").display
        await pilot.press("2")
        await pilot.pause()
    assert reviews(db_path) == [("flash/dim", 2, None, None)]


async def test_type_in_right_then_wrong(build, tmp_path, db_path, clock):
    app = build(write_deck(tmp_path, "typein", TYPE_IN))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press(*"  Collate_FN ", "enter")
        assert "✓ correct" in screen_text(app)
        assert screen.proposed == 3
        await pilot.press("enter")  # confirm the proposed grade (Good)
        await pilot.pause()
        # Good on a new card is a 10-minute learning step: it comes back this session.
        clock.advance(minutes=11)
        screen.session.refresh()
        screen.show_item()
        await pilot.pause()
        await type_text(pilot, "batch_fn", "enter")
        assert "✗ wrong" in screen_text(app)
        assert "collate_fn" in screen_text(app)
        await pilot.press("enter")  # proposed: Again
        await pilot.pause()
    assert reviews(db_path) == [
        ("typein/collate", 3, "  Collate_FN ", "correct"),
        ("typein/collate", 1, "batch_fn", "wrong"),
    ]


async def test_choice_by_number(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "choice", CHOICE))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("2")  # RandomSampler: wrong
        text = screen_text(app)
        assert "✗ wrong" in text and "WeightedRandomSampler" in text
        await pilot.press("1")  # now 1-4 grade: Again
        await pilot.pause()
    assert reviews(db_path) == [("choice/sampler", 1, "RandomSampler", "wrong")]


async def test_cloze_together_partly_right(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "cloze", CLOZE_TOGETHER))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await type_text(pilot, "all submodules", "enter")  # moves to blank 2
        await type_text(pilot, "grandchildren", "enter")
        text = screen_text(app)
        assert "≈ close" in text and "1 of 2 blanks right" in text
        await pilot.press("enter")  # Hard
        await pilot.pause()
    assert reviews(db_path) == [("cloze/modules", 2, "all submodules | grandchildren", "close")]


async def test_cloze_blanks_in_turn(build, tmp_path, db_path):
    cards = CLOZE_TOGETHER.replace("  together: true\n", "")
    app = build(write_deck(tmp_path, "cloze", cards))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.item.study_key == "cloze/modules#1"
        assert "[ … ]" in screen_text(app) and "direct children" in screen_text(app)
        await type_text(pilot, "all submodules", "enter")
        assert "✓ correct" in screen_text(app)
        await pilot.press("4")
        await pilot.pause()
    # Siblings wait for another day: blank 2 is not asked in the same session.
    assert reviews(db_path) == [("cloze/modules#1", 4, "all submodules", "correct")]


async def test_predict_right_and_wrong_propose_grades(build, tmp_path, db_path, clock):
    checker = FakeChecker()
    app = build(write_deck(tmp_path, "predict", PREDICT), checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "✓ correct" in text and "torch.Tensor makes floats." in text
        assert screen.phase == "answered" and screen.proposed == 3
        await pilot.press("enter")
        await pilot.pause()
        clock.advance(minutes=11)
        screen.session.refresh()
        screen.show_item()
        await pilot.pause()
        await type_text(pilot, "tensor([1, 3])", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✗ wrong" in screen_text(app)
        assert screen.proposed == 1
        await pilot.press("enter")
        await pilot.pause()
    assert checker.calls == [("predict/column", "tensor([1., 3.])"), ("predict/column", "tensor([1, 3])")]
    assert [(k, r, v) for k, r, _, v in reviews(db_path)] == [
        ("predict/column", 3, "correct"),
        ("predict/column", 1, "wrong"),
    ]


async def test_predict_exception_shortcut(build, tmp_path, db_path):
    cards = "- id: bad\n  kind: predict\n  code: torch.zeros(2)[5]\n  raises: IndexError\n"
    checker = FakeChecker()
    app = build(write_deck(tmp_path, "raises", cards), checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press(*"!IndexError", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✓ correct" in screen_text(app)
    assert checker.calls == [("raises/bad", "raises IndexError")]


async def test_code_card_runs_with_ctrl_r(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "code", CODE))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("ctrl+r")  # empty editor: nothing runs
        assert app.screen.phase == "asking"
        await type_text(pilot, "torch.gather(A, 1, torch.tensor([[0], [1]]))")
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "✓ correct" in text and "Solution" in text, text
        await pilot.press("enter")
        await pilot.pause()
    assert [(k, r, v) for k, r, _, v in reviews(db_path)] == [("code/diag", 3, "correct")]


async def test_undo_restores_the_card_and_the_database(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "two", FLASH + FLASH.replace("id: dim", "id: dim2")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("space", "4")
        await pilot.pause()
        assert screen.item.card.id == "dim2"
        assert len(reviews(db_path)) == 1
        await pilot.press("u")
        await pilot.pause()
        assert screen.item.card.id == "dim"
        assert reviews(db_path) == []
        await pilot.press("u")  # nothing left to undo: a notice, no error
        await pilot.pause()
        assert reviews(db_path) == []


async def test_skip_buries_until_tomorrow(build, tmp_path, db_path, clock):
    app = build(write_deck(tmp_path, "two", FLASH + FLASH.replace("id: dim", "id: dim2")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("s")
        await pilot.pause()
        assert screen.item.card.id == "dim2"
    with Store.open(db_path) as store:
        assert store.item("two/dim").buried_until is not None
        assert store.queue(["two"], now=clock()).keys == ("two/dim2",)
    assert reviews(db_path) == []


async def test_leave_and_resume_keeps_progress(build, tmp_path, db_path, clock):
    deck = write_deck(tmp_path, "two", FLASH + FLASH.replace("id: dim", "id: dim2"))
    app = build(deck)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("space", "4")  # Easy: days away
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "1 studied" in screen_text(app)
        assert "1 more waiting" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    clock.advance(minutes=1)
    again = build(deck)
    async with again.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        assert screen.item.card.id == "dim2"
        assert screen.session.left == 1
    assert [k for k, *_ in reviews(db_path)] == ["two/dim"]


async def test_session_ends_with_summary(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "flash", FLASH))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("space", "4")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        text = screen_text(app)
        assert "Session complete" in text and "1 studied" in text and "Next cards due in" in text
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_worker_crash_mid_session_goes_on(build, tmp_path, db_path):
    cards = PREDICT + PREDICT.replace("id: column", "id: second")
    checker = FakeChecker(crash_on="CRASH")
    app = build(write_deck(tmp_path, "predict", cards), checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await type_text(pilot, "CRASH", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Could not check" in text and "worker died" in text
        assert screen.phase == "answered"
        await pilot.press("1")
        await pilot.pause()
        assert screen.item.card.id == "second"
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✓ correct" in screen_text(app)
    assert [(k, r, v) for k, r, _, v in reviews(db_path)] == [("predict/column", 1, None)]


async def test_check_during_warm_up_waits_without_freezing(build, tmp_path, db_path):
    checker = FakeChecker(ready=False)
    app = build(write_deck(tmp_path, "predict", PREDICT), checker=checker)
    async with app.run_test(size=SIZE) as pilot:
        assert checker.started
        assert "warming up" in screen_text(app)
        screen = await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await pilot.pause()
        assert screen.phase == "checking"
        assert "Waiting for torch to warm up" in screen_text(app)
        await pilot.press("question_mark")  # the UI still answers keys
        await pilot.pause()
        await pilot.press("escape")
        checker.warm()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        assert screen.phase == "answered"
        assert "torch ready" in screen_text(app)


async def test_home_lists_a_broken_deck_with_its_error(build, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: broken\ncards:\n  - kind: flash\n    front: x\n")
    app = build(tmp_path / "indexing.yaml" if False else write_deck(tmp_path, "fine", FLASH), broken)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("down")
        await pilot.pause()
        text = screen_text(app)
        assert "broken.yaml failed to load" in text
        assert "broken.yaml:" in text
        await pilot.press("enter")  # studying it is refused with a notice, not a crash
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_untrusted_deck_asks_once_and_remembers(build, tmp_path, db_path):
    from quizapp.deck.discover import Origin

    deck = write_deck(tmp_path, "theirs", PREDICT + PREDICT.replace("id: column", "id: second"))
    checker = FakeChecker()
    app = build(deck, checker=checker, origin=Origin.USER)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TrustScreen"
        assert "torch.tensor([1., 3.])" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert "Not run" in screen_text(app)
        assert checker.calls == []
        await pilot.press("3")
        await pilot.pause()
        await type_text(pilot, "tensor([1., 3.])", "enter")  # declined for this session: no second prompt
        await pilot.pause()
        assert type(app.screen).__name__ == "StudyScreen"
        assert checker.calls == []
    app = build(deck, checker=checker, origin=Origin.USER)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TrustScreen"  # a new session asks again
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "✓ correct" in screen_text(app)
    assert len(checker.calls) == 1
    app = build(deck, checker=checker, origin=Origin.USER)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "StudyScreen"  # trusted: no prompt
    assert len(checker.calls) == 2
    deck.write_text(deck.read_text().replace("explain: torch", "explain: Changed. torch"))
    app = build(deck, checker=checker, origin=Origin.USER)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await type_text(pilot, "x", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "TrustScreen"  # changed file: asked again


async def test_edit_opens_editor_at_the_card_and_reloads(build, tmp_path, monkeypatch):
    deck = write_deck(tmp_path, "edit", FLASH + FLASH.replace("id: dim", "id: dim2"))
    monkeypatch.setenv("EDITOR", "myeditor --wait")
    monkeypatch.delenv("VISUAL", raising=False)
    app = build(deck)
    commands: list[list[str]] = []

    def fake_editor(command: list[str]) -> bool:
        commands.append(command)
        deck.write_text(deck.read_text().replace("what is `dim`?", "what does `dim` choose?", 1))
        return True

    app.run_editor = fake_editor
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert commands == [["myeditor", "--wait", f"+{screen.item.card.line}", str(deck)]]
        assert "what does dim choose?" in screen_text(app)
        assert screen.item.card.id == "dim"

        def broken_editor(command: list[str]) -> bool:
            deck.write_text("deck: edit\ncards: [\n")
            return True

        app.run_editor = broken_editor
        await pilot.press("o")
        await pilot.pause()
        assert type(app.screen).__name__ == "MessageScreen"
        assert "edit.yaml:" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "what does dim choose?" in screen_text(app)  # the old version stays


async def test_undo_refused_by_the_store_is_a_notice(build, tmp_path, db_path, clock):
    app = build(write_deck(tmp_path, "two", FLASH + FLASH.replace("id: dim", "id: dim2")))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("space", "4")
        await pilot.pause()
        # Another quizapp grades the same card meanwhile: this one's undo must refuse.
        with Store.open(db_path) as other:
            other.grade("two/dim", 3, now=clock())
        await pilot.press("u")
        await pilot.pause()
        assert screen.item.card.id == "dim2"
        assert screen.session.done == 1
        assert any("Cannot undo" in str(n.message) for n in app._notifications)


async def test_an_edited_card_says_so(build, tmp_path, db_path, clock):
    deck = write_deck(tmp_path, "edit", FLASH)
    app = build(deck)

    def editor(command: list[str]) -> bool:
        deck.write_text(deck.read_text().replace("The axis", "The dimension"))
        return True

    app.run_editor = editor
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await pilot.press("space", "1")  # Again: it comes straight back
        await pilot.pause()
        assert "edited since" not in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert "✎ edited since you last saw it" in screen_text(app)


async def test_nothing_due_stays_home_with_a_notice(build, tmp_path):
    app = build(write_deck(tmp_path, "flash", FLASH))
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot)
        await pilot.press("space", "4")
        await pilot.pause()
        await pilot.press("enter")  # summary -> home
        await pilot.pause()
        await pilot.press("enter")  # nothing due any more
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Nothing due" in str(n.message) for n in app._notifications)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_command_palette_crams_a_deck(build, tmp_path, db_path):
    app = build(write_deck(tmp_path, "flash", FLASH))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "cram flash")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen) and screen.cram
        await pilot.press("space", "3")
        await pilot.pause()
    assert reviews(db_path) == []  # cram changes nothing


async def test_a_chosen_theme_is_remembered(build, tmp_path):
    settings = tmp_path / "study-app.json"
    app = build(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        app.theme = "textual-light"  # what the palette's "Change theme" does
        await pilot.pause()
    assert '"textual-light"' in settings.read_text()
    again = build(settings=settings)
    async with again.run_test(size=SIZE):
        assert again.theme == "textual-light"
    settings.write_text("{broken")
    third = build(settings=settings)
    async with third.run_test(size=SIZE):
        assert third.theme == "textual-dark"


async def test_a_worker_that_cannot_start_is_explained(build, tmp_path, db_path):
    from quizapp.runner import RunnerError
    from quizapp.study.checks import RunnerChecker

    class BrokenRunner:
        ready = False

        def start(self):
            return self

        def run(self, *args, **kwargs):
            raise RunnerError("the torch worker could not start: No module named 'torch'")

        def close(self):
            pass

    app = build(write_deck(tmp_path, "predict", PREDICT), checker=RunnerChecker(BrokenRunner()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start(pilot)
        await type_text(pilot, "tensor([1., 3.])", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause(0.4)
        text = screen_text(app)
        assert "Could not check: the torch worker could not start: No module named 'torch'" in text
        assert "the next check tries again" in text  # the status line
        assert screen.phase == "answered"
        await pilot.press("3")
        await pilot.pause()
    assert [(k, r, v) for k, r, _, v in reviews(db_path)] == [("predict/column", 3, None)]
