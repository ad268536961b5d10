r"""String-level MATH units and aliases: hand-checked cases (catalog 6.4, the harness sources' docstrings, each
named harness difference, each failure path). The differential tests against the real packages are in
tests/conformance/test_math_string_aliases.py."""
from __future__ import annotations

import pickle

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig, InvalidInput
from evalmetrics.metrics.mathstrings import (
    BetweenOuterDollars,
    HendrycksLastBoxed,
    HendrycksMathNormalize,
    MathStringEquiv,
    NormalizationFailed,
    hendrycks_strip,
)
from evalmetrics.normalizers import Strip
from evalmetrics.presets.math_strings import ALIASES, LIGHTEVAL_MATH_NORMALIZER
from evalmetrics.units import run_steps

METRICS = {a.key: a.make_example() for a in ALIASES}
LM = METRICS["lm_eval@0.4:hendrycks_math"]
HELM = METRICS["helm@0.5:math_equiv"]
HELM_COT = METRICS["helm@0.5:math_equiv_chain_of_thought"]
LE = METRICS["lighteval@0.10:quasi_exact_match_math"]

LM_NORM = HendrycksMathNormalize(units="one_or_fail", slash_non_integer="fail")
HELM_NORM = HendrycksMathNormalize(units="one_or_fail", slash_non_integer="keep")
LE_NORM = HendrycksMathNormalize(units="first_rstrip", slash_non_integer="keep")


# ------------------------------------------------------------------------------------------ catalog 6.4

SOLUTION = "\\boxed{\\frac{1}{2}}"
# pred -> (lm_eval hendrycks exact_match, HELM math_equiv vs the extracted answer, HELM CoT, lighteval qem)
CATALOG_6_4 = {
    "$\\frac{1}{2}$": (1, 0, 0, 0),
    "$0.5$": (1, 0, 0, 0),
    "$\\dfrac12$": (1, 0, 0, 0),
    "1/2": (1, 1, 0, 0),
    "The answer is $\\boxed{\\frac{1}{2}}$": (0, 0, 1, 1),
    "$\\frac{2}{4}$": (0, 0, 0, 0),
}


@pytest.mark.parametrize("pred", sorted(CATALOG_6_4))
def test_catalog_6_4(pred):
    lm, helm, cot, le = CATALOG_6_4[pred]
    assert LM.score(pred, SOLUTION) == lm
    assert HELM.score(pred, "\\frac{1}{2}") == helm  # HELM's MATH reference is get_answer(solution)
    assert HELM_COT.score(pred, SOLUTION) == cot
    assert LE.score(pred, SOLUTION) == le


# ------------------------------------------------------------------------------------------ strip_string

# The sources' docstring examples (MATH repository, HELM, lighteval), through the whole normalization.
@pytest.mark.parametrize("text,expected", [
    ("\\frac1b", "\\frac{1}{b}"),
    ("\\frac12", "\\frac{1}{2}"),
    ("\\frac1{72}", "\\frac{1}{72}"),
    ("\\frac{3}{4}", "\\frac{3}{4}"),
    ("2/3", "\\frac{2}{3}"),
    ("\\sqrt3", "\\sqrt{3}"),
    ("50.5 \\text{ kg}", "50.5"),
    ("\\text{ unit without preceding text}", ""),
])
def test_source_docstring_examples(text, expected):
    for n in (LM_NORM, HELM_NORM, LE_NORM):
        assert n.apply(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("k = \\dfrac12", "\\frac{1}{2}"),  # short "k =" prefix dropped, dfrac -> frac, \frac12 braced
    ("abc = 5", "abc=5"),  # left side longer than 2 characters: kept
    ("1=2=3", "1=2=3"),  # two "=": kept
    (".5", "\\frac{1}{2}"),  # leading "." -> "0.", then exactly 0.5
    ("0.50", "0.50"),  # only the exact text 0.5
    ("x + .5", "x+0.5"),  # " ." -> " 0."
    ("{.5}", "{0.5}"),
    ("\\left( 1,2 \\right)", "(1,2)"),
    ("90^\\circ", "90"),
    ("90^{\\circ}", "90"),
    ("\\$5", "5"),
    ("5\\%", "5"),
    ("\\!5\n", "5"),
    ("\\\\frac12", "\\frac{1}{2}"),  # "\\" -> "\"
    ("\\tfrac{1}{2}", "\\frac{1}{2}"),
    ("\\tdfrac12", "\\tfrac12"),  # tfrac is replaced before dfrac: the new \tfrac is not a \frac
    ("\\sqrt{3}", "\\sqrt{3}"),
    ("2\\sqrt 3", "2\\sqrt{}3"),  # the one character after \sqrt is the space, braced before spaces go
    ("\\frac1", "\\frac1"),  # one character at the very end: the \frac rewrite is undone
    ("\\frac12\\frac3", "\\frac12\\frac3"),  # ... for the whole text, earlier fractions included
    ("\\frac1\\frac", "\\frac1\\frac"),  # the "one character" rule comes first, so no failure
    ("\\frac{1}2", "\\frac{1}2"),  # braced first argument: unchanged
    ("01/2", "01/2"),  # int() reads 1, written back "1/2" != "01/2": kept
    ("-1/2", "\\frac{-1}{2}"),
    ("1/2/3", "1/2/3"),  # two "/": kept
    ("", ""),
    ("5\u00a0\\text{ cm}", "5\u00a0"),  # one_or_fail keeps the text before the unit as it is
])
def test_hendrycks_normalize_steps(text, expected):
    assert LM_NORM.apply(text) == expected


