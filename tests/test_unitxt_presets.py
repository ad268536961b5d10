"""The unitxt: aliases (evalmetrics/presets/unitxt.py) and the units they add: TextLabelF1, PairwiseMean.

Bit-for-bit agreement with unitxt itself is tests/conformance/test_unitxt.py (unitxt's own environment); these
tests pin the pipelines' structure and behavior where unitxt is not installed.
"""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import evalmetrics as em
from evalmetrics.metrics.pairwise_mean import PairwiseMean
from evalmetrics.metrics.text_label_f1 import TextLabelF1
from evalmetrics.registry import aliases


def _unitxt_aliases():
    return {k: a for k, a in aliases().items() if k.startswith("unitxt@")}


def test_aliases_are_catalog_ids_and_round_trip():
    table = _unitxt_aliases()
    assert len(table) >= 20
    for key, a in table.items():
        assert a.name.startswith(("metrics.", "processors.")), key
        unit = a.make()
        assert em.get(unit.id) == unit, key
        assert pickle.loads(pickle.dumps(unit)) == unit
        assert em.get(f"unitxt:{a.name}") == unit  # the unversioned name resolves to the same pipeline


def test_metric_aliases_are_metrics_and_processors_are_steps():
    for key, a in _unitxt_aliases().items():
        kind = a.make().kind
        assert kind == ("metric" if a.name.startswith("metrics.") else kind), key
        if a.name.startswith("processors."):
            assert kind in ("normalizer", "extractor"), key


def test_accuracy_and_string_containment():
    acc, sc = em.get("unitxt:metrics.accuracy"), em.get("unitxt:metrics.string_containment")
    assert acc.score("Paris", ["paris", "Paris"]) == 1.0
    assert acc.score("Paris.", "Paris") == 0.0  # no normalization at all
    assert sc.score("It is Paris.", "Paris") == 1.0
    assert sc.score("It is paris.", "Paris") == 0.0
    assert sc.score("anything", "") == 1.0  # an empty reference is contained in every prediction
    r = acc.compute(["a", "b", "c"], ["a", "x", ["y", "c"]])
    assert r.score == pytest.approx(2 / 3) and list(r.per_sample) == [1.0, 0.0, 1.0]


def test_token_overlap_is_squad_f1_with_a_pairwise_mean():
    m = em.get("unitxt:metrics.token_overlap")
    assert isinstance(m, PairwiseMean)
    assert m.metric == em.get("squad@v1.1:f1")
    assert m.score("The cat sat.", ["a cat", "cat sat"]) == 1.0


def test_rouge_main_score_is_rougeL_best_over_references():
    pytest.importorskip("rouge_score")
    m = em.get("unitxt:metrics.rouge")
    assert m.metric.rouge_type == "rougel" and m.metric.combine == "max"
    # best over references (lighteval's rougeL averages them)
    assert m.score("the cat", ["the cat", "a dog"]) == 1.0
    assert em.get("lighteval:rougeL").score("the cat", ["the cat", "a dog"]) == 0.5


@pytest.mark.parametrize("average", ["micro", "macro"])
def test_text_label_f1_is_scikit_learn_over_the_reference_labels(average):
    skm = pytest.importorskip("sklearn.metrics")
    preds = ["yes", "no", "maybe", "yes", "other", "no"]
    refs = ["yes", "yes", "no", "no", "maybe", "no"]
    labels = ["yes", "no", "maybe"]  # "other" is a prediction only: never a label
    expect = skm.f1_score(refs, preds, average=average, labels=labels, zero_division=0)
    r = TextLabelF1(average=average).compute(preds, [[x, "ignored second reference"] for x in refs])
    assert r.score == float(expect)
    assert list(r.per_sample) == [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]
    assert r.aggregation == "text_label_f1" and np.isnan(r.stderr)


def test_text_label_f1_labels_come_from_references_only():
    pytest.importorskip("sklearn")
    # a wrong prediction outside the reference labels is no false positive of its own label
    micro = TextLabelF1(average="micro")
    assert micro.compute(["zzz", "a"], ["a", "a"]).score == pytest.approx(2 / 3)
    assert micro.compute(["b", "a"], ["a", "a"]).score == pytest.approx(2 / 3)
    macro = TextLabelF1(average="macro")
    assert macro.compute(["b", "a", "b"], ["a", "a", "b"]).score == pytest.approx((2 / 3 + 2 / 3) / 2)


