"""The parent side of the warm worker: `Runner`.

The worker is a separate Python process (``quizapp.runner.worker``) so that torch is
never imported into the app. A reader thread takes its replies and hands each to the
caller waiting for it, so several threads can run snippets at once; the worker runs up
to ``jobs`` of them in parallel.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

from quizapp.runner import protocol
from quizapp.runner.limits import Limits
from quizapp.runner.result import RunResult
from quizapp.runner.sandbox import Capabilities, Protection, describe

# How long the worker may take to import torch. About 1.5 s on an idle machine; a busy
# CI box can take much longer, and failing a study session for it would be worse.
STARTUP_TIMEOUT_S = 180.0
# Beyond a snippet's own time limit, how long to wait for the worker before deciding
# it is stuck and restarting it.
REPLY_GRACE_S = 30.0

WORKER_MODULE = "quizapp.runner.worker"

_WORKER_CRASHED = "crashed: the runner's worker process died (it has been restarted)"
_WORKER_STUCK = "stopped: the runner's worker stopped answering (it has been restarted)"


class RunnerError(RuntimeError):
    """The runner itself failed (not the snippet): e.g. torch cannot be imported."""


class _Pending:
    __slots__ = ("event", "result")

    def __init__(self) -> None:
        self.event = threading.Event()
        self.result: dict | None = None


class _Worker:
    """One worker process and the thread that reads its replies."""

    def __init__(self, jobs: int, *, preload: bool = True) -> None:
        self.scratch = tempfile.mkdtemp(prefix="quizapp-runner-")
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        package_root = str(Path(__file__).resolve().parents[2])
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": self.scratch,
            "PYTHONHASHSEED": "0",  # reproducible set and dict-of-set printing
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPATH": package_root,
            "QUIZAPP_RUNNER_JOBS": str(jobs),
            "QUIZAPP_RUNNER_PRELOAD": "1" if preload else "0",
        }
        if os.environ.get("QUIZAPP_RUNNER_WITHOUT"):
            env["QUIZAPP_RUNNER_WITHOUT"] = os.environ["QUIZAPP_RUNNER_WITHOUT"]
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", WORKER_MODULE, self.scratch],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                env=env,
                cwd=self.scratch,
                close_fds=True,
                start_new_session=True,  # Ctrl-C in the terminal is the app's, not the worker's
            )
        except OSError as exc:
            self.stderr.close()
            shutil.rmtree(self.scratch, ignore_errors=True)
            raise RunnerError(f"cannot start the torch worker: {exc.strerror or exc}") from None
        self.pending: dict[int, _Pending] = {}
        self.lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.ready = threading.Event()
        self.dead = threading.Event()
        self.info: dict = {}
        self.fatal: str | None = None
        self.reader = threading.Thread(target=self._read, name="quizapp-runner-reader", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        frames = protocol.FrameReader()
        stream = self.process.stdout
        assert stream is not None
        try:
            while chunk := stream.read1(1 << 16):
                for message in frames.feed(chunk):
                    self._dispatch(message)
        except (OSError, ValueError, protocol.ProtocolError) as exc:
            self.fatal = self.fatal or f"lost contact with the worker: {exc}"
        finally:
            self.dead.set()
            self.ready.set()  # wake anyone waiting for a start that will never come
            with self.lock:
                waiting = list(self.pending.values())
                self.pending.clear()
            for pending in waiting:
                pending.event.set()

    def _dispatch(self, message: dict) -> None:
        op = message.get("op")
        if op == "ready":
            self.info = message
            self.ready.set()
        elif op == "fatal":
            self.fatal = str(message.get("error", "unknown error"))
        elif op == "result":
            with self.lock:
                pending = self.pending.pop(int(message.get("id", -1)), None)
            if pending is not None:
                pending.result = message.get("result")
                pending.event.set()

    def send(self, message: dict) -> None:
        data = protocol.encode(message)
        stdin = self.process.stdin
        assert stdin is not None
        with self.write_lock:
            stdin.write(data)
            stdin.flush()

    def stderr_tail(self) -> str:
        try:
            self.stderr.seek(0)
            return self.stderr.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def close(self, *, kill: bool = False) -> None:
        try:
            if self.process.stdin:
                self.process.stdin.close()  # the worker exits when its stdin closes
        except OSError:
            pass
        if kill:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stdout:
            self.process.stdout.close()
        self.stderr.close()
        shutil.rmtree(self.scratch, ignore_errors=True)


class Runner:
    """A warm torch worker that runs snippets in sandboxed, forked children.

    ``start()`` returns at once; torch loads in the background. ``run()`` blocks until
    the worker is warm, then runs one snippet. Safe to call from several threads. If
    the worker process dies, the runs in flight report it and the next run starts a
    fresh worker. ``jobs`` is how many snippets run in parallel (default: CPU cores).
    ``preload=False`` skips the warm-up that makes each fork cheap (gc.freeze, huge
    pages): right for a single run, as in ``quizapp run-snippet``.
    """

    def __init__(
        self, limits: Limits | None = None, *, jobs: int | None = None, preload: bool = True
    ) -> None:
        self.limits = limits or Limits()
        self.jobs = jobs or len(os.sched_getaffinity(0))
        self.preload = preload
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False

    # --- lifecycle -------------------------------------------------------------------

    def start(self) -> Runner:
        """Start the worker in the background (no-op when running). Returns self.

        Never waits and never fails for the machine's sake: a worker that cannot start
        (no torch, not Linux) is reported by ``wait_ready`` and ``run`` as RunnerError.
        """
        if self._closed:
            raise RunnerError("the runner is closed")
        with contextlib.suppress(RunnerError):  # run() and wait_ready() will say why
            self._current()
        return self

    def _current(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RunnerError("the runner is closed")
            if not sys.platform.startswith("linux"):
                raise RunnerError(
                    "running snippets needs Linux (the sandbox is built on Linux "
                    f"namespaces, Landlock and seccomp); this is {sys.platform}"
                )
            worker = self._worker
            if worker is None or worker.dead.is_set():
                if worker is not None:
                    worker.close(kill=True)
                worker = self._worker = _Worker(self.jobs, preload=self.preload)
            return worker

    @property
    def ready(self) -> bool:
        """True once the worker has imported torch and can run snippets at once."""
        worker = self._worker
        return worker is not None and worker.ready.is_set() and not worker.dead.is_set()

    def wait_ready(self, timeout: float | None = STARTUP_TIMEOUT_S) -> bool:
        """Start if needed and wait until warm. Raises RunnerError if the worker fails."""
        worker = self._current()
        if not worker.ready.wait(timeout):
            return False
        if worker.dead.is_set() or not worker.info:
            raise RunnerError(self._startup_failure(worker))
        return True

    @staticmethod
    def _startup_failure(worker: _Worker) -> str:
        reason = worker.fatal or worker.stderr_tail() or "it exited without saying why"
        return f"the torch worker could not start: {reason}"

    @property
    def worker_pid(self) -> int | None:
        """The id of the process that forks the snippets, once it is warm.

        It is a child of the process the runner started, which stays behind as the
        parent of the worker's PID namespace (see ``sandbox.isolate_worker``).
        """
        worker = self._worker
        if worker is None or worker.process.poll() is not None or not worker.info:
            return None
        return int(worker.info.get("pid") or worker.process.pid)

    @property
    def torch_version(self) -> str | None:
        worker = self._worker
        return worker.info.get("torch") if worker else None

    def close(self) -> None:
        """Stop the worker and remove its scratch folder. The runner cannot be reused."""
        with self._lock:
            self._closed = True
            worker, self._worker = self._worker, None
        if worker is not None:
            worker.close()

    def __enter__(self) -> Runner:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # A runner dropped without close(): do not leave a torch process behind. At
        # interpreter shutdown modules may already be half gone, hence the suppress.
        worker = getattr(self, "_worker", None)
        with contextlib.suppress(OSError, AttributeError, TypeError):
            if worker is not None and worker.process.poll() is None:
                worker.process.kill()
                shutil.rmtree(worker.scratch, ignore_errors=True)

    # --- running --------------------------------------------------------------------

    def run(
        self,
        code: str,
        *,
        setups: Iterable[str] = (),
        seed: int = 0,
        limits: Limits | None = None,
        requires: Iterable[str] = (),
    ) -> RunResult:
        """Run ``setups`` then ``code`` as one notebook cell; return what happened.

        ``seed`` seeds ``random``, numpy and torch in the child. ``limits`` overrides
        the runner's for this run. ``requires`` lists modules the snippet needs; when one
        is missing nothing runs and the result's ``missing`` says which.
        Raises ``RunnerError`` only when the worker cannot start at all.
        """
        limits = limits or self.limits
        if not self.wait_ready():
            raise RunnerError(f"the torch worker did not start within {STARTUP_TIMEOUT_S:g} s")
        worker = self._current()
        if not worker.ready.is_set():  # a fresh worker after a crash
            self.wait_ready()
            worker = self._current()
        job_id = next(self._ids)
        pending = _Pending()
        with worker.lock:
            worker.pending[job_id] = pending
        started = time.monotonic()
        try:
            worker.send(
                {
                    "op": "run",
                    "id": job_id,
                    "code": code,
                    "setups": list(setups),
                    "seed": seed,
                    "limits": limits.to_dict(),
                    "requires": list(requires),
                }
            )
        except (OSError, ValueError):
            pending.event.set()
        # The worker may queue this run behind `jobs` others, each up to its limit.
        patience = limits.timeout_s * (1 + len(worker.pending) / max(worker.info.get("jobs", 1), 1))
        if not pending.event.wait(patience + REPLY_GRACE_S):
            self._replace(worker)
            return _failed(_WORKER_STUCK, started)
        if pending.result is None:
            self._replace(worker)
            return _failed(_WORKER_CRASHED, started)
        return RunResult.from_dict(pending.result)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            if self._worker is worker:
                self._worker = None
        worker.close(kill=True)

    # --- sandbox --------------------------------------------------------------------

    def capabilities(self) -> Capabilities:
        self.wait_ready()
        worker = self._current()
        return Capabilities.from_dict(worker.info.get("caps", {}))

    def sandbox_info(self, limits: Limits | None = None) -> list[Protection]:
        """The protections this runner's snippets get (waits for the worker)."""
        return describe(self.capabilities(), limits or self.limits)


def _failed(message: str, started: float) -> RunResult:
    return RunResult(
        exit_code=None,
        duration_ms=(time.monotonic() - started) * 1000,
        limits_hit=(message,),
    )
