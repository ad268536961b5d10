"""lighteval 0.13's corpus perplexities and its extractive-match sampling rows, against lighteval's own objects.

* Perplexities: ``lighteval:word_perplexity`` / ``byte_perplexity`` / ``bits_per_byte`` / ``prediction_perplexity``
  / ``target_perplexity`` against the ``Metrics`` members themselves: lighteval's preparator
  (``PerplexityPreparator`` / ``TargetPerplexityPreparator``) ``.prepare(doc, model_response)`` on every document,
  then its ``CorpusLevelPerplexityMetric.compute_corpus``. Our side builds the records from the same ``Doc`` and
  ``ModelResponse`` with ``evalmetrics.integrations.lighteval.sample_inputs`` (lighteval's word and byte counts of
  the query, ``np.sum`` of the per-request log-probabilities) and runs the alias's ``compute``. The same per-sample
  log-likelihoods go to both sides; no model. Corpora: one document, empty queries and golds, whitespace-only and
  unicode text, ``original_query`` set or not, 1-12 log-probabilities per document (numpy's pairwise sum starts at
  8), 1-30 documents (numpy's pairwise mean; 40 hand-picked), zeros, -inf, huge values. Two documented differences
  are mapped in the oracle and asserted on their own: lighteval's ``math.exp`` raises OverflowError where evalmetrics gives +inf,
  and a corpus whose counts sum to 0 (every query empty, for bytes) makes lighteval divide a numpy float by 0
  (inf or nan) where evalmetrics raises InvalidInput.
* Classification: ``lighteval:mcc`` / ``loglikelihood_f1`` / ``multi_f1_numeric`` against ``Metrics.mcc`` /
  ``loglikelihood_f1`` / ``multi_f1_numeric``: ``LoglikelihoodPreparator.prepare`` per document, then
  ``MatthewsCorrCoef`` / ``CorpusLevelF1Score.compute_corpus`` (scikit-learn); ours from ``sample_inputs`` Choices.
  Corpora of 1-40 documents with 2-4 choices, ties, -inf, golds as an index or a list (of one, or several: lighteval
  fails on ragged golds and evalmetrics refuses; the single-token preparator of mf1 keeps the first gold, the one
  documented difference), one-class corpora.
* Task rows: the lighteval task reader's metric for each shipped row that scores samples with
  ``MultilingualExtractiveMatchMetric`` (aime24/25 pass@k and avg@n, math_500, gpqa:diamond, mmlu_redux_2, the
  aime _gpassk G-Pass@k values) against that task's own metric object (``sample_level_fn.compute``) on the inputs
  of test_lighteval_math_aliases (whose aliases these IDs are); the shipped configs read back as those aliases' IDs.

    PYTHONPATH=. ~/.cache/evalmetrics-conformance/harness/bin/python -m pytest -o addopts="" \\
        tests/conformance/test_lighteval_corpus_sampling.py
"""
from __future__ import annotations

import copy
import functools
import math
import random
import string
import warnings

import pytest
from hypothesis import strategies as st

pytest.importorskip("lighteval")

import numpy as np  # noqa: E402

import evalmetrics as em  # noqa: E402
from _diff import N_EXAMPLES, _same, check, text  # noqa: E402
from evalmetrics.errors import InvalidInput  # noqa: E402
from evalmetrics.integrations.lighteval import perplexity_record, sample_inputs  # noqa: E402
from evalmetrics.integrations.lighteval_tasks import read_lighteval_task  # noqa: E402

from lighteval.metrics.metrics import Metrics  # noqa: E402
from lighteval.models.model_output import ModelResponse  # noqa: E402
from lighteval.tasks.requests import Doc  # noqa: E402

LE = "lighteval==0.13.0"

