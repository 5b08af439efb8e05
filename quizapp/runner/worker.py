"""The warm worker: one process imports torch once and forks a sandboxed child per snippet.

Started by ``Runner`` as ``python -m quizapp.runner.worker SCRATCH_BASE``. It talks to
its parent over stdin/stdout with length-prefixed JSON frames (``protocol``), runs up
to ``jobs`` snippets at once, and enforces what a child cannot enforce on itself: the
wall-clock limit, the output cap, killing the whole process group, and removing the
scratch folder. It exits when its stdin closes, so it never outlives the app.

Why fork from a warm process: importing torch costs about 1.5 s; a fork costs a few
milliseconds, and the child starts with torch loaded but with none of another
snippet's state.

Why ``torch.set_num_threads(1)`` here: if this process ever ran a multi-threaded torch
op before forking, children that use threads would hang (pytorch#41197). The worker
keeps to one thread, and each child restores the default thread count.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib.util
import json
import os
import selectors
import shutil
import signal
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field

from quizapp.runner import protocol, sandbox
from quizapp.runner.cell import execute
from quizapp.runner.clean import clean_output
from quizapp.runner.limits import Limits, format_bytes

RESULT_CAP = 1 << 20  # the child's structured result; anything bigger is not ours
MESSAGE_CAP = 4000  # characters of an exception message kept
EXIT_SETUP_FAILED = 70
# After the snippet's process exits, how long to wait for stragglers holding its pipes
# (only possible without a PID namespace) before killing its process group.
EXIT_GRACE_S = 0.2

_SIGNAL_WORDS = {
    signal.SIGSEGV: "segmentation fault",
    signal.SIGBUS: "bus error",
    signal.SIGABRT: "aborted",
    signal.SIGFPE: "floating-point exception",
    signal.SIGILL: "illegal instruction",
    signal.SIGSYS: "bad system call",
    signal.SIGTRAP: "trace/breakpoint trap",
}


@dataclass
class Job:
    id: int
    code: str
    setups: tuple[str, ...]
    seed: int
    limits: Limits
    requires: tuple[str, ...]
    received: float
    pid: int = 0
    scratch: str = ""
    started: float = 0.0
    deadline: float = 0.0
    fds: dict = field(default_factory=dict)  # fd -> "shown" | "stderr" | "result"
    shown: bytearray = field(default_factory=bytearray)
    stderr: bytearray = field(default_factory=bytearray)
    result: bytearray = field(default_factory=bytearray)
    wait_status: int | None = None
    cpu_s: float = 0.0
    exited_at: float | None = None
    killed_for: str | None = None


class Worker:
    def __init__(self, scratch_base: str, proto_in: int, proto_out: int) -> None:
        self.scratch_base = scratch_base
        self.proto_in = proto_in
        self.proto_out = proto_out
        self.jobs_max = max(
            1, int(os.environ.get("QUIZAPP_RUNNER_JOBS", "0") or 0) or len(os.sched_getaffinity(0))
        )
        self.queue: list[Job] = []
        self.running: dict[int, Job] = {}  # pid -> job
        self.by_fd: dict[int, Job] = {}
        self.selector = selectors.DefaultSelector()
        self.frames = protocol.FrameReader()
        self.own_pidns = -1
        self.caps: sandbox.Capabilities | None = None
        self.torch = None
        self.threads = 1
        self.lifeline_r, self.lifeline_w = os.pipe()
        self.devnull = os.open(os.devnull, os.O_RDWR)
        self.closing = False

    # --- startup -------------------------------------------------------------------

    def start(self, why_not: dict) -> None:
        """Probe the sandbox, import torch, warm up, and tell the parent we are ready.

        ``why_not`` holds what ``isolate_worker`` could not do.
        """
        sandbox.cap_last()  # cached now, so no child reads it
        found = sandbox.probe_capabilities(why_not)
        caps = sandbox.turned_off(found, why_not)
        if caps["pid_namespace"]:
            self.own_pidns = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        self.caps = sandbox.Capabilities(why_not=why_not, **caps)

        import torch  # the one place in quizapp that imports torch

        self.torch = torch
        self.threads = torch.get_num_threads()
        torch.set_num_threads(1)
        self._warm_up()
        protocol.write_frame(
            self.proto_out,
            {
                "op": "ready",
                "torch": torch.__version__,
                "pid": _host_pid(),
                "jobs": self.jobs_max,
                "caps": self.caps.to_dict(),
            },
        )

    def _warm_up(self) -> None:
        """Load what snippets commonly touch, so each child does not pay for it."""
        import collections  # noqa: F401
        import itertools  # noqa: F401
        import math  # noqa: F401
        import random  # noqa: F401

        torch = self.torch
        for name in (
            "numpy",
            "numpy.random",
            "torch.nn",
            "torch.nn.functional",
            "torch.optim",
            "torch.utils.data",
            "torch.distributions",
        ):
            with contextlib.suppress(ImportError):
                __import__(name)
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed(0)  # the lazy import cost 10 ms a child
        # Tiny single-threaded ops page in the tensor printing code paths.
        for value in (
            torch.tensor([[1.0, 2.5], [3.0, 4.0]]),
            torch.tensor([1, 2]),
            torch.tensor([True]),
            torch.zeros(2, requires_grad=True) * 2,
            torch.tensor(1 + 2j),
            torch.Size([2, 3]),
            torch.float64,
        ):
            repr(value)
        torch.manual_seed(0)
        if os.environ.get("QUIZAPP_RUNNER_PRELOAD", "1") == "0":
            return  # one snippet and done: the steps below would not pay for themselves
        # Children would otherwise copy the whole heap on their first full garbage
        # collection (it writes to every object): measured 200 ms a fork.
        gc.collect()
        gc.freeze()
        collapse_huge_pages()

    # --- main loop -----------------------------------------------------------------

    def serve(self) -> None:
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_r, False)
        os.set_blocking(wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
        self.selector.register(self.proto_in, selectors.EVENT_READ, "request")
        self.selector.register(wake_r, selectors.EVENT_READ, "wake")
        while not (self.closing and not self.running):
            for key, _ in self.selector.select(self._next_timeout()):
                if key.data == "request":
                    self._read_requests()
                elif key.data == "wake":
                    try:
                        while os.read(wake_r, 4096):
                            pass
                    except BlockingIOError:
                        pass
                else:
                    self._read_child(key.fd)
            self._reap()
            self._enforce_deadlines()
            self._finish_done()
            self._start_queued()

    def _next_timeout(self) -> float | None:
        moments = []
        for job in self.running.values():
            moments.append(job.deadline)
            if job.exited_at is not None:
                moments.append(job.exited_at + EXIT_GRACE_S)
        if not moments:
            return None
        return max(0.0, min(moments) - time.monotonic())

    def _read_requests(self) -> None:
        try:
            data = os.read(self.proto_in, 1 << 20)
        except OSError:
            data = b""
        if not data:
            self._shutdown()
            return
        for message in self.frames.feed(data):
            op = message.get("op")
            if op == "run":
                self.queue.append(self._job_from(message))
            elif op == "shutdown":
                self._shutdown()

    def _shutdown(self) -> None:
        if self.closing:
            return
        self.closing = True
        self.selector.unregister(self.proto_in)
        self.queue.clear()
        for job in self.running.values():
            self._kill(job, None)

    def _job_from(self, message: dict) -> Job:
        return Job(
            id=int(message["id"]),
            code=str(message.get("code", "")),
            setups=tuple(str(s) for s in message.get("setups", ())),
            seed=int(message.get("seed", 0)),
            limits=Limits.from_dict(message.get("limits") or {}),
            requires=tuple(str(r) for r in message.get("requires", ())),
            received=time.monotonic(),
        )

    def _start_queued(self) -> None:
        while self.queue and len(self.running) < self.jobs_max and not self.closing:
            job = self.queue.pop(0)
            missing = [name for name in job.requires if not _importable(name)]
            if missing:
                self._send(job, {"missing": missing, "exit_code": None})
                continue
            try:
                self._spawn(job)
            except OSError as exc:
                self._send(
                    job,
                    {
                        "exit_code": None,
                        "limits_hit": [f"could not start the snippet: {exc.strerror or exc}"],
                    },
                )

    # --- one snippet ----------------------------------------------------------------

    def _spawn(self, job: Job) -> None:
        assert self.caps is not None
        job.scratch = tempfile.mkdtemp(prefix="snippet-", dir=self.scratch_base)
        pipes = [os.pipe() for _ in range(3)]
        use_pidns = self.caps.pid_namespace
        if use_pidns:
            sandbox.unshare(sandbox.CLONE_NEWPID)
        pid = -1
        try:
            pid = os.fork()
        except OSError:
            for r, w in pipes:
                os.close(r)
                os.close(w)
            shutil.rmtree(job.scratch, ignore_errors=True)
            raise
        finally:
            if use_pidns and pid != 0:
                # Back to our own namespace for children, ready for the next unshare.
                sandbox.setns(self.own_pidns, sandbox.CLONE_NEWPID)
        if pid == 0:  # pragma: no cover - the child; measured by the hostile tests
            self._child(job, [w for _, w in pipes])
        job.pid = pid
        job.started = time.monotonic()
        job.deadline = job.started + job.limits.timeout_s
        for (r, w), name in zip(pipes, ("shown", "stderr", "result"), strict=True):
            os.close(w)
            os.set_blocking(r, False)
            job.fds[r] = name
            self.by_fd[r] = job
            self.selector.register(r, selectors.EVENT_READ, name)
        self.running[pid] = job

    def _child(self, job: Job, writers: list[int]) -> None:
        """In the forked child: seal the sandbox, run the cell, report, exit."""
        code = EXIT_SETUP_FAILED
        report_fd = [writers[2]]  # becomes 3 once the descriptors are in place
        try:
            code = self._child_inner(job, writers, report_fd)
        except BaseException as exc:  # report setup failures; never run unprotected
            with contextlib.suppress(OSError):
                message = {"sandbox_error": f"{type(exc).__name__}: {exc}"}
                _write(report_fd[0], _dumps(message).encode())
        finally:
            os._exit(code)

    def _child_inner(self, job: Job, writers: list[int], report_fd: list[int]) -> int:
        caps = self.caps
        assert caps is not None
        limits = job.limits
        os.setsid()
        sandbox.die_with_parent()
        import select

        poller = select.poll()
        poller.register(self.lifeline_r, select.POLLIN)
        if poller.poll(0):  # the worker died before PDEATHSIG was armed
            return EXIT_SETUP_FAILED
        os.dup2(self.devnull, 0)
        for target, fd in zip((1, 2, 3), writers, strict=True):
            os.dup2(fd, target)
        report_fd[0] = 3
        os.closerange(4, 2**31 - 1)  # close_range(2): cheap whatever the limit

        if caps.user_namespace:
            flags = 0 if limits.network else sandbox.CLONE_NEWNET
            if caps.scratch_tmpfs:
                flags |= sandbox.CLONE_NEWNS
            sandbox.enter_user_namespace(flags)
            if caps.scratch_tmpfs:
                sandbox.mount_scratch(job.scratch, limits.scratch_bytes)
        elif caps.net_namespace and not limits.network:
            sandbox.unshare(sandbox.CLONE_NEWNET)
        os.chdir(job.scratch)
        os.environ.clear()
        os.environ.update(
            {
                "PATH": "/usr/local/bin:/usr/bin:/bin",
                "HOME": job.scratch,
                "TMPDIR": job.scratch,
                "LANG": "C.UTF-8",
                "PYTHONHASHSEED": "0",
                "PYTHONIOENCODING": "utf-8",
            }
        )
        tempfile.tempdir = job.scratch
        sys.dont_write_bytecode = True
        try:
            with open("/proc/self/oom_score_adj", "w") as f:  # die first if memory runs out
                f.write("1000")
        except OSError:
            pass
        sandbox.set_rlimits(limits)
        if caps.cap_drop:
            sandbox.drop_capabilities()
        if caps.landlock_abi:
            sandbox.landlock_restrict_writes(
                job.scratch, network=limits.network, abi=caps.landlock_abi
            )
        if caps.seccomp:
            sandbox.install_seccomp(processes=limits.processes, network=limits.network)

        import io
        import random

        torch = self.torch
        torch.set_num_threads(self.threads)
        random.seed(job.seed)
        torch.manual_seed(job.seed)
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed(job.seed % (1 << 32))
        shown = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        err = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        sys.stdout, sys.stderr = shown, err
        sys.stdin = open(os.devnull)  # noqa: SIM115 - lives as long as the child
        exception = execute(job.code, job.setups, shown=shown, setup_out=err)
        if exception is not None and len(exception["message"]) > MESSAGE_CAP:
            exception["message"] = exception["message"][:MESSAGE_CAP] + " …"
        payload = {"exception": exception}
        if exception is not None:
            exc_errno = _errno_of(exception)
            if exc_errno is not None:
                payload["errno"] = exc_errno
        # Nothing to flush: `shown` writes through to the pipe. `_write` and `_dumps`
        # were bound at import, so a snippet that patches os or json cannot garble this.
        _write(3, _dumps(payload).encode())
        return 0

    # --- watching children ------------------------------------------------------------

    def _read_child(self, fd: int) -> None:
        job = self.by_fd.get(fd)
        if job is None:
            return
        try:
            data = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._close_fd(job, fd)
            return
        stream = job.fds[fd]
        if stream == "result":
            if len(job.result) + len(data) <= RESULT_CAP:
                job.result += data
            return
        buffer = job.shown if stream == "shown" else job.stderr
        room = job.limits.output_bytes - len(buffer)
        if len(data) > room:
            buffer += data[: max(room, 0)]
            self._kill(job, "output" if stream == "shown" else "stderr")
        else:
            buffer += data

    def _close_fd(self, job: Job, fd: int) -> None:
        self.selector.unregister(fd)
        os.close(fd)
        del job.fds[fd]
        del self.by_fd[fd]

    def _reap(self) -> None:
        # The worker is PID 1 of its namespace, so orphans of a snippet that had no
        # PID namespace of its own end up as its children too: reap everything.
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            job = self.running.get(pid)
            if job is None or job.wait_status is not None:
                continue
            job.wait_status = status
            job.exited_at = time.monotonic()
            job.cpu_s = usage.ru_utime + usage.ru_stime

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for job in self.running.values():
            if job.wait_status is None and now >= job.deadline:
                self._kill(job, "time")
            elif job.exited_at is not None and job.fds and now >= job.exited_at + EXIT_GRACE_S:
                # Without a PID namespace, a straggler may hold the pipes open.
                self._killpg(job)
                for fd in list(job.fds):
                    self._drain(job, fd)
                    self._close_fd(job, fd)

    def _drain(self, job: Job, fd: int) -> None:
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            return
        if job.fds[fd] == "result" and len(job.result) + len(data) <= RESULT_CAP:
            job.result += data

    def _kill(self, job: Job, reason: str | None) -> None:
        if job.killed_for is None and reason is not None:
            job.killed_for = reason
        self._killpg(job)
        if job.wait_status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(job.pid, signal.SIGKILL)

    def _killpg(self, job: Job) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(job.pid, signal.SIGKILL)

    def _finish_done(self) -> None:
        for pid, job in list(self.running.items()):
            if job.wait_status is None or job.fds:
                continue
            del self.running[pid]
            self._killpg(job)  # anything left in its group (no-op with a PID namespace)
            _remove_tree(job.scratch)
            self._send(job, self._result_of(job))

    def _result_of(self, job: Job) -> dict:
        limits = job.limits
        status = job.wait_status or 0
        exit_code = os.waitstatus_to_exitcode(status)
        sig = -exit_code if exit_code < 0 else None
        hit: list[str] = []
        report: dict = {}
        try:
            report = json.loads(bytes(job.result)) if job.result else {}
            if not isinstance(report, dict):
                report = {}
        except ValueError:
            report = {}
        exception = report.get("exception") if isinstance(report.get("exception"), dict) else None
        if job.killed_for == "time":
            hit.append(f"stopped after {limits.timeout_s:g} s (time limit)")
        elif job.killed_for == "output":
            hit.append(f"output cut at {format_bytes(limits.output_bytes)}")
        elif job.killed_for == "stderr":
            hit.append(f"stderr cut at {format_bytes(limits.output_bytes)}")
        elif sig in (signal.SIGXCPU, signal.SIGKILL) and job.cpu_s >= limits.effective_cpu_s - 0.05:
            hit.append(f"stopped after {limits.effective_cpu_s:g} s of CPU time (CPU limit)")
        elif sig == signal.SIGXFSZ:
            hit.append(f"file size limit of {format_bytes(limits.file_bytes)} reached")
        elif sig is not None:
            words = _SIGNAL_WORDS.get(sig)
            hit.append(f"crashed: {words}" if words else f"killed by {signal.Signals(sig).name}")
        elif "sandbox_error" in report:
            hit.append(f"the sandbox could not be set up: {report['sandbox_error']}")
        elif "exception" not in report:
            hit.append(f"ended early with exit status {exit_code}")
        if exception is not None and not job.killed_for:
            hit.extend(_limit_behind(exception, report.get("errno"), limits))
        return {
            "shown": clean_output(bytes(job.shown)),
            "stderr": clean_output(bytes(job.stderr)),
            "exception": _clean_exception(exception) if exception else None,
            "exit_code": exit_code if sig is None else None,
            "signal": sig,
            "duration_ms": round((time.monotonic() - job.started) * 1000, 3),
            "limits_hit": hit,
        }

    def _send(self, job: Job, result: dict) -> None:
        result.setdefault("duration_ms", round((time.monotonic() - job.received) * 1000, 3))
        try:
            protocol.write_frame(self.proto_out, {"op": "result", "id": job.id, "result": result})
        except OSError:
            self._shutdown()


_write = os.write
_dumps = json.dumps

MADV_COLLAPSE = 25
_HUGE = 2 << 20


def collapse_huge_pages() -> None:
    """Back the worker's big anonymous regions with 2 MiB pages, where the kernel can.

    Fork copies one page-table entry per 4 KiB page of the ~150 MiB the warm worker
    holds, and exit frees them again: that, not the snippet, was most of a run's cost.
    With huge pages there are 512 times fewer entries (measured here: fork + exit from
    10.5 ms to 3.7 ms). A child writing to a shared huge page gets a 4 KiB copy, as
    before. ``MADV_COLLAPSE`` (Linux 6.1) works whatever the THP sysfs mode, except
    "never"; where it fails nothing changes.
    """
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        with open("/proc/self/maps") as maps:
            lines = maps.readlines()
    except OSError:
        return
    for line in lines:
        fields = line.split()
        anonymous = len(fields) < 6 or fields[5] == "[heap]"
        if not anonymous or not fields[1].startswith("rw"):
            continue
        start, end = (int(x, 16) for x in fields[0].split("-"))
        start = (start + _HUGE - 1) & ~(_HUGE - 1)
        end &= ~(_HUGE - 1)
        if end - start >= 2 * _HUGE:
            libc.madvise(ctypes.c_void_p(start), ctypes.c_size_t(end - start), MADV_COLLAPSE)


def _host_pid() -> int:
    """This process's id as the app sees it (it is 1 inside the worker's namespace)."""
    try:
        return int(os.readlink("/proc/self"))  # /proc belongs to the app's namespace
    except (OSError, ValueError):
        return os.getpid()


def _importable(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _errno_of(exception: dict) -> int | None:
    message = exception.get("message", "")
    if message.startswith("[Errno "):
        try:
            return int(message[7 : message.index("]")])
        except ValueError:
            return None
    return None


def _limit_behind(exception: dict, exc_errno: object, limits: Limits) -> list[str]:
    """A limit that shows up as an exception rather than a signal."""
    kinds = [exception.get("qualified_type", ""), *exception.get("bases", [])]
    message = exception.get("message", "")
    if "builtins.MemoryError" in kinds or (
        "can't allocate memory" in message or "not enough memory" in message
    ):
        return [f"memory limit of {format_bytes(limits.memory_bytes)} reached"]
    if exc_errno == errno.EFBIG:
        return [f"file size limit of {format_bytes(limits.file_bytes)} reached"]
    if exc_errno == errno.ENOSPC:
        return [f"scratch space of {format_bytes(limits.scratch_bytes)} full"]
    if exc_errno == errno.EMFILE:
        return [f"open-file limit of {limits.open_files} reached"]
    return []


def _clean_exception(exception: dict) -> dict:
    from quizapp.runner.clean import clean_text

    out = dict(exception)
    for key in ("type", "qualified_type", "message", "where"):
        out[key] = clean_text(str(out.get(key, "")))
    out["traceback"] = [clean_text(str(x)) for x in out.get("traceback", [])][:50]
    out["bases"] = [clean_text(str(x)) for x in out.get("bases", [])][:20]
    return out


def _remove_tree(path: str) -> None:
    """Remove a scratch folder, even one whose modes a snippet changed."""

    def fix_and_retry(func, target, _exc) -> None:
        parent = os.path.dirname(target)
        try:
            os.chmod(parent, stat.S_IRWXU)
            if os.path.isdir(target) and not os.path.islink(target):
                os.chmod(target, stat.S_IRWXU)
            func(target)
        except OSError:
            pass

    if path:
        shutil.rmtree(path, onerror=fix_and_retry)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    scratch_base = argv[0] if argv else tempfile.mkdtemp(prefix="quizapp-runner-")
    # The protocol moves to private descriptors; stdin becomes /dev/null and stdout goes
    # to stderr, so nothing printed by a library can corrupt a frame.
    proto_in = os.dup(0)
    proto_out = os.dup(1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    why_not: dict = {}
    sandbox.isolate_worker(why_not, keep_fds=(proto_in, proto_out))
    worker = Worker(scratch_base, proto_in, proto_out)
    try:
        worker.start(why_not)
    except BaseException as exc:
        protocol.write_frame(proto_out, {"op": "fatal", "error": f"{type(exc).__name__}: {exc}"})
        raise SystemExit(1) from None
    worker.serve()
    shutil.rmtree(scratch_base, ignore_errors=True)
    # Skip interpreter teardown: unloading torch takes longer than everything else
    # the worker does on the way out, and there is nothing left to flush.
    os._exit(0)


if __name__ == "__main__":
    main()
