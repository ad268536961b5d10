"""Command line: ``evalmetrics explain | list | score | diff`` (also ``python -m evalmetrics``)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from ._lazy import np

from .errors import EvalMetricsError, InvalidInput

__all__ = ["main"]


def _bundled(name: str) -> str:
    return os.path.join(os.path.dirname(__file__), "data", name)


DEFAULT_DATA = "sample_generations.jsonl"


def _parse_options(pairs):
    out = {}
    for p in pairs or ():
        if "=" not in p:
            raise InvalidInput(f"--option expects key=value, got {p!r}", field="option")
        k, v = p.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v
    return out


def _load_samples(path, pred_col, ref_col, fmt=None, limit=None):
    """Read (prediction, references) columns, streaming. Returns two lists."""
    from .io import read_rows

    preds, refs = [], []
    for i, row in enumerate(read_rows(path, fmt)):
        if limit is not None and i >= limit:
            break
        for col in (pred_col, ref_col):
            if col not in row:
                raise InvalidInput(
                    f"column {col!r} not found; columns: {', '.join(map(str, row))}", index=i, field=col
                )
        preds.append(row[pred_col])
        refs.append(row[ref_col])
    return preds, refs


def _load_choices(path, fmt=None, limit=None):
    from .io import read_rows
    from .metrics.choice import Choices

    out = []
    keys = ("logprobs", "gold", "texts", "token_counts", "unconditioned_logprobs", "is_greedy")
    for i, row in enumerate(read_rows(path, fmt)):
        if limit is not None and i >= limit:
            break
        try:
            out.append(Choices(**{k: row.get(k) for k in keys if row.get(k) is not None or k in ("logprobs", "gold")}))
        except InvalidInput as e:
            raise InvalidInput(e.reason, index=i, field=e.field) from None
    return out


def _compute(metric, path, args):
    if metric.request_type == "multiple_choice":
        return metric.compute(_load_choices(path, args.format, args.limit), progress=args.progress)
    preds, refs = _load_samples(path, args.pred_col, args.ref_col, args.format, args.limit)
    return metric.compute(preds, refs, progress=args.progress)


def _write_details_atomic(path, result, extra=None):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".details-", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            timeouts = set(result.timeout_indices)
            for i, v in enumerate(result.per_sample):
                rec = {"index": i, "score": float(v), "timeout": i in timeouts}
                f.write(json.dumps(rec) + "\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def cmd_explain(args):
    if args.lm_eval_task:
        from .integrations.task_reader import explain_lm_eval_task, read_lm_eval_task

        if args.json:
            r = read_lm_eval_task(args.lm_eval_task)
            print(json.dumps([x.to_dict() for t in r.tasks() for x in t.readings], indent=2, default=str))
        else:
            print(explain_lm_eval_task(args.lm_eval_task))
        return 0
    if args.name is None:
        raise InvalidInput("give a metric name, or --lm-eval-task PATH", field="name")
    from . import explain

    e = explain(args.name)
    if args.json:
        print(json.dumps({"query": e.query, "meanings": e.meanings, "example": e.example, "notes": e.notes},
                         indent=2, default=str))
    else:
        print(e)
    return 0


def cmd_list(args):
    from . import catalog

    rows = catalog(args.harness)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], indent=2))
        return 0
    width = max(len(r.name) for r in rows)
    for r in rows:
        print(f"{r.name:<{width}}  {r.summary}")
    return 0


def cmd_score(args):
    from . import get

    metric = get(args.metric, **_parse_options(args.option))
    path = args.data or _bundled(DEFAULT_DATA)
    r = _compute(metric, path, args)
    if args.details:
        _write_details_atomic(args.details, r)
    if args.json:
        d = r.to_dict()
        d["name"] = args.metric
        print(json.dumps(d, indent=2))
    else:
        print(f"metric   {args.metric}")
        if args.metric != r.metric_id:
            print(f"id       {r.metric_id}")
        print(f"score    {r.score:.6f}")
        print(f"stderr   {r.stderr:.6f}  ({r.stderr_method})")
        print(f"n        {r.n}")
        if r.n_timeouts:
            print(f"timeouts {r.n_timeouts} (scored 0)")
    return 0


def _data_kind(path, fmt):
    """'multiple_choice' if the file's rows are choice log-prob records, else 'generate_until'."""
    from .io import read_rows

    for row in read_rows(path, fmt):
        return "multiple_choice" if "logprobs" in row else "generate_until"
    raise InvalidInput(f"{path} has no rows", field="data")


