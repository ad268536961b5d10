"""Streaming `score`: chunked scoring equals scoring every row at once (bit for bit, over the whole catalog), the
details file survives a kill at any byte, and a resumed run equals an uninterrupted one without recomputing."""
from __future__ import annotations

import json
import math
import os
import random
import signal
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import evalmetrics as em
from evalmetrics.cli import main
from evalmetrics.metrics.sampling import _SamplingMetric
from evalmetrics.registry import aliases, is_versioned
from evalmetrics.result import mean_and_stderr
from evalmetrics.streaming import _chunk_args, details_line, mean_and_stderr_chunked, score_rows, state_path
from evalmetrics.units import UNITS

# Every metric the catalog can name (aliases at their example configuration, each metric class's example):
# built from the registry, so units added later are covered without editing this list.
METRICS = {k: a.make_example() for k, a in sorted(aliases().items()) if is_versioned(k)}
METRICS.update({c.name: c.example() for c in UNITS.values() if c.kind == "metric"})
METRICS = {k: m for k, m in METRICS.items() if isinstance(m, em.Metric)}

TEXTS = ["The answer is 1,072.", " Paris ", "the Eiffel-Tower", "1.5 yards", "A and B.", "", "İx", "日本", "#### 42",
         "\\boxed{\\frac{1}{2}}", "$x^2$", "(B)", "yes", "No.", "ANSWER: c", "3 apples and 2 pears", "0.50", "1/2",
         "The final answer is $\\boxed{7}$", "Mixed CASE Text with Ümlauts", "a b c d e f", "42"]


def _kind(m):
    if isinstance(m, _SamplingMetric):
        return "sampling"
    if m.request_type == "pass_fail_flags":  # pass@k from test results: the prediction column holds flags
        return "flags"
    if m.request_type in ("loglikelihood", "loglikelihood_rolling"):  # perplexities: log-likelihood records
        return "logprob"
    return "choice" if m.request_type == "multiple_choice" else "text"


def _rows(kind: str, n: int, seed: int = 0) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        if kind == "choice":
            k = rnd.randint(1, 4)
            out.append({"logprobs": [rnd.choice([-0.5, -1.0, -2.25, rnd.uniform(-9, 0)]) for _ in range(k)],
                        "gold": rnd.randrange(k), "texts": [rnd.choice(TEXTS[1:]) or "x" for _ in range(k)],
                        "token_counts": [rnd.randint(1, 5) for _ in range(k)],
                        "unconditioned_logprobs": [rnd.uniform(-9, 0) for _ in range(k)],
                        "is_greedy": [rnd.random() < 0.3 for _ in range(k)]})
            continue
        if kind == "logprob":
            text = rnd.choice(TEXTS)
            out.append({"logprob": -rnd.uniform(0, 40), "n_words": len(text.split()) + 1,
                        "n_bytes": len(text.encode()) + 1, "n_tokens": rnd.randint(1, 9)})
            continue
        if kind == "flags":
            out.append({"prediction": [rnd.random() < 0.4 for _ in range(rnd.randint(1, 6))], "references": ""})
            continue
        # references: a string, or lists of several lengths and cases (batch-dependent steps see one list)
        refs = rnd.choice([rnd.choice(TEXTS), [rnd.choice(TEXTS) for _ in range(rnd.randint(1, 3))],
                           [t.upper() for t in rnd.sample(TEXTS, 2)]])
        if kind == "sampling":
            out.append({"prediction": [rnd.choice(TEXTS) for _ in range(rnd.randint(1, 4))], "references": refs})
        else:
            out.append({"prediction": rnd.choice(TEXTS), "references": refs})
    return out


# ------------------------------------------------------------------------------------ rows each metric can score
# The generic rows above are plain (prediction, references) text, Choices of 1-4 choices, log-likelihood records or
# pass/fail flags. Metrics whose samples are shaped otherwise get their own row generator here, by metric class name:
# (metric, random.Random) -> one valid row, the per-sample context (document, group key) included.

_IFEVAL = [("punctuation:no_comma", {}), ("startend:quotation", {}), ("detectable_format:title", {}),
           ("keywords:existence", {"keywords": ["paris"]}), ("detectable_content:number_placeholders",
                                                             {"num_placeholders": 1}),
           ("length_constraints:number_words", {"num_words": 3, "relation": "at least"})]
_IFEVAL_OUTPUTS = ['"Paris, [city] <<Title>>"', "paris is big", "<<A title>> with [one] placeholder", "", "no",
                   '"quoted"', "Paris\n\nthe capital"]
_EMOTIONS = ("Joy", "Anger", "Fear", "Sadness", "Surprise")


def _texts(rnd, k=None):
    return [rnd.choice(TEXTS) for _ in range(k or rnd.randint(1, 3))]


def _choice_row(rnd, k: int, gold) -> dict:
    return {"logprobs": [rnd.choice([-0.5, -1.0, -2.25, rnd.uniform(-9, 0)]) for _ in range(k)], "gold": gold,
            "texts": [rnd.choice(TEXTS[1:]) or "x" for _ in range(k)]}


