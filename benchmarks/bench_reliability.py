#!/usr/bin/env python
"""Reliability figures for docs/reliability.md: hostile input per category, and streaming `score` at scale.

Two parts, each printed as a Markdown table (and written as JSON with ``--out``)::

    .venv/bin/python benchmarks/bench_reliability.py hostile [--huge-mb 1] [--out hostile.json]
    .venv/bin/python benchmarks/bench_reliability.py stream --rows 1000000 10000000 [--out stream.json]

``hostile``: every metric and step of the catalog (built from the registry, as tests/test_reliability.py does)
on deterministic inputs of each category below (seeded; no hypothesis shrinking, so the counts are
reproducible). Per category: inputs tried, plain results, typed errors (``EvalMetricsError``), timeouts (the
typed ``Timeout``, a subset of typed errors), internal errors (any other exception: must be 0, each is listed),
and the slowest single call with its unit (by CPU time of this process, which other jobs on a shared machine do
not inflate; wall time beside it). Each unit is called once untimed first, so lazy imports are not timed. Units that delegate to sacrebleu / rouge-score are not given the
1 MB texts (those packages bound neither time nor memory; TER and ROUGE-L exhaust memory): they are counted as
"not run".

``stream``: for each row count, a JSONL of short (prediction, reference) pairs is generated under /tmp (once;
reused when present) and ``python -m evalmetrics score --metric M --details OUT --json`` runs in a child
process; its peak resident memory (``ru_maxrss`` from ``os.wait4``), wall time and CPU time are reported, with
rows per second of each.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

# ----------------------------------------------------------------------------------------------- hostile input

UNICODE_POOL = (
    ["\u0301", "\u0308", "\u20dd", "\u05d0", "\u0627", "\u202e", "\u202c", "\u200b", "\u200d", "\ufeff", "\x00",
     "\ud800", "\udfff", "\U0001f600", "\u0130", "\u00df", "\u212a", "\u0660", "\u2028", "\r", "\n", " ", "\t"]
    + list("aZ09.,$#(){}[]\\-")
)
JUNK = [None, b"bytes", 1, 1.5, float("nan"), True, ["a"], ("a",), {"a": 1}, [None], [], [[1]], object()]
ADVERSARIAL = [("(a|aa)+$", "a" * 5000 + "!"), ("(x+x+)+y", "x" * 5000), ("(a*)*b", "a" * 5000),
               ("(.*a){12}", "a" * 40), ("^(\\w+\\s?)*$", "word " * 2000 + "!")]


def _catalog():
    import evalmetrics as em
    from evalmetrics.registry import aliases, is_versioned
    from evalmetrics.units import UNITS, Step

    em.catalog()  # loads every unit module
    units = {k: a.make_example() for k, a in sorted(aliases().items()) if is_versioned(k)}
    units.update({c.name: c.example() for c in UNITS.values() if c.kind in ("metric", "normalizer", "extractor")})
    metrics = {k: u for k, u in units.items() if isinstance(u, em.Metric)}
    steps = {k: u for k, u in units.items() if isinstance(u, Step)}
    return metrics, steps


def _kind(m):
    from evalmetrics.metrics.sampling import _SamplingMetric

    if isinstance(m, _SamplingMetric):
        return "sampling"
    return "choice" if m.request_type == "multiple_choice" else "text"


def _delegates(u) -> bool:
    """Units left out of the 1 MB category. None since textgen.py bounds TER's and ROUGE-L's quadratic work."""
    return False


def _unicode_texts(rnd, n):
    return ["".join(rnd.choice(UNICODE_POOL) for _ in range(rnd.randint(0, 60))) for _ in range(n)]


def _huge_texts(mb):
    n = int(mb * (1 << 20))
    return ["a" * n, ("1,0." * n)[:n], "{" * (n // 2) + "}" * (n // 2), ("e\u0301 \u0130 \u200b" * n)[:n],
            ("\ud800x" * n)[:n]]


def _cases(category, metrics, steps, rnd, huge_mb):
    """Yield (unit key, callable, skipped) for one category."""
    import evalmetrics as em

    def choices(**kw):
        base = dict(logprobs=[-1.0, -2.0], gold=0, texts=["a", "bb"], token_counts=[1, 2],
                    unconditioned_logprobs=[-1.5, -1.0], is_greedy=[True, False])
        base.update(kw)
        return lambda m: m.score(em.Choices(**base))

    if category == "unicode":
        texts = _unicode_texts(rnd, 8)
        for k, m in metrics.items():
            kd = _kind(m)
            for t in texts:
                if kd == "text":
                    yield k, (lambda m=m, t=t: m.score(t, [t[::-1], t])), False
                elif kd == "sampling":
                    yield k, (lambda m=m, t=t: m.score([t, t[:3]], t)), False
                else:
                    yield k, (lambda m=m, t=t: choices(texts=[t or "x", "b"])(m)), False
        for k, s in steps.items():
            for t in texts:
                yield k, (lambda s=s, t=t: s.apply(t)), False
    elif category == "huge_1mb":
        texts = _huge_texts(huge_mb)
        for k, m in metrics.items():
            kd = _kind(m)
            for t in texts:
                if kd == "choice":
                    yield k, (lambda m=m, t=t: choices(texts=[t, "b"])(m)), False
                elif kd == "sampling":
                    yield k, (lambda m=m, t=t: m.score([t, "a"], t)), _delegates(m)
                else:
                    yield k, (lambda m=m, t=t: m.score(t, [t, "a"])), _delegates(m)
        for k, s in steps.items():
            for t in texts:
                yield k, (lambda s=s, t=t: s.apply(t)), False
    elif category == "wrong_types":
        for k, m in metrics.items():
            kd = _kind(m)
            for j in JUNK:
                if kd == "choice":
                    for fld in ("logprobs", "gold", "texts", "token_counts", "unconditioned_logprobs", "is_greedy"):
                        yield k, (lambda m=m, f=fld, j=j: choices(**{f: j})(m)), False
                    yield k, (lambda m=m, j=j: m.compute([j])), False
                else:
                    yield k, (lambda m=m, j=j: m.score(j, "a")), False
                    yield k, (lambda m=m, j=j: m.score(["a"] if _kind(m) == "sampling" else "a", j)), False
                    yield k, (lambda m=m, j=j: m.compute(j, j)), False
        for k, s in steps.items():
            for j in JUNK:
                yield k, (lambda s=s, j=j: s.apply(j)), False
    elif category == "mismatched_lengths":
        for k, m in metrics.items():
            if _kind(m) == "choice":
                yield k, (lambda m=m: choices(texts=["a"])(m)), False
                yield k, (lambda m=m: choices(token_counts=[1, 2, 3])(m)), False
            else:
                first = ["a"] if _kind(m) == "sampling" else "a"
                yield k, (lambda m=m, f=first: m.compute([f, f], ["a"])), False
                yield k, (lambda m=m, f=first: m.compute([f], ["a", "b", "c"])), False
                yield k, (lambda m=m: m.compute([], [])), False
    elif category == "nan_inf_logprobs":
        vals = [float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 0.0, -0.0]
        for k, m in metrics.items():
            if _kind(m) != "choice":
                continue
            for a in vals:
                for b in vals:
                    yield k, (lambda m=m, a=a, b=b: choices(logprobs=[a, b], unconditioned_logprobs=[b, a])(m)), False
    elif category == "empty_choice_lists":
        for k, m in metrics.items():
            if _kind(m) != "choice":
                continue
            for kw in (dict(logprobs=[], texts=[], token_counts=[], unconditioned_logprobs=[], is_greedy=[]),
                       dict(gold=[]), dict(texts=["", ""]), dict(token_counts=[0, 0])):
                yield k, (lambda m=m, kw=kw: choices(**kw)(m)), False
    elif category == "adversarial_regex":
        for pat, text in ADVERSARIAL:
            for make in (lambda p: em.RegexRemove(p), lambda p: em.RegexExtract(pattern=p),
                         lambda p: em.PerToken(split=p), lambda p: em.RegexReplace(pattern=p, replacement="")):
                yield f"user pattern {pat!r}", (lambda make=make, p=pat, t=text: make(p).apply(t)), False


CATEGORIES = ("unicode", "huge_1mb", "wrong_types", "mismatched_lengths", "nan_inf_logprobs", "empty_choice_lists",
              "adversarial_regex")


def run_hostile(args):
    import evalmetrics as em

    metrics, steps = _catalog()
    rnd = random.Random(args.seed)
    for m in metrics.values():  # untimed warm-up: lazy imports (numpy, sacrebleu, rouge-score) load here
        try:
            kd = _kind(m)
            if kd == "choice":
                m.score(em.Choices(logprobs=[-1.0], gold=0, texts=["a"], token_counts=[1], is_greedy=[True],
                                   unconditioned_logprobs=[-1.0]))
            else:
                m.score(["a"] if kd == "sampling" else "a", "a")
        except em.EvalMetricsError:
            pass
    rows = []
    for cat in CATEGORIES:
        c = dict(category=cat, tried=0, results=0, typed_errors=0, timeouts=0, internal_errors=0, not_run=0,
                 slowest_s=0.0, slowest_wall_s=0.0, slowest=None, internal=[])
        for key, fn, skip in _cases(cat, metrics, steps, rnd, args.huge_mb):
            if skip:
                c["not_run"] += 1
                continue
            c["tried"] += 1
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                fn()
                c["results"] += 1
            except em.Timeout:
                c["typed_errors"] += 1
                c["timeouts"] += 1
            except em.EvalMetricsError:
                c["typed_errors"] += 1
            except Exception as e:  # noqa: BLE001 - the figure we report
                c["internal_errors"] += 1
                c["internal"].append(f"{key}: {type(e).__name__}: {str(e)[:120]}")
            dt, wall = time.process_time() - c0, time.perf_counter() - t0
            if dt > c["slowest_s"]:
                c["slowest_s"], c["slowest_wall_s"], c["slowest"] = dt, wall, key
        rows.append(c)
        print(f"{cat}: {c['tried']} tried, {c['internal_errors']} internal errors, slowest {c['slowest_s']:.2f}s "
              f"({c['slowest']})", file=sys.stderr, flush=True)
    print(f"\n{len(metrics)} metrics and {len(steps)} steps (catalog entries and unit examples); seed {args.seed}\n")
    print("| category | inputs tried | results | typed errors | of which timeouts | internal errors | not run |"
          " slowest call: CPU (wall) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for c in rows:
        print(f"| {c['category']} | {c['tried']:,} | {c['results']:,} | {c['typed_errors']:,} | {c['timeouts']:,} |"
              f" {c['internal_errors']} | {c['not_run']} | {c['slowest_s']:.2f} s ({c['slowest_wall_s']:.2f} s) "
              f"`{c['slowest']}` |")
    print(f"\nload average at end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for c in rows:
        by_unit: dict = {}
        for line in c["internal"]:
            by_unit.setdefault(line.split(": ")[0], []).append(line.split(": ", 1)[1])
        for unit, msgs in sorted(by_unit.items()):
            print(f"- {c['category']}: {unit}: {len(msgs)} internal errors, e.g. {msgs[0]}")
    return rows


# ----------------------------------------------------------------------------------------------- streaming

WORDS = ["the", "answer", "is", "Paris", "42", "1,072", "B", "yes", "no", "cat", "$5", "12.5"]


def make_rows_file(path: str, n: int, seed: int = 0) -> None:
    """n JSONL rows of short pairs: a prediction of 1-4 words and a number, a one-string reference."""
    if os.path.exists(path):
        return
    rnd = random.Random(seed)
    tmp = path + ".part"
    with open(tmp, "w", encoding="utf-8") as f:
        block = []
        for i in range(n):
            words = " ".join(rnd.choice(WORDS) for _ in range(1 + (i % 4)))
            block.append(f'{{"prediction": "{words} {i % 97}", "references": "{i % 89}"}}\n')
            if len(block) == 100_000:
                f.write("".join(block))
                block = []
        f.write("".join(block))
    os.replace(tmp, path)


_WHOLE = """
import sys, evalmetrics as em
from evalmetrics.io import read_rows
rows = list(read_rows(sys.argv[2]))
preds = [r["prediction"] for r in rows]; refs = [r["references"] for r in rows]; del rows
print(em.get(sys.argv[1]).compute(preds, refs).score)
"""


def _child(cmd):
    """Run cmd; return (stdout, wall seconds, rusage of that child)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, cwd=ROOT)
    stdout = proc.stdout.read()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[:4]}... failed (exit {os.waitstatus_to_exitcode(status)})")
    return stdout, wall, ru


