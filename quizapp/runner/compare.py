"""The verdict: one comparison of a prediction with what a snippet really did.

``judge_prediction`` is the only judge of a learner's prediction; ``quizapp check``,
``quizapp run-snippet --expect`` and the study app all call it, and ``judge_code``
applies the same rules to a learner's code run against the solution's. The rules,
with examples, are in docs/verdicts.md. In short:

- The output is split into lines, a value that spans lines (a 2-D tensor) being one
  line; blank lines are ignored. Lines correspond one to one.
- Each line is split into words at top-level spaces; a word that reads as a value
  (``values.parse_value``) is compared as a value, anything else as text with
  whitespace normalised. Values compare by structure: spacing never matters, strings
  compare by value, floats to the precision the learner wrote.
- ``wrong``: another value, shape or length; int where the snippet shows float (or the
  reverse); anything unreadable that differs as text.
- ``close``: the right values with the wrong dtype, a missing or extra
  ``requires_grad=True`` or ``grad_fn=<...>``, another device, a tuple or list
  where the snippet shows ``torch.Size``, a list for a tuple; an exception of the
  right family but not the exact class.
"""

from __future__ import annotations

import builtins
import difflib
import re
from dataclasses import dataclass
from enum import StrEnum

from quizapp.runner.result import ExceptionInfo, RunResult
from quizapp.runner.values import (
    Dtype,
    Mapping,
    NoneValue,
    Num,
    Seq,
    Size,
    Str,
    Tensor,
    Unreadable,
    Value,
    parse_value,
    same_number,
)


class Verdict(StrEnum):
    CORRECT = "correct"
    CLOSE = "close"  # not accepted, but nearly: the explanation says what is off
    WRONG = "wrong"


_RANK = {Verdict.CORRECT: 0, Verdict.CLOSE: 1, Verdict.WRONG: 2}


@dataclass(frozen=True, slots=True)
class Judgement:
    """A verdict with one line saying why, and what was compared.

    ``expected`` is what the snippet really showed (or ``raises X: message``),
    ``given`` what the learner wrote (or what the learner's code showed); ``diff`` is a
    unified line diff of the two when the verdict is not correct and a diff helps.
    """

    verdict: Verdict
    explanation: str
    expected: str = ""
    given: str = ""
    diff: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT

    def to_dict(self) -> dict:
        return {
            "verdict": str(self.verdict),
            "explanation": self.explanation,
            "expected": self.expected,
            "given": self.given,
            "diff": list(self.diff),
        }


@dataclass(frozen=True, slots=True)
class _Issue:
    verdict: Verdict
    message: str


_OK = _Issue(Verdict.CORRECT, "")


def _worst(issues: list[_Issue]) -> _Issue:
    worst = _OK
    for issue in issues:
        if _RANK[issue.verdict] > _RANK[worst.verdict]:
            worst = issue
    return worst


# --- splitting output into lines and words ---------------------------------------------

_OPEN, _CLOSE = "([{", ")]}"


def _depth_changes(line: str) -> int:
    """Net bracket depth of a line, ignoring brackets inside quotes."""
    depth = 0
    quote = ""
    escaped = False
    for ch in line:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
    return depth