# alias name = the Metrics member it reproduces
PERPLEXITIES = ["word_perplexity", "byte_perplexity", "bits_per_byte", "prediction_perplexity", "target_perplexity"]
CLASSIFICATION = ["mcc", "loglikelihood_f1", "multi_f1_numeric"]
COVERED = [f"lighteval:{name}" for name in PERPLEXITIES + CLASSIFICATION]
# Task-row checks compare the reader's metric with a task's own metric object; their counts are printed (run with
# -rP), not recorded: verified.json records aliases, and these IDs are aliases' (test_lighteval_math_aliases).
TASK_ROWS: dict = {}

# ------------------------------------------------------------------------------------------------ inputs

LOGPROB = st.one_of(
    st.floats(min_value=-50.0, max_value=0.0, allow_nan=False),
    st.floats(min_value=-1e6, max_value=0.0, allow_nan=False),
    st.sampled_from([0.0, -0.0, -1e-300, -5e-324, -1.0, -0.1, -0.7, -800.0, -1e300, -math.inf]),
)
LONG = st.builds(lambda parts, sep: sep.join(parts), st.lists(text, max_size=12), st.sampled_from([" ", "\n", "  "]))
QUERY = st.one_of(text, text, LONG, st.sampled_from(["", " ", "\n\t ", "a", "é", "日本語", " a  b "]))


@st.composite
def document(draw):
    """(query, original_query or None, golds, per-request log-probabilities) of one document."""
    query = draw(QUERY)
    original = draw(st.one_of(st.none(), QUERY))
    golds = draw(st.lists(text, min_size=1, max_size=3))
    logprobs = draw(st.lists(LOGPROB, min_size=1, max_size=12))
    return query, original, golds, logprobs


CORPUS = st.lists(document(), min_size=1, max_size=30)

HAND = [
    [("", None, ["x"], [-1.0])],                                          # one empty document: 0 bytes
    [("", None, ["x"], [0.0]), ("", "", [""], [-2.0])],                    # every count 0 (bytes)
    [("a b", None, ["a"], [-1.0])],
    [("a", None, ["a"], [-800.0])],                                       # exp overflows in lighteval
    [(" a  b ", "  ", ["a", "b"], [-0.1] * 9)],                            # 9 terms: numpy's pairwise sum
    [("q", None, ["g"], [-0.1 * i for i in range(20)])],
    [("q", None, ["g"], [-math.inf]), ("r", None, ["g"], [-1.0])],
    [("q", None, ["g"], [-1e300, -1e300])],
    [(f"doc {i}", None, ["g"], [-0.3 * (i % 7) - 0.01]) for i in range(40)],  # 40 documents: numpy's pairwise mean
    [("日本語 テキスト", "原文", ["ゴールド"], [-3.5, -0.25])],
]


def _corpus(x):
    """Lighteval's Doc and ModelResponse for each document of ``x``."""
    out = []
    for query, original, golds, logprobs in x:
        doc = Doc(query=query, choices=list(golds), gold_index=list(range(len(golds))), original_query=original)
        out.append((doc, ModelResponse(logprobs=list(logprobs))))
    return out


def _lighteval(member: str):
    """lighteval's corpus value of ``Metrics.<member>`` on a corpus; the two documented differences mapped."""
    metric = getattr(Metrics, member).value

    def run(x):
        items = [metric.sample_level_fn.prepare(doc=d, model_response=r) for d, r in _corpus(x)]
        if metric.corpus_level_fn.metric_type != "perplexity" and sum(i.weights for i in items) == 0:
            raise ZeroDivisionError("the counts sum to 0 (lighteval: inf or nan; evalmetrics: InvalidInput)")
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                return float(metric.corpus_level_fn.compute_corpus(items))
            except OverflowError:  # math.exp; evalmetrics gives +inf
                return math.inf

    return run


def _ours(name: str):
    m = em.get(f"lighteval:{name}")

    def run(x):
        return m.compute([sample_inputs(m, d, r)[0] for d, r in _corpus(x)]).score

    return run


# ------------------------------------------------------------------------------------------------ perplexities


