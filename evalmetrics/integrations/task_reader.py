"""Read an lm_eval task config back as canonical IDs: what each reported score really computes.

``read_lm_eval_task(path)`` reads a task YAML (its ``include`` chain, ``output_type``, ``filter_list``,
``metric_list`` with options, ``doc_to_target``, ``repeats``, ``process_results``, ``class``) the way lm_eval
0.4.13 interprets it, and returns one :class:`MetricReading` per reported row ``"<metric>,<filter>"``: the canonical
ID of the whole pipeline (filters on the prediction, the reference as ``doc_to_target`` renders it, the metric with
its options), the shipped alias with exactly that ID if there is one, and the steps in plain words. A part that
evalmetrics does not model is reported as not reproduced, with the reason, never guessed.

No harness package is needed and no task code is run: ``!function`` hooks are identified by the SHA-256 of their
source as lm_eval 0.4.13 ships it (read from the file next to the YAML), not imported. Group YAMLs (``group:`` with
a ``task:`` list, e.g. ``mmlu``) are read member by member, resolving names, groups and tags among the YAMLs under
the group's folder.

What the reference is. For ``doc_to_target: "{{answer}}"`` lm_eval renders the field; a rendered text that is a
Python list literal becomes a list, and a task whose first document yields a list is a multiple-target task (any
target matching scores 1). Which one a field is depends on the data, not the YAML, so such rows carry two readings:
``id`` (the field holds a text) and ``list_id`` (the field holds a list of texts). References are the field's value
in both.
"""
from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import EvalMetricsError, InvalidConfig

__all__ = [
    "read_lm_eval_task",
    "explain_lm_eval_task",
    "TaskReading",
    "MetricReading",
    "FunctionRef",
    "load_task_yaml",
    "KNOWN_HOOKS",
    "LM_EVAL_METRICS",
]

# lm_eval 0.4.13's registered metric names (lm_eval/api/metrics.py) and its defaults when metric_list is absent.
LM_EVAL_METRICS = frozenset({
    "acc", "acc_all", "acc_bytes", "acc_mutual_info", "acc_norm", "bits_per_byte", "bleu", "brier_score", "bypass",
    "byte_perplexity", "chrf", "chrf++", "exact_match", "f1", "likelihood", "mcc", "perplexity", "ter",
    "word_perplexity",
})
_DEFAULT_METRICS = {
    "loglikelihood": ("perplexity", "acc"),
    "loglikelihood_rolling": ("word_perplexity", "byte_perplexity", "bits_per_byte"),
    "multiple_choice": ("acc", "acc_norm"),
    "generate_until": ("exact_match",),
}
# Keys of a metric_list entry that lm_eval does not pass to the metric function (lm_eval/api/task.py:698-703).
_NOT_OPTIONS = ("metric", "aggregation", "higher_is_better", "hf_evaluate")

# process_results hooks and task classes shipped with lm_eval 0.4.13, by the SHA-256 (first 16 hex digits) of the
# function's or class's source text: {hash: (where, {reported metric: alias key or None})}. None: not reproduced.
KNOWN_HOOKS: dict[str, tuple[str, dict[str, str | None]]] = {
    "2e94f2675967277a": ("hendrycks_math/utils.py:process_results", {"exact_match": "lm_eval:hendrycks_math"}),
    "b2f6cd6901c0a831": ("drop/utils.py:process_results", {"em": "lm_eval:drop/em", "f1": "lm_eval:drop/f1"}),
    "b1bf57a8ed0d0cba": ("minerva_math/utils.py:process_results", {"exact_match": None, "math_verify": None}),
    "8db42f02270d1bb3": ("truthfulqa/utils.py:process_results_mc2", {"acc": None}),
    "da1dd99feb2c4714": ("squadv2/task.py:SQuAD2", {
        "exact": "lm_eval:squadv2/exact", "f1": "lm_eval:squadv2/f1", "HasAns_exact": None, "HasAns_f1": None,
        "NoAns_exact": None, "NoAns_f1": None, "best_exact": None, "best_f1": None,
    }),
}
_HOOK_NOTES = {
    "squadv2/task.py:SQuAD2": "lm_eval reports these as corpus values x100 through evaluate's squad_v2; the ID is "
                              "the per-sample value whose mean (x100) that is",
    "minerva_math/utils.py:process_results": "minerva_math compares with sympy under a 5 s alarm (exact_match) "
                                             "and math-verify (math_verify); evalmetrics has no alias for either",
}

EM_TASK_CLASS = "evalmetrics.integrations.lm_eval.EvalMetricsTask"
_EM_MODULE = "evalmetrics.integrations.lm_eval."


# ---------------------------------------------------------------------------------------------- YAML loading


