"""The deck loader: the example deck loads as written; each bad input is located."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from quizapp.deck.loader import DeckLoadError, load_deck, load_deck_bytes
from quizapp.deck.models import Kind

FIXTURES = Path(__file__).parent.parent / "fixtures"
EXAMPLE = FIXTURES / "example-deck.yaml"


def errors_of(data: bytes | str, name: str = "deck.yaml") -> list[str]:
    if isinstance(data, str):
        data = data.encode()
    with pytest.raises(DeckLoadError) as info:
        load_deck_bytes(data, name)
    return [str(e) for e in info.value.errors]


def test_example_deck_loads_exactly_as_written():
    deck = load_deck(EXAMPLE)
    assert deck.slug == "tensor-indexing"
    assert deck.title == "Tensor indexing — index_select and gather"
    assert deck.description == "How dim and index pick elements."
    assert deck.setup == "import torch\n"
    assert [c.kind for c in deck.cards] == [
        Kind.FLASH, Kind.PREDICT, Kind.PREDICT, Kind.TYPE_IN, Kind.CHOICE, Kind.CLOZE, Kind.CODE,
    ]
    flash, predict, raises, type_in, choice, cloze, code = deck.cards
    assert flash.key == "tensor-indexing/index-select-dim"
    assert flash.tags == ("tensor", "indexing", "gotcha")
    assert flash.source == "notes › Basic Operations › 텐서 인덱싱"
    assert predict.answer == "tensor([1., 3.])"
    assert predict.code.endswith("torch.tensor([0])))\n")
    assert raises.raises == "IndexError" and raises.answer is None
    assert type_in.answer == "collate_fn"
    assert choice.options[2] == "WeightedRandomSampler"
    assert [b.answer for b in cloze.blanks] == ["all submodules, recursively", "direct children"]
    assert cloze.study_keys == (
        "tensor-indexing/children-vs-modules#1",
        "tensor-indexing/children-vs-modules#2",
    )
    assert code.setup == "A = torch.tensor([[1, 2], [3, 4]])"
    assert deck.setups_for(code) == ("import torch\n", "A = torch.tensor([[1, 2], [3, 4]])")
    assert [c.line for c in deck.cards] == [9, 15, 23, 28, 33, 39, 43]


def test_editing_card_text_keeps_its_key_but_changes_its_hash():
    original = load_deck(EXAMPLE)
    edited = load_deck_bytes(
        EXAMPLE.read_bytes().replace(b"not a direction of movement", b"not a direction"), "x.yaml"
    )
    assert original.cards[0].key == edited.cards[0].key
    assert original.cards[0].content_hash != edited.cards[0].content_hash
    assert original.cards[1].content_hash == edited.cards[1].content_hash


def test_scalars_are_kept_as_written():
    deck = load_deck_bytes(
        b"deck: d\ncards:\n  - {id: a, kind: predict, code: 1.50, answer: 1.50}\n", "d.yaml"
    )
    assert deck.cards[0].answer == "1.50"


def test_cloze_together_is_one_study_item_and_alternatives_split():
    deck = load_deck_bytes(
        b"deck: d\ncards:\n  - id: c\n    kind: cloze\n    together: true\n"
        b"    text: '{{dim|axis}} and {{index}}'\n",
        "d.yaml",
    )
    card = deck.cards[0]
    assert card.study_keys == ("d/c",)
    assert card.blanks[0].answers == ("dim", "axis")


# Each bad input: (file content, the expected "FILE:LINE:COL: ..." start, a phrase).
BAD = {
    "yaml-syntax": ("deck: x\ncards: [\n", "deck.yaml:3:1: ", "YAML syntax error"),
    "tab": ("deck: x\ncards:\n\t- id: a\n", "deck.yaml:3:1: ", "tab in indentation"),
    "top-level-list": ("- a\n- b\n", "deck.yaml:1:1: ", "not a list"),
    "top-level-scalar": ("just text\n", "deck.yaml:1:1: ", "not the text"),
    "unknown-field": (
        "deck: x\ncards:\n  - id: a\n    kind: flash\n    front: q\n    bakc: b\n",
        "deck.yaml:6:5: cards[0].bakc: ", "did you mean `back`?",
    ),
    "unknown-deck-field": ("deck: x\ntitel: T\ncards: []\n", "deck.yaml:2:1: titel: ",
                           "did you mean `title`?"),
    "wrong-type": (
        "deck: x\ncards:\n  - id: a\n    kind: flash\n    front: [1, 2]\n    back: b\n",
        "deck.yaml:5:12: cards[0].front: ", "expected text, got a list",
    ),
    "wrong-list-type": ("deck: x\ntags: one\ncards: []\n", "deck.yaml:2:7: tags: ",
                        "expected a list of text"),
    "unknown-kind": ("deck: x\ncards:\n  - id: a\n    kind: flashcard\n", "deck.yaml:4:11: cards[0].kind: ",
                     "unknown kind `flashcard` (did you mean `flash`?)"),
    "missing-required": ("deck: x\ncards:\n  - id: a\n    kind: choice\n    prompt: p\n"
                         "    answer: a\n", "deck.yaml:3:5: cards[0]: ", "needs `options`"),
    "missing-deck": ("cards:\n  - {id: a, kind: flash, front: f, back: b}\n", "deck.yaml:1:1: ",
                     "missing required field `deck`"),
    "duplicate-id": (
        "deck: x\ncards:\n  - {id: a, kind: flash, front: f, back: b}\n"
        "  - {id: a, kind: flash, front: g, back: c}\n",
        "deck.yaml:4:5: cards[1].id: ", "duplicate id `a` (first used on line 3)",
    ),
    "choice-answer-not-option": (
        "deck: x\ncards:\n  - id: a\n    kind: choice\n    prompt: p\n    options: [A, B]\n"
        "    answer: b\n",
        "deck.yaml:7:13: cards[0].answer: ", "not one of the options",
    ),
    "cloze-without-blanks": ("deck: x\ncards:\n  - {id: a, kind: cloze, text: no blanks here}\n",
                             "deck.yaml:3:32: cards[0].text: ", "at least one `{{blank}}`"),
    "not-utf8": (b"deck: x\ntitle: caf\xe9\ncards: []\n", "deck.yaml:2:11: ", "is not UTF-8"),
    "empty": ("", "deck.yaml:1:1: ", "the file is empty"),
    "whitespace-only": ("  \n\n", "deck.yaml:1:1: ", "the file is empty"),
    "python-tag": (
        "deck: !!python/object/apply:os.system ['touch /tmp/quizapp-pwned']\ncards: []\n",
        "deck.yaml:1:7: ", "tag `!!python/object/apply:os.system` is not allowed",
    ),
    "missing-id": ("deck: x\ncards:\n  - kind: flash\n    front: What is dim?\n    back: b\n",
                   "deck.yaml:3:5: cards[0]: ", "e.g. `id: what-is-dim`"),
    "predict-answer-and-raises": (
        "deck: x\ncards:\n  - {id: a, kind: predict, code: x, answer: '1', raises: E}\n",
        "deck.yaml:3:5: cards[0]: ", "exactly one of `answer`",
    ),
    "field-of-other-kind": (
        "deck: x\ncards:\n  - {id: a, kind: flash, front: f, back: b, options: [a, b]}\n",
        "deck.yaml:3:45: cards[0].options: ", "not a field of flash cards",
    ),
    "duplicate-key": ("deck: x\ndeck: y\ncards: []\n", "deck.yaml:2:1: deck: ", "appears twice"),
    "newer-format": ("format: 2\ndeck: x\ncards: []\n", "deck.yaml:1:9: format: ", "upgrade quizapp"),
    "bad-slug": ("deck: my deck\ncards: []\n", "deck.yaml:1:7: deck: ", "not a slug"),
    "cards-not-list": ("deck: x\ncards: {a: 1}\n", "deck.yaml:2:8: cards: ", "must be a list"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_is_reported_with_its_location(name):
    data, location, phrase = BAD[name]
    messages = errors_of(data)
    match = [m for m in messages if m.startswith(location) and phrase in m]
    assert match, f"no error at {location!r} with {phrase!r} in {messages}"


def test_all_errors_of_a_file_are_reported_in_one_run():
    messages = errors_of(
        "deck: x\ncards:\n  - {id: a, kind: flsh}\n  - {id: b, kind: choice, prompt: p, "
        "options: [A, B], answer: C}\n  - {kind: flash, front: f, back: b}\n"
    )
    assert len(messages) == 3
    assert [m.split(":")[1] for m in messages] == ["3", "4", "5"]


def test_python_tag_never_runs(tmp_path):
    marker = tmp_path / "ran"
    data = f"deck: !!python/object/apply:os.system ['touch {marker}']\ncards: []\n"
    errors_of(data)
    assert not marker.exists()


def test_billion_laughs_ends_quickly_with_an_error():
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        refs = ",".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("deck: x\ncards: *a9")
    started = time.monotonic()
    messages = errors_of("\n".join(lines) + "\n")
    assert time.monotonic() - started < 5
    assert any("expands to more than" in m for m in messages)


def test_unreadable_file_is_an_error_not_a_traceback(tmp_path):
    with pytest.raises(DeckLoadError) as info:
        load_deck(tmp_path / "missing.yaml")
    assert "cannot read the file" in str(info.value)
