"""Cell semantics and the Runner's behaviour with ordinary snippets."""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from quizapp.runner import Limits, RunResult, RunStatus


def test_prints_then_the_repr_of_the_last_expression(runner):
    result = runner.run("print('a')\nx = 2\nx * 21")
    assert result.shown == "a\n42\n"
    assert result.completed
    assert result.status is RunStatus.COMPLETED
    assert result.exception is None and result.exit_code == 0 and result.signal is None


def test_a_last_expression_that_is_none_shows_nothing(runner):
    assert runner.run("print('only this')\nNone").shown == "only this\n"
    assert runner.run("x = [1]\nx.append(2)").shown == ""


def test_setups_run_first_and_their_output_is_not_shown(runner):
    result = runner.run(
        "A.sum()",
        setups=["import torch\nprint('deck setup')", "A = torch.tensor([[1, 2], [3, 4]])\nA"],
    )
    assert result.shown == "tensor(10)\n"
    assert "deck setup" in result.stderr


def test_an_exception_in_the_setup_says_so(runner):
    result = runner.run("1", setups=["import torch", "undefined_name"])
    assert result.status is RunStatus.RAISED
    assert result.exception.type == "NameError"
    assert result.exception.where == "setup"
    assert result.exception.line is None
    assert result.exception.traceback == ("line 1, in <setup 2>: undefined_name",)


def test_traceback_holds_only_the_snippets_own_lines(runner):
    code = (
        "import torch\n"
        "def pick(t):\n"
        "    return torch.index_select(t, 1, torch.tensor([[0]]))\n"
        "pick(torch.zeros(2, 2))"
    )
    exc = runner.run(code).exception
    assert exc.type == "IndexError"
    assert exc.qualified_type == "builtins.IndexError"
    assert exc.line == 3
    assert exc.traceback == (
        "line 4, in <snippet>: pick(torch.zeros(2, 2))",
        "line 3, in <snippet>: return torch.index_select(t, 1, torch.tensor([[0]]))",
    )
    assert "builtins.LookupError" in exc.bases
    assert exc.format().endswith("IndexError: " + exc.message)


def test_no_state_leaks_between_snippets(runner):
    runner.run("import torch\nleak = 1\ntorch.set_default_dtype(torch.float64)")
    result = runner.run("import torch\n'leak' in globals(), torch.get_default_dtype()")
    assert result.shown == "(False, torch.float32)\n"


def test_runs_are_seeded(runner):
    first = runner.run("import torch, random\ntorch.rand(3), random.random()")
    again = runner.run("import torch, random\ntorch.rand(3), random.random()")
    other = runner.run("import torch, random\ntorch.rand(3), random.random()", seed=1)
    assert first.shown == again.shown != other.shown


def test_warnings_go_to_stderr(runner):
    result = runner.run("import warnings\nwarnings.warn('careful')\n'done'")
    assert result.shown == "'done'\n"
    assert "UserWarning: careful" in result.stderr


def test_missing_requirements_skip_the_run(runner):
    result = runner.run("import surely_not_installed_xyz", requires=["surely_not_installed_xyz"])
    assert result.status is RunStatus.SKIPPED
    assert result.missing == ("surely_not_installed_xyz",)
    assert "not installed" in result.problem
    assert runner.run("1", requires=["torch", "numpy"]).completed


def test_several_threads_share_one_runner(runner):
    codes = [f"import time\ntime.sleep(0.05)\n{n} * 2" for n in range(8)]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(runner.run, codes))
    assert [r.shown for r in results] == [f"{n * 2}\n" for n in range(8)]


def test_per_run_limits_override_the_runners(runner):
    result = runner.run("print('x' * 5000)", limits=Limits(output_bytes=1000))
    assert result.limits_hit == ("output cut at 1000 bytes",)
    assert len(result.shown) == 1000


def test_result_round_trips_through_a_dict(runner):
    result = runner.run("print('hi')\n1/0")
    again = RunResult.from_dict(result.to_dict())
    assert again == result
    assert result.to_dict()["status"] == "raised"


def test_ready_and_sandbox_info(runner):
    assert runner.ready
    assert runner.torch_version
    names = {p.protection: p.active for p in runner.sandbox_info()}
    assert names["time limit"] and names["memory limit"]
    assert "no network" in names and "write only to scratch" in names


def test_core_modules_do_not_import_torch():
    code = (
        "import sys\nimport quizapp.runner, quizapp.cli.run_snippet, quizapp.runner.worker\n"
        "from quizapp.runner import sandbox_info\nsandbox_info()\n"
        "print(sorted(m for m in ('torch', 'textual', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_a_snippet_that_breaks_os_and_json_still_gets_its_result(runner):
    result = runner.run("import os, json\nos.write = None\njson.dumps = None\nprint(1)\n2")
    assert result.completed
    assert result.shown == "1\n2\n"


def test_replacing_sys_stdout_hides_prints_not_the_last_value(runner):
    result = runner.run("import io, sys\nsys.stdout = io.StringIO()\nprint('hidden')\n3")
    assert result.shown == "3\n"
