"""Hostile snippets: each ends by itself, within a bound, and leaves nothing behind.

Every test uses the ``clean_after`` fixture, which checks that no process and no
scratch folder is left and that the next snippet runs normally.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from quizapp.runner import Limits, RunStatus

pytestmark = pytest.mark.usefixtures("clean_after")


def timed(runner, code, **kw):
    start = time.monotonic()
    result = runner.run(code, **kw)
    return result, time.monotonic() - start


def test_infinite_loop_stops_at_the_time_limit(runner):
    result, took = timed(runner, "while True:\n    pass")
    assert result.status is RunStatus.STOPPED
    assert result.limits_hit == ("stopped after 1.5 s (time limit)",)
    assert 1.4 < took < 4


def test_sleep_stops_at_the_time_limit(runner):
    result, took = timed(runner, "import time\nprint('going to sleep')\ntime.sleep(60)")
    assert result.limits_hit == ("stopped after 1.5 s (time limit)",)
    assert result.shown == "going to sleep\n"
    assert took < 4


def test_cpu_limit_stops_a_spinning_snippet(runner):
    limits = Limits(timeout_s=10, cpu_s=1)
    result, took = timed(runner, "while True:\n    pass", limits=limits)
    assert result.limits_hit == ("stopped after 1 s of CPU time (CPU limit)",)
    assert took < 8


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
    result, took = timed(runner, code)
    assert result.status is RunStatus.STOPPED
    assert "memory limit of 256 MiB reached" in result.limits_hit
    assert result.exception is not None
    assert took < 4


def test_output_flood_is_cut(runner):
    result, took = timed(runner, "while True:\n    print('x' * 1000)")
    assert result.limits_hit == ("output cut at 64 KiB",)
    assert 60_000 < len(result.shown) <= 64 * 1024
    assert took < 4


def test_stderr_flood_is_cut(runner):
    result, _ = timed(runner, "import sys\nwhile True:\n    sys.stderr.write('x' * 1000)")
    assert result.limits_hit == ("stderr cut at 64 KiB",)
    assert len(result.stderr) <= 64 * 1024


def test_fork_bomb_cannot_fork(runner):
    result, took = timed(runner, "import os\nwhile True:\n    os.fork()")
    assert result.status is RunStatus.RAISED
    assert result.exception.type == "BlockingIOError"
    assert took < 4


def test_subprocess_is_refused(runner):
    result, _ = timed(runner, "import subprocess\nsubprocess.run(['true'])")
    assert result.exception is not None
    assert result.exception.type in ("BlockingIOError", "PermissionError", "OSError")


def test_setsid_escapees_die_with_the_snippet(runner):
    """With processes allowed, children that leave the session still die with it."""
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
    result, took = timed(runner, code, limits=Limits(timeout_s=3, processes=True))
    assert result.completed, result
    assert result.shown == "parent done\n"
    assert took < 3


def test_segfault_is_reported_as_a_crash(runner):
    result, took = timed(runner, "import ctypes\nprint('before')\nctypes.string_at(0)")
    assert result.limits_hit == ("crashed: segmentation fault",)
    assert result.signal == 11
    assert result.shown == "before\n"
    assert took < 4


def test_sys_exit_after_output_is_an_exception(runner):
    result, _ = timed(runner, "import sys\nprint('some output')\nsys.exit(3)")
    assert result.shown == "some output\n"
    assert result.status is RunStatus.RAISED
    assert result.exception.type == "SystemExit"
    assert result.exception.message == "3"


def test_os_exit_after_output_keeps_the_output(runner):
    result, _ = timed(runner, "import os\nprint('some output')\nos._exit(7)")
    assert result.shown == "some output\n"
    assert result.status is RunStatus.STOPPED
    assert result.exit_code == 7
    assert result.limits_hit == ("ended early with exit status 7",)


def test_input_gets_end_of_file_at_once(runner):
    result, took = timed(runner, "name = input('name? ')")
    assert result.exception.type == "EOFError"
    assert took < 2


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
        result, took = timed(runner, code)
        assert result.status is RunStatus.RAISED
        assert result.exception.type in ("PermissionError", "ConnectionRefusedError", "OSError")
        with pytest.raises(TimeoutError):
            listener.accept()
        assert took < 4
    finally:
        listener.close()


def test_write_outside_scratch_is_denied(runner, tmp_path):
    target = tmp_path / "escaped.txt"
    code = (
        "import os\n"
        "open('inside.txt', 'w').write('fine')\n"
        "print(os.listdir('.'))\n"
        f"open({str(target)!r}, 'w').write('escaped')"
    )
    result, _ = timed(runner, code)
    assert result.shown == "['inside.txt']\n"
    assert result.exception.type == "PermissionError"
    assert not target.exists()


def test_file_size_limit(runner):
    result, _ = timed(
        runner,
        "open('big', 'wb').write(b'x' * 2**20)",
        limits=Limits(timeout_s=2, file_bytes=2**16),
    )
    assert result.limits_hit == ("file size limit of 64 KiB reached",)


def test_ansi_escapes_and_control_characters_are_stripped(runner):
    code = (
        "print('\\x1b[2J\\x1b[H\\x1b[32m✓ correct\\x1b[0m')\n"
        "print('\\x1b]0;title\\x07bell\\a back\\b\\u202eevil')\n"
        "import sys\n_ = sys.stderr.write('\\x1b[31mred\\x1b[0m\\n')"
    )
    result, _ = timed(runner, code)
    assert result.shown == "✓ correct\nbell backevil\n"
    assert result.stderr == "red\n"


def test_syntax_error_is_reported_with_its_line(runner):
    result, _ = timed(runner, "x = 1\ny = (x +\nprint(y)")
    assert result.exception.type == "SyntaxError"
    assert result.exception.line == 2
    assert any("y = (x +" in line for line in result.exception.traceback)


def test_killing_a_process_outside_is_impossible(runner):
    pid = os.getpid()
    result, _ = timed(runner, f"import os, signal\nos.kill({pid}, signal.SIGTERM)")
    assert result.exception is not None
    assert result.exception.type in ("ProcessLookupError", "PermissionError")


def test_the_snippet_cannot_raise_its_own_limits(runner):
    code = (
        "import resource\n"
        "big = resource.RLIM_INFINITY\n"
        "resource.setrlimit(resource.RLIMIT_DATA, (big, big))"
    )
    result, _ = timed(runner, code)
    assert result.exception.type == "ValueError"


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
    result, took = timed(
        runner,
        "import torch\na = torch.rand(800, 800)\n(a @ a).shape, torch.get_num_threads() >= 1",
    )
    assert result.shown == "(torch.Size([800, 800]), True)\n"
    assert took < 4


def test_worker_death_is_reported_and_the_runner_recovers(runner):
    pid = runner.worker_pid
    killer = threading.Timer(0.3, os.kill, (pid, 9))
    killer.start()
    try:
        result = runner.run("import time\ntime.sleep(1)")
    finally:
        killer.join()
    assert result.status is RunStatus.STOPPED
    assert "worker process died" in result.limits_hit[0]
    assert runner.wait_ready()
    assert runner.worker_pid not in (None, pid)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()
