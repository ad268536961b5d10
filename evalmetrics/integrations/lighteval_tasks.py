"""Read a lighteval (0.13) task config back as canonical IDs: what each reported metric really computes.

``read_lighteval_task(source)`` takes a ``LightevalTaskConfig``, a task name from lighteval's registry (``gsm8k``,
``arc:easy``, ``mmlu:anatomy``; ``mmlu`` reads every ``mmlu:*`` task; ``task|fewshot`` and ``task@k=1`` are accepted
as lighteval's CLI writes them), or a custom task Python file (its ``TASKS_TABLE``). For each metric the task
reports it returns a :class:`LightevalMetricReading`: the canonical ID of the per-sample value, read from the
metric's sample-level computation object and its attributes (``ExactMatches(strip_strings=..., normalize_pred=...)``)
and built through the lighteval aliases (``evalmetrics.get("lighteval:exact_match", **params)``), the shipped
alias with exactly that ID, and the steps in plain words. A computation evalmetrics does not reproduce (LLM judges,
model-based scores, a task's own Python function, ...) is reported as not reproduced, with the reason; nothing is
guessed. Corpus-level rows (perplexity and log-likelihood preparators) read as the corpus metric's ID; lighteval's
extractive match reads from its own configuration, alone or inside PassAtK / AvgAtN / GPassAtK (answer-index
extraction needs the task's fixed number of choices, known for the families in ``_N_CHOICES``).

lighteval's pipeline removes ``<think>...</think>`` spans from outputs before any metric (its default), so the IDs
include that step, as the ``lighteval@0.13`` aliases do. A metric made by
``evalmetrics.integrations.lighteval.to_lighteval`` reads back as the canonical ID it was made from. An unknown task
name raises :class:`evalmetrics.errors.UnknownTask` with the closest names in the registry.

This needs lighteval installed (the ``lighteval`` extra: ``pip install -e '.[lighteval]'``, in an environment of
its own): task configs are Python objects. A name is
looked up by importing lighteval's own task modules (the one named like the task first); a custom task file is
imported, as lighteval itself does.
"""
from __future__ import annotations

import ast
import copy
import dataclasses
import importlib
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvalMetricsError, InvalidConfig
from . import require
from .describe import alias_line, aliases_by_id, plain_steps, steps_and_notes

__all__ = ["read_lighteval_task", "explain_lighteval_task", "LightevalTaskReading", "LightevalMetricReading",
           "lighteval_metric_id"]

_FEATURE = "reading lighteval task configs"


@dataclass
class LightevalMetricReading:
    """One value a lighteval task reports (``metric``: its name in lighteval's results), read as a canonical ID.

    ``id``: the canonical ID of the per-sample value (None: not reproduced; ``reason`` says why). ``alias``: a
    shipped alias with exactly that ID (``same_as``: every such alias). ``computation``: lighteval's own text for the
    sample-level computation object. ``corpus``: how lighteval aggregates the values over samples.
    """

    task: str
    metric: str
    computation: str
    id: str | None = None
    alias: str | None = None
    same_as: tuple = ()
    reason: str = ""
    corpus: str = ""
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def reproduced(self) -> bool:
        return self.id is not None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["reproduced"] = self.reproduced
        return d

    def lines(self) -> list[str]:
        out = [self.metric, f"  lighteval: {self.computation}"]
        if self.id is None:
            out.append(f"  no evalmetrics equivalent: {self.reason}")
        else:
            out.append(f"  id: {self.id}")
            if self.alias:
                out.append(alias_line(self.alias, self.same_as))
        if self.corpus:
            out.append(f"  corpus value: {self.corpus}")
        out.extend(steps_and_notes(self.steps, self.notes))
        return out


@dataclass
class LightevalTaskReading:
    """What a lighteval task reports, metric by metric; for several tasks (a superset such as ``mmlu``, or a file
    with several), ``members`` holds each task's reading and ``readings`` is empty."""

    task: str
    source: str | None = None
    readings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    members: list = field(default_factory=list)

    def get(self, metric: str) -> LightevalMetricReading:
        for r in self.readings:
            if r.metric == metric:
                return r
        raise KeyError(metric)

    def tasks(self) -> list["LightevalTaskReading"]:
        return list(self.members) if self.members else [self]

    def __str__(self) -> str:
        if self.members:
            lines = [f"lighteval tasks {self.task}: {len(self.members)} tasks"]
            if self.source:
                lines.append(f"  from {self.source}")
            lines.extend(f"  note: {n}" for n in self.notes)
            buckets: dict = {}
            for t in self.members:
                sig = tuple((r.metric, r.id, r.reason) for r in t.readings)
                buckets.setdefault(sig, []).append(t)
            for tasks in buckets.values():
                names = [t.task for t in tasks]
                lines.append("")
                lines.append("  " + ", ".join(names[:4]) + (f", ... ({len(names)} tasks)" if len(names) > 4 else "")
                             + ":")
                for r in tasks[0].readings:
                    lines.extend("    " + x for x in r.lines())
            return "\n".join(lines)
        lines = [f"lighteval task {self.task}"]
        if self.source:
            lines.append(f"  from {self.source}")
        lines.extend(f"  note: {n}" for n in self.notes)
        for r in self.readings:
            lines.append("")
            lines.extend("  " + x for x in r.lines())
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- entry points