@functools.cache
def corpora():
    """The hand-picked corpora, then N_EXAMPLES generated ones (drawn once, shared by the five aliases)."""
    from test_lighteval_extra import _gen

    return HAND + _gen(CORPUS, N_EXAMPLES)


@pytest.mark.parametrize("name", PERPLEXITIES)
def test_perplexity(name):
    check(f"lighteval@0.13:{name}", LE, _ours(name), _lighteval(name), None, corpora(), n=0)


def test_target_perplexity_counts_the_golds_and_ignores_them():
    """TargetPerplexityPreparator counts the golds joined by spaces; the perplexity aggregation does not read the
    counts: the records of ``perplexity_record(counted="golds")`` carry lighteval's counts, and the value is the same
    from either record."""
    prep = Metrics.target_perplexity.value.sample_level_fn
    rng = random.Random(5)
    for i in range(300):
        golds = ["".join(rng.choice(" ab\né日\t") for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(1, 3))]
        doc = Doc(query="q", choices=golds, gold_index=list(range(len(golds))))
        resp = ModelResponse(logprobs=[-rng.random() * 5 for _ in range(rng.randint(1, 12))])
        item = prep.prepare(doc=doc, model_response=resp)
        rec = perplexity_record(doc, resp, counted="golds")
        assert rec["n_words"] == item.weights, (golds, rec, item)
        assert rec["logprob"] == float(item.logprobs)
        bytes_prep = type(prep)(units_type="bytes")
        assert rec["n_bytes"] == bytes_prep.prepare(doc=doc, model_response=resp).weights


def test_documented_differences():
    """The two mapped differences, asserted as they are: overflow (+inf here, OverflowError in lighteval) and a
    corpus whose counts sum to 0 (InvalidInput here, a numpy division by 0 there)."""
    x = [("a", None, ["a"], [-800.0])]
    with pytest.raises(OverflowError):
        metric = Metrics.word_perplexity.value
        metric.corpus_level_fn.compute_corpus([metric.sample_level_fn.prepare(doc=d, model_response=r)
                                               for d, r in _corpus(x)])
    assert _ours("word_perplexity")(x) == math.inf
    assert _ours("prediction_perplexity")(x) == math.inf
    empty = [("", None, ["x"], [-1.0])]
    metric = Metrics.byte_perplexity.value
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        got = metric.corpus_level_fn.compute_corpus([metric.sample_level_fn.prepare(doc=d, model_response=r)
                                                     for d, r in _corpus(empty)])
    assert math.isinf(got)
    with pytest.raises(InvalidInput, match="sum to 0"):
        _ours("byte_perplexity")(empty)


def test_numpy_mean_is_not_the_left_to_right_mean():
    """The summation parameter is real: on these 40 values numpy's pairwise mean and the left-to-right mean differ
    in the last bit, and lighteval's value is numpy's."""
    rng = random.Random(0)
    values = [-rng.random() * 10 for _ in range(40)]
    x = [(f"d{i}", None, ["g"], [v]) for i, v in enumerate(values)]
    lighteval_value = _lighteval("prediction_perplexity")(x)
    numpy_side = _ours("prediction_perplexity")(x)
    left = em.get("lm_eval:perplexity").compute(values).score
    assert numpy_side == lighteval_value
    assert left != lighteval_value


# ------------------------------------------------------------------------------------------------ classification

LP = st.one_of(st.sampled_from([-0.5, -1.0, -2.0, -math.inf]), st.floats(min_value=-30.0, max_value=0.0))


@st.composite
def mc_document(draw, n_choices=None):
    """(gold index or list of gold indices, per-choice log-probabilities): ties and one-class corpora are common."""
    n = n_choices or draw(st.integers(2, 4))
    logprobs = draw(st.lists(LP, min_size=n, max_size=n))
    kind = draw(st.integers(0, 19))
    if kind == 0:  # several golds (lighteval: ragged golds fail; the single-token preparator keeps the first)
        gold = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=n, unique=True))
    elif kind <= 4:
        gold = [draw(st.integers(0, n - 1))]
    else:
        gold = draw(st.integers(0, n - 1))
    return gold, logprobs


