"""BLEU/chrF/TER/ROUGE units (delegating to sacrebleu / rouge-score) and G-Pass@k: behavior beyond the registry-wide
tests. Agreement with lm_eval / lighteval is proven in tests/conformance/test_lighteval_extra.py."""
from __future__ import annotations

import math
import sys

import pytest

import evalmetrics as em
from evalmetrics.metrics import textgen

sacrebleu = pytest.importorskip("sacrebleu")


def test_corpus_bleu_is_a_corpus_statistic_not_a_mean():
    preds, refs = ["the cat sat on the mat", "a dog"], ["the cat sat on a mat", "a dog barks loudly"]
    r = em.CorpusBLEU().compute(preds, refs)
    assert r.score == sacrebleu.corpus_bleu(preds, [refs]).score
    per = [em.CorpusBLEU().score(p, x) for p, x in zip(preds, refs)]
    assert r.score != sum(per) / len(per)
    assert r.aggregation == "corpus_bleu" and r.n == 2
    assert all(math.isnan(v) for v in r.per_sample)
    # the stderr is lm_eval's bootstrap (100 resamples by default; the conformance suite checks the number)
    assert r.stderr > 0 and "bootstrap_stderr" in r.stderr_method and "100 resamples" in r.stderr_method
    r0 = em.CorpusBLEU().compute(preds, refs, bootstrap_iters=0)
    assert r0.score == r.score and math.isnan(r0.stderr) and r0.stderr_method.startswith("none")
    assert r.metric_id == em.CorpusBLEU().id


@pytest.mark.parametrize("layout,streams", [
    ("truncate_to_fewest", [["a b", "c d"], ["x", "y"]]),
    ("first", [["a b", "c d"]]),
    ("sample_lists_as_streams", [["a b", "x", "z"], ["c d", "y"]]),
])
def test_reference_layouts(layout, streams):
    preds, refs = ["a b", "c d"], [["a b", "x", "z"], ["c d", "y"]]
    hyps = preds[: min(len(preds), *(len(r) for r in refs))] if layout == "sample_lists_as_streams" else preds
    if layout == "sample_lists_as_streams":
        streams = [s[: len(hyps)] for s in streams]
    for cls, ref_fn in ((em.CorpusChrF, sacrebleu.corpus_chrf), (em.CorpusTER, sacrebleu.corpus_ter)):
        assert cls(references=layout).compute(preds, refs).score == ref_fn(hyps, streams).score


def test_steps_apply_before_scoring():
    m = em.get("lighteval:chrf")
    assert m.score("<think>junk</think>the cat", ["the cat"]) == 100.0
    assert em.CorpusChrF().score("<think>junk</think>the cat", ["the cat"]) < 100.0


def test_rouge_combines_over_references():
    rs = pytest.importorskip("rouge_score.rouge_scorer")
    sc = rs.RougeScorer(["rougeL"])
    f = [sc.score(r, "the cat sat")["rougeL"].fmeasure for r in ("the cat", "a dog sat")]
    assert em.Rouge(rouge_type="rougel").score("the cat sat", ["the cat", "a dog sat"]) == sum(f) / 2
    assert em.Rouge(rouge_type="rougel", combine="max").score("the cat sat", ["the cat", "a dog sat"]) == max(f)


def test_invalid_inputs_name_sample_and_field():
    with pytest.raises(em.InvalidInput) as e:
        em.CorpusBLEU().compute(["a", None], ["a", "b"])
    assert e.value.index == 1 and e.value.field == "prediction"
    with pytest.raises(em.InvalidInput) as e:
        em.CorpusTER().compute(["a", "b"], ["a", []])
    assert e.value.index == 1 and e.value.field == "references"
    with pytest.raises(em.InvalidConfig, match="tokenize"):
        em.CorpusBLEU(tokenize="moses")
    with pytest.raises(em.InvalidConfig):
        em.CorpusChrF(char_order=0, word_order=0)


def test_missing_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sacrebleu", None)
    monkeypatch.setitem(sys.modules, "rouge_score", None)
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[textgen\]'"):
        em.CorpusBLEU().compute(["a"], ["a"])
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[textgen\]'"):
        em.Rouge().score("a", "a")
    assert em.get(em.CorpusBLEU().id) == em.CorpusBLEU()  # building and IDs need no package
    assert textgen._EXTRA.startswith("pip install -e '.[textgen]'")