@pytest.mark.parametrize("text", [
    "\\sqrt", "3\\sqrt", "\\sqrt\\sqrt2", "\\frac", "\\frac\\frac12", "1\\frac", "\\dfrac", "\\frac12\\frac",
    "\\frac{1}{2}\\sqrt",
])
def test_trailing_sqrt_or_frac_fails_in_every_variant(text):
    for n in (LM_NORM, HELM_NORM, LE_NORM):
        with pytest.raises(NormalizationFailed):
            n.apply(text)


def test_units_field():
    """lm_eval/HELM: one "\\text{ " keeps what is before it, two fail; lighteval: first piece, right-stripped."""
    two = "The object weighs 30.2 \\text{ lbs} and is 15 \\text{ inches} long"
    assert LE_NORM.apply(two) == "Theobjectweighs30.2"
    with pytest.raises(NormalizationFailed, match="more than once"):
        LM_NORM.apply(two)
    assert hendrycks_strip("5\t\\text{ cm}", units="one_or_fail") == "5\t"
    assert hendrycks_strip("5\t\\text{ cm}", units="first_rstrip") == "5"
    assert LM_NORM.apply("5\\text{cm}") == "5\\text{cm}"  # no space after the brace: not a unit


def test_slash_non_integer_field():
    """lm_eval: int("x") raises ValueError out of fix_a_slash_b; HELM and lighteval catch it and keep "x/y"."""
    with pytest.raises(NormalizationFailed, match="not integers"):
        LM_NORM.apply("x/y")
    assert HELM_NORM.apply("x/y") == LE_NORM.apply("x/y") == "x/y"
    # int() accepts what Python accepts; the written-back check then decides
    assert HELM_NORM.apply("1_0/2") == "1_0/2"
    assert LM_NORM.apply("1_0/2") == "1_0/2"
    big = "1" * 5000 + "/2"  # beyond int()'s digit limit: ValueError, as for "x"
    with pytest.raises(NormalizationFailed):
        LM_NORM.apply(big)
    assert HELM_NORM.apply(big) == big


def test_normalization_failed_is_a_typed_input_error_and_pickles():
    with pytest.raises(InvalidInput) as info:
        LM_NORM.apply("\\sqrt")
    e = pickle.loads(pickle.dumps(info.value))
    assert isinstance(e, NormalizationFailed) and str(e) == str(info.value)
    assert isinstance(e, em.EvalMetricsError)


# ------------------------------------------------------------------------------------------ extraction


@pytest.mark.parametrize("text,expected", [
    ("no dollars", "no dollars"),
    ("costs $5", "costs $5"),
    ("$\\frac12$", "\\frac12"),
    ("So $x$ and $y$.", "x$ and $y"),
    ("$$x$$", "$x$"),
    ("\\$5 and \\$6", "5 and \\"),  # escaped dollars count
    ("", ""),
])
def test_between_outer_dollars(text, expected):
    assert BetweenOuterDollars().apply(text) == expected


