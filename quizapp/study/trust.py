"""Which deck files the learner agreed to run snippets from.

Trust is per file content: the sha256 of the deck file's bytes. Bundled decks are
always trusted; any change to another deck's file asks again.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from quizapp.deck.models import Deck, Kind


@dataclass
class TrustList:
    path: Path

    def _read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged trust file trusts nothing: the learner is asked again.
            return {}
        hashes = data.get("trusted") if isinstance(data, dict) else None
        return dict(hashes) if isinstance(hashes, dict) else {}

    def needs_asking(self, deck: Deck) -> bool:
        """True when the deck runs code and its current content was never trusted."""
        if deck.bundled or not any(card.kind.is_live for card in deck.cards):
            return False
        return deck.content_hash not in self._read()

    def trust(self, deck: Deck) -> None:
        trusted = self._read()
        trusted[deck.content_hash] = str(deck.path) if deck.path else deck.slug
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename so a crash never leaves half a file.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".trust-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"trusted": trusted}, out, indent=2, sort_keys=True)
        os.replace(tmp, self.path)


def snippets(deck: Deck) -> list[tuple[str, str]]:
    """Every piece of code the deck would run, labelled, for the trust prompt."""
    out: list[tuple[str, str]] = []
    if deck.setup:
        out.append(("deck setup", deck.setup))
    for card in deck.cards:
        if not card.kind.is_live:
            continue
        if card.setup:
            out.append((f"{card.id} · setup", card.setup))
        code = card.code if card.kind is Kind.PREDICT else card.solution
        if code:
            out.append((f"{card.id} · {card.kind}", code))
    return out