@dataclass(frozen=True)
class FunctionRef:
    """A ``!function module.name`` reference as written in a YAML, with the folder it is relative to."""

    spec: str
    base_dir: str | None = None

    @property
    def name(self) -> str:
        return self.spec.rpartition(".")[2]

    @property
    def file(self) -> str | None:
        mod = self.spec.rpartition(".")[0]
        if not mod or self.base_dir is None:
            return None
        return os.path.join(self.base_dir, mod.replace(".", "/") + ".py")

    def source(self) -> str | None:
        """The source text of the referenced top-level function or class, read with ``ast`` (nothing is run)."""
        path = self.file
        if path is None or not os.path.isfile(path):
            return None
        return _definition_source(Path(path).read_text(encoding="utf-8"), self.name)

    def digest(self) -> str | None:
        src = self.source()
        return None if src is None else _source_digest(src)

    def __str__(self) -> str:
        return f"!function {self.spec}"


def _parse(text: str):
    """``ast.parse`` without the warnings a module's odd string escapes give (the module is read, not run)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except SyntaxError:
            return None


def _definition_source(text: str, name: str) -> str | None:
    tree = _parse(text)
    if tree is None:
        return None
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            return "".join(lines[start - 1:node.end_lineno])
    return None


def _source_digest(source: str) -> str:
    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def _loader(base_dir: str):
    yaml = _yaml()

    class Loader(yaml.SafeLoader):
        pass

    def ctor(loader, node):
        return FunctionRef(loader.construct_scalar(node), base_dir)

    Loader.add_constructor("!function", ctor)
    return Loader


def _yaml():
    from . import require

    return require("yaml", "reading lm_eval task YAMLs")


def load_task_yaml(path, _seen=None) -> dict:
    """A task YAML as lm_eval's loader merges it (``include`` files first, local keys win), with every
    ``!function`` as a :class:`FunctionRef`. Nothing is imported or run."""
    path = Path(path).expanduser().resolve()
    _seen = set() if _seen is None else _seen
    if path in _seen:
        raise InvalidConfig(f"include cycle at {path}")
    _seen.add(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidConfig(f"cannot read task config {str(path)!r}: {e}") from None
    yaml = _yaml()
    try:
        cfg = yaml.load(text, Loader=_loader(str(path.parent)))  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        raise InvalidConfig(f"{path}: not valid YAML: {e}") from None
    if not isinstance(cfg, dict):
        raise InvalidConfig(f"{path}: expected a mapping at the top level, got {type(cfg).__name__}")
    if "include" not in cfg:
        return cfg
    includes = cfg.pop("include")
    merged: dict = {}
    for inc in includes if isinstance(includes, list) else [includes]:
        inc_path = Path(inc) if os.path.isabs(inc) else path.parent / inc
        sub = load_task_yaml(inc_path, _seen)
        sub.pop("task_list", None)
        merged.update(sub)
    merged.update(cfg)
    return merged


# ---------------------------------------------------------------------------------------------- readings


@dataclass
class MetricReading:
    """One reported row ``key = "<metric>,<filter>"`` of an lm_eval task, read back as a canonical ID.

    ``id``: the canonical ID of what the row computes per document (None: not reproduced; ``reason`` says why).
    ``alias``: a shipped alias with exactly that ID (``same_as``: every such alias). ``list_id`` / ``list_alias``:
    the same when ``doc_to_target`` yields a list (multiple targets). ``references``: what the metric's references
    are, in words. ``steps``: the pipeline in plain words.
    """

    task: str | None
    filter: str
    metric: str
    output_type: str
    id: str | None = None
    alias: str | None = None
    same_as: tuple = ()
    list_id: str | None = None
    list_alias: str | None = None
    reason: str = ""
    references: str = ""
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric},{self.filter}"

    @property
    def reproduced(self) -> bool:
        return self.id is not None or self.list_id is not None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["key"] = self.key
        d["reproduced"] = self.reproduced
        return d

    def lines(self) -> list[str]:
        out = [f"{self.key}"]
        if not self.reproduced:
            out.append(f"  not reproduced: {self.reason}")
        if self.id is not None:
            label = "id" if self.list_id is None else "id (target is a text)"
            out.append(f"  {label}: {self.id}")
            if self.alias:
                out.append(f"  = {self.alias}" + (f"  (also {', '.join(a for a in self.same_as if a != self.alias)})"
                                                   if len(self.same_as) > 1 else ""))
        if self.list_id is not None:
            out.append(f"  id (target is a list, any matching): {self.list_id}")
            if self.list_alias:
                out.append(f"  = {self.list_alias}")
        if self.references:
            out.append(f"  references: {self.references}")
        out.extend(steps_and_notes(self.steps, self.notes))
        return out


def steps_and_notes(steps, notes) -> list[str]:
    """The numbered plain-words steps and the notes of a reading, as printed lines (shared by the task readers)."""
    return [f"  {i}. {s}" for i, s in enumerate(steps, 1)] + [f"  note: {n}" for n in notes]


@dataclass
class TaskReading:
    """What an lm_eval task (or group) reports, row by row. ``readings``: one per (filter pipeline, metric);
    ``members``: for a group, the reading of each member task (or subgroup)."""

    task: str | None
    path: str | None = None
    output_type: str | None = None
    readings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    group: str | None = None
    members: list = field(default_factory=list)

    def get(self, metric: str, filter: str = "none") -> MetricReading:
        for r in self.readings:
            if r.metric == metric and r.filter == filter:
                return r
        raise KeyError(f"{metric},{filter}")

    def tasks(self) -> list["TaskReading"]:
        """Every leaf task reading (a task: itself; a group: its members', recursively)."""
        if self.group is None:
            return [self]
        out = []
        for m in self.members:
            out.extend(m.tasks())
        return out

    def __str__(self) -> str:
        if self.group is not None:
            return _group_text(self)
        head = f"lm_eval task {self.task or '(unnamed template)'}"
        if self.output_type:
            head += f" ({self.output_type})"
        lines = [head]
        if self.path:
            lines.append(f"  from {self.path}")
        for n in self.notes:
            lines.append(f"  note: {n}")
        for r in self.readings:
            lines.append("")
            lines.extend("  " + x for x in r.lines())
        return "\n".join(lines)


def _group_text(g: TaskReading) -> str:
    leaves = g.tasks()
    lines = [f"lm_eval group {g.group}: {len(leaves)} tasks"]
    if g.path:
        lines.append(f"  from {g.path}")
    for n in g.notes:
        lines.append(f"  note: {n}")
    # Tasks whose rows read identically are shown once.
    buckets: dict = {}
    for t in leaves:
        sig = tuple((r.key, r.id, r.list_id, r.reason) for r in t.readings)
        buckets.setdefault(sig, []).append(t)
    for tasks in buckets.values():
        names = [t.task or "?" for t in tasks]
        shown = ", ".join(names[:4]) + (f", ... ({len(names)} tasks)" if len(names) > 4 else "")
        lines.append("")
        lines.append(f"  {shown}:")
        for r in tasks[0].readings:
            lines.extend("    " + x for x in r.lines())
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- entry points


def read_lm_eval_task(source) -> TaskReading:
    """Read an lm_eval task or group: a YAML path, or a config dict (e.g. ``results["configs"][task]``).

    >>> import evalmetrics.integrations.task_reader as tr
    >>> r = tr.read_lm_eval_task({"task": "t", "output_type": "multiple_choice", "metric_list": [{"metric": "acc"}]})
    >>> r.get("acc").alias
    'lm_eval:acc'
    """
    path = None
    if isinstance(source, (str, os.PathLike)):
        path = str(Path(source).expanduser().resolve())
        cfg = load_task_yaml(path)
    elif isinstance(source, dict):
        cfg = dict(source)
    else:
        raise InvalidConfig(f"read_lm_eval_task: expected a YAML path or a config dict, got {type(source).__name__}")
    if "group" in cfg and isinstance(cfg.get("task"), list):
        return _read_group(cfg, path)
    return _read_task(cfg, path)


def explain_lm_eval_task(path) -> str:
    """The reading of an lm_eval task YAML as text: per reported row, its canonical ID and steps in plain words.

    This is what ``evalmetrics explain --lm-eval-task PATH`` prints."""
    return str(read_lm_eval_task(path))


# ---------------------------------------------------------------------------------------------- groups


_GROUP_KEYS = ("group", "group_alias", "task", "aggregate_metric_list", "metadata", "tag")


def _read_group(cfg: dict, path: str | None, cache: dict | None = None, overrides: dict | None = None) -> TaskReading:
    """A group's members, with lm_eval's override rule: a group's non-group keys apply to its members, and the
    caller's overrides win over the group's."""
    cache = {} if cache is None else cache
    overrides = {**{k: v for k, v in cfg.items() if k not in _GROUP_KEYS}, **(overrides or {})}
    g = TaskReading(task=None, path=path, group=str(cfg.get("group")))
    agg = cfg.get("aggregate_metric_list")
    if agg:
        for a in agg if isinstance(agg, list) else [agg]:
            if isinstance(a, dict):
                how = "weighted by task size" if a.get("weight_by_size") else "unweighted"
                g.notes.append(
                    f"group row {a.get('metric')},{a.get('filter_list', 'none')}: mean over the members' values "
                    f"({how}); each member's value is read below"
                )
    if overrides:
        g.notes.append(f"members read with the group's overrides: {', '.join(sorted(overrides))}")
    if path is None and cache.get("__root__") is None:
        g.notes.append("members are named, not given: read the group's YAML file to resolve them")
        return g
    root = str(Path(path).parent) if path is not None else cache["__root__"]
    cache.setdefault("__root__", root)
    if root not in cache:
        cache[root] = _yaml_index(Path(root))
    index = cache[root]
    seen = {Path(path).resolve()} if path is not None else set()
    for member in cfg["task"]:
        g.members.extend(_member(member, index, seen, cache, overrides))
    return g


def _yaml_index(root: Path) -> dict:
    """{name: [yaml paths]} for every task, group and tag defined by YAMLs under ``root``."""
    out: dict = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__", ".ipynb_checkpoints")]
        for fn in filenames:
            if not (fn.endswith(".yaml") or fn.endswith(".yml") or fn.endswith("_yaml")):
                continue
            p = Path(dirpath) / fn
            try:
                raw = _yaml().load(p.read_text(encoding="utf-8"), Loader=_loader(str(p.parent)))
            except Exception:
                continue
            if not isinstance(raw, dict):
                continue
            names = []
            for k in ("task", "group"):
                if isinstance(raw.get(k), str):
                    names.append(raw[k])
            tags = raw.get("tag")
            names.extend([tags] if isinstance(tags, str) else (tags or []))
            for n in names:
                out.setdefault(n, []).append(p)
    return out


def _member(member, index: dict, seen: set, cache: dict, overrides: dict) -> list[TaskReading]:
    if isinstance(member, dict):
        if "group" in member:  # a group by name with overrides, or an inline group
            inline = {k: v for k, v in member.items() if k != "group"}
            if member["group"] in index:
                return _by_name(member["group"], index, seen, cache, {**overrides, **inline})
            return [_read_group(member, None, cache, overrides)]
        item = {**overrides, **member}
        name = member.get("task")
        found = _by_name(name, index, seen, cache, item) if isinstance(name, str) else []
        return found or [_read_task(item, None)]
    return _by_name(member, index, seen, cache, overrides)


def _by_name(name, index: dict, seen: set, cache: dict, overrides: dict) -> list[TaskReading]:
    paths = index.get(name)
    if not paths:
        return [TaskReading(task=str(name), notes=[f"{name!r} is not defined under this group's folder"])]
    out = []
    for p in sorted(paths):
        cfg = load_task_yaml(p)
        if "group" in cfg and isinstance(cfg.get("task"), list):
            if cfg.get("group") == name and p.resolve() not in seen:  # a group inside itself: read once
                seen.add(p.resolve())
                out.append(_read_group(cfg, str(p), cache, overrides))
        elif cfg.get("task") == name or name in _tags(cfg):
            merged = {**cfg, **{k: v for k, v in overrides.items() if k != "task" or cfg.get("task") == name}}
            out.append(_read_task(merged, str(p)))
    return out


def _tags(cfg) -> list:
    t = cfg.get("tag")
    return [t] if isinstance(t, str) else list(t or [])


# ---------------------------------------------------------------------------------------------- one task


class _NotModeled(EvalMetricsError):
    pass


def _read_task(cfg: dict, path: str | None) -> TaskReading:
    output_type = cfg.get("output_type") or "generate_until"
    task = cfg.get("task") if isinstance(cfg.get("task"), str) else None
    tr = TaskReading(task=task, path=path, output_type=output_type)
    cls = cfg.get("class")
    em_class = _is_em_class(cls)
    hook = cfg.get("process_results")
    if cls is not None and not em_class:
        return _read_hooked(tr, cfg, cls, "task class")
    if hook is not None and not (isinstance(hook, str) and not hook.strip()):
        return _read_hooked(tr, cfg, hook, "process_results hook")

    metric_entries = _metric_entries(cfg, output_type)
    pipelines = _filter_pipelines(cfg)
    if em_class:
        tr.notes.append("class EvalMetricsTask: evalmetrics metrics are computed by evalmetrics itself "
                        "(multiple-choice metrics on every choice's log-probability; all targets at once)")
    for fname, filters in pipelines:
        for name, options, ref in metric_entries:
            r = MetricReading(task=task, filter=fname, metric=name, output_type=output_type)
            try:
                _read_row(r, cfg, output_type, filters, name, options, ref, em_class)
            except _NotModeled as e:
                r.id = r.list_id = None
                r.alias = r.list_alias = None
                r.reason = str(e)
            tr.readings.append(r)
    return tr


def _is_em_class(cls) -> bool:
    if isinstance(cls, FunctionRef):
        return cls.spec == EM_TASK_CLASS
    if isinstance(cls, type):
        return getattr(cls, "__module__", "") == "evalmetrics.integrations.lm_eval" and cls.__name__ == "EvalMetricsTask"
    if isinstance(cls, str):
        return cls.strip().endswith(EM_TASK_CLASS)
    return False


def _metric_entries(cfg, output_type) -> list:
    """[(reported name, options, original entry value)] in metric_list order (lm_eval's defaults if absent)."""
    ml = cfg.get("metric_list")
    if ml is None:
        return [(m, {}, m) for m in _DEFAULT_METRICS.get(output_type, ())]
    out = []
    for entry in ml:
        if not isinstance(entry, dict) or "metric" not in entry:
            raise InvalidConfig(f"metric_list entry without 'metric': {entry!r}")
        value = entry["metric"]
        if isinstance(value, FunctionRef):
            name = _function_metric_name(value)
        elif callable(value):
            name = getattr(value, "__name__", str(value))
        else:
            name = str(value)
        options = {k: v for k, v in entry.items() if k not in _NOT_OPTIONS}
        if entry.get("hf_evaluate") is True:
            options["__hf_evaluate__"] = True
        out.append((name, options, value))
    return out


def _static_metric_function(ref: FunctionRef):
    """The argument of ``<name> = metric_function("<ID or alias>")`` in the referenced module, read with ``ast``."""
    path = ref.file
    if path is None or not os.path.isfile(path):
        return None
    tree = _parse(Path(path).read_text(encoding="utf-8"))
    if tree is None:
        return None
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id == ref.name and isinstance(node.value, ast.Call)):
            continue
        f = node.value.func
        fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
        args = node.value.args
        if fname == "metric_function" and len(args) == 1 and not node.value.keywords and \
                isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
            return args[0].value
    return None