def test_text_label_f1_bad_input_names_sample_and_field():
    with pytest.raises(em.InvalidInput) as e:
        TextLabelF1().compute(["a", None], ["a", "b"])
    assert e.value.index == 1 and e.value.field == "prediction"
    with pytest.raises(em.InvalidInput) as e:
        TextLabelF1().compute(["a", "b"], ["a", []])
    assert e.value.index == 1 and e.value.field == "references"


def test_pairwise_mean_is_numpys_and_can_differ_from_a_left_to_right_sum():
    base = em.get("squad:f1")
    preds = ["a b c"] * 3 + ["a b c d e f g"] * 7 + ["a"] * 3
    refs = ["a", "a b", "a b c d"] * 4 + ["b"]
    plain = base.compute(preds, refs)
    pm = PairwiseMean(metric=base).compute(preds, refs)
    assert pm.score == float(np.mean(plain.per_sample))
    assert list(pm.per_sample) == list(plain.per_sample)
    assert pm.metric_id == PairwiseMean(metric=base).id and pm.aggregation == "numpy_nanmean"
    # the reason it exists: numpy's pairwise sum is not Python's left-to-right sum
    found = False
    for k in range(8, 40):
        vals = np.array([1 / (j + 3) for j in range(k)])
        if float(np.mean(vals)) != sum(vals.tolist()) / k:
            found = True
            break
    assert found


PROCESSOR_CASES = {
    "lower_case": [("ÉCOLE İ", "école i̇")],
    "upper_case": [("straße", "STRASSE")],
    "to_string_stripped": [("  a b \n", "a b")],
    "take_first_non_empty_line": [("\n\n  first \nsecond", "first"), ("", "")],
    "take_last_non_empty_line": [("first\n  last  \n\n", "last")],
    "take_first_word": [("  --12.5.3abc", "--12.5.3"), ("Hello, world", "Hello"), ("...", "")],
    "first_character": [("  (b) yes", "b"), ("!?", "")],
    "get_string_after_colon": [("Answer: B: c", "B: c"), ("no colon ", "no colon")],
    "lower_case_till_punc": [("Yes, I THINK so.", "yes"), ("No punct", "no punct")],
    "remove_articles": [("the cat and a theory", "  cat and   theory")],
    "remove_punctuations": [("“Hi”, it's $5!", "“Hi” its 5")],
    "fix_whitespace": [(" a \u00a0 b\n", "a b")],
    "str_to_float_format": [("01", "1.0"), ("one", "one")],
    "to_yes_or_none": [("yes", "yes"), ("Yes", "none")],
    "yes_no_to_int": [("yes", "1"), ("no", "0"), ("yes\n", "yes\n"), ("maybe", "maybe")],
    "predictions_yes_1_else_0": [("yes", "1"), ("no", "0")],
    "stance_to_pro_con": [("positive", "PRO"), ("suggestion", "CON"), ("neutral", "none")],
    "toxic_or_not_toxic": [("It is NOT Toxic.", "not toxic"), ("Toxic!", "toxic"), ("fine", "fine")],
    "hate_speech_or_not_hate_speech": [("Not hate speech", "not hate speech"), ("hatespeech", "hatespeech")],
    "extract_from_double_brackets": [("rating [[5]] and [[6]]", "5"), ("[[\n]]", ""), ("none", "")],
}


@pytest.mark.parametrize("name", sorted(PROCESSOR_CASES))
def test_processor_examples(name):
    step = em.get(f"unitxt:processors.{name}")
    for text, expect in PROCESSOR_CASES[name]:
        assert step.apply(text) == expect, (name, text)


def test_every_processor_alias_has_examples():
    names = {a.name.split(".", 1)[1] for a in _unitxt_aliases().values() if a.name.startswith("processors.")}
    assert names == set(PROCESSOR_CASES)


def test_explain_accuracy_shows_unitxt_next_to_the_log_likelihood_meanings():
    e = em.explain("accuracy")
    names = [a for a, _ in e.meanings]
    assert "unitxt:metrics.accuracy" in names and "lm_eval:acc" in names
    assert len({i for _, i in e.meanings}) >= 2


def _naive_levenshtein(a, b):
    import functools

    @functools.lru_cache(maxsize=None)
    def d(i, j):
        if i == 0 or j == 0:
            return i + j
        return min(d(i - 1, j) + 1, d(i, j - 1) + 1, d(i - 1, j - 1) + (a[i - 1] != b[j - 1]))

    return d(len(a), len(b))


