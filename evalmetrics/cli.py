"""Command line: ``evalmetrics explain | list | score | diff | report | sensitivity`` (also ``python -m evalmetrics``)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

from .errors import EvalMetricsError, InvalidInput

__all__ = ["main"]


def _bundled(name: str) -> str:
    return os.path.join(os.path.dirname(__file__), "data", name)


DEFAULT_DATA = "sample_generations.jsonl"


def _dumps(obj, **kw) -> str:
    """Strict JSON for everything the command line writes: a NaN or infinity (stderr for n = 1, an empty interval)
    becomes null, never the bare NaN token that strict parsers reject."""
    return json.dumps(_finite(obj), allow_nan=False, **kw)


def _finite(v):
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else None
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v


def _parse_options(pairs):
    out = {}
    for p in pairs or ():
        if "=" not in p:
            raise InvalidInput(f"--option expects key=value, got {p!r}", field="option")
        k, v = p.split("=", 1)
        if v.strip() in _PYTHON_WORDS:  # Python's spelling of a JSON literal: say so rather than pass a string
            raise InvalidInput(
                f"--option {p}: values are JSON, so write {k}={_PYTHON_WORDS[v.strip()]} (for the text "
                f"{v.strip()!r} itself, quote it: {k}='\"{v.strip()}\"')", field="option")
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v  # not JSON: the text itself (ignore_punctuation=false is JSON, regex=a.b is text)
    return out


_PYTHON_WORDS = {"True": "true", "False": "false", "None": "null"}


def cmd_explain(args):
    if args.lm_eval_task:
        from .integrations.lm_eval_tasks import explain_lm_eval_task, read_lm_eval_task

        if args.json:
            r = read_lm_eval_task(args.lm_eval_task)
            print(_dumps([x.to_dict() for t in r.tasks() for x in t.readings], indent=2, default=str))
        else:
            print(explain_lm_eval_task(args.lm_eval_task))
        return 0
    if getattr(args, "lighteval_task", None):
        from .integrations.lighteval_tasks import read_lighteval_task

        r = read_lighteval_task(args.lighteval_task)
        if args.json:
            print(_dumps([x.to_dict() for t in r.tasks() for x in t.readings], indent=2, default=str))
        else:
            print(r)
        return 0
    if args.name is None:
        raise InvalidInput("give a metric or task name, --lm-eval-task PATH_OR_NAME or --lighteval-task "
                           "NAME_OR_FILE", field="name")
    from .explain import explain
    from .errors import UnknownMetric

    try:
        e = explain(args.name)
    except UnknownMetric as err:
        reading = _installed_task(args.name, err)  # a task the shipped aliases do not name: its installed config
        print(_dumps([x.to_dict() for t in reading.tasks() for x in t.readings], indent=2, default=str)
              if args.json else reading)
        return 0
    if args.json:
        print(_dumps({"query": e.query, "meanings": e.meanings, "example": e.example, "notes": e.notes,
                      "groups": [{"names": g.names, "id": g.id} for g in e.groups],
                      "more_examples": e.more_examples, "rounding_only": e.rounding_only},
                     indent=2, default=str))
    else:
        print(e)
    return 0


def cmd_list(args):
    from .registry import catalog

    rows = catalog(args.harness)
    if args.json:
        print(_dumps([r.__dict__ for r in rows], indent=2))
        return 0
    # an alias as the docs write it (lm_eval:acc) with the versioned key it resolves to; older versions by key
    names = [f"{r.unversioned} (= {r.name})" if r.unversioned else r.name for r in rows]
    width = max(map(len, names), default=0)
    for n, r in zip(names, rows):
        print(f"{n:<{width}}  {r.summary}")
    return 0


def cmd_score(args):
    from .registry import get
    from .io import read_rows
    from .streaming import ScoringInterrupted, score_rows

    metric = get(args.metric, **_parse_options(args.option))
    path = args.data or _bundled(DEFAULT_DATA)
    kw = {"lm_eval_filter": args.filter} if getattr(args, "filter", None) is not None else {}
    try:
        r = score_rows(metric, read_rows(path, args.format, **kw), source=path, fmt=args.format,
                       pred_col=args.pred_col, ref_col=args.ref_col, details=args.details, resume=args.resume,
                       force=args.force, limit=args.limit, chunk_rows=args.chunk_rows, progress=args.progress,
                       source_options=kw)
    except ScoringInterrupted as e:
        sys.stderr.write("\n" + (_interrupted_words(e, getattr(args, "argv", None)) if args.details
                                 else "evalmetrics: interrupted") + "\n")
        return 130
    notes = _stderr_notes(args.metric, r.aggregation)
    if args.json:
        d = r.to_dict()
        d["name"] = args.metric
        d["stderr_harnesses"] = notes
        print(_dumps(d, indent=2))
    else:
        print(f"metric   {args.metric}")
        if args.metric != r.metric_id:
            print(f"id       {r.metric_id}")
        print(f"score    {r.score:.6f}")
        # NaN for n < 2 and for a corpus statistic (the method says why)
        se = f"{r.stderr:.6f}" if r.stderr == r.stderr else "N/A" + (f" (n = {r.n})" if r.n < 2 else "")
        print(f"stderr   {se}  ({r.stderr_method})")
        for note in notes.values():
            print(f"         {note}")
        print(f"n        {r.n}")
        if r.n_timeouts:
            print(f"timeouts {r.n_timeouts} (scored 0)")
        if r.rows_resumed:
            print(f"resumed  {r.rows_resumed} rows from {args.details}; computed {r.rows_computed}")
    return 0


def _interrupted_words(e, argv) -> str:
    """The line printed after Ctrl-C in ``score``: how many rows were saved, and the command that resumes."""
    import shlex

    if not e.details:
        return "evalmetrics: interrupted; no rows were saved (rerun the same command to start again)"
    argv = [a for a in (argv if argv is not None else sys.argv[1:]) if a != "--force"]
    again = shlex.join(["evalmetrics", *argv] + ([] if "--resume" in argv else ["--resume"]))
    return (f"evalmetrics: interrupted; {e.rows_saved:,} rows scored and saved in {e.details}. "
            f"To continue: {again}")


def _stderr_notes(name: str, aggregation: str) -> dict:
    """What the harness of an alias (each harness, for a canonical ID) reports as this score's stderr."""
    from .registry import resolve_alias
    from .result import stderr_notes

    alias = resolve_alias(name)
    return stderr_notes(aggregation, alias.harness if alias is not None else None)