def _function_metric_name(ref: FunctionRef) -> str:
    """The name lm_eval reports for ``metric: !function ...`` (the function's ``__name__``), read statically."""
    if ref.spec.startswith(_EM_MODULE):
        return ref.name
    arg = _static_metric_function(ref)
    if arg is not None:
        from ..registry import resolve_alias
        from . import metric_name

        if resolve_alias(arg) is not None:
            return arg
        try:
            return metric_name(arg)
        except EvalMetricsError:
            return ref.name
    return ref.name


def _filter_pipelines(cfg) -> list:
    fl = cfg.get("filter_list")
    if not fl:
        return [("none", [("take_first", {})])]
    out = []
    for f in fl:
        steps = [(fn["function"], {k: v for k, v in fn.items() if k != "function"}) for fn in f.get("filter", [])]
        out.append((str(f["name"]), steps))
    return out


def _read_hooked(tr: TaskReading, cfg: dict, ref, what: str) -> TaskReading:
    """A task whose values come from a hook (process_results) or a Python class: known hooks map to aliases."""
    where, table, digest = _identify(ref)
    names = [n for n, _, _ in _metric_entries(cfg, tr.output_type)] if cfg.get("metric_list") is not None else []
    if not names and table:
        names = list(table)
    pipelines = _filter_pipelines(cfg)
    label = where or (ref.spec if isinstance(ref, FunctionRef) else getattr(ref, "__name__", "a callable"))
    if table is None:
        tr.notes.append(f"{what} {label}: not a hook evalmetrics recognizes (sha256 {digest or 'unavailable'})")
    else:
        tr.notes.append(f"{what} {where} (identified by the sha256 of its source, as lm_eval 0.4.13 ships it)")
        if where in _HOOK_NOTES:
            tr.notes.append(_HOOK_NOTES[where])
    for fname, filters in pipelines:
        trivial = [f for f, _ in filters] == ["take_first"]
        for name in names:
            r = MetricReading(task=tr.task, filter=fname, metric=name, output_type=tr.output_type)
            alias_key = (table or {}).get(name)
            if table is None:
                r.reason = f"computed by the {what} {label}, which evalmetrics does not reproduce"
            elif alias_key is None:
                r.reason = f"computed by {where}; evalmetrics has no alias for this value"
            elif not trivial:
                r.reason = f"filters {[f for f, _ in filters]} run before {where}; evalmetrics models the hook " \
                           f"after take_first only"
            else:
                from ..registry import resolve_alias

                alias = resolve_alias(alias_key)
                if alias is None:
                    r.reason = f"computed by {where}; its alias {alias_key} is not shipped in this evalmetrics"
                else:
                    m = alias.make_example()
                    _set_id(r, m, "id")
                    r.references = "the document's answers as the hook reads them (see the alias)"
                    r.steps = _plain_steps(m)
            tr.readings.append(r)
    return tr


