"""What a snippet may use: the sandbox's limits, all on by default."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits for one snippet run. Every field has a safe default.

    ``timeout_s`` is wall-clock time enforced by the worker (the whole process group is
    killed when it passes). ``cpu_s`` is CPU time (``RLIMIT_CPU``); ``None`` means
    ``timeout_s + 1``, so a snippet that spins several threads still stops.
    ``memory_bytes`` is how much more memory the snippet may allocate on top of what the
    warm worker already holds (``RLIMIT_DATA`` relative to current use; ``RLIMIT_AS``
    would break torch). ``output_bytes`` caps what the snippet shows and, separately,
    its stderr. ``file_bytes`` caps any file it writes (``RLIMIT_FSIZE``),
    ``scratch_bytes`` all of them together (the scratch folder is a private tmpfs of
    that size where the kernel allows) and ``open_files`` its descriptors
    (``RLIMIT_NOFILE``). ``processes`` lets a snippet
    start child processes (off: fork fails, threads still work) and ``network`` lets
    it reach the network (off: a private network namespace and no inet sockets).
    Turn ``processes`` on only for trusted snippets: as root, nothing but the time
    limit then bounds how many processes a fork bomb makes (the PID namespace still
    kills them all at the end).
    """

    timeout_s: float = 5.0
    cpu_s: float | None = None
    memory_bytes: int = 1 * GiB
    output_bytes: int = 64 * KiB
    file_bytes: int = 16 * MiB
    scratch_bytes: int = 64 * MiB
    open_files: int = 256
    processes: bool = False
    network: bool = False

    def __post_init__(self) -> None:
        if self.timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if self.cpu_s is not None and self.cpu_s <= 0:
            raise ValueError("cpu_s must be positive")
        for name in ("memory_bytes", "output_bytes", "file_bytes", "scratch_bytes", "open_files"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")

    @property
    def effective_cpu_s(self) -> float:
        return self.cpu_s if self.cpu_s is not None else self.timeout_s + 1.0

    def replace(self, **changes: object) -> Limits:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Limits:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def format_bytes(n: int) -> str:
    """``1073741824`` -> ``"1 GiB"``; ``65536`` -> ``"64 KiB"``; plain words for messages."""
    for unit, size in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} bytes"


def format_seconds(s: float) -> str:
    return f"{s:g} s"
