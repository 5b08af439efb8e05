"""The parent side of the warm worker: `Runner`."""

from __future__ import annotations

from quizapp.runner.limits import Limits
from quizapp.runner.result import RunResult


class RunnerError(RuntimeError):
    """The runner itself failed (not the snippet): e.g. the worker cannot start."""


class Runner:
    def __init__(self, limits: Limits | None = None, *, jobs: int | None = None) -> None:
        self.limits = limits or Limits()
        self.jobs = jobs

    def start(self) -> Runner:
        raise NotImplementedError

    @property
    def ready(self) -> bool:
        raise NotImplementedError

    def wait_ready(self, timeout: float | None = None) -> bool:
        raise NotImplementedError

    def run(self, code: str, *, setups=(), seed: int = 0, limits: Limits | None = None,
            requires=()) -> RunResult:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Runner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
