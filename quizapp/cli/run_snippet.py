"""`quizapp run-snippet`: run one snippet in the sandbox, optionally judging a prediction."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

# Exit statuses, as documented in the command's help.
EXIT_OK = 0
EXIT_NOT_CORRECT = 1
EXIT_USAGE = 2
EXIT_RAISED = 3
EXIT_STOPPED = 4


class _Unusable(click.ClickException):
    """A file that cannot be read or a card that cannot be found: exit 2, no traceback."""

    exit_code = EXIT_USAGE


def _read(path: str, what: str) -> str:
    if path == "-":
        data = sys.stdin.buffer.read()
        name = "stdin"
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise _Unusable(f"cannot read {what} {path}: {exc.strerror or exc}") from None
        name = path
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unusable(f"{what} {name} is not UTF-8 text (byte {exc.start})") from None


def _find_card(key: str):
    """``DECK/ID``: DECK is a deck slug (bundled or user) or a deck file's path."""
    from quizapp.deck.discover import discover
    from quizapp.deck.loader import DeckLoadError, load_deck

    deck_part, sep, card_id = key.rpartition("/")
    if not sep or not deck_part or not card_id:
        raise click.BadParameter(
            "expected DECK/ID, e.g. tensor-indexing/index-select-column", param_hint="--card"
        )
    path = Path(deck_part)
    if path.suffix in (".yaml", ".yml") or path.is_file():
        try:
            deck = load_deck(path)
        except DeckLoadError as exc:
            raise _Unusable(f"cannot load {deck_part}:\n{exc}") from None
    else:
        decks = [s.deck for s in discover() if s.ok and s.deck.slug == deck_part]
        if not decks:
            raise _Unusable(f"no deck named {deck_part!r} (see `quizapp decks`)")
        deck = decks[0]
    try:
        card = deck.card(card_id)
    except KeyError:
        raise _Unusable(f"deck {deck.slug} has no card {card_id!r}") from None
    if not card.kind.is_live:
        raise _Unusable(f"{card.key} is a {card.kind} card: it has no snippet to run")
    return deck, card


def _verdict_style(verdict: str) -> tuple[str, str]:
    return {"correct": ("✓", "green"), "close": ("~", "yellow")}.get(verdict, ("✗", "red"))