def _emotion_row(m, rnd):
    names = rnd.sample(_EMOTIONS, 4)
    ref = {**{f"emotion{i + 1}": e for i, e in enumerate(names)},
           **{f"emotion{i + 1}_score": rnd.randint(0, 10) for i in range(4)}}
    said = rnd.sample(_EMOTIONS, 4) if rnd.random() < 0.3 else names
    pred = "\n".join(f"{e}: {rnd.randint(0, 10)}" for e in said[:rnd.choice([3, 4, 4, 4])])
    return {"prediction": pred, "references": rnd.choice([ref, repr(ref)])}


def _ifeval_row(m, rnd):
    chosen = rnd.sample(_IFEVAL, rnd.randint(1, 3))
    return {"prediction": rnd.choice(_IFEVAL_OUTPUTS),
            "references": {"instruction_id_list": [i for i, _ in chosen], "kwargs": [k for _, k in chosen]}}


def _sampling_row(m, rnd):
    """Several outputs and one reference (lighteval's pass@k, g-pass@k and maj@n take exactly one); at least the
    ``n`` and ``k`` the metric reads."""
    least = max(getattr(m, "n", None) or 1, getattr(m, "k", None) or 1)
    return {"prediction": _texts(rnd, least + rnd.randint(0, 3)), "references": rnd.choice(TEXTS)}


def _generic_text(m, rnd):
    return _rows("text", 1, rnd.randrange(1 << 30))[0]


def _text_with(refs):
    return lambda m, rnd: {"prediction": rnd.choice(TEXTS), "references": refs(rnd)}


ROWS = {
    "AnswerContrast": _text_with(lambda rnd: {"correct": _texts(rnd), "incorrect": _texts(rnd)}),
    "InstructionFollowing": _ifeval_row,
    "EmotionRatings": _emotion_row,
    # math answers: the reference is a solution whose last \boxed{...} is the answer
    "MathStringEquiv": _text_with(lambda rnd: f"so it is $\\boxed{{{rnd.choice(['7', '42', '0.50', '1/2'])}}}$."),
    "SympySimplifyEquiv": _text_with(lambda rnd: f"\\boxed{{{rnd.choice(['7', '42', '0.5', 'x^2'])}}}"),
    # longbench's retrieval: each answer names its paragraph ("Paragraph N", "段落N")
    "MatchShare": _text_with(lambda rnd: [f"Paragraph {n}, 段落{n}" for n in rnd.sample(range(1, 30), 2)]),
    # metrics of one reference (edit distances), and means of them
    "CharEditDistance": _text_with(lambda rnd: rnd.choice([rnd.choice(TEXTS), [rnd.choice(TEXTS)]])),
    "CharEditSimilarity": _text_with(lambda rnd: rnd.choice([rnd.choice(TEXTS), [rnd.choice(TEXTS)]])),
    "PairwiseMean": lambda m, rnd: ROWS.get(type(m.metric).__name__, _generic_text)(m.metric, rnd),
    "MajorityVote": _sampling_row, "PassAtK": _sampling_row, "GPassAtK": _sampling_row, "MGPassAtK": _sampling_row,
    # multiple choice with a fixed shape: pairs, one array of probabilities, binary labels, golds that leave a rest
    "PairPreference": lambda m, rnd: _choice_row(rnd, 2, rnd.randrange(2)),
    "PairGap": lambda m, rnd: _choice_row(rnd, 2, rnd.randrange(2)),
    "ClassificationF1": lambda m, rnd: _choice_row(rnd, 2, rnd.randrange(2)),
    "BrierScore": lambda m, rnd: _choice_row(rnd, 4, rnd.randrange(4)),
    "LogMassRatio": lambda m, rnd: _choice_row(rnd, 4, rnd.sample(range(4), rnd.randint(1, 3))),
    "ProbabilityMass": lambda m, rnd: _choice_row(rnd, (k := rnd.randint(2, 4)), list(range(rnd.randint(1, k - 1)))),
    # a per-sample context column: the sample's document, or its group key
    "WithDocument": lambda m, rnd: {"prediction": rnd.choice(["#### 2", "the answer is Paris", "#### 1,0", "(B)"]),
                                    "references": rnd.choice(["(A)", "(B)", ["(B)", "2"]]),
                                    "document": {"choices": rnd.sample(["Rome", "Paris", "2", "1,0"], 3)}},
    "ChoiceAnswerMatch": lambda m, rnd: {
        "prediction": rnd.choice(["ANSWER: B", "I think... ANSWER: a", "**C**", "ANSWER: A, C", "ANSWER: AC", "no"]),
        "references": rnd.choice(["A", "B", ["A", "C"]]), "document": {"choices": rnd.sample(TEXTS, 3)}},
    # BBQ documents (bias_score, choice_bias_score): the answer picked from the output or the 12 log-likelihoods
    "BiasScore": lambda m, rnd: {"prediction": rnd.choice(["old", "the grandson", "unknown", "nonold", "", "x"]),
                                 "document": _bbq_doc(rnd)},
    "ChoiceBiasScore": lambda m, rnd: {**_choice_row(rnd, 12, 0), "document": _bbq_doc(rnd)},
    "MacroMean": lambda m, rnd: {"prediction": rnd.choice(TEXTS), "references": _texts(rnd),
                                 "group": rnd.choice(["law", "math", 3, 7])},
    # SQuAD v2.0: answers as a string, a list or the answers mapping ({"text": []}: no answer)
    "AnswerableMean": _text_with(lambda rnd: rnd.choice([rnd.choice(TEXTS), _texts(rnd), {"text": []},
                                                         {"text": _texts(rnd), "answer_start": [0]}])),
    "BestNoAnswerThreshold": lambda m, rnd: {
        "prediction": rnd.choice(TEXTS), "references": rnd.choice([_texts(rnd), {"text": []}]),
        "no_answer_logprob": rnd.choice([0.0, -1.0, -2.5, rnd.uniform(-20, 0), -float("inf")])},
    "ConsistencyRate": lambda m, rnd: {"prediction": rnd.choice(["A", "B", "(A)", "c"]), "group": rnd.randrange(9)},
    "AllCorrectPerGroup": lambda m, rnd: {**_choice_row(rnd, 2, rnd.randrange(2)),
                                          "group": [rnd.randrange(3), rnd.randrange(4)]},
}


