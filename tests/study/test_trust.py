from __future__ import annotations

from dataclasses import replace

from quizapp.deck.models import Card, Deck, Kind
from quizapp.study.trust import TrustList, snippets

LIVE = Deck(
    "theirs", "Theirs",
    (Card("theirs", "p", Kind.PREDICT, code="1 + 1", answer="2"),
     Card("theirs", "f", Kind.FLASH, front="a", back="b")),
    setup="import torch", content_hash="abc",
)


def test_asks_once_per_content(tmp_path):
    trust = TrustList(tmp_path / "sub" / "trusted.json")
    assert trust.needs_asking(LIVE)
    trust.trust(LIVE)
    assert not trust.needs_asking(LIVE)
    assert TrustList(tmp_path / "sub" / "trusted.json").needs_asking(replace(LIVE, content_hash="changed"))


def test_bundled_and_code_free_decks_never_ask(tmp_path):
    trust = TrustList(tmp_path / "trusted.json")
    assert not trust.needs_asking(replace(LIVE, bundled=True))
    assert not trust.needs_asking(replace(LIVE, cards=LIVE.cards[1:]))


def test_a_damaged_trust_file_trusts_nothing(tmp_path):
    path = tmp_path / "trusted.json"
    path.write_text("{not json")
    assert TrustList(path).needs_asking(LIVE)
    TrustList(path).trust(LIVE)
    assert not TrustList(path).needs_asking(LIVE)


def test_snippets_lists_every_piece_of_code():
    assert snippets(LIVE) == [("deck setup", "import torch"), ("p · predict", "1 + 1")]
