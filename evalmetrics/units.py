"""Frozen value objects ("units") and their declared fields; the table of unit classes by ID name.

Every normalizer, extractor and metric is a frozen dataclass deriving from :class:`Unit`. Its fields are declared
with the helpers below, which record what the ID encoder (``ids.py``) and the constructor validation need: the
kind of value, the allowed choices, and a one-line meaning used by ``explain``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any, ClassVar

from . import ids
from .errors import InvalidConfig, InvalidInput

__all__ = ["Unit", "Step", "enum", "text", "texts", "flag", "integer", "steps", "unit_field", "UNITS", "register"]

UNITS: dict[str, type] = {}


def register(cls):
    """Class decorator: make a unit class resolvable by its ID name."""
    if cls.name in UNITS and UNITS[cls.name] is not cls:
        raise RuntimeError(f"two unit classes named {cls.name!r}")
    UNITS[cls.name] = cls
    return cls


def _meta(kind, doc, **extra):
    return {"kind": kind, "doc": doc, **extra}


def enum(default: str, choices: tuple[str, ...], doc: str = "", former: dict | None = None):
    """A choice among fixed words; each must be a lowercase ID NAME (rendered bare in IDs).

    ``former`` maps earlier spellings of a choice to the current one, with the same behavior: the constructor and
    the ID parser accept them and the unit renders the current word, so a saved ID keeps its meaning."""
    import re as _re

    former = dict(former or {})
    bad = [c for c in tuple(choices) + tuple(former) if not _re.fullmatch(r"[a-z_][a-z0-9_]*", c)]
    if bad:
        raise RuntimeError(f"enum choices must be lowercase names: {bad}")
    if set(former) & set(choices) or not set(former.values()) <= set(choices):
        raise RuntimeError(f"former spellings must map to current choices: {former}")
    return field(default=default, metadata=_meta("enum", doc, choices=tuple(choices), former=former))


REQUIRED = object()


def text(default, doc: str = "", optional: bool = False):
    """A free-text field. ``default=REQUIRED`` makes it a required constructor argument."""
    if default is REQUIRED:
        return field(metadata=_meta("str", doc, optional=optional))
    return field(default=default, metadata=_meta("str", doc, optional=optional))


def texts(default: tuple = (), doc: str = ""):
    return field(default=tuple(default), metadata=_meta("strs", doc, item_kind="str"))


def pairs(doc: str = ""):
    """A mapping of text to text, stored as a tuple of (key, value) pairs in key order (canonical)."""
    return field(default=(), metadata=_meta("pairs", doc))


def flag(default: bool, doc: str = ""):
    return field(default=default, metadata=_meta("bool", doc))


def integer(default: int | None, doc: str = "", minimum: int | None = None):
    """An integer field; ``default=None`` makes None an allowed value ("not set")."""
    return field(default=default, metadata=_meta("int", doc, minimum=minimum, optional=default is None))


def number(default: float, doc: str = ""):
    return field(default=default, metadata=_meta("float", doc))


def steps(doc: str = ""):
    return field(default=(), metadata=_meta("steps", doc))


def unit_field(default=None, doc: str = ""):
    return field(default=default, metadata=_meta("unit", doc))


def no_id(default=None):
    """A field that does not change behavior (not part of the ID, not compared)."""
    return field(default=default, compare=False, metadata={"id": False})


class Unit:
    """Base of every unit. Subclasses are ``@dataclass(frozen=True)`` and set ``name`` (and ``kind``).

    ``revision`` is the definition revision: bump it whenever the unit's output can change for some input.
    """

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    revision: ClassVar[int] = 1
    summary: ClassVar[str] = ""

    def __post_init__(self):
        for f in dataclasses.fields(self):
            meta = f.metadata
            if not meta.get("id", True):
                continue
            value = getattr(self, f.name)
            object.__setattr__(self, f.name, _check(type(self).name, f.name, value, meta))
        self._validate()

    def _validate(self) -> None:
        """Cross-field checks; raise InvalidConfig."""

    @property
    def id(self) -> str:
        """The canonical ID (see docs/ids.md)."""
        try:
            return self.__dict__["_id"]
        except KeyError:
            v = ids.render(self)
            object.__setattr__(self, "_id", v)
            return v

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"

    def __reduce__(self):
        # Rebuild from fields only: caches (compiled patterns, the ID) are never pickled.
        return (_rebuild, (type(self), {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}))

    def describe(self) -> str:
        """The rule in plain words, with the field values filled in."""
        return self.summary

    @classmethod
    def example(cls):
        """A representative instance (the defaults, where every field has one)."""
        return cls()


def _rebuild(cls, kwargs):
    return cls(**kwargs)


def _bad(unit: str, fname: str, allowed: str, value: Any):
    raise InvalidConfig(f"{unit}: parameter {fname!r} must be {allowed}; got {value!r}", field=fname)


def _check(unit: str, fname: str, value: Any, meta) -> Any:
    kind = meta["kind"]
    if kind == "enum":
        choices = meta["choices"]
        if value not in choices:
            former = meta.get("former") or {}
            if isinstance(value, str) and value in former:
                return former[value]  # an earlier spelling of the same behavior
            allowed = "one of " + ", ".join(repr(c) for c in choices)
            if former:
                allowed += " (earlier spellings: " + ", ".join(f"{k!r} = {v!r}" for k, v in former.items()) + ")"
            _bad(unit, fname, allowed, value)
        return value
    if kind == "str":
        if value is None and meta.get("optional"):
            return None
        if not isinstance(value, str):
            _bad(unit, fname, "a string" + (" or None" if meta.get("optional") else ""), value)
        return value
    if kind == "strs":
        if isinstance(value, str) or not isinstance(value, (list, tuple)):
            _bad(unit, fname, "a list of strings", value)
        if not all(isinstance(v, str) for v in value):
            _bad(unit, fname, "a list of strings", value)
        return tuple(value)
    if kind == "pairs":
        if isinstance(value, dict):
            value = tuple(value.items())
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            _bad(unit, fname, "a mapping of strings to strings", value)
        out = []
        for item in value:
            if not (isinstance(item, (list, tuple)) and len(item) == 2 and all(isinstance(x, str) for x in item)):
                _bad(unit, fname, "a mapping of strings to strings", value)
            out.append((item[0], item[1]))
        keys = [k for k, _ in out]
        if len(set(keys)) != len(keys):
            _bad(unit, fname, "a mapping without repeated keys", value)
        return tuple(sorted(out))
    if kind == "bool":
        if not isinstance(value, bool):
            _bad(unit, fname, "True or False", value)
        return value
    if kind == "int":
        if value is None and meta.get("optional"):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            _bad(unit, fname, "an integer", value)
        if meta.get("minimum") is not None and value < meta["minimum"]:
            _bad(unit, fname, f"an integer >= {meta['minimum']}", value)
        return value
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            _bad(unit, fname, "a number", value)
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            _bad(unit, fname, "a finite number", value)
        return value
    if kind == "steps":
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            if isinstance(value, Step):
                value = (value,)
            else:
                _bad(unit, fname, "a list of normalizers/extractors", value)
        out = []
        for v in value:
            if not isinstance(v, Step):
                _bad(unit, fname, "a list of normalizers/extractors (evalmetrics step objects)", v)
            # Canonical form: a step that is idempotent and repeated back to back acts once.
            if out and out[-1] == v and getattr(v, "idempotent", False):
                continue
            out.append(v)
        return tuple(out)
    if kind == "unit":
        if value is not None and not isinstance(value, Unit):
            _bad(unit, fname, "an evalmetrics unit", value)
        return value
    return value


class Step(Unit):
    """A text -> text step: a normalizer or an extractor.

    ``apply(text)`` returns the new text, or ``None`` when the step finds no usable answer (the sample then scores
    0, unless a later comparison defines otherwise). ``idempotent`` declares ``apply(apply(x)) == apply(x)``; the
    registry-wide tests check the declaration.
    """

    idempotent: ClassVar[bool] = False
    side_effect_free: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs):
        # Every public ``apply`` checks its argument (a typed InvalidInput for a non-string); ``run_steps`` calls the
        # unchecked one, since metrics validate their inputs before any step runs and steps return text or None.
        super().__init_subclass__(**kwargs)
        raw = cls.__dict__.get("apply")
        if raw is None or getattr(raw, "_checks_type", False):
            return

        def apply(self, text, _raw=raw):
            if text.__class__ is not str and not isinstance(text, str):
                got = "None" if text is None else type(text).__name__
                raise InvalidInput(f"{self.name}: expected a string, got {got}", field="text")
            return _raw(self, text)

        apply._checks_type = True
        apply.__doc__, apply.__name__, apply.__qualname__ = raw.__doc__, raw.__name__, raw.__qualname__
        cls.apply = apply
        cls._apply_unchecked = raw

    def apply(self, text: str) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _apply_unchecked(self, text: str) -> str | None:  # pragma: no cover - replaced in every subclass
        return self.apply(text)

    @property
    def batch_dependent(self) -> bool:
        """True if the output for one text depends on the other texts processed with it (see apply_batch)."""
        return False

    def apply_batch(self, texts: list) -> list:
        """Apply to the texts of one sample's reference set together (``None`` entries stay ``None``)."""
        return [None if t is None else self.apply(t) for t in texts]

    def __call__(self, text: str) -> str | None:
        return self.apply(text)

    def __getattr__(self, attr):
        # Only reached for attributes a Step lacks: a metric's entry points get a typed error that says how to use
        # a step (it is also an AttributeError, so ``hasattr(step, "score")`` stays False).
        if attr in _METRIC_ENTRY_POINTS:
            raise StepIsNotAMetric(not_a_metric(self))
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {attr!r}")


