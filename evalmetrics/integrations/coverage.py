"""How much of a harness's shipped tasks evalmetrics reads back as canonical IDs: the coverage figure.

:func:`lm_eval_coverage` runs the lm_eval task reader over every leaf task of a task folder (the installed lm_eval's
``tasks/`` or an unpacked copy); :func:`lighteval_coverage` runs the lighteval reader over lighteval's built-in
(non-multilingual) task registry. Both return a :class:`Coverage`: rows read as canonical IDs out of all rows the
harness reports, and the unread rows grouped by reason, each reason with its class (:data:`REASON_CLASSES`).

The denominator never drops a row. For lm_eval it is computed from the config itself, not from the reader: for each
leaf task (a YAML whose merged config has ``task:`` and no ``group:``, first definition of a name wins, as lm_eval's
task index does), one row per metric of ``metric_list`` (lm_eval's defaults per ``output_type`` when absent) times
filter pipeline of ``filter_list`` (default ``none``). A row the reader does not return, a task that does not load
and a task module that does not import all count as unread, with the reason.

Pure: readers in, counts out. The command line prints it (``evalmetrics coverage``).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Coverage", "REASON_CLASSES", "NOT_MODELED", "OUTSIDE", "classify", "lm_eval_coverage",
           "lighteval_coverage", "lm_eval_leaf_tasks", "lm_eval_yaml_files", "expected_rows", "format_coverage"]

NOT_MODELED = "not yet modeled"
OUTSIDE = "needs something outside a metrics library"

# What an unread row needs that a metrics library cannot hold, as data: (what, [lowercase patterns]), searched in
# this order in the row's reason and metric name, in lighteval's text for the computation, and for an lm_eval row
# computed by task code (a process_results hook, a task class, a !function metric or aggregation) in that code's
# source with the module-level definitions it uses. No match: not yet modeled (evalmetrics's own gap).
REASON_CLASSES: tuple = (
    ("an LLM judge", ("llm_judge", "judgellm", "judge_llm", "llm_as_judge", "llm-as-a-judge", "judge_model",
                      "openai", "anthropic", "litellm", "mt_bench", "mtbench", "mix_eval", "alpaca_eval",
                      "arena_hard")),
    ("a web API", ("perspectiveapi", "perspective_api", "perspective api", "requests.post(", "requests.get(")),
    ("code execution", ("code_eval", "codegen", "exec(", "subprocess", "unsafe_execute", "reliability_guard",
                        "run_tests", "execute_code", "verifiablereward")),
    ("a model (BERTScore, BLEURT, COMET, ...)",
     ("bertscore", "bert_score", "bleurt", "comet", "bartscore", "bart_score", "summac", "faithfulness",
      "mauve", "sentence_transformers")),
)

# lm_eval 0.4.13's metrics when a task has no metric_list (lm_eval/api/registry.py DEFAULT_METRIC_REGISTRY; the
# conformance test checks this against the installed package).
LM_EVAL_DEFAULT_METRICS = {
    "loglikelihood": ("perplexity", "acc"),
    "loglikelihood_rolling": ("word_perplexity", "byte_perplexity", "bits_per_byte"),
    "multiple_choice": ("acc", "acc_norm"),
    "generate_until": ("exact_match",),
}

_IGNORE_DIRS = ("__pycache__", ".ipynb_checkpoints")


def classify(*texts: str) -> tuple[str, str | None]:
    """(class, what it needs) of an unread row from its texts (reason, metric name, code it runs):
    ``(OUTSIDE, "an LLM judge")`` or ``(NOT_MODELED, None)``."""
    text = "\n".join(t for t in texts if t).lower()
    for what, patterns in REASON_CLASSES:
        if any(p in text for p in patterns):
            return OUTSIDE, what
    return NOT_MODELED, None


@dataclass
class Coverage:
    """Rows read as canonical IDs out of all rows a harness's shipped tasks report, and the unread ones by reason.

    ``reasons``: ``{reason: {"rows", "tasks", "class", "needs", "examples"}}``; the rows of all reasons plus
    ``read`` equal ``rows``."""

    harness: str
    version: str | None
    source: str
    tasks: int = 0
    rows: int = 0
    read: int = 0
    load_errors: int = 0
    notes: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)
    _seen: dict = field(default_factory=dict, repr=False)

    @property
    def unread(self) -> int:
        return self.rows - self.read

    @property
    def fraction(self) -> float:
        return self.read / self.rows if self.rows else 0.0

    def add(self, task: str, metric: str, reproduced: bool, reason: str = "", evidence: str = "") -> None:
        """Count one reported row; an unread one under its reason, classed from the reason, the metric name and
        ``evidence`` (the code or computation text that computes the row)."""
        self.rows += 1
        if reproduced:
            self.read += 1
            return
        reason = reason or "not reproduced (the reader gave no reason)"
        cls, needs = classify(reason, metric, evidence)
        key = reason if needs is None else f"{reason} [needs {needs}]"
        g = self.reasons.get(key)
        if g is None:
            g = self.reasons[key] = {"rows": 0, "tasks": 0, "class": cls, "needs": needs, "examples": []}
            self._seen[key] = set()
        g["rows"] += 1
        if task not in self._seen[key]:
            self._seen[key].add(task)
            g["tasks"] += 1
            if len(g["examples"]) < 5:
                g["examples"].append(f"{task} {metric}".strip())

    def by_class(self) -> dict:
        """{class or "class: needs": unread rows}."""
        out = {NOT_MODELED: 0, OUTSIDE: 0}
        for g in self.reasons.values():
            out[g["class"]] += g["rows"]
            if g["needs"]:
                key = f"{OUTSIDE}: {g['needs']}"
                out[key] = out.get(key, 0) + g["rows"]
        return out

    def to_dict(self) -> dict:
        """The stable JSON form (``evalmetrics coverage --json``)."""
        groups = sorted(self.reasons.items(), key=lambda kv: (-kv[1]["rows"], kv[0]))
        return {
            "harness": self.harness,
            "version": self.version,
            "source": self.source,
            "tasks": self.tasks,
            "rows": self.rows,
            "read": self.read,
            "unread": self.unread,
            "percent_read": round(100 * self.fraction, 2),
            "load_errors": self.load_errors,
            "classes": self.by_class(),
            "reasons": [{"reason": r.rsplit(" [needs ", 1)[0] if g["needs"] else r, **g} for r, g in groups],
            "notes": list(self.notes),
        }


# ------------------------------------------------------------------------------------------------------- lm_eval


def _metric_name(value) -> str:
    name = getattr(value, "name", None)  # a !function reference: lm_eval reports the function's __name__
    if isinstance(name, str) and not isinstance(value, str):
        return name
    return str(value)


def expected_rows(cfg: dict) -> list[str]:
    """The ``"<metric>,<filter>"`` rows lm_eval reports for one task config: every metric of ``metric_list``
    (lm_eval's defaults per ``output_type`` when absent) times every pipeline of ``filter_list`` (default
    ``none``), in config order, each once."""
    ml = cfg.get("metric_list")
    if ml is None:
        metrics = list(LM_EVAL_DEFAULT_METRICS.get(cfg.get("output_type") or "generate_until", ()))
    else:
        metrics = [_metric_name(e.get("metric")) if isinstance(e, dict) else str(e) for e in (ml or ())]
    fl = cfg.get("filter_list")
    filters = [str(f.get("name")) if isinstance(f, dict) else str(f) for f in fl] if fl else ["none"]
    out: list = []
    for f in filters:
        for m in metrics:
            key = f"{m},{f}"
            if key not in out:
                out.append(key)
    return out


def lm_eval_yaml_files(tasks_dir) -> list:
    """Every ``*.yaml`` under ``tasks_dir`` in lm_eval's task-index order (sorted by path; caches skipped)."""
    root = Path(tasks_dir)
    return sorted((p for p in root.glob("**/*.yaml") if not any(part in _IGNORE_DIRS for part in p.parts)),
                  key=lambda p: p.as_posix())


