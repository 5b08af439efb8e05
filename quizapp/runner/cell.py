"""Notebook-cell semantics: run code, then show the repr of a last expression.

This module runs inside the sandboxed child. It imports nothing heavy itself; torch is
already loaded in the warm worker the child was forked from.
"""

from __future__ import annotations

import ast
import linecache
import sys
import traceback
from types import TracebackType
from typing import Any, TextIO

SNIPPET = "<snippet>"


def setup_filename(index: int, count: int) -> str:
    return "<setup>" if count == 1 else f"<setup {index + 1}>"


def _register_source(filename: str, source: str) -> None:
    # So tracebacks (ours and any the snippet prints itself) show the snippet's lines.
    lines = source.splitlines(keepends=True)
    linecache.cache[filename] = (len(source), None, lines, filename)


def run_cell(source: str, filename: str, namespace: dict, *, display: TextIO | None) -> None:
    """Run ``source`` like a notebook cell in ``namespace``.

    When the last statement is an expression whose value is not None and ``display``
    is given, its repr is written there, after whatever the code printed.
    """
    _register_source(filename, source)
    tree = ast.parse(source, filename, "exec")
    last: ast.Expression | None = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    if tree.body:
        exec(compile(tree, filename, "exec"), namespace)
    if last is not None:
        value = eval(compile(last, filename, "eval"), namespace)
        if value is not None and display is not None:
            display.write(repr(value) + "\n")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def describe_exception(exc: BaseException, *, where: str) -> dict:
    """The exception as plain data: type, message, and the snippet's own frames."""
    cls = type(exc)
    frames: list[str] = []
    line: int | None = None
    if isinstance(exc, SyntaxError) and exc.filename and exc.filename.startswith("<"):
        message = exc.msg
        line = exc.lineno
        text = (exc.text or "").rstrip("\n")
        frames.append(f"line {exc.lineno}, in {exc.filename}: {text.strip()}")
        if exc.offset and text.strip():
            indent = len(text) - len(text.lstrip())
            caret = max(exc.offset - 1 - indent, 0)
            prefix = f"line {exc.lineno}, in {exc.filename}: "
            frames.append(" " * (len(prefix) + caret) + "^")
        if exc.filename != SNIPPET:
            line = None
    else:
        message = _safe_str(exc)
        for frame in _snippet_frames(exc.__traceback__):
            frames.append(f"line {frame.lineno}, in {frame.filename}: {(frame.line or '').strip()}")
            if frame.filename == SNIPPET:
                line = frame.lineno
    return {
        "type": cls.__name__,
        "qualified_type": _qualified(cls),
        "message": message,
        "traceback": frames,
        "line": line,
        "where": where,
        "bases": [_qualified(base) for base in cls.__mro__[1:] if base is not object],
    }


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except Exception as inner:  # a snippet's own exception class may break __str__
        return f"<str() of the exception failed: {type(inner).__name__}>"


def _snippet_frames(tb: TracebackType | None) -> list[traceback.FrameSummary]:
    summary = traceback.extract_tb(tb)
    return [f for f in summary if f.filename == SNIPPET or f.filename.startswith("<setup")]


def execute(code: str, setups: tuple[str, ...], *, shown: TextIO, setup_out: TextIO) -> dict | None:
    """Run the setups, then ``code`` as a cell, in one fresh namespace.

    Returns the exception that escaped (as ``describe_exception`` data) or None.
    What setups print goes to ``setup_out``; only the card's own code is shown.
    """
    namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
    where = "setup"
    try:
        saved = sys.stdout
        sys.stdout = setup_out
        try:
            for index, setup in enumerate(setups):
                run_cell(setup, setup_filename(index, len(setups)), namespace, display=None)
        finally:
            sys.stdout = saved
        where = "code"
        run_cell(code, SNIPPET, namespace, display=shown)
    except BaseException as exc:  # the snippet's exception is the result, whatever it is
        return describe_exception(exc, where=where)
    return None
