"""The sandbox a snippet runs in: Linux namespaces, Landlock, seccomp and rlimits.

Everything here runs in the forked child (or in a throw-away probe process), never in
the process that calls it, because each step is irreversible. The kernel calls go
through ctypes: Python 3.11 has no ``os.unshare`` and nothing for Landlock or seccomp.

Each protection degrades on its own: where a distro blocks unprivileged user
namespaces, say, the snippet still runs under the rest, and ``sandbox_info()`` says
which protections are active. The layers overlap on purpose (a private network
namespace *and* no inet sockets *and* Landlock's TCP rules), so losing one rarely
loses the property it protects.
"""

from __future__ import annotations

import ctypes
import errno
import functools
import os
import resource
import signal
import struct
from dataclasses import dataclass
from typing import NamedTuple

from quizapp.runner.limits import Limits, format_bytes

CLONE_NEWNS = 0x00020000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_THREAD = 0x00010000

PR_SET_PDEATHSIG = 1
PR_SET_SECCOMP = 22
PR_SET_NO_NEW_PRIVS = 38
SECCOMP_MODE_FILTER = 2

AF_INET, AF_INET6, AF_PACKET = 2, 10, 17

# Syscall numbers for the two architectures whose seccomp filters we know how to write.
# Landlock's are the same everywhere (the "unified" table since Linux 5.x).
_ARCH = {
    "x86_64": {
        "audit": 0xC000003E,
        "fork": 57,
        "vfork": 58,
        "clone": 56,
        "clone3": 435,
        "socket": 41,
        "x32_bit": 0x40000000,
    },
    "aarch64": {
        "audit": 0xC00000B7,
        "clone": 220,
        "clone3": 435,
        "socket": 198,
    },
}
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446

LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
FS_WRITE_FILE = 1 << 1
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

_libc: ctypes.CDLL | None = None


def _c() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def _check(result: int, what: str) -> int:
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, f"{what}: {os.strerror(code)}")
    return result


def unshare(flags: int) -> None:
    _check(_c().unshare(ctypes.c_int(flags)), "unshare")


def setns(fd: int, nstype: int) -> None:
    _check(_c().setns(ctypes.c_int(fd), ctypes.c_int(nstype)), "setns")


def prctl(option: int, arg2: int = 0, arg3: int | ctypes.c_void_p = 0) -> None:
    libc = _c()
    _check(
        libc.prctl(
            ctypes.c_int(option), ctypes.c_ulong(arg2), arg3, ctypes.c_ulong(0), ctypes.c_ulong(0)
        ),
        "prctl",
    )


def is_root() -> bool:
    return os.geteuid() == 0


# --- user namespace ---------------------------------------------------------------


def enter_user_namespace(extra_flags: int = 0) -> None:
    """Unshare a user namespace (plus ``extra_flags``) and map our own ids into it.

    Inside, the process keeps its uid (so files it makes are owned as usual) but its
    capabilities only reach things the new namespace owns: root loses its power over
    the host. Must be called while the process has a single thread.
    """
    uid, gid = os.getuid(), os.getgid()
    unshare(CLONE_NEWUSER | extra_flags)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")


MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
MNT_DETACH = 2