def read_lighteval_task(source) -> LightevalTaskReading:
    """Read a lighteval task: a ``LightevalTaskConfig``, a registry name, a custom task ``.py`` file or module."""
    require("lighteval", _FEATURE)
    configs, label, where, notes = _resolve(source)
    readings = [_read_config(c) for c in configs]
    if len(readings) == 1:
        r = readings[0]
        r.source = where
        r.notes = notes + r.notes
        return r
    return LightevalTaskReading(task=label, source=where, notes=notes, members=readings)


def explain_lighteval_task(source) -> str:
    """The reading as text; what ``evalmetrics explain --lighteval-task NAME_OR_FILE`` prints."""
    return str(read_lighteval_task(source))


def lighteval_metric_id(metric) -> dict:
    """{reported name: canonical ID or None} for one lighteval ``Metric`` (or ``Metrics`` member)."""
    require("lighteval", _FEATURE)
    return {r.metric: r.id for r in _read_metric("", metric)}


# ---------------------------------------------------------------------------------------------- finding tasks


def _resolve(source):
    """([LightevalTaskConfig], label, where from, notes)."""
    from lighteval.tasks.lighteval_task import LightevalTaskConfig

    if isinstance(source, LightevalTaskConfig):
        return [source], source.name, None, []
    import types

    if isinstance(source, types.ModuleType):
        return _from_module(source, getattr(source, "__file__", None))
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidConfig(f"read_lighteval_task: expected a LightevalTaskConfig, a task name or a .py file, "
                            f"got {type(source).__name__}")
    text = os.fspath(source)
    if text.endswith(".py") or os.path.isfile(text):
        path = Path(text).expanduser().resolve()
        if not path.is_file():
            raise InvalidConfig(f"lighteval custom task file {text!r} does not exist")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None:
            raise InvalidConfig(f"cannot import {text!r} as a Python module")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as e:
            raise InvalidConfig(f"importing the custom task file {text!r} failed: {type(e).__name__}: {e}") from None
        return _from_module(module, str(path))
    return _from_name(text)


def _from_module(module, where):
    table = getattr(module, "TASKS_TABLE", None)
    if not table:
        raise InvalidConfig(f"{where or module.__name__}: no TASKS_TABLE (a list of LightevalTaskConfig) in the module")
    configs = list(table)
    label = configs[0].name if len(configs) == 1 else (Path(where).stem if where else module.__name__)
    return configs, label, where, []


def _parse_name(spec: str):
    """lighteval's task spec: ``task``, ``task|fewshot``, ``suite|task|fewshot``; ``task@k=1@n=4`` sets metric
    parameters (lighteval's registry applies them to parametrizable metrics)."""
    parts = spec.strip().split("|")
    name = parts[1] if len(parts) == 3 else parts[0]
    params = {}
    if "@" in name:
        name, *rest = name.split("@")
        for item in rest:
            if not item:
                continue
            k, sep, v = item.partition("=")
            if not sep:
                raise InvalidConfig(f"lighteval task spec {spec!r}: metric parameter {item!r} is not key=value")
            try:
                params[k] = ast.literal_eval(v)
            except (ValueError, SyntaxError):
                raise InvalidConfig(f"lighteval task spec {spec!r}: {v!r} is not a Python literal") from None
    return name, params


def _from_name(spec: str):
    name, params = _parse_name(spec)
    configs, failed = _lookup(name)
    notes = []
    if not configs:
        import difflib

        from ..errors import UnknownTask

        known = set()
        for cfgs in _MODULE_CACHE.values():
            if isinstance(cfgs, dict):
                known.update(cfgs)
                known.update(n.split(":")[0] for n in cfgs if ":" in n)
        where = f"lighteval {_lighteval_version()}'s task registry"
        if failed:
            where += f" (task modules that failed to import: {', '.join(sorted(failed))})"
        raise UnknownTask(name, difflib.get_close_matches(name, sorted(known), n=5, cutoff=0.6), where=where)
    if params:
        configs = [_with_params(c, params) for c in configs]
        notes.append("metric parameters " + ", ".join(f"{k}={v!r}" for k, v in params.items())
                     + " set on the task's parametrizable metrics, as lighteval's registry does")
    label = name if len(configs) > 1 else configs[0].name
    where = "lighteval " + _lighteval_version() + " task registry"
    return configs, label, where, notes


