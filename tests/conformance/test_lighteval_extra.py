"""Text-generation overlap metrics (lm_eval and lighteval BLEU/chrF/TER/ROUGE) and lighteval extras, against the
real packages (see conftest for the record)."""
from __future__ import annotations

import functools
import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

pytest.importorskip("lm_eval")
pytest.importorskip("lighteval")
pytest.importorskip("sacrebleu")
pytest.importorskip("rouge_score")

import evalmetrics as em  # noqa: E402
import oracles as O  # noqa: E402
from _diff import N_EXAMPLES, _call, _same, check, multi, mutated, text  # noqa: E402
from conftest import RESULTS  # noqa: E402
from evalmetrics._regex import settings as textgen_settings  # noqa: E402
from test_string_aliases import HARD_MULTI, LE, LM, _think  # noqa: E402

WORDS = st.sampled_from(["the", "cat", "sat", "on", "a", "mat", "dog", "Paris", "is", "big", ".", ",", "1,000",
                         "日本", "Москва", "isn't", "well-known", "<think>x</think>", "THE", "\u00a0", "é"])
sentence = st.lists(WORDS, min_size=0, max_size=9).map(" ".join)
seg_text = st.one_of(sentence, sentence, text)


@st.composite
def corpus(draw, max_samples=4, max_refs=3, allow_str=True):
    """[(prediction, references)]: references all plain strings (one each) or all lists of 1..max_refs."""
    n = draw(st.integers(1, max_samples))
    as_str = allow_str and draw(st.booleans())
    out = []
    for _ in range(n):
        refs = [draw(seg_text)] if as_str else draw(st.lists(seg_text, min_size=1, max_size=max_refs))
        kind = draw(st.integers(0, 3))
        pred = refs[0] if kind == 0 else draw(mutated(refs[0])) if kind == 1 else draw(seg_text)
        out.append((pred, refs[0] if as_str else refs))
    return out


HAND_CORPORA = [
    [("", "")], [("", "a")], [("a", "")], [("the cat", "the cat")], [("the cat sat on the mat", ["the cat sat on a mat"])],
    [("a b c d e", ["a b c d e", "x"]), ("f", ["f"])], [("x", ["a", "b", "c"]), ("y", ["y", "z"])],
    [("日本語", "日本語です")], [("Paris.", "paris")], [("x " * 300, "x " * 299)], [("<think>a</think>b", "b")],
]

# ------------------------------------------------------------------------------------------------ shared runner
# Inputs are generated once per module and shared by the aliases that take the same shape; corpus statistics are
# compared on merged corpora of 1..40 samples (hand-picked corpora as they are); there an input is one sample.


