"""evalmetrics metrics inside lm-evaluation-harness (lm_eval 0.4.13), by name, in lm_eval's own pipeline.

``register()`` puts every metric of the evalmetrics catalog into lm_eval's metric, aggregation and higher_is_better
registries, reading ``higher_is_better`` and ``aggregation`` from the metric's metadata, under these names:

* its digest name ``em_<10 hex digits of sha256(canonical ID)>`` (canonical IDs contain commas, and lm_eval splits
  the reported key ``"<metric>,<filter>"`` on the first comma);
* its canonical ID, where that is comma-free (``greedy_match``);
* every alias key that builds a metric (``lm_eval:acc_norm``, ``helm@0.5:quasi_exact_match``, ...); an alias takes
  its harness's configuration keys as ``metric_list`` options (``ignore_case: true`` for ``lm_eval:exact_match``).

A name lm_eval already has (``exact_match``, ``acc``, ...) is never replaced. ``register(m1, m2, ...)`` also
registers any other metric (canonical ID, alias or object) under its digest name. A task YAML can carry a metric's
canonical ID itself: ``metric: !function '<function_spec(ID)>'`` (see :func:`function_spec`) registers the metric
when lm_eval loads the YAML, and lm_eval reports it under its digest name. An unregistered name in a task's
``metric_list`` silently becomes a Hugging Face Hub metric in lm_eval; call ``register()`` before building tasks.

Generative tasks (``output_type: generate_until``) call the registered function with ``references=[gold]``,
``predictions=[filtered response]``. With a list target lm_eval calls it once per target and reports 1 if any
score is non-zero, which binarizes graded metrics; ``class: !function
evalmetrics.integrations.lm_eval.EvalMetricsTask`` scores all targets at once with the metric's own rule.
Multiple-choice tasks: lm_eval's ``ConfigurableTask`` computes only its built-in names there, so evalmetrics
choice metrics need that class (it builds :class:`evalmetrics.Choices` from each document's log-likelihoods).

``explain_results(results)`` / ``results_table(results)`` say which canonical ID each reported row is, for
evalmetrics names and for lm_eval's own (read from the task config with :mod:`.lm_eval_tasks`).

Importing this module does not import lm_eval; every function that needs it imports it on call.
"""
from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass, field
from typing import Any

from ..errors import InvalidConfig, InvalidInput
from . import DIGEST_RE, as_metric, catalog_metric_ids, metric_name, remember, require, resolve_name
from .lm_eval_functions import EM_TASK_CLASS, MODULE, _score_generative, make_function, spec_attr, spec_key

__all__ = [
    "register",
    "registered",
    "skipped",
    "not_registrable",
    "metric_function",
    "function_spec",
    "yaml_entry",
    "metric_name",
    "resolve",
    "EvalMetricsTask",
    "explain_results",
    "results_table",
    "Registration",
    "ResultRow",
]

# lm_eval aggregation names for evalmetrics' Metric.aggregation values.
_AGGREGATIONS = {"mean": "mean"}


@dataclass(frozen=True)
class Registration:
    """One name evalmetrics registered with lm_eval."""

    name: str
    metric_id: str  # canonical ID (for an alias: at the alias's default configuration)
    alias: str | None  # the alias key, when the name is an alias (it then takes configuration keys)
    higher_is_better: bool
    aggregation: str
    output_type: str  # the metric's request_type: generate_until or multiple_choice


_LOCK = threading.RLock()
_REGISTERED: dict[str, Registration] = {}
_FUNCTIONS: dict[str, Any] = {}  # name -> the function object registered (same object on every call)
_SKIPPED: dict[str, str] = {}  # name -> why it was not registered (lm_eval already has it)
_NOT_REGISTRABLE: dict[str, str] = {}  # name -> why lm_eval cannot hold it (its aggregation has no lm_eval form)
_CATALOG_DONE = False


