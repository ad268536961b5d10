"""Behavior of individual normalizers, extractors and metrics, including the edge cases harnesses disagree on."""
from __future__ import annotations

import string

import pytest

import evalmetrics as em


@pytest.mark.parametrize(
    "step,text,expected",
    [
        (em.Lowercase(), "İ", "i̇"),
        (em.Lowercase(method="numpy_fixed_width"), "İ", "i"),
        (em.Lowercase(method="numpy_fixed_width"), "İ\x00", "i̇"),
        (em.Strip(), "\u00a0 x \u2003", "x"),
        (em.Strip(which="left"), "  x  ", "x  "),
        (em.Strip(chars="\x00", which="right"), "a\x00b\x00\x00", "a\x00b"),
        (em.CollapseWhitespace(), " a\u00a0\u00a0b\n", "a b"),
        (em.CollapseWhitespace(whitespace="ascii"), " a\u00a0 \tb ", "a\u00a0 b"),
        (em.CollapseWhitespace(strip_edges=False), "  a  b ", " a b "),
        (em.StripPunct(), "“a”—b…$", "“a”—b…"),
        (em.StripPunct(chars="unicode"), "“a”—b…$", "ab$"),
        (em.StripPunct(chars="ascii_and_unicode"), "“a”—b…$", "ab"),
        (em.StripPunct(replacement=" "), "a.b", "a b"),
        (em.RemoveDigits(), "a1٣", "a٣"),
        (em.StripArticles(), "the theory of an apple", "  theory of   apple"),
        (em.StripArticles(), "The cat", "The cat"),
        (em.StripArticles(ignore_case=True), "The cat", "  cat"),
        (em.FloatCast(), " 1_0 ", "10.0"),
        (em.FloatCast(), "inf", "inf"),
        (em.FloatCast(), "1e400", "inf"),
        (em.FloatCast(), "١٢", "12.0"),
        (em.NormalizeNumbers(), "+1,000.50 x 3.0 y 1,00", "1000.5 x 3 y 1,00"),
        (em.NormalizeNumbers(thousands=False), "1,000.0", "1,000"),
        (em.NormalizeNumbers(), "v1.0.2 and 2.50", "v1.0.2 and 2.5"),
        (em.RegexRemove("\\.$"), "1072.", "1072"),
        (em.RegexReplace(pattern="a", replacement="\\1"), "a", "\\1"),
        (em.UnicodeNormalize(form="nfc"), "e\u0301", "\u00e9"),
        (em.StripLatex(), "$\\frac{1}{2}$", "\\frac12"),
        (em.StripLatex(), "\\text{Friday}", "Friday"),
        (em.RemoveOuterBraces(), "{x}", "x"),
        (em.RemoveOuterBraces(strip=True), " {x} ", "x"),
        (em.Replace(old=" . ", new=".\n"), "a . b", "a.\nb"),
        (em.RemoveSpans(), "<think>a</think>b<think>c", "b<think>c"),
        (em.RemoveSpans(), "</think>x<think>y", "</think>x<think>y"),
        (em.RejectEmpty(), "", None),
        (em.FirstLine(), "a\nb", "a"),
        (em.SplitTake(sep=" ", index=-1), "the answer is 4", "4"),
        (em.SplitTake(sep="|", index=3), "a|b", None),
        (em.LastBoxed(), "\\boxed{1} \\fbox{\\frac{1}{2}}", "\\frac{1}{2}"),
        (em.LastBoxed(fbox=False), "\\boxed{1} \\fbox{2}", "1"),
        (em.LastBoxed(), "\\boxed 5$.", "5"),
        (em.LastBoxed(), "\\boxed{unbalanced", None),
        (em.LastBoxed(fallback=""), "none here", ""),
        (em.Gsm8kAnswer(), "#### -3.5\n#### 4", "-3.5"),
        (em.LastNumber(), "no numbers", None),
        (em.AnswerIs(), "The answer is: Paris.", "Paris"),
    ],
)
def test_step(step, text, expected):
    assert step.apply(text) == expected


