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