@st.composite
def mc_corpus(draw, n_choices=None):
    docs = draw(st.lists(mc_document(n_choices), min_size=1, max_size=40))
    if draw(st.integers(0, 4)) == 0:  # one class only (every document has at least 2 choices)
        c = draw(st.integers(0, 1))
        docs = [(c, lps) for _, lps in docs]
    return docs


MC_HAND = [[(0, [-1.0, -2.0])], [(1, [-1.0, -1.0])], [(0, [-1.0, -2.0]), (0, [-3.0, -2.0])],
           [(1, [-2.0, -1.0])] * 5, [([1], [-2.0, -1.0]), (0, [-1.0, -2.0]), ([0], [-1.0, -1.0])],
           [([0, 1], [-1.0, -2.0]), (1, [-1.0, -2.0])], [(2, [-1.0, -2.0, -0.5]), (0, [-1.0, -2.0, -3.0])],
           [(i % 3, [-1.0, -1.0 - (i % 2), -0.9]) for i in range(30)]]


def _mc_pairs(x):
    out = []
    for gold, logprobs in x:
        doc = Doc(query="q", choices=[f" c{i}" for i in range(len(logprobs))], gold_index=gold)
        out.append((doc, ModelResponse(logprobs=list(logprobs))))
    return out


def _lighteval_mc(member):
    metric = getattr(Metrics, member).value

    def run(x):
        if metric.sample_level_fn.is_single_token and any(isinstance(g, list) and len(g) > 1 for g, _ in x):
            raise ValueError("several golds: lighteval keeps the first, evalmetrics refuses (documented)")
        items = [metric.sample_level_fn.prepare(doc=d, model_response=r) for d, r in _mc_pairs(x)]
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return float(metric.corpus_level_fn.compute_corpus(items))

    return run


def _ours_mc(name):
    m = em.get(f"lighteval:{name}")

    def run(x):
        return m.compute([sample_inputs(m, d, r)[0] for d, r in _mc_pairs(x)], bootstrap_iters=0).score

    return run


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification(name):
    pytest.importorskip("sklearn")
    strategy = mc_corpus(3) if name == "multi_f1_numeric" else mc_corpus()
    check(f"lighteval@0.13:{name}", LE, _ours_mc(name), _lighteval_mc(name), strategy, MC_HAND)


