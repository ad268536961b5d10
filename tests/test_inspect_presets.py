"""The inspect: aliases (Inspect AI's string scorers): IDs, keyword arguments, errors, behaviors, explain text.

Bit-for-bit agreement with inspect_ai itself is tests/conformance/test_inspect.py; these run without it.
"""
from __future__ import annotations

import math
import pickle

import pytest

import evalmetrics as em
from evalmetrics.errors import InvalidConfig
from evalmetrics.number_steps import (FiniteFloatCast, FormatSignificant, StripNumberFormatting,
                                      StripPunctSparingNumbers, read_number)
from evalmetrics.word_steps import BlankIfListed, Casefold

CONFIGS = [
    ("inspect:match", {}),
    ("inspect:match", {"location": "begin", "ignore_case": False}),
    ("inspect:match", {"location": "exact", "numeric": True}),
    ("inspect:match", {"location": "any", "numeric": True}),
    ("inspect:includes", {}),
    ("inspect:includes", {"ignore_case": False}),
    ("inspect:pattern", {"pattern": r"(\d+)"}),
    ("inspect:pattern", {"pattern": r"(\w) (\w)", "match_all": True, "ignore_case": False}),
    ("inspect:answer", {"pattern": "letter"}),
    ("inspect:answer", {"pattern": "word"}),
    ("inspect:answer", {"pattern": "line"}),
    ("inspect:exact", {}),
    ("inspect:f1", {}),
    ("inspect:f1", {"stop_words": ["The", "of"]}),
]


@pytest.mark.parametrize("alias,kw", CONFIGS)
def test_ids_round_trip_and_pickle(alias, kw):
    m = em.get(alias, **kw)
    assert em.get(m.id) == m
    assert pickle.loads(pickle.dumps(m)) == m
    assert em.get(alias.replace("inspect:", "inspect@0.3:"), **kw) == m


def test_ids_spell_out_the_quirks():
    assert "significant_digits=5" in em.get("inspect:match", numeric=True).id
    assert "number_location=first" in em.get("inspect:match", location="begin", numeric=True).id
    assert em.get("inspect:match").id.startswith("exact_match(mode=prediction_ends_with_reference")
    assert "casefold" in em.get("inspect:includes").id
    assert "casefold" not in em.get("inspect:includes", ignore_case=False).id
    assert "decimals=2" in em.get("inspect:f1").id
    assert 'blank_if_listed(words=["of", "sat"])' in em.get("inspect:f1", stop_words=["Sat", "of", "The"]).id
    assert "blank_if_listed" not in em.get("inspect:f1", stop_words=["The", "a"]).id  # articles fold to nothing
    assert "require=all" in em.get("inspect:pattern", pattern="(a)", match_all=True).id
    assert "empty_answer_scores_zero=true" in em.get("inspect:answer", pattern="word").id


@pytest.mark.parametrize("alias,kw,key", [
    ("inspect:match", {"locaton": "end"}, "locaton"),
    ("inspect:match", {"location": "middle"}, "location"),
    ("inspect:match", {"location": None}, "location"),
    ("inspect:match", {"ignore_case": "yes"}, "ignore_case"),
    ("inspect:match", {"numeric": 1}, "numeric"),
    ("inspect:includes", {"ignore_case": None}, "ignore_case"),
    ("inspect:pattern", {}, "pattern"),
    ("inspect:pattern", {"pattern": 5}, "pattern"),
    ("inspect:pattern", {"pattern": "(", "ignore_case": False}, "("),
    ("inspect:pattern", {"pattern": "a", "match_all": "no"}, "match_all"),
    ("inspect:answer", {}, "pattern"),
    ("inspect:answer", {"pattern": "number"}, "pattern"),
    ("inspect:exact", {"ignore_case": True}, "ignore_case"),
    ("inspect:f1", {"stop_words": "the"}, "stop_words"),
    ("inspect:f1", {"stop_words": ["the", 3]}, "stop_words"),
    ("inspect:f1", {"answer_fn": len}, "answer_fn"),
])
def test_bad_keywords_are_typed_errors_naming_the_key(alias, kw, key):
    with pytest.raises(InvalidConfig) as e:
        em.get(alias, **kw)
    assert key in str(e.value)


