"""A JSON Schema of deck format v1, built from the same field tables as the loader.

Editors that speak the YAML language server validate a deck while it is written
when the file starts with ``# yaml-language-server: $schema=<path to the schema>``.
The loader stays the authority: some rules (a choice answer among its options, a
cloze with blanks, unique ids) are beyond what the schema expresses.
"""

from __future__ import annotations

from quizapp.deck.fields import BOOL, CARD_FIELDS, DECK_FIELDS, DECK_REQUIRED, INT, TEXT, TEXT_LIST
from quizapp.deck.loader import EXCEPTION_NAME, SLUG
from quizapp.deck.models import Kind

_SCALAR_TEXT = {"type": ["string", "number", "boolean"]}


def _type(spec_type: str) -> dict:
    if spec_type == TEXT:
        return dict(_SCALAR_TEXT)
    if spec_type == TEXT_LIST:
        return {"type": "array", "items": dict(_SCALAR_TEXT)}
    if spec_type == BOOL:
        return {"type": "boolean"}
    if spec_type == INT:
        return {"type": "integer"}
    raise AssertionError(spec_type)


def _card_schema() -> dict:
    properties = {}
    for name, spec in CARD_FIELDS.items():
        properties[name] = {**_type(spec.type), "description": spec.help}
    properties["id"] = {"type": "string", "pattern": SLUG.pattern, "description": CARD_FIELDS["id"].help}
    properties["kind"] = {"enum": [k.value for k in Kind], "description": CARD_FIELDS["kind"].help}
    properties["raises"]["pattern"] = EXCEPTION_NAME.pattern
    rules = []
    for kind in Kind:
        required = [n for n, s in CARD_FIELDS.items() if kind in s.required_for]
        foreign = [n for n, s in CARD_FIELDS.items() if kind not in s.kinds]
        then: dict = {"required": required}
        if foreign:
            then["not"] = {"anyOf": [{"required": [n]} for n in foreign]}
        rules.append({"if": {"properties": {"kind": {"const": kind.value}}}, "then": then})
    rules.append({
        "if": {"properties": {"kind": {"const": Kind.PREDICT.value}}},
        "then": {"oneOf": [{"required": ["answer"]}, {"required": ["raises"]}]},
    })
    return {
        "type": "object",
        "properties": properties,
        "required": ["id", "kind"],
        "additionalProperties": False,
        "allOf": rules,
    }


def deck_schema() -> dict:
    properties = {name: {**_type(spec.type), "description": spec.help}
                  for name, spec in DECK_FIELDS.items() if name != "cards"}
    properties["deck"]["type"] = "string"
    properties["deck"]["pattern"] = SLUG.pattern
    properties["format"]["const"] = 1
    properties["cards"] = {
        "type": "array",
        "minItems": 1,
        "items": _card_schema(),
        "description": DECK_FIELDS["cards"].help,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "quizapp deck (format 1)",
        "type": "object",
        "properties": properties,
        "required": list(DECK_REQUIRED),
        "additionalProperties": False,
    }