def _installed_task(name, err):
    """The reading of the installed lm_eval task (group, tag) ``name``, after ``err`` (UnknownMetric) said it is no
    metric name. Raises ``err`` when lm_eval is not installed or no task has the name, with the closest task names
    added to its suggestions."""
    from .errors import InvalidConfig, UnknownMetric, UnknownTask
    from .integrations.lm_eval_tasks import is_task_name, read_lm_eval_task_named

    if not isinstance(name, str) or not is_task_name(name):
        raise err
    try:
        return read_lm_eval_task_named(name)
    except UnknownTask as e:
        extra = [t for t in e.suggestions if t not in err.suggestions]
        raise (UnknownMetric(name, list(err.suggestions) + extra) if extra else err) from None
    except InvalidConfig as e:  # lm_eval is not installed: the error says a task name needs it
        raise (err if getattr(err, "hint", "") else UnknownMetric(name, err.suggestions, hint=str(e))) from None


def _meanings(args, path):
    from .diffing import resolve_meanings
    from .errors import UnknownMetric

    try:
        return resolve_meanings(path, name=args.name, metrics=args.metrics, fmt=args.format,
                                lm_eval_filter=getattr(args, "filter", None))
    except UnknownMetric as err:
        if not args.name:
            raise
        reading = _installed_task(args.name, err)
    # a task name the shipped aliases do not name: the rows its installed config reports that score this file's
    # kind of rows, by alias where one has exactly the row's ID (else by the ID)
    from .diffing import data_kind
    from .registry import get

    kind = data_kind(path, args.format, getattr(args, "filter", None))
    rows = [r.alias or r.id for t in reading.tasks() for r in t.readings if r.id is not None]
    fit = [x for x in dict.fromkeys(rows) if get(x).request_type == kind]
    if not fit:
        raise InvalidInput(f"no row of lm_eval task {args.name!r} that evalmetrics reproduces scores {kind} rows "
                           f"(its rows: {', '.join(dict.fromkeys(rows)) or 'none reproduced'})", field="name")
    return resolve_meanings(path, metrics=fit, fmt=args.format, lm_eval_filter=getattr(args, "filter", None))


