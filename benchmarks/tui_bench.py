"""Benchmarks for the study TUI (issue 5). Not a test: run it by hand.

    .venv/bin/python benchmarks/tui_bench.py            # 7 start-ups, 20 checks
    .venv/bin/python benchmarks/tui_bench.py --quick    # 3 start-ups, 8 checks

Everything is measured from outside, through a pseudo-terminal of 100x30, the way
a learner sees it:

1. start-up: from spawning ``quizapp study`` to the home screen's deck table on
   screen, beside ``python -c "import torch"`` timed in the same run (interleaved).
2. memory: the TUI process's resident set (VmRSS) on the home screen, and again
   after the torch worker is warm and checks have run (torch lives in the worker,
   a separate process, whose RSS is reported apart).
3. predict check: with the worker warm, from the Enter that submits a prediction to
   the verdict drawn on screen, over several predict cards; beside it, the same
   check made directly through ``Runner.run`` + ``judge_prediction`` in this process
   (what the UI adds is the difference).

The machine is shared and noisy: medians, and the baseline is measured in the
same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
QUIZAPP = str(ROOT / ".venv/bin/quizapp") if (ROOT / ".venv/bin/quizapp").exists() else None

CARD = """\
  - id: column-{n}
    kind: predict
    code: |
      A = torch.Tensor([[1, 2], [3, 4]])
      torch.squeeze(torch.index_select(A, 1, torch.tensor([0])))
    answer: tensor([1., 3.])
"""


class Terminal:
    """A child process on a pseudo-terminal, with everything it wrote kept."""

    def __init__(self, argv: list[str], env: dict[str, str], size=(100, 30)) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execvpe(argv[0], argv, env)
        cols, rows = size
        import fcntl

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.output = b""

    def wait_for(self, needle: bytes, timeout: float = 30.0, start: int = 0) -> float:
        """Read until ``needle`` appears after offset ``start``; the time it appeared."""
        deadline = time.perf_counter() + timeout
        while needle not in self.output[start:]:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"{needle!r} not seen; last output: {self.output[-400:]!r}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    raise TimeoutError(f"process ended before {needle!r} appeared") from None
                self.output += chunk
        return time.perf_counter()

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    return

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def close(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        os.close(self.fd)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QUIZAPP_DATA_DIR=str(tmp / "data"), QUIZAPP_DB=str(tmp / "progress.db"), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    return env


def quizapp(*args: str) -> list[str]:
    return [QUIZAPP, *args] if QUIZAPP else [sys.executable, "-m", "quizapp.cli", *args]


def bench_startup(runs: int, tmp: Path) -> dict:
    env = environment(tmp)
    app, torch_import, rss = [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        term = Terminal(quizapp("study"), env)
        try:
            app.append(term.wait_for(b"Total") - started)  # the line under the deck table
            rss.append(term.rss_mb())
        finally:
            term.close()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        torch_import.append(time.perf_counter() - started)
    return {
        "runs": runs,
        "home_drawn_s_median": round(statistics.median(app), 3),
        "home_drawn_s_all": [round(x, 3) for x in app],
        "python_import_torch_s_median": round(statistics.median(torch_import), 3),
        "ratio_to_import_torch": round(statistics.median(app) / statistics.median(torch_import), 2),
        "tui_rss_mb_on_home_median": round(statistics.median(rss), 1),
    }


def bench_checks(cards: int, tmp: Path) -> dict:
    from quizapp.deck.loader import load_deck
    from quizapp.study.trust import TrustList

    deck = tmp / "bench.yaml"
    deck.write_text(
        "deck: bench\ntitle: Bench\nsetup: |\n  import torch\ncards:\n"
        + "".join(CARD.format(n=n) for n in range(cards + 1))
    )
    TrustList(tmp / "data" / "trusted-decks.json").trust(load_deck(deck))
    term = Terminal(quizapp("study", str(deck), "--new", str(cards + 1)), environment(tmp))
    latencies = []
    try:
        term.wait_for(b"torch ready", timeout=60)
        rss_before = term.rss_mb()
        for n in range(cards + 1):
            mark = len(term.output)
            term.send("tensor([1., 3.])")
            term.drain(0.3)
            mark = len(term.output)
            sent = time.perf_counter()
            term.send("\r")
            seen = term.wait_for(b"correct", start=mark)
            if n:  # the first check also pays for the worker's first fork
                latencies.append((seen - sent) * 1000)
            term.drain(0.2)
            term.send("4")  # Easy: the card leaves today's queue
            term.drain(0.4)
        worker_rss = sum(rss_mb(p) for p in children(term.pid))
        rss_after = term.rss_mb()
    finally:
        term.close()
    # Baseline, same run: the runner alone (warm, in process), judging the same card.
    from quizapp.runner import Runner, judge_prediction

    code = "A = torch.Tensor([[1, 2], [3, 4]])\ntorch.squeeze(torch.index_select(A, 1, torch.tensor([0])))"
    direct = []
    with Runner() as runner:
        runner.wait_ready()
        runner.run(code, setups=("import torch",))
        for _ in range(len(latencies)):
            started = time.perf_counter()
            judge_prediction(runner.run(code, setups=("import torch",)), "tensor([1., 3.])")
            direct.append((time.perf_counter() - started) * 1000)
    return {
        "checks": len(latencies),
        "runner_alone_ms_median": round(statistics.median(direct), 1),
        "verdict_on_screen_ms_median": round(statistics.median(latencies), 1),
        "verdict_on_screen_ms_p95": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 1),
        "verdict_on_screen_ms_all": [round(x, 1) for x in latencies],
        "tui_rss_mb_warm": round(rss_before, 1),
        "tui_rss_mb_after_checks": round(rss_after, 1),
        "worker_processes_rss_mb": round(worker_rss, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    runs, cards = (3, 8) if args.quick else (7, 20)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        results = {
            "machine": f"{platform.node()} · {platform.processor() or platform.machine()} · "
                       f"{len(os.sched_getaffinity(0))} cores · Python {platform.python_version()}",
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "startup": bench_startup(runs, tmp),
            "check": bench_checks(cards, tmp),
        }
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
