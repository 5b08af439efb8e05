"""The fields of deck format v1, described once.

The loader validates against these tables, `quizapp schema` turns them into a JSON
Schema, and a test checks that docs/deck-format.md documents every one of them, so
the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizapp.deck.models import Kind

TEXT = "text"  # a string (numbers and booleans are taken as the text written)
TEXT_LIST = "list of text"
BOOL = "boolean"
INT = "integer"

ALL_KINDS = frozenset(Kind)


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    help: str
    kinds: frozenset[Kind] = ALL_KINDS  # the card kinds the field belongs to
    required_for: frozenset[Kind] = frozenset()


DECK_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("format", INT, "Format version the deck is written for; this quizapp reads 1."),
        Field("deck", TEXT, "Stable slug naming the deck; part of every card's identity."),
        Field("title", TEXT, "Human title shown in lists and on every card."),
        Field("description", TEXT, "One or two sentences on what the deck teaches."),
        Field("source", TEXT, "Where the material comes from; cards inherit it."),
        Field("tags", TEXT_LIST, "Tags shared by every card of the deck."),
        Field("setup", TEXT, "Python run before every snippet of the deck."),
        Field("requires", TEXT_LIST, "Modules every snippet of the deck needs (e.g. torchvision)."),
        Field("cards", "list of cards", "The cards, in the order new ones are introduced."),
    )
}
DECK_REQUIRED = ("deck", "cards")

_K = Kind
CARD_FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("id", TEXT, "Unique in the deck; `deck/id` is the card's identity for good."),
        Field("kind", TEXT, "One of: " + ", ".join(k.value for k in Kind) + "."),
        Field("front", TEXT, "The question side.", frozenset({_K.FLASH}), frozenset({_K.FLASH})),
        Field("back", TEXT, "The answer side.", frozenset({_K.FLASH}), frozenset({_K.FLASH})),
        Field(
            "prompt", TEXT, "The question asked.",
            frozenset({_K.TYPE_IN, _K.CHOICE, _K.CODE, _K.PREDICT}),
            frozenset({_K.TYPE_IN, _K.CHOICE, _K.CODE}),
        ),
        Field(
            "answer", TEXT,
            "type-in/choice: the right answer; predict: exactly what the snippet shows.",
            frozenset({_K.TYPE_IN, _K.CHOICE, _K.PREDICT}),
            frozenset({_K.TYPE_IN, _K.CHOICE}),
        ),
        Field("accept", TEXT_LIST, "Other answers also accepted.", frozenset({_K.TYPE_IN})),
        Field(
            "options", TEXT_LIST, "The choices; `answer` must be one of them.",
            frozenset({_K.CHOICE}), frozenset({_K.CHOICE}),
        ),
        Field(
            "text", TEXT, "Text with `{{blanks}}`; `{{a|b}}` accepts a or b.",
            frozenset({_K.CLOZE}), frozenset({_K.CLOZE}),
        ),
        Field(
            "together", BOOL, "Ask all blanks at once instead of one at a time.",
            frozenset({_K.CLOZE}),
        ),
        Field(
            "code", TEXT, "The snippet whose result the learner predicts.",
            frozenset({_K.PREDICT}), frozenset({_K.PREDICT}),
        ),
        Field(
            "raises", TEXT, "The exception class the snippet raises (instead of `answer`).",
            frozenset({_K.PREDICT}),
        ),
        Field(
            "setup", TEXT, "Python run after the deck's setup, before the snippet.",
            frozenset({_K.PREDICT, _K.CODE}),
        ),
        Field(
            "solution", TEXT, "Reference code; the learner's code must show the same.",
            frozenset({_K.CODE}), frozenset({_K.CODE}),
        ),
        Field("explain", TEXT, "Why the answer is what it is; shown after answering."),
        Field("source", TEXT, "Where the card comes from (e.g. a section of the notes)."),
        Field("tags", TEXT_LIST, "Tags for this card, added to the deck's."),
        Field(
            "requires", TEXT_LIST, "Modules the snippet needs beyond torch.",
            frozenset({_K.PREDICT, _K.CODE}),
        ),
    )
}