HELM_BOX = HendrycksLastBoxed(space_form="none", on_missing="no_answer")
LM_BOX = HendrycksLastBoxed(space_form="to_dollar", on_missing="error")
LE_BOX = HendrycksLastBoxed(space_form="through_brace", on_missing="empty")


@pytest.mark.parametrize("text,helm,lm,le", [
    ("\\boxed{\\frac{2}{3}}", "\\frac{2}{3}", "\\frac{2}{3}", "\\frac{2}{3}"),  # HELM's remove_boxed docstring
    ("a \\boxed{1} b \\boxed{{2}}.", "{2}", "{2}", "{2}"),  # last box, nested braces kept inside
    ("\\boxed{1", None, "error", ""),  # unbalanced
    ("\\boxed{1}}", "1", "1", "1"),
    ("no box", None, "error", ""),
    ("\\fbox{5}", None, "error", ""),  # located, never unwrapped
    ("\\boxedx{5}", None, "error", ""),
    ("\\boxed\n{5}", None, "error", ""),
    ("\\boxed 5$ and more", None, "5", ""),  # no closing brace for lighteval's scan
    ("\\boxed {5}", None, "{5}", "{5}"),
    ("\\boxed {1}{2}$", None, "{1}{2}", "{1}"),  # lm_eval: up to "$"; lighteval: through the closing brace
    ("\\boxed 5 then \\boxed{6}", "6", "5 then \\boxed{6}", "6"),  # lm_eval: the space form wins anywhere
    ("\\boxed{6} $\\fbox{7}$", "6", "6", "6"),  # \fbox is looked at only when there is no \boxed
    ("}{\\boxed{5}", "5", "5", "5"),
    ("\\boxed{}", "", "", ""),
])
def test_last_boxed_variants(text, helm, lm, le):
    assert HELM_BOX.apply(text) == helm
    assert LE_BOX.apply(text) == le
    if lm == "error":
        with pytest.raises(InvalidInput, match="boxed"):
            LM_BOX.apply(text)
    else:
        assert LM_BOX.apply(text) == lm


def test_lighteval_math_normalizer_composition():
    """Catalog 2.5: no box gives "" (AIMO gold "52" matches any unboxed output, and not "\\boxed{52}")."""
    assert run_steps(LIGHTEVAL_MATH_NORMALIZER, "52") == ""
    assert run_steps(LIGHTEVAL_MATH_NORMALIZER, "so \\boxed{\\dfrac12}") == "\\frac{1}{2}"
    assert LE.score("7", "52") == 1.0
    assert LE.score("\\boxed{52}", "52") == 0.0
    assert LE.score("", "52") == 0.0  # empty output scores 0 before anything else
    assert LE.score(" ", "52") == 1.0  # not empty before stripping


# ------------------------------------------------------------------------------------------ comparison


def test_failed_normalization_compares_the_extracted_texts():
    assert LM.score("$x/y$", "\\boxed{x/y}") == 1.0  # both fail in lm_eval; raw "x/y" == "x/y"
    assert LM.score("x/y", "\\boxed{\\frac{x}{y}}") == 0.0  # one fails; raw texts differ
    assert HELM.score("x/y", "x/y") == 1.0  # kept by HELM, equal after normalization
    assert LM.score("\\sqrt", "\\boxed{\\sqrt}") == 1.0
    assert HELM.score(" \\sqrt ", "\\sqrt") == 1.0  # HELM strips the output, then the raw texts are equal
    assert LM.score(" \\sqrt", "\\boxed{\\sqrt}") == 0.0  # lm_eval does not strip


def test_lighteval_crashes_where_is_equiv_falls_back():
    with pytest.raises(InvalidInput) as info:
        LE.score("\\boxed{\\sqrt}", "\\boxed{1}")
    assert info.value.field == "prediction"
    with pytest.raises(InvalidInput) as info:
        LE.compute(["\\boxed{1}", "\\boxed{2}"], ["\\boxed{1}", "\\boxed{\\frac}"])
    assert (info.value.index, info.value.field) == (1, "references")
    # ExactMatches compares every gold: a failing second gold crashes even after a match
    with pytest.raises(InvalidInput):
        LE.score("\\boxed{1}", ["\\boxed{1}", "\\boxed{\\sqrt}"])
    # ... but an empty output scores 0 before any gold is normalized
    assert LE.score("", "\\boxed{\\sqrt}") == 0.0