def _bbq_doc(rnd) -> dict:
    return {"ans0": "The grandfather", "ans1": "The grandson", "ans2": "Unknown", "label": rnd.randrange(3),
            "context_condition": rnd.choice(["ambig", "disambig"]), "category": rnd.choice(["Age", "SES"]),
            "biased_answers": rnd.choice([[], ["The grandfather"], ["The grandson"]]), "ans0_groups": ["old"],
            "ans1_groups": ["nonold"], "ans2_groups": ["unknown"]}


def _metric_rows(m, n: int, seed: int = 0) -> list[dict]:
    """``n`` rows ``m`` can score: its own generator's, or the generic rows of its kind."""
    make = ROWS.get(type(m).__name__)
    if make is None:
        return _rows(_kind(m), n, seed)
    rnd = random.Random(seed)
    return [make(m, rnd) for _ in range(n)]


def _whole(m, rows):
    """Every row at once, through the same row conversion as the streamed run; a per-sample context column goes
    to compute under its keyword."""
    args = _chunk_args(m, rows, 0, "prediction", "references")
    context = getattr(m, "sample_context", None)
    if context is None:
        return m.compute(*args)
    return m.compute(*args[:-1], **{context: args[-1]})


def _outcome(fn):
    try:
        return fn()
    except em.EvalMetricsError as e:
        return f"{type(e).__name__}: {e}"