def test_g_pass_at_k_against_scipy_and_edges():
    stats = pytest.importorskip("scipy.stats")
    samples = ["a", "b", "a", "c", "a", "d"]  # n=6, c=3
    g = em.GPassAtK(k=4, threshold=0.75)
    assert g.score(samples, "a") == float(stats.hypergeom.sf(3 - 1, 6, 3, 4))
    assert em.GPassAtK(k=7).score(samples, "a") == 0.0  # k > n
    assert em.GPassAtK(k=2, threshold=1.0).score(["b", "c"], "a") == 0.0  # no correct sample
    mg = em.MGPassAtK(k=4).score(samples, "a")
    assert mg == float(2 * (0.0 + stats.hypergeom.sf(2, 6, 3, 4)) / 4)
    with pytest.raises(em.InvalidConfig, match="threshold"):
        em.GPassAtK(threshold=1.5)
    with pytest.raises(em.InvalidInput, match="exactly one"):
        em.get("lighteval:g_pass_at_k/g-pass@k_t", k=1).score(["a"], ["a", "b"])
    with pytest.raises(em.InvalidConfig, match="needs k"):
        em.get("lighteval:g_pass_at_k/mg-pass@k")


def test_g_pass_missing_scipy_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy.stats", None)
    monkeypatch.setitem(sys.modules, "scipy", None)
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[stats\]'"):
        em.GPassAtK(k=1).score(["a"], "a")


# ---- lighteval extras that ride along: multilingual articles, normalizers by name (conformance proves parity)


def test_strip_articles_language_fills_the_article_list():
    from evalmetrics.normalizers import ARTICLES_BY_LANGUAGE

    fr = em.StripArticles(language="fra")
    assert fr.articles == ARTICLES_BY_LANGUAGE["fra"] and em.get(fr.id) == fr
    assert em.StripArticles(language="eng") == em.StripArticles() and em.StripArticles(language="eng").id == em.StripArticles().id
    assert fr.apply("l'homme et la femme") == " homme et   femme"
    assert em.get("lighteval:remove_articles", language="deu").apply("der Hund") == "  Hund"
    with pytest.raises(em.InvalidConfig, match="language"):
        em.StripArticles(language="xx")
    with pytest.raises(em.InvalidConfig, match="not both"):
        em.StripArticles(language="fra", articles=("x",))
    with pytest.raises(em.InvalidConfig, match="needs language"):
        em.get("lighteval:remove_articles")


def test_lighteval_sample_params_math_normalizer_and_remove_punc():
    m = em.get("lighteval:exact_match", normalize_gold="math_normalizer", normalize_pred="math_normalizer")
    assert m.score("so $\\boxed{\\dfrac12}$", "\\boxed{0.5}") == 1.0
    assert m.score("", "\\boxed{\\sqrt}") == 0.0  # lighteval scores an empty output 0 before normalizing the gold
    with pytest.raises(em.InvalidInput):
        m.score("x", "\\boxed{\\sqrt}")  # lighteval's math_normalizer crashes on a trailing \sqrt
    with pytest.raises(em.InvalidConfig, match="math_normalizer"):
        em.get("lighteval:exact_match", normalize_gold="math_normalizer")
    p = em.get("lighteval:exact_match", normalize_gold="remove_punc", normalize_pred="remove_punc")
    assert p.score("«Paris»!", "Paris") == 1.0


# ---- sentence BLEU (nltk) and lighteval rouge_t5


@pytest.fixture
def punkt(tmp_path, monkeypatch):
    """nltk's word_tokenize needs punkt_tab data; tests use a stand-in English model (no download)."""
    nltk = pytest.importorskip("nltk")
    import nltk.tokenize as tok

    d = tmp_path / "tokenizers" / "punkt_tab" / "english"
    d.mkdir(parents=True)
    for name, body in (("collocations.tab", ""), ("sent_starters.txt", ""), ("ortho_context.tab", ""),
                       ("abbrev_types.txt", "mr\n")):
        (d / name).write_text(body, encoding="utf-8")
    monkeypatch.setattr(nltk.data, "path", [str(tmp_path)])
    tok._get_punkt_tokenizer.cache_clear()
    yield nltk
    tok._get_punkt_tokenizer.cache_clear()


def test_sentence_bleu_delegates_to_nltk(punkt):
    import warnings

    from nltk.tokenize import word_tokenize
    from nltk.translate.bleu_score import sentence_bleu

    pred, refs = "Mr. Smith sat on the mat. He left.", ["Mr. Smith sat on a mat. He left!", "the cat sat"]
    toks = [word_tokenize(r) for r in refs], word_tokenize(pred)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert em.SentenceBLEU(order=1).score(pred, refs) == sentence_bleu(*toks, weights=(1, 0, 0, 0))
        assert em.SentenceBLEU(order=4).score(pred, refs) == sentence_bleu(*toks, weights=(0, 0, 0, 1))
        assert em.SentenceBLEU(order=4, weights="cumulative").score(pred, refs) == sentence_bleu(*toks)
        assert em.SentenceBLEU(order=2, weights="cumulative").score(pred, refs) == sentence_bleu(*toks, weights=(0.5, 0.5))
        # no 4-gram match: nltk's unsmoothed value is the tiniest positive float times the brevity penalty, not 0
        assert 0 < em.SentenceBLEU(order=4).score("a b c d", "a b c e d") < 1e-300
        assert em.SentenceBLEU().score("", "a") == 0.0
        m = em.get("lighteval:bleu_4")
        assert m.score("<think>x y</think>a b c d", ["a b c d"]) == 1.0
        r = m.compute(["a b c d", "z"], [["a b c d"], "a"])
    assert list(r.per_sample) == [1.0, 0.0] and r.score == 0.5 and "nltk" in r.provenance
    with pytest.raises(em.InvalidConfig, match="order"):
        em.SentenceBLEU(order=5)


