"""A restricted reader for printed values: tensors, sizes, dtypes and Python literals.

Both sides of a verdict are text: what the snippet showed and what the learner wrote.
This module reads either into plain value objects by walking Python's AST, allowing
only ``tensor(...)``, ``torch.Size(...)``, ``torch.<dtype>``, lists, tuples, sets,
dicts, numbers, bools, strings, None, ``nan``/``inf`` and complex literals, and the
``dtype=``, ``requires_grad=``, ``grad_fn=<...>``, ``device=`` and ``size=`` keywords.
Nothing is ever evaluated. Anything else -- a summarised tensor (``...``),
``torch.return_types``, plain words -- is reported as unreadable, and the caller
compares it as text.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# Kinds of number, in promotion order: a tensor holding any float is a float tensor.
KINDS = ("bool", "int", "float", "complex")
DEFAULT_DTYPE = {"bool": "bool", "int": "int64", "float": "float32", "complex": "complex64"}
DTYPE_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "cfloat": "complex64",
    "cdouble": "complex128",
    "chalf": "complex32",
    "int": "int32",
    "long": "int64",
    "short": "int16",
}
DTYPE_KIND = {
    **{
        name: "float"
        for name in (
            "float16",
            "bfloat16",
            "float32",
            "float64",
            "float8_e4m3fn",
            "float8_e5m2",
            "float8_e4m3fnuz",
            "float8_e5m2fnuz",
            "float8_e8m0fnu",
            "float4_e2m1fn_x2",
        )
    },
    **{
        name: "int"
        for name in (
            "int8",
            "int16",
            "int32",
            "int64",
            "uint8",
            "uint16",
            "uint32",
            "uint64",
            "qint8",
            "quint8",
            "qint32",
            "quint4x2",
            "quint2x4",
            "int1",
            "int2",
            "int3",
            "int4",
            "int5",
            "int6",
            "int7",
            "uint1",
            "uint2",
            "uint3",
            "uint4",
            "uint5",
            "uint6",
            "uint7",
        )
    },
    "bool": "bool",
    **{name: "complex" for name in ("complex32", "complex64", "complex128")},
}
MAX_TEXT = 200_000  # longer answers are compared as text; the AST walk is not free
MAX_DEPTH = 60


class Unreadable(ValueError):
    """Text that is not one of the values this reader allows."""


@dataclass(frozen=True, slots=True)
class Num:
    """A number as written: its value, its kind, and the literal text (for precision)."""

    kind: str  # bool, int, float, complex
    value: bool | int | float | complex
    text: str
    parts: tuple[str, str] = ("", "")  # real and imaginary literal text, complex only

    @property
    def is_nan(self) -> bool:
        return self.kind in ("float", "complex") and _isnan(self.value)


@dataclass(frozen=True, slots=True)
class Tensor:
    data: object  # nested lists of Num, or a Num for a 0-d tensor
    shape: tuple[int, ...] | None  # None: not rectangular
    kind: str
    dtype: str | None  # as written (normalised), None when left out
    requires_grad: bool = False
    grad_fn: str | None = None
    device: str | None = None

    @property
    def effective_dtype(self) -> str:
        return self.dtype or DEFAULT_DTYPE[self.kind]

    def elements(self) -> list[tuple[tuple[int, ...], Num]]:
        out: list[tuple[tuple[int, ...], Num]] = []

        def walk(item: object, index: tuple[int, ...]) -> None:
            if isinstance(item, list):
                for i, sub in enumerate(item):
                    walk(sub, (*index, i))
            else:
                out.append((index, item))  # type: ignore[arg-type]

        walk(self.data, ())
        return out


@dataclass(frozen=True, slots=True)
class Size:
    dims: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Dtype:
    name: str


@dataclass(frozen=True, slots=True)
class Seq:
    """A list, tuple or set of values."""

    kind: str  # list, tuple, set
    items: tuple = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Mapping:
    items: tuple = field(default_factory=tuple)  # ((key, value), ...)


@dataclass(frozen=True, slots=True)
class Str:
    value: str


@dataclass(frozen=True, slots=True)
class NoneValue:
    pass


Value = Num | Tensor | Size | Dtype | Seq | Mapping | Str | NoneValue

# `grad_fn=<MulBackward0>` is not Python; make it a string literal before parsing.
_ANGLE = re.compile(r"=\s*<([A-Za-z_][\w.]*)>")


def parse_value(text: str) -> Value:
    """Read one value from ``text``; raises ``Unreadable`` when it is not allowed."""
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise Unreadable("empty" if not text else "too long")
    source = _ANGLE.sub(lambda m: f"='<{m.group(1)}>'", text)
    try:
        tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError) as exc:
        raise Unreadable(str(exc)) from None
    return _Reader(source).read(tree.body, 0)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node) or ""
        return "".join(segment.split())

    def read(self, node: ast.AST, depth: int) -> Value:
        if depth > MAX_DEPTH:
            raise Unreadable("nested too deeply")
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name) and node.id in ("nan", "inf"):
            return Num("float", float(node.id), node.id)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            inner = self.read(node.operand, depth + 1)
            if isinstance(inner, Num) and inner.kind != "bool":
                sign = -1 if isinstance(node.op, ast.USub) else 1
                text = ("-" if sign < 0 else "") + inner.text.lstrip("+")
                if inner.kind == "complex":
                    real, imag = inner.parts
                    parts = (
                        _negate(real) if sign < 0 else real,
                        _negate(imag) if sign < 0 else imag,
                    )
                    return Num("complex", sign * inner.value, text, parts)
                return Num(inner.kind, sign * inner.value, text)
            raise Unreadable("sign on a non-number")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Sub):
            return self.complex_literal(node, depth)
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
            return Seq(kind, tuple(self.read(item, depth + 1) for item in node.elts))
        if isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):
                raise Unreadable("** in a dict")
            return Mapping(
                tuple(
                    (self.read(k, depth + 1), self.read(v, depth + 1))  # type: ignore[arg-type]
                    for k, v in zip(node.keys, node.values, strict=True)
                )
            )
        if isinstance(node, ast.Attribute):
            return self.dtype(node)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise Unreadable(f"{type(node).__name__} is not allowed")

    def constant(self, node: ast.Constant) -> Value:
        value = node.value
        if value is None:
            return NoneValue()
        if isinstance(value, bool):
            return Num("bool", value, str(value))
        if isinstance(value, int):
            return Num("int", value, self.text(node))
        if isinstance(value, float):
            return Num("float", value, self.text(node))
        if isinstance(value, complex):
            imag = self.text(node)[:-1]  # drop the j
            return Num("complex", value, self.text(node), ("0", imag))
        if isinstance(value, str):
            return Str(value)
        raise Unreadable(f"{type(value).__name__} literal is not allowed")

    def complex_literal(self, node: ast.BinOp, depth: int) -> Num:
        left = self.read(node.left, depth + 1)
        right = self.read(node.right, depth + 1)
        if not (isinstance(left, Num) and isinstance(right, Num)):
            raise Unreadable("arithmetic is not allowed")
        if left.kind not in ("int", "float") or right.kind != "complex" or right.value.real:
            raise Unreadable("only complex literals like 1+2j are allowed")
        sign = 1 if isinstance(node.op, ast.Add) else -1
        imag_text = right.parts[1] if sign > 0 else _negate(right.parts[1])
        value = complex(left.value, sign * right.value.imag)
        return Num("complex", value, self.text(node), (left.text, imag_text))

    def dtype(self, node: ast.Attribute) -> Dtype:
        if isinstance(node.value, ast.Name) and node.value.id == "torch":
            name = DTYPE_ALIASES.get(node.attr, node.attr)
            if name in DTYPE_KIND:
                return Dtype(name)
        raise Unreadable(f"{self.text(node)} is not allowed")

    def call(self, node: ast.Call, depth: int) -> Value:
        name = self.text(node.func)
        if name in ("torch.Size", "Size"):
            if node.keywords or len(node.args) > 1:
                raise Unreadable("torch.Size takes one list")
            dims = self.read(node.args[0], depth + 1) if node.args else Seq("list")
            if not (
                isinstance(dims, Seq)
                and dims.kind in ("list", "tuple")
                and all(isinstance(d, Num) and d.kind == "int" for d in dims.items)
            ):
                raise Unreadable("torch.Size takes a list of ints")
            return Size(tuple(int(d.value) for d in dims.items))  # type: ignore[union-attr]
        if name in ("tensor", "torch.tensor"):
            return self.tensor(node, depth)
        raise Unreadable(f"{name}(...) is not allowed")

    def tensor(self, node: ast.Call, depth: int) -> Tensor:
        if len(node.args) != 1:
            raise Unreadable("tensor(...) takes one value")
        data = self.read(node.args[0], depth + 1)
        options: dict = {}
        for keyword in node.keywords:
            if keyword.arg is None or keyword.arg in options:
                raise Unreadable("bad keyword")
            options[keyword.arg] = self.read(keyword.value, depth + 1)
        dtype = options.pop("dtype", None)
        if dtype is not None and not isinstance(dtype, Dtype):
            raise Unreadable("dtype= takes torch.<dtype>")
        requires_grad = options.pop("requires_grad", Num("bool", False, "False"))
        if not (isinstance(requires_grad, Num) and requires_grad.kind == "bool"):
            raise Unreadable("requires_grad= takes True or False")
        grad_fn = options.pop("grad_fn", None)
        if grad_fn is not None:
            if not isinstance(grad_fn, Str):
                raise Unreadable("grad_fn= takes <Name>")
            grad_fn = grad_fn.value.strip("<>")
        device = options.pop("device", None)
        if device is not None:
            if not isinstance(device, Str):
                raise Unreadable("device= takes a string")
            device = _device(device.value)
        size = options.pop("size", None)
        if options:
            raise Unreadable(f"tensor(..., {next(iter(options))}=) is not allowed")

        nested = _nested(data)
        shape = _shape(nested)
        if size is not None:
            if not (
                isinstance(size, Seq)
                and all(isinstance(d, Num) and d.kind == "int" for d in size.items)
            ):
                raise Unreadable("size= takes a tuple of ints")
            shape = tuple(int(d.value) for d in size.items)  # type: ignore[union-attr]
        numbers = [n for _, n in Tensor(nested, shape, "bool", None).elements()]
        if not all(isinstance(n, Num) for n in numbers):
            raise Unreadable("a tensor holds numbers only")
        if dtype is not None:
            kind = DTYPE_KIND[dtype.name]
        elif numbers:
            kind = max((n.kind for n in numbers), key=KINDS.index)
        else:
            kind = "float"  # torch.tensor([]) is float32
        return Tensor(
            nested,
            shape,
            kind,
            dtype.name if dtype else None,
            bool(requires_grad.value) or grad_fn is not None,
            grad_fn,
            device,
        )


def _nested(value: Value) -> object:
    if isinstance(value, Seq) and value.kind in ("list", "tuple"):
        return [_nested(item) for item in value.items]
    if isinstance(value, Num):
        return value
    raise Unreadable("a tensor holds numbers only")


def _shape(nested: object) -> tuple[int, ...] | None:
    if not isinstance(nested, list):
        return ()
    if not nested:
        return (0,)
    shapes = {_shape(item) for item in nested}
    if len(shapes) != 1 or None in shapes:
        return None
    return (len(nested), *shapes.pop())  # type: ignore[misc]


def _device(text: str) -> str:
    text = text.strip()
    return "cuda:0" if text == "cuda" else text


def _negate(text: str) -> str:
    return text[1:] if text.startswith("-") else "-" + text.lstrip("+")


def _isnan(value: object) -> bool:
    if isinstance(value, complex):
        return math.isnan(value.real) or math.isnan(value.imag)
    return isinstance(value, float) and math.isnan(value)


# --- numbers to the precision written ---------------------------------------------


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace("_", "").rstrip("jJ") or "0")
    except InvalidOperation:
        return None


def _whole(text: str) -> bool:
    """``11.`` or ``11``: a literal that claims an exact whole number."""
    text = text.replace("_", "").lstrip("+-").lower()
    if "e" in text or text in ("nan", "inf"):
        return False
    return "." not in text or text.endswith(".")


def same_real(expected: str, given: str) -> bool:
    """Whether two real-number literals agree to the precision of the coarser one.

    ``11.2000`` and ``11.2`` agree (the learner wrote one decimal); ``0.3333`` and
    ``0.333333`` agree (the print has four). A literal without a fractional part or an
    exponent (``11.``, ``11``) claims a whole number, so ``11.`` and ``11.2`` do not.
    """
    if expected in ("nan", "-nan") or given in ("nan", "-nan"):
        return expected.lstrip("-") == given.lstrip("-")
    if "inf" in expected or "inf" in given:
        return expected.lstrip("+") == given.lstrip("+")
    e, g = _decimal(expected), _decimal(given)
    if e is None or g is None:
        return expected == given
    if _whole(expected) or _whole(given):
        return e == g
    place = max(int(e.as_tuple().exponent), int(g.as_tuple().exponent))
    return abs(e - g) <= Decimal(5).scaleb(place - 1)


def same_number(expected: Num, given: Num) -> bool:
    """Equal values, floats to the precision written (see ``same_real``)."""
    if expected.kind in ("bool", "int") and given.kind in ("bool", "int"):
        return expected.value == given.value and (expected.kind == "bool") == (given.kind == "bool")
    e_parts = expected.parts if expected.kind == "complex" else (expected.text, "0")
    g_parts = given.parts if given.kind == "complex" else (given.text, "0")
    if expected.kind == "bool" or given.kind == "bool":
        return False
    return same_real(e_parts[0], g_parts[0]) and same_real(e_parts[1], g_parts[1])
