"""Random edits of a valid deck never raise anything but the loader's own error."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp.deck.loader import DeckLoadError, load_deck_bytes
from quizapp.deck.models import Deck

EXAMPLE = (Path(__file__).parent.parent / "fixtures" / "example-deck.yaml").read_bytes()
YAML_BITS = [b":", b"-", b" ", b"\n", b"\t", b"{", b"}", b"[", b"]", b"&a", b"*a", b"!!",
             b"'", b'"', b"#", b"|", b">", b"{{", b"}}", b"kind", b"id", b"\xff", b"\x00"]

edit = st.tuples(
    st.integers(min_value=0, max_value=len(EXAMPLE)),
    st.integers(min_value=0, max_value=40),
    st.one_of(st.sampled_from(YAML_BITS), st.binary(max_size=8)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, min_size=1, max_size=4))
def test_random_edits_only_raise_deck_load_error(edits):
    data = EXAMPLE
    for position, deleted, inserted in edits:
        position = min(position, len(data))
        data = data[:position] + inserted + data[position + deleted:]
    try:
        deck = load_deck_bytes(data, "fuzz.yaml")
    except DeckLoadError as exc:
        assert exc.errors
        for error in exc.errors:
            assert error.line >= 1 and error.column >= 1 and error.message
    else:
        assert isinstance(deck, Deck)
