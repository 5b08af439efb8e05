"""Load a deck file into a `Deck`, or explain every problem in it.

Decks come from other people, so loading is defensive: YAML is only *composed*
(never constructed), tags other than plain YAML types are refused, aliases have an
expansion budget, and every problem is reported as ``FILE:LINE:COL: field: message``
from the YAML node marks. All problems of a file are collected in one pass; the only
exception the loader raises is `DeckLoadError`.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from quizapp.deck.fields import (
    BOOL,
    CARD_FIELDS,
    DECK_FIELDS,
    DECK_REQUIRED,
    INT,
    TEXT,
    TEXT_LIST,
    Field,
)
from quizapp.deck.models import FORMAT_VERSION, Card, Deck, Kind

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
EXCEPTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
PLAIN_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "binary")
}
# An alias re-uses a node; walking it again costs again. Past this many visited
# nodes a small file is blowing up ("billion laughs") and we stop.
NODE_BUDGET = 200_000


@dataclass(frozen=True, slots=True)
class LoadError:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}:{self.column}: {where}{self.message}"

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


class DeckLoadError(Exception):
    """A deck file could not be loaded; `errors` lists every problem found."""

    def __init__(self, errors: list[LoadError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


class _TooBig(Exception):
    pass


def load_deck(path: Path | str, *, bundled: bool = False) -> Deck:
    """Read and validate one deck file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DeckLoadError([LoadError(str(path), 1, 1, f"cannot read the file: {reason}")])
    return load_deck_bytes(data, str(path), path=path, bundled=bundled)


def load_deck_text(text: str, filename: str = "<deck>") -> Deck:
    return load_deck_bytes(text.encode("utf-8"), filename)


def load_deck_bytes(
    data: bytes, filename: str, *, path: Path | None = None, bundled: bool = False
) -> Deck:
    validator = _Validator(filename)
    deck = validator.load(data, path=path, bundled=bundled)
    if validator.errors:
        raise DeckLoadError(sorted(validator.errors, key=lambda e: (e.line, e.column)))
    assert deck is not None
    return deck