def _check_streamed_equals_whole(m, rows, tmp_path):
    """Stream ``rows`` in chunks of 1 (no details: fsync per row is slow), 7 and 64 (with details) and compare
    with scoring all rows at once: score, stderr, n, timeouts, every per-sample value (repr: bit for bit)."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    whole = _outcome(lambda: _whole(m, rows))
    for chunk in (1, 7, 64):
        out = tmp_path / f"d{chunk}.jsonl" if chunk > 1 else None
        got = _outcome(lambda: score_rows(m, iter(rows), source=str(src), fmt="jsonl",
                                          details=out and str(out), chunk_rows=chunk))
        if isinstance(whole, str):  # the same typed error, naming the same sample
            assert got == whole
            continue
        assert not isinstance(got, str), got
        assert (repr(got.score), repr(got.stderr), got.n, got.n_timeouts) == (
            repr(whole.score), repr(whole.stderr), whole.n, whole.n_timeouts)
        if out is None:
            continue
        recs = [_strict_loads(x) for x in out.read_text().splitlines()]  # strict JSON: a NaN value is null
        assert [repr(math.nan if r["score"] is None else r["score"]) for r in recs] == [
            repr(v) for v in whole.per_sample.tolist()]
        assert [r["index"] for r in recs if r["timeout"]] == list(whole.timeout_indices)
        assert not os.path.exists(state_path(str(out)))


@pytest.mark.parametrize("key", sorted(METRICS))
def test_chunked_scoring_is_bit_identical_to_scoring_all_rows(key, tmp_path):
    m = METRICS[key]
    _check_streamed_equals_whole(m, _metric_rows(m, 90, seed=len(key)), tmp_path)


class _ChunkSensitive:
    """Not a real metric: its values depend on how many samples one compute call sees."""

    name = id = "chunk_sensitive"
    request_type, aggregation = "generate_until", "mean"

    def compute(self, preds, refs, progress=None):
        import dataclasses

        r = em.ExactMatch().compute(preds, refs)
        return dataclasses.replace(r, per_sample=r.per_sample + 1e-3 * len(preds))


def test_meta_the_bit_identity_check_catches_a_batch_dependent_metric(tmp_path):
    with pytest.raises(AssertionError):
        _check_streamed_equals_whole(_ChunkSensitive(), _rows("text", 90), tmp_path)


def test_every_catalog_metric_scores_its_generated_rows():
    """Guard against the bit-identity test passing vacuously (both sides raising the same error): every metric of
    the catalog scores its rows, except where a package it delegates to (lighteval's own scoring code, nltk's Punkt
    data) is not installed in this environment: an InvalidConfig that says what to install."""
    outcomes = {k: _outcome(lambda: _whole(m, _metric_rows(m, 90, len(k)))) for k, m in METRICS.items()}
    unavailable = {k: o for k, o in outcomes.items() if isinstance(o, str) and o.startswith("InvalidConfig")}
    assert all("install" in o or "downloader" in o for o in unavailable.values()), unavailable
    failed = {k: o for k, o in outcomes.items() if isinstance(o, str) and k not in unavailable}
    assert not failed, failed
    assert len(METRICS) - len(unavailable) >= 0.9 * len(METRICS), sorted(unavailable)
    # every generator above serves a metric of the catalog (a renamed class would leave its rows unused)
    assert set(ROWS) <= {type(m).__name__ for m in METRICS.values()}


def test_rows_of_a_context_metric_need_their_context_column(tmp_path):
    """A per-sample context (document, group key) is read from its own column; a row without it is an error naming
    the row and the column, in a streamed run as in a whole one."""
    m = METRICS["macro_mean"]
    rows = _metric_rows(m, 20, seed=2)
    del rows[13]["group"]
    for chunk in (1, 7):
        with pytest.raises(em.InvalidInput) as e:
            score_rows(m, iter(rows), source=_write(tmp_path, rows), fmt="jsonl", chunk_rows=chunk)
        assert e.value.index == 13 and e.value.field == "group"
    rows[13]["doc_group"] = "law"
    for r in rows:
        r["doc_group"] = r.pop("group", "law")
    got = score_rows(m, iter(rows), source=_write(tmp_path, rows), fmt="jsonl", context_col="doc_group")
    assert repr(got.score) == repr(m.compute([r["prediction"] for r in rows], [r["references"] for r in rows],
                                             [r["doc_group"] for r in rows]).score)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(st.one_of(st.floats(width=64), st.sampled_from([0.0, -0.0, 1.0, 5e-324, 1e308])),
                       max_size=80))
def test_python_sum_is_sum_bit_for_bit(values):
    # mean_and_stderr's sums must be Python's own sum() (what lm_eval's mean adds), NaN, inf and -0.0 included.
    import numpy as np

    from evalmetrics.result import python_sum

    arr = np.array(values, dtype=np.float64)
    assert repr(python_sum(arr)) == repr(float(sum(values)))


@given(values=st.lists(st.floats(-1e150, 1e150, width=64), max_size=60),
       cut=st.integers(1, 17))
def test_chunked_mean_and_stderr_equals_mean_and_stderr(values, cut):
    import numpy as np

    arr = np.array(values, dtype=np.float64)
    chunks = lambda: (arr[i:i + cut] for i in range(0, len(arr), cut))  # noqa: E731
    assert [repr(x) for x in mean_and_stderr_chunked(chunks)] == [repr(x) for x in mean_and_stderr(arr)]


def _strict_loads(text):
    def bad(token):
        raise ValueError(f"not strict JSON: {token}")
    return json.loads(text, parse_constant=bad)


@given(v=st.floats(width=64), i=st.integers(0, 10**12), t=st.booleans())
def test_details_line_is_json_dumps(v, i, t):
    line = details_line(i, v, t)
    rec = _strict_loads(line)  # trial item 10: every JSON the CLI writes is strict
    if math.isfinite(v):
        assert line == json.dumps({"index": i, "score": v, "timeout": t}) + "\n"
    else:
        assert rec == {"index": i, "score": None if v != v else v, "timeout": t}


_TRACE_VALUE = st.one_of(st.none(), st.text(), st.integers(-5, 5), st.lists(st.integers(0, 5), max_size=3))


@given(v=st.floats(width=64), i=st.integers(0, 10**12), t=st.booleans(), p=_TRACE_VALUE, r=_TRACE_VALUE,
       j=st.one_of(st.none(), st.integers(0, 9)))
def test_details_line_with_a_trace_is_json_dumps(v, i, t, p, r, j):
    trace = {"prediction": p, "reference": r, "reference_index": j}
    line = details_line(i, v, t, trace)
    rec = _strict_loads(line)
    if math.isfinite(v):
        assert line == json.dumps({"index": i, "score": v, "timeout": t, **trace}) + "\n"
    else:
        assert rec == {"index": i, "score": None if v != v else v, "timeout": t, **trace}


# -------------------------------------------------------------------------------------------- resume in process

def _write(tmp_path, rows, name="in.jsonl"):
    p = tmp_path / name
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(p)


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_resume_after_a_cut_at_any_byte_equals_an_uninterrupted_run(tmp_path, capsys):
    rows = _rows("text", 400, seed=3)
    src = _write(tmp_path, rows)
    full = tmp_path / "full.jsonl"
    args = ["score", "--metric", "lighteval:quasi_exact_match", "--data", src, "--json", "--chunk-rows", "37"]
    code, out, _ = run(capsys, *args, "--details", str(full))
    ref = json.loads(out)
    data = full.read_bytes()
    lines = data.splitlines(keepends=True)
    cuts = sorted({0, 1, len(lines[0]), len(lines[0]) + 5, len(data) // 2, len(data) - 1, len(data)}
                  | {random.Random(1).randrange(len(data)) for _ in range(5)})
    for cut in cuts:
        # What a run killed after writing `cut` bytes leaves: a cut details file and its checkpoint.
        part = tmp_path / f"cut{cut}.jsonl"
        part.write_bytes(data[:cut])
        _fake_state(part, src, ref)
        code, out, err = run(capsys, *args, "--details", str(part), "--resume")
        assert code == 0, err
        got = json.loads(out)
        assert part.read_bytes() == data
        assert not os.path.exists(state_path(str(part)))
        complete = data[:cut].count(b"\n")
        assert (got["rows_resumed"], got["rows_computed"]) == (complete, 400 - complete)
        for k in ("score", "stderr", "n", "n_timeouts", "metric_id"):
            assert repr(got[k]) == repr(ref[k])


def _fake_state(part, src, ref):
    """The checkpoint an interrupted run leaves (a finished run removes it)."""
    from evalmetrics.streaming import STATE_VERSION, fingerprint

    sp = state_path(str(part))
    with open(sp, "w") as f:
        json.dump({"version": STATE_VERSION, "metric_id": ref["metric_id"], "input": fingerprint(src),
                   "format": None, "pred_col": "prediction", "ref_col": "references", "source_options": {},
                   "trace": True, "rows_done": 0}, f)
    return sp


def test_existing_details_needs_resume_or_force_and_resume_checks_the_checkpoint(tmp_path, capsys):
    src = _write(tmp_path, _rows("text", 50, seed=5))
    out = tmp_path / "d.jsonl"
    base = ["score", "--metric", "helm:exact_match", "--data", src, "--details", str(out), "--chunk-rows", "8"]
    assert run(capsys, *base)[0] == 0
    first = out.read_bytes()
    code, _, err = run(capsys, *base)
    assert code == 2 and "already exists" in err and "--resume" in err and "--force" in err
    code, _, err = run(capsys, *base, "--resume")  # finished run: no checkpoint left
    assert code == 2 and "no checkpoint" in err
    assert run(capsys, *base, "--force")[0] == 0 and out.read_bytes() == first
    # An interrupted run, then a resume with another metric, or after the input changed.
    _fake_state(out, src, {"metric_id": em.get("helm:exact_match").id})
    code, _, err = run(capsys, "score", "--metric", "lm_eval:exact_match", "--data", src, "--details", str(out),
                       "--resume")
    assert code == 2 and "cannot resume" in err and "metric_id" in err
    with open(src, "a") as f:
        f.write(json.dumps({"prediction": "x", "references": "x"}) + "\n")
    code, _, err = run(capsys, *base, "--resume")
    assert code == 2 and "cannot resume" in err and "input" in err
    code, _, err = run(capsys, "score", "--metric", "helm:exact_match", "--data", src, "--resume")
    assert code == 2 and "details" in err


def test_errors_name_the_row_in_the_file_across_chunks(tmp_path, capsys):
    rows = _rows("text", 60, seed=7)
    rows[45]["prediction"] = None
    src = _write(tmp_path, rows)
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", src, "--chunk-rows", "10")
    assert code == 2 and "sample 45" in err and "prediction" in err
    del rows[45]["prediction"]
    src = _write(tmp_path, rows, "b.jsonl")
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", src, "--chunk-rows", "10")
    assert code == 2 and "sample 45" in err and "column 'prediction' not found" in err


def test_multiple_choice_file_streams(tmp_path, capsys):
    rows = _rows("choice", 120, seed=9)
    src = _write(tmp_path, rows)
    m = em.get("lm_eval:acc_norm")
    code, out, _ = run(capsys, "score", "--metric", "lm_eval:acc_norm", "--data", src, "--json", "--chunk-rows", "11")
    assert code == 0 and repr(json.loads(out)["score"]) == repr(_whole(m, rows).score)


def test_pass_fail_flag_rows_need_no_references_column(tmp_path, capsys):
    rnd = random.Random(12)
    flags = [[rnd.random() < 0.4 for _ in range(rnd.randint(5, 9))] for _ in range(40)]
    src = _write(tmp_path, [{"prediction": f} for f in flags])
    code, out, _ = run(capsys, "score", "--metric", "helm:pass@k", "--option", "num_outputs=5", "--data", src,
                       "--json", "--chunk-rows", "7")
    assert code == 0
    assert repr(json.loads(out)["score"]) == repr(em.get("helm:pass@k", num_outputs=5).compute(flags).score)
    code, _, err = run(capsys, "score", "--metric", "helm:pass", "--data",
                       _write(tmp_path, [{"flags": [True]}], name="bad.jsonl"))
    assert code != 0 and "'prediction'" in err  # the flags column itself is still required


# ------------------------------------------------------------------------------------- SIGKILL a real process

N_KILL = 300_000


@pytest.fixture(scope="module")
def big_file(tmp_path_factory):
    rnd = random.Random(11)
    p = tmp_path_factory.mktemp("big") / "big.jsonl"
    with open(p, "w") as f:
        for i in range(N_KILL):
            f.write(json.dumps({"prediction": f"{rnd.choice(TEXTS)} {i % 97}", "references": f"{i % 89}"}) + "\n")
    return str(p)


def _score_cmd(data, details, *extra):
    return [sys.executable, "-m", "evalmetrics", "score", "--metric", "lm_eval:gsm8k/flexible-extract", "--data",
            data, "--details", details, "--json", "--chunk-rows", "5000", *extra]


def _started_until_saved(data, details, env, rows, stdout):
    """A `score --details` subprocess, returned once its state file counts ``rows`` saved rows (or it has ended, or
    120 s have passed)."""
    proc = subprocess.Popen(_score_cmd(data, details), stdout=stdout, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = json.load(open(state_path(details)))["rows_done"]
        except (OSError, ValueError, KeyError):
            done = 0
        if done >= rows:
            break
        time.sleep(0.02)
    return proc


def test_sigkill_midway_then_resume_equals_an_uninterrupted_run(big_file, tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    full = str(tmp_path / "full.jsonl")
    ref = json.loads(subprocess.run(_score_cmd(big_file, full), capture_output=True, text=True, check=True,
                                    env=env).stdout)
    part = str(tmp_path / "part.jsonl")
    proc = _started_until_saved(big_file, part, env, 20_000, stdout=subprocess.DEVNULL)
    assert proc.poll() is None, "the run finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert os.path.exists(state_path(part))
    kept = open(part, "rb").read().count(b"\n")
    assert 20_000 <= kept < N_KILL
    got = json.loads(subprocess.run(_score_cmd(big_file, part, "--resume"), capture_output=True, text=True,
                                    check=True, env=env).stdout)
    assert (got["rows_resumed"], got["rows_computed"]) == (kept, N_KILL - kept)  # no row computed twice
    with open(full, "rb") as a, open(part, "rb") as b:
        assert a.read() == b.read()
    assert {k: repr(got[k]) for k in ("score", "stderr", "n", "n_timeouts", "metric_id")} == {
        k: repr(ref[k]) for k in ("score", "stderr", "n", "n_timeouts", "metric_id")}
    assert math.isfinite(got["score"]) and got["n"] == N_KILL


# ------------------------------------------------------------------- issue 14: details carry what decided a score


def test_issue_14_details_rows_hold_the_processed_prediction_and_the_deciding_reference(tmp_path, capsys):
    rows = [{"prediction": "so 3 + 4 = 7.\n#### 1,072.", "references": ["5", "1072"]},
            {"prediction": "no final answer", "references": "12"},
            {"prediction": "the total is\\n#### 20", "references": "#### 20"}]
    src, out = _write(tmp_path, rows), tmp_path / "d.jsonl"
    code, _, err = run(capsys, "score", "--metric", "lm_eval:gsm8k/strict-match", "--data", src, "--details",
                       str(out))
    assert code == 0, err
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert recs == [
        {"index": 0, "score": 1.0, "timeout": False, "prediction": "1072", "reference": "1072", "reference_index": 1},
        {"index": 1, "score": 0.0, "timeout": False, "prediction": "[invalid]", "reference": "12",
         "reference_index": 0},
        {"index": 2, "score": 1.0, "timeout": False, "prediction": "20", "reference": "20", "reference_index": 0},
    ]
    # a multiple-choice file: the picked choice and the gold
    mc = _write(tmp_path, [{"logprobs": [-3.0, -1.0, -2.0], "gold": 2, "texts": ["a", "b", "c"]}], "mc.jsonl")
    out2 = tmp_path / "mc_details.jsonl"
    assert run(capsys, "score", "--metric", "lm_eval:acc", "--data", mc, "--details", str(out2))[0] == 0
    assert json.loads(out2.read_text()) == {"index": 0, "score": 0.0, "timeout": False, "prediction": 1,
                                            "reference": 2, "reference_index": None}


def test_trace_agrees_with_the_score_for_every_text_metric():
    """Registry-wide: where a metric scores 1 against one reference, its trace names a reference that alone
    scores 1 (the reference that decided it), and the trace's keys are the documented ones."""
    for key, m in sorted(METRICS.items()):
        if _kind(m) != "text" or m.request_type == "pass_fail_flags" or type(m).aggregation != "mean":
            continue
        for pred, refs in (("The answer is 4.", ["five", "4", "four"]), ("Paris", ["London", "Paris"])):
            try:
                v, t = m.score(pred, refs), m.trace(pred, refs)
            except em.EvalMetricsError:
                continue
            assert list(t) == ["prediction", "reference", "reference_index"], key
            if v == 1.0 and t["reference_index"] is not None:
                assert m.score(pred, [refs[t["reference_index"]]]) == 1.0, key