def lm_eval_leaf_tasks(paths, load):
    """Yield ``(name, path, cfg, error)`` for each leaf task among the YAML ``paths``, as lm_eval's task index finds
    them: each YAML merged with its includes by ``load``; a config with ``task:`` (a name) and no ``group:`` is a
    task (``class:`` tasks included), the first YAML of a name wins. A YAML ``load`` cannot read is yielded with
    ``cfg=None`` and its error when its own text names a task (it is counted, unread). ``None`` is yielded for a
    YAML that is no leaf task, so that a caller can count YAMLs."""
    names = set()
    for p in paths:
        try:
            cfg = load(p)
        except Exception as e:  # noqa: BLE001 - a task that does not load is counted with its error
            name = _own_task_name(p)
            if name is not None and name not in names:
                names.add(name)
                yield name, p, None, f"{type(e).__name__}: {e}"
            else:
                yield None
            continue
        name = cfg.get("task") if isinstance(cfg, dict) else None
        if not isinstance(name, str) or ("group" in cfg and "class" not in cfg) or name in names:
            yield None
            continue
        names.add(name)
        yield name, p, cfg, None


_TASK_LINE = re.compile(r"^task:[ \t]*['\"]?([^'\"#\n]+?)['\"]?[ \t]*(?:#.*)?$", re.M)


def _own_task_name(path: Path) -> str | None:
    try:
        m = _TASK_LINE.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None
    return m.group(1).strip() if m else None


