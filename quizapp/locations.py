"""Every path quizapp reads or writes, in one place.

Nothing here touches the disk at import time; callers create folders when they
write. Environment variables override the platform defaults so tests and
scripts can point quizapp anywhere:

- ``QUIZAPP_DB``: the progress database file
- ``QUIZAPP_DATA_DIR``: the user data folder (database, user decks, trust list)
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "quizapp"


def data_dir() -> Path:
    override = os.environ.get("QUIZAPP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    override = os.environ.get("QUIZAPP_DB")
    if override:
        return Path(override).expanduser()
    return data_dir() / "progress.db"


def user_decks_dir() -> Path:
    """Where a user keeps their own decks; `quizapp decks` lists them with the bundled ones."""
    return data_dir() / "decks"


def trust_file() -> Path:
    """Content hashes of deck files whose snippets the user agreed to run."""
    return data_dir() / "trusted-decks.json"


def bundled_decks_dir() -> Path:
    """The decks shipped with quizapp.

    An installed wheel carries them inside the package (``_bundled_decks``); a
    checkout or editable install reads the repository's top-level ``decks/``.
    """
    package_dir = Path(__file__).resolve().parent
    inside = package_dir / "_bundled_decks"
    if inside.is_dir():
        return inside
    return package_dir.parent / "decks"