def test_single_token_several_golds_is_refused():
    """multi_f1_numeric's documented difference: lighteval keeps a document's first gold, evalmetrics refuses."""
    x = [([0, 1], [-1.0, -2.0, -3.0]), (1, [-1.0, -2.0, -3.0])]
    metric = Metrics.multi_f1_numeric.value
    items = [metric.sample_level_fn.prepare(doc=d, model_response=r) for d, r in _mc_pairs(x)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert isinstance(float(metric.corpus_level_fn.compute_corpus(items)), float)
    with pytest.raises(InvalidInput, match="gold"):
        _ours_mc("multi_f1_numeric")(x)


def test_classification_stderr_is_lm_evals_bootstrap():
    """The Result's stderr is lm_eval's bootstrap (named), as for lm_eval:mcc; lighteval's own number is the score."""
    x = [(i % 2, [-1.0, -1.5 + (i % 3)]) for i in range(30)]
    m = em.get("lighteval:mcc")
    r = m.compute([sample_inputs(m, d, resp)[0] for d, resp in _mc_pairs(x)], bootstrap_iters=1000)
    assert r.score == _lighteval_mc("mcc")(x)
    assert "bootstrap" in r.stderr_method and r.stderr > 0


# ------------------------------------------------------------------------------------------------ task rows


def test_shipped_corpus_rows_read_as_the_aliases():
    expect = {("the_pile:arxiv", "word_perplexity"): "word_perplexity",
              ("the_pile:arxiv", "byte_perplexity"): "byte_perplexity",
              ("the_pile:arxiv", "bits_per_byte"): "bits_per_byte",
              ("bold", "ppl"): "prediction_perplexity",
              ("lambada:standard", "ppl"): "target_perplexity",
              ("glue:cola", "mcc"): "mcc",
              ("glue:mrpc", "loglikelihood_f1"): "loglikelihood_f1",
              ("super_glue:cb", "mf1"): "multi_f1_numeric"}
    for (task, row), alias in expect.items():
        r = read_lighteval_task(task).get(row)
        assert r.id == em.get(f"lighteval:{alias}").id, (task, row, r.id, r.reason)
        assert f"lighteval:{alias}" in r.same_as


# The shipped rows scored by MultilingualExtractiveMatchMetric inside a sampling metric: task -> {row: alias and
# the parameters the task sets}.
SAMPLING_ROWS = {
    "aime24": {"pass@k:k=1": ("pass_at_k_math", {"k": 1}), "avg@n:n=1": ("avg_at_n_math", {"n": 1})},
    "aime25": {"pass@k:k=1&n=1": ("pass_at_k_math", {"k": 1, "n": 1}), "avg@n:n=1": ("avg_at_n_math", {"n": 1})},
    "math_500": {"pass@k:k=1&n=1": ("pass_at_k_math", {"k": 1, "n": 1})},
    "gpqa:diamond": {"gpqa_pass@k:k=1": ("gpqa_instruct_pass_at_k", {"k": 1})},
    "mmlu_redux_2:anatomy": {"pass@k:k=1": ("pass_at_k_letters", {"k": 1})},
    "aime24_gpassk": {
        **{f"math_g-pass@16_{t}": ("g_pass_at_k_math/math_g-pass@k_t", {"k": 16, "n": 48, "threshold": t})
           for t in (0.0, 0.25, 0.5, 0.75, 1.0)},
        "mmath_g-pass@16": ("g_pass_at_k_math/mmath_g-pass@k", {"k": 16, "n": 48}),
    },
}


def test_shipped_sampling_rows_read_as_the_aliases():
    for task, rows in SAMPLING_ROWS.items():
        reading = read_lighteval_task(task)
        for row, (alias, params) in rows.items():
            r = reading.get(row)
            assert r.id == em.get(f"lighteval:{alias}", **params).id, (task, row, r.id, r.reason)


def test_indices_without_a_fixed_choice_count_are_not_read():
    """mmlu_pro's documents have up to ten choices, not always ten: no single n_choices reproduces it."""
    r = read_lighteval_task("mmlu_pro").get("extractive_match")
    assert r.id is None and "len(Doc.choices)" in r.reason


def _task_fn(task, row):
    """The sample-level function behind ``row`` of lighteval's own task config (a fresh copy)."""
    from evalmetrics.integrations.lighteval_tasks import _lookup

    (cfg,), _ = _lookup(task)
    for m in cfg.metrics:
        names = m.metric_name if isinstance(m.metric_name, list) else [m.metric_name]
        if row in names:
            return copy.deepcopy(m.sample_level_fn)
    raise KeyError(row)


def _reader_metric(task, row):
    from evalmetrics.integrations.lighteval_tasks import _lookup, _read_config

    (cfg,), _ = _lookup(task)
    rid = _read_config(cfg).get(row).id
    return em.get(rid)


def _math_questions(n_samples, count):
    """(samples, [gold]) questions drawn from test_lighteval_math_aliases' math cases (hand-picked first)."""
    from test_lighteval_math_aliases import math_inputs

    base = math_inputs()
    rng = random.Random(31)
    out = []
    for i in range(count):
        pred, golds = base[i % len(base)]
        samples = [pred] + [rng.choice(base)[0] if rng.random() < 0.5 else golds[0] for _ in range(n_samples - 1)]
        out.append((samples, golds[:1]))
    return out


def _compare(label, got, expected, inputs):
    stats = TASK_ROWS.setdefault(label, {"n": 0, "mismatches": 0, "examples": []})
    for x, a, b in zip(inputs, got, expected):
        stats["n"] += 1
        if not _same(a, b):
            stats["mismatches"] += 1
            if len(stats["examples"]) < 5:
                stats["examples"].append({"input": repr(x)[:1500], "evalmetrics": repr(a), "reference": repr(b)})
    print(f"{label}: {stats['n']} inputs, {stats['mismatches']} mismatches ({LE})")
    assert stats["mismatches"] == 0, f"{label}: {stats['mismatches']} mismatches of {stats['n']}: {stats['examples']}"


def _compare_task_row(task, row, inputs, doc, value=None):
    from test_lighteval_math_aliases import _both, _resp

    ours_metric = _reader_metric(task, row)

    def ref(x):
        fn = _task_fn(task, row)  # a fresh copy per question: lighteval's n=None is set by the first question
        out = fn.compute(doc=doc(x), model_response=_resp(x[0]))
        return out[value] if value is not None else out

    def ours(x):
        return ours_metric.score(x[0], x[1])

    _compare(f"task row {task} {row}", *_both(ours, ref, inputs), inputs)


ROW_QUESTIONS = max(N_EXAMPLES // 10, 50)


@pytest.mark.parametrize("task,row,n_samples", [("aime24", "pass@k:k=1", 2), ("aime24", "avg@n:n=1", 2),
                                                ("aime25", "pass@k:k=1&n=1", 1), ("math_500", "pass@k:k=1&n=1", 3)])
def test_math_task_rows_against_the_task_metric(task, row, n_samples):
    from test_lighteval_math_aliases import _doc

    _compare_task_row(task, row, _math_questions(n_samples, ROW_QUESTIONS), lambda x: _doc(x[1]))


def test_gpassk_task_rows_against_the_task_metric():
    """aime24_gpassk: 48 samples per question (a pool of few distinct texts, so that c varies), every value."""
    from test_lighteval_math_aliases import _both, _doc, _resp, math_inputs

    base = math_inputs()
    rng = random.Random(47)
    inputs = []
    for i in range(max(ROW_QUESTIONS // 25, 20)):  # 48 samples each: ~4 s per question on one core
        pred, golds = base[i % len(base)]
        pool = [pred, golds[0], rng.choice(base)[0]]
        inputs.append(([rng.choice(pool) for _ in range(48)], golds[:1]))
    rows = SAMPLING_ROWS["aime24_gpassk"]
    ours = {row: _reader_metric("aime24_gpassk", row) for row in rows}

    def ref(x):
        fn = _task_fn("aime24_gpassk", "mmath_g-pass@16")
        out = fn.compute(doc=_doc(x[1]), model_response=_resp(x[0]))
        return tuple(float(out[row]) for row in rows)

    got, expected = _both(lambda x: tuple(ours[row].score(x[0], x[1]) for row in rows), ref, inputs)
    _compare("task row aime24_gpassk (every value)", got, expected, inputs)


@pytest.mark.parametrize("task,row", [("gpqa:diamond", "gpqa_pass@k:k=1"), ("mmlu_redux_2:anatomy", "pass@k:k=1")])
def test_letter_task_rows_against_the_task_metric(task, row):
    from test_lighteval_math_aliases import _doc, letter_inputs

    rng = random.Random(17)
    base = [x for x in letter_inputs() if x[2] == 4]
    inputs = []
    for pred, gold, _n in base[: max(N_EXAMPLES // 5, 100)]:
        samples = [pred] + [rng.choice(base)[0] for _ in range(rng.choice([0, 0, 1, 3]))]
        inputs.append((samples, gold))
    _compare_task_row(task, row, inputs, lambda x: _doc(None, 4, string.ascii_uppercase.index(x[1])))