def _with_params(cfg, params):
    cfg = copy.deepcopy(cfg)
    for m in cfg.metrics:
        names = m.metric_name if isinstance(m.metric_name, list) else [m.metric_name]
        if any("@" in n for n in names):
            for k, v in params.items():
                setattr(m.sample_level_fn, k, v)
    return cfg


def _lighteval_version() -> str:
    try:
        from importlib.metadata import version

        return version("lighteval")
    except Exception:  # pragma: no cover - metadata missing
        return "(unknown version)"


def _task_modules():
    """[(module name)] of lighteval's built-in task modules, in lighteval's registry order."""
    import lighteval.tasks as tasks_pkg

    root = Path(tasks_pkg.__file__).parent / "tasks"
    out = [f"lighteval.tasks.tasks.{f.stem}" for f in sorted(root.glob("*.py")) if f.name != "__init__.py"]
    out += [f"lighteval.tasks.tasks.{d.name}.main" for d in sorted(root.iterdir())
            if d.is_dir() and (d / "main.py").exists()]
    return out


_MODULE_CACHE: dict = {}


def _configs_of(module_name):
    if module_name not in _MODULE_CACHE:
        try:
            mod = importlib.import_module(module_name)
            _MODULE_CACHE[module_name] = {c.name: c for c in getattr(mod, "TASKS_TABLE", [])}
        except Exception as e:  # a task module lighteval itself cannot import offline (e.g. tiny_benchmarks)
            _MODULE_CACHE[module_name] = e
    return _MODULE_CACHE[module_name]


def _lookup(name: str):
    """Configs named ``name`` (or, for a superset such as ``mmlu``, every ``name:*`` task), and failed modules."""
    base = name.split(":")[0]
    modules = _task_modules()
    stem = base.replace("-", "_")
    # the module named like the task first, then modules whose name starts the task's (aimo -> aimo_progress_prize_1)
    guess = [m for m in modules if m.split(".")[3] == stem]
    guess += [m for m in modules if m not in guess and stem.startswith(m.split(".")[3])]
    failed = set()
    for group in (guess, [m for m in modules if m not in guess]):
        exact, superset = [], []
        for m in group:
            cfgs = _configs_of(m)
            if isinstance(cfgs, Exception):
                failed.add(m.split(".")[3])
                continue
            if name in cfgs:
                exact.append(cfgs[name])
            superset += [c for n, c in cfgs.items() if n.split(":")[0] == name and ":" in n]
        if exact:
            return exact[:1], failed
        if len(superset) > 1:  # lighteval expands a superset only when it has several tasks
            return sorted(superset, key=lambda c: c.name), failed
    return [], failed


# ---------------------------------------------------------------------------------------------- metrics


class _NotModeled(EvalMetricsError):
    pass


def _read_config(cfg) -> LightevalTaskReading:
    tr = LightevalTaskReading(task=cfg.name)
    for m in cfg.metrics:
        tr.readings.extend(_read_metric(cfg.name, m))
    if getattr(cfg, "scorer", None) is not None:
        tr.readings.extend(_read_inspect_scorers(cfg))
    return tr


def _inspect_name_params(obj):
    """An Inspect AI scorer or solver's registry name (without the ``inspect_ai/`` prefix) and its arguments."""
    try:
        from inspect_ai._util.registry import registry_info, registry_params

        return registry_info(obj).name, dict(registry_params(obj))
    except Exception:  # noqa: BLE001 - not a registered Inspect AI object (or inspect_ai missing)
        return getattr(obj, "__name__", type(obj).__name__), None


def _read_inspect_scorers(cfg) -> list[LightevalMetricReading]:
    """A task that lighteval also runs through Inspect AI (``scorer=``, ``solver=``): each scorer read through the
    ``inspect:`` aliases, with the scorer's own arguments (and, for ``choice``, the ``multiple_choice`` solver's
    ``multiple_correct``). The row is named as Inspect AI reports it, ``<scorer>/accuracy`` (``<scorer>/mean``
    for ``f1``)."""
    as_list = lambda v: list(v) if isinstance(v, (list, tuple)) else ([] if v is None else [v])  # noqa: E731
    out = []
    for sc in as_list(cfg.scorer):
        full, params = _inspect_name_params(sc)
        name = full.split("/")[-1]
        row = LightevalMetricReading(task=cfg.name, metric=f"{name}/{'mean' if name == 'f1' else 'accuracy'}",
                                     computation=f"Inspect AI scorer {full}({params or ''})")
        if name.startswith("model_graded"):
            row.reason = f"Inspect AI scorer {full}: an LLM judge (LLM-as-a-judge: a model grades the output)"
            out.append(row)
            continue
        if params is None or "/" in full and not full.startswith("inspect_ai/"):
            row.reason = (f"Inspect AI scorer {full}: not one of Inspect AI's built-in scorers (evalmetrics reads "
                          f"those as inspect: aliases)")
            out.append(row)
            continue
        if name == "choice":
            for so in as_list(getattr(cfg, "solver", None)):
                sname, sparams = _inspect_name_params(so)
                if sname.split("/")[-1] == "multiple_choice" and sparams:
                    params["multiple_correct"] = sparams.get("multiple_correct", False)
                    if sparams.get("shuffle"):
                        row.notes.append("the multiple_choice solver shuffles the choices: the output's labels "
                                         "name shuffled positions (evalmetrics reads them unshuffled)")
        try:
            m = _get(f"inspect:{name}", **params)
        except _NotModeled as e:
            row.reason = str(e)
        else:
            _set_id(row, m)
            row.corpus = "the mean over samples (Inspect AI's accuracy/mean; evalmetrics' Result.score)"
            if name == "choice":
                row.notes.append("scored with each sample's document: its 'choices' (Inspect AI Sample.choices)")
        out.append(row)
    return out