def test_resuming_a_run_started_without_traces_keeps_its_format(tmp_path, capsys):
    """A checkpoint written before details carried traces (no "trace" key) resumes in the old row format."""
    rows = _rows("text", 30, seed=3)
    src, part = _write(tmp_path, rows), tmp_path / "d.jsonl"
    m = em.get("helm:exact_match")
    r = m.compute([x["prediction"] for x in rows], [x["references"] for x in rows])
    old = [details_line(i, v, i in r.timeout_indices) for i, v in enumerate(r.per_sample.tolist())]
    part.write_text("".join(old[:10]))
    sp = _fake_state(part, src, {"metric_id": m.id})
    state = json.load(open(sp))
    del state["trace"]
    json.dump(state, open(sp, "w"))
    code, _, err = run(capsys, "score", "--metric", "helm:exact_match", "--data", src, "--details", str(part),
                       "--resume")
    assert code == 0, err
    assert part.read_text() == "".join(old)


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "lm_eval_log"])
def test_issue_14_10_a_non_utf8_file_is_a_clear_error_naming_file_line_and_byte(tmp_path, capsys, fmt):
    if fmt == "csv":
        data = b"prediction,references\na,a\ncaf\xe9,b\n"
        p, line, offset = tmp_path / "x.csv", 3, len(b"prediction,references\na,a\ncaf")
    else:
        if fmt == "jsonl":
            good, bad = {"prediction": "a", "references": "a"}, {"prediction": "caf\u00e9", "references": "b"}
        else:
            good = {"doc_id": 0, "doc": {}, "target": "a", "arguments": [], "resps": [["a"]],
                    "filtered_resps": ["a"], "filter": "none"}
            bad = {**good, "doc_id": 1, "filtered_resps": ["caf\u00e9"]}
        first = (json.dumps(good) + "\n").encode()
        second = json.dumps(bad, ensure_ascii=False).encode("latin-1") + b"\n"
        data, line = first + second, 2
        p = tmp_path / ("samples_task_2024.jsonl" if fmt == "lm_eval_log" else "x.jsonl")
        offset = len(first) + second.index(b"\xe9")
    p.write_bytes(data)
    code, _, err = run(capsys, "score", "--metric", "exact_match", "--data", str(p))
    assert code == 2 and "Traceback" not in err and "UnicodeDecodeError" not in err
    assert f"{p}:{line}: not valid UTF-8 at byte offset {offset}" in err and "bytes e9" in err
    code, _, err2 = run(capsys, "diff", "--metrics", "exact_match", "helm:exact_match", "--data", str(p))
    assert code == 2 and err2 == err  # diff and report read through the same reader
    from evalmetrics.io import read_rows, read_text

    with pytest.raises(em.InvalidInput) as e1:
        list(read_rows(str(p)))
    with pytest.raises(em.InvalidInput) as e2:
        read_text(str(p))  # the whole-file reader names the same line and byte
    assert str(e1.value) == str(e2.value) and e1.value.field == "data"