def test_regex_extract_lm_eval_semantics():
    flex = em.RegexExtract(pattern=r"(-?[$0-9.,]{2,})|(-?[0-9]+)", match_index=-1)
    assert flex.apply("I have 3 then $1,072.") == "$1,072."
    assert flex.apply("nothing") == "[invalid]"
    # Two groups, both empty: fallback, stripped.
    assert em.RegexExtract(pattern=r"(a?)(b?)c", fallback=" none ").apply("c") == "none"
    with pytest.raises(em.InvalidInput, match="match_index 3"):
        em.RegexExtract(pattern="a", match_index=3).apply("aa")


def test_per_token_is_lighteval_helm_normalizer_shape():
    from evalmetrics.presets._steps import HYPHEN_TOKEN_NORMALIZE

    (step,) = HYPHEN_TOKEN_NORMALIZE
    assert step.apply("Well-Known  1,000 the") == "well known 1000.0"
    assert step.apply("1.5") == "15.0"


def test_exact_match_modes_state_direction():
    assert em.ExactMatch(mode="prefix").score("Yes, Elmendorf", "Yes") == 1.0
    assert em.ExactMatch(mode="prefix").score("Yes", "Yes, Elmendorf") == 0.0
    assert em.ExactMatch(mode="suffix").score("so it is 42", "42") == 1.0
    assert em.ExactMatch(mode="contains").score("so 42 it is", "42") == 1.0
    assert em.ExactMatch(combine="mean").score("a", ["a", "b"]) == 0.5


# Issue 14 item 9: ``mode=prefix`` did not say which string must start with which. The ID now names the direction.
_MODES = [("prefix", "prediction_starts_with_reference"), ("suffix", "prediction_ends_with_reference"),
          ("contains", "prediction_contains_reference")]


@pytest.mark.parametrize("short,explicit", _MODES)
def test_exact_match_id_names_the_direction(short, explicit):
    m = em.ExactMatch(mode=short, normalize=[em.Lowercase()])  # the constructor keeps the short names (DESIGN.md)
    assert m.mode == explicit and m == em.ExactMatch(mode=explicit, normalize=[em.Lowercase()])
    assert m.id == f"exact_match(mode={explicit}, normalize=[lowercase(method=python)], combine=max)"
    assert f"mode={short}," not in m.id and em.get(m.id) == m
    # the name is the behavior: the prediction is the string that starts with / ends with / contains the reference
    pred, ref = {"prefix": ("Yes, Elmendorf", "yes"), "suffix": ("so it is 42", "42"),
                 "contains": ("so 42 it is", "42")}[short]
    assert m.score(pred, ref) == 1.0 and m.score(ref, pred) == 0.0
    explained = em.explain(m.id).details[0].steps[-1]
    assert explained.startswith("exact match: prediction ") or explained.startswith("exact match: reference occurs")


OLD_SAVED_IDS = {  # IDs as evalmetrics printed them before the rename (docs/rosetta.md), as a user may have saved them
    "helm:prefix_exact_match": "exact_match(mode=prefix, pred=[strip(which=both, chars=none), reject_empty], "
                               "ref=[strip(which=both, chars=none)], combine=max)",
    "lighteval@0.10:prefix_exact_match": "exact_match(mode=prefix, pred=[reject_empty, strip(which=both, chars=none)], "
                                         "ref=[strip(which=both, chars=none)], combine=max)",
}


@pytest.mark.parametrize("alias", sorted(OLD_SAVED_IDS))
def test_a_saved_id_with_the_old_mode_spelling_keeps_its_meaning(alias):
    old = em.get(OLD_SAVED_IDS[alias])
    assert old == em.get(alias)
    assert old.id == em.get(alias).id and "mode=prediction_starts_with_reference" in old.id
    for pred, ref in [("Yes, Elmendorf", "Yes"), ("Yes", "Yes, Elmendorf"), (" Paris ", "Par"), ("", "")]:
        assert old.score(pred, ref) == em.get(alias).score(pred, ref)


def test_unknown_mode_error_names_the_explicit_and_the_short_spellings():
    with pytest.raises(em.InvalidConfig) as ei:
        em.ExactMatch(mode="startswith")
    msg = str(ei.value)
    assert "'mode'" in msg and "'prediction_starts_with_reference'" in msg and "'prefix' = " in msg
    with pytest.raises(em.ParseError, match="prediction_ends_with_reference"):
        em.get("exact_match(mode=endswith)")