def _own_rows(path: Path) -> list[str]:
    """The rows a YAML that does not load names in its own text (plain YAML, tags ignored); at least one."""
    try:
        import yaml

        class _Lenient(yaml.SafeLoader):
            pass

        _Lenient.add_multi_constructor("!", lambda loader, suffix, node: None)
        cfg = yaml.load(path.read_text(encoding="utf-8"), Loader=_Lenient)  # noqa: S506 - SafeLoader subclass
        rows = expected_rows(cfg) if isinstance(cfg, dict) and "metric_list" in cfg else []
    except Exception:  # noqa: BLE001
        rows = []
    return rows or ["(unknown),none"]


def lm_eval_coverage(tasks_dir=None, progress=None) -> Coverage:
    """The coverage of lm_eval's tasks under ``tasks_dir`` (default: the installed lm_eval's task folder, found
    without importing lm_eval). ``progress(i, n)`` is called after each of the n YAML files."""
    from .lm_eval_tasks import lm_eval_tasks_dir, load_task_yaml

    root = Path(tasks_dir) if tasks_dir is not None else lm_eval_tasks_dir()
    root = root.expanduser().resolve()
    version = _lm_eval_version(root)
    source = f"the installed lm_eval {version}'s tasks/ folder" if version else str(root)
    cov = Coverage(harness="lm_eval", version=version, source=source)
    paths = lm_eval_yaml_files(root)
    n = len(paths)
    for i, item in enumerate(lm_eval_leaf_tasks(paths, load_task_yaml), 1):
        if item is not None:
            cov.tasks += 1
            _count_lm_eval_task(cov, root, *item)
        if progress:
            progress(i, n)
    return cov


def _count_lm_eval_task(cov: Coverage, root: Path, name, path, cfg, load_error) -> None:
    from .lm_eval_tasks import read_lm_eval_task

    if cfg is None:
        cov.load_errors += 1
        for key in _own_rows(path):
            cov.add(name, key.split(",", 1)[0], False, f"the task config does not load: {_short(load_error, root)}")
        return
    expected = expected_rows(cfg)
    try:
        reading = read_lm_eval_task(cfg)
        got = {r.key: r for r in reading.readings}
        error = None
    except Exception as e:  # noqa: BLE001 - a reader failure is counted, never dropped
        got, error = {}, f"the reader failed: {type(e).__name__}: {_short(e, root)}"
    if "class" in cfg and cfg.get("metric_list") is None:
        expected = list(got) or ["(defined by the task class),none"]
    for key in expected:
        r = got.get(key)
        metric = key.split(",", 1)[0]
        if r is not None and r.reproduced:
            cov.add(name, metric, True)
            continue
        reason = _short(r.reason, root) if r is not None else error or "the reader reports no such row"
        cov.add(name, metric, False, reason, _task_code(cfg, metric))
    extra = [k for k in got if k not in expected]
    if extra:
        cov.notes.append(f"{name}: the reader reports rows lm_eval does not ({', '.join(extra)}); not counted")


def _task_code(cfg: dict, metric: str) -> str:
    """The source of the task code that computes ``metric``'s row (its process_results hook, task class, and the
    metric_list entry's !function metric and aggregation), with the module-level definitions it uses."""
    refs = [cfg.get("process_results"), cfg.get("class")]
    for e in cfg.get("metric_list") or ():
        if isinstance(e, dict) and _metric_name(e.get("metric")) == metric:
            refs += [e.get("metric"), e.get("aggregation")]
    return "\n".join(_code_of(r) for r in refs if r is not None and hasattr(r, "spec") and hasattr(r, "file"))


_MODULES: dict = {}


def _code_of(ref) -> str:
    """A !function reference's definition and, transitively, the module-level definitions and assignments it
    names (read with ``ast``; nothing is run)."""
    import ast

    path = ref.file
    if path is None or not os.path.isfile(path):
        return ""
    if path not in _MODULES:
        try:
            text = Path(path).read_text(encoding="utf-8")
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            _MODULES[path] = {}
        else:
            defs: dict = {}
            for node in tree.body:
                seg = _code_text(node)
                names = []
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names = [node.name]
                elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = [t.id for t in targets if isinstance(t, ast.Name)]
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names = [(a.asname or a.name).split(".")[0] for a in node.names]
                elif isinstance(node, (ast.Try, ast.If, ast.With)):  # names set inside a module-level block
                    names = sorted({x.id for x in ast.walk(node) if isinstance(x, ast.Name)
                                    and isinstance(x.ctx, ast.Store)})
                for n in names:
                    used = {x.id for x in ast.walk(node) if isinstance(x, ast.Name)}
                    used |= {x.value.id for x in ast.walk(node)
                             if isinstance(x, ast.Attribute) and isinstance(x.value, ast.Name)}
                    defs[n] = (seg, used)
            _MODULES[path] = defs
    defs = _MODULES[path]
    out, todo, seen = [], [ref.name], set()
    while todo:
        n = todo.pop()
        if n in seen or n not in defs:
            continue
        seen.add(n)
        seg, used = defs[n]
        out.append(seg)
        todo.extend(sorted(used - seen))
    return "\n".join(out)