def test_numeric_match_five_significant_digits():
    m = em.get("inspect:match", numeric=True)
    assert m.score("The answer is 123459", "123456") == 1.0
    assert m.score("The answer is 123469", "123456") == 0.0
    assert m.score("0.1 + 0.2 = 0.30000000000000004", "0.3") == 1.0
    assert m.score("It costs $1,234.", "1234") == 1.0
    # a number target never falls back to text: "25" ends with "5" but 25 != 5
    assert m.score("25", "5") == 0.0 and em.get("inspect:match").score("25", "5") == 1.0
    # the last number decides under location=end, the first under begin
    assert m.score("first 5 then 6", "5") == 0.0
    assert em.get("inspect:match", location="begin", numeric=True).score("first 5 then 6", "5") == 1.0
    assert em.get("inspect:match", location="any", numeric=True).score("5 or 6 or 7", "6") == 1.0
    # exact reads the whole output, without trimming punctuation
    ex = em.get("inspect:match", location="exact", numeric=True)
    assert ex.score("42", "(42)") == 1.0 and ex.score("(42)", "42") == 0.0
    # Unicode numbers
    assert m.score("two and a half: 2½", "2.5") == 1.0 and m.score("十二", "12") == 1.0


def test_text_match_quirks():
    m = em.get("inspect:match")
    assert m.score("The capital is PARIS.", "paris") == 1.0
    assert m.score("STRASSE", "straße") == 1.0  # casefold, not lower
    assert em.get("inspect:match", ignore_case=False).score("PARIS", "paris") == 0.0
    assert m.score("", ".") == 1.0  # the target trims to empty, which ends every output
    assert em.get("inspect:includes").score("xx PARIS!", "paris") == 1.0
    assert em.get("inspect:includes").score("Pa ris", "pa ris ") == 0.0  # no stripping


def test_pattern_and_answer():
    p = em.get("inspect:pattern", pattern=r"ANSWER: (\w+)")
    assert p.score("answer: Paris", ["paris"]) == 1.0
    assert p.score("no answer", ["paris"]) == 0.0
    # the first group equal to a target decides, and an empty one is a wrong answer
    g = em.get("inspect:pattern", pattern=r"(a*)(b)")
    assert g.score("b", ["", "b"]) == 0.0 and g.score("ab", ["a", "b"]) == 1.0
    both = em.get("inspect:pattern", pattern=r"(\w) (\w)", match_all=True)
    assert both.score("a b", ["a", "b"]) == 1.0 and both.score("a c", ["a", "b"]) == 0.0
    letter = em.get("inspect:answer", pattern="letter")
    assert letter.score("ANSWER: A\nwait, ANSWER: C", "C") == 1.0
    assert letter.score("ANSWER: A\nwait, ANSWER: C", "A") == 0.0
    assert em.get("inspect:answer", pattern="line").score("so\nANSWER: Paris, France", "paris, france") == 1.0


def test_exact_and_f1():
    e, f = em.get("inspect:exact"), em.get("inspect:f1")
    assert e.score("The well-known cat.", "well known CAT") == 1.0
    assert e.score("3.0", "3") == 1.0  # numbers as str(float)
    assert e.score("", ["the", "a"]) == 0.0  # targets empty after normalization never match
    assert f.score("u v w x y z", "u") == 0.29  # rounded per sample to 2 decimals
    assert f.score("the cat sat", "cat") == 0.67
    sw = em.get("inspect:f1", stop_words=["sat"])
    assert sw.score("the cat sat", "cat") == 1.0