def test_harness_config_keys_keep_the_harness_spelling():
    """lighteval's own type_exact_match="prefix" (pred.startswith(gold)) maps to the explicit mode."""
    m = em.get("lighteval:exact_match", type_exact_match="prefix")
    assert m.mode == "prediction_starts_with_reference"
    assert em.get("lighteval:exact_match", type_exact_match="suffix").mode == "prediction_ends_with_reference"


def test_no_unit_has_a_direction_ambiguous_choice():
    """Registry-wide: no choice word of any unit is a bare direction-less comparison word."""
    import dataclasses

    from evalmetrics.registry import _ensure_units
    from evalmetrics.units import UNITS

    _ensure_units()
    ambiguous = {"prefix", "suffix", "contains", "startswith", "endswith", "starts_with", "ends_with", "inside"}
    found = [(name, f.name, c) for name, cls in UNITS.items() for f in dataclasses.fields(cls)
             if f.metadata.get("kind") == "enum" for c in f.metadata["choices"] if c in ambiguous]
    assert not found, found


def test_no_answer_scores_zero_even_against_fallback_like_reference():
    m = em.ExactMatch(extract=em.LastNumber())
    assert m.score("no number", "") == 0.0


@pytest.mark.parametrize(
    "metric,pred,ref,expected",
    [
        (em.F1(), "cat cat sat", "the cat sat", 2 / 3),
        (em.F1(bag="set"), "cat cat sat", "the cat sat", 0.8),
        (em.F1(bag="set"), "cat sat", "cat sat sat", 1.0),
        (em.F1(), "", "", 0.0),
        (em.F1(empty="equal"), "", "", 1.0),
        (em.F1(empty="equal"), "a", "", 0.0),
    ],
)
def test_f1(metric, pred, ref, expected):
    assert metric.score(pred, ref) == pytest.approx(expected)


def test_f1_formulas_differ_in_floating_point():
    p, r = "a b c d e f g h i", "a b x"  # P = 2/9, R = 2/3
    ratio = em.F1(formula="ratio").score(p, r)
    harmonic = em.F1(formula="harmonic").score(p, r)
    assert ratio == pytest.approx(harmonic)
    assert ratio == (2 * (2 / 9) * (2 / 3)) / (2 / 9 + 2 / 3)
    assert harmonic == 1.0 / (0.5 / (2 / 9) + 0.5 / (2 / 3))


def test_lm_eval_exact_match_nul_and_numpy_width_quirks():
    em_ = em.get("lm_eval:exact_match")
    assert em_.score("a\x00", "a") == 1.0  # numpy fixed-width strings drop trailing NUL
    assert em_.score("a ", "a") == 0.0  # but not trailing spaces
    plain = em.get("lm_eval:exact_match", regexes_to_ignore=[])
    assert plain.score("a\x00", "a") == 0.0  # with regexes_to_ignore=[] lm_eval compares Python lists
    assert em.get("lm_eval:exact_match", ignore_case=True).score("İ", "i") == 1.0


def test_config_errors_name_the_field_and_allowed_values():
    with pytest.raises(em.InvalidConfig, match="mode.*'full'.*'prefix'"):
        em.ExactMatch(mode="fuzzy")
    with pytest.raises(em.InvalidConfig, match="ignore_case"):
        em.get("lm_eval:exact_match", ignore_case="yes")
    with pytest.raises(em.InvalidConfig, match="configuration keys: ignore_case"):
        em.get("lm_eval:exact_match", ignore_kase=True)
    with pytest.raises(em.InvalidConfig, match="invalid regular expression"):
        em.RegexRemove("(")
    with pytest.raises(em.InvalidConfig, match="normalize_gold"):
        em.get("lighteval:exact_match", normalize_gold="no_such_normalizer")
    with pytest.raises(em.InvalidConfig):
        em.ExactMatch(normalize=["lowercase"])


