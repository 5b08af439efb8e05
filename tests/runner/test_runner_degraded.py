"""Where the kernel refuses a protection, the runner degrades, works, and says so."""

from __future__ import annotations

import time

import pytest

from quizapp.runner import Limits, Runner, RunnerError, RunStatus, sandbox_info
from quizapp.runner import client as runner_client

ALL_OFF = "pid_namespace,user_namespace,net_namespace,landlock,seccomp,cap_drop"
SWITCHED = (
    "process isolation",
    "no new processes",
    "privileges dropped",
    "no network",
    "write only to scratch",
    "scratch space",
)


def test_without_namespaces_landlock_or_seccomp(monkeypatch, process_tree):
    monkeypatch.setenv("QUIZAPP_RUNNER_WITHOUT", ALL_OFF)
    active = {p.protection: p.active for p in sandbox_info()}
    assert not any(active[name] for name in SWITCHED)
    assert active["time limit"] and active["memory limit"]

    with Runner(Limits(timeout_s=1), jobs=1) as runner:
        active = {p.protection: p for p in runner.sandbox_info()}
        assert not any(active[name].active for name in SWITCHED)
        assert "QUIZAPP_RUNNER_WITHOUT" in active["process isolation"].detail
        assert runner.run("1 + 1").shown == "2\n"

        start = time.monotonic()
        result = runner.run("import time\ntime.sleep(30)")
        assert result.limits_hit == ("stopped after 1 s (time limit)",)
        assert time.monotonic() - start < 4

        # Without a PID namespace, a child left in the process group holds the output
        # pipe open; the worker waits briefly, then kills the group.
        code = "import os, time\nif os.fork() == 0:\n    time.sleep(30)\nprint('parent done')"
        result = runner.run(code, limits=Limits(timeout_s=3, processes=True))
        assert result.status is RunStatus.COMPLETED
        assert result.shown == "parent done\n"
        deadline = time.monotonic() + 2
        while process_tree(runner.worker_pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process_tree(runner.worker_pid) == []


def test_a_worker_that_cannot_start_is_a_runner_error(monkeypatch):
    monkeypatch.setattr(runner_client, "WORKER_MODULE", "quizapp.runner.no_such_module")
    runner = Runner(jobs=1)
    try:
        with pytest.raises(RunnerError, match="the torch worker could not start: .*no_such_module"):
            runner.run("1")
    finally:
        runner.close()
    with pytest.raises(RunnerError, match="closed"):
        runner.run("1")


def test_without_a_user_namespace_capabilities_are_still_dropped(monkeypatch):
    monkeypatch.setenv("QUIZAPP_RUNNER_WITHOUT", "user_namespace")
    with Runner(Limits(timeout_s=2), jobs=1) as runner:
        active = {p.protection: p for p in runner.sandbox_info()}
        assert active["privileges dropped"].active
        assert "all capabilities dropped" in active["privileges dropped"].detail
        code = (
            "import resource\n"
            "big = resource.RLIM_INFINITY\n"
            "resource.setrlimit(resource.RLIMIT_DATA, (big, big))"
        )
        result = runner.run(code)
        assert result.exception is not None
        assert result.exception.type == "ValueError"
        assert (
            runner.run("open('/proc/self/status').read().count('CapEff:\t0000000000000000')").shown
            == "1\n"
        )


AS_A_USER = """
import json
from quizapp.runner import Limits, Runner
with Runner(Limits(timeout_s=1), jobs=1) as runner:
    runs = [runner.run(code) for code in (
        "import os, torch\\nos.getuid(), torch.arange(3)",
        "while True:\\n    pass",
        "open('/tmp/quizapp-user-escape', 'w')",
    )]
    print(json.dumps({
        "active": {p.protection: p.active for p in runner.sandbox_info()},
        "runs": [r.to_dict() for r in runs],
    }))
"""


def test_as_a_normal_user_every_protection_works():
    """Learners do not run as root: the worker makes its own user namespace first."""
    import json
    import shutil
    import subprocess
    import sys

    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare(1) to become a normal user")
    probe = subprocess.run([unshare, "--user", "--map-user=1000", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot become a normal user here: {probe.stderr.decode().strip()}")
    out = subprocess.run(
        [unshare, "--user", "--map-user=1000", "--map-group=1000", sys.executable, "-c", AS_A_USER],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert all(report["active"].values()), report["active"]
    first, loop, escape = report["runs"]
    assert first["shown"] == "(1000, tensor([0, 1, 2]))\n"
    assert loop["limits_hit"] == ["stopped after 1 s (time limit)"]
    assert escape["exception"]["type"] == "PermissionError"


def test_other_systems_get_a_clear_error(monkeypatch):
    monkeypatch.setattr(runner_client.sys, "platform", "darwin")
    runner = Runner(jobs=1).start()  # starting never fails for the machine's sake
    assert not runner.ready
    with pytest.raises(RunnerError, match="running snippets needs Linux"):
        runner.run("1")
    runner.close()
