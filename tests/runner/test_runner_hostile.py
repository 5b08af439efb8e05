"""Hostile snippets: each ends by itself, within a bound, and leaves nothing behind.

Every test asserts how the run ended, the verdict a learner would get, and the time it
took; the ``clean_after`` fixture then checks that no process and no scratch folder is
left and that the next snippet runs normally. Tests that rely on a protection the
kernel refuses here are skipped with the reason (``--sandbox-info`` says the same).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from quizapp.runner import Limits, RunStatus, Verdict, judge_prediction

pytestmark = pytest.mark.usefixtures("clean_after")


def timed(runner, code, *, bound: float = 4.0, **kw):
    start = time.monotonic()
    result = runner.run(code, **kw)
    took = time.monotonic() - start
    assert took < bound, f"took {took:.1f} s"
    return result, took


def assert_did_not_finish(result, why: str) -> None:
    judgement = judge_prediction(result, "None")
    assert judgement.verdict is Verdict.WRONG
    assert judgement.explanation == f"the snippet did not finish: {why}"


def assert_raised(result, name: str) -> None:
    assert result.status is RunStatus.RAISED, result
    assert result.exception.type == name
    assert judge_prediction(result, f"raises {name}").verdict is Verdict.CORRECT
    assert judge_prediction(result, "None").verdict is Verdict.WRONG


def needs(runner, capability: str) -> None:
    caps = runner.capabilities()
    if not getattr(caps, capability):
        pytest.skip(f"{capability} is not available here: {caps.why_not.get(capability)}")


def test_infinite_loop_stops_at_the_time_limit(runner):
    result, took = timed(runner, "while True:\n    pass")
    assert result.status is RunStatus.STOPPED
    assert result.limits_hit == ("stopped after 1.5 s (time limit)",)
    assert took > 1.4
    assert_did_not_finish(result, "stopped after 1.5 s (time limit)")


def test_sleep_stops_at_the_time_limit(runner):
    result, _ = timed(runner, "import time\nprint('going to sleep')\ntime.sleep(60)")
    assert result.limits_hit == ("stopped after 1.5 s (time limit)",)
    assert result.shown == "going to sleep\n"
    assert_did_not_finish(result, "stopped after 1.5 s (time limit)")


def test_cpu_limit_stops_a_spinning_snippet(runner):
    limits = Limits(timeout_s=10, cpu_s=1)
    result, _ = timed(runner, "while True:\n    pass", limits=limits, bound=8)
    assert result.limits_hit == ("stopped after 1 s of CPU time (CPU limit)",)
    assert_did_not_finish(result, "stopped after 1 s of CPU time (CPU limit)")


@pytest.mark.parametrize(
    "code",
    [
        "blocks = []\nwhile True:\n    blocks.append(bytearray(10**7))",
        "import torch\ntorch.empty(2**31, dtype=torch.float64).fill_(1)",
        "import numpy\nnumpy.ones(10**9)",
    ],
    ids=["python", "torch", "numpy"],
)
def test_memory_bomb_hits_the_memory_limit(runner, code):
    result, _ = timed(runner, code)
    assert result.status is RunStatus.STOPPED
    assert result.limits_hit == ("memory limit of 256 MiB reached",)
    assert result.exception is not None  # MemoryError, or torch's allocation error
    assert_did_not_finish(result, "memory limit of 256 MiB reached")


def test_output_flood_is_cut(runner):
    result, _ = timed(runner, "while True:\n    print('x' * 1000)")
    assert result.limits_hit == ("output cut at 64 KiB",)
    assert 60_000 < len(result.shown) <= 64 * 1024
    assert_did_not_finish(result, "output cut at 64 KiB")


def test_stderr_flood_is_cut(runner):
    result, _ = timed(runner, "import sys\nwhile True:\n    sys.stderr.write('x' * 1000)")
    assert result.limits_hit == ("stderr cut at 64 KiB",)
    assert len(result.stderr) <= 64 * 1024
    assert_did_not_finish(result, "stderr cut at 64 KiB")


def test_fork_bomb_cannot_fork(runner):
    needs(runner, "seccomp")
    result, _ = timed(runner, "import os\nwhile True:\n    os.fork()")
    assert_raised(result, "BlockingIOError")


def test_subprocess_is_refused(runner):
    needs(runner, "seccomp")
    result, _ = timed(runner, "import subprocess\nsubprocess.run(['true'])")
    assert_raised(result, "BlockingIOError")


def test_setsid_escapees_die_with_the_snippet(runner):
    """With processes allowed, children that leave the session still die with it."""
    needs(runner, "pid_namespace")
    code = (
        "import os, time\n"
        "for _ in range(3):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(120)\n"
        "        os._exit(0)\n"
        "time.sleep(0.2)\n"
        "print('parent done')"
    )
    result, _ = timed(runner, code, limits=Limits(timeout_s=3, processes=True), bound=3)
    assert result.completed, result
    assert judge_prediction(result, "parent done").verdict is Verdict.CORRECT


def test_segfault_is_reported_as_a_crash(runner):
    result, _ = timed(runner, "import ctypes\nprint('before')\nctypes.string_at(0)")
    assert result.limits_hit == ("crashed: segmentation fault",)
    assert result.signal == 11
    assert result.shown == "before\n"
    assert_did_not_finish(result, "crashed: segmentation fault")


def test_sys_exit_after_output_is_an_exception(runner):
    result, _ = timed(runner, "import sys\nprint('some output')\nsys.exit(3)")
    assert result.shown == "some output\n"
    assert result.exception.message == "3"
    assert_raised(result, "SystemExit")


def test_os_exit_after_output_keeps_the_output(runner):
    result, _ = timed(runner, "import os\nprint('some output')\nos._exit(7)")
    assert result.shown == "some output\n"
    assert result.status is RunStatus.STOPPED
    assert result.exit_code == 7
    assert result.limits_hit == ("ended early with exit status 7",)
    assert_did_not_finish(result, "ended early with exit status 7")


def test_input_gets_end_of_file_at_once(runner):
    result, _ = timed(runner, "name = input('name? ')", bound=2)
    assert_raised(result, "EOFError")


def test_network_is_unreachable(runner):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    try:
        code = (
            "import socket\n"
            f"socket.create_connection(('127.0.0.1', {port}), timeout=1).sendall(b'stolen')"
        )
        result, _ = timed(runner, code)
        assert result.status is RunStatus.RAISED
        assert result.exception.type in ("PermissionError", "ConnectionRefusedError", "OSError")
        assert judge_prediction(result, "None").verdict is Verdict.WRONG
        with pytest.raises(TimeoutError):
            listener.accept()
    finally:
        listener.close()


def test_write_outside_scratch_is_denied(runner, tmp_path):
    needs(runner, "landlock_abi")
    target = tmp_path / "escaped.txt"
    code = (
        "import os\n"
        "open('inside.txt', 'w').write('fine')\n"
        "print(os.listdir('.'))\n"
        f"open({str(target)!r}, 'w').write('escaped')"
    )
    result, _ = timed(runner, code)
    assert result.shown == "['inside.txt']\n"
    assert_raised(result, "PermissionError")
    assert not target.exists()


def test_file_size_limit(runner):
    result, _ = timed(
        runner,
        "open('big', 'wb').write(b'x' * 2**20)",
        limits=Limits(timeout_s=2, file_bytes=2**16),
    )
    assert result.limits_hit == ("file size limit of 64 KiB reached",)
    assert_did_not_finish(result, "file size limit of 64 KiB reached")


def test_filling_the_disk_stops_at_the_scratch_size(runner):
    needs(runner, "scratch_tmpfs")
    code = "for i in range(100):\n    open(f'f{i}', 'wb').write(b'x' * 2**16)"
    result, _ = timed(runner, code, limits=Limits(timeout_s=2, scratch_bytes=2**20))
    assert result.limits_hit == ("scratch space of 1 MiB full",)
    assert result.exception.message == "[Errno 28] No space left on device"
    assert_did_not_finish(result, "scratch space of 1 MiB full")


def test_ansi_escapes_and_control_characters_are_stripped(runner):
    code = (
        "print('\\x1b[2J\\x1b[H\\x1b[32m✓ correct\\x1b[0m')\n"
        "print('\\x1b]0;title\\x07bell\\a back\\b\\u202eevil')\n"
        "import sys\n_ = sys.stderr.write('\\x1b[31mred\\x1b[0m\\n')"
    )
    result, _ = timed(runner, code)
    assert result.shown == "✓ correct\nbell backevil\n"
    assert result.stderr == "red\n"
    assert judge_prediction(result, "✓ correct\nbell backevil").verdict is Verdict.CORRECT


def test_syntax_error_is_reported_with_its_line(runner):
    result, _ = timed(runner, "x = 1\ny = (x +\nprint(y)")
    assert_raised(result, "SyntaxError")
    assert result.exception.line == 2
    assert any("y = (x +" in line for line in result.exception.traceback)


def test_killing_a_process_outside_is_impossible(runner):
    pid = os.getpid()
    result, _ = timed(runner, f"import os, signal\nos.kill({pid}, signal.SIGTERM)")
    assert result.exception is not None
    assert result.exception.type in ("ProcessLookupError", "PermissionError")


def test_other_processes_environment_and_memory_are_unreadable(runner):
    needs(runner, "landlock_abi")
    code = (
        "denied = []\n"
        f"for pid in (os.getppid() or 1, {os.getpid()}, {runner.worker_pid}):\n"
        "    for what in ('environ', 'mem'):\n"
        "        try:\n"
        "            open(f'/proc/{pid}/{what}', 'rb').read(1)\n"
        "        except PermissionError:\n"
        "            denied.append(what)\n"
        "len(denied)"
    )
    result, _ = timed(runner, "import os\n" + code)
    assert result.shown == "6\n"


def test_the_snippet_cannot_raise_its_own_limits(runner):
    code = (
        "import resource\n"
        "big = resource.RLIM_INFINITY\n"
        "resource.setrlimit(resource.RLIMIT_DATA, (big, big))"
    )
    result, _ = timed(runner, code)
    assert_raised(result, "ValueError")


def test_environment_is_scrubbed_and_home_is_scratch(runner):
    os.environ["QUIZAPP_SECRET_FOR_TEST"] = "hunter2"
    try:
        result, _ = timed(
            runner,
            "import os\nos.environ.get('QUIZAPP_SECRET_FOR_TEST'), "
            "os.getcwd() == os.environ['HOME'] == os.environ['TMPDIR']",
        )
    finally:
        del os.environ["QUIZAPP_SECRET_FOR_TEST"]
    assert result.shown == "(None, True)\n"


def test_threads_in_the_child_do_not_hang(runner):
    """pytorch#41197: a worker that used OpenMP before fork makes children hang."""
    result, _ = timed(
        runner,
        "import torch\na = torch.rand(800, 800)\n(a @ a).shape, torch.get_num_threads() >= 1",
    )
    assert judge_prediction(result, "(torch.Size([800, 800]), True)").verdict is Verdict.CORRECT


def test_worker_death_is_reported_and_the_runner_recovers(runner):
    pid = runner.worker_pid
    killer = threading.Timer(0.3, os.kill, (pid, 9))
    killer.start()
    try:
        result, _ = timed(runner, "import time\ntime.sleep(1)")
    finally:
        killer.join()
    assert result.status is RunStatus.STOPPED
    assert "worker process died" in result.limits_hit[0]
    assert runner.wait_ready()
    assert runner.worker_pid not in (None, pid)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