@pytest.mark.parametrize(
    "refs,field",
    [(None, "references"), ([], "references"), ([None], "references"), (b"x", "references"), (3, "references")],
)
def test_bad_references_are_typed_errors(refs, field):
    with pytest.raises(em.InvalidInput) as e:
        em.ExactMatch().compute(["a"], [refs])
    assert e.value.index == 0 and e.value.field == field


def test_mismatched_lengths_and_empty_inputs():
    with pytest.raises(em.InvalidInput, match="2 predictions but 1 references"):
        em.ExactMatch().compute(["a", "b"], ["a"])
    with pytest.raises(em.InvalidInput, match="no samples"):
        em.ExactMatch().compute([], [])
    with pytest.raises(em.InvalidInput, match="predictions"):
        em.ExactMatch().compute("ab", ["a", "b"])
    with pytest.raises(em.InvalidInput) as e:
        em.ExactMatch().score(5, "a")
    assert e.value.field == "prediction"


_BBQ_DOC = {"ans0": "The grandfather", "ans1": "The grandson", "ans2": "Can't be determined", "label": 2,
            "context_condition": "ambig", "category": "Age", "biased_answers": ["The grandfather"],
            "ans0_groups": ["old"], "ans1_groups": ["nonold"], "ans2_groups": ["unknown"]}
# Per metric with a per-sample context column: its compute's columns before the context (one sample)
_CONTEXT_CALLS = {
    "with_document": (["(A)"], ["(A)"]), "choice_answer_match": (["ANSWER: A"], ["A"]),
    "macro_mean": (["a"], ["a"]), "best_no_answer_threshold": (["a"], [["a"]]), "consistency_rate": (["a"],),
    "all_correct_per_group": ([em.Choices(logprobs=[-1.0, -0.2], gold=1)],), "bias_score": (["unknown"],),
    "choice_bias_score": ([em.Choices(logprobs=[-1.0] * 12, gold=2)],),
}
_CONTEXT_VALUE = {"groups": "x", "no_answer_logprobs": -1.0}


@pytest.mark.parametrize("name", sorted(_CONTEXT_CALLS))
def test_a_context_column_of_another_length_names_the_metric_the_field_and_the_lengths(name):
    from evalmetrics.units import UNITS

    m = UNITS[name](metric=em.ExactMatch()) if name in ("macro_mean", "best_no_answer_threshold") else UNITS[name]()
    field = m.sample_context
    one = _CONTEXT_VALUE.get(field, _BBQ_DOC if "bias" in name else {"choices": ["x", "y"]})
    if name == "all_correct_per_group":
        one = (0, 0)  # (paragraph id, question id)
    cols = _CONTEXT_CALLS[name]
    assert m.compute(*cols, **{field: [one]}).n == 1  # the right length scores
    for bad, words in (([one, one], "has 2 entries for 1 sample"), (None, "got none"), ("ab", "one entry per sample")):
        with pytest.raises(em.InvalidInput) as e:
            m.compute(*cols, **{field: bad})
        assert e.value.field == field and e.value.index is None
        assert e.value.reason.startswith(f"{name}: ") and words in e.value.reason, e.value.reason


def test_every_metric_with_a_context_column_is_in_the_length_test():
    from evalmetrics.units import UNITS

    assert sorted(n for n, c in UNITS.items() if getattr(c, "sample_context", None)) == sorted(_CONTEXT_CALLS)


def test_choices_validation_names_fields():
    with pytest.raises(em.InvalidInput, match="gold"):
        em.Choices(logprobs=[-1.0], gold=2)
    with pytest.raises(em.InvalidInput, match="texts"):
        em.Choices(logprobs=[-1.0, -2.0], gold=0, texts=["a"])
    with pytest.raises(em.InvalidInput, match="logprobs"):
        em.Choices(logprobs=[float("nan")], gold=0)
    with pytest.raises(em.InvalidInput, match="logprobs"):
        em.Choices(logprobs=[], gold=0)
    with pytest.raises(em.InvalidInput) as e:
        em.LoglikelihoodMatch().compute([em.Choices(logprobs=[-1.0], gold=0), "x"])
    assert e.value.index == 1