def _read_metric(task, metric) -> list[LightevalMetricReading]:
    from lighteval.metrics.utils.metric_utils import MetricGrouping

    metric = getattr(metric, "value", metric)  # a Metrics enum member
    fn = metric.sample_level_fn
    mn = metric.metric_name
    names = list(mn) if isinstance(metric, MetricGrouping) and isinstance(mn, (list, tuple)) else [str(mn)]
    computation = str(fn) if type(fn).__str__ is not object.__str__ else type(fn).__name__
    try:
        built = _build(fn, names, metric, task)
    except _NotModeled as e:
        # an extractive match was read from its own configuration: a member alias would not know its n_choices
        read_directly = _is_extractive(fn) or _extractive_scorer(fn) is not None
        built = None if read_directly else _as_member_alias(metric, names)
        if built is None:
            return [LightevalMetricReading(task=task, metric=n, computation=computation, reason=str(e))
                    for n in names]
    out = []
    for n in names:
        r = LightevalMetricReading(task=task, metric=n, computation=computation)
        m, notes = built.get(n, (None, []))
        if m is None:
            r.reason = notes[0] if notes else f"{type(fn).__name__} value {n!r}: evalmetrics has no equivalent"
        else:
            _set_id(r, m)
            r.notes.extend(notes)
            r.corpus = _corpus(metric, n)
        out.append(r)
    return out


def _corpus(metric, name) -> str:
    import numpy as np

    if type(metric.sample_level_fn).__name__.endswith("Preparator"):
        return "computed over all samples at once (the ID is that corpus metric)"
    agg = metric.corpus_level_fn
    if isinstance(agg, dict):
        agg = agg.get(name)
    if agg is np.mean:
        return "the mean over samples (evalmetrics' Result.score)"
    if getattr(agg, "__module__", "") == "evalmetrics.integrations.lighteval" and \
            getattr(agg, "__name__", "") == "evalmetrics_mean":
        return "the mean over samples, summed left to right (evalmetrics' Result.score exactly)"
    if agg is max:
        return "the max over samples (not the mean: evalmetrics' Result.score differs; the ID is the per-sample value)"
    if agg is min:
        return "the min over samples (not the mean; the ID is the per-sample value)"
    if getattr(agg, "__module__", "") == "lighteval.tasks.tasks.ifeval.main" and \
            getattr(agg, "__name__", "") == "agg_inst_level_acc":
        return "followed instructions over all instructions of all samples (evalmetrics' Result.score)"
    return f"{getattr(agg, '__name__', type(agg).__name__)} over the samples' values (the ID is the per-sample value)"


def _normalizer(f, what):
    """A lighteval normalizer function -> its name in lighteval.metrics.normalizations (None: no normalizer)."""
    if f is None:
        return None
    mod = getattr(f, "__module__", "")
    qual = getattr(f, "__qualname__", "")
    if mod == "lighteval.metrics.normalizations" and qual and "<locals>" not in qual:
        return qual
    raise _NotModeled(f"{what} {getattr(f, '__name__', f)!r} is not one of lighteval's named normalizers "
                      f"(a closure or user function evalmetrics cannot identify)")


def _logprob_norm(n) -> str | None:
    if n is None:
        return None
    cls = type(n).__name__
    if cls == "LogProbCharNorm":
        return f"LogProbCharNorm(ignore_first_space={bool(n.ignore_first_space)})"
    if cls in ("LogProbTokenNorm", "LogProbPMINorm"):
        return f"{cls}()"
    raise _NotModeled(f"logprob_normalization {n!r} is not modeled")