def _identify(ref):
    """(where, metric table, digest) of a hook; table None when unknown."""
    src = None
    if isinstance(ref, FunctionRef):
        src = ref.source()
    elif isinstance(ref, str) and ref.lstrip().startswith(("def ", "class ", "@")):
        src = ref  # a dumped config holds the hook's source text
    elif callable(ref):
        import inspect

        try:
            src = inspect.getsource(ref)
        except (OSError, TypeError):
            src = None
    if src is None:
        return None, None, None
    digest = _source_digest(src)
    known = KNOWN_HOOKS.get(digest)
    if known is None:
        return None, None, digest
    return known[0], known[1], digest


# ---------------------------------------------------------------------------------------------- rows


def _read_row(r: MetricReading, cfg, output_type, filters, name, options, ref, em_class):
    from ..registry import is_versioned

    _read_row_inner(r, cfg, output_type, filters, name, options, ref, em_class)
    # The alias the task names, when it is one of the aliases with exactly this ID.
    if r.alias is not None and name in r.same_as:
        r.alias = name
    elif r.alias is not None and r.task:
        # Several task pipelines with one ID: the alias named after this task's group, if there is one.
        own = [a for a in r.same_as if not is_versioned(a) and r.task.startswith(a.split(":", 1)[1].split("/")[0])]
        if own:
            r.alias = max(own, key=len)
    if r.list_alias is not None and name != r.list_alias and _alias_index().get(r.list_id, ()).count(name):
        r.list_alias = name