def suggest_id(text: str) -> str:
    """A slug made from a card's text, offered when a card has no `id`."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(words[:5]) or "card-1"


class _Validator:
    def __init__(self, filename: str):
        self.filename = filename
        self.errors: list[LoadError] = []
        self.visited = 0

    # -- reporting -------------------------------------------------------------

    def error(self, node_or_mark, message: str, field: str = "") -> None:
        mark = getattr(node_or_mark, "start_mark", node_or_mark)
        line = getattr(mark, "line", 0) + 1
        column = getattr(mark, "column", 0) + 1
        self.errors.append(LoadError(self.filename, line, column, message, field))

    # -- entry -----------------------------------------------------------------

    def load(self, data: bytes, *, path: Path | None, bundled: bool) -> Deck | None:
        text = self._decode(data)
        if text is None:
            return None
        if not text.strip():
            self.errors.append(
                LoadError(self.filename, 1, 1, "the file is empty; a deck needs `deck:` and `cards:`")
            )
            return None
        if self._tabs(text):
            return None
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            context = f" ({exc.context})" if exc.context else ""
            self.error(mark, f"YAML syntax error: {problem}{context}")
            return None
        except yaml.YAMLError as exc:  # e.g. a reader error without a mark
            self.errors.append(LoadError(self.filename, 1, 1, f"YAML error: {exc}"))
            return None
        if root is None:
            self.errors.append(LoadError(self.filename, 1, 1, "the file has no content"))
            return None
        try:
            self._check_tags(root)
        except _TooBig:
            return None
        if self.errors:
            return None
        return self._deck(root, data, path=path, bundled=bundled)

    def _decode(self, data: bytes) -> str | None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            before = data[: exc.start]
            line = before.count(b"\n") + 1
            column = exc.start - (before.rfind(b"\n") + 1) + 1
            self.errors.append(
                LoadError(
                    self.filename, line, column,
                    f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
                )
            )
            return None

    def _tabs(self, text: str) -> bool:
        found = False
        for number, line in enumerate(text.splitlines(), start=1):
            indent = len(line) - len(line.lstrip(" \t"))
            if "\t" in line[:indent]:
                column = line.index("\t") + 1
                self.errors.append(
                    LoadError(self.filename, number, column, "tab in indentation; YAML indents with spaces")
                )
                found = True
        return found

    def _check_tags(self, root: yaml.Node) -> None:
        """Refuse non-plain tags and runaway alias expansion, walking the node graph."""
        stack = [root]
        while stack:
            node = stack.pop()
            self.visited += 1
            if self.visited > NODE_BUDGET:
                self.error(node, f"the document expands to more than {NODE_BUDGET:,} nodes "
                           "(aliases nested too deep?); refusing to load it")
                raise _TooBig
            if node.tag not in PLAIN_TAGS:
                self.error(node, f"tag `{node.tag.replace('tag:yaml.org,2002:', '!!')}` is not allowed; decks hold plain YAML values only")
                continue
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack.extend((value, key))
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(reversed(node.value))

    # -- the deck --------------------------------------------------------------

    def _deck(self, root: yaml.Node, data: bytes, *, path, bundled) -> Deck | None:
        if not isinstance(root, yaml.MappingNode):
            self.error(root, f"a deck is a mapping with `deck:` and `cards:`, not {_describe(root)}")
            return None
        fields = self._mapping(root, DECK_FIELDS, "", "deck")
        for name in DECK_REQUIRED:
            if name not in fields:
                self.error(root, f"missing required field `{name}`")

        fmt = self._value(fields.get("format"), DECK_FIELDS["format"], "format")
        if fmt is not None and fmt != FORMAT_VERSION:
            node = fields["format"][1]
            if isinstance(fmt, int) and fmt > FORMAT_VERSION:
                self.error(node, f"this deck needs format {fmt}; this quizapp reads format "
                           f"{FORMAT_VERSION}: upgrade quizapp", "format")
            else:
                self.error(node, f"unknown format {fmt}; use {FORMAT_VERSION}", "format")

        slug = self._value(fields.get("deck"), DECK_FIELDS["deck"], "deck")
        if slug is not None and not SLUG.match(slug):
            self.error(fields["deck"][1], f"`{slug}` is not a slug: use letters, digits, `-`, `_`, `.`",
                       "deck")
            slug = None
        values = {
            name: self._value(fields.get(name), DECK_FIELDS[name], name)
            for name in ("title", "description", "source", "setup", "tags", "requires")
        }
        cards = self._cards(fields.get("cards"), slug or "?", values)
        if self.errors or slug is None:
            return None
        return Deck(
            slug=slug,
            title=values["title"] or slug,
            cards=tuple(cards),
            path=path,
            description=values["description"],
            source=values["source"],
            tags=values["tags"] or (),
            setup=values["setup"],
            requires=values["requires"] or (),
            format=FORMAT_VERSION,
            bundled=bundled,
            content_hash=hashlib.sha256(data).hexdigest(),
        )

    def _cards(self, entry, slug: str, deck_values: dict) -> list[Card]:
        if entry is None:
            return []
        _, node = entry
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"`cards` must be a list of cards, not {_describe(node)}", "cards")
            return []
        if not node.value:
            self.error(node, "`cards` is empty; a deck needs at least one card", "cards")
        cards: list[Card] = []
        first_line: dict[str, int] = {}
        for index, card_node in enumerate(node.value):
            where = f"cards[{index}]"
            card = self._card(card_node, slug, where, deck_values)
            if card is None:
                continue
            if card.id in first_line:
                self.error(card_node, f"duplicate id `{card.id}` (first used on line "
                           f"{first_line[card.id]}); ids must be unique in a deck", f"{where}.id")
                continue
            first_line[card.id] = card.line
            cards.append(card)
        return cards

    def _card(self, node, slug: str, where: str, deck_values: dict) -> Card | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"a card is a mapping of fields, not {_describe(node)}", where)
            return None
        errors_before = len(self.errors)
        fields = self._mapping(node, CARD_FIELDS, where, "card")

        kind = None
        kind_text = self._value(fields.get("kind"), CARD_FIELDS["kind"], f"{where}.kind")
        if "kind" not in fields:
            self.error(node, "missing required field `kind` (one of: "
                       + ", ".join(k.value for k in Kind) + ")", where)
        elif kind_text is not None:
            try:
                kind = Kind(kind_text)
            except ValueError:
                hint = _did_you_mean(kind_text, [k.value for k in Kind])
                self.error(fields["kind"][1], f"unknown kind `{kind_text}`{hint}", f"{where}.kind")

        values = {
            name: self._value(fields.get(name), spec, f"{where}.{name}")
            for name, spec in CARD_FIELDS.items()
        }
        card_id = values["id"]
        if "id" not in fields:
            basis = next((values[n] for n in ("front", "prompt", "text", "code") if values[n]), "")
            self.error(node, f"missing `id`; give the card a stable id, e.g. `id: {suggest_id(basis)}`",
                       where)
        elif card_id is not None and not SLUG.match(card_id):
            self.error(fields["id"][1], f"`{card_id}` is not a valid id: use letters, digits, "
                       "`-`, `_`, `.`", f"{where}.id")

        if kind is not None:
            self._check_kind(kind, node, fields, values, where)
        if len(self.errors) > errors_before:
            return None
        tags = tuple(dict.fromkeys((deck_values["tags"] or ()) + (values["tags"] or ())))
        return Card(
            deck=slug,
            id=card_id,
            kind=kind,
            front=values["front"],
            back=values["back"],
            prompt=values["prompt"],
            answer=values["answer"],
            accept=values["accept"] or (),
            options=values["options"] or (),
            text=values["text"],
            together=bool(values["together"]),
            code=values["code"],
            raises=values["raises"],
            setup=values["setup"],
            solution=values["solution"],
            explain=values["explain"],
            source=values["source"] or deck_values["source"],
            tags=tags,
            requires=values["requires"] or (),
            line=node.start_mark.line + 1,
        )

    def _check_kind(self, kind: Kind, node, fields, values, where: str) -> None:
        for name, (key_node, _) in fields.items():
            spec = CARD_FIELDS[name]
            if kind not in spec.kinds:
                owners = ", ".join(sorted(k.value for k in spec.kinds))
                self.error(key_node, f"`{name}` is not a field of {kind.value} cards "
                           f"(it belongs to: {owners})", f"{where}.{name}")
        for name, spec in CARD_FIELDS.items():
            if kind in spec.required_for and name not in fields:
                self.error(node, f"a {kind.value} card needs `{name}`", where)

        if kind is Kind.PREDICT:
            has_answer, has_raises = "answer" in fields, "raises" in fields
            if has_answer == has_raises:
                self.error(node, "a predict card needs exactly one of `answer` (what the snippet "
                           "shows) or `raises` (the exception it raises)", where)
            raises = values["raises"]
            if raises is not None and not EXCEPTION_NAME.match(raises):
                self.error(fields["raises"][1], f"`{raises}` is not an exception class name "
                           "(e.g. IndexError, RuntimeError)", f"{where}.raises")
        elif kind is Kind.CHOICE:
            options, answer = values["options"], values["answer"]
            if options is not None:
                if len(options) < 2:
                    self.error(fields["options"][1], "a choice card needs at least two options",
                               f"{where}.options")
                if len(set(options)) != len(options):
                    self.error(fields["options"][1], "options repeat; each must be different",
                               f"{where}.options")
                if answer is not None and answer not in options:
                    hint = _did_you_mean(answer, options)
                    self.error(fields["answer"][1], f"answer `{answer}` is not one of the "
                               f"options{hint}", f"{where}.answer")
        elif kind is Kind.CLOZE:
            text = values["text"]
            if text is not None:
                card = Card(deck="", id="", kind=kind, text=text)
                if not card.blanks:
                    self.error(fields["text"][1], "a cloze needs at least one `{{blank}}`",
                               f"{where}.text")
                elif any(not a for b in card.blanks for a in b.answers):
                    self.error(fields["text"][1], "a blank is empty: write the answer inside "
                               "`{{...}}`", f"{where}.text")

    # -- generic field handling ------------------------------------------------

    def _mapping(self, node: yaml.MappingNode, specs: dict[str, Field], where: str, what: str):
        """Map field name -> (key node, value node), reporting unknown and repeated keys."""
        fields: dict[str, tuple] = {}
        for key_node, value_node in node.value:
            prefix = f"{where}." if where else ""
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, f"a {what} field name must be plain text", where)
                continue
            name = key_node.value
            if name in fields:
                self.error(key_node, f"`{name}` appears twice; keep one", f"{prefix}{name}")
                continue
            if name not in specs:
                hint = _did_you_mean(name, list(specs))
                self.error(key_node, f"unknown {what} field `{name}`{hint}", f"{prefix}{name}")
                continue
            fields[name] = (key_node, value_node)
        return fields

    def _value(self, entry, spec: Field, field: str):
        """The Python value of one field, or None after reporting why it is unusable."""
        if entry is None:
            return None
        _, node = entry
        if spec.type == TEXT:
            if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
                self.error(node, f"expected text, got {_describe(node)}", field)
                return None
            if not node.value.strip():
                self.error(node, "must not be empty", field)
                return None
            # Numbers and booleans are kept as written: `answer: 1.50` means "1.50".
            return node.value
        if spec.type == TEXT_LIST:
            if not isinstance(node, yaml.SequenceNode):
                self.error(node, f"expected a list of text, e.g. [a, b], got {_describe(node)}", field)
                return None
            items = []
            for i, item in enumerate(node.value):
                if not isinstance(item, yaml.ScalarNode) or item.tag.endswith(":null") or not item.value.strip():
                    self.error(item, f"expected text, got {_describe(item)}", f"{field}[{i}]")
                else:
                    items.append(item.value)
            return tuple(items)
        if spec.type == BOOL:
            if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":bool"):
                return node.value.lower() in ("true", "yes", "on")
            self.error(node, f"expected true or false, got {_describe(node)}", field)
            return None
        if spec.type == INT:
            if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":int"):
                try:
                    return int(node.value)
                except ValueError:
                    pass
            self.error(node, f"expected a whole number, got {_describe(node)}", field)
            return None
        raise AssertionError(f"unhandled field type {spec.type}")  # pragma: no cover


def _describe(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    kind = node.tag.rsplit(":", 1)[-1]
    if kind == "null":
        return "nothing (an empty value)"
    if kind == "str":
        return f"the text `{node.value[:40]}`"
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} `{node.value[:40]}`"


def _did_you_mean(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""