def _get(alias, **params):
    from .. import get

    try:
        return get(alias, **params)
    except EvalMetricsError as e:
        raise _NotModeled(f"{alias} with {params}: {e}") from None


def _default_scoring(fn) -> bool:
    cs = getattr(fn, "compute_score", None)
    return getattr(cs, "__self__", None) is fn and getattr(cs, "__name__", "") == "default_sample_scoring"


def _build(fn, names, metric, task="") -> dict:
    """{reported name: (evalmetrics metric, notes)} for a sample-level computation; raises _NotModeled."""
    cls = type(fn).__name__
    mod = type(fn).__module__
    if mod == "evalmetrics.integrations.lighteval" and cls == "EvalMetricsComputation":
        return {n: (fn.metric, _converted_notes(fn)) for n in names}
    if mod == "lighteval.metrics.harness_compatibility.drop" and cls == "DropMetrics":
        return {"em": (_get("lighteval:drop/em"), []), "f1": (_get("lighteval:drop/f1"), [])}
    if mod == "lighteval.tasks.tasks.ifeval.main" and cls == "IFEvalMetrics":
        return {n: (_get(f"lighteval:ifeval/{n}"), ["the sample's IFEval document (instruction IDs and keyword "
                                                     "arguments) is the reference"]) for n in names}
    if _is_extractive(fn):
        return _extractive_alone(fn, names, task)
    if mod == "lighteval.metrics.sample_preparator" and cls in ("PerplexityPreparator", "TargetPerplexityPreparator"):
        return _perplexity(fn, cls, names, metric)
    if mod == "lighteval.metrics.sample_preparator" and cls == "LoglikelihoodPreparator":
        return _loglikelihood_corpus(fn, names, metric)
    if cls == "function" and mod == "builtins":  # a task's own Python function as its sample-level metric
        raise _NotModeled(f"the task's own function {getattr(fn, '__module__', '?')}."
                          f"{getattr(fn, '__qualname__', '?')}: user code, not read")
    if mod != "lighteval.metrics.metrics_sample":
        if cls.endswith("Preparator"):
            raise _NotModeled(f"{cls}: a corpus-level metric (the value is computed over all samples at once); "
                              f"evalmetrics has no lighteval alias for it")
        raise _NotModeled(f"{cls} ({mod}): evalmetrics has no equivalent for this computation")
    if cls in ("ExactMatches", "F1_score"):
        if getattr(fn, "aggregation_function", max) is not max:
            raise _NotModeled(f"{cls} with aggregation_function "
                              f"{getattr(fn.aggregation_function, '__name__', fn.aggregation_function)!r} (only max)")
        gold = _normalizer(fn.normalize_gold, "normalize_gold")
        pred = _normalizer(fn.normalize_pred, "normalize_pred")
        if cls == "F1_score":
            m = _get("lighteval:f1_score", normalize_gold=gold, normalize_pred=pred, strip_strings=fn.strip_strings)
            return {names[0]: (m, [])}
        if gold == pred == "math_normalizer" and fn.strip_strings and fn.type_exact_match == "full":
            from ..presets.math_strings import lighteval_math_exact_match

            return {names[0]: (lighteval_math_exact_match(reasoning_tags=True), [])}
        m = _get("lighteval:exact_match", normalize_gold=gold, normalize_pred=pred, strip_strings=fn.strip_strings,
                 type_exact_match=fn.type_exact_match)
        return {names[0]: (m, [])}
    if cls == "LoglikelihoodAcc":
        m = _get("lighteval:loglikelihood_acc", logprob_normalization=_logprob_norm(fn.logprob_normalization))
        return {names[0]: (m, [])}
    if cls == "MRR":
        return {names[0]: (_get("lighteval:mrr", length_normalization=fn.length_normalization), [])}
    if cls == "Recall":
        return {names[0]: (_get("lighteval:recall_at_k", recall_depth=fn.recall_depth), [])}
    if cls in ("PassAtK", "AvgAtN", "GPassAtK") and _extractive_scorer(fn) is not None:
        return _extractive_sampling(fn, cls, names, task)
    if cls in ("MajAtN", "PassAtK", "AvgAtN"):
        if not _default_scoring(fn):
            scorer = getattr(getattr(fn, "compute_score", None), "__self__", None)
            raise _NotModeled(f"{cls} scores each sample with {type(scorer).__name__ if scorer else 'a function'} "
                              f"({scorer}), which evalmetrics does not reproduce")
        notes = []
        ignored = [a for a in ("normalize_gold", "normalize_pred") if a in vars(fn)]
        if ignored:
            notes.append(f"{', '.join(ignored)} set on {cls} (through sample_params) are never read by lighteval: "
                         f"{cls} normalizes with its 'normalize' attribute only")
        norm = _normalizer(fn.normalize, "normalize")
        if cls == "MajAtN":
            m = _get("lighteval:maj_at_n", n=fn.n, normalize=norm, strip_strings=fn.strip_strings,
                     type_exact_match=fn.type_exact_match)
        elif cls == "PassAtK":
            m = _get("lighteval:pass_at_k", k=fn.k, n=fn.n, normalize=norm, strip_strings=fn.strip_strings,
                     type_exact_match=fn.type_exact_match)
        else:
            m = _get("lighteval:avg_at_n", n=fn.n, type_exact_match=fn.type_exact_match)
            if norm is not None or fn.strip_strings:
                notes.append("AvgAtN's strip_strings / normalize are never applied by lighteval (its default scoring "
                             "compares raw texts)")
        return {names[0]: (m, notes)}
    raise _NotModeled(f"{cls}: no evalmetrics equivalent (mapped: ExactMatches, F1_score, LoglikelihoodAcc, MRR, "
                      f"Recall, MajAtN/PassAtK/AvgAtN with exact-match scoring, PassAtK/AvgAtN/GPassAtK with "
                      f"extractive match, DropMetrics, the perplexity and log-likelihood preparators, and any metric "
                      f"configured exactly as a lighteval Metrics member that has a lighteval alias)")