def test_majority_vote_details_trace_the_voted_answer(tmp_path, capsys):
    rows = [{"prediction": ["#### 4", "#### 5", "#### 5"], "references": ["4", "5"]},
            {"prediction": ["#### 7"], "references": "8"}]
    src, out = _write(tmp_path, rows), tmp_path / "d.jsonl"
    metric = em.MajorityVote(vote=[em.get("lm_eval:gsm8k/strict-match").pred[0]]).id
    code, _, err = run(capsys, "score", "--metric", metric, "--data", src, "--details", str(out))
    assert code == 0, err
    recs = [json.loads(x) for x in out.read_text().splitlines()]
    assert [(r["score"], r["prediction"], r["reference"], r["reference_index"]) for r in recs] == [
        (1.0, "5", "5", 1), (0.0, "7", "8", 0)]


# ----------------------------------------------------------------------- new-user trial (issue 14): 4 and 11


def test_trial_data_error_before_any_row_leaves_no_details_and_a_rerun_after_the_fix_works(tmp_path, capsys):
    """Trial item 11: a row missing its references with --details left a 0-byte OUT and OUT.state.json, and the
    rerun said "OUT already exists" instead of the real error."""
    rows = _rows("text", 20, seed=11)
    del rows[3]["references"]
    src = _write(tmp_path, rows)
    out = tmp_path / "out.jsonl"
    cmd = ["score", "--metric", "lm_eval:exact_match", "--data", src, "--details", str(out)]
    for _ in range(2):  # the rerun reports the real error again, not "already exists"
        code, _, err = run(capsys, *cmd)
        assert code == 2 and "sample 3" in err and "references" in err and "already exists" not in err
        assert not out.exists() and not os.path.exists(state_path(str(out)))
    rows[3]["references"] = ["x"]
    _write(tmp_path, rows)  # the data fixed: the same command runs, without --force
    code, _, err = run(capsys, *cmd)
    assert code == 0, err
    assert len(out.read_text().splitlines()) == 20 and not os.path.exists(state_path(str(out)))


