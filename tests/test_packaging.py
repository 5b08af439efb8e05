"""A plain `pip install .` carries the bundled decks inside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_wheel_ships_the_bundled_decks_and_finds_them(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)],
        check=True, capture_output=True,
    )
    (wheel,) = (tmp_path / "dist").glob("quizapp-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    shipped = sorted(n for n in names if n.startswith("quizapp/_bundled_decks/"))
    in_repo = sorted(p.name for p in (ROOT / "decks").glob("*.yaml"))
    assert [Path(n).name for n in shipped] == in_repo and in_repo

    env = {**os.environ, "PYTHONPATH": str(site), "QUIZAPP_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run(
        [sys.executable, "-m", "quizapp", "decks"], cwd=tmp_path, env=env,
        capture_output=True, text=True, check=True,
    ).stdout
    assert f"bundled: {site / 'quizapp' / '_bundled_decks'}" in out
