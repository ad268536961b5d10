"""Patterns are ``re`` patterns (harness configs are written for ``re``); evalmetrics runs them with ``regex`` for its
timeout. The two engines disagree on ``\\s \\w \\d \\b`` in str patterns, so ``_regex`` spells those out: these tests
compare the two engines on the characters where they differ."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from evalmetrics import _regex

PATTERNS = [r"\s+", r"\w+", r"\d+", r"\bthe\b", r"\Bx", r"[\d,]+", r"[^\s]+", r"\S+", r"\W", r"\D+", r"a\\s",
            r"[\]\s]+", r"[]\s]", r"(?i)\w+", r"\\b", r"[\s]x", r"[^\d]+", r"\b", r"\B", r"(\w+)\s(\d)", r"[a\w-]+",
            r"(?a)\w+", r"(?i:\bA\b)", r"(?i)\W+", r"(?i)\b\w", r"x\B", r"^\B$", r"#### (\-?[0-9\.\,]+)", r"(?<=answer is )(\w+)"]
# U+001C..U+001F: re's \s only; combining marks, superscripts, some digits: regex's \w / \d only.
TRICKY = [chr(c) for c in (0x1C, 0x1D, 0x1F, 0x300, 0x301, 0xB2, 0x10D40, 0x5F, 0x41, 0x20, 0x85, 0xA0, 0x2028,
                           0x3000, 0x660, 0xE9, 0x345, 0x3B9, 0x399)] + list("ab_ 1,.x]\\-A")
TEXT = st.lists(st.sampled_from(TRICKY), max_size=12).map("".join) | st.text(max_size=12)


@settings(max_examples=400, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), text=TEXT)
def test_regex_engine_matches_what_re_matches(pattern, text):
    ours, ref = _regex.compile_pattern(pattern), re.compile(pattern)
    assert _regex.findall(ours, text) == ref.findall(text)
    assert _regex.sub(ours, "#", text) == ref.sub("#", text)
    assert _regex.split(ours, text) == ref.split(text)


def test_whitespace_shorthand_includes_the_separators_re_counts_as_space():
    # The case the conformance suite found: re's \s matches U+001C, regex's did not.
    assert _regex.sub(_regex.compile_pattern(r"\s+"), "", "\x1cCity\x1d") == "City"


def test_the_original_pattern_is_what_errors_and_bounds_see():
    c = _regex.compile_pattern(r"\w+x")
    assert c.pattern == r"\w+x"
    assert _regex._timeout_for(c) == _regex.settings.regex_timeout_s  # quantifier: bounded
    assert _regex._timeout_for(_regex.compile_pattern(r"\bx")) is None  # linear: no timeout machinery


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(PATTERNS), text=TEXT)
def test_search_and_the_engine_chosen_per_text_match_re(pattern, text):
    ours, ref = _regex.compile_pattern(pattern), re.compile(pattern)
    got, want = _regex.search(ours, text), ref.search(text)
    assert (got and (got.span(), got.groups())) == (want and (want.span(), want.groups()))


def test_the_spelled_out_form_is_compiled_only_for_texts_where_the_engines_disagree():
    c = _regex.Pattern(r"\bthe\b")
    assert c.engine("the cat") is c._native and c._exact is None  # ASCII: the pattern as written
    assert c.engine("the\u0301 cat") is not c._native  # a combining mark: regex's \w takes it, re's does not
    assert _regex.findall(c, "the\u0301 cat") == re.findall(r"\bthe\b", "the\u0301 cat") == ["the"]
    b = _regex.Pattern(r"\B")
    assert b.engine("") is not b._native and _regex.findall(b, "") == re.findall(r"\B", "") == []
    plain = _regex.Pattern("abc")
    assert plain.engine("\u0301") is plain._native  # no shorthand: one form


@settings(max_examples=300, deadline=None)
@given(cp=st.integers(0, 0x10FFFF), kind=st.sampled_from("wsd"), ignore_case=st.booleans())
def test_the_disagreement_sets_are_exactly_where_the_engines_differ(cp, kind, ignore_case):
    import regex

    c = chr(cp)
    ours = regex.fullmatch("\\" + kind, c, flags=regex.VERSION0 | (regex.IGNORECASE if ignore_case else 0))
    ref = re.fullmatch("\\" + kind, c, re.IGNORECASE if ignore_case else 0)
    if bool(ours) != bool(ref):
        assert c in _regex._disagreeing(kind)