def test_loglikelihood_normalizations():
    c = em.Choices(logprobs=[-1.0, -2.8], gold=1, texts=[" a", " abc"], token_counts=[1, 2],
                   unconditioned_logprobs=[-0.5, -2.5])
    assert em.LoglikelihoodMatch(norm="none").score(c) == 0.0
    assert em.LoglikelihoodMatch(norm="char").score(c) == 0.0  # -0.5 vs -0.7
    assert em.LoglikelihoodMatch(norm="char_nospace").score(c) == 1.0  # -1.0 vs -0.933
    assert em.LoglikelihoodMatch(norm="token").score(c) == 0.0  # -1.0 vs -1.4
    assert em.LoglikelihoodMatch(norm="pmi").score(c) == 1.0  # -0.5 vs -0.3
    tie = em.Choices(logprobs=[-1.0, -1.0], gold=1)
    assert em.LoglikelihoodMatch().score(tie) == 0.0  # ties go to the first index
    empty = em.Choices(logprobs=[-1.0, -2.0], gold=0, texts=["", "b"])
    with pytest.raises(em.InvalidInput, match="length 0"):
        em.LoglikelihoodMatch(norm="char").score(empty)
    assert em.LoglikelihoodMatch(norm="char", zero_length="ieee").score(empty) == 0.0  # -1/0 = -inf loses
    nan = em.Choices(logprobs=[0.0, -2.0], gold=0, texts=["", "b"])
    assert em.LoglikelihoodMatch(norm="char", zero_length="ieee").score(nan) == 1.0  # 0/0 = NaN: argmax picks it
    multi = em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1])
    assert em.LoglikelihoodMatch().score(multi) == 1.0
    with pytest.raises(em.InvalidInput, match="gold"):
        em.get("lm_eval:acc_mutual_info").score(
            em.Choices(logprobs=[-1.0, -2.0], gold=[0, 1], unconditioned_logprobs=[-1.0, -1.0]))


def test_timeout_is_counted_not_silent(monkeypatch):
    from evalmetrics import _regex

    monkeypatch.setattr(_regex.settings, "regex_timeout_s", 0.05)
    m = em.ExactMatch(normalize=[em.RegexRemove("(a|aa)+$")])
    bad = "a" * 60 + "!"
    with pytest.raises(em.Timeout):
        m.score(bad, "x")
    r = m.compute(["ok", bad], ["ok", "x"])
    assert r.n_timeouts == 1 and r.timeout_indices == (1,)
    assert list(r.per_sample) == [1.0, 0.0]


def test_ascii_punctuation_is_string_punctuation():
    assert em.StripPunct().apply(string.punctuation) == ""


@pytest.mark.parametrize("pattern", [",", "\\$", "\\.", "abc", "a\\ b", "\\,", "#### ", "\\\\", "\\-", "日本"])
@pytest.mark.parametrize("text", ["", "a,b,,c", "$1,000.00$", "abcabc", "a b", "#### 5 #### 6", "\\\\", "-x-", "日本日本"])
def test_literal_regex_fast_path_equals_re_sub(pattern, text):
    import re

    from evalmetrics import _regex

    assert _regex.literal_text(pattern) is not None
    assert em.RegexRemove(pattern).apply(text) == re.sub(pattern, "", text)
    assert em.RegexReplace(pattern=pattern, replacement="\\1").apply(text) == re.sub(pattern, lambda m: "\\1", text)


@pytest.mark.parametrize("pattern", ["\\.$", "(?s).*#### ", "a|b", "\\d", "x*", "", "(?i)a", "\\b"])
def test_non_literal_patterns_use_the_bounded_engine(pattern):
    from evalmetrics import _regex

    assert _regex.literal_text(pattern) is None


def test_trial_parse_error_caret_points_at_the_bad_value():
    """Trial item 13: the ParseError for exact_match(mode=ful) put its caret at position 0, not at `ful`."""
    for text in ("exact_match(mode=ful)", "exact_match(pred=[strip], mode = ful)"):
        with pytest.raises(em.ParseError) as ei:
            em.get(text)
        assert ei.value.position == text.index("ful")
        assert str(ei.value).splitlines()[-1] == "  " + " " * text.index("ful") + "^"