def test_levenshtein_against_the_naive_recursion():
    import random

    from evalmetrics.metrics.edit_distance import levenshtein

    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("abcé ") for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice("abcé ") for _ in range(rng.randint(0, 8)))
        assert levenshtein(a, b) == _naive_levenshtein(a, b) == levenshtein(b, a)


def test_char_edit_metrics():
    from evalmetrics.metrics.edit_distance import CharEditDistance, CharEditSimilarity

    d, acc = em.get("unitxt:metrics.char_edit_distance"), em.get("unitxt:metrics.char_edit_dist_accuracy")
    assert d == CharEditDistance() and not d.higher_is_better
    assert d.score("The cat", "the  cats") == 2.0  # whitespace deleted first
    assert CharEditDistance(ignore_whitespace=False).score("The cat", "the  cats") == 3.0
    assert acc.score("abcd", "ab ce") == 0.75
    assert acc.score(" ", "\n") == 0.0  # unitxt's value for two empty texts
    assert CharEditSimilarity().score(" ", "\n") == 1.0
    with pytest.raises(em.InvalidInput) as e:
        d.compute(["a", "b"], ["a", ["b", "c"]])
    assert e.value.index == 1 and e.value.field == "references"


def test_exact_match_mm_reads_one_leading_character():
    m = em.get("unitxt:metrics.exact_match_mm")
    assert isinstance(m, em.LeadingCharMatch)
    assert m.score("B) Paris", "b") == 1.0 and m.score(" (C) Rome", ["a", "C"]) == 1.0
    assert m.score("Option d", "D") == 1.0 and m.score("The answer is\nE.", "e") == 1.0  # line break -> space
    assert m.score("the answer is", "t") == 1.0  # the first character counts too
    assert m.score("option ", "o") == 1.0 and m.score("option ", " ") == 0.0  # nothing after the lead-in
    assert m.score("ab", "ab") == 0.0 and m.score("a", "") == 0.0  # only a one-character reference can match
    assert m.score("", "a") == 0.0
    assert m.score("İ", "i") == 1.0  # lowercased first: "İ" becomes "i" + a combining dot
    r = m.compute(["b", "x", "(a)"], ["B", "y", "a"])
    assert list(r.per_sample) == [1.0, 0.0, 1.0] and r.score == pytest.approx(2 / 3)


def test_leading_char_match_prefixes_are_canonical_and_checked():
    a = em.LeadingCharMatch(prefixes=["option ", "(", "(", "the answer is "])
    assert a == em.LeadingCharMatch() and a.id == em.LeadingCharMatch().id
    assert em.LeadingCharMatch(prefixes=["answer: "]).score("answer: c", "c") == 1.0
    for bad in ("(", ["ok", ""], [3]):
        with pytest.raises(em.InvalidConfig, match="prefixes"):
            em.LeadingCharMatch(prefixes=bad)


def test_jaccard_index_words_is_word_set_iou_with_whitespace_edges():
    m = em.get("unitxt:metrics.jaccard_index_words")
    assert isinstance(m, PairwiseMean) and isinstance(m.metric, em.SetMatch)
    assert m.score("the cat sat", "sat the cat the") == 1.0
    assert m.score("a b", ["a c", "x"]) == pytest.approx(1 / 3)  # best over references
    assert m.score(" a b", "a b") == pytest.approx(2 / 3)  # re.split(r"\s+") keeps an empty piece at the edge
    assert m.score("", "   ") == 1.0 and m.score("", "a") == 0.0
    assert m.score("a\n\tb", "b\u2003a") == 1.0 and m.score("a\nNothing.", "a Nothing.") == 1.0


def test_rougelsum_puts_one_punkt_sentence_a_line_first():
    m = em.get("unitxt:metrics.rouge/rougeLsum")
    assert m.metric.rouge_type == "rougelsum"
    assert m.metric.pred == m.metric.ref == (em.Strip(), em.SentenceLines())
    assert "unitxt:metrics.rouge/rougeLsum" in dict(em.explain("rougeLsum").meanings)
    pytest.importorskip("rouge_score")
    nltk = pytest.importorskip("nltk")
    try:
        nltk.tokenize.PunktTokenizer("english")
    except LookupError:
        pytest.skip("nltk's punkt_tab data is not installed")
    assert em.SentenceLines().apply("  Mr. Smith went. Then he left!  ") == "  Mr. Smith went.\nThen he left!"
    # sentence order does not matter to rougeLsum once each sentence is a line (it does without the split)
    assert m.score("Mr. Smith went. Then he left!", "Then he left! Mr. Smith went.") == 1.0