def _lm_eval_registry():
    require("lm_eval", "evalmetrics.integrations.lm_eval")
    import lm_eval.api.metrics  # noqa: F401  (registers lm_eval's own metrics and aggregations first)
    from lm_eval.api import registry

    return registry


def _register_one(registry, name: str, build, example, alias: str | None) -> bool:
    """Register ``name`` (idempotent). False if lm_eval already has the name from someone else."""
    if "," in name:  # lm_eval splits reported keys on the first comma
        _SKIPPED[name] = "contains a comma (lm_eval splits reported keys on the first comma)"
        return False
    fn = _FUNCTIONS.get(name)
    if fn is None:
        if name in registry.metric_registry:
            if getattr(registry.metric_registry[name], "__module__", "").startswith("lm_eval."):
                return False  # lm_eval's own metric (brier_score): its alias lm_eval:<name> is registered instead
            _SKIPPED[name] = "lm_eval already registers this name"
            return False
        fn = make_function(name, build, example.id, alias)
    hib = bool(type(example).higher_is_better)
    agg = _AGGREGATIONS.get(type(example).aggregation)
    if agg is None and type(example).aggregation == "corpus":
        agg = _corpus_aggregation(registry, name, fn)
    if agg is None:
        # a per-group, rounded or numpy-mean aggregation (macro_mean, group_all_correct, rounded_mean, ...): lm_eval's
        # metric registry has no aggregation that is it, so the name is not registered (score with evalmetrics)
        _NOT_REGISTRABLE[name] = (f"aggregation {type(example).aggregation!r} has no lm_eval counterpart; score "
                                  f"with evalmetrics directly")
        return False
    try:
        registry.register_metric(metric=name, higher_is_better=hib, aggregation=agg)(fn)
    except (ValueError, TypeError, RuntimeError) as e:
        raise InvalidConfig(f"lm_eval refused to register {name!r}: {e}") from None
    _FUNCTIONS[name] = fn
    _REGISTERED[name] = Registration(name, example.id, alias, hib, agg, type(example).request_type)
    return True


def _corpus_aggregation(registry, name: str, fn) -> str:
    """Register (once) the aggregation that scores a corpus metric's per-document items together."""
    agg_name = f"{name}__evalmetrics_corpus"
    if agg_name in registry.AGGREGATION_REGISTRY:
        return agg_name

    def aggregate(items):
        items = list(items)
        if not items:
            return float("nan")
        metric = fn.evalmetrics_metric(dict(items[0][2]))
        return metric.compute([it[0] for it in items], [it[1] for it in items]).score

    aggregate.__name__ = agg_name
    registry.register_aggregation(agg_name)(aggregate)
    return agg_name


def _catalog_entries():
    """(name, build, example metric, alias key or None) for every catalog metric and every metric alias."""
    from .. import get
    from ..metrics.base import Metric
    from ..registry import aliases

    out = []
    for cname, mid in catalog_metric_ids().items():
        if ":" in cname:
            continue  # aliases below, under every key
        m = get(mid)
        out.append((remember(mid), functools.partial(_by_id, mid), m, None))
        if "," not in mid and mid.isidentifier():
            out.append((mid, functools.partial(_by_id, mid), m, None))
    for key, a in sorted(aliases().items()):
        try:
            m = a.make_example()
        except Exception:
            continue
        if not isinstance(m, Metric):
            continue
        out.append((remember(m.id), functools.partial(_by_id, m.id), m, None))
        out.append((key, a.make, m, key))
    return out


def _by_id(metric_id: str, **options):
    from .. import get

    return get(metric_id, **options)


def register(*metrics) -> dict[str, str]:
    """Register every catalog metric with lm_eval, plus ``metrics`` (IDs, aliases or objects) under their digest
    names; idempotent. Returns {registered name: canonical ID} for everything evalmetrics registered so far.

    Raises InvalidConfig if lm_eval is not installed.
    """
    global _CATALOG_DONE
    registry = _lm_eval_registry()
    with _LOCK:
        if not _CATALOG_DONE:
            for name, build, example, alias in _catalog_entries():
                _register_one(registry, name, build, example, alias)
            _CATALOG_DONE = True
        for m in metrics:
            obj = as_metric(m)
            _register_one(registry, remember(obj.id), functools.partial(_by_id, obj.id), obj, None)
        return {n: r.metric_id for n, r in _REGISTERED.items()}


