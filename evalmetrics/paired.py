"""Paired significance of a difference between two per-document score lists over the same documents.

* 0/1 scores: the exact McNemar test (a two-sided binomial test on the discordant pairs, p = 1 when there are none);
* other scores: a paired bootstrap of the mean difference (documents resampled with replacement, ``n_boot`` times,
  from ``numpy.random.default_rng(seed)``); the two-sided p-value is the share of resampled mean differences at
  least as far from the observed one as the observed one is from 0 (the resampling distribution shifted to the null).

Both return a dict naming the method, so a report can say how each p-value was obtained.
"""
from __future__ import annotations

import math

from ._lazy import np

__all__ = ["mcnemar_exact", "paired_bootstrap", "paired_test"]


def mcnemar_exact(x, y) -> dict:
    """Exact McNemar test of two paired 0/1 lists.

    >>> r = mcnemar_exact([1, 1, 1, 1, 1, 1, 0], [0, 0, 0, 0, 0, 0, 0])
    >>> (r["a_only"], r["b_only"], round(r["p_value"], 6))
    (6, 0, 0.03125)
    >>> mcnemar_exact([1, 0], [1, 0])["p_value"]
    1.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    b = int(np.sum((x == 1) & (y == 0)))
    c = int(np.sum((x == 0) & (y == 1)))
    n = b + c
    if n == 0:
        p = 1.0
    else:
        k = min(b, c)
        tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
        p = min(1.0, 2 * tail)
    return {"method": "exact McNemar (two-sided binomial test on the discordant pairs)", "n": int(len(x)),
            "a_only": b, "b_only": c, "p_value": p}


def paired_bootstrap(x, y, *, seed: int = 0, n_boot: int = 10000) -> dict:
    """Paired bootstrap of ``mean(y - x)``.

    >>> r = paired_bootstrap([0.1, 0.2, 0.3], [0.1, 0.2, 0.3], seed=0, n_boot=100)
    >>> (r["mean_difference"], r["p_value"])
    (0.0, 1.0)
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    d = y - x
    n = len(d)
    observed = float(d.mean()) if n else 0.0
    out = {"method": f"paired bootstrap of the mean difference ({n_boot} resamples, numpy default_rng seed {seed})",
           "n": int(n), "seed": seed, "n_boot": n_boot, "mean_difference": observed}
    if n == 0 or np.all(d == 0):
        out["p_value"] = 1.0
        return out
    rng = np.random.default_rng(seed)
    means = np.empty(n_boot, dtype=np.float64)
    step = max(1, (1 << 22) // max(n, 1))  # bounded memory: resample in blocks of rows
    for start in range(0, n_boot, step):
        k = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(k, n))
        means[start:start + k] = d[idx].mean(axis=1)
    out["p_value"] = float(np.mean(np.abs(means - observed) >= abs(observed)))
    lo, hi = np.quantile(means, [0.025, 0.975])
    out["ci95"] = [float(lo), float(hi)]
    return out


def paired_test(x, y, *, seed: int = 0, n_boot: int = 10000) -> dict:
    """McNemar when every value of both lists is 0 or 1, else the paired bootstrap."""
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if len(x) != len(y):
        raise ValueError(f"paired lists differ in length: {len(x)} and {len(y)}")
    if np.all(np.isin(x, (0.0, 1.0))) and np.all(np.isin(y, (0.0, 1.0))):
        return mcnemar_exact(x, y)
    return paired_bootstrap(x, y, seed=seed, n_boot=n_boot)
