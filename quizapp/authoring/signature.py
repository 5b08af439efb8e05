"""Signature cards: a torch API's argument order, defaults and keyword-only arguments.

The card is built from the installed torch, never typed by hand: the signature line(s)
at the top of the docstring (how torch documents its C++ builtins, which ``inspect``
cannot read), else ``inspect.signature``. torch is imported inside the functions, so
importing this module (and the CLI that uses it) stays cheap.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from dataclasses import dataclass

import yaml

# Arguments that nearly every factory or out-variant carries; blanking them teaches
# nothing about the function at hand, so they stay visible.
BOILERPLATE = frozenset({"out", "device", "dtype"})
# Boilerplate only where it is keyword-only (the factory functions' tail); positional
# ones are part of what the API is about: Parameter's requires_grad, DataLoader's
# pin_memory and generator.
KEYWORD_BOILERPLATE = frozenset({"layout", "requires_grad", "pin_memory", "memory_format", "generator"})

KINDS = ("cloze", "flash")


class SignatureError(Exception):
    """The name does not resolve, or no signature can be read for it."""


@dataclass(frozen=True, slots=True)
class Param:
    """One entry of a parameter list as written: ``name``, ``name=default``, ``*``, ``/``."""

    name: str
    default: str | None = None
    keyword_only: bool = False

    @property
    def is_marker(self) -> bool:
        return self.name in ("*", "/")

    @property
    def is_variadic(self) -> bool:
        return self.name.startswith("*") and not self.is_marker

    @property
    def bare_name(self) -> str:
        return self.name.lstrip("*")


@dataclass(frozen=True, slots=True)
class Signature:
    """A callable's signature: ``name(params) -> returns``."""

    name: str
    params: tuple[Param, ...]
    returns: str | None
    origin: str  # "docstring" or "inspect"

    def render(self, blank=None, only: frozenset[str] | None = None) -> str:
        """The signature as text.

        With ``blank``, each argument gets at most one blank (``blank(s)`` wraps it):
        a positional argument's name (teaches the order), else its default, and a
        keyword-only argument's name (teaches what must be spelled out). ``only``
        limits the blanks to those argument names.
        """
        parts = []
        for p in self.params:
            if p.is_marker:
                parts.append(p.name)
                continue
            wanted = blank is not None and _blankable(p) and (only is None or p.bare_name in only)
            if p.is_variadic:
                stars = p.name[: len(p.name) - len(p.bare_name)]
                parts.append(stars + (blank(p.bare_name) if wanted else p.bare_name))
            elif p.default is None or p.keyword_only:
                name = blank(p.name) if wanted else p.name
                parts.append(name if p.default is None else f"{name}={p.default}")
            else:
                parts.append(f"{p.name}={blank(p.default) if wanted else p.default}")
        text = f"{self.name}({', '.join(parts)})"
        return f"{text} -> {self.returns}" if self.returns else text

    @property
    def keyword_only(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params if p.keyword_only and not p.is_marker)


def _blankable(p: Param) -> bool:
    # `out=` and the factory keywords are everywhere; blanking them teaches nothing
    # about this function.
    return p.name not in BOILERPLATE and not (p.keyword_only and p.name in KEYWORD_BOILERPLATE)


