"""lm_eval's bootstrap standard error of a corpus statistic, reproduced draw for draw.

lm-eval 0.4.13 (``lm_eval.api.metrics.bootstrap_stderr``) estimates the standard error of a corpus statistic (F1,
MCC, BLEU, ...) by recomputing it on resamples drawn with replacement: the resamples come in chunks of
``min(1000, iters)``; chunk ``i`` (``i = 0 .. iters // chunk - 1``) draws all its resamples from one Python
``random.Random(i)``, each resample being ``choices(items, k=n)``; the standard error is the sample standard
deviation (ddof=1, Python sums) of the resampled statistics. So ``iters`` that is not a multiple of the chunk is
rounded down (1500 gives 1000 resamples). lm_eval's evaluator passes ``bootstrap_iters`` (default 100000) for every
bootstrappable aggregation except ``bleu``, ``chrf``, ``chrf++`` and ``ter``, which get ``min(bootstrap_iters,
100)``; a metric with a single value gets no standard error ("N/A"). With or without lm_eval's worker pool the
draws are the same.

The draws: ``random.Random(i)`` is Mersenne Twister 19937 seeded from ``i``; ``choices`` picks index
``floor(random() * n)`` where ``random()`` is ``(a >> 5) * 2**26 + (b >> 6)`` over ``2**53`` for two consecutive
32-bit outputs ``a, b``. :func:`resample_indices` takes Python's seeded state and lets numpy's MT19937 produce the
same 32-bit stream, so a chunk's indices come as one array (tested against ``random.Random(i).choices``).
"""
from __future__ import annotations

import math
import random
from typing import Callable, Iterator

from .._lazy import np

from ..result import python_sum

__all__ = ["LM_EVAL_DEFAULT_ITERS", "LM_EVAL_TEXTGEN_ITERS", "lm_eval_resample_count", "resample_indices",
           "lm_eval_bootstrap_stderr", "bootstrap_method", "sample_stddev"]

LM_EVAL_DEFAULT_ITERS = 100_000  # lm_eval's --bootstrap_iters default (simple_evaluate, evaluate)
LM_EVAL_TEXTGEN_ITERS = 100  # lm_eval's evaluator caps bleu, chrf, chrf++, ter at min(bootstrap_iters, 100)

# Rows of resample indices produced at once (bounds memory: rows * n int64 values).
_BATCH_VALUES = 2_000_000


def lm_eval_resample_count(iters: int) -> int:
    """How many resamples lm_eval draws for ``iters``: whole chunks of ``min(1000, iters)`` only."""
    if iters <= 0:
        return 0
    chunk = min(1000, iters)
    return (iters // chunk) * chunk


def _python_stream(seed: int):
    """numpy's MT19937 in the state ``random.Random(seed)`` is in after seeding."""
    state = random.Random(seed).getstate()[1]
    bg = np.random.MT19937()
    bg.state = {"bit_generator": "MT19937",
                "state": {"key": np.array(state[:624], dtype=np.uint32), "pos": int(state[624])}}
    return bg


def resample_indices(n: int, iters: int) -> Iterator[np.ndarray]:
    """The index arrays of lm_eval's resamples, in lm_eval's order, as 2-d arrays (rows: resamples, columns: the
    ``n`` draws of one resample); row blocks are bounded in size, so a chunk may come in several arrays."""
    if n <= 0 or iters <= 0:
        return
    chunk = min(1000, iters)
    rows_per_batch = max(1, _BATCH_VALUES // n)
    scale = float(n)
    for i in range(iters // chunk):
        bg = _python_stream(i)
        left = chunk
        while left:
            rows = min(left, rows_per_batch)
            raw = bg.random_raw(2 * rows * n)
            a = (raw[0::2] >> np.uint64(5)).astype(np.float64)
            b = (raw[1::2] >> np.uint64(6)).astype(np.float64)
            u = (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)
            yield np.floor(u * scale).astype(np.int64).reshape(rows, n)
            left -= rows


def sample_stddev(values) -> float:
    """lm_eval's ``sample_stddev``: ``sqrt(sum((x - mean)^2) / (len - 1))`` with Python's sums, in order."""
    v = np.asarray(values, dtype=np.float64)
    mu = python_sum(v) / len(v)
    return math.sqrt(python_sum(np.square(v - mu)) / (len(v) - 1))


def lm_eval_bootstrap_stderr(statistic_rows: Callable[[np.ndarray], np.ndarray], n: int, iters: int) -> float:
    """lm_eval's ``bootstrap_stderr`` of a statistic over ``n`` items: ``statistic_rows(idx)`` gets a 2-d array of
    resample indices (one resample per row, as :func:`resample_indices` yields) and returns one value per row.

    NaN when there are fewer than two resamples (lm_eval raises there) or ``n < 2`` (lm_eval reports "N/A").
    """
    total = lm_eval_resample_count(iters)
    if n < 2 or total < 2:
        return float("nan")
    values = np.empty(total, dtype=np.float64)
    at = 0
    for idx in resample_indices(n, iters):
        out = np.asarray(statistic_rows(idx), dtype=np.float64)
        values[at:at + len(out)] = out
        at += len(out)
    return sample_stddev(values)


def bootstrap_method(iters: int, n: int) -> str:
    """The ``Result.stderr_method`` text for lm_eval's bootstrap with ``iters`` iterations over ``n`` samples."""
    total = lm_eval_resample_count(iters)
    if n < 2:
        return ("none: lm_eval reports N/A for the stderr of a corpus statistic of a single sample "
                "(bootstrap_stderr needs two or more)")
    if total < 2:
        return f"none: bootstrap_iters={iters} gives {total} resamples (lm_eval reports none for 0)"
    return (f"lm_eval 0.4.13 bootstrap_stderr: sample stdev (ddof=1) of the statistic over {total} resamples "
            f"(bootstrap_iters={iters}: chunks of {min(1000, iters)}, chunk i drawn by random.Random(i).choices)")