def _perplexity(fn, cls, names, metric) -> dict:
    """A perplexity preparator with lighteval's CorpusLevelPerplexityMetric aggregation."""
    from ..metrics.perplexity import BitsPerUnit, MeanPerplexity, WeightedPerplexity

    agg = metric.corpus_level_fn
    if isinstance(agg, dict):
        agg = agg.get(names[0])
    if type(agg).__name__ != "CorpusLevelPerplexityMetric" or len(names) != 1:
        raise _NotModeled(f"{cls} aggregated by {getattr(agg, '__name__', type(agg).__name__)}: only lighteval's "
                          "CorpusLevelPerplexityMetric is modeled")
    units = fn.units_type
    counted = ("the words (split on whitespace runs)" if units == "words" else "the UTF-8 bytes") + (
        " of the query (doc.original_query, else doc.query)" if cls == "PerplexityPreparator"
        else " of the golds joined by spaces")
    if agg.metric_type == "perplexity":
        m = MeanPerplexity(summation="numpy_pairwise")
        notes = [f"per document: np.sum(model_response.logprobs); {cls} also counts {counted}, which this "
                 "aggregation does not read"]
    else:
        m = (WeightedPerplexity if agg.metric_type == "weighted_perplexity" else BitsPerUnit)(weight=units)
        notes = [f"per document: np.sum(model_response.logprobs), weighed by {counted} "
                 "(evalmetrics.integrations.lighteval.perplexity_record builds these records)"]
    notes.append("where lighteval's math.exp overflows (raises OverflowError) evalmetrics gives +inf")
    return {names[0]: (m, notes)}


def _loglikelihood_corpus(fn, names, metric) -> dict:
    """LoglikelihoodPreparator's (gold index, argmax) pairs with lighteval's corpus classification statistics."""
    from ..metrics.classification import ClassificationF1, MatthewsCorrelation
    from ..metrics.label_f1 import BestLabelF1, OneVsRestF1

    agg = metric.corpus_level_fn
    kind = type(agg).__name__
    if len(names) != 1 or type(agg).__module__ != "lighteval.metrics.metrics_corpus":
        kind = ""
    m = None
    if kind == "MatthewsCorrCoef":
        m = MatthewsCorrelation()
    elif kind == "CorpusLevelF1Score":
        avg, nc = agg.average, agg.num_classes
        if nc == 2:
            m = BestLabelF1() if avg is None else ClassificationF1(average=avg)
        elif avg is not None and isinstance(nc, int) and nc > 2:
            m = OneVsRestF1(num_classes=nc, average=avg)
    if m is None:
        raise _NotModeled(f"LoglikelihoodPreparator aggregated by {agg}: evalmetrics models MatthewsCorrCoef and "
                          "CorpusLevelF1Score (num_classes 2, or more with an average)")
    notes = ["per document: (gold index, np.argmax(model_response.logprobs)); scikit-learn forms the corpus value"]
    if fn.is_single_token:
        notes.append("lighteval's single-token preparator keeps the first gold only; evalmetrics refuses a document "
                     "with several golds (InvalidInput)")
    return {names[0]: (m, notes)}


# lighteval's extractive match (MultilingualExtractiveMatchMetric), alone or inside PassAtK / AvgAtN / GPassAtK.

# len(Doc.choices) of the task families whose extractive match reads answer indices: their prompt functions give every
# document this many choices (GPQA's four answers; MMLU-Redux's four). Indices are looked for among the first
# len(Doc.choices) letters, a fact of each document, not of the config: a family whose documents have varying numbers
# of choices (mmlu_pro: up to ten) has no single value and is not read.
_N_CHOICES = {"gpqa": 4, "mmlu_redux_2": 4}
_CHOICE_PREFIXES = {"Letters": "letters", "NativeLetters": "native_letters", "Numbers": "numbers"}