def resolve(name: str) -> object:
    """Import the longest module prefix of a dotted name, then walk attributes."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module_name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(module_name)
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError as exc:
            raise SignatureError(f"{name}: {module_name} has no attribute path {'.'.join(parts[i:])!r}") from exc
        return obj
    raise SignatureError(f"{name}: no importable module in this name")


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside brackets or quotes."""
    out, depth, quote, cur = [], 0, None, []
    for ch in text:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([{<":
            depth += 1
        elif ch in ")]}>":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def _strip_annotation(piece: str) -> str:
    # "input: Tensor" -> "input"; keep "=default" after it.
    head, eq, default = piece.partition("=")
    head = head.split(":", 1)[0].strip()
    return f"{head}={default.strip()}" if eq else head


def parse_signature_line(line: str, name: str) -> Signature:
    """Parse a docstring signature line such as ``gather(input, dim, *, out=None) -> Tensor``."""
    line = line.strip().replace("\\*", "*")
    line = re.sub(r"^\.\. function:: ", "", line)
    open_at = line.index("(")
    depth = 0
    for close_at in range(open_at, len(line)):
        depth += {"(": 1, ")": -1}.get(line[close_at], 0)
        if depth == 0:
            break
    inner = line[open_at + 1 : close_at]
    rest = line[close_at + 1 :].strip()
    returns = rest[2:].strip().rstrip(":").strip() if rest.startswith("->") else None
    params, keyword_only = [], False
    for piece in _split_top_level(inner):
        piece = _strip_annotation(piece)
        if piece == "*" or (piece.startswith("*") and not piece.startswith("**")):
            params.append(Param(piece, keyword_only=keyword_only))
            keyword_only = True
            continue
        pname, eq, default = piece.partition("=")
        params.append(Param(pname.strip(), default.strip() if eq else None, keyword_only))
    return Signature(name, tuple(params), returns or None, "docstring")


def _docstring_lines(obj: object, short: str) -> list[str]:
    # torch documents a builtin by opening its docstring with the signature, and each
    # further overload as a `.. function::` line. Nothing else counts: example output
    # such as `tensor([[ 0.1000, ...` must not pass for a signature.
    doc = inspect.getdoc(obj) or ""
    first = re.compile(rf"^(?:[\w.]+\.)?{re.escape(short)}\(")
    more = re.compile(rf"^\.\. function:: (?:[\w.]+\.)?{re.escape(short)}\(")
    lines = [ln.strip() for ln in doc.splitlines() if ln.strip()]
    if not lines or not first.match(lines[0]):
        return []
    return [lines[0]] + [ln for ln in lines[1:] if more.match(ln)]


def _from_inspect(obj: object, name: str) -> Signature:
    sig = inspect.signature(obj)
    params: list[Param] = []
    seen_kw_marker = False
    items = list(sig.parameters.values())
    if items and items[0].name in ("self", "cls") and not inspect.isclass(obj):
        items = items[1:]
    for i, p in enumerate(items):
        if p.kind is p.KEYWORD_ONLY and not seen_kw_marker:
            params.append(Param("*"))
            seen_kw_marker = True
        if p.kind is p.VAR_POSITIONAL:
            params.append(Param(f"*{p.name}"))
            seen_kw_marker = True
            continue
        if p.kind is p.VAR_KEYWORD:
            params.append(Param(f"**{p.name}"))
            continue
        default = None if p.default is p.empty else _render_default(p.default)
        params.append(Param(p.name, default, p.kind is p.KEYWORD_ONLY))
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(items) or items[i + 1].kind is not p.POSITIONAL_ONLY):
            params.append(Param("/"))
    # Only a plain class reads well as a return type; typing constructs are noise here.
    ann = sig.return_annotation
    returns = ann.__name__ if isinstance(ann, type) and ann is not sig.empty and not inspect.isclass(obj) else None
    return Signature(name, tuple(params), returns, "inspect")


def _render_default(value: object) -> str:
    # An enum's repr (<InterpolationMode.BILINEAR: 'bilinear'>) is not what people write.
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def signatures_of(name: str) -> list[Signature]:
    """Every documented signature (overload) of ``name`` in the installed torch."""
    obj = resolve(name)
    short = name.rsplit(".", 1)[-1]
    lines = _docstring_lines(obj, short)
    if lines:
        return [parse_signature_line(ln, name) for ln in lines]
    try:
        return [_from_inspect(obj, name)]
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"{name}: no signature in its docstring and inspect cannot read it ({exc})") from exc


def default_card_id(name: str) -> str:
    """``torch.Tensor.scatter_`` -> ``sig-tensor-scatter``; ``torch.gather`` -> ``sig-gather``."""
    parts = name.split(".")
    # Keep the class when the name is a method (a capitalised part before the last).
    tail = parts[-2:] if len(parts) > 1 and parts[-2][:1].isupper() else parts[-1:]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(tail).lower()).strip("-")
    return f"sig-{slug}"


def _torch_version() -> str:
    import torch

    return torch.__version__.split("+")[0]


def build_cards(
    name: str,
    *,
    kind: str = "cloze",
    card_id: str | None = None,
    source: str | None = None,
    overload: int | None = None,
    blanks: tuple[str, ...] = (),
) -> list[dict]:
    """Cards (as deck-format dicts) for each signature of ``name``.

    ``overload`` (1-based) picks one of several documented overloads; ``blanks``
    limits a cloze's blanks to those argument names.
    """
    if kind not in KINDS:
        raise SignatureError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    sigs = signatures_of(name)
    if overload is not None:
        if not 1 <= overload <= len(sigs):
            raise SignatureError(f"{name} has {len(sigs)} documented signature(s); --overload {overload} is out of range")
        picked = [(overload, sigs[overload - 1])]
    else:
        picked = list(enumerate(sigs, start=1))
    base_id = card_id or default_card_id(name)
    version = _torch_version()
    cards = []
    for n, sig in picked:
        cid = base_id if (len(picked) == 1 or n == 1) else f"{base_id}-{n}"
        kw = [k for k in sig.keyword_only if k not in BOILERPLATE]
        note = f"Read from the installed torch {version} ({sig.origin})."
        if len(sigs) > 1:
            note = f"Overload {n} of {len(sigs)}. " + note
        if kw:
            note += f" Keyword-only: {', '.join(kw)}."
        card: dict = {"id": cid, "kind": kind}
        if kind == "cloze":
            only = frozenset(blanks) if blanks else None
            text = sig.render(blank=lambda s: "{{" + s + "}}", only=only)
            if "{{" not in text:
                raise SignatureError(f"{name}: nothing to blank in {sig.render()}")
            card["text"] = text
        else:
            card["front"] = f"Signature of `{name}`: argument order, defaults, keyword-only arguments?"
            card["back"] = f"`{sig.render()}`"
        card["explain"] = note
        if source:
            card["source"] = source
        card["tags"] = ["signature"]
        cards.append(card)
    return cards


def cards_yaml(cards: list[dict]) -> str:
    """YAML for a deck's ``cards:`` list, indented as the bundled decks are."""
    text = yaml.safe_dump(
        cards, sort_keys=False, allow_unicode=True, width=100_000, default_flow_style=None
    )
    return "".join(f"  {line}\n" for line in text.splitlines())
