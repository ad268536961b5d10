"""Paired significance (evalmetrics.paired): exact McNemar against scipy's binomial test, the paired bootstrap's
determinism and direction, and diff's use of it."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evalmetrics.cli import main
from evalmetrics.paired import mcnemar_exact, paired_bootstrap, paired_test

scipy_stats = pytest.importorskip("scipy.stats")

pairs01 = st.integers(1, 60).flatmap(lambda n: st.tuples(st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n),
                                                         st.lists(st.sampled_from([0, 1]), min_size=n, max_size=n)))


@settings(max_examples=300, deadline=None)
@given(pairs01)
def test_mcnemar_is_scipy_s_two_sided_binomial_test_on_discordant_pairs(xy):
    x, y = xy
    r = mcnemar_exact(x, y)
    b = sum(1 for a, c in zip(x, y) if a == 1 and c == 0)
    c = sum(1 for a, d in zip(x, y) if a == 0 and d == 1)
    assert (r["a_only"], r["b_only"]) == (b, c)
    expected = 1.0 if b + c == 0 else scipy_stats.binomtest(b, b + c, 0.5).pvalue
    assert r["p_value"] == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_paired_bootstrap_is_deterministic_and_sees_a_shift():
    rng = np.random.default_rng(1)
    x = rng.random(200)
    y = x + 0.05 + rng.normal(0, 0.01, 200)
    a = paired_bootstrap(x, y, seed=3, n_boot=2000)
    assert a == paired_bootstrap(x, y, seed=3, n_boot=2000)
    assert a["p_value"] < 0.01 and a["ci95"][0] > 0
    noise = paired_bootstrap(x, x + rng.normal(0, 0.01, 200), seed=3, n_boot=2000)
    assert noise["p_value"] > 0.01
    assert paired_bootstrap(x, x, seed=0, n_boot=10)["p_value"] == 1.0


def test_paired_test_picks_the_method():
    assert paired_test([0, 1, 1], [1, 1, 0])["method"].startswith("exact McNemar")
    assert paired_test([0.5, 1, 1], [1, 1, 0])["method"].startswith("paired bootstrap")
    with pytest.raises(ValueError, match="differ in length"):
        paired_test([0, 1], [1])


def test_diff_reports_paired_significance_per_pair(capsys):
    assert main(["diff", "--name", "exact_match", "--json", "--n-boot", "50"]) == 0
    d = json.loads(capsys.readouterr().out)
    for p in d["pairs"]:
        sig = p["significance"]
        assert sig["method"].startswith("exact McNemar")  # exact match: 0/1 per sample
        assert (sig["a_only"] + sig["b_only"] == p["flips"])
        assert (sig["p_value"] == 1.0) == (p["flips"] == 0)