def _meanings(args, path):
    from . import explain, get

    if args.metrics:
        return [(m, get(m)) for m in args.metrics], []
    e = explain(args.name)
    kind = _data_kind(path, args.format)
    keep, skipped = [], []
    for alias, _ in e.meanings:
        m = get(alias)
        (keep if m.request_type == kind else skipped).append((alias, m))
    return keep, [f"{a} scores {m.request_type} records, not this file's rows" for a, m in skipped]


def cmd_diff(args):
    from . import get
    from .explain import trace
    from .units import run_steps

    path = args.data or _bundled(DEFAULT_DATA)
    meanings, skipped = _meanings(args, path)
    if len(meanings) < 1:
        raise InvalidInput("no meaning of this name scores this kind of data", field="metrics")
    # Names that resolve to the same canonical ID are one meaning: score it once, list every name.
    by_id = {}
    for name, m in meanings:
        by_id.setdefault(m.id, []).append(name)
    meanings = [(" = ".join(names), get(names[0])) for names in by_id.values()]
    kinds = {m.request_type for _, m in meanings}
    if len(kinds) > 1:
        raise InvalidInput("cannot compare generative and multiple-choice metrics on one file", field="metrics")
    mc = kinds == {"multiple_choice"}
    if mc:
        samples = _load_choices(path, args.format, args.limit)
    else:
        preds, refs = _load_samples(path, args.pred_col, args.ref_col, args.format, args.limit)
    results = {}
    for name, m in meanings:
        results[name] = m.compute(samples, progress=args.progress) if mc else m.compute(preds, refs, progress=args.progress)
    rows = []
    for name, m in meanings:
        r = results[name]
        lo, hi = r.ci(0.95, seed=args.seed, n_boot=args.n_boot)
        rows.append({"name": name, "id": r.metric_id, "score": r.score, "ci95": [lo, hi], "n": r.n,
                     "n_timeouts": r.n_timeouts})
    pairs = []
    names = [n for n, _ in meanings]
    for a in range(len(names)):
        for b in range(a + 1, len(names)):
            va, vb = results[names[a]].per_sample, results[names[b]].per_sample
            idx = np.nonzero(va != vb)[0]
            examples = []
            for i in idx[: args.examples]:
                i = int(i)
                ex = {"index": i, "scores": {names[a]: float(va[i]), names[b]: float(vb[i])}}
                if not mc:
                    ref0 = refs[i] if isinstance(refs[i], str) else refs[i][0]
                    ex["prediction"], ex["reference"] = preds[i], refs[i]
                    ex["processed"] = {}
                    for n in (names[a], names[b]):
                        m = dict(meanings)[n]
                        if hasattr(m, "pred"):
                            ex["processed"][n] = {
                                "prediction": run_steps(m.pred, preds[i]),
                                "reference": run_steps(m.ref, ref0),
                                "changed_by": [s for _, s, _, _ in trace(m, preds[i], ref0)],
                            }
                examples.append(ex)
            pairs.append({"a": names[a], "b": names[b], "flips": int(len(idx)), "examples": examples})
    out = {"data": path, "n": rows[0]["n"], "bootstrap_seed": args.seed, "n_boot": args.n_boot,
           "scores": rows, "pairs": pairs, "skipped": skipped, "name": args.name}
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    _print_diff(out)
    return 0