def _extractive_scorer(fn):
    """The MultilingualExtractiveMatchMetric a sampling metric scores each sample with (None: another scorer)."""
    cs = getattr(fn, "compute_score", None)
    scorer = getattr(cs, "__self__", None)
    if _is_extractive(scorer) and getattr(cs, "__name__", "") == "compute":
        return scorer
    return None


def _is_extractive(x) -> bool:
    return (type(x).__name__ == "MultilingualExtractiveMatchMetric"
            and type(x).__module__ == "lighteval.metrics.dynamic_metrics")


def _target_spec(t) -> str:
    """A lighteval extraction config -> its target string in evalmetrics' ID grammar."""
    from lighteval.metrics.utils import extractive_match_utils as emu

    def b(v):
        return "true" if v else "false"

    if type(t) is emu.ExprExtractionConfig:
        return f"expr(anchorless={b(t.try_extract_without_anchor)})"
    if type(t) is emu.LatexExtractionConfig:
        if t.normalization_config != emu.latex_normalization_config_default_factory():
            raise _NotModeled(f"LatexExtractionConfig with normalization_config {t.normalization_config!r}: only "
                              "lighteval's default LaTeX normalization is modeled")
        return (f"latex(anchorless={b(t.try_extract_without_anchor)}, boxed_priority={int(t.boxed_match_priority)}, "
                "normalization=default)")
    if type(t) is emu.IndicesExtractionConfig and t.prefix_for_extraction in _CHOICE_PREFIXES:
        return (f"indices(prefix={_CHOICE_PREFIXES[t.prefix_for_extraction]}, "
                f"anchorless={b(t.try_extract_without_anchor)})")
    raise _NotModeled(f"extraction target {t!r} is not modeled")


def _extractive_match(scorer, task, pred, ref):
    """A LightevalExtractiveMatch configured as ``scorer``, with ``pred`` / ``ref`` steps before it."""
    from ..metrics.lighteval_math import LightevalExtractiveMatch

    if scorer.aggregation_function is not max:
        raise _NotModeled(f"MultilingualExtractiveMatchMetric with aggregation_function "
                          f"{getattr(scorer.aggregation_function, '__name__', scorer.aggregation_function)!r} "
                          "(only max is modeled)")
    gold = tuple(_target_spec(t) for t in scorer.gold_extraction_target)
    predicted = tuple(_target_spec(t) for t in scorer.pred_extraction_target)
    n_choices = None
    if any(t.startswith("indices(") for t in gold + predicted):
        n_choices = _N_CHOICES.get(task.split(":")[0])
        if n_choices is None:
            raise _NotModeled(f"answer indices are extracted among len(Doc.choices) letters, a count the task's "
                              f"config does not fix (families with a fixed count: {', '.join(sorted(_N_CHOICES))})")
    try:
        return LightevalExtractiveMatch(
            gold_targets=gold, pred_targets=predicted, language=scorer.language.value, precision=scorer.precision,
            fallback_mode=scorer.fallback_mode, extraction_mode=scorer.extraction_mode,
            timeout_seconds=scorer.timeout_seconds, n_choices=n_choices, pred=pred, ref=ref)
    except EvalMetricsError as e:
        raise _NotModeled(f"MultilingualExtractiveMatchMetric: {e}") from None


def _n_choices_note(m) -> list:
    inner = getattr(m, "metric", m)
    n = getattr(inner, "n_choices", None)
    return [] if n is None else [f"n_choices={n}: every document of this task has {n} choices (lighteval looks for "
                                 f"the answer among the first len(Doc.choices) letters)"]


def _extractive_alone(scorer, names, task) -> dict:
    from ..presets.lighteval import _THINK

    m = _extractive_match(scorer, task, (_THINK,), ())  # scores final_text: reasoning spans removed
    return {n: (m, _n_choices_note(m)) for n in names}