def _code_text(node) -> str:
    """A definition's code without comments and docstrings (what it runs, not what it says)."""
    import ast
    import copy

    node = copy.deepcopy(node)
    for n in ast.walk(node):
        body = getattr(n, "body", None)
        if (isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Module)) and body
                and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant)
                and isinstance(body[0].value.value, str)):
            n.body = body[1:] or [ast.Pass()]
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001 - an odd node: no evidence rather than a failure
        return ""


def _short(text: str, root: Path) -> str:
    """A reason without the folder it was read from, so that equal reasons group."""
    return str(text).replace(str(root) + os.sep, "")


def _lm_eval_version(root: Path) -> str | None:
    """lm_eval's installed version when ``root`` is the installed package's task folder, else None."""
    try:
        from importlib.metadata import PackageNotFoundError, distribution
    except ImportError:  # pragma: no cover
        return None
    try:
        dist = distribution("lm_eval")
    except PackageNotFoundError:
        return None
    try:
        installed = Path(str(dist.locate_file("lm_eval/tasks"))).resolve()
    except Exception:  # noqa: BLE001
        return None
    return dist.version if installed == root else None


# ----------------------------------------------------------------------------------------------------- lighteval


def lighteval_coverage(progress=None) -> Coverage:
    """The coverage of lighteval's built-in (non-multilingual) task registry, read by the lighteval reader: each
    task's metrics, one row per reported metric name. A task module that does not import counts as one unread row
    with its error (its tasks cannot be listed)."""
    from . import lighteval_tasks as lt
    from . import require

    require("lighteval", "measuring lighteval's coverage")
    cov = Coverage(harness="lighteval", version=lt._lighteval_version(), source="built-in task registry")
    modules = lt._task_modules()
    configs = []
    for m in modules:
        cfgs = lt._configs_of(m)
        short = m.split(".")[3]
        if isinstance(cfgs, Exception):
            cov.load_errors += 1
            cov.tasks += 1
            first = (str(cfgs).splitlines() or [""])[0][:200]
            cov.add(short, "(unknown)", False, f"the task module does not import: {type(cfgs).__name__}: {first}", m)
            continue
        configs.extend(sorted(cfgs.values(), key=lambda c: str(getattr(c, "name", ""))))  # some modules build
        # their task table from a set: sorted, so the examples listed are the same in every process
    cov.tasks += len(configs)
    for i, cfg in enumerate(configs, 1):
        try:
            readings = lt.read_lighteval_task(cfg).readings
            for r in readings:
                cov.add(cfg.name, r.metric, r.reproduced, r.reason, r.computation)
        except Exception as e:  # noqa: BLE001 - counted, never dropped
            for name in _lighteval_names(cfg):
                cov.add(cfg.name, name, False, f"the reader failed: {type(e).__name__}: {e}")
        if progress:
            progress(i, len(configs))
    return cov


def _lighteval_names(cfg) -> list:
    out = []
    for m in getattr(cfg, "metrics", ()):
        m = getattr(m, "value", m)
        mn = getattr(m, "metric_name", "(unknown)")
        out.extend(mn if isinstance(mn, (list, tuple)) else [str(mn)])
    return out or ["(unknown)"]


# ---------------------------------------------------------------------------------------------------------- text


def format_coverage(d: dict, top: int = 25) -> str:
    """The text form of :meth:`Coverage.to_dict` (what ``evalmetrics coverage`` prints)."""
    version = f" {d['version']}" if d.get("version") else ""
    lines = [f"{d['harness']}{version}: {d['source']}",
             f"  {d['tasks']:,} tasks, {d['rows']:,} reported rows",
             f"  read as canonical IDs: {d['read']:,} / {d['rows']:,} ({d['percent_read']:.1f} %)",
             f"  unread: {d['unread']:,}"]
    for cls, n in d["classes"].items():
        indent = "      " if ": " in cls else "    "
        lines.append(f"{indent}{cls.split(': ', 1)[-1]}: {n:,}")
    if d["load_errors"]:
        lines.append(f"  configs that do not load (counted as unread): {d['load_errors']:,}")
    reasons = d["reasons"]
    if reasons:
        lines.append("")
        lines.append(f"unread rows by reason ({min(top, len(reasons))} of {len(reasons)}; --json for all):")
        for g in reasons[:top]:
            cls = g["needs"] or g["class"]
            lines.append(f"  {g['rows']:>6,}  [{cls}] {g['reason']}")
            lines.append(f"          {g['tasks']:,} tasks, e.g. {', '.join(g['examples'][:3])}")
    return "\n".join(lines)
