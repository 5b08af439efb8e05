"""What running a snippet produced: shown output, stderr, exception, limits hit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class RunStatus(StrEnum):
    """How a run ended, from the learner's point of view."""

    COMPLETED = "completed"  # ran to its end
    RAISED = "raised"  # an exception escaped the snippet (or its setup)
    STOPPED = "stopped"  # a limit stopped it, it crashed, or it exited early
    SKIPPED = "skipped"  # a required module is missing; nothing ran


@dataclass(frozen=True, slots=True)
class ExceptionInfo:
    """An exception that escaped the snippet.

    ``type`` is the class name as a learner writes it (``IndexError``);
    ``qualified_type`` adds the module (``builtins.IndexError``,
    ``torch.OutOfMemoryError``). ``bases`` lists the qualified names of the class's
    ancestors, nearest first, so a verdict can tell "right family, wrong class".
    ``traceback`` holds only frames of the snippet's own code (and its setup), one
    line each, e.g. ``line 2, in <snippet>: torch.index_select(A, 1, idx)``; ``line``
    is the line of the snippet where it was raised (``None`` when it came from the
    setup). ``where`` is ``"code"`` or ``"setup"``.
    """

    type: str
    qualified_type: str
    message: str
    traceback: tuple[str, ...] = ()
    line: int | None = None
    where: str = "code"
    bases: tuple[str, ...] = ()

    @property
    def headline(self) -> str:
        """``IndexError: index out of range`` -- the line a learner reads first."""
        return f"{self.type}: {self.message}" if self.message else self.type

    def format(self) -> str:
        """The exception as a learner wants to read it: snippet frames, then the headline."""
        lines = []
        if self.traceback:
            lines.append("Traceback (snippet lines only):")
            lines.extend(f"  {line}" for line in self.traceback)
        lines.append(self.headline)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {
            "type": self.type,
            "qualified_type": self.qualified_type,
            "message": self.message,
            "traceback": list(self.traceback),
            "line": self.line,
            "where": self.where,
            "bases": list(self.bases),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ExceptionInfo:
        return cls(
            type=str(data["type"]),
            qualified_type=str(data.get("qualified_type") or data["type"]),
            message=str(data.get("message", "")),
            traceback=tuple(str(x) for x in data.get("traceback", ())),
            line=data.get("line") if isinstance(data.get("line"), int) else None,
            where=str(data.get("where", "code")),
            bases=tuple(str(x) for x in data.get("bases", ())),
        )


@dataclass(frozen=True, slots=True)
class RunResult:
    """Everything one run of a snippet produced.

    ``shown`` is what a notebook cell shows: what the snippet printed, then the repr of
    its last expression when that is not None. It is cleaned of ANSI escapes and
    control characters, and cut at the output limit. ``stderr`` is kept apart (torch
    warnings go there), cleaned the same way. ``exit_code``/``signal`` describe how the
    snippet's process ended (``signal`` is set when it was killed). ``limits_hit``
    says in plain words what stopped it, e.g. ``"stopped after 5 s (time limit)"``,
    ``"memory limit of 1 GiB reached"``, ``"output cut at 64 KiB"``,
    ``"crashed: segmentation fault"``. ``missing`` lists required modules that are
    not installed; then nothing ran.
    """

    shown: str = ""
    stderr: str = ""
    exception: ExceptionInfo | None = None
    exit_code: int | None = 0
    signal: int | None = None
    duration_ms: float = 0.0
    limits_hit: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def status(self) -> RunStatus:
        if self.missing:
            return RunStatus.SKIPPED
        if self.limits_hit or self.signal is not None:
            return RunStatus.STOPPED
        if self.exception is not None:
            return RunStatus.RAISED
        if self.exit_code != 0:
            return RunStatus.STOPPED
        return RunStatus.COMPLETED

    @property
    def completed(self) -> bool:
        """True when the snippet ran to its end: no exception, no limit, no crash."""
        return self.status is RunStatus.COMPLETED

    @property
    def problem(self) -> str | None:
        """One line saying why the run did not complete, or None when it did."""
        status = self.status
        if status is RunStatus.COMPLETED:
            return None
        if status is RunStatus.SKIPPED:
            return "not run: needs " + ", ".join(self.missing) + " (not installed)"
        if self.limits_hit:
            return "; ".join(self.limits_hit)
        if self.exception is not None:
            return f"raised {self.exception.headline}"
        return f"exited with status {self.exit_code}"

    def to_dict(self) -> dict:
        return {
            "shown": self.shown,
            "stderr": self.stderr,
            "exception": self.exception.to_dict() if self.exception else None,
            "exit_code": self.exit_code,
            "signal": self.signal,
            "duration_ms": round(self.duration_ms, 3),
            "limits_hit": list(self.limits_hit),
            "missing": list(self.missing),
            "status": str(self.status),
        }

    @classmethod
    def from_dict(cls, data: dict) -> RunResult:
        exc = data.get("exception")
        return cls(
            shown=str(data.get("shown", "")),
            stderr=str(data.get("stderr", "")),
            exception=ExceptionInfo.from_dict(exc) if exc else None,
            exit_code=data.get("exit_code"),
            signal=data.get("signal"),
            duration_ms=float(data.get("duration_ms", 0.0)),
            limits_hit=tuple(str(x) for x in data.get("limits_hit", ())),
            missing=tuple(str(x) for x in data.get("missing", ())),
        )