def test_trial_data_error_after_saved_rows_keeps_the_partial_run_for_resume(tmp_path, capsys):
    rows = _rows("text", 30, seed=12)
    del rows[25]["references"]
    src = _write(tmp_path, rows)
    out = tmp_path / "out.jsonl"
    cmd = ["score", "--metric", "lm_eval:exact_match", "--data", src, "--details", str(out), "--chunk-rows", "10"]
    code, _, err = run(capsys, *cmd)
    assert code == 2 and "sample 25" in err
    assert len(out.read_text().splitlines()) == 20 and os.path.exists(state_path(str(out)))
    code, _, err = run(capsys, *cmd)
    assert code == 2 and "already exists" in err  # a genuine partial run: --resume or --force, as before


def _interrupting_reader(rows, after):
    def read_rows(path, fmt=None, **kw):
        for i, r in enumerate(rows):
            if i == after:
                raise KeyboardInterrupt
            yield r
    return read_rows


def test_trial_ctrl_c_during_score_details_says_rows_saved_and_the_resume_command(tmp_path, capsys, monkeypatch):
    """Trial item 4: Ctrl-C during `score --details` printed a KeyboardInterrupt traceback and no --resume hint."""
    import evalmetrics.io

    rows = _rows("text", 50, seed=13)
    src = _write(tmp_path, rows)
    out = tmp_path / "out.jsonl"
    cmd = ["score", "--metric", "lm_eval:exact_match", "--data", src, "--details", str(out), "--chunk-rows", "10"]
    monkeypatch.setattr(evalmetrics.io, "read_rows", _interrupting_reader(rows, 25))
    code, stdout, err = run(capsys, *cmd)  # a traceback would propagate out of main() here
    assert code == 130 and stdout == ""
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err
    assert "20 rows scored and saved in " + str(out) in lines[0]
    resume = lines[0].split("To continue: ", 1)[1]
    import shlex

    assert shlex.split(resume) == ["evalmetrics", *cmd, "--resume"]
    monkeypatch.undo()
    code, o, err = run(capsys, *shlex.split(resume)[1:], "--json")  # the printed command continues the run
    assert code == 0, err
    d = json.loads(o)
    assert (d["rows_resumed"], d["rows_computed"], d["n"]) == (20, 30, 50)