def test_steps():
    assert read_number("123,456") == 123.456  # a lone comma with 3 digits after it is a decimal mark
    assert read_number("1,2345") == 12345.0
    assert read_number("−½") == -0.5 and read_number("Ⅻ") == 12.0 and read_number("1e999") is None
    assert FormatSignificant().apply("123456") == FormatSignificant().apply("123459") == "1.2346e+05"
    assert FormatSignificant(digits=3).apply("3.14159") == "3.14"
    assert StripNumberFormatting().apply("\\$1,000.") == "1000"
    assert FiniteFloatCast().apply("inf") == "inf" and FiniteFloatCast().apply("1_0") == "10.0"
    assert StripPunctSparingNumbers().apply("(-3.5).") == "3.5" and StripPunctSparingNumbers().apply("-3.5") == "-3.5"
    assert Casefold().apply("ß") == "ss"
    assert BlankIfListed(words=["b", "a", "a"]) == BlankIfListed(words=("a", "b"))
    with pytest.raises(InvalidConfig):
        BlankIfListed(words=())
    with pytest.raises(InvalidConfig):
        FormatSignificant(digits=0)


def test_explain_shows_inspect_meanings():
    m = em.explain("match")
    assert ("inspect:match", em.get("inspect:match").id) in m.meanings
    text = str(m)
    assert "5 significant digits" in text and "123459" in text and "scores 1" in text
    assert "inspect:includes" in dict(em.explain("includes").meanings)
    f1 = dict(em.explain("f1").meanings)
    assert "inspect:f1" in f1 and "squad:f1" in f1
    exact = dict(em.explain("exact").meanings)
    assert "inspect:exact" in exact and "squad:exact_match" in exact
    assert "significant digits" in str(em.explain("inspect:match"))


def test_catalog_lists_the_harness():
    names = {e.name for e in em.catalog("inspect")}
    assert {"inspect@0.3:match", "inspect@0.3:pattern", "inspect@0.3:f1"} <= names


def test_choice():
    m = em.get("inspect:choice")
    doc = {"choices": ["Paris", "Rome", "Oslo", "Bern"]}
    assert m.score("Let me think.\nANSWER: B", "B", doc) == 1.0
    assert m.score("ANSWER: **b**.", ["B"], doc) == 1.0
    assert m.score("ANSWER: A, B", "B", doc) == 0.0  # one label only without multiple_correct
    assert m.score("ANSWER: E", "A", doc) == 0.0  # E is no choice here: no answer
    multi = em.get("inspect:choice", multiple_correct=True)
    assert multi.score("ANSWER: A and C", ["A", "C"], doc) == 1.0 and multi.score("ANSWER: AC", "A, C", doc) == 1.0
    assert multi.score("ANSWER: A", ["A", "C"], doc) == 0.0
    r = m.compute(["ANSWER: A", "ANSWER: C"], ["A", "B"], [doc, doc])
    assert r.score == 0.5 and r.n == 2
    with pytest.raises(em.InvalidInput) as e:
        m.score("ANSWER: A", "F", doc)  # a target past the choices (Inspect AI raises too)
    assert e.value.field == "references"
    with pytest.raises(em.InvalidInput) as e:
        m.compute(["ANSWER: A"], ["A"], [{"options": []}])
    assert e.value.index == 0 and e.value.field == "document"
    with pytest.raises(InvalidConfig) as e:
        em.get("inspect:choice", multiple_correct="yes")
    assert "multiple_correct" in str(e.value)


