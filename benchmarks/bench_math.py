#!/usr/bin/env python
r"""MathEquivalence against math-verify on our labeled set, side by side in one run: accuracy and per-sample latency.

Run it in the environment that has math-verify 0.9.0 (the conformance 'mathverify' environment, which also has
evalmetrics installed editable)::

    PYTHONPATH=. ~/.cache/evalmetrics-conformance/mathverify/bin/python benchmarks/bench_math.py [--out r.json]

Started with another interpreter that lacks math-verify, the script re-executes itself with that environment's
python when it exists (``--mv-python`` overrides the path).

What is measured
----------------
Data: tests/data/math_labeled.jsonl (prediction, gold, label; built by tests/data/make_math_labeled.py). For
every row, in the same process and the same order:

* evalmetrics: ``MathEquivalence().score(prediction, gold)`` with every default (a ``Timeout`` scores 0);
* math-verify 0.9.0: ``verify(parse(gold), parse(prediction))`` with every default (how its README calls it);
* math-verify 0.9.0 with the gold wrapped in ``$...$`` (``parse("$" + gold + "$")``): its README writes gold
  answers so, and its default extraction reads bare LaTeX such as ``[2, 5)`` only inside math delimiters or
  ``\boxed{}``; this is math-verify at its best on our bare MATH-style golds.

A verdict is right when (score == 1) equals the label. Latency is wall time (``time.perf_counter``) around the
one call per row (for math-verify: both ``parse`` calls and ``verify``); median, p99 and max over all rows. Both
libraries are warmed up first on the first ``--warmup`` rows (imports, sympy caches), not timed. ``--repeat``
times each row that many times per library, keeping each row's fastest time (default 1).

Targets (issue #5): accuracy >= math-verify's + 10 points; median >= 10x faster; no sample over 1 s. Both
targets are checked against the BETTER of the two math-verify variants (higher accuracy, lower median).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "tests", "data", "math_labeled.jsonl")
MV_PYTHON = os.path.join(os.environ.get("EVALMETRICS_CONFORMANCE_DIR",
                                        os.path.expanduser("~/.cache/evalmetrics-conformance")),
                         "mathverify", "bin", "python")


def _ensure_math_verify(mv_python: str) -> None:
    try:
        import math_verify  # noqa: F401
    except ImportError:
        if os.path.exists(mv_python) and os.path.realpath(sys.executable) != os.path.realpath(mv_python):
            env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
            os.execve(mv_python, [mv_python, os.path.abspath(__file__), *sys.argv[1:]], env)
        sys.exit(f"math-verify is not importable and {mv_python} does not exist; "
                 "run `bash tests/conformance/setup_envs.sh mathverify` first")


def _pct(xs: list[float], q: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="write the figures (and per-row verdicts) as JSON here")
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows (0: all)")
    ap.add_argument("--mv-python", default=MV_PYTHON)
    args = ap.parse_args(argv)
    _ensure_math_verify(args.mv_python)

    from importlib import metadata

    from math_verify import parse, verify

    import evalmetrics as em

    with open(DATA, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    if args.limit:
        rows = rows[:args.limit]
    m = em.MathEquivalence()

    def ours(r):
        try:
            return m.score(r["prediction"], r["gold"]) == 1.0
        except em.Timeout:
            return None

    def theirs(r):
        return bool(verify(parse(r["gold"]), parse(r["prediction"])))

    def theirs_wrapped(r):
        return bool(verify(parse("$" + r["gold"] + "$"), parse(r["prediction"])))

    libs = (("evalmetrics", ours), ("math-verify", theirs), ("math-verify ($gold$)", theirs_wrapped))
    for r in rows[:args.warmup]:
        for _, fn in libs:
            fn(r)

    load0 = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = {}
    for name, fn in libs:
        verdicts, times = [], []
        for r in rows:
            best = None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                v = fn(r)
                dt = time.perf_counter() - t0
                best = dt if best is None else min(best, dt)
            verdicts.append(v)
            times.append(best)
        right = [v is not None and v == r["label"] for v, r in zip(verdicts, rows)]
        by_cat = collections.defaultdict(lambda: [0, 0])
        for ok, r in zip(right, rows):
            by_cat[r["category"]][0] += 1
            by_cat[r["category"]][1] += ok
        results[name] = {
            "accuracy": sum(right) / len(rows), "right": sum(right),
            "timeouts": sum(v is None for v in verdicts),
            "median_s": statistics.median(times), "p99_s": _pct(times, 0.99), "max_s": max(times),
            "mean_s": statistics.fmean(times), "total_s": sum(times),
            "over_1s": sum(t > 1.0 for t in times),
            "by_category": {k: v[1] / v[0] for k, v in sorted(by_cat.items())},
            "verdicts": verdicts, "times": times,
        }
    load1 = os.getloadavg() if hasattr(os, "getloadavg") else None

    a = results["evalmetrics"]
    mvs = [results[n] for n, _ in libs[1:]]
    ratios = {}
    for n, _ in libs[1:]:
        b = results[n]
        ratios[n] = {"accuracy_points": 100 * (a["accuracy"] - b["accuracy"]),
                     "median_speedup": b["median_s"] / a["median_s"], "p99_speedup": b["p99_s"] / a["p99_s"],
                     "max_speedup": b["max_s"] / a["max_s"], "total_speedup": b["total_s"] / a["total_s"]}
    best_acc = max(x["accuracy"] for x in mvs)
    best_median = min(x["median_s"] for x in mvs)
    targets = {"accuracy >= math-verify + 10 points": 100 * (a["accuracy"] - best_acc) >= 10,
               "median >= 10x faster": best_median / a["median_s"] >= 10,
               "no evalmetrics sample over 1 s": a["max_s"] <= 1.0}

    def versions():
        out = {}
        for n in ("math-verify", "latex2sympy2_extended", "sympy", "evalmetrics"):
            try:
                out[n] = metadata.version(n)
            except metadata.PackageNotFoundError:
                out[n] = None
        return out

    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; Python "
          f"{platform.python_version()}; load average at start {load0}, at end {load1}")
    print(f"Packages: {versions()}")
    print(f"Data: {len(rows)} rows of {os.path.relpath(DATA, ROOT)} "
          f"({sum(r['label'] for r in rows)} labeled true); warm-up {args.warmup} rows; repeat {args.repeat}\n")
    print("| library | accuracy | right | timeouts | median ms | p99 ms | max ms | total s | rows over 1 s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, _ in libs:
        x = results[name]
        print(f"| {name} | {x['accuracy']:.1%} | {x['right']} | {x['timeouts']} | {1e3 * x['median_s']:.3f} | "
              f"{1e3 * x['p99_s']:.2f} | {1e3 * x['max_s']:.1f} | {x['total_s']:.2f} | {x['over_1s']} |")
    print()
    for n, x in ratios.items():
        print(f"Against {n}: accuracy {x['accuracy_points']:+.1f} points; latency ratio (math-verify / evalmetrics): "
              f"median {x['median_speedup']:.1f}x, p99 {x['p99_speedup']:.1f}x, max {x['max_speedup']:.1f}x, "
              f"total {x['total_speedup']:.1f}x")
    print("\nTargets: " + "; ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in targets.items()))
    print("\n| category | n | " + " | ".join(n for n, _ in libs) + " |")
    print("|---|---:|" + "---:|" * len(libs))
    counts = collections.Counter(r["category"] for r in rows)
    for cat in sorted(counts):
        print(f"| {cat} | {counts[cat]} | " + " | ".join(f"{results[n]['by_category'][cat]:.0%}" for n, _ in libs)
              + " |")

    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump({"rows": len(rows), "ratios": ratios, "targets": targets, "versions": versions(),
                       "load_start": load0, "load_end": load1,
                       "results": {k: {kk: vv for kk, vv in v.items()} for k, v in results.items()},
                       "data": [{"prediction": r["prediction"], "gold": r["gold"], "label": r["label"],
                                 "category": r["category"]} for r in rows]}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
