"""Find deck files and load them, keeping the ones that fail beside the ones that load.

A deck that fails to load is never hidden: callers list it with its errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from quizapp import locations
from quizapp.deck.loader import DeckLoadError, LoadError, load_deck
from quizapp.deck.models import Deck

DECK_SUFFIXES = (".yaml", ".yml")


class Origin(StrEnum):
    BUNDLED = "bundled"
    USER = "user"
    PATH = "path"


@dataclass
class DeckSource:
    """One deck file: the deck when it loaded, its errors when it did not."""

    path: Path
    origin: Origin
    deck: Deck | None = None
    errors: list[LoadError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.deck is not None


def deck_files(path: Path) -> list[Path]:
    """The deck files a path names: itself, or the YAML files under a folder."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in DECK_SUFFIXES and p.is_file())
    return [path]


def discover(
    paths: Sequence[Path] | None = None,
    *,
    include_bundled: bool | None = None,
    include_user: bool | None = None,
) -> list[DeckSource]:
    """Load decks from `paths`, or the bundled and user decks when none are given.

    Two files that claim the same deck slug would share progress, so the second is
    reported as an error instead of being loaded.
    """
    explicit = bool(paths)
    if include_bundled is None:
        include_bundled = not explicit
    if include_user is None:
        include_user = not explicit
    candidates: list[tuple[Path, Origin]] = []
    if include_bundled:
        candidates += [(p, Origin.BUNDLED) for p in deck_files(locations.bundled_decks_dir())]
    if include_user and locations.user_decks_dir().is_dir():
        candidates += [(p, Origin.USER) for p in deck_files(locations.user_decks_dir())]
    for path in paths or ():
        if not path.exists():
            candidates.append((path, Origin.PATH))  # load_deck reports it
        else:
            candidates += [(p, Origin.PATH) for p in deck_files(path)]
    return load_all(_unique(candidates))


def load_all(candidates: Iterable[tuple[Path, Origin]]) -> list[DeckSource]:
    sources: list[DeckSource] = []
    owner: dict[str, Path] = {}
    for path, origin in candidates:
        source = DeckSource(path, origin)
        try:
            deck = load_deck(path, bundled=origin is Origin.BUNDLED)
        except DeckLoadError as exc:
            source.errors = exc.errors
        else:
            if deck.slug in owner:
                source.errors = [
                    LoadError(str(path), 1, 1, f"deck `{deck.slug}` is already defined in "
                              f"{owner[deck.slug]}; give this deck another slug", "deck")
                ]
            else:
                owner[deck.slug] = path
                source.deck = deck
        sources.append(source)
    return sources


def _unique(candidates: list[tuple[Path, Origin]]) -> list[tuple[Path, Origin]]:
    seen: set[Path] = set()
    out = []
    for path, origin in candidates:
        key = path.resolve() if path.exists() else path
        if key not in seen:
            seen.add(key)
            out.append((path, origin))
    return out