def mount_scratch(path: str, size_bytes: int) -> None:
    """Mount a private tmpfs of ``size_bytes`` on ``path`` (needs a mount namespace).

    The snippet's files then live in a filesystem of their own: it cannot fill the
    disk, nothing in it can be executed or be setuid, and it vanishes with the
    snippet's mount namespace. Mounts made in a less privileged mount namespace never
    propagate back to the host's.
    """
    inodes = max(64, min(1 << 16, size_bytes // 4096))
    options = f"size={size_bytes},nr_inodes={inodes},mode=0700".encode()
    _check(
        _c().mount(
            b"quizapp-scratch",
            path.encode(),
            b"tmpfs",
            ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC),
            ctypes.c_char_p(options),
        ),
        "mount",
    )


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


# --- Landlock ---------------------------------------------------------------------


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is unavailable."""
    try:
        result = _c().syscall(
            ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
            None,
            ctypes.c_size_t(0),
            ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION),
        )
    except (AttributeError, OSError):
        return 0
    return max(int(result), 0)


def landlock_restrict_writes(writable_dir: str, *, network: bool, abi: int) -> None:
    """Forbid writing anywhere but ``writable_dir`` (and /dev/null); reads stay open.

    With ABI >= 4 and ``network`` off, TCP bind/connect are denied too; with ABI >= 6
    the process can no longer signal processes or reach abstract unix sockets outside
    its sandbox. Needs ``no_new_privs``, which this sets.
    """
    if abi < 1:
        raise OSError(errno.ENOSYS, "Landlock is not available")
    fs = (
        FS_WRITE_FILE
        | FS_REMOVE_DIR
        | FS_REMOVE_FILE
        | FS_MAKE_CHAR
        | FS_MAKE_DIR
        | FS_MAKE_REG
        | FS_MAKE_SOCK
        | FS_MAKE_FIFO
        | FS_MAKE_BLOCK
        | FS_MAKE_SYM
    )
    if abi >= 2:
        fs |= FS_REFER
    if abi >= 3:
        fs |= FS_TRUNCATE
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 and not network else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    if abi >= 6:
        attr = struct.pack("=QQQ", fs, net, scoped)
    elif abi >= 4:
        attr = struct.pack("=QQ", fs, net)
    else:
        attr = struct.pack("=Q", fs)
    libc = _c()
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = _check(
        libc.syscall(
            ctypes.c_long(SYS_LANDLOCK_CREATE_RULESET),
            buf,
            ctypes.c_size_t(len(attr)),
            ctypes.c_uint32(0),
        ),
        "landlock_create_ruleset",
    )
    try:
        file_rights = FS_WRITE_FILE | (FS_TRUNCATE if abi >= 3 else 0)
        for path, rights in ((writable_dir, fs), ("/dev/null", file_rights)):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                rule = ctypes.create_string_buffer(struct.pack("=Qi", rights, fd), 12)
                _check(
                    libc.syscall(
                        ctypes.c_long(SYS_LANDLOCK_ADD_RULE),
                        ctypes.c_int(ruleset),
                        ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                        rule,
                        ctypes.c_uint32(0),
                    ),
                    "landlock_add_rule",
                )
            finally:
                os.close(fd)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        _check(
            libc.syscall(
                ctypes.c_long(SYS_LANDLOCK_RESTRICT_SELF), ctypes.c_int(ruleset), ctypes.c_uint32(0)
            ),
            "landlock_restrict_self",
        )
    finally:
        os.close(ruleset)


# --- seccomp ------------------------------------------------------------------------

_BPF_LD_W_ABS = 0x20
_BPF_JEQ = 0x15
_BPF_JGE = 0x35
_BPF_JSET = 0x45
_BPF_RET = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_OFF_NR, _OFF_ARCH, _OFF_ARG0 = 0, 4, 16


def seccomp_supported() -> bool:
    return os.uname().machine in _ARCH


def _seccomp_program(*, processes: bool, network: bool) -> list[tuple[int, int, int, int]]:
    """A classic-BPF seccomp filter as (code, jt, jf, k) tuples.

    Denies (with an errno, so Python raises a normal OSError) starting processes
    unless ``processes``: fork/vfork, clone3 (ENOSYS makes glibc fall back to clone)
    and clone without CLONE_THREAD -- threads stay allowed, torch needs them. Denies
    inet and packet sockets unless ``network``. Foreign-ABI calls (x32, i386) are
    denied outright so they cannot bypass the filter.
    """
    arch = _ARCH[os.uname().machine]
    # Instructions with symbolic jump targets, resolved below.
    prog: list[tuple[int, object, object, int]] = []
    labels: dict[str, int] = {}

    def emit(code: int, k: int = 0, jt: object = 0, jf: object = 0) -> None:
        prog.append((code, jt, jf, k))

    def label(name: str) -> None:
        labels[name] = len(prog)

    emit(_BPF_LD_W_ABS, _OFF_ARCH)
    emit(_BPF_JEQ, arch["audit"], 0, "deny_eperm")
    emit(_BPF_LD_W_ABS, _OFF_NR)
    if "x32_bit" in arch:
        emit(_BPF_JGE, arch["x32_bit"], "deny_eperm", 0)
    if not processes:
        for name in ("fork", "vfork"):
            if name in arch:
                emit(_BPF_JEQ, arch[name], "deny_eagain", 0)
        emit(_BPF_JEQ, arch["clone3"], "deny_enosys", 0)
        emit(_BPF_JEQ, arch["clone"], "check_clone", 0)
    if not network:
        emit(_BPF_JEQ, arch["socket"], "check_socket", 0)
    emit(_BPF_RET, _RET_ALLOW)
    if not processes:
        label("check_clone")
        emit(_BPF_LD_W_ABS, _OFF_ARG0)
        emit(_BPF_JSET, CLONE_THREAD, "allow", "deny_eagain")
    if not network:
        label("check_socket")
        emit(_BPF_LD_W_ABS, _OFF_ARG0)
        emit(_BPF_JEQ, AF_INET, "deny_eacces", 0)
        emit(_BPF_JEQ, AF_INET6, "deny_eacces", 0)
        emit(_BPF_JEQ, AF_PACKET, "deny_eacces", 0)
        emit(_BPF_RET, _RET_ALLOW)
    label("allow")
    emit(_BPF_RET, _RET_ALLOW)
    label("deny_eagain")
    emit(_BPF_RET, _RET_ERRNO | errno.EAGAIN)
    label("deny_enosys")
    emit(_BPF_RET, _RET_ERRNO | errno.ENOSYS)
    label("deny_eacces")
    emit(_BPF_RET, _RET_ERRNO | errno.EACCES)
    label("deny_eperm")
    emit(_BPF_RET, _RET_ERRNO | errno.EPERM)

    def offset(target: object, index: int) -> int:
        if not isinstance(target, str):
            return int(target)  # type: ignore[call-overload]
        jump = labels[target] - index - 1
        assert 0 <= jump < 256, "seccomp jump out of range"
        return jump

    return [
        (code, offset(jt, index), offset(jf, index), k)
        for index, (code, jt, jf, k) in enumerate(prog)
    ]


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_SockFilter))]


def install_seccomp(*, processes: bool, network: bool) -> None:
    """Install the seccomp filter on the calling thread (and its future children)."""
    program = _seccomp_program(processes=processes, network=network)
    filters = (_SockFilter * len(program))(*(_SockFilter(*ins) for ins in program))
    fprog = _SockFprog(len(program), ctypes.cast(filters, ctypes.POINTER(_SockFilter)))
    prctl(PR_SET_NO_NEW_PRIVS, 1)
    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.cast(ctypes.pointer(fprog), ctypes.c_void_p))


# --- resource limits ----------------------------------------------------------------


def current_data_bytes() -> int:
    """The process's data segment (``VmData``): what ``RLIMIT_DATA`` counts."""
    with open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    return 0


def set_rlimits(limits: Limits) -> None:
    """CPU, memory (relative to what the process already holds), files and core dumps."""
    cpu = max(1, int(limits.effective_cpu_s + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
    data = current_data_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_DATA, (data, data))


def die_with_parent() -> None:
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
# NOROOT and NO_SETUID_FIXUP, each with its lock: uid 0 no longer means privilege,
# not even after an exec.
_SECUREBITS = 0b1111
_CAP_VERSION_3 = 0x20080522


@functools.cache
def cap_last() -> int:
    """The highest capability number this kernel knows (read once, before forking)."""
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 63


def drop_capabilities() -> None:
    """Drop every capability, for good: bounding set, ambient, effective, permitted.

    Matters most where there is no user namespace and the app runs as root (a Docker
    container's default): the snippet stays uid 0 for file ownership but can no
    longer override permissions, raise its limits, mount, trace or signal others, and
    regains nothing by exec'ing a binary. Raises OSError when the kernel refuses.
    """
    prctl(PR_SET_SECUREBITS, _SECUREBITS)
    for cap in range(cap_last() + 1):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError as exc:
            if exc.errno != errno.EINVAL:  # EINVAL: no such capability on this kernel
                raise
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = struct.pack("=Ii", _CAP_VERSION_3, 0)
    data = bytes(24)  # two empty {effective, permitted, inheritable} sets
    _check(
        _c().capset(ctypes.create_string_buffer(header, 8), ctypes.create_string_buffer(data, 24)),
        "capset",
    )


# --- what is active -----------------------------------------------------------------


class Protection(NamedTuple):
    """One protection of the sandbox: its name, whether it is active here, and why."""

    protection: str
    active: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the kernel lets this process do, probed once per worker."""

    pid_namespace: bool
    user_namespace: bool
    net_namespace: bool
    landlock_abi: int
    seccomp: bool
    why_not: dict
    cap_drop: bool = False
    scratch_tmpfs: bool = False

    def to_dict(self) -> dict:
        return {
            "pid_namespace": self.pid_namespace,
            "user_namespace": self.user_namespace,
            "net_namespace": self.net_namespace,
            "landlock_abi": self.landlock_abi,
            "seccomp": self.seccomp,
            "cap_drop": self.cap_drop,
            "scratch_tmpfs": self.scratch_tmpfs,
            "why_not": dict(self.why_not),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Capabilities:
        return cls(
            pid_namespace=bool(data.get("pid_namespace")),
            user_namespace=bool(data.get("user_namespace")),
            net_namespace=bool(data.get("net_namespace")),
            landlock_abi=int(data.get("landlock_abi", 0)),
            seccomp=bool(data.get("seccomp")),
            cap_drop=bool(data.get("cap_drop")),
            scratch_tmpfs=bool(data.get("scratch_tmpfs")),
            why_not={str(k): str(v) for k, v in dict(data.get("why_not", {})).items()},
        )


def _probe_tmpfs(why_not: dict) -> bool:
    import tempfile

    where = tempfile.mkdtemp(prefix="quizapp-probe-")
    try:
        mount_scratch(where, 1 << 20)
        _c().umount2(where.encode(), ctypes.c_int(MNT_DETACH))
        return True
    except OSError as exc:
        why_not["scratch_tmpfs"] = exc.strerror or str(exc)
        return False
    finally:
        os.rmdir(where)


def probe_child_capabilities() -> dict:
    """Try, in the calling (throw-away) process, what a snippet's process can do.

    Tries a user + network namespace, Landlock and seccomp, in the order a snippet's
    process sets them up. Returns a dict for ``Capabilities``' child fields.
    """
    found: dict = {
        "user_namespace": False,
        "net_namespace": False,
        "seccomp": False,
        "landlock_abi": landlock_abi(),
        "why_not": {},
    }
    try:
        enter_user_namespace(CLONE_NEWNET | CLONE_NEWNS)
        found["user_namespace"] = found["net_namespace"] = True
        found["scratch_tmpfs"] = _probe_tmpfs(found["why_not"])
    except OSError as exc:
        found["why_not"]["user_namespace"] = exc.strerror or str(exc)
        try:
            unshare(CLONE_NEWNET)
            found["net_namespace"] = True
        except OSError as exc2:
            found["why_not"]["net_namespace"] = exc2.strerror or str(exc2)
    try:
        drop_capabilities()
        found["cap_drop"] = True
    except OSError as exc:
        found["cap_drop"] = False
        found["why_not"]["cap_drop"] = exc.strerror or str(exc)
    if seccomp_supported():
        try:
            install_seccomp(processes=False, network=False)
            found["seccomp"] = True
        except OSError as exc:
            found["why_not"]["seccomp"] = exc.strerror or str(exc)
    else:
        found["why_not"]["seccomp"] = f"no filter written for {os.uname().machine}"
    if not found["landlock_abi"]:
        found["why_not"]["landlock"] = "not available in this kernel"
    return found


def probe_pid_namespace() -> tuple[bool, str]:
    """Whether this process can put each child in a fresh PID namespace.

    Unsharing CLONE_NEWPID only affects later children; ``setns`` to our own namespace
    undoes it, so a probe leaves no trace.
    """
    try:
        own = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    except OSError as exc:
        return False, exc.strerror or str(exc)
    try:
        unshare(CLONE_NEWPID)
        setns(own, CLONE_NEWPID)
        return True, ""
    except OSError as exc:
        return False, exc.strerror or str(exc)
    finally:
        os.close(own)


def turned_off(caps: dict, why_not: dict) -> dict:
    """Apply ``QUIZAPP_RUNNER_WITHOUT`` (a comma list of protections) to probed caps.

    A diagnostic switch: turn protections off to see whether one of them is what breaks
    a snippet on some machine. ``--sandbox-info`` then reports them as OFF. Names:
    pid_namespace, user_namespace, net_namespace, landlock, seccomp, cap_drop,
    scratch_tmpfs.
    """
    for name in filter(None, os.environ.get("QUIZAPP_RUNNER_WITHOUT", "").split(",")):
        name = name.strip().replace("-", "_")
        key = "landlock_abi" if name == "landlock" else name
        if key in caps:
            caps[key] = 0 if key == "landlock_abi" else False
            why_not[name] = "turned off by QUIZAPP_RUNNER_WITHOUT"
    if not caps.get("user_namespace") and caps.get("scratch_tmpfs"):
        caps["scratch_tmpfs"] = False  # it is mounted inside the snippet's user namespace
        why_not["scratch_tmpfs"] = "needs a user namespace"
    return caps


def isolate_worker(why_not: dict, *, keep_fds: tuple[int, ...] = ()) -> None:
    """Make the calling process the root of its own user and PID namespaces.

    Per-snippet PID namespaces are made by the worker: ``unshare(CLONE_NEWPID)``, fork,
    then ``setns`` back to its own namespace for the next one. That ``setns`` needs
    CAP_SYS_ADMIN over the user namespace owning the worker's PID namespace, which an
    unprivileged user only has for a namespace it made itself. So the worker (root or
    not, one code path) first enters a user namespace when not root, then forks itself
    into PID 1 of a fresh PID namespace. The original process stays behind only to
    wait and pass on the exit status; ``keep_fds`` are closed in it, so the worker's
    pipes reach EOF when the worker ends. Must run before any thread starts. Records
    why a step failed in ``why_not``; on failure the caller simply carries on.
    """
    if not is_root():
        try:
            enter_user_namespace()
        except OSError as exc:
            why_not["pid_namespace"] = f"no user namespace: {exc.strerror or exc}"
            return
    try:
        unshare(CLONE_NEWPID)
        pid = os.fork()
    except OSError as exc:
        why_not["pid_namespace"] = exc.strerror or str(exc)
        return
    if pid == 0:
        die_with_parent()
        return
    for fd in keep_fds:
        os.close(fd)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    code = os.waitstatus_to_exitcode(status)
    os._exit(code if code >= 0 else 128 - code)


def probe() -> Capabilities:
    """Probe what this machine allows, in throw-away child processes.

    The probe goes through the same steps as the worker (``isolate_worker``), then
    tries what a snippet's process would, so what it reports is what a run gets.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 0
        try:
            os.close(read_fd)
            found: dict = {"why_not": {}}
            isolate_worker(found["why_not"], keep_fds=(write_fd,))
            found.update(probe_capabilities(found["why_not"]))
            os.write(write_fd, repr(found).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    import ast

    try:
        data = ast.literal_eval(b"".join(chunks).decode())
    except (ValueError, SyntaxError):
        data = {"why_not": {"probe": "the probe process failed"}}
    data.setdefault("why_not", {})
    return Capabilities.from_dict(turned_off(data, data["why_not"]))


def probe_capabilities(why_not: dict) -> dict:
    """In a worker (after ``isolate_worker``): what its snippets' processes can get.

    Every step runs in a throw-away fork, since each is irreversible. Returns the
    ``Capabilities`` fields; reasons for what is missing go into ``why_not``.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_fd)
            ok, why = probe_pid_namespace()  # first: the steps below drop privileges
            found = probe_child_capabilities()
            found["pid_namespace"] = ok
            if why:
                found["why_not"].setdefault("pid_namespace", why)
            os.write(write_fd, repr(found).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    import ast

    try:
        found = ast.literal_eval(b"".join(chunks).decode())
    except (ValueError, SyntaxError):
        found = {
            "pid_namespace": False,
            "user_namespace": False,
            "net_namespace": False,
            "seccomp": False,
            "landlock_abi": 0,
            "why_not": {"probe": "the probe process failed"},
        }
    for key, why in found.pop("why_not").items():
        why_not.setdefault(key, why)
    return found


def describe(caps: Capabilities, limits: Limits | None = None) -> list[Protection]:
    """The protections a snippet gets with ``caps`` and ``limits``, in plain words."""
    limits = limits or Limits()
    why = caps.why_not
    cpu = f"{limits.effective_cpu_s:g} s"
    out = [
        Protection(
            "time limit", True, f"{limits.timeout_s:g} s wall clock; the process group is killed"
        ),
        Protection("CPU limit", True, f"{cpu} of CPU time (RLIMIT_CPU)"),
        Protection(
            "memory limit",
            True,
            f"{format_bytes(limits.memory_bytes)} on top of the warm worker (RLIMIT_DATA)",
        ),
        Protection(
            "output limit", True, f"{format_bytes(limits.output_bytes)} shown, same for stderr"
        ),
        Protection(
            "file limits",
            True,
            f"files up to {format_bytes(limits.file_bytes)}, {limits.open_files} open files;"
            " stdin is /dev/null; inherited descriptors closed",
        ),
        Protection(
            "scratch folder",
            True,
            "a fresh folder as cwd, HOME and TMPDIR, removed afterwards; scrubbed environment",
        ),
        Protection(
            "scratch space",
            caps.scratch_tmpfs,
            f"a private tmpfs of {format_bytes(limits.scratch_bytes)}: the disk cannot fill up"
            if caps.scratch_tmpfs
            else f"on the disk ({why.get('scratch_tmpfs', 'no mount namespace')}); "
            f"each file is still capped at {format_bytes(limits.file_bytes)}",
        ),
        Protection(
            "process isolation",
            caps.pid_namespace,
            "own PID namespace: everything the snippet starts dies with it"
            if caps.pid_namespace
            else f"no PID namespace ({why.get('pid_namespace', 'unavailable')}); "
            "the process group is killed instead, an os.setsid() escapee may survive",
        ),
        Protection(
            "no new processes",
            caps.seccomp and not limits.processes,
            "seccomp: fork fails, threads still work"
            if caps.seccomp and not limits.processes
            else (
                "allowed by the limits"
                if limits.processes
                else f"seccomp unavailable ({why.get('seccomp', 'unknown')})"
            ),
        ),
        Protection(
            "privileges dropped",
            caps.user_namespace or caps.cap_drop,
            _privileges(caps),
        ),
    ]
    if limits.network:
        out.append(Protection("no network", False, "network allowed by the limits"))
    else:
        layers = []
        if caps.net_namespace:
            layers.append("own network namespace (no interfaces)")
        if caps.seccomp:
            layers.append("seccomp: no inet sockets")
        if caps.landlock_abi >= 4:
            layers.append("Landlock: no TCP")
        out.append(
            Protection(
                "no network",
                bool(layers),
                "; ".join(layers)
                if layers
                else f"no network namespace ({why.get('net_namespace', 'unavailable')})",
            )
        )
    out.append(
        Protection(
            "write only to scratch",
            caps.landlock_abi >= 1,
            f"Landlock ABI {caps.landlock_abi}: writes outside the scratch folder are denied"
            if caps.landlock_abi >= 1
            else f"no Landlock ({why.get('landlock', 'unavailable')}); "
            "files are protected only by permissions",
        )
    )
    return out


def _privileges(caps: Capabilities) -> str:
    why = caps.why_not
    parts = []
    if caps.user_namespace:
        parts.append("own user namespace: no capabilities over the host")
    else:
        parts.append(f"no user namespace ({why.get('user_namespace', 'unavailable')})")
    if caps.cap_drop:
        parts.append("all capabilities dropped")
    elif is_root():
        parts.append(f"capabilities kept ({why.get('cap_drop', 'unknown')}): running as root!")
    return "; ".join(parts)


def sandbox_info(limits: Limits | None = None) -> list[Protection]:
    """Which protections a snippet run here gets: ``(protection, active, detail)``.

    Probes the kernel in short-lived child processes (a few milliseconds); imports
    nothing heavy. ``Runner.sandbox_info()`` gives the same for a running worker.
    """
    return describe(probe(), limits)