def _read_row_inner(r: MetricReading, cfg, output_type, filters, name, options, ref, em_class):
    metric, source = _metric_for(name, options, ref, output_type, em_class)
    if output_type == "multiple_choice":
        _read_choice_row(r, cfg, filters, metric, source, name)
    elif output_type == "generate_until":
        _read_generative_row(r, cfg, filters, metric, source, name, options, em_class)
    elif output_type == "loglikelihood":
        if [f for f, _ in filters] != ["take_first"]:
            raise _NotModeled(f"filters {[f for f, _ in filters]} on log-likelihood responses")
        if name == "acc" and source == "lm_eval":
            from .. import get

            m = get("lm_eval:loglikelihood/acc")
            _set_id(r, m, "id")
            r.references = "the target continuation (gold 0), with is_greedy from the model"
            r.steps = _plain_steps(m)
        else:
            raise _NotModeled(f"{name!r} on loglikelihood output: evalmetrics has no alias for it")
    else:
        raise _NotModeled(f"output_type {output_type}: evalmetrics has no perplexity aliases")


_CHOICE_BUILTINS = {
    "acc": "lm_eval:acc",
    "acc_norm": "lm_eval:acc_norm",
    "acc_bytes": "lm_eval:acc_bytes",
    "acc_mutual_info": "lm_eval:acc_mutual_info",
    "exact_match": "lm_eval:multiple_choice/exact_match",
}