def registered() -> dict[str, Registration]:
    """Every name evalmetrics registered in this process, with its canonical ID and metadata."""
    return dict(_REGISTERED)


def skipped() -> dict[str, str]:
    """evalmetrics names ``register()`` left out, with the reason: a name lm_eval already has from someone else
    (another plugin registered it first) or one containing a comma. lm_eval's own names (``exact_match``, ``acc``)
    are not evalmetrics names, so they are never here; with lm_eval 0.4.13 alone this is ``{}``."""
    return dict(_SKIPPED)


def not_registrable() -> dict[str, str]:
    """evalmetrics names ``register()`` does not put in lm_eval's registry because lm_eval has no aggregation that
    computes theirs (a mean per group of samples, a rounded or a numpy mean, ...), with the reason. Score these with
    evalmetrics (``em.get(name).compute(...)``) on lm_eval's logged samples."""
    return dict(_NOT_REGISTRABLE)


def metric_function(metric):
    """The lm_eval metric function of ``metric`` (ID, alias, digest name or object), registered; for ``!function``.

    Its ``__name__`` is the metric's digest name (an alias keeps its key), which lm_eval uses as the reported name.
    In a task folder's ``utils.py``:
    ``my_metric = metric_function("exact_match(mode=prediction_contains_reference, ...)")`` and in the YAML
    ``metric: !function utils.my_metric``. Catalog metrics can also be named directly:
    ``metric: !function evalmetrics.integrations.lm_eval.em_0123456789``.
    """
    from ..registry import resolve_alias

    register()
    if isinstance(metric, str) and resolve_alias(metric) is not None and metric in _FUNCTIONS:
        return _FUNCTIONS[metric]
    obj = as_metric(metric)
    name = remember(obj.id)
    if name not in _FUNCTIONS:
        register(obj)
    return _FUNCTIONS[name]


def function_spec(metric) -> str:
    """The ``!function`` reference of ``metric`` (canonical ID, alias or object) that carries its canonical ID (or
    alias key) itself, so that a task YAML alone registers the metric and reads back as its ID in any process::

        metric_list:
          - metric: !function 'evalmetrics.integrations.lm_eval.exact_match(mode=prediction_contains_reference, ...)'

    lm_eval 0.4.13 imports ``!function module.attr`` by splitting at the last dot, so the ID is written with ``%``
    as ``%25`` and ``.`` as ``%2E`` (nothing else changes). Loading the YAML registers the metric under its digest
    name, which is the name lm_eval reports (result keys stay ``em_<hex>,<filter>``); an alias is reported under
    its key and takes its harness's options from the same metric_list entry.

    >>> function_spec("exact_match(mode=prediction_contains_reference, normalize=[lowercase(method=python)], combine=max)")
    'evalmetrics.integrations.lm_eval.exact_match(mode=prediction_contains_reference, normalize=[lowercase(method=python)], combine=max)'
    >>> function_spec("helm@0.5:quasi_exact_match")
    'evalmetrics.integrations.lm_eval.helm@0%2E5:quasi_exact_match'
    """
    from ..registry import resolve_alias

    if isinstance(metric, str) and resolve_alias(metric) is not None:
        key = metric
    else:
        key = as_metric(metric).id
    return MODULE + "." + spec_attr(key)


def yaml_entry(metric) -> str:
    """A ``metric_list`` entry (YAML text) naming ``metric`` by :func:`function_spec`, quoted for YAML."""
    return "- metric: !function '" + function_spec(metric).replace("'", "''") + "'"


