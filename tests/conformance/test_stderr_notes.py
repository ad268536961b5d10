"""The stderr notes (evalmetrics.result.HARNESS_STDERR) state what each harness reports: checked against the real
lm_eval 0.4.13, lighteval 0.13.0 and crfm-helm 0.5.16 on the same per-sample values."""
from __future__ import annotations

import random

import numpy as np

from evalmetrics.result import HARNESS_STDERR, mean_and_stderr


def _columns():
    rng = random.Random(14)
    yield [float(rng.random() < 0.4) for _ in range(257)]  # 0/1 scores
    yield [rng.random() for _ in range(301)]  # fractional scores (F1-like)
    yield [rng.choice([0.0, 1 / 3, 0.5, 2 / 3, 1.0]) for _ in range(1000)]


def test_lm_eval_mean_stderr_is_ours_bit_for_bit():
    from lm_eval.api.metrics import mean, mean_stderr, stderr_for_metric

    assert stderr_for_metric(mean, bootstrap_iters=100000) is mean_stderr  # closed form, not a bootstrap
    for col in _columns():
        mu, se = mean_and_stderr(np.array(col))
        assert (mu, se) == (mean(col), mean_stderr(col))
    assert "the same number" in HARNESS_STDERR["mean"]["lm_eval"]


def test_lighteval_mean_stderr_is_the_same_formula_with_numpys_mean():
    from lighteval.metrics.utils.stderr import get_stderr_function, mean_stderr

    assert get_stderr_function(np.mean) is mean_stderr
    for col in _columns():
        _, se = mean_and_stderr(np.array(col))
        theirs = mean_stderr(col)
        assert abs(theirs - se) <= 1e-12 * max(se, 1e-300)  # same formula; the mean may differ in the last bits
    assert "same formula" in HARNESS_STDERR["mean"]["lighteval"] and "np.mean" in HARNESS_STDERR["mean"]["lighteval"]


def test_helm_stat_has_no_standard_error_and_a_population_stddev():
    from helm.benchmark.metrics.statistic import Stat
    from helm.benchmark.metrics.metric_name import MetricName

    col = next(_columns())
    s = Stat(MetricName("exact_match"))
    for v in col:
        s.add(v)
    assert not any("err" in f for f in vars(s))
    assert abs(s.stddev - float(np.std(col, ddof=0))) < 1e-12
    assert "no standard error" in HARNESS_STDERR["mean"]["helm"] and "ddof=0" in HARNESS_STDERR["mean"]["helm"]
