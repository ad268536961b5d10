"""The canonical ID grammar: rendering units to IDs and parsing IDs back, in one place.

Grammar (whitespace between tokens is ignored when parsing; rendering emits ``", "`` between items)::

    id      := unit
    unit    := NAME [ "@" INT ] [ "(" [ arg { "," arg } ] ")" ]
    arg     := NAME "=" value
    value   := unit | list | STRING | NUMBER | "true" | "false" | "none"
    list    := "[" [ value { "," value } ] "]"
    NAME    := [a-z_][a-z0-9_]*
    STRING  := a JSON string literal in double quotes (ASCII only; other characters as \\uXXXX)

* A unit renders every declared field, defaults included, in declaration order. A unit without fields renders
  as its bare NAME.
* ``@N`` is the unit's definition revision. It is omitted when N is 1; a parsed NAME without ``@`` means
  revision 1. A revision the installed version no longer implements is a ParseError, never a silent upgrade.
  A bare NAME (no arguments) of a unit that has fields is not a whole ID but the catalog entry: that unit with
  its defaults at the installed revision (``math_equivalence``).
* Choice-valued fields (enums) render as bare words; free text always renders as a quoted string. A word names
  the behavior, direction included (``exact_match(mode=prediction_starts_with_reference)``). A word renamed for
  clarity keeps its earlier spelling as an input (``mode=prefix`` parses to the same behavior and renders in the
  new spelling): a rename changes no output, so it keeps the revision, and a saved ID keeps its meaning.
* A unit may pair two fields (the prediction-side and reference-side step lists of a metric): when both hold the
  same value they render once under a shared name (``normalize=[...]``), otherwise separately (``pred=[...],
  ref=[...]``). Parsing accepts either form.

Rendering is a pure function of the unit's fields, so IDs are stable across processes, platforms and
``PYTHONHASHSEED``.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from .errors import InvalidConfig, ParseError

__all__ = ["render", "parse", "build", "Call", "Word"]


# ---------------------------------------------------------------------------------------------- rendering


def render(unit: Any) -> str:
    """Render a unit as its canonical ID."""
    name = type(unit).name
    rev = type(unit).revision
    head = name if rev == 1 else f"{name}@{rev}"
    parts = []
    merge = getattr(type(unit), "id_merge", None)
    merged_done = False
    for f in dataclasses.fields(unit):
        if not f.metadata.get("id", True):
            continue
        value = getattr(unit, f.name)
        if merge and f.name in merge[1:]:
            shared, a, b = merge
            if getattr(unit, a) == getattr(unit, b):
                if not merged_done:
                    parts.append(f"{shared}={render_value(getattr(unit, a), f.metadata)}")
                    merged_done = True
                continue
        parts.append(f"{f.name}={render_value(value, f.metadata)}")
    if not parts:
        return head
    return f"{head}({', '.join(parts)})"


def render_value(value: Any, meta: Any = None) -> str:
    kind = (meta or {}).get("kind")
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if kind == "enum":
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise InvalidConfig(f"cannot render non-finite number {value!r} in an ID")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    if isinstance(value, tuple) and kind == "pairs":
        return "[" + ", ".join("[" + render_value(k) + ", " + render_value(v) + "]" for k, v in value) + "]"
    if isinstance(value, tuple):
        inner_kind = (meta or {}).get("item_kind")
        return "[" + ", ".join(render_value(v, {"kind": inner_kind}) for v in value) + "]"
    if hasattr(type(value), "name") and dataclasses.is_dataclass(value):
        return render(value)
    raise InvalidConfig(f"cannot render value {value!r} of type {type(value).__name__} in an ID")


# ---------------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Word:
    """A bare word: an enum value, or a unit without arguments."""

    name: str
    pos: int


@dataclass(frozen=True)
class Call:
    """A unit with an explicit argument list and/or revision."""

    name: str
    revision: int | None
    args: tuple  # of (key, value, pos)
    pos: int


_NAME_START = set("abcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | set("0123456789")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.i = 0

    def error(self, msg: str, pos: int | None = None):
        raise ParseError(msg, self.text, self.i if pos is None else pos)

    def ws(self):
        t = self.text
        while self.i < len(t) and t[self.i] in " \t\n":
            self.i += 1

    def peek(self) -> str:
        self.ws()
        return self.text[self.i] if self.i < len(self.text) else ""

    def expect(self, ch: str):
        if self.peek() != ch:
            got = self.text[self.i] if self.i < len(self.text) else "end of input"
            self.error(f"expected {ch!r}, found {got!r}")
        self.i += 1

    def name(self) -> str:
        self.ws()
        start = self.i
        t = self.text
        if self.i >= len(t) or t[self.i] not in _NAME_START:
            got = t[self.i] if self.i < len(t) else "end of input"
            self.error(f"expected a name, found {got!r}")
        while self.i < len(t) and t[self.i] in _NAME_CHARS:
            self.i += 1
        return t[start : self.i]

    def value(self):
        c = self.peek()
        pos = self.i
        if c == "[":
            self.i += 1
            items = []
            if self.peek() == "]":
                self.i += 1
                return tuple(items)
            while True:
                items.append(self.value())
                c = self.peek()
                if c == ",":
                    self.i += 1
                    continue
                if c == "]":
                    self.i += 1
                    return tuple(items)
                self.error("expected ',' or ']' in a list")
        if c == '"':
            return self.string()
        if c and (c.isdigit() or c in "-+."):
            return self.number()
        if c in _NAME_START:
            return self.unit()
        self.error(f"expected a value, found {c or 'end of input'!r}", pos)

    def string(self) -> str:
        t = self.text
        start = self.i
        j = start + 1
        while j < len(t):
            if t[j] == "\\":
                j += 2
                continue
            if t[j] == '"':
                break
            j += 1
        else:
            self.error("unterminated string", start)
        try:
            s = json.loads(t[start : j + 1])
        except ValueError as e:
            self.error(f"invalid string literal ({e})", start)
        self.i = j + 1
        return s

    def number(self):
        t = self.text
        start = self.i
        j = start
        while j < len(t) and (t[j].isdigit() or t[j] in "+-.eE"):
            j += 1
        tok = t[start:j]
        self.i = j
        try:
            if any(ch in tok for ch in ".eE"):
                return float(tok)
            return int(tok)
        except ValueError:
            self.error(f"invalid number {tok!r}", start)

    def unit(self):
        pos = self.i
        name = self.name()
        if name in ("true", "false", "none"):
            return {"true": True, "false": False, "none": None}[name]
        revision = None
        if self.peek() == "@":
            self.i += 1
            self.ws()
            start = self.i
            while self.i < len(self.text) and self.text[self.i].isdigit():
                self.i += 1
            if start == self.i:
                self.error("expected a revision number after '@'")
            revision = int(self.text[start : self.i])
        if self.peek() != "(":
            if revision is None:
                return Word(name, pos)
            return Call(name, revision, (), pos)
        self.i += 1
        args = []
        seen = set()
        if self.peek() == ")":
            self.i += 1
            return Call(name, revision, (), pos)
        while True:
            kpos = self.i
            key = self.name()
            if key in seen:
                self.error(f"argument {key!r} given twice", kpos)
            seen.add(key)
            self.expect("=")
            args.append((key, self.value(), kpos))
            c = self.peek()
            if c == ",":
                self.i += 1
                continue
            if c == ")":
                self.i += 1
                return Call(name, revision, tuple(args), pos)
            self.error("expected ',' or ')' after an argument")


def parse(text: str):
    """Parse an ID into a syntax tree of Call / Word / plain values (no registry lookup)."""
    if not isinstance(text, str):
        raise ParseError(f"an ID must be a string, got {type(text).__name__}")
    p = _Parser(text)
    node = p.value()
    p.ws()
    if p.i != len(text):
        p.error(f"unexpected trailing text {text[p.i:p.i + 20]!r}")
    return node


# ---------------------------------------------------------------------------------------------- building


def build(node, text: str, lookup, suggest=None) -> Any:
    """Turn a parsed node into a unit. ``lookup(name)`` returns the unit class registered under ``name`` (None:
    unknown); ``suggest(name)``, if given, lists close known names for the ``UnknownMetric`` error."""
    bare = isinstance(node, Word)
    if bare:
        node = Call(node.name, None, (), node.pos)
    if not isinstance(node, Call):
        raise ParseError("expected a unit", text, 0)
    cls = lookup(node.name)
    if cls is None:
        from .errors import UnknownMetric

        raise UnknownMetric(node.name, suggest(node.name) if suggest is not None else ())
    rev = 1 if node.revision is None else node.revision
    if bare and any(f.metadata.get("id", True) for f in dataclasses.fields(cls)):
        # A bare NAME of a unit that renders with arguments is never a whole ID: it names the catalog entry (its
        # defaults at the installed revision). A unit without fields renders as its bare NAME, so there the rule
        # "no @ means revision 1" holds.
        rev = cls.revision
    if rev != cls.revision:
        raise ParseError(
            f"{node.name!r} revision {rev} is not implemented by this version of evalmetrics "
            f"(it implements revision {cls.revision}); the behavior that ID names is not available",
            text,
            node.pos,
        )
    fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("id", True)}
    merge = getattr(cls, "id_merge", None)
    kwargs = {}
    for key, value, kpos in node.args:
        if merge and key == merge[0]:
            f = fields[merge[1]]
            v = _convert(value, f.metadata, text, kpos, lookup, suggest)
            kwargs[merge[1]] = v
            kwargs[merge[2]] = v
            continue
        if key not in fields:
            raise ParseError(
                f"{node.name!r} has no parameter {key!r} (parameters: {', '.join(fields)})", text, kpos
            )
        kwargs[key] = _convert(value, fields[key].metadata, text, kpos, lookup, suggest)
    try:
        return cls(**kwargs)
    except InvalidConfig as e:
        raise ParseError(f"invalid {node.name!r}: {e}", text, _value_pos(node, getattr(e, "field", None), text)) \
            from None


def _value_pos(node, field, text: str) -> int:
    """Where the value of argument ``field`` starts in ``text`` (the unit's own position when no argument is
    named, or the argument came from a merged spelling)."""
    for key, _, kpos in node.args:
        if key == field:
            i = text.find("=", kpos) + 1
            while 0 < i < len(text) and text[i] in " \t\n":
                i += 1
            return i if i > 0 else kpos
    return node.pos


def _convert(value, meta, text, pos, lookup, suggest=None):
    kind = meta.get("kind")
    if kind == "enum":
        if isinstance(value, Word):
            return value.name
        if isinstance(value, bool) or value is None:
            word = {None: "none", True: "true", False: "false"}[value]
            if word in meta.get("choices", ()):
                return word
            raise ParseError(f"expected one of {', '.join(meta.get('choices', ()))}", text, pos)
        return value
    if kind in ("steps", "unit"):
        if kind == "unit":
            if value is None:
                return None
            return build(value, text, lookup, suggest)
        if not isinstance(value, tuple):
            raise ParseError("expected a list of steps", text, pos)
        return tuple(build(v, text, lookup, suggest) for v in value)
    if kind == "strs":
        if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
            raise ParseError("expected a list of quoted strings", text, pos)
        return value
    if kind == "pairs":
        if not isinstance(value, tuple) or not all(
            isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value
        ):
            raise ParseError("expected a list of [key, value] string pairs", text, pos)
        return value
    if kind == "ints":
        if not isinstance(value, tuple):
            raise ParseError("expected a list of integers", text, pos)
        return value
    if isinstance(value, (Word, Call)):
        raise ParseError(f"expected a literal value, found the name {value.name!r}", text, pos)
    return value