def _metric_for(name, options, ref, output_type, em_class):
    """(evalmetrics metric or None, source) for a metric_list entry; raises _NotModeled with the reason."""
    from .. import get
    from ..metrics.base import Metric
    from ..registry import resolve_alias
    from . import DIGEST_RE, resolve_name

    if isinstance(ref, FunctionRef) and not ref.spec.startswith(_EM_MODULE):
        arg = _static_metric_function(ref)
        if arg is None:
            raise _NotModeled(f"metric {ref}: user code, not read (lm_eval reports it under the function's __name__)")
        try:
            return get(arg) if resolve_alias(arg) is None else get(arg, **options), "evalmetrics"
        except EvalMetricsError as e:
            raise _NotModeled(f"metric {ref} = metric_function({arg!r}): {e}") from None
    if options.pop("__hf_evaluate__", False):
        if name == "exact_match":
            return get("hf_evaluate:exact_match", **options), "hf_evaluate"
        raise _NotModeled(f"{name!r} with hf_evaluate: true is an evaluate Hub metric")
    if name in LM_EVAL_METRICS:
        if output_type == "multiple_choice":
            if name in _CHOICE_BUILTINS:
                return get(_CHOICE_BUILTINS[name]), "lm_eval"
            raise _NotModeled(f"lm_eval's {name!r} on multiple_choice aggregates (gold, prediction) pairs over the "
                              f"corpus; evalmetrics has no alias for it")
        if output_type == "generate_until":
            if name == "exact_match":
                try:
                    return get("lm_eval:exact_match", **options), "lm_eval"
                except EvalMetricsError as e:
                    raise _NotModeled(f"exact_match options: {e}") from None
            raise _NotModeled(f"lm_eval's {name!r} is a corpus-level metric evalmetrics does not reproduce")
        return None, "lm_eval"
    # evalmetrics names
    try:
        if DIGEST_RE.match(name):
            if options:
                raise _NotModeled(f"{name} is a canonical ID's digest; it takes no options, got {sorted(options)}")
            m = get(resolve_name(name))
        elif resolve_alias(name) is not None:
            m = get(name, **options)
        elif name.isidentifier() and _comma_free_id(name):
            m = get(name)  # a comma-free canonical ID such as greedy_match (registered under itself)
            if options:
                raise _NotModeled(f"{name} is a canonical ID; it takes no options, got {sorted(options)}")
        else:
            raise _NotModeled(
                f"{name!r} is neither an lm_eval metric nor an evalmetrics name; lm_eval would look it up "
                f"on the Hugging Face Hub (evaluate.load), which evalmetrics does not reproduce"
            )
    except _NotModeled:
        raise
    except EvalMetricsError as e:
        raise _NotModeled(f"{name!r}: {e}") from None
    if not isinstance(m, Metric):
        raise _NotModeled(f"{name!r} is a {m.kind}, not a metric")
    return m, "evalmetrics"


def _comma_free_id(name: str) -> bool:
    from .. import get

    try:
        return get(name).id == name
    except EvalMetricsError:
        return False