def test_sentence_bleu_without_punkt_data_says_how_to_get_it(monkeypatch):
    nltk = pytest.importorskip("nltk")
    import nltk.tokenize as tok

    monkeypatch.setattr(nltk.data, "path", [])
    tok._get_punkt_tokenizer.cache_clear()
    with pytest.raises(em.InvalidConfig, match="punkt_tab"):
        em.SentenceBLEU().score("a b", "a b")
    tok._get_punkt_tokenizer.cache_clear()
    monkeypatch.setitem(sys.modules, "nltk.tokenize", None)
    with pytest.raises(em.InvalidConfig, match=r"pip install -e '\.\[textgen\]'"):
        em.SentenceBLEU().score("a b", "a b")


def test_rouge_first_reference_in_percent():
    rs = pytest.importorskip("rouge_score.rouge_scorer")
    sc = rs.RougeScorer(["rougeLsum"])
    m = em.get("lighteval:rouge_t5/rougeLsum")
    expected = sc.score("a.\nb", "a.\nb.\nc")["rougeLsum"].fmeasure * 100
    assert m.score("a . b . c", ["a . b", "a . b . c"]) == expected  # first gold only; ' . ' -> '.\n' on both
    assert em.Rouge(combine="first").score("the cat", ["the cat", "x"]) == 1.0
    assert em.Rouge(percent=True).score("the cat", ["the cat"]) == 100.0


# ---- word tokenization (lighteval's multilingual normalizer) and pass@k from flags (HELM code scenarios)


def test_word_tokenize_whitespace_and_validation():
    assert em.WordTokenize().apply(" a\u00a0 b\n") == "a b"
    with pytest.raises(em.InvalidConfig, match="needs a language"):
        em.WordTokenize(tokenizer="spacy")
    with pytest.raises(em.InvalidConfig, match="no language"):
        em.WordTokenize(language="fr")
    with pytest.raises(em.InvalidConfig, match="jieba"):
        em.WordTokenize(tokenizer="spacy", language="fr", segmenter="jieba")


def test_word_tokenize_spacy_delegates_to_spacy():
    spacy = pytest.importorskip("spacy")
    text = "L'homme, n'est-ce pas? C'est 3,5 km."
    w = em.WordTokenize(tokenizer="spacy", language="fr")
    words = [t.text.strip() for t in spacy.blank("fr").tokenizer(text)]
    assert w.apply(text) == " ".join(x for x in words if x)
    assert em.get(w.id) == w


def test_multilingual_aliases_compose_the_shared_steps():
    pytest.importorskip("spacy")
    m = em.get("lighteval:multilingual_quasi_exact_match", language="fra")
    assert m.score("l'homme, est là!", ["homme est là"]) == 1.0  # lowercase "l'" is a French article
    assert m.score("L'homme est là", ["homme est là"]) == 0.0  # articles are matched before lowercasing
    assert em.get("lighteval:multilingual_quasi_exact_match", language="ace", match_type="prefix").score(
        "Abc, def", "abc") == 1.0  # no tokenizer listed: whitespace words
    f = em.get("lighteval:multilingual_quasi_f1_score", language="deu")
    assert f.score("Der Hund bellt", "hund") == 0.5
    for bad, msg in (("ces", "does not reproduce"), ("kaz", "Stanza"), ("xx", "Language value"), (None, "needs")):
        with pytest.raises(em.InvalidConfig, match=msg):
            em.get("lighteval:multilingual_quasi_exact_match", language=bad)


def test_pass_at_k_from_flags():
    m = em.PassAtKFromFlags(k=2)
    assert m.score([True, False, False, False]) == 0.5
    assert m.score([0, 0.0, False]) == 0.0 and m.score([1, 0.0]) == 1.0 and em.PassAtKFromFlags(k=5).score([False, False]) == 1.0  # k > n: 1.0
    assert em.get("helm:pass").score([True, False]) == em.PassAtK(k=1).score(["a", "b"], "a")
    r = em.get("helm:pass@k", num_outputs=2).compute([[1, 0, 0], [0, 0, 0]])
    assert list(r.per_sample) == [m.score([1, 0, 0]), 0.0]
    for bad, field in (([], "flags"), ([0.5], "flags"), ("10", "flags"), ([None], "flags")):
        with pytest.raises(em.InvalidInput) as e:
            m.compute([[1], bad])
        assert e.value.index == 1 and e.value.field == field
    with pytest.raises(em.InvalidConfig, match="num_outputs"):
        em.get("helm:pass@k", num_outputs=1)