def run_stream(args):
    rows = []
    for n in args.whole_rows:
        data = os.path.join(args.dir, f"evalmetrics_bench_{n}.jsonl")
        make_rows_file(data, n)
        _, wall, ru = _child([sys.executable, "-c", _WHOLE, args.metric, data])
        print(f"for comparison, all {n:,} rows in memory (read_rows into lists, then one compute): peak RSS "
              f"{ru.ru_maxrss / 1024:.1f} MiB, {wall:.1f} s wall, {ru.ru_utime + ru.ru_stime:.1f} s CPU")
    for n in args.rows:
        data = os.path.join(args.dir, f"evalmetrics_bench_{n}.jsonl")
        make_rows_file(data, n)
        out = os.path.join(args.dir, f"evalmetrics_bench_{n}.details.jsonl")
        for p in (out, out + ".state.json"):
            if os.path.exists(p):
                os.unlink(p)
        cmd = [sys.executable, "-m", "evalmetrics", "score", "--metric", args.metric, "--data", data,
               "--details", out, "--json"]
        stdout, wall, ru = _child(cmd)
        res = json.loads(stdout)
        cpu = ru.ru_utime + ru.ru_stime
        rows.append(dict(rows=n, peak_rss_mib=ru.ru_maxrss / 1024, wall_s=wall, cpu_s=cpu, rows_per_s_wall=n / wall,
                         rows_per_s_cpu=n / cpu, score=res["score"], data_mib=os.path.getsize(data) / 2**20,
                         details_mib=os.path.getsize(out) / 2**20))
        os.unlink(out)
        print(f"{n:,} rows: peak RSS {ru.ru_maxrss / 1024:.1f} MiB, {wall:.1f} s wall", file=sys.stderr, flush=True)
    print(f"\nmetric {args.metric}; python {platform.python_version()}; {os.cpu_count()} CPUs; load average at end "
          f"{os.getloadavg()[0]:.1f}\n")
    print("| rows | input | details written | peak RSS of `score` | wall | CPU | rows/s (wall) | rows/s (CPU) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['rows']:,} | {r['data_mib']:.0f} MiB | {r['details_mib']:.0f} MiB | {r['peak_rss_mib']:.1f} MiB |"
              f" {r['wall_s']:.1f} s | {r['cpu_s']:.1f} s | {r['rows_per_s_wall']:,.0f} | {r['rows_per_s_cpu']:,.0f} |")
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="part", required=True)
    h = sub.add_parser("hostile")
    h.add_argument("--seed", type=int, default=0)
    h.add_argument("--huge-mb", type=float, default=1.0, help="size of the huge texts in MiB (default 1)")
    h.add_argument("--out")
    s = sub.add_parser("stream")
    s.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    s.add_argument("--metric", default="lm_eval:exact_match")
    s.add_argument("--whole-rows", type=int, nargs="*", default=[],
                   help="also measure holding these many rows in memory and scoring them at once (for comparison)")
    s.add_argument("--dir", default="/tmp", help="where the generated inputs and details go (default /tmp)")
    s.add_argument("--out")
    args = p.parse_args(argv)
    res = run_hostile(args) if args.part == "hostile" else run_stream(args)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(res, f, indent=1, default=str)


if __name__ == "__main__":
    main()