def resolve(name: str) -> str:
    """The canonical ID behind a registered or digest name (an alias: at its default configuration)."""
    r = _REGISTERED.get(name)
    if r is not None:
        return r.metric_id
    if DIGEST_RE.match(name):
        return resolve_name(name)
    from ..registry import resolve_alias

    a = resolve_alias(name)
    if a is not None:
        return a.make_example().id
    return as_metric(name).id


def __getattr__(name: str):
    # ``!function evalmetrics.integrations.lm_eval.em_<hex>``, ``...EvalMetricsTask`` and ``function_spec``'s
    # ``...<escaped ID or alias>`` resolve through here.
    if name == "EvalMetricsTask":
        return _task_class()
    if DIGEST_RE.match(name):
        return metric_function(resolve_name(name))
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from ..errors import EvalMetricsError

    key = spec_key(name)
    try:
        as_metric(key)
    except EvalMetricsError as e:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r} (as a canonical ID or alias: {e})") \
            from None
    return metric_function(key)


# ---------------------------------------------------------------------------------------------- the task class


def _our_metric(name: str, options: dict):
    """The evalmetrics metric for a registered name with its metric_list options, or None if not ours."""
    fn = _FUNCTIONS.get(name)
    if fn is None:
        return None
    return fn.evalmetrics_metric(dict(options))


@functools.lru_cache(maxsize=None)
def _task_class():
    require("lm_eval", "evalmetrics.integrations.lm_eval.EvalMetricsTask")
    from lm_eval.api.instance import Instance
    from lm_eval.api.task import ConfigurableTask

    class EvalMetricsTask(ConfigurableTask):
        """A ConfigurableTask that computes evalmetrics metrics itself: in multiple_choice tasks (from each
        document's choice log-likelihoods, greedy flags and, for PMI, unconditioned log-likelihoods, which it
        requests itself) and in generate_until tasks (every target at once, with the metric's own rule for several
        references). lm_eval's own metric names in the same task are computed by lm_eval as usual.

        YAML: ``class: !function evalmetrics.integrations.lm_eval.EvalMetricsTask``.
        """

        def __init__(self, data_dir=None, cache_dir=None, download_mode=None, config=None):
            config = dict(config or {})
            config.pop("class", None)
            meta = dict(config.get("metadata") or {})
            meta.setdefault("evalmetrics_task", "EvalMetricsTask")
            config["metadata"] = meta
            register()
            super().__init__(data_dir=data_dir, cache_dir=cache_dir, download_mode=download_mode, config=config)
            self._em = {}
            for name in list(self._metric_fn_list):
                m = _our_metric(name, self._metric_fn_kwargs.get(name, {}))
                if m is not None:
                    self._em[name] = m
            kind = "multiple_choice" if self.OUTPUT_TYPE == "multiple_choice" else "generate_until"
            for name, m in self._em.items():
                if self.OUTPUT_TYPE not in ("multiple_choice", "generate_until"):
                    raise InvalidConfig(f"EvalMetricsTask: output_type {self.OUTPUT_TYPE} is not supported")
                if m.request_type != kind:
                    raise InvalidConfig(
                        f"EvalMetricsTask {self.config.task}: {name} (= {m.id}) scores {m.request_type} records, "
                        f"but the task's output_type is {self.OUTPUT_TYPE}"
                    )
            self._em_pmi = (
                self.OUTPUT_TYPE == "multiple_choice"
                and any(getattr(m, "norm", None) == "pmi" for m in self._em.values())
                and "acc_mutual_info" not in self._metric_fn_list
            )
            if self._em_pmi and self.multiple_input:
                raise InvalidConfig("EvalMetricsTask: PMI metrics need the choices in the continuation")

        def construct_requests(self, doc, ctx, **kwargs):
            out = super().construct_requests(doc, ctx, **kwargs)
            if not self._em_pmi:
                return out
            # Unconditioned requests as lm_eval builds them for acc_mutual_info: context "" + the same continuation.
            n = len(out)
            extra = [
                Instance(request_type="loglikelihood", doc=doc, arguments=("",) + tuple(r.arguments[1:]),
                         idx=n + i, metadata=r.metadata)
                for i, r in enumerate(out)
            ]
            return out + extra

        def _without_ours(self, fn, *args):
            saved = self._metric_fn_list
            self._metric_fn_list = {k: v for k, v in saved.items() if k not in self._em}
            try:
                return fn(*args)
            finally:
                self._metric_fn_list = saved

        def process_results(self, doc, results):
            if callable(self.config.process_results) or not self._em:
                return super().process_results(doc, results)
            if self.OUTPUT_TYPE == "multiple_choice":
                return self._choice_results(doc, results)
            out = self._without_ours(super().process_results, doc, results)
            gold = self._generative_gold(doc, results[0])
            for name, m in self._em.items():
                out[name] = _score_generative(m, results[0], gold, where=f"{self.config.task}/{name}")
            return out

        def _generative_gold(self, doc, result):
            gold = self.doc_to_target(doc)
            if self.config.doc_to_choice is not None:
                return self.doc_to_choice(doc)[gold]
            if self.multiple_target:
                return list(gold) if isinstance(gold, list) else [gold]
            return gold

        def _choice_results(self, doc, results):
            from ..metrics.choice import Choices

            choices = self.doc_to_choice(doc)
            n = len(choices)
            own = results[:n] if self._em_pmi else results
            out = self._without_ours(super().process_results, doc, own)
            lls = [float(r[0]) for r in results]
            greedy = [bool(r[1]) for r in results]
            uncond = lls[n:2 * n] if len(lls) == 2 * n else None
            gold = self.doc_to_text(doc) if self.multiple_input else self.doc_to_target(doc)
            if isinstance(gold, str):
                if gold not in choices:
                    raise InvalidInput(f"gold {gold!r} is not one of the choices {choices!r}", field="gold")
                gold = choices.index(gold)
            c = Choices(logprobs=lls[:n], gold=gold, texts=list(choices), is_greedy=greedy[:n],
                        unconditioned_logprobs=uncond)
            for name, m in self._em.items():
                out[name] = float(m.score(c))
            return out

    EvalMetricsTask.__module__ = __name__
    EvalMetricsTask.__qualname__ = "EvalMetricsTask"
    return EvalMetricsTask