def _print_diff(out):
    scores = [r["score"] for r in out["scores"]]
    if len(scores) > 1:
        print(f"The same {out['n']} outputs score from {min(scores):.3f} to {max(scores):.3f} under "
              f"{len(scores)} meanings{' of ' + repr(out['name']) if out.get('name') else ''}.")
    print(f"data: {out['data']}  (n={out['n']}; 95% bootstrap intervals, seed {out['bootstrap_seed']}, "
          f"{out['n_boot']} resamples)\n")
    w = max(len(r["name"]) for r in out["scores"])
    print(f"{'meaning':<{w}}  score   95% CI")
    for r in out["scores"]:
        lo, hi = r["ci95"]
        t = f"  ({r['n_timeouts']} timeouts)" if r["n_timeouts"] else ""
        print(f"{r['name']:<{w}}  {r['score']:.3f}   [{lo:.3f}, {hi:.3f}]{t}")
    print("\ncanonical IDs:")
    for r in out["scores"]:
        print(f"  {r['name']}:\n    {r['id']}")
    for note in out.get("skipped", ()):
        print(f"(not shown: {note})")
    print("\nsamples whose verdict flips, per pair:")
    for p in sorted(out["pairs"], key=lambda p: -p["flips"]):
        if p["flips"]:
            print(f"  {p['flips']:>5}  {p['a']}  vs  {p['b']}")
    same = [f"{p['a']} / {p['b']}" for p in out["pairs"] if not p["flips"]]
    if same:
        print("  no flips on this data: " + "; ".join(same))
    shown = [p for p in out["pairs"] if p["examples"]][: out.get("max_pairs_shown", 6)]
    if shown:
        print("\nfirst flipping samples:")
    for p in shown:
        print(f"\n  {p['a']} vs {p['b']}")
        for ex in p["examples"]:
            sa, sb = ex["scores"][p["a"]], ex["scores"][p["b"]]
            if "prediction" in ex:
                print(f"    #{ex['index']}: prediction={ex['prediction']!r} reference={ex['reference']!r} -> "
                      f"{sa:g} vs {sb:g}")
                for n, d in ex.get("processed", {}).items():
                    steps = ", ".join(s.split("(")[0] for s in d["changed_by"]) or "no step changed the text"
                    print(f"      {n}: compares {d['prediction']!r} with {d['reference']!r} (changed by: {steps})")
            else:
                print(f"    #{ex['index']}: {sa:g} vs {sb:g}")


def build_parser():
    p = argparse.ArgumentParser(prog="evalmetrics", description="Explicit, reproducible evaluation metrics.")
    sub = p.add_subparsers(dest="cmd", required=True)

    e = sub.add_parser("explain", help="what a metric name or canonical ID means, per harness; or an lm_eval task")
    e.add_argument("name", nargs="?")
    e.add_argument("--lm-eval-task", metavar="PATH",
                   help="an lm_eval task (or group) YAML: the canonical ID of each row it reports, with its steps")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_explain)

    ls = sub.add_parser("list", help="every shipped unit and alias")
    ls.add_argument("--harness", help="only this harness's aliases (lm_eval, lighteval, helm, squad, hf_evaluate)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    def data_args(sp):
        sp.add_argument("--data", help="JSONL, CSV, Parquet or a saved datasets folder (default: the bundled sample)")
        sp.add_argument("--format", choices=("jsonl", "csv", "parquet", "datasets"), help="override detection")
        sp.add_argument("--pred-col", default="prediction", help="prediction column (default: prediction)")
        sp.add_argument("--ref-col", default="references", help="reference column: a string or a list (default: references)")
        sp.add_argument("--limit", type=int, help="only the first N rows")
        sp.add_argument("--progress", action="store_true", default=None, help="force a progress bar")
        sp.add_argument("--json", action="store_true", help="machine-readable output")

    s = sub.add_parser("score", help="score a file with one metric")
    s.add_argument("--metric", required=True, help="canonical ID or alias, e.g. lm_eval:exact_match")
    s.add_argument("--option", action="append", metavar="KEY=VALUE",
                   help="harness configuration key (JSON value), e.g. --option ignore_case=true")
    s.add_argument("--details", metavar="OUT", help="write per-sample results (JSONL) to OUT, atomically")
    data_args(s)
    s.set_defaults(func=cmd_score)

    d = sub.add_parser("diff", help="score one file under several meanings of a name, and show what flips")
    g = d.add_mutually_exclusive_group(required=True)
    g.add_argument("--name", help="every harness meaning of this name, e.g. exact_match")
    g.add_argument("--metrics", nargs="+", help="canonical IDs or aliases")
    d.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    d.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    d.add_argument("--examples", type=int, default=3, help="flipping samples shown per pair (default 3)")
    data_args(d)
    d.set_defaults(func=cmd_diff)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except EvalMetricsError as e:
        print(f"evalmetrics: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
