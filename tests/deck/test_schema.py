from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from quizapp import locations
from quizapp.deck.discover import deck_files
from quizapp.deck.schema import deck_schema

FIXTURES = Path(__file__).parent.parent / "fixtures"
BUNDLED = deck_files(locations.bundled_decks_dir())


@pytest.fixture(scope="module")
def validator():
    schema = deck_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("path", [FIXTURES / "example-deck.yaml", *BUNDLED], ids=lambda p: p.name)
def test_decks_validate_against_the_schema(validator, path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator.iter_errors(document)]
    assert errors == []


def test_schema_rejects_what_the_loader_rejects(validator):
    bad = [
        {"deck": "x", "cards": [{"id": "a", "kind": "flash", "front": "f"}]},  # no back
        {"deck": "x", "cards": [{"id": "a", "kind": "flash", "front": "f", "back": "b",
                                 "options": ["a", "b"]}]},  # field of another kind
        {"deck": "x", "cards": [{"id": "a", "kind": "predict", "code": "1"}]},  # no answer/raises
        {"deck": "x", "cards": [{"id": "a", "kind": "flsh"}]},
        {"deck": "x", "titel": "t", "cards": [{"id": "a", "kind": "flash", "front": "f", "back": "b"}]},
    ]
    for document in bad:
        assert list(validator.iter_errors(document)), json.dumps(document)