def _extractive_sampling(fn, cls, names, task) -> dict:
    """PassAtK / AvgAtN / GPassAtK scoring each sample with lighteval's extractive match."""
    from ..metrics.sampling import GPassAtK, MeanOverSamples, MGPassAtK, PassAtK
    from ..presets.lighteval import _THINK, _preprocess

    scorer = _extractive_scorer(fn)
    norm = _normalizer(fn.normalize, "normalize")
    if cls == "AvgAtN":
        if fn.n is None:
            raise _NotModeled("AvgAtN without n (lighteval requires it: attribute_must_be_set)")
        # AvgAtN scores model_response[i]: the raw sample (no reasoning removal, no preprocessing) against the golds
        m = MeanOverSamples(n=fn.n, metric=_extractive_match(scorer, task, (), ()), references="all")
        notes = _n_choices_note(m)
        if norm is not None or fn.strip_strings:
            notes.append("AvgAtN's strip_strings / normalize are never applied by lighteval")
        return {names[0]: (m, notes)}
    pre = _preprocess(norm, fn.strip_strings)  # SamplingMetric.preprocess on the gold and on each sample
    inner = _extractive_match(scorer, task, (_THINK,) + pre, pre)
    notes = _n_choices_note(inner)
    if cls == "PassAtK":
        return {names[0]: (PassAtK(k=fn.k, n=fn.n, metric=inner, references="exactly_one"), notes)}
    out = {}  # GPassAtK: a value per (k, threshold) and an mG-Pass@k per k, named as lighteval names them
    for k in fn.k:
        for t in fn.thresholds:
            out[f"{fn.name}{k}_{t}"] = (GPassAtK(k=k, n=fn.n, threshold=float(t), metric=inner,
                                                 references="exactly_one"), notes)
        out[f"m{fn.name}{k}"] = (MGPassAtK(k=k, n=fn.n, metric=inner, references="exactly_one"), notes)
    return out


def _converted_notes(fn) -> list:
    """Notes for a metric made by ``evalmetrics.integrations.lighteval.to_lighteval``."""
    if fn.computed != fn.metric:
        return ["made by evalmetrics' to_lighteval; it leaves the leading <think> removal to lighteval's Pipeline "
                "(as lighteval's own metrics do): under apply_metric alone it scores the raw text without it"]
    if fn.metric.request_type == "multiple_choice":
        return ["made by evalmetrics' to_lighteval"]
    return ["made by evalmetrics' to_lighteval; in lighteval's Pipeline it scores final_text, the output after "
            "lighteval's reasoning-tag removal (remove_reasoning_tags, on by default)"]


def _set_id(r: LightevalMetricReading, m):
    from ..registry import aliases

    r.id = m.id
    same = tuple(a for a in aliases_by_id().get(m.id, ()))
    same = tuple(sorted(same, key=lambda a: (not a.startswith("lighteval"), aliases()[a].task_specific,
                                             a.startswith("lighteval@"), len(a), a)))
    r.same_as = same
    r.alias = same[0] if same else None
    r.steps = plain_steps(m)


# A metric configured exactly as one of lighteval's ``Metrics`` members (same classes, same attributes, same names and
# corpus aggregation) is that member; where evalmetrics ships an alias named after the member
# (``lighteval:<member>``, or ``lighteval:<member>/<value>`` for a member reporting several values), it is that alias.


def _state(x, depth=0):
    import numpy as np

    if x is None or isinstance(x, (bool, int, float, str)):
        return x
    if isinstance(x, (list, tuple)):
        return tuple(_state(v, depth) for v in x)
    if isinstance(x, dict):
        return tuple(sorted((str(k), _state(v, depth)) for k, v in x.items()))
    if isinstance(x, np.ufunc) or callable(x) and hasattr(x, "__qualname__") and not hasattr(x, "__self__"):
        return ("fn", getattr(x, "__module__", None), getattr(x, "__qualname__", repr(x)))
    if hasattr(x, "__self__") and hasattr(x, "__func__"):  # a bound method: its function and its object's state
        return ("method", x.__func__.__qualname__, _state(x.__self__, depth + 1) if depth < 3 else "?")
    if depth < 3 and hasattr(x, "__dict__"):
        return (type(x).__module__, type(x).__qualname__,
                tuple(sorted((k, _state(v, depth + 1)) for k, v in vars(x).items())))
    return (type(x).__module__, type(x).__qualname__, "?")


def _metric_state(m):
    return (type(m).__qualname__, _state(m.metric_name), _state(m.sample_level_fn), _state(m.corpus_level_fn),
            m.category.name, _state(m.higher_is_better))


def _as_member_alias(metric, names):
    from lighteval.metrics.metrics import Metrics

    from ..registry import resolve_alias

    state = _metric_state(metric)
    for member in Metrics:
        if _metric_state(member.value) != state:
            continue
        keys = {n: (f"lighteval:{member.name}" if len(names) == 1 and not isinstance(member.value.metric_name, list)
                    else f"lighteval:{member.name}/{n}") for n in names}
        if not any(resolve_alias(k) is not None for k in keys.values()):
            return None
        out = {}
        for n, k in keys.items():
            if resolve_alias(k) is None:
                out[n] = (None, [f"configured as lighteval's Metrics.{member.name}; evalmetrics has no alias {k}"])
            else:
                try:
                    out[n] = (_get(k), [f"configured exactly as lighteval's Metrics.{member.name} (alias {k})"])
                except _NotModeled as e:
                    out[n] = (None, [str(e)])
        return out
    return None