@click.command("run-snippet")
@click.argument("file", required=False, metavar="[FILE|-]")
@click.option(
    "--setup",
    "setup_files",
    multiple=True,
    metavar="FILE",
    help="A setup snippet to run first (repeatable); its output is not shown.",
)
@click.option(
    "--card",
    "card_key",
    metavar="DECK/ID",
    help="Run a deck card's snippet with its setup (DECK: a slug or a deck file). "
    "With FILE, run FILE with the card's setup instead; for a code card, FILE "
    "is then judged against the card's solution.",
)
@click.option(
    "--expect",
    metavar="TEXT",
    help="A prediction to judge: what it shows, or e.g. 'raises IndexError'.",
)
@click.option(
    "--expect-file", type=str, metavar="FILE", help="Read the prediction from a file (- for stdin)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=600),
    metavar="S",
    help="Wall-clock limit in seconds (default 5).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option(
    "--sandbox-info",
    is_flag=True,
    help="Print which sandbox protections are active here, then exit.",
)
def run_snippet(
    file: str | None,
    setup_files: tuple[str, ...],
    card_key: str | None,
    expect: str | None,
    expect_file: str | None,
    timeout: float | None,
    as_json: bool,
    sandbox_info: bool,
) -> None:
    """Run a torch snippet in the sandbox, like a notebook cell.

    Prints what FILE (or stdin with -) shows: its printed output, then the repr of a
    last expression that is not None, then its exception, if any. With --expect, judges
    the prediction instead and prints the verdict (correct, close or wrong), why, and a
    diff.

    \b
    Exit status:
      0  it completed (with --expect: the prediction is correct)
      1  with --expect: the prediction is close or wrong
      2  usage error or unreadable file
      3  the snippet raised an exception
      4  a limit stopped it, or it crashed
    """
    from quizapp.runner import Limits, Runner, RunnerError, judge_code, judge_prediction
    from quizapp.runner import sandbox_info as probe_sandbox

    limits = Limits() if timeout is None else Limits(timeout_s=timeout)
    if sandbox_info:
        _print_sandbox(probe_sandbox(limits), as_json)
        return
    if expect is not None and expect_file is not None:
        raise click.UsageError("give --expect or --expect-file, not both")
    if file is None and card_key is None:
        raise click.UsageError("give a FILE, - for stdin, or --card DECK/ID")
    if file == "-" and expect_file == "-":
        raise click.UsageError("stdin can hold the snippet or the prediction, not both")

    deck = card = None
    setups: list[str] = []
    requires: tuple[str, ...] = ()
    if card_key is not None:
        deck, card = _find_card(card_key)
        setups.extend(deck.setups_for(card))
        requires = deck.requirements_for(card)
    setups.extend(_read(path, "setup file") for path in setup_files)
    if file is not None:
        code = _read(file, "snippet file")
    else:
        assert card is not None
        code = (card.code if card.code is not None else card.solution) or ""
    prediction = expect if expect_file is None else _read(expect_file, "prediction file")

    try:
        with Runner(limits, jobs=1, preload=False) as runner:
            result = runner.run(code, setups=setups, requires=requires)
            judgement = None
            if prediction is not None:
                judgement = judge_prediction(result, prediction)
            elif card is not None and file is not None and card.solution is not None:
                solution = runner.run(card.solution, setups=setups, requires=requires)
                judgement = judge_code(result, solution)
    except RunnerError as exc:
        raise click.ClickException(str(exc)) from None

    if as_json:
        _print_json(result, judgement)
    else:
        _print_human(result, judgement)
    if judgement is not None:
        sys.exit(EXIT_OK if judgement.correct else EXIT_NOT_CORRECT)
    status = result.status.value
    sys.exit({"completed": EXIT_OK, "raised": EXIT_RAISED}.get(status, EXIT_STOPPED))


def _print_human(result, judgement) -> None:
    if judgement is not None:
        mark, colour = _verdict_style(str(judgement.verdict))
        click.secho(f"{mark} {judgement.verdict}", fg=colour, bold=True, nl=False)
        if not judgement.correct:
            click.echo(f": {judgement.explanation}")
            for line in judgement.diff:
                fg = "red" if line.startswith("-") else "green" if line.startswith("+") else None
                click.secho(line, fg=fg)
        else:
            click.echo()
    else:
        if result.shown:
            click.echo(result.shown, nl=not result.shown.endswith("\n"))
        if result.exception is not None:
            click.secho(result.exception.format(), fg="red")
    if result.stderr.strip():
        click.secho(result.stderr.rstrip("\n"), err=True, dim=True)
    for message in result.limits_hit:
        click.secho(f"! {message}", err=True, fg="yellow")
    if result.missing:
        click.secho(f"! {result.problem}", err=True, fg="yellow")


def _print_json(result, judgement) -> None:
    exception = None
    if result.exception is not None:
        exception = {
            "type": result.exception.type,
            "message": result.exception.message,
            "line": result.exception.line,
            "traceback": list(result.exception.traceback),
        }
    payload = {
        "shown": result.shown,
        "stderr": result.stderr,
        "exception": exception,
        "verdict": str(judgement.verdict) if judgement else None,
        "explanation": judgement.explanation if judgement else (result.problem or ""),
        "diff": list(judgement.diff) if judgement else [],
        "status": str(result.status),
        "duration_ms": round(result.duration_ms, 1),
        "limits_hit": list(result.limits_hit),
        "missing": list(result.missing),
    }
    click.echo(json.dumps(payload, ensure_ascii=False))


def _print_sandbox(protections, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([p._asdict() for p in protections], ensure_ascii=False))
        return
    width = max(len(p.protection) for p in protections)
    for p in protections:
        mark = click.style("on ", fg="green") if p.active else click.style("OFF", fg="red")
        click.echo(f"{mark}  {p.protection:<{width}}  {p.detail}")