# ---------------------------------------------------------------------------------------------- results


@dataclass
class ResultRow:
    """One reported row of an lm_eval results dict, with the canonical ID of what it computes."""

    task: str
    filter: str
    metric: str
    value: Any
    stderr: Any
    id: str | None
    alias: str | None = None
    list_id: str | None = None
    notes: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric},{self.filter}"


def explain_results(results: dict) -> list[ResultRow]:
    """Every row of ``simple_evaluate``'s results, with the canonical ID it computes (None: not reproduced).

    Rows come from ``results["results"]``; the IDs from ``results["configs"]`` (read with
    :func:`evalmetrics.integrations.lm_eval_tasks.read_lm_eval_task`), so lm_eval's own names get their IDs too.
    """
    from .lm_eval_tasks import read_lm_eval_task

    if not isinstance(results, dict) or "results" not in results:
        raise InvalidInput("expected the dict simple_evaluate returns (with 'results' and 'configs')", field="results")
    out = []
    configs = results.get("configs", {})
    for task, row in results["results"].items():
        reading = None
        if task in configs:
            cfg = dict(configs[task])
            if (cfg.get("metadata") or {}).get("evalmetrics_task"):
                cfg["class"] = EM_TASK_CLASS
            reading = read_lm_eval_task(cfg)
        for key, value in row.items():
            if "," not in key or "_stderr," in key:
                continue
            metric, _, filt = key.partition(",")
            stderr = row.get(f"{metric}_stderr,{filt}")
            r = ResultRow(task, filt, metric, value, stderr, None)
            if reading is None:
                r.notes.append("a group row or a task without its config in the results")
            else:
                try:
                    mr = reading.get(metric, filt)
                except KeyError:
                    mr = _reading_by_name(cfg, metric, filt)
                if mr is None:
                    r.notes.append("not in the task's metric_list (a value its process_results returned)")
                else:
                    _fill(r, mr, _target_kind(results, task))
            out.append(r)
        if reading is not None:  # configured rows lm_eval never reported (e.g. evalmetrics names in plain MC tasks)
            for mr in reading.readings:
                if mr.key not in row and not mr.reproduced:
                    out.append(ResultRow(task, mr.filter, mr.metric, None, None, None,
                                         notes=["configured but not reported: " + mr.reason]))
    return out


