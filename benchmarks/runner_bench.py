"""Benchmarks for the live torch runner (issue 3). Not a test: run it by hand.

    .venv/bin/python benchmarks/runner_bench.py            # all three, default sizes
    .venv/bin/python benchmarks/runner_bench.py --quick    # fewer repetitions

1. verdict: the format issue's index_select card judged in a warm worker with every
   protection on (200 runs: p50, p95), against a cold ``python -c`` of the same
   snippet measured in the same run.
2. one-shot: ``quizapp run-snippet FILE`` against a bare ``python -c "import torch"``,
   interleaved, medians.
3. check: ``quizapp check`` over a generated deck of 300 snippet cards, medians.

The machine is shared and noisy, so every figure is a median over several runs and
every ratio uses a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from quizapp.runner import Runner, Verdict, judge_prediction  # noqa: E402

SETUP = "import torch"
CODE = (
    "A = torch.Tensor([[1, 2], [3, 4]])\ntorch.squeeze(torch.index_select(A, 1, torch.tensor([0])))"
)
ANSWER = "tensor([1., 3.])"
QUIZAPP = (
    [sys.executable, "-m", "quizapp.cli"]
    if not (ROOT / ".venv/bin/quizapp").exists()
    else [str(ROOT / ".venv/bin/quizapp")]
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed_command(argv: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - start


def bench_verdict(runs: int, cold_runs: int) -> dict:
    with Runner() as runner:
        runner.wait_ready()
        for _ in range(10):  # warm caches
            runner.run(CODE, setups=[SETUP])
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = runner.run(CODE, setups=[SETUP])
            verdict = judge_prediction(result, ANSWER).verdict
            times.append((time.perf_counter() - start) * 1000)
            assert verdict is Verdict.CORRECT, result
        protections = [p.protection for p in runner.sandbox_info() if p.active]
    script = (
        f"{SETUP}\n" + CODE.rsplit("\n", 1)[0] + "\nprint(repr(" + CODE.rsplit("\n", 1)[1] + "))"
    )
    cold = [timed_command([sys.executable, "-c", script]) * 1000 for _ in range(cold_runs)]
    p50 = statistics.median(times)
    return {
        "runs": runs,
        "p50_ms": p50,
        "p95_ms": percentile(times, 95),
        "cold_python_c_ms": statistics.median(cold),
        "ratio": statistics.median(cold) / p50,
        "protections_active": protections,
    }


def bench_one_shot(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        snippet = Path(tmp) / "snippet.py"
        snippet.write_text(f"{SETUP}\n{CODE}\n")
        ours, bare = [], []
        timed_command(QUIZAPP + ["run-snippet", str(snippet)])  # page in files
        for _ in range(runs):  # interleaved, so load drifts hit both alike
            bare.append(timed_command([sys.executable, "-c", "import torch"]))
            ours.append(timed_command(QUIZAPP + ["run-snippet", str(snippet)]))
    return {
        "runs": runs,
        "run_snippet_s": statistics.median(ours),
        "python_import_torch_s": statistics.median(bare),
        "ratio": statistics.median(ours) / statistics.median(bare),
    }


def make_deck(path: Path, cards: int) -> None:
    templates = [
        ("torch.arange({n}).sum()", None),
        ("torch.tensor([{n}, 2, 3]) * 2", None),
        ("torch.zeros({k}, 2).shape", None),
        ("A = torch.Tensor([[1, 2], [3, 4]])\ntorch.index_select(A, 1, torch.tensor([{j}]))", None),
        ("torch.tensor([[1, 2], [3, 4]]).sum(dim={j})", None),
        ("x = torch.ones(2, requires_grad=True)\n(x * {n}).sum()", None),
        ("torch.zeros(2)[{m}]", "IndexError"),
        ("torch.tensor([{n}., 1.]).dtype", None),
    ]
    # Real answers come from the torch in this environment, computed once here.
    import torch  # noqa: F401 - the benchmark itself may import torch

    lines = ["deck: bench-300", "title: Generated benchmark deck", "setup: import torch", "cards:"]
    for i in range(cards):
        code, raises = templates[i % len(templates)]
        code = code.format(n=i, k=i % 5 + 1, j=i % 2, m=i + 5)
        lines.append(f"  - id: card-{i}")
        lines.append("    kind: predict")
        lines.append("    code: |")
        lines.extend(f"      {line}" for line in code.splitlines())
        if raises:
            lines.append(f"    raises: {raises}")
        else:
            namespace: dict = {}
            exec("import torch", namespace)
            *body, last = code.splitlines()
            exec("\n".join(body), namespace)
            answer = repr(eval(last, namespace))
            lines.append("    answer: |")
            lines.extend(f"      {line}" for line in answer.splitlines())
    path.write_text("\n".join(lines) + "\n")


def bench_check(runs: int, cards: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        deck = Path(tmp) / "bench.yaml"
        make_deck(deck, cards)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            out = subprocess.run(
                QUIZAPP + ["check", "--json", str(deck)], capture_output=True, text=True
            )
            times.append(time.perf_counter() - start)
            report = json.loads(out.stdout)
            assert report["verified"] == cards, (report["failed"][:3], out.stderr[-2000:])
    return {
        "runs": runs,
        "cards": cards,
        "cores": len(os.sched_getaffinity(0)),
        "check_s": statistics.median(times),
        "per_card_ms": statistics.median(times) / cards * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--only", choices=["verdict", "one-shot", "check"])
    args = parser.parse_args()
    verdict_runs, cold_runs, shot_runs, check_runs = (50, 3, 3, 1) if args.quick else (200, 7, 7, 3)
    machine = (
        f"{platform.node()} · {platform.machine()} · {len(os.sched_getaffinity(0))} cores · "
        f"Linux {platform.release()} · Python {platform.python_version()}"
    )
    print(f"# runner benchmarks, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"# {machine}")
    results = {}
    if args.only in (None, "verdict"):
        results["verdict"] = v = bench_verdict(verdict_runs, cold_runs)
        print(
            f"verdict (warm, {v['runs']} runs): p50 {v['p50_ms']:.1f} ms, p95 {v['p95_ms']:.1f} ms;"
            f" cold python -c {v['cold_python_c_ms']:.0f} ms; ratio {v['ratio']:.0f}x"
        )
        print(f"  protections on: {', '.join(v['protections_active'])}")
    if args.only in (None, "one-shot"):
        results["one_shot"] = o = bench_one_shot(shot_runs)
        print(
            f"one-shot run-snippet: {o['run_snippet_s']:.2f} s vs python -c 'import torch' "
            f"{o['python_import_torch_s']:.2f} s; ratio {o['ratio']:.2f}x (median of {o['runs']})"
        )
    if args.only in (None, "check"):
        results["check"] = c = bench_check(check_runs, 300)
        print(
            f"quizapp check, {c['cards']} snippet cards on {c['cores']} cores: "
            f"{c['check_s']:.2f} s ({c['per_card_ms']:.1f} ms a card; median of {c['runs']})"
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
