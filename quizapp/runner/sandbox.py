"""The sandbox a snippet runs in, set up in the forked child before its code runs."""

from __future__ import annotations

from typing import NamedTuple


class Protection(NamedTuple):
    protection: str
    active: bool
    detail: str


def sandbox_info() -> list[Protection]:
    raise NotImplementedError