def logical_lines(text: str) -> list[str]:
    """Lines of output, a bracketed value spanning several lines kept as one line."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line.strip()]
    out: list[str] = []
    i = 0
    while i < len(lines):
        depth = _depth_changes(lines[i])
        j = i
        while depth > 0 and j + 1 < len(lines):
            j += 1
            depth += _depth_changes(lines[j])
        if depth == 0 and j > i:
            out.append(" ".join(line.strip() for line in lines[i : j + 1]))
            i = j + 1
        else:
            out.append(lines[i])
            i += 1
    return out


def _words(line: str) -> list[str]:
    """Split at spaces outside brackets and quotes: ``sum: tensor([1, 2])`` -> 2 words."""
    words: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    for ch in line:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        if ch.isspace() and depth <= 0:
            if current:
                words.append("".join(current))
                current = []
            continue
        current.append(ch)
    if current:
        words.append("".join(current))
    return words


def _rejoin_values(words: list[str]) -> list[str]:
    """Glue words back where a keyword split a value: ``grad_fn=<MulBackward0>)``."""
    out: list[str] = []
    for word in words:
        if out and (word.startswith(("=", ")", "]", "}", ",")) or out[-1].endswith(("=", ","))):
            out[-1] = out[-1] + " " + word
        else:
            out.append(word)
    return out


_SPACE = re.compile(r"\s+")


def _norm(text: str) -> str:
    # `[1,2]` and `[1, 2]` and `[ 1, 2 ]` all become `[1, 2]`.
    text = _SPACE.sub(" ", text.strip())
    text = re.sub(r"([(\[{])\s+", r"\1", text)
    text = re.sub(r"\s+([)\]},])", r"\1", text)
    return re.sub(r",\s*", ", ", text)


@dataclass(frozen=True, slots=True)
class _Atom:
    text: str
    value: Value | None  # None: compared as text


def _atoms(line: str) -> list[_Atom]:
    try:
        return [_Atom(line, parse_value(line))]
    except Unreadable:
        pass
    atoms = []
    for word in _rejoin_values(_words(line)):
        try:
            atoms.append(_Atom(word, parse_value(word)))
        except Unreadable:
            atoms.append(_Atom(word, None))
    # Several consecutive words stay one piece of text; only values stand alone.
    merged: list[_Atom] = []
    for atom in atoms:
        if atom.value is None and merged and merged[-1].value is None:
            merged[-1] = _Atom(merged[-1].text + " " + atom.text, None)
        else:
            merged.append(atom)
    return merged


# --- comparing values -------------------------------------------------------------------


def _describe(value: Value) -> str:
    match value:
        case Tensor():
            return "a tensor"
        case Size():
            return "a torch.Size"
        case Dtype():
            return "a dtype"
        case Seq(kind=kind):
            return {"list": "a list", "tuple": "a tuple", "set": "a set"}[kind]
        case Mapping():
            return "a dict"
        case Str():
            return "a string"
        case NoneValue():
            return "None"
        case Num(kind=kind):
            return {
                "bool": "a bool",
                "int": "an int",
                "float": "a float",
                "complex": "a complex number",
            }[kind]
    return "a value"


_KIND_PLURAL = {"bool": "bools", "int": "integers", "float": "floats", "complex": "complex numbers"}


def _fmt_shape(shape: tuple[int, ...] | None) -> str:
    if shape is None:
        return "not rectangular"
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


def _fmt_index(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(map(str, index)) + "]"


def _compare(expected: Value, given: Value) -> _Issue:
    if isinstance(expected, Tensor) and isinstance(given, Tensor):
        return _compare_tensors(expected, given)
    if isinstance(expected, Size):
        return _compare_size(expected, given)
    if isinstance(expected, Num) and isinstance(given, Num):
        return _compare_numbers(expected, given)
    if isinstance(expected, Seq) and isinstance(given, Seq):
        return _compare_seqs(expected, given)
    if isinstance(expected, Mapping) and isinstance(given, Mapping):
        return _compare_mappings(expected, given)
    if isinstance(expected, Str) and isinstance(given, Str):
        if expected.value == given.value:
            return _OK
        return _Issue(Verdict.WRONG, f"the string is {expected.value!r}, you wrote {given.value!r}")
    if isinstance(expected, Dtype) and isinstance(given, Dtype):
        if expected.name == given.name:
            return _OK
        return _Issue(
            Verdict.WRONG, f"the dtype is torch.{expected.name}, you wrote torch.{given.name}"
        )
    if isinstance(expected, NoneValue) and isinstance(given, NoneValue):
        return _OK
    return _Issue(
        Verdict.WRONG, f"the snippet shows {_describe(expected)}, you wrote {_describe(given)}"
    )


def _compare_numbers(expected: Num, given: Num) -> _Issue:
    if expected.kind != given.kind:
        if expected.value == given.value and "bool" not in (expected.kind, given.kind):
            return _Issue(
                Verdict.WRONG,
                f"the snippet shows {_describe(expected)} ({expected.text}), "
                f"you wrote {_describe(given)} ({given.text})",
            )
        return _Issue(Verdict.WRONG, f"the value is {expected.text}, you wrote {given.text}")
    if same_number(expected, given):
        return _OK
    return _Issue(Verdict.WRONG, f"the value is {expected.text}, you wrote {given.text}")


def _compare_tensors(expected: Tensor, given: Tensor) -> _Issue:
    if expected.shape != given.shape:
        return _Issue(
            Verdict.WRONG,
            f"the shape is {_fmt_shape(expected.shape)}, you wrote {_fmt_shape(given.shape)}",
        )
    if expected.kind != given.kind:
        sample_e = _first_text(expected)
        sample_g = _first_text(given)
        example = f" ({sample_e} vs {sample_g})" if sample_e and sample_g else ""
        return _Issue(
            Verdict.WRONG,
            f"the snippet shows {_KIND_PLURAL[expected.kind]}, "
            f"you wrote {_KIND_PLURAL[given.kind]}{example}",
        )
    for (index, e), (_, g) in zip(expected.elements(), given.elements(), strict=True):
        if not same_number(e, g):
            where = f"element {_fmt_index(index)}" if index else "the value"
            return _Issue(Verdict.WRONG, f"{where} is {e.text}, you wrote {g.text}")
    if expected.effective_dtype != given.effective_dtype:
        if given.dtype is None:
            hint = f"dtype=torch.{expected.effective_dtype} is missing"
        elif expected.dtype is None:
            hint = (
                f"the dtype is torch.{expected.effective_dtype} (the default, so it is not "
                f"printed), not torch.{given.dtype}"
            )
        else:
            hint = (
                f"the dtype is torch.{expected.effective_dtype}, not torch.{given.effective_dtype}"
            )
        return _Issue(Verdict.CLOSE, f"right values, but {hint}")
    if expected.grad_fn != given.grad_fn:
        if given.grad_fn is None:
            hint = f"grad_fn=<{expected.grad_fn}> is missing"
        elif expected.grad_fn is None:
            hint = "this tensor has no grad_fn" + (
                " (it is a leaf: requires_grad=True)" if expected.requires_grad else ""
            )
        else:
            hint = f"grad_fn is <{expected.grad_fn}>, not <{given.grad_fn}>"
        return _Issue(Verdict.CLOSE, f"right values, but {hint}")
    if expected.requires_grad != given.requires_grad:
        hint = (
            "requires_grad=True is missing"
            if expected.requires_grad
            else "this tensor does not require grad"
        )
        return _Issue(Verdict.CLOSE, f"right values, but {hint}")
    if (expected.device or "cpu") != (given.device or "cpu"):
        return _Issue(
            Verdict.CLOSE,
            f"right values, but the tensor is on "
            f"{expected.device or 'cpu'}, not {given.device or 'cpu'}",
        )
    return _OK


def _first_text(tensor: Tensor) -> str:
    elements = tensor.elements()
    return elements[0][1].text if elements else ""


def _compare_size(expected: Size, given: Value) -> _Issue:
    if isinstance(given, Size):
        if expected.dims == given.dims:
            return _OK
        return _Issue(
            Verdict.WRONG,
            f"the size is torch.Size({list(expected.dims)}), "
            f"you wrote torch.Size({list(given.dims)})",
        )
    if (
        isinstance(given, Seq)
        and given.kind in ("tuple", "list")
        and all(isinstance(d, Num) and d.kind == "int" for d in given.items)
    ):
        dims = tuple(int(d.value) for d in given.items)  # type: ignore[union-attr]
        if dims == expected.dims:
            return _Issue(
                Verdict.CLOSE,
                f"right sizes, but the snippet shows "
                f"torch.Size({list(expected.dims)}), not a {given.kind}",
            )
        return _Issue(Verdict.WRONG, f"the size is torch.Size({list(expected.dims)})")
    return _Issue(Verdict.WRONG, f"the snippet shows a torch.Size, you wrote {_describe(given)}")


def _compare_seqs(expected: Seq, given: Seq) -> _Issue:
    if expected.kind == "set" or given.kind == "set":
        if expected.kind != given.kind:
            return _Issue(
                Verdict.WRONG,
                f"the snippet shows {_describe(expected)}, you wrote {_describe(given)}",
            )
        return _compare_unordered(list(expected.items), list(given.items), "set")
    if len(expected.items) != len(given.items):
        return _Issue(
            Verdict.WRONG,
            f"the {expected.kind} has {len(expected.items)} items, you wrote {len(given.items)}",
        )
    issues = []
    for n, (e, g) in enumerate(zip(expected.items, given.items, strict=True)):
        issue = _compare(e, g)
        if issue.verdict is not Verdict.CORRECT:
            issues.append(_Issue(issue.verdict, f"item {n}: {issue.message}"))
            if issue.verdict is Verdict.WRONG:
                break
    worst = _worst(issues)
    if worst.verdict is Verdict.CORRECT and expected.kind != given.kind:
        return _Issue(
            Verdict.CLOSE,
            f"right items, but the snippet shows {_describe(expected)}, not {_describe(given)}",
        )
    return worst


def _compare_unordered(expected: list, given: list, what: str) -> _Issue:
    if len(expected) != len(given):
        return _Issue(
            Verdict.WRONG, f"the {what} has {len(expected)} items, you wrote {len(given)}"
        )
    remaining = list(given)
    for e in expected:
        for i, g in enumerate(remaining):
            if _compare(e, g).verdict is Verdict.CORRECT:
                del remaining[i]
                break
        else:
            return _Issue(Verdict.WRONG, f"the {what} differs from yours")
    return _OK


def _compare_mappings(expected: Mapping, given: Mapping) -> _Issue:
    if len(expected.items) != len(given.items):
        return _Issue(
            Verdict.WRONG, f"the dict has {len(expected.items)} keys, you wrote {len(given.items)}"
        )
    issues = []
    for key, value in expected.items:
        match = next(
            (v for k, v in given.items if _compare(key, k).verdict is Verdict.CORRECT), None
        )
        if match is None:
            return _Issue(Verdict.WRONG, "the dict's keys differ from yours")
        issue = _compare(value, match)
        if issue.verdict is not Verdict.CORRECT:
            issues.append(issue)
    return _worst(issues)


def _compare_atoms(expected: _Atom, given: _Atom) -> _Issue:
    if expected.value is not None and given.value is not None:
        return _compare(expected.value, given.value)
    if _norm(expected.text) == _norm(given.text):
        return _OK
    if expected.value is not None:
        return _Issue(
            Verdict.WRONG,
            f"the snippet shows {_short(expected.text)}; "
            f"your {_short(given.text)} does not read as a value",
        )
    return _Issue(
        Verdict.WRONG, f"the snippet shows {_short(expected.text)}, you wrote {_short(given.text)}"
    )


def _short(text: str, limit: int = 60) -> str:
    text = _norm(text)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _compare_line(expected: str, given: str) -> _Issue:
    e_atoms, g_atoms = _atoms(expected), _atoms(given)
    if len(e_atoms) != len(g_atoms):
        if _norm(expected) == _norm(given):
            return _OK
        return _Issue(
            Verdict.WRONG, f"the snippet shows {_short(expected)}, you wrote {_short(given)}"
        )
    issues = [_compare_atoms(e, g) for e, g in zip(e_atoms, g_atoms, strict=True)]
    return _worst(issues)


def compare_output(expected: str, given: str, *, whose: str = "you wrote") -> Judgement:
    """Compare what a snippet showed (``expected``) with ``given`` text. Pure: no run.

    ``whose`` words the explanation for a code card (``"your code shows"``).
    """
    e_lines, g_lines = logical_lines(expected), logical_lines(given)
    if len(e_lines) != len(g_lines):
        if not e_lines and [line.strip() for line in g_lines] == ["None"]:
            issue = _Issue(
                Verdict.CLOSE,
                "the snippet shows nothing: a last expression that is None is not shown",
            )
        elif not e_lines:
            issue = _Issue(Verdict.WRONG, "the snippet shows nothing")
        elif not g_lines:
            issue = _Issue(
                Verdict.WRONG, f"the snippet shows {_short(expected)}; the answer is empty"
            )
        else:
            issue = _Issue(
                Verdict.WRONG,
                f"the snippet shows {_plural(len(e_lines), 'line')}, you wrote {len(g_lines)}",
            )
    else:
        issues = []
        for n, (e, g) in enumerate(zip(e_lines, g_lines, strict=True), start=1):
            issue = _compare_line(e, g)
            if issue.verdict is not Verdict.CORRECT and len(e_lines) > 1:
                issue = _Issue(issue.verdict, f"line {n}: {issue.message}")
            issues.append(issue)
        issue = _worst(issues)
    return _judgement(issue, expected, given, whose)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _judgement(issue: _Issue, expected: str, given: str, whose: str) -> Judgement:
    explanation = issue.message or "correct"
    if whose != "you wrote":
        explanation = explanation.replace("you wrote", whose)
    explanation = " ".join(explanation.split())  # always one line
    diff: tuple[str, ...] = ()
    if issue.verdict is not Verdict.CORRECT:
        diff = tuple(
            difflib.unified_diff(
                expected.strip().splitlines(),
                given.strip().splitlines(),
                "shown" if whose == "you wrote" else "solution",
                "yours" if whose == "you wrote" else "your code",
                lineterm="",
                n=1,
            )
        )
    return Judgement(issue.verdict, explanation, expected.strip(), given.strip(), diff)


# --- exceptions ---------------------------------------------------------------------

_EXCEPTION_PREDICTION = re.compile(
    r"^\s*(?P<raises>raises?\s+|raised\s+)?(?P<name>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)"
    r"\s*(?::.*)?$",
    re.DOTALL | re.IGNORECASE,
)
_EXCEPTION_SUFFIXES = ("Error", "Exception", "Exit", "Interrupt", "Warning")


def parse_exception_prediction(text: str) -> tuple[str, bool] | None:
    """``IndexError`` / ``raises IndexError`` -> ("IndexError", explicit?), else None.

    A bare name counts only when it looks like an exception class; ``raises X`` always.
    """
    match = _EXCEPTION_PREDICTION.match(text.strip().splitlines()[0] if text.strip() else "")
    if not match or "\n" in text.strip():
        return None
    name = match.group("name")
    explicit = bool(match.group("raises"))
    short = name.rsplit(".", 1)[-1]
    builtin = getattr(builtins, short, None)
    looks_like = short.endswith(_EXCEPTION_SUFFIXES) or (
        isinstance(builtin, type) and issubclass(builtin, BaseException)
    )
    if explicit or looks_like:
        return name, explicit
    return None


def _base_names(exception: ExceptionInfo) -> list[str]:
    return [base.rsplit(".", 1)[-1] for base in exception.bases]


_TOO_BROAD = {"Exception", "BaseException", "object"}


def judge_exception(actual: ExceptionInfo, name: str) -> tuple[Verdict, str]:
    """An exception class named by the learner against the one really raised."""
    # By class name: `torch.cuda.OutOfMemoryError` names `torch.OutOfMemoryError` too.
    short = name.rsplit(".", 1)[-1]
    if short == actual.type:
        return Verdict.CORRECT, f"raised {actual.type}, as you said"
    raised = f"it raised {actual.type}"
    bases = _base_names(actual)
    if short in bases and short not in _TOO_BROAD:
        return Verdict.CLOSE, f"right family: {raised}, a kind of {short}; name the exact class"
    given_cls = getattr(builtins, short, None)
    if isinstance(given_cls, type) and issubclass(given_cls, BaseException):
        given_bases = [c.__name__ for c in given_cls.__mro__[1:]]
        if actual.type in given_bases and actual.type not in _TOO_BROAD:
            return Verdict.CLOSE, f"right family: {raised}, and {short} is a kind of {actual.type}"
        common = next((b for b in given_bases if b in bases), None)
        if common and common not in _TOO_BROAD:
            return Verdict.CLOSE, f"right family ({common}), but {raised}, not {short}"
    return Verdict.WRONG, f"{raised}, not {short}"


def _raised_text(exception: ExceptionInfo) -> str:
    return f"raises {exception.headline}"


# --- the judges ----------------------------------------------------------------------


def judge_prediction(actual: RunResult, prediction: str) -> Judgement:
    """Judge a learner's prediction against what the snippet really did.

    ``prediction`` is what the learner thinks the snippet shows (any number of lines),
    or the exception it raises: ``IndexError`` or ``raises IndexError``. Returns
    ``correct``, ``close`` or ``wrong`` with a one-line explanation.
    """
    exc_prediction = parse_exception_prediction(prediction)
    if actual.exception is not None and not actual.limits_hit:
        expected = _raised_text(actual.exception)
        if exc_prediction is None:
            issue = _Issue(Verdict.WRONG, f"the snippet raised {actual.exception.headline}")
            return _judgement(issue, expected, prediction, "you wrote")
        verdict, why = judge_exception(actual.exception, exc_prediction[0])
        return Judgement(verdict, " ".join(why.split()), expected, prediction.strip())
    if not actual.completed:
        if actual.missing:
            why = f"the snippet could not run: needs {', '.join(actual.missing)} (not installed)"
        else:
            why = f"the snippet did not finish: {actual.problem}"
        issue = _Issue(Verdict.WRONG, why)
        return _judgement(issue, actual.shown, prediction, "you wrote")
    if exc_prediction is not None:
        name, explicit = exc_prediction
        literal = compare_output(actual.shown, prediction)
        if not explicit and literal.correct:
            return literal  # it printed that name
        shown = _short(actual.shown) if actual.shown.strip() else "nothing"
        issue = _Issue(Verdict.WRONG, f"it did not raise {name}; it shows {shown}")
        return _judgement(issue, actual.shown, prediction, "you wrote")
    return compare_output(actual.shown, prediction)


def judge_code(learner: RunResult, solution: RunResult) -> Judgement:
    """Judge a learner's code run against the solution's run (``code`` cards).

    Correct when the learner's code shows the same as the solution (same rules as a
    prediction), or raises the same exception class when the solution raises.
    """
    if solution.exception is None and not solution.completed:
        return Judgement(
            Verdict.WRONG,
            f"the solution itself did not finish: {solution.problem}",
            solution.shown,
            learner.shown,
        )
    if learner.status.value == "skipped":
        return Judgement(Verdict.WRONG, learner.problem or "not run", solution.shown, "")
    if solution.exception is not None:
        expected = _raised_text(solution.exception)
        if learner.exception is None or learner.limits_hit:
            why = learner.problem or f"your code shows {_short(learner.shown)}"
            return Judgement(
                Verdict.WRONG,
                f"the solution raises {solution.exception.type}; {why}",
                expected,
                learner.shown.strip(),
            )
        verdict, why = judge_exception(solution.exception, learner.exception.qualified_type)
        return Judgement(
            verdict,
            why.replace("as you said", "like the solution"),
            expected,
            _raised_text(learner.exception),
        )
    if learner.exception is not None and not learner.limits_hit:
        where = f" (line {learner.exception.line})" if learner.exception.line else ""
        return Judgement(
            Verdict.WRONG,
            f"your code raised {learner.exception.headline}{where}",
            solution.shown.strip(),
            _raised_text(learner.exception),
        )
    if not learner.completed:
        return Judgement(
            Verdict.WRONG,
            f"your code did not finish: {learner.problem}",
            solution.shown.strip(),
            learner.shown.strip(),
        )
    return compare_output(solution.shown, learner.shown, whose="your code shows")