def _diff_dict(args):
    from .diffing import diff

    path = args.data or _bundled(DEFAULT_DATA)
    meanings, skipped = _meanings(args, path)
    return diff(path, meanings, fmt=args.format, pred_col=args.pred_col, ref_col=args.ref_col, limit=args.limit,
                lm_eval_filter=args.filter, seed=args.seed, n_boot=args.n_boot, examples=args.examples,
                progress=args.progress, skipped=skipped, name=args.name)


def cmd_diff(args):
    out = _diff_dict(args)
    if args.json:
        print(_dumps(out, indent=2, ensure_ascii=False))
        return 0
    _print_diff(out)
    return 0


def cmd_report(args):
    from .report import render

    out = _diff_dict(args)
    html = render(out)
    d = os.path.dirname(os.path.abspath(args.output))
    fd, tmp = tempfile.mkstemp(prefix=".report-", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp's 0600 is for the temporary name: the page gets a file's usual mode
        os.replace(tmp, args.output)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    if args.json:
        print(_dumps({"report": args.output, "n": out["n"], "meanings": len(out["scores"])}))
    else:
        print(f"wrote {args.output} ({len(out['scores'])} meanings, n={out['n']})")
    return 0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def cmd_sensitivity(args):
    from .sensitivity import format_report, run_sensitivity

    out = run_sensitivity(args.model, args.requests, batch_size=args.batch_size, dtypes=tuple(args.dtypes),
                          device=args.device, limit=args.limit)
    print(_dumps(out, indent=2) if args.json else format_report(out))
    return 0


def cmd_coverage(args):
    from .integrations.coverage import format_coverage, lighteval_coverage, lm_eval_coverage

    progress = None if args.quiet else _counter("coverage")
    if args.lighteval:
        cov = lighteval_coverage(progress=progress)
    else:
        cov = lm_eval_coverage(args.lm_eval_tasks or None, progress=progress)
    d = cov.to_dict()
    text = _dumps(d, indent=1, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        sys.stdout.write(text)
    else:
        print(format_coverage(d, top=args.top))
    return 0


def cmd_card(args):
    from .errors import InvalidInput
    from .runs import read_run

    if args.output and not args.output.lower().endswith(".json"):
        raise InvalidInput(f"card -o writes the card's JSON form; give a .json name, not {args.output!r} (an HTML "
                           f"page comes from `evalmetrics why A B -o page.html`)", field="output")
    card = read_run(args.run)
    d = card.to_dict()
    if not args.doc_hashes:
        for docs in d["documents"].values():
            docs.pop("doc_hashes", None)
    text = _dumps(d, indent=1, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    if args.json:
        sys.stdout.write(text)
    else:
        print(card.format())
    return 0


def cmd_why(args):
    from .runs import format_why, why

    benchmarks = {}
    for pair in args.benchmark or ():
        ta, eq, tb = pair.partition("=")
        if not eq or not ta or not tb:
            raise InvalidInput(f"--benchmark {pair!r}: expected A_TASK=B_TASK (A's task name, B's task name)",
                               field="benchmark")
        benchmarks[ta] = tb
    d = why(args.a, args.b, seed=args.seed, n_boot=args.n_boot, examples=args.examples, benchmarks=benchmarks)
    text = _dumps(d, indent=1, ensure_ascii=False) + "\n"
    if args.output:
        if args.output.lower().endswith((".html", ".htm")):
            from .runs.why_report import render_why

            text_out = render_why(d)
        else:
            text_out = text
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text_out)
        print(f"wrote {args.output}", file=sys.stderr)
    if args.json:
        sys.stdout.write(text)
    else:
        print(format_why(d))
    return 0


def _counter(desc):
    """A running count on stderr: redrawn on a terminal, a line every 10 s otherwise."""
    import time

    tty = sys.stderr.isatty()
    start = time.monotonic()
    last = [start]

    def tick(i, n):
        now = time.monotonic()
        if i != n and now - last[0] < (0.5 if tty else 10.0):
            return
        last[0] = now
        msg = f"{desc}: {i:,}/{n:,}, {now - start:.0f}s"
        sys.stderr.write(("\r" + msg + ("\n" if i == n else "")) if tty else msg + "\n")
        sys.stderr.flush()

    return tick


def _print_diff(out):
    scores = [r["score"] for r in out["scores"]]
    of = f" of {out['name']!r}" if out.get("name") else ""
    if len(scores) > 1 and min(scores) != max(scores):
        print(f"The same {out['n']} outputs score from {min(scores):.3f} to {max(scores):.3f} under "
              f"{len(scores)} meanings{of}.")
    elif len(scores) > 1:
        print(f"The same {out['n']} outputs score {scores[0]:.3f} under all {len(scores)} meanings{of}.")
    filt = f", lm_eval filter {out['filter']!r}" if out.get("filter") else ""
    print(f"data: {out['data']}  (n={out['n']}{filt}; 95% bootstrap intervals, seed {out['bootstrap_seed']}, "
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
    print("\nsamples whose verdict flips, per pair (p: paired significance of the difference):")
    if not out["pairs"]:
        print("  none: one meaning, nothing to compare")
    for p in sorted(out["pairs"], key=lambda p: -p["flips"]):
        if p["flips"]:
            sig = p.get("significance")
            pv = f"  p = {sig['p_value']:.3g}" if sig else ""
            print(f"  {p['flips']:>5}  {p['a']}  vs  {p['b']}{pv}")
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
            doc = f" (doc_id {ex['doc_id']})" if "doc_id" in ex else ""
            if "prediction" in ex:
                print(f"    #{ex['index']}{doc}: prediction={ex['prediction']!r} reference={ex['reference']!r} -> "
                      f"{sa:g} vs {sb:g}")
                from .diffing import changed_words, flip_words

                for n, d in ex.get("processed", {}).items():
                    print(f"      {n}: compares {d['prediction']!r} with {d['reference']!r} "
                          f"({changed_words(d)})")
                why = "; ".join(flip_words(ex.get("differs_by", ())))
                if ex.get("processed"):
                    print(f"      -> flipped by: {why or 'the comparison itself (mode, empty-answer rule or combine)'}")
            else:
                print(f"    #{ex['index']}{doc}: {sa:g} vs {sb:g}")


def build_parser():
    p = argparse.ArgumentParser(prog="evalmetrics", description="Explicit, reproducible evaluation metrics.")
    sub = p.add_subparsers(dest="cmd", required=True)

    e = sub.add_parser("explain", help="what a metric name or canonical ID means, per harness; or an lm_eval task")
    e.add_argument("name", nargs="?")
    e.add_argument("--lm-eval-task", metavar="PATH_OR_NAME",
                   help="an lm_eval task (or group) YAML, or a task, group or tag name found among the installed "
                        "lm_eval's task folders (gsm8k, mmlu): the canonical ID of each row it reports, with its steps")
    e.add_argument("--lighteval-task", metavar="NAME_OR_FILE",
                   help="a lighteval task name (gsm8k, arc:easy, mmlu) or custom task .py file: the canonical ID of "
                        "each metric it reports, with its steps (needs lighteval)")
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
        sp.add_argument("--filter", help="an lm_eval samples file's filter (required when the file holds several)")
        sp.add_argument("--progress", action="store_true", default=None, help="force a progress bar")
        sp.add_argument("--json", action="store_true", help="machine-readable output")

    s = sub.add_parser("score", help="score a file with one metric")
    s.add_argument("--metric", required=True, help="canonical ID or alias, e.g. lm_eval:exact_match")
    s.add_argument("--option", action="append", metavar="KEY=VALUE",
                   help="harness configuration key with a JSON value (true, false, null, 3, \"text\"; text that is "
                        "not JSON is taken as is), e.g. --option ignore_case=true")
    s.add_argument("--details", metavar="OUT",
                   help="append per-sample results (JSONL) to OUT as rows are scored, with a checkpoint "
                        "OUT.state.json until the run finishes")
    s.add_argument("--resume", action="store_true",
                   help="continue an interrupted run from OUT and its checkpoint (same input and metric)")
    s.add_argument("--force", action="store_true", help="overwrite an existing OUT")
    s.add_argument("--chunk-rows", type=int, default=20_000, metavar="N",
                   help="rows scored per chunk (default 20000); memory does not grow with the file")
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

    rp = sub.add_parser("report", help="the diff as a self-contained HTML page (chart, table, flipping samples)")
    g = rp.add_mutually_exclusive_group(required=True)
    g.add_argument("--name", help="every harness meaning of this name, e.g. exact_match")
    g.add_argument("--metrics", nargs="+", help="canonical IDs or aliases")
    rp.add_argument("-o", "--output", required=True, metavar="OUT.html", help="where to write the page")
    rp.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    rp.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples (default 1000)")
    rp.add_argument("--examples", type=int, default=3, help="flipping samples shown per pair (default 3)")
    data_args(rp)
    rp.set_defaults(func=cmd_report)

    se = sub.add_parser("sensitivity", help="how log-prob scores move with batch size and dtype")
    se.add_argument("--model", required=True, help="a local transformers model folder, or tiny-random")
    se.add_argument("--requests", required=True,
                    help="JSONL of requests: context, continuation, and for choice questions question (or doc_id) "
                         "and gold")
    se.add_argument("--batch-size", type=int, default=8, help="the batch size compared with 1 (default 8)")
    se.add_argument("--dtypes", nargs="+", default=["float32", "bfloat16"],
                    choices=("float32", "bfloat16", "float16", "float64"), help="default: float32 bfloat16")
    se.add_argument("--device", default="cpu", help="torch device (default cpu)")
    se.add_argument("--limit", type=int, help="only the first N requests")
    se.add_argument("--json", action="store_true", help="machine-readable output")
    se.set_defaults(func=cmd_sensitivity)
    cv = sub.add_parser("coverage", help="how many rows of a harness's shipped tasks read back as canonical IDs")
    g = cv.add_mutually_exclusive_group(required=True)
    g.add_argument("--lm-eval-tasks", nargs="?", const="", metavar="DIR",
                   help="an lm_eval task folder (default: the installed lm_eval's tasks/)")
    g.add_argument("--lighteval", action="store_true",
                   help="lighteval's built-in (non-multilingual) task registry (needs lighteval)")
    cv.add_argument("--json", action="store_true", help="machine-readable output")
    cv.add_argument("-o", "--output", metavar="OUT.json", help="also write the JSON form to OUT.json")
    cv.add_argument("--top", type=int, default=25, help="unread reasons shown (default 25)")
    cv.add_argument("--quiet", action="store_true", help="no progress counter on stderr")
    cv.set_defaults(func=cmd_coverage)
    cd = sub.add_parser("card", help="a saved run as a run card: settings by kind, rows with canonical IDs, documents")
    cd.add_argument("run", help="an lm_eval or lighteval output folder (with one results_<date>.json) or the results "
                                "file itself, or a HELM run folder (benchmark_output/runs/<suite>/<run>/)")
    cd.add_argument("--json", action="store_true", help="machine-readable output")
    cd.add_argument("-o", "--output", metavar="OUT.json", help="also write the JSON form to OUT.json")
    cd.add_argument("--doc-hashes", action="store_true",
                    help="keep every logged document's content hash in the JSON (default: the digest only)")
    cd.set_defaults(func=cmd_card)
    wy = sub.add_parser("why", help="why two saved runs' scores differ: settings, and the metric / outputs / "
                                    "documents parts of each row's gap")
    wy.add_argument("a", help="run A: an lm_eval or lighteval output folder or results file, or a HELM run folder")
    wy.add_argument("b", help="run B")
    wy.add_argument("--json", action="store_true", help="machine-readable output")
    wy.add_argument("-o", "--output", metavar="OUT", help="also write the comparison to OUT: a self-contained HTML "
                                                           "page when OUT ends in .html, else the JSON form")
    wy.add_argument("--seed", type=int, default=0, help="seed of the paired bootstrap (default 0)")
    wy.add_argument("--n-boot", type=int, default=10000, help="paired bootstrap resamples (default 10000)")
    wy.add_argument("--examples", type=int, default=3, help="documents that flip, shown side by side (default 3)")
    wy.add_argument("--benchmark", action="append", metavar="A_TASK=B_TASK",
                    help="runs of two harnesses: A's task A_TASK and B's task B_TASK are one benchmark (their rows "
                         "pair, documents aligned by content), besides the pairs evalmetrics finds; repeatable")
    wy.set_defaults(func=cmd_why)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    args.argv = list(argv) if argv is not None else sys.argv[1:]
    try:
        return args.func(args)
    except EvalMetricsError as e:
        print(f"evalmetrics: error: {e}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover
        return 0
    except KeyboardInterrupt:  # any other command: no traceback, the shell's exit status for SIGINT
        print("\nevalmetrics: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