def _read_choice_row(r, cfg, filters, metric, source, name):
    if [f for f, _ in filters] != ["take_first"]:
        raise _NotModeled(f"filters {[f for f, _ in filters]} on multiple-choice log-likelihoods")
    if source == "evalmetrics":
        em_class = _is_em_class(cfg.get("class"))
        if not em_class:
            raise _NotModeled(
                "lm_eval's ConfigurableTask computes only its built-in names for multiple_choice tasks, so this row "
                "is never reported; add 'class: !function evalmetrics.integrations.lm_eval.EvalMetricsTask'"
            )
        if metric.request_type != "multiple_choice":
            raise _NotModeled(f"{name!r} scores {metric.request_type} outputs, not choice log-probabilities")
    _set_id(r, metric, "id")
    delim = cfg.get("target_delimiter", " ")
    r.references = (f"the gold index from doc_to_target ({_show(cfg.get('doc_to_target'))}); choice texts: "
                    f"doc_to_choice ({_show(cfg.get('doc_to_choice'))}), each requested as "
                    f"{delim!r} + choice; lengths count the choice text without that delimiter")
    r.steps = ["one log-likelihood request per choice: context, then target_delimiter + choice"] + _plain_steps(metric)
    if getattr(metric, "norm", None) == "token":
        r.notes.append("lm_eval's models return no token counts, so norm=token cannot be computed in lm_eval")


def _read_generative_row(r, cfg, filters, metric, source, name, options, em_class):
    from ..metrics.base import GenerativeMetric
    from ..metrics.sampling import MajorityVote, MeanOverSamples, _SamplingMetric

    if metric.request_type != "generate_until":
        raise _NotModeled(f"{name!r} scores {metric.request_type} records, not generated text")
    pre, n_first, vote, post, last = _filter_plan(filters)
    repeats = cfg.get("repeats", 1) or 1
    if last != "take_first" and not (isinstance(metric, _SamplingMetric) and vote is None):
        raise _NotModeled(f"filter pipeline ends with {last!r}: the metric receives a list of responses")
    forms = _target_forms(cfg)
    ids = {}
    for form, ref_steps, ref_words in forms:
        if isinstance(metric, _SamplingMetric):
            if vote is not None or pre or post:
                raise _NotModeled("filters around an evalmetrics sampling metric")
            m = metric
            if ref_steps:
                raise _NotModeled("an evalmetrics sampling metric with a rendered target")
            if last == "take_first" and "take_first" not in " ".join(r.notes):
                r.notes.append("the pipeline ends with take_first: the sampling metric sees the first sample only")
        else:
            if not isinstance(metric, GenerativeMetric):
                raise _NotModeled(f"{name!r} is not a text metric")
            inner = _compose(metric, (post if vote is not None else pre), ref_steps)
            if form == "list" and not em_class:
                # lm_eval scores each target separately: exact_match as one batch with "any" (= combine max);
                # any other metric as 1.0 if any target scores non-zero.
                if name != "exact_match" and not (_is_binary(inner) and getattr(inner, "combine", "max") == "max"):
                    ids[form] = None
                    r.notes.append("with a list target lm_eval reports 1 if any target scores non-zero (a graded "
                                   "metric is binarized); EvalMetricsTask scores all targets at once instead")
                    continue
            if vote is not None:
                m = MajorityVote(n=n_first, vote=tuple(pre), metric=inner, strict_n=n_first is not None)
            elif repeats > 1:
                m = MeanOverSamples(n=1, metric=inner)
            else:
                m = inner
        ids[form] = (m, ref_words)
    if not any(v is not None for v in ids.values()):
        raise _NotModeled("a graded metric over a list target is binarized by lm_eval: 1 if any target scores "
                          "non-zero; use class EvalMetricsTask to score all targets at once")
    for form, v in ids.items():
        if v is None:
            continue
        m, words = v
        _set_id(r, m, "list_id" if form == "list" else "id")
        if not r.steps:
            r.steps = _plain_steps(m)
        r.references = (r.references + "; " if r.references else "") + words
    if repeats > 1 and vote is None:
        r.notes.append(f"repeats={repeats}: only the first sample is scored")


def _filter_plan(filters):
    """Split a filter pipeline: (steps before the vote, take_first_k n, vote?, steps after the vote, last name)."""
    from .. import get

    pre, post, n_first, vote = [], [], None, None
    names = [f for f, _ in filters]
    last = names[-1] if names else None
    for i, (fn, kw) in enumerate(filters):
        if fn == "take_first":
            if i != len(filters) - 1:
                raise _NotModeled("take_first before the end of the filter pipeline")
            continue
        if fn == "take_first_k":
            if vote is not None or pre:
                raise _NotModeled("take_first_k after other filters")
            n_first = int(kw.get("k"))
            continue
        if fn == "majority_vote":
            if vote is not None:
                raise _NotModeled("two majority_vote filters")
            vote = True
            continue
        if fn in ("regex", "remove_whitespace", "lowercase", "uppercase", "map"):
            try:
                step = get(f"lm_eval:filter/{fn}", **kw)
            except EvalMetricsError as e:
                raise _NotModeled(f"filter {fn} {kw}: {e}") from None
            (post if vote else pre).append(step)
            continue
        raise _NotModeled(f"filter {fn!r} is not modeled by evalmetrics")
    return pre, n_first, vote, post, last


