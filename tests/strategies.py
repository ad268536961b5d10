"""Hypothesis strategies that build every unit the catalog can build, from the units' declared fields."""
from __future__ import annotations

import dataclasses

from hypothesis import strategies as st

from evalmetrics.units import UNITS, Step

# Valid regular expressions for pattern-like fields (free text there must compile).
REGEXES = [",", "\\$", "(?s).*#### ", "\\.$", "#### (\\-?[0-9\\.\\,]+)", "(-?[$0-9.,]{2,})|(-?[0-9]+)",
           "\\b(?:The |the |An |A |a |an )", " |-", "\\s+", "[a-z]+", "(a)(b)?", "x*"]


def _document_step(kind):
    from evalmetrics import ChoiceLetterExtract, ListedWordsInOrder

    return ChoiceLetterExtract(pattern=r"(\([A-Z]\))") if kind == "choice" else ListedWordsInOrder()


PATTERN_FIELDS = {("regex_replace", "pattern"), ("regex_extract", "pattern"), ("per_token", "split"),
                  ("choice_letter_extract", "pattern"), ("number_or_words", "pattern")}
# Number fields whose valid range is narrower than the generic float strategy (most draws would be rejected).
NUMBER_FIELDS = {
    ("math_equivalence", "rel_tol"): st.sampled_from([0.0, 1e-20, 1e-9, 0.01]),
    ("math_equivalence", "abs_tol"): st.sampled_from([0.0, 1e-20, 1e-6, 0.5]),
    ("math_equivalence", "deadline_s"): st.sampled_from([0.25, 1.0, 2.5]),
}
# Fields whose values follow a grammar of their own (lighteval_extractive_match's extraction targets).
_LE_TARGETS = st.lists(st.sampled_from([
    "expr", "expr(anchorless=false)", "latex", "latex(boxed_priority=0)", "latex(anchorless=false, boxed_priority=-3)",
    "indices(prefix=native_letters)", "indices(prefix=letters, anchorless=true)", "indices(prefix=numbers)",
]), min_size=1, max_size=3, unique=True).map(tuple)
SPECIAL_FIELDS = {
    ("lighteval_extractive_match", "gold_targets"): _LE_TARGETS,
    ("lighteval_extractive_match", "pred_targets"): _LE_TARGETS,
    ("lighteval_extractive_match", "language"): st.sampled_from(["eng", "fra", "deu"]),
    ("lighteval_extractive_match", "deadline_s"): st.sampled_from([0.5, 5.0, 60.0]),
    ("lighteval_extractive_match", "version"): st.just("0.13.0"),
    ("math_verify", "version"): st.just("0.9.0"),
    ("math_verify", "targets"): st.sampled_from([("latex", "expr"), ("expr", "latex"), ("latex",), ("expr",)]),
    ("math_verify", "deadline_s"): st.sampled_from([1.0, 5.0, 60.0]),
    ("math_verify", "gold_targets"): st.sampled_from([(), ("latex",), ("expr", "latex")]),
    ("number_or_words", "word2number"): st.just("1.1"),
    ("choice_letter_extract", "regexes_to_ignore"): st.lists(st.sampled_from(REGEXES), max_size=2).map(tuple),
    ("with_document", "step"): st.sampled_from(["choice", "words"]).map(_document_step),
    ("sympy_simplify_equiv", "sympy"): st.sampled_from(["1.14", "1.13", "1.14.0"]),
    ("sympy_simplify_equiv", "antlr"): st.sampled_from(["4.11", "4.13"]),
    ("sympy_simplify_equiv", "timeout_s"): st.sampled_from([0.5, 5.0, 60.0]),
    ("sympy_simplify_equiv", "memory_mb"): st.sampled_from([1024, 4096]),
    # spaCy languages whose blank tokenizer needs no package beyond spaCy (each loads once per process)
    ("word_tokenize", "language"): st.sampled_from(["none", "en", "fr", "none"]),
    ("word_tokenize", "segmenter"): st.just("default"),
}

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "a", "The", "the cat", "1,000", "3.0", "+5", "\\boxed{1}", "$x$", "<think>", "</think>", "\x00"]
)


def _field_strategy(unit_name, f, depth):
    meta = f.metadata
    kind = meta["kind"]
    if (unit_name, f.name) in PATTERN_FIELDS:
        return st.sampled_from(REGEXES)
    if (unit_name, f.name) in NUMBER_FIELDS:
        return NUMBER_FIELDS[(unit_name, f.name)]
    if (unit_name, f.name) in SPECIAL_FIELDS:
        return SPECIAL_FIELDS[(unit_name, f.name)]
    if kind == "enum":
        return st.sampled_from(meta["choices"])
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        lo = meta.get("minimum")
        ints = st.integers(min_value=lo if lo is not None else -3, max_value=5)
        return st.none() | ints if meta.get("optional") else ints
    if kind == "float":
        return st.floats(min_value=-10, max_value=10, allow_nan=False)
    if kind == "str":
        s = TEXT.filter(bool) if unit_name in ("replace", "split_take", "remove_spans") else TEXT
        return st.none() | s if meta.get("optional") else s
    if kind == "pairs":
        return st.dictionaries(TEXT, TEXT, max_size=3)
    if kind == "strs":
        return st.lists(st.from_regex(r"[a-z]{1,4}", fullmatch=True), min_size=1, max_size=3).map(tuple)
    if kind == "steps":
        if depth >= 2:
            return st.just(())
        return st.lists(step_strategy(depth + 1), max_size=3).map(tuple)
    if kind == "unit":
        from evalmetrics import ExactMatch, F1

        return st.sampled_from([None, ExactMatch(), ExactMatch(mode="prefix"), F1()])
    raise AssertionError(f"no strategy for field kind {kind!r} ({unit_name}.{f.name})")


def unit_strategy(cls, depth=0):
    fields = {f.name: _field_strategy(cls.name, f, depth) for f in dataclasses.fields(cls) if f.metadata.get("id", True)}
    return st.fixed_dictionaries(fields).map(lambda kw: _try(cls, kw)).filter(lambda u: u is not None)


def _try(cls, kw):
    """Configurations the unit rejects (InvalidConfig) are not part of what the catalog can build."""
    from evalmetrics.errors import InvalidConfig

    try:
        return cls(**kw)
    except InvalidConfig:
        return None


def _applies_here(cls) -> bool:
    """False for a step whose package or data is missing in this environment (nltk's Punkt model for
    sentence_lines): applying it raises InvalidConfig, so scoring tests cannot draw it."""
    from evalmetrics.errors import InvalidConfig

    try:
        cls.example().apply("One. Two.")
    except InvalidConfig:
        return False
    return True


def step_strategy(depth=0):
    return st.one_of([unit_strategy(c, depth) for n, c in sorted(UNITS.items())
                      if issubclass(c, Step) and (c.name != "sentence_lines" or _applies_here(c))])


def any_unit():
    return st.one_of([unit_strategy(c) for n, c in sorted(UNITS.items())])