_METRIC_ENTRY_POINTS = frozenset({"compute", "score", "score_batch", "request_type", "pipeline", "trace"})


class StepIsNotAMetric(InvalidConfig, AttributeError):
    """A text step (normalizer or extractor) used where a metric is needed (an InvalidConfig)."""


def not_a_metric(unit) -> str:
    """Why ``unit`` (a unit that is not a metric) cannot score, and how a step is used instead."""
    kind = getattr(unit, "kind", "") or type(unit).__name__
    field_ = "pred" if kind == "extractor" else "normalize"
    return (f"{unit.id} is a {kind}, a text step (normalizer/extractor), not a metric: it rewrites a text and "
            f"scores nothing. Use it inside a metric: the metric ID 'exact_match({field_}=[{unit.id}])', or in "
            f"Python em.ExactMatch({field_}=[em.get({unit.id!r})]) (normalize=[...] rewrites both sides, "
            f"pred=[...] the prediction only; an extractor goes in pred=[...])")


def run_steps_batch(steps_: tuple, texts: list) -> list:
    """Apply steps in order to several texts processed together (batch-dependent steps see them all)."""
    for s in steps_:
        texts = s.apply_batch(texts)
    return texts


def run_steps(steps_: tuple, text: str | None) -> str | None:
    """Apply steps in order; ``None`` (no answer) short-circuits."""
    for s in steps_:
        if text is None:
            return None
        text = s._apply_unchecked(text)
    return text
