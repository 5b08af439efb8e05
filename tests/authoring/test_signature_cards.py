"""The signature-card builder and `quizapp new-card signature`."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from quizapp.authoring.signature import (
    SignatureError,
    build_cards,
    cards_yaml,
    default_card_id,
    parse_signature_line,
    signatures_of,
)
from quizapp.cli import main
from quizapp.deck.loader import load_deck_text
from quizapp.deck.models import Kind


def _as_deck(cards_text: str):
    return load_deck_text("deck: t\ntitle: T\ncards:\n" + cards_text, "generated.yaml")


def test_parse_docstring_line_keeps_order_defaults_and_keyword_only():
    sig = parse_signature_line("argsort(input, dim=-1, descending=False, *, stable=False) -> Tensor", "torch.argsort")
    assert [p.name for p in sig.params] == ["input", "dim", "descending", "*", "stable"]
    assert [p.default for p in sig.params] == [None, "-1", "False", None, "False"]
    assert sig.keyword_only == ("stable",)
    assert sig.returns == "Tensor"


def test_parse_strips_annotations_and_rst_escapes():
    sig = parse_signature_line(r"randint(low=0, high, size, \*, out: Optional[Tensor]) -> Tensor", "torch.randint")
    assert sig.render() == "torch.randint(low=0, high, size, *, out) -> Tensor"


def test_gather_card_comes_from_the_installed_docstring():
    (card,) = build_cards("torch.gather", source="notes › Basic Operations › 해당 인덱스의 값 모으기")
    assert card["id"] == "sig-gather"
    assert card["text"].startswith("torch.gather({{input}}, {{dim}}, {{index}}, *, {{sparse_grad}}=False")
    assert "out=None" in card["text"]  # boilerplate stays visible, unblanked
    assert "Keyword-only: sparse_grad" in card["explain"]


def test_python_callables_go_through_inspect():
    (sig,) = signatures_of("torch.nn.Module.register_buffer")
    assert sig.origin == "inspect"
    assert sig.render() == "torch.nn.Module.register_buffer(name, tensor, persistent=True)"


def test_dataloader_keyword_only_arguments_are_marked():
    (sig,) = signatures_of("torch.utils.data.DataLoader")
    names = [p.name for p in sig.params]
    assert names[:3] == ["dataset", "batch_size", "shuffle"]
    assert "prefetch_factor" in sig.keyword_only and "timeout" not in sig.keyword_only


def test_overloads_become_one_card_each_or_one_on_request():
    cards = build_cards("torch.argmax")
    assert [c["id"] for c in cards] == ["sig-argmax", "sig-argmax-2"]
    (only,) = build_cards("torch.argmax", overload=2, card_id="argmax-dim")
    assert only["id"] == "argmax-dim" and "{{dim}}" in only["text"]
    with pytest.raises(SignatureError, match="out of range"):
        build_cards("torch.argmax", overload=9)


def test_blank_limits_which_arguments_are_asked():
    (card,) = build_cards("torch.utils.data.DataLoader", blanks=("shuffle", "drop_last"))
    assert card["text"].count("{{") == 2
    assert "shuffle={{None}}" in card["text"] and "drop_last={{False}}" in card["text"]


def test_method_ids_keep_their_class():
    assert default_card_id("torch.Tensor.scatter_") == "sig-tensor-scatter"
    assert default_card_id("torch.gather") == "sig-gather"
    assert default_card_id("torch.nn.Module.get_submodule") == "sig-module-get-submodule"


@pytest.mark.parametrize("kind", ["cloze", "flash"])
@pytest.mark.parametrize(
    "name",
    ["torch.gather", "torch.normal", "torch.Tensor.scatter_", "torch.utils.data.DataLoader", "torch.atleast_1d"],
)
def test_output_is_valid_deck_yaml(name, kind):
    deck = _as_deck(cards_yaml(build_cards(name, kind=kind, source="notes › x")))
    assert all(card.kind is Kind(kind) for card in deck.cards)
    assert all(card.source == "notes › x" for card in deck.cards)
    if kind == "cloze":
        assert all(card.blanks for card in deck.cards)


def test_example_output_in_a_docstring_is_not_a_signature():
    # torch.tensor's docstring shows `tensor([[ 0.1000,  1.2000], ...` in its examples.
    (sig,) = signatures_of("torch.tensor")
    assert sig.render() == "torch.tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor"


def test_enum_defaults_read_as_written(monkeypatch):
    import enum
    import types

    class Mode(enum.Enum):
        BILINEAR = "bilinear"

    def resize(size, interpolation=Mode.BILINEAR, antialias=True):
        """Resize the input."""

    module = types.ModuleType("fake_vision")
    module.resize = resize
    monkeypatch.setitem(sys.modules, "fake_vision", module)
    (sig,) = signatures_of("fake_vision.resize")
    assert sig.render() == "fake_vision.resize(size, interpolation=Mode.BILINEAR, antialias=True)"


def test_unknown_names_are_a_signature_error():
    with pytest.raises(SignatureError, match="torch.nope"):
        build_cards("torch.nope")


def test_cli_prints_a_card_that_loads():
    result = CliRunner().invoke(
        main, ["new-card", "signature", "torch.index_select", "--source", "notes › Basic Operations › 텐서 인덱싱"]
    )
    assert result.exit_code == 0, result.output
    (card,) = _as_deck(result.output).cards
    assert card.id == "sig-index-select"
    assert [b.answer for b in card.blanks] == ["input", "dim", "index"]


def test_cli_reports_unknown_names_without_a_traceback():
    result = CliRunner().invoke(main, ["new-card", "signature", "torch.does_not_exist"])
    assert result.exit_code == 1
    assert "Error: torch.does_not_exist" in result.output
    assert "Traceback" not in result.output


def test_cli_help_texts():
    for args in (["new-card", "--help"], ["new-card", "signature", "--help"]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0 and "installed torch" in result.output


def test_importing_the_command_does_not_import_torch():
    code = "import sys, quizapp.cli.new_card, quizapp.authoring.signature; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