def test_perplexity_metrics_read_the_scorer_records():
    per_token, per_seq = em.get("inspect:perplexity_per_token"), em.get("inspect:perplexity_per_seq")
    assert per_token.id == "weighted_perplexity(weight=tokens, unscored=skip)"
    assert per_seq.id == "geometric_mean_perplexity(weight=tokens, unscored=skip)" and em.get(per_seq.id) == per_seq
    # Score.metadata of perplexity() / target_perplexity(); pairs and records with n_tokens read the same
    records = [{"num_tokens": 2, "sum_log_probs": -6.0, "perplexity": 20.09}, {"num_tokens": 1, "sum_log_probs": -1.0}]
    assert per_token.compute(records).score == pytest.approx(math.exp(7 / 3))
    assert per_seq.compute(records).score == pytest.approx(math.exp(2.0))  # (3 + 1) / 2: each sample counts once
    assert per_seq.compute([(-6.0, 2), {"logprob": -1.0, "n_tokens": 1}]).score == per_seq.compute(records).score
    assert per_seq.compute([(-1e6, 1)]).score == math.inf  # exp overflows: infinite, as Inspect AI reports it
    assert per_seq.describe().startswith("exp(mean over samples of the per-token negative log-likelihood")


@pytest.mark.parametrize("sample,field", [
    ({"sum_log_probs": 0.5, "num_tokens": 1}, "logprob"),
    ({"sum_log_probs": -1.0, "num_tokens": 1.5}, "num_tokens"),
    ({"logprob": -1.0}, "sample"),
    ("text", "sample"),
])
def test_perplexity_per_seq_bad_samples_name_index_and_field(sample, field):
    with pytest.raises(em.InvalidInput) as e:
        em.get("inspect:perplexity_per_seq").compute([(-1.0, 1), sample])
    assert e.value.index == 1 and e.value.field == field


@pytest.mark.parametrize("sample,field", [
    ({"sum_log_probs": -1.0}, "sample"),                        # metadata lacking num_tokens
    ({"sum_log_probs": -1.0, "num_tokens": 0}, "num_tokens"),   # no tokens: no per-token value
    ((-1.0, 0), "weight"),
    (None, "sample"),
])
def test_geometric_mean_perplexity_refuses_unscored_samples_by_default(sample, field):
    with pytest.raises(em.InvalidInput) as e:
        em.get("geometric_mean_perplexity(weight=tokens)").compute([(-1.0, 1), sample])
    assert e.value.index == 1 and e.value.field == field


def test_inspect_perplexity_skips_what_inspect_ai_skips_and_says_so():
    """Issue 18: Inspect AI skips a 0-token sample (per_seq) and one without metadata (both, with a warning); the
    aliases skip them as the ID says (unscored=skip) and list them in the Result's provenance."""
    per_seq, per_token = em.get("inspect:perplexity_per_seq"), em.get("inspect:perplexity_per_token")
    r = per_seq.compute([{"sum_log_probs": -10, "num_tokens": 5}, {"sum_log_probs": 0, "num_tokens": 0}])
    assert r.score == math.exp(2.0) and r.n == 2 and r.provenance["skipped"] == [1]
    r = per_seq.compute([{"sum_log_probs": -10, "num_tokens": 5}, {}, None, {"num_tokens": 3}])
    assert r.score == math.exp(2.0) and r.provenance["skipped"] == [1, 2, 3]
    r = per_token.compute([{"sum_log_probs": -10.0, "num_tokens": 5}, {"sum_log_probs": -4.0, "num_tokens": 0}, {}])
    assert r.score == math.exp(14 / 5) and r.provenance["skipped"] == [2]  # a 0-token sample's log-prob counts
    for m, corpus in ((per_seq, [None, {}]), (per_token, [{}]), (per_token, [{"sum_log_probs": -1.0, "num_tokens": 0}])):
        with pytest.raises(em.InvalidInput, match="Inspect AI reports NaN"):  # refused where Inspect AI gives NaN
            m.compute(corpus)
    assert "skipped" not in per_seq.compute([(-1.0, 1)]).provenance
    assert "skipped" in per_seq.describe() and "skipped" in per_token.describe()
    with pytest.raises(em.InvalidInput, match="'sum_log_probs' and 'num_tokens'"):
        per_seq.compute([{"logprob": -1.0}])