def test_missing_answers():
    assert HELM_COT.score("no box", "no box either") == 1.0  # HELM is_equiv(None, None) = 1.0
    assert HELM_COT.score("\\boxed{1}", "no box") == 0.0
    assert HELM_COT.score("\\fbox{1}", "\\boxed{1}") == 0.0
    strict = MathStringEquiv(pred=HELM_COT.pred, ref=HELM_COT.ref, normalize=HELM_COT.normalize,
                             both_missing="no_match")
    assert strict.score("no box", "no box") == 0.0
    assert strict.id != HELM_COT.id


def test_lm_eval_solution_without_a_box_is_an_input_error_naming_the_field():
    with pytest.raises(InvalidInput) as info:
        LM.score("5", "the answer is 5")
    assert info.value.field == "references"
    with pytest.raises(InvalidInput) as info:
        LM.compute(["5", "5"], ["\\boxed{5}", "\\fbox{5}"])
    assert (info.value.index, info.value.field) == (1, "references")


def test_on_failure_error():
    m = MathStringEquiv(on_failure="error")
    assert m.score("\\dfrac12", "0.5") == 1.0
    with pytest.raises(InvalidInput) as info:
        m.score("x/y", "x/y")
    assert info.value.field == "prediction"


def test_several_references_and_compute():
    assert HELM.score("1/2", ["3", "\\frac12"]) == 1.0
    assert MathStringEquiv(combine="mean").score("1/2", ["3", "\\frac12"]) == 0.5
    r = LM.compute(["$0.5$", "$\\frac{2}{4}$", "x/y", "$x/y$"],
                   [SOLUTION, SOLUTION, "\\boxed{x/y}", "\\boxed{x/y}"])
    assert list(r.per_sample) == [1.0, 0.0, 1.0, 1.0]
    assert r.metric_id == LM.id


def test_constructor_forms():
    a = MathStringEquiv(extract=[BetweenOuterDollars()], extract_ref=[LM_BOX], normalize=[LM_NORM])
    assert a == LM
    with pytest.raises(InvalidConfig):
        MathStringEquiv(extract=[BetweenOuterDollars()], pred=[])
    assert MathStringEquiv(normalize=[]).score("0.5", "\\frac12") == 0.0  # no normalization: plain equality


# ------------------------------------------------------------------------------------------ identity


UNITS = [
    HendrycksMathNormalize(), LM_NORM, HELM_NORM, LE_NORM, HendrycksLastBoxed(), LM_BOX, HELM_BOX, LE_BOX,
    BetweenOuterDollars(), MathStringEquiv(), *METRICS.values(),
]


@pytest.mark.parametrize("unit", UNITS, ids=[u.id[:80] for u in UNITS])
def test_round_trip_pickle_and_words(unit):
    assert em.get(unit.id) == unit
    assert em.get(unit.id).id == unit.id
    assert pickle.loads(pickle.dumps(unit)) == unit
    assert hash(pickle.loads(pickle.dumps(unit))) == hash(unit)
    assert unit.describe() and type(unit).summary
    assert ">>>" in type(unit).__doc__


def test_ids_spell_out_every_difference():
    ids = {m.id for m in METRICS.values()}
    assert len(ids) == len(METRICS)
    assert "slash_non_integer=fail" in LM.id and "slash_non_integer=keep" in HELM.id
    assert "units=first_rstrip" in LE.id and "space_form=through_brace" in LE.id
    assert "space_form=to_dollar, on_missing=error" in LM.id
    assert HELM.pred == (Strip(),) and HELM.ref == ()
    assert HELM.id.startswith("math_string_equiv(pred=[strip(which=both, chars=none)], ref=[], normalize=[")


def test_config_errors_name_the_field():
    with pytest.raises(InvalidConfig, match="units"):
        HendrycksMathNormalize(units="split_assert")
    with pytest.raises(InvalidConfig, match="on_missing"):
        HendrycksLastBoxed(on_missing="fallback")
    with pytest.raises(InvalidConfig, match="both_missing"):
        MathStringEquiv(both_missing=1.0)


def test_pipeline_lists_sides():
    sides = [side for side, _ in LM.pipeline()]
    assert sides == ["prediction", "reference", "both"]