def test_trial_ctrl_c_before_any_row_saved_leaves_nothing_and_says_so(tmp_path, capsys, monkeypatch):
    import evalmetrics.io

    rows = _rows("text", 50, seed=14)
    src = _write(tmp_path, rows)
    out = tmp_path / "out.jsonl"
    monkeypatch.setattr(evalmetrics.io, "read_rows", _interrupting_reader(rows, 5))
    code, _, err = run(capsys, "score", "--metric", "lm_eval:exact_match", "--data", src, "--details", str(out),
                       "--chunk-rows", "10")
    assert code == 130 and "no rows were saved" in err and "Traceback" not in err
    assert not out.exists() and not os.path.exists(state_path(str(out)))


def test_trial_real_sigint_midway_prints_one_line_and_exits_130_then_the_printed_command_resumes(big_file,
                                                                                                 tmp_path):
    """Trial item 4 as a user meets it: Ctrl-C (SIGINT) to a real `python -m evalmetrics score --details` run."""
    import shlex

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    part = str(tmp_path / "part.jsonl")
    proc = _started_until_saved(big_file, part, env, 10_000, stdout=subprocess.PIPE)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    err = err.decode()
    assert proc.returncode == 130 and out == b"" and "Traceback" not in err, err
    (line,) = [x for x in err.splitlines() if x.strip()]
    saved = int(line.split("interrupted; ", 1)[1].split(" rows", 1)[0].replace(",", ""))
    assert saved >= 10_000 and f"saved in {part}" in line
    again = shlex.split(line.split("To continue: ", 1)[1])
    assert again[0] == "evalmetrics" and again[-1] == "--resume"
    got = json.loads(subprocess.run([sys.executable, "-m", "evalmetrics", *again[1:]], capture_output=True,
                                    text=True, check=True, env=env).stdout)
    assert got["rows_resumed"] >= saved and got["n"] == N_KILL


def test_trial_details_of_a_corpus_statistic_are_strict_json_and_resume(tmp_path, capsys):
    """Trial item 10's class: a corpus statistic's per-sample values are NaN; its details file wrote bare NaN."""
    pytest.importorskip("sacrebleu")
    src = _write(tmp_path, [{"prediction": "the cat sat", "references": ["the cat sat on"]},
                            {"prediction": "a dog", "references": ["the dog"]}])
    out = tmp_path / "d.jsonl"
    cmd = ["score", "--metric", "lm_eval:bleu", "--data", src, "--details", str(out), "--json"]
    code, o, err = run(capsys, *cmd)
    assert code == 0, err
    first = _strict_loads(o)
    # corpus BLEU's standard error is lm_eval's bootstrap (a number, strict JSON)
    assert isinstance(first["stderr"], float) and "bootstrap_stderr" in first["stderr_method"]
    recs = [_strict_loads(x) for x in out.read_text().splitlines()]
    assert [r["score"] for r in recs] == [None, None]
    text = out.read_text()
    _fake_state(out, src, {"metric_id": first["metric_id"]})  # an interrupted run of it: resume reads null back
    code, o, err = run(capsys, *cmd, "--resume")
    assert code == 0, err
    assert out.read_text() == text and repr(_strict_loads(o)["score"]) == repr(first["score"])
    # a chunked (mean) run keeps null records on resume as NaN values, byte for byte
    from evalmetrics.streaming import _recover, _Spill

    lines = [details_line(0, 1.0, False), details_line(1, math.nan, False), details_line(2, math.inf, True)]
    part = tmp_path / "p.jsonl"
    part.write_text("".join(lines) + '{"index": 3, "sc')
    spill = _Spill()
    timeouts = []
    assert _recover(str(part), spill, timeouts) == 3 and part.read_text() == "".join(lines) and timeouts == [2]
    vals = [x for c in spill.chunks() for x in c.tolist()]
    spill.close()
    assert vals[0] == 1.0 and math.isnan(vals[1]) and vals[2] == math.inf