def _target_kind(results: dict, task: str) -> str | None:
    """"list" or "text" from the logged samples (lm_eval decides multiple targets by the document's target), or
    None when the results hold no samples."""
    ss = (results.get("samples") or {}).get(task)
    if not ss:
        return None
    return "list" if isinstance(ss[0].get("target"), list) else "text"


def _fill(r: "ResultRow", mr, kind: str | None):
    if kind == "list" and (mr.list_id is not None or mr.id is not None) and mr.list_id != mr.id:
        r.id, r.alias = mr.list_id, mr.list_alias
        if mr.list_id is None:
            r.notes.append("the target is a list here, and lm_eval binarizes this metric over a list: 1 if any "
                           "target scores non-zero (not reproduced); EvalMetricsTask scores all targets at once")
    elif kind == "text" and mr.list_id is not None and mr.id is not None:
        r.id, r.alias = mr.id, mr.alias
    else:
        r.id, r.alias, r.list_id = mr.id, mr.alias, mr.list_id
        if mr.list_id is not None and mr.id is not None:
            r.notes.append("the ID depends on whether the target is a text (id) or a list (list_id)")
    if not mr.reproduced:
        r.notes.append(mr.reason)
    r.notes.extend(n for n in mr.notes if kind != "text" or "list target" not in n)


def _reading_by_name(cfg: dict, metric: str, filt: str):
    """A row whose metric_list entry was a ``!function`` (dumped as source text): read it by its reported name,
    when that is an evalmetrics name."""
    from .lm_eval_tasks import read_lm_eval_task

    if metric not in _REGISTERED and not DIGEST_RE.match(metric):
        return None
    sub = dict(cfg)
    sub["metric_list"] = [{"metric": metric}]
    try:
        mr = read_lm_eval_task(sub).get(metric, filt)
    except (KeyError, InvalidConfig):
        return None
    mr.notes.append("named by a !function entry of metric_list; read by its reported name")
    return mr


def _fmt(v) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4f}"
    return "" if v is None else str(v)


def _cell(text) -> str:
    """One Markdown table cell: pipes escaped, line breaks as spaces (a dumped source or an ID cannot break rows)."""
    return str(text).replace("|", "\\|").replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def results_table(results: dict) -> str:
    """A markdown table of ``simple_evaluate``'s results with the canonical ID (or alias) of every row.

    Every cell is escaped for Markdown: pipes as ``\\|``, line breaks as spaces."""
    rows = explain_results(results)
    lines = ["| task | filter | metric | value | stderr | what it computes |", "|---|---|---|---|---|---|"]
    for r in rows:
        if r.value is None and r.notes and r.notes[0].startswith("configured but not reported"):
            what = r.notes[0]
        elif r.id is None and r.list_id is None:
            what = "not reproduced: " + (r.notes[0] if r.notes else "")
        else:
            parts = []
            if r.id is not None:
                parts.append((r.alias + " = " if r.alias else "") + f"`{r.id}`")
            if r.list_id is not None:
                parts.append(f"list target: `{r.list_id}`")
            what = "; ".join(parts)
        lines.append("| " + " | ".join(_cell(c) for c in (r.task, r.filter, r.metric, _fmt(r.value), _fmt(r.stderr),
                                                         what)) + " |")
    return "\n".join(lines)