def _gen(strategy, n=N_EXAMPLES):
    """``n`` inputs drawn from ``strategy`` by one derandomized hypothesis run (the same inputs on every run)."""
    out = []

    @settings(max_examples=n, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(x):
        out.append(x)

    run()
    return out


def _compare(alias, package, ours, oracle, inputs, weight=lambda x: 1):
    """``check``'s record and assertion over fixed inputs; ``oracle`` may be a precomputed outcome list."""
    stats = RESULTS.setdefault(alias, {"n": 0, "mismatches": 0, "package": package, "examples": []})
    for i, x in enumerate(inputs):
        stats["n"] += weight(x)
        a = _call(ours, x)
        b = oracle[i] if isinstance(oracle, list) else _call(oracle, x)
        if not _same(a, b):
            stats["mismatches"] += 1
            if len(stats["examples"]) < 5:
                stats["examples"].append({"input": repr(x)[:2000], "evalmetrics": repr(a), "reference": repr(b)})
    assert stats["mismatches"] == 0, f"{alias}: {stats['mismatches']} mismatches of {stats['n']}: {stats['examples']}"


def _batches(corpora, seed=8):
    """Merge consecutive generated corpora of one reference shape into corpora of 1..40 samples (seeded sizes)."""
    rng = random.Random(seed)
    out, cur, size = [], [], 1
    for c in corpora:
        if cur and (len(cur) >= size or isinstance(cur[0][1], str) != isinstance(c[0][1], str)):
            out.append(cur)
            cur, size = [], rng.choice([1, 2, 3, 4, 8, 16, 40])
        cur = cur + list(c)
    return out + ([cur] if cur else [])


@functools.cache
def _corpora():
    """About 2.5 samples a generated corpus: N/2 of them give more than N samples, merged into corpora of 1..40."""
    return _batches(_gen(corpus(), max(N_EXAMPLES // 2, 1)))


def _refs(r):
    return [r] if isinstance(r, str) else list(r)


def _ter_over(pred, refs):
    """TER's bound (words x words, whitespace split) on the texts the reference scores."""
    n = len(pred.split())
    return any(n * len(r.split()) > textgen_settings.ter_max for r in _refs(refs))


def _rouge_over(pred, refs):
    """ROUGE-L's bound in rouge-score's own token counts."""
    from rouge_score.tokenize import tokenize

    n = len(tokenize(pred, None))
    return any(n * len(tokenize(r, None)) > textgen_settings.quadratic_max for r in refs)


def _corpus_split(alias, m, corpora, over):
    """Corpora with a sample over the TER bound leave the compared set: ours must refuse them (InvalidInput naming
    the sample); everything else is compared exactly. Returns the compared corpora."""
    keep = []
    for c in corpora:
        bad = [i for i, (p, r) in enumerate(c) if over(p, r)]
        if not bad:
            keep.append(c)
            continue
        with pytest.raises(em.InvalidInput) as e:
            m.compute([p for p, _ in c], [r for _, r in c])
        assert e.value.index == bad[0] and "ter_max" in str(e.value), (alias, e.value)
    return keep


def _corpus_weight(c):
    return len(c)


# ------------------------------------------------------------------------------------------------ lm_eval


@functools.cache
def _lm():
    import lm_eval.api.metrics as m

    return {"bleu": m.bleu, "chrf": m.chrf, "chrf++": m.chrfpp, "ter": m.ter}


LM_TEXTGEN = ["bleu", "chrf", "chrf++", "ter"]


@pytest.mark.parametrize("name", LM_TEXTGEN)
def test_lm_eval_textgen(name):
    alias = f"lm_eval@0.4:{name}"
    m = em.get(alias)

    def ours(c):
        return m.compute([p for p, _ in c], [r for _, r in c]).score

    def oracle(c):
        # lm_eval's aggregation receives the per-sample [gold, result] items of process_results.
        return float(_lm()[name]([[r, p] for p, r in c]))

    hand, gen = HAND_CORPORA, _corpora()
    if name == "ter":
        hand, gen = (_corpus_split(alias, m, x, _ter_over) for x in (hand, gen))
        assert len(hand) < len(HAND_CORPORA)  # the long hand-picked corpus is over the bound
    _compare(alias, LM, ours, oracle, hand)
    _compare(alias, LM, ours, oracle, gen, _corpus_weight)
    assert RESULTS[alias]["n"] >= N_EXAMPLES


# ------------------------------------------------------------------------------------------------ lighteval


@functools.cache
def _le_corpus_fn(member):
    from lighteval.metrics.metrics import Metrics

    return getattr(Metrics, member).value


def _le_corpus(member, c):
    from lighteval.models.model_output import ModelResponse
    from lighteval.tasks.requests import Doc

    metric = _le_corpus_fn(member)
    items = []
    for p, refs in c:
        refs = [refs] if isinstance(refs, str) else list(refs)
        doc = Doc(query="", choices=refs, gold_index=list(range(len(refs))))
        resp = ModelResponse(text=[p], text_post_processed=[_think(p)])
        items.append(metric.sample_level_fn.prepare(doc=doc, model_response=resp))
    return float(metric.corpus_level_fn.compute_corpus(items))


LE_CORPUS = ["bleu", "chrf", "chrf_plus", "ter"]


@pytest.fixture(scope="module")
def _no_nltk_download():
    """lighteval's BLEU calls nltk.download('punkt_tab') (network; unused by sacrebleu): make it a no-op."""
    import nltk

    saved = nltk.download
    nltk.download = lambda *a, **k: True
    yield
    nltk.download = saved


@pytest.mark.parametrize("member", LE_CORPUS)
def test_lighteval_corpus_textgen(member, _no_nltk_download):
    alias = f"lighteval@0.13:{member}"
    m = em.get(alias)

    def ours(c):
        return m.compute([p for p, _ in c], [r for _, r in c]).score

    def oracle(c):
        return _le_corpus(member, c)

    hand, gen = HAND_CORPORA, _corpora()
    if member == "ter":  # lighteval scores the prediction with reasoning tags removed
        hand, gen = (_corpus_split(alias, m, x, lambda p, r: _ter_over(_think(p), r)) for x in (hand, gen))
        assert len(hand) < len(HAND_CORPORA)
    _compare(alias, LE, ours, oracle, hand)
    _compare(alias, LE, ours, oracle, gen, _corpus_weight)
    assert RESULTS[alias]["n"] >= N_EXAMPLES


LE_ROUGE = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
# over ROUGE-L's bound (1001 x 1000 tokens): refused by rougeL/rougeLsum, compared for rouge1/rouge2
ROUGE_LONG = [("x " * 1001, ["x " * 1000]), ("<think>" + "y " * 5000 + "</think>" + "x " * 1001, ["a", "x " * 1000])]


@functools.cache
def _rouge_inputs():
    hand = HARD_MULTI + [(p, _refs(r)) for c in HAND_CORPORA for p, r in c] + ROUGE_LONG
    gen = _gen(st.one_of(multi(), corpus(1).map(lambda c: (c[0][0], _refs(c[0][1])))))
    return hand + gen


@pytest.mark.parametrize("member", LE_ROUGE)
def test_lighteval_rouge(member):
    alias = f"lighteval@0.13:{member}"
    m = em.get(alias)

    def oracle(x):
        (v,) = O.lighteval_metric(member, x[1], [x[0]], text_post_processed=[_think(x[0])]).values()
        return v

    inputs = _rouge_inputs()
    if member in ("rougeL", "rougeLsum"):  # LCS: inputs over the bound leave the compared set, typed refusal
        over = [x for x in inputs if _rouge_over(_think(x[0]), x[1])]
        assert len(over) == len(ROUGE_LONG)
        for p, r in over:
            with pytest.raises(em.Timeout, match="quadratic_max"):
                m.score(p, r)
        inputs = [x for x in inputs if x not in over]
    _compare(alias, LE, lambda x: m.score(x[0], x[1]), oracle, inputs)
    assert RESULTS[alias]["n"] >= N_EXAMPLES


def test_corpus_runner_detects_a_wrong_layout():
    """Meta-test: lm_eval's reference layout is not lighteval chrF's; the runner must see the difference."""
    wrong = em.get("lighteval:chrf")
    multi_ref = [c for c in _corpora() if not isinstance(c[0][1], str)][:200]
    with pytest.raises(AssertionError, match="mismatches"):
        _compare("meta:wrong-layout", "-", lambda c: wrong.compute([p for p, _ in c], [r for _, r in c]).score,
                 lambda c: float(_lm()["chrf"]([[r, p] for p, r in c])), HAND_CORPORA + multi_ref)
    assert RESULTS.pop("meta:wrong-layout")["mismatches"] > 0


# ------------------------------------------------------------------------------------------------ G-Pass@k

G_CONFIGS = [{"k": 1}, {"k": 2, "n": 4}, {"k": 4, "n": 8}, {"k": 3}, {"k": 5, "n": 3}, {"k": 8, "n": 12},
             {"k": 2, "strip_strings": False}, {"k": 4, "normalize": "harness_triviaqa_normalizer"},
             {"k": 4, "n": 6, "normalize": "gsm8k_normalizer"}]
THRESHOLDS = [0.0, 0.25, 0.5, 0.75, 1.0, 0.3]


@st.composite
def g_case(draw):
    from test_string_aliases import samples_case

    samples, gold = draw(st.one_of(samples_case(), samples_case(gsm=True)))
    if draw(st.integers(0, 2)) == 0:  # many correct samples, so high thresholds are reached too
        samples = [gold if draw(st.booleans()) else s for s in samples]
    return samples, gold


G_HAND = [((["a"] * 4, "a"), {"k": 4}, 1.0), ((["a", "b"] * 4, "a"), {"k": 4, "n": 8}, 0.75),
          ((["", " a"], "a"), {"k": 2}, 0.5), ((["a"], "a"), {"k": 3}, 0.0)]


@functools.cache
def _g_inputs():
    """Shared by both G-Pass@k aliases, with lighteval's outcome: one call returns g-pass@k_t and mg-pass@k."""
    def oracle(x):
        (samples, gold), cfg, t = x
        return O.lighteval_metric("g_pass_at_k", [gold], samples, sample_params=dict(cfg, thresholds=[t]),
                                  text_post_processed=[_think(p) for p in samples])

    # each generated (samples, gold) case is checked under 4 seeded (configuration, threshold) pairs
    rng = random.Random(8)
    cases = _gen(g_case(), max(-(-N_EXAMPLES // 4), 1))
    inputs = G_HAND + [(c, rng.choice(G_CONFIGS), rng.choice(THRESHOLDS)) for c in cases for _ in range(4)]
    return inputs, [_call(oracle, x) for x in inputs]


@pytest.mark.parametrize("alias,value", [("lighteval@0.13:g_pass_at_k/g-pass@k_t", "g"),
                                         ("lighteval@0.13:g_pass_at_k/mg-pass@k", "mg")])
def test_lighteval_g_pass_at_k(alias, value):
    def ours(x):
        (samples, gold), cfg, t = x
        cfg = dict(cfg, threshold=t) if value == "g" else cfg
        return em.get(alias, **cfg).score(samples, gold)

    def key(x):
        (_, cfg, t) = x
        return f"g-pass@{cfg['k']}_{t}" if value == "g" else f"mg-pass@{cfg['k']}"

    inputs, outcomes = _g_inputs()
    expected = [o if o[0] == "raise" else ("ok", o[1][key(x)]) for x, o in zip(inputs, outcomes)]
    _compare(alias, LE, ours, expected, inputs)
    assert RESULTS[alias]["n"] >= N_EXAMPLES


# ------------------------------------------------------------------------------------------------ normalizers

ML_WORDS = st.sampled_from(["l'homme", "L'homme", "la", "La", "le", "les", "des", "un", "une", "el", "los", "o", "a",
                            "os", "um", "il", "gli", "der", "die", "das", "ein", "einem", "se", "yksi", "ὁ", "οἱ",
                            "τοῦ", "τῶν", "τό", "τά", "ἡ", "en", "ett", "det", "bir", "het", "een", "az", "egy", "els",
                            "ה", "unha", "the", "an", "theory", "lala", "l'", "d'un", "«", "»", "¿", "¡", "—", "…",
                            "·", "'", "-", "_", "$", "日本", "。", "、", "\u00a0", "\u200b", "x"])
ml_text = st.one_of(st.lists(ML_WORDS, max_size=8).flatmap(
    lambda ws: st.lists(st.sampled_from([" ", "", "-", "\n", "'", "."]), min_size=len(ws), max_size=len(ws)).map(
        lambda seps: "".join(w + s for w, s in zip(ws, seps)))), text)
LANGS = ["eng", "spa", "por", "ita", "fra", "deu", "fin", "ell", "nor", "swe", "tur", "nld", "hun", "cat", "heb",
         "glg"]


def test_lighteval_remove_articles():
    from lighteval.metrics.normalizations import remove_articles
    from lighteval.utils.language import Language

    alias = "lighteval@0.13:remove_articles"

    def ours(x):
        return em.get(alias, language=x[1]).apply(x[0])

    hand = [(w, lang) for w in ["l'homme", "la la", "τῶν τό", "the theory", "", "ה ה"] for lang in LANGS]
    check(alias, LE, ours, lambda x: remove_articles(x[0], Language(x[1])),
          st.tuples(ml_text, st.sampled_from(LANGS)), hand)


LE_STEPS = ["remove_punc", "helm_normalizer", "remove_braces", "remove_braces_and_strip", "bigbench_normalizer"]


@pytest.mark.parametrize("name", LE_STEPS)
def test_lighteval_normalizer_steps(name):
    alias = f"lighteval@0.13:{name}"
    step = em.get(alias)
    _compare(alias, LE, step.apply, lambda t: O.lighteval_normalize(name, t), _step_inputs())
    assert RESULTS[alias]["n"] >= N_EXAMPLES


@functools.cache
def _step_inputs():
    braces = st.sampled_from(["{x}", "{", "}", " {x} ", "{}}", "{{1}}", "a . b . c", " . "])
    return [p for p, _ in HARD_MULTI] + _gen(st.one_of(ml_text, text, braces))


# ------------------------------------------------------------------------------------------------ sample_params
# lighteval 0.13 exact_match with the normalizers added as sample_params names (math_normalizer, remove_punc).
# Counted under lighteval@0.13:exact_match, which test_string_aliases checks with its other configurations.

SP_CONFIGS = [{"normalize_gold": "math_normalizer", "normalize_pred": "math_normalizer"},
              {"normalize_gold": "math_normalizer", "normalize_pred": "math_normalizer", "strip_strings": False},
              {"normalize_gold": "remove_punc", "normalize_pred": "remove_punc"},
              {"normalize_pred": "remove_punc", "type_exact_match": "prefix"}]


def test_lighteval_exact_match_more_sample_params():
    from test_math_string_aliases import MULTI, math_multi

    alias = "lighteval@0.13:exact_match"

    def ours(x):
        (p, refs), cfg = x
        return em.get(alias, **cfg).score(p, refs)

    def oracle(x):
        (p, refs), cfg = x
        (v,) = O.lighteval_metric("exact_match", refs, [p], sample_params=cfg, text_post_processed=[_think(p)]).values()
        return v

    hand = [((p, r), cfg) for p, r in HARD_MULTI + MULTI for cfg in SP_CONFIGS]
    check(alias, LE, ours, oracle, st.tuples(st.one_of(math_multi(), multi(), ml_text.map(lambda t: (t, [t]))),
                                             st.sampled_from(SP_CONFIGS)), hand)


COVERED = ([f"lighteval@0.13:{n}" for n in LE_STEPS] + ["lighteval@0.13:remove_articles",
            "lighteval@0.13:g_pass_at_k/g-pass@k_t", "lighteval@0.13:g_pass_at_k/mg-pass@k"]
           + [f"lm_eval@0.4:{n}" for n in LM_TEXTGEN] + [f"lighteval@0.13:{n}" for n in LE_CORPUS]
           + [f"lighteval@0.13:{n}" for n in LE_ROUGE])


# ------------------------------------------------------------------------------------------------ rouge_t5, bleu_n
# rouge_t5 is one lighteval metric with four values (ROUGE(bootstrap=True), bigbench_normalizer on both sides);
# one lighteval call per input gives all four, shared by the four aliases.

LE_ROUGE_T5 = ["rouge1", "rouge2", "rougeL", "rougeLsum"]
T5_HAND = [("a . b . c", ["a . b", "x"]), ("first . second", ["first . second"]), (" . ", [" . ", ""]),
           ("<think>a . b</think>a . b", ["a . b"]), ("x", ["", "x"]), ("", ["a"])]


T5_FULL_BOOTSTRAP = 40  # inputs checked with rouge-score's own 1000 bootstrap resamples


@functools.cache
def _t5_inputs():
    """lighteval's outcomes. lighteval bootstraps each sample's single score (1000 resamples, about 0.2 s a call):
    every resample of one score is that score, so the number of resamples cannot change the value. The first
    T5_FULL_BOOTSTRAP inputs run with the default 1000 resamples; all of them again with 1, and a meta-check shows the
    value is the same both ways on those first inputs."""
    from rouge_score import scoring

    def oracle(x):
        return O.lighteval_metric("rouge_t5", x[1], [x[0]], text_post_processed=[_think(x[0])])

    inputs = T5_HAND + _rouge_inputs()
    full = [_call(oracle, x) for x in inputs[:T5_FULL_BOOTSTRAP]]
    init = scoring.BootstrapAggregator.__init__
    saved = init.__defaults__
    init.__defaults__ = (saved[0], 1)
    try:
        few = [_call(oracle, x) for x in inputs]
    finally:
        init.__defaults__ = saved
    assert few[:T5_FULL_BOOTSTRAP] == full, "the number of bootstrap resamples changed a single-score value"
    return inputs, full + few[T5_FULL_BOOTSTRAP:]


@pytest.mark.parametrize("value", LE_ROUGE_T5)
def test_lighteval_rouge_t5(value):
    alias = f"lighteval@0.13:rouge_t5/{value}"
    m = em.get(alias)
    inputs, outcomes = _t5_inputs()
    if value in ("rougeL", "rougeLsum"):  # LCS bound: typed refusal, left out of the compared set
        bigbench = em.get("lighteval:bigbench_normalizer").apply
        over = [i for i, x in enumerate(inputs) if _rouge_over(bigbench(_think(x[0])), [bigbench(x[1][0])])]
        assert len(over) == 1  # ROUGE_LONG[0]; ROUGE_LONG[1]'s long gold is not its first
        for i in over:
            with pytest.raises(em.Timeout, match="quadratic_max"):
                m.score(*inputs[i])
        inputs = [x for i, x in enumerate(inputs) if i not in over]
        outcomes = [o for i, o in enumerate(outcomes) if i not in over]
    expected = [o if o[0] == "raise" else ("ok", o[1][value]) for o in outcomes]
    _compare(alias, LE, lambda x: m.score(x[0], x[1]), expected, inputs)
    assert RESULTS[alias]["n"] >= N_EXAMPLES


def test_lighteval_drop_corpus_value_is_the_max():
    """Documented difference: lighteval aggregates drop em/f1 with max over samples; our Result.score is the mean
    and max(per_sample) is lighteval's value (the aliases' summaries say so)."""
    from lighteval.metrics.metrics import Metrics

    assert Metrics.drop.value.corpus_level_fn == {"em": max, "f1": max}
    for name in ("drop/em", "drop/f1"):
        assert "max over samples" in next(a.summary for a in _aliases() if a.key == f"lighteval@0.13:{name}")


def _aliases():
    from evalmetrics.registry import aliases

    return list(aliases().values())


@pytest.fixture(scope="module")
def _punkt():
    """nltk's word_tokenize needs the punkt_tab data, which the offline conformance environment may lack. If it is
    missing, a stand-in English model (no collocations or sentence starters, a few abbreviations) is put on nltk's
    path for both sides: the comparison then covers everything lighteval composes around nltk (golds, weights,
    reasoning removal, mean), with the same nltk tokenizer code on both sides."""
    import os
    import tempfile

    import nltk
    import nltk.tokenize as tok

    saved_download, added = nltk.download, None
    nltk.download = lambda *a, **k: True  # lighteval's BLEU downloads punkt_tab on every call
    try:
        nltk.data.find("tokenizers/punkt_tab/english/")
    except LookupError:
        added = tempfile.mkdtemp(prefix="punkt_tab_stub_")
        d = os.path.join(added, "tokenizers", "punkt_tab", "english")
        os.makedirs(d)
        for name, body in (("collocations.tab", ""), ("sent_starters.txt", ""), ("ortho_context.tab", ""),
                           ("abbrev_types.txt", "mr\ndr\ne.g\netc\nu.s\n")):
            with open(os.path.join(d, name), "w", encoding="utf-8") as f:
                f.write(body)
        nltk.data.path.append(added)
        tok._get_punkt_tokenizer.cache_clear()
    yield
    nltk.download = saved_download
    if added:
        nltk.data.path.remove(added)
        tok._get_punkt_tokenizer.cache_clear()


BLEU_HAND = [("Mr. Smith went to Washington. He said hi.", ["Mr. Smith went to Washington. He said hi."]),
             ("the cat sat on the mat", ["the cat sat on a mat", "a cat sat on the mat"]),
             ("It isn't \"quoted\" (really).", ["It is n't quoted really"]), ("", ["a"]), ("a", [""]), ("", [""]),
             ("a b c d e f", ["a b c d e f g h i j"]), ("e.g. this, etc.", ["e.g. this, etc."]),
             ("<think>a b c d</think>a b c d", ["a b c d"]), ("日本語 です。 はい。", ["日本語 です。"]),
             ("word " * 60, ["word " * 50, "word " * 70])]


@pytest.mark.parametrize("n", [1, 4])
def test_lighteval_bleu_n(n, _punkt):
    import warnings

    alias = f"lighteval@0.13:bleu_{n}"
    m = em.get(alias)

    def oracle(x):
        (v,) = O.lighteval_metric(f"bleu_{n}", x[1], [x[0]], text_post_processed=[_think(x[0])]).values()
        return v

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nltk warns for every order without a match
        _compare(alias, LE, lambda x: m.score(x[0], x[1]), oracle, BLEU_HAND + _rouge_inputs())
    assert RESULTS[alias]["n"] >= N_EXAMPLES


COVERED += ([f"lighteval@0.13:rouge_t5/{v}" for v in LE_ROUGE_T5]
            + ["lighteval@0.13:bleu_1", "lighteval@0.13:bleu_4"])


# ------------------------------------------------------------------------------------------------ multilingual
# MultilingualQuasiExactMatchMetric / MultilingualQuasiF1ScoreMetric (lighteval[multilingual]: spaCy, jieba, pyvi).

ML_LANGS = LANGS + ["zho", "vie", "rus", "ara", "hin", "ukr", "pol", "ron", "ind", "epo", "swa", "pus", "uzb", "yid",
                    "ace", "zul", "yue", "kat"]
ML_MORE = st.sampled_from(["我们", "北京大学", "是", "Tôi là sinh viên", "Hà Nội", "مرحبا", "الكتاب", "Привет, мир",
                           "हिन्दी", "don't", "U.S.", "e-mail", "'s", "1,000.5", "(x)", "—", "«oui»", "ქართული"])
ml_text2 = st.one_of(ml_text, st.lists(st.one_of(ML_WORDS, ML_MORE), max_size=8).map(" ".join))


@st.composite
def ml_case(draw):
    golds = draw(st.lists(ml_text2, min_size=1, max_size=3))
    kind = draw(st.integers(0, 3))
    pred = draw(st.sampled_from(golds)) if kind == 0 else draw(mutated(golds[0])) if kind == 1 else draw(ml_text2)
    return pred, golds, draw(st.sampled_from(ML_LANGS)), draw(st.sampled_from(["full", "prefix", "suffix"]))


ML_HAND = [(p, g, lang, mt) for p, g in [("L'homme, est là!", ["homme est là"]), ("l'homme est là", ["homme est là"]),
                                          ("我们是北京大学的学生", ["我们 是 北京大学"]), ("", [""]), ("x", ["", "x"]),
                                          ("Tôi là sinh viên.", ["tôi là sinh viên"]), ("Der Hund!", ["hund"])]
           for lang in ["fra", "zho", "vie", "deu", "eng", "ace"] for mt in ["full", "prefix"]]


@functools.cache
def _ml_metric(kind, lang, match_type):
    from lighteval.metrics.dynamic_metrics import MultilingualQuasiExactMatchMetric, MultilingualQuasiF1ScoreMetric
    from lighteval.utils.language import Language

    if kind == "em":
        return MultilingualQuasiExactMatchMetric(Language(lang), match_type)
    return MultilingualQuasiF1ScoreMetric(Language(lang))


def _ml_oracle(kind):
    def oracle(x):
        from lighteval.metrics import apply_metric
        from lighteval.models.model_output import ModelResponse
        from lighteval.tasks.requests import Doc

        pred, golds, lang, mt = x
        doc = Doc(query="", choices=list(golds), gold_index=list(range(len(golds))))
        resp = ModelResponse(text=[pred], text_post_processed=[_think(pred)])
        (out,) = apply_metric([resp], [doc], [_ml_metric(kind, lang, mt)])
        (v,) = out.values()
        return float(v)

    return oracle


@pytest.mark.parametrize("kind", ["em", "f1"])
def test_lighteval_multilingual(kind):
    pytest.importorskip("spacy")
    if kind == "em":
        alias = "lighteval@0.13:multilingual_quasi_exact_match"

        def ours(x):
            return em.get(alias, language=x[2], match_type=x[3]).score(x[0], x[1])
    else:
        alias = "lighteval@0.13:multilingual_quasi_f1_score"

        def ours(x):
            return em.get(alias, language=x[2]).score(x[0], x[1])

    check(alias, LE, ours, _ml_oracle(kind), ml_case(), ML_HAND)


def test_lighteval_multilingual_not_reproduced_languages_are_refused():
    """Stanza languages and Czech (lighteval asks spaCy for 'cz') are refused at construction, typed."""
    for lang in ("kaz", "cym", "ces"):
        with pytest.raises(em.InvalidConfig, match="does not reproduce"):
            em.get("lighteval:multilingual_quasi_exact_match", language=lang)
    with pytest.raises(Exception):  # and lighteval itself cannot score Czech
        _ml_oracle("em")(("a", ["a"], "ces", "full"))


def test_lighteval_multilingual_tokenizer_table_is_lightevals():
    """Our language -> spaCy code table is lighteval's TOKENIZER_FACTORY (the refused languages aside), and our
    language list is its Language enum; the generated inputs above cover a sample of the languages only."""
    pytest.importorskip("spacy")
    from lighteval.metrics.utils.linguistic_tokenizers import TOKENIZER_FACTORY
    from lighteval.utils.language import Language

    from evalmetrics.presets import lighteval as P

    assert P.LANGUAGES == {lang.value for lang in Language}
    theirs = {lang.value: getattr(f(), "spacy_language", None) for lang, f in TOKENIZER_FACTORY.items()}
    assert {k: v for k, v in theirs.items() if k not in P._NOT_REPRODUCED} == P._SPACY_BY_LANGUAGE
    assert {k for k, v in theirs.items() if v is None} | {"ces"} == set(P._NOT_REPRODUCED)


COVERED += ["lighteval@0.13:multilingual_quasi_exact_match", "lighteval@0.13:multilingual_quasi_f1_score"]


# ------------------------------------------------------------------------------------------------ HELM pass@k
# HELM's compute_reference_metrics with metric "pass": its code_eval (which runs the completion against the
# reference's tests) is replaced by a lookup of the flag we chose for each (reference, completion) pair; everything
# else (golds x completions, int(sum), pass_at_k_estimator, k = AdapterSpec.num_outputs, stat names) is HELM's.


@st.composite
def helm_flags_case(draw):
    n_golds, n_preds = draw(st.integers(1, 3)), draw(st.integers(1, 12))
    p_true = draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]))
    flags = [[draw(st.booleans()) if 0 < p_true < 1 else bool(p_true) for _ in range(n_preds)]
             for _ in range(n_golds)]
    return flags


def _helm_pass(flags):
    """HELM's stats for one instance whose (gold i, completion j) pair passes iff flags[i][j]."""
    import helm.benchmark.metrics.evaluate_reference_metrics as erm
    from helm.benchmark.adaptation.adapter_spec import AdapterSpec
    from helm.benchmark.adaptation.request_state import RequestState
    from helm.benchmark.scenarios.code_scenario import CodeReference
    from helm.benchmark.scenarios.scenario import CORRECT_TAG, Input, Instance, Output
    from helm.common.request import GeneratedOutput, Request, RequestResult

    n_preds = len(flags[0])
    instance = Instance(input=Input(text=""), references=[
        CodeReference(output=Output(text=f"g{i}"), tags=[CORRECT_TAG], test_cases={"flags": row})
        for i, row in enumerate(flags)])
    result = RequestResult(success=True, embedding=[], cached=False, completions=[
        GeneratedOutput(text=f"p{j}", logprob=0.0, tokens=[]) for j in range(n_preds)])
    state = RequestState(instance=instance, reference_index=None, request_mode=None, train_trial_index=0,
                         output_mapping=None, request=Request(), result=result, num_train_instances=0,
                         prompt_truncated=False)
    saved = erm.code_eval
    erm.code_eval = lambda gold, pred: float(gold[1]["flags"][int(pred[1:])])
    try:
        stats = erm.compute_reference_metrics(["pass"], AdapterSpec(num_outputs=n_preds), state, None)
    finally:
        erm.code_eval = saved
    return {s.name.name: float(s.mean) for s in stats}


HELM_FLAGS_HAND = [[[True]], [[False]], [[False, False]], [[True, False, False, False, False]],
                   [[False] * 5, [True] + [False] * 4], [[False, True]] * 3, [[True] * 12], [[False] * 12]]


@pytest.mark.parametrize("alias", ["helm@0.5:pass", "helm@0.5:pass@k"])
def test_helm_pass_at_k(alias):
    pytest.importorskip("helm")

    def ours(flags):
        n_preds = len(flags[0])
        m = em.get(alias) if alias.endswith(":pass") else em.get(alias, num_outputs=n_preds)
        return m.score([f for row in flags for f in row])

    def oracle(flags):
        n_preds = len(flags[0])
        return _helm_pass(flags)["pass" if alias.endswith(":pass") else f"pass@{n_preds}"]

    strategy = helm_flags_case()
    if alias.endswith("@k"):  # HELM reports pass@k only for num_outputs != 1
        strategy = strategy.filter(lambda f: len(f[0]) > 1)
    hand = [f for f in HELM_FLAGS_HAND if alias.endswith(":pass") or len(f[0]) > 1]
    check(alias, "crfm-helm==0.5.16", ours, oracle, strategy, hand)


def test_helm_pass_estimator_over_counts():
    """The estimator itself over (n, c, k) beyond one instance's shape, including k > n (HELM gives 1.0)."""
    from helm.benchmark.metrics.evaluate_reference_metrics import pass_at_k_estimator

    for n in range(1, 41):
        for c in range(n + 1):
            for k in (1, 2, 3, 5, 10, 16, 40, 50):
                flags = [True] * c + [False] * (n - c)
                assert em.PassAtKFromFlags(k=k).score(flags) == pass_at_k_estimator(n, c, k), (n, c, k)


COVERED += ["helm@0.5:pass", "helm@0.5:pass@k"]
