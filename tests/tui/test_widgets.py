"""Pure helpers of the widgets."""

from __future__ import annotations

from quizapp.tui.screens.study import editor_command
from quizapp.tui.widgets.cards import code_spans, inline, inline_part
from quizapp.tui.widgets.result import marked_pair


def test_inline_styles_code_spans_without_markup():
    content = inline("In `index_select`, what is `dim`? [bold]not markup[/]")
    assert str(content) == "In index_select, what is dim? [bold]not markup[/]"
    assert [(s.start, s.end) for s in content.spans] == [(3, 15), (25, 28)]


def test_a_code_span_may_cross_a_cloze_blank():
    text = "`torch.utils.data.{{Dataset}}` reads; `DataLoader` batches."
    spans = code_spans(text)
    cut, resume = text.index("{{"), text.index("}}") + 2
    before, after = inline_part(text, 0, cut, spans), inline_part(text, resume, len(text), spans)
    assert str(before) == "torch.utils.data." and before.spans
    assert str(after) == " reads; DataLoader batches."


def test_marked_pair_marks_only_the_differences():
    mine, real = marked_pair("tensor([1, 3])", "tensor([1., 3.])")
    assert str(mine) == "tensor([1, 3])" and str(real) == "tensor([1., 3.])"
    marked = {str(real)[s.start:s.end] for s in real.spans}
    assert marked == {"."} and not any("tensor" in str(mine)[s.start:s.end] for s in mine.spans)


def test_editor_command(monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "code --wait")
    assert editor_command("d.yaml", 12) == ["code", "--wait", "--goto", "d.yaml:12"]
    monkeypatch.setenv("EDITOR", "nvim")
    assert editor_command("d.yaml", 12) == ["nvim", "+12", "d.yaml"]
    assert editor_command("d.yaml", 0) == ["nvim", "d.yaml"]
    monkeypatch.delenv("EDITOR")
    assert editor_command("d.yaml", 3) == ["vi", "+3", "d.yaml"]