_FIELD = re.compile(r"^\s*\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}\s*$")
_SPLIT_LAST = re.compile(
    r"^\s*\{\{\s*([A-Za-z_]\w*)\.split\(\s*(['\"])(.*?)\2\s*\)\s*\[\s*-1\s*\]\s*\.strip\(\)"
    r"(?:\s+if\s+\1\s+is\s+defined\s+else\s+[A-Za-z_]\w*)?\s*\}\}\s*$"
)


def _target_forms(cfg):
    """[(form, reference-side steps, words)]: how the reference reaches the metric, for each possible form."""
    from ..extractors import SplitTake
    from ..normalizers import ListLiteralRender, Strip

    t = cfg.get("doc_to_target")
    choice = cfg.get("doc_to_choice")
    if choice is not None:
        return [("text", (), f"the doc_to_choice entry ({_show(choice)}) at index doc_to_target ({_show(t)})")]
    if isinstance(t, FunctionRef) or callable(t):
        return [("text", (), f"what {t} returns (a list: any target matching)")]
    if isinstance(t, (int, float)) and not isinstance(t, bool):
        return [("text", (), f"the constant {str(t)!r}")]
    if isinstance(t, list):
        return [("list", (), f"the constant list {t!r} (any matching)")]
    if not isinstance(t, str):
        raise _NotModeled(f"doc_to_target {t!r} is not modeled")
    m = _FIELD.match(t)
    if m:
        f = "doc" + "".join(f"[{p!r}]" for p in m.group(1).split("."))
        return [
            ("text", (ListLiteralRender(),), f"{f} when it is a text (rendered: a list literal is re-read)"),
            ("list", (), f"each item of {f} when it is a list (multiple targets: any matching)"),
        ]
    m = _SPLIT_LAST.match(t)
    if m:
        f, sep = m.group(1), m.group(3)
        return [("text", (SplitTake(sep=sep, index=-1), Strip(), ListLiteralRender()),
                 f"doc['{f}'] (the template keeps the text after the last {sep!r}, stripped)")]
    if "{{" not in t and "{%" not in t:
        return [("text", (), f"doc['{t}'] as is (a feature name)"),
                ("list", (), f"each item of doc['{t}'] when it is a list (any matching)")]
    return [("text", (ListLiteralRender(),), f"the text the template {t!r} renders (not read further)")]


def _compose(metric, pred_prefix, ref_prefix):
    """``metric`` with filter steps before its prediction steps and target steps before its reference steps."""
    if not pred_prefix and not ref_prefix:
        return metric
    names = {f.name for f in dataclasses.fields(metric)}
    if not {"pred", "ref"} <= names:
        raise _NotModeled(f"{metric.name} has no prediction/reference step lists to put the filters and the "
                          f"target rendering in front of")
    kwargs = {f.name: getattr(metric, f.name) for f in dataclasses.fields(metric)
              if f.init and f.metadata.get("id", True)}
    kwargs["pred"] = tuple(pred_prefix) + tuple(metric.pred)
    kwargs["ref"] = tuple(ref_prefix) + tuple(metric.ref)
    return type(metric)(**kwargs)


def _is_binary(metric) -> bool:
    from ..metrics.match import ExactMatch
    from ..metrics.sets import SetMatch

    if isinstance(metric, ExactMatch):
        return True
    return isinstance(metric, SetMatch) and metric.score_kind == "exact"


def _show(v) -> str:
    if isinstance(v, FunctionRef):
        return str(v)
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


# ---------------------------------------------------------------------------------------------- aliases by ID


def _alias_index() -> dict:
    from ..registry import aliases

    global _ALIAS_INDEX
    if _ALIAS_INDEX is None:
        idx: dict = {}
        for key, a in aliases().items():
            try:
                mid = a.make_example().id
            except Exception:
                continue
            idx.setdefault(mid, []).append(key)
        _ALIAS_INDEX = {k: tuple(sorted(v, key=_alias_rank)) for k, v in idx.items()}
    return _ALIAS_INDEX


_ALIAS_INDEX = None


def _alias_rank(key: str):
    from ..registry import is_versioned

    harness = key.split(":")[0].split("@")[0]
    return (harness != "lm_eval", is_versioned(key), len(key), key)


def _set_id(r: MetricReading, metric, attr: str):
    mid = metric.id
    same = _alias_index().get(mid, ())
    setattr(r, attr, mid)
    if attr == "id":
        r.alias = same[0] if same else None
        r.same_as = same
    else:
        r.list_alias = same[0] if same else None


def _plain_steps(metric) -> list[str]:
    out = []
    for side, step in metric.pipeline() if hasattr(metric, "pipeline") else []:
        out.append(f"{side}: {step.describe()}")
    out.append(metric.describe())
    return out
