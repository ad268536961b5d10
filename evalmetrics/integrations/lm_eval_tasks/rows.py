"""What a reported row ``"<metric>,<filter>"`` of an lm_eval task computes: one task's rows read into canonical IDs.

:func:`read_task` reads every (filter pipeline, metric entry) pair of one task config into a
:class:`MetricReading`: the metric the entry names (:mod:`.entries`), the filters in front of its prediction steps
(:mod:`.filters`), the reference as ``doc_to_target`` renders it, and the shipped aliases with exactly that ID. A
task whose values come from a ``process_results`` hook or a task class is read through the hook table
(:mod:`.hooks`). A part evalmetrics does not model is reported as not reproduced, with the reason.
"""
from __future__ import annotations

import re

from ..describe import aliases_by_id, plain_steps
from ..lm_eval_functions import EM_TASK_CLASS, MODULE
from .entries import CORPUS_METRICS, EXACT_MATCH_FLAGS, dumped_function, metric_entries, metric_for
from .filters import compose, filter_pipelines, filter_plan
from .hooks import HOOK_NOTES, identify_hook
from .loading import FunctionRef
from .readings import MetricReading, NotModeled, TaskReading
from .unitxt_recipes import is_unitxt_class, read_unitxt_task

__all__ = ["read_task"]


def read_task(cfg: dict, path: str | None) -> TaskReading:
    """One task config (not a group) read row by row: every filter pipeline times every metric_list entry."""
    output_type = cfg.get("output_type") or "generate_until"
    task = cfg.get("task") if isinstance(cfg.get("task"), str) else None
    tr = TaskReading(task=task, path=path, output_type=output_type)
    cls = cfg.get("class")
    em_class = is_em_class(cls)
    hook = cfg.get("process_results")
    if is_unitxt_class(cls):  # tasks/unitxt: the recipe's card and template say the rows
        return read_unitxt_task(tr, cfg)
    if cls is not None and not em_class:
        return _read_hooked(tr, cfg, cls, "task class")
    if hook is not None and not (isinstance(hook, str) and not hook.strip()):
        return _read_hooked(tr, cfg, hook, "process_results hook")

    entries = metric_entries(cfg, output_type)
    pipelines = filter_pipelines(cfg)
    n_ours = sum(1 for e in cfg.get("metric_list") or () if isinstance(e, dict)
                 and getattr(dumped_function(e.get("metric")), "ours", False))
    if n_ours:
        tr.notes.append(f"{n_ours} metric_list entr{'y is' if n_ours == 1 else 'ies are'} an evalmetrics metric "
                        f"function dumped as its source text; lm_eval reports each under its digest or alias name, "
                        f"read from the reported rows")
    if em_class:
        tr.notes.append("class EvalMetricsTask: evalmetrics metrics are computed by evalmetrics itself "
                        "(multiple-choice metrics on every choice's log-probability; all targets at once)")
    for fname, filters in pipelines:
        for name, options, ref in entries:
            r = MetricReading(task=task, filter=fname, metric=name, output_type=output_type)
            try:
                _read_row(r, cfg, output_type, filters, name, options, ref, em_class)
            except NotModeled as e:
                r.id = r.list_id = None
                r.alias = r.list_alias = None
                r.reason = str(e)
            tr.readings.append(r)
    return tr


def is_em_class(cls) -> bool:
    if isinstance(cls, FunctionRef):
        return cls.spec == EM_TASK_CLASS
    if isinstance(cls, type):
        return getattr(cls, "__module__", "") == MODULE and cls.__name__ == "EvalMetricsTask"
    if isinstance(cls, str):
        return cls.strip().endswith(EM_TASK_CLASS)
    return False


def _read_hooked(tr: TaskReading, cfg: dict, ref, what: str) -> TaskReading:
    """A task whose values come from a hook (process_results) or a Python class: known hooks map to aliases."""
    where, table, digest = identify_hook(ref)
    entries = metric_entries(cfg, tr.output_type) if cfg.get("metric_list") is not None else []
    names = [n for n, _, _ in entries]
    aggregations = {n: o.get("__aggregation__") for n, o, _ in entries}
    if not names and table:
        names = list(table)
    pipelines = filter_pipelines(cfg)
    label = where or (ref.spec if isinstance(ref, FunctionRef) else getattr(ref, "__name__", "a callable"))
    if table is None:
        tr.notes.append(f"{what} {label}: not a hook evalmetrics recognizes (sha256 {digest or 'unavailable'})")
    else:
        tr.notes.append(f"{what} {where} (identified by the sha256 of its source, as lm_eval 0.4.13 ships it)")
        if where in HOOK_NOTES:
            tr.notes.append(HOOK_NOTES[where])
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
                from ...registry import resolve_alias

                alias = resolve_alias(alias_key)
                if alias is None:
                    r.reason = f"computed by {where}; its alias {alias_key} is not shipped in this evalmetrics"
                # a task class without a metric_list aggregates by its own aggregation(), which the class's table
                # maps (squadv2: the corpus figures of evaluate's squad_v2), so no YAML aggregation is checked
                elif (aggregations.get(name) is not None or what != "task class") and \
                        _aggregation_problem(aggregations.get(name), alias.make_example()):
                    r.reason = _aggregation_problem(aggregations.get(name), alias.make_example())
                else:
                    m = alias.make_example()
                    _set_id(r, m, "id")
                    if alias_key in (r.same_as or ()):  # the hook's own alias, among those with this ID
                        r.alias = alias_key
                    r.references = "the document's answers as the hook reads them (see the alias)"
                    r.steps = plain_steps(m)
            tr.readings.append(r)
    return tr


def _aggregation_problem(aggregation, metric) -> str | None:
    """Why a hook row's aggregation is not the one ``metric`` computes (None: it is)."""
    from .aggregations import KNOWN_AGGREGATIONS, aggregation_digest

    ours = getattr(metric, "row_aggregation", None) or type(metric).aggregation  # per instance where it varies
    if aggregation is None or aggregation == "mean":
        return None if ours == "mean" else f"aggregation mean, but the alias aggregates by {ours}"
    if isinstance(aggregation, FunctionRef):
        known = KNOWN_AGGREGATIONS.get(aggregation_digest(aggregation) or "")
        if known is None:
            return f"aggregation {aggregation}: a custom function evalmetrics does not reproduce"
        if known[1] != ours:
            return f"aggregation {known[0]} is a {known[1]}, but the alias aggregates by {ours}"
        return None
    return f"aggregation {aggregation!r} is not modeled for hook rows"


def _read_row(r: MetricReading, cfg, output_type, filters, name, options, ref, em_class):
    from ...registry import aliases

    _read_row_inner(r, cfg, output_type, filters, name, options, ref, em_class)
    # The alias the task names, when it is one of the aliases with exactly this ID.
    if r.alias is not None and name in r.same_as:
        r.alias = name
    elif r.alias is not None and r.task:
        # Several task pipelines with one ID: the alias named after this task's group, if there is one.
        # (lm_eval's own hook aliases; the task-specific rows of other ways to score a task, as mmlu's, are not)
        own = [a for a in r.same_as if a.startswith("lm_eval:") and not aliases()[a].task_specific
               and r.task.startswith(a.split(":", 1)[1].split("/")[0])]
        if own:
            r.alias = max(own, key=len)
    if r.list_alias is not None and name != r.list_alias and aliases_by_id().get(r.list_id, ()).count(name):
        r.list_alias = name


def _read_row_inner(r: MetricReading, cfg, output_type, filters, name, options, ref, em_class):
    known = _known_metric_function(r, ref, options)
    metric, source = known if known else metric_for(name, options, ref, output_type, em_class)
    if output_type == "multiple_choice":
        _read_choice_row(r, cfg, filters, metric, source, name)
    elif output_type == "generate_until":
        _read_generative_row(r, cfg, filters, metric, source, name, options, em_class)
    elif output_type == "loglikelihood":
        if [f for f, _ in filters] != ["take_first"]:
            raise NotModeled(f"filters {[f for f, _ in filters]} on log-likelihood responses")
        from ... import get

        if name == "acc" and source == "lm_eval":
            m = get("lm_eval:loglikelihood/acc")
            _set_id(r, m, "id")
            r.references = "the target continuation (gold 0), with is_greedy from the model"
            r.steps = plain_steps(m)
        elif name == "perplexity" and source == "lm_eval":
            m = get("lm_eval:perplexity")
            _set_id(r, m, "id")
            r.references = (f"the target continuation: doc_to_target ({_show(cfg.get('doc_to_target'))}) after "
                            f"target_delimiter {cfg.get('target_delimiter', ' ')!r}")
            r.steps = ["one log-likelihood request per document: context, then target_delimiter + target"] + \
                plain_steps(m)
        else:
            raise NotModeled(f"{name!r} on loglikelihood output: evalmetrics has no alias for it")
    elif output_type == "loglikelihood_rolling":
        if [f for f, _ in filters] != ["take_first"]:
            raise NotModeled(f"filters {[f for f, _ in filters]} on rolling log-likelihoods")
        if source == "lm_eval" and name in _ROLLING:
            from ... import get

            m = get(f"lm_eval:{name}")
            _set_id(r, m, "id")
            r.references = (f"the whole document, doc_to_target ({_show(cfg.get('doc_to_target'))}), scored in "
                            f"rolling windows (LogprobScorer.score_rolling); its {_ROLLING[name]} are counted on "
                            f"the same text")
            r.steps = ["one rolling log-likelihood request per document (lm_eval's disjoint windows)"] + \
                plain_steps(m)
        else:
            raise NotModeled(f"{name!r} on loglikelihood_rolling output: lm_eval reports only word_perplexity, "
                             f"byte_perplexity and bits_per_byte there")
    else:
        raise NotModeled(f"output_type {output_type!r} is not one lm_eval defines")


def _known_metric_function(r: MetricReading, ref, options):
    """(metric, "lm_eval_function") for a ``!function`` metric evalmetrics reproduces (hooks.KNOWN_METRIC_FUNCTIONS),
    else None; raises NotModeled when the row aggregates it otherwise than by the mean."""
    from .hooks import identify_metric_function

    known = identify_metric_function(ref)
    if known is None:
        return None
    where, alias_key = known
    aggregation = options.get("__aggregation__")
    if aggregation not in (None, "mean"):
        raise NotModeled(f"metric !function {where} with aggregation {aggregation}: evalmetrics reproduces its mean")
    from ...registry import resolve_alias

    alias = resolve_alias(alias_key)
    if alias is None:
        raise NotModeled(f"metric !function {where}: its alias {alias_key} is not shipped in this evalmetrics")
    r.notes.append(f"metric !function {where} (identified by the sha256 of its source, as lm_eval 0.4.13 ships it)")
    return alias.make_example(), "lm_eval_function"


# lm_eval's rolling-log-likelihood rows (ConfigurableTask.process_results) and the count each one divides by.
_ROLLING = {"word_perplexity": "words (whitespace-split)", "byte_perplexity": "UTF-8 bytes",
            "bits_per_byte": "UTF-8 bytes"}


def _read_choice_row(r, cfg, filters, metric, source, name):
    if [f for f, _ in filters] != ["take_first"]:
        raise NotModeled(f"filters {[f for f, _ in filters]} on multiple-choice log-likelihoods")
    if source == "evalmetrics":
        em_class = is_em_class(cfg.get("class"))
        if not em_class:
            raise NotModeled(
                "lm_eval's ConfigurableTask computes only its built-in names for multiple_choice tasks, so this row "
                "is never reported; add 'class: !function evalmetrics.integrations.lm_eval.EvalMetricsTask'"
            )
        if metric.request_type != "multiple_choice":
            raise NotModeled(f"{name!r} scores {metric.request_type} outputs, not choice log-probabilities")
    _set_id(r, metric, "id")
    delim = cfg.get("target_delimiter", " ")
    r.references = (f"the gold index from doc_to_target ({_show(cfg.get('doc_to_target'))}); choice texts: "
                    f"doc_to_choice ({_show(cfg.get('doc_to_choice'))}), each requested as "
                    f"{delim!r} + choice; lengths count the choice text without that delimiter")
    r.steps = ["one log-likelihood request per choice: context, then target_delimiter + choice"] + plain_steps(metric)
    if source == "lm_eval" and getattr(metric, "aggregation", "mean") == "corpus":
        r.notes.append("a corpus statistic of (gold index, argmax) pairs; lm_eval bootstraps the stderr of its "
                       "registered f1/matthews_corrcoef aggregations and reports N/A for a task's own function")
    if getattr(metric, "norm", None) == "token":
        r.notes.append("lm_eval's models return no token counts, so norm=token cannot be computed in lm_eval")


def _read_generative_row(r, cfg, filters, metric, source, name, options, em_class):
    from ...metrics.base import GenerativeMetric
    from ...metrics.sampling import MajorityVote, MeanOverSamples, _SamplingMetric

    if metric.request_type != "generate_until":
        raise NotModeled(f"{name!r} scores {metric.request_type} records, not generated text")
    pre, n_first, vote, post, last = filter_plan(filters)
    repeats = cfg.get("repeats", 1) or 1
    if last != "take_first" and not (isinstance(metric, _SamplingMetric) and vote is None):
        raise NotModeled(f"filter pipeline ends with {last!r}: the metric receives a list of responses")
    # bleu/chrf/chrf++/ter: lm_eval's passthrough fn rejects keywords (TypeError) and is called as fn([gold, result]),
    # so entry options never reach it; its registered aggregation forms the corpus statistic over those pairs.
    corpus = source == "lm_eval" and name in CORPUS_METRICS
    odd = {k: v for k, v in options.items() if k in EXACT_MATCH_FLAGS and not isinstance(v, bool)}
    if source == "lm_eval" and name == "exact_match" and odd:
        r.notes.append("; ".join(f"{k}: {v!r} is not a boolean; lm_eval's exact_match tests `if {k}:`, so it "
                                 f"counts as {bool(v)}" for k, v in odd.items()))
    if corpus:
        if vote is not None:
            raise NotModeled(f"majority_vote in front of lm_eval's corpus-level {name!r}: not modeled")
        if repeats > 1:
            raise NotModeled(f"repeats={repeats} with lm_eval's corpus-level {name!r}: not modeled")
        ignored = sorted(k for k in options if not k.startswith("__"))
        if ignored:
            r.notes.append(f"options {ignored} are ignored by lm_eval: its passthrough {name!r} function raises "
                           f"TypeError on keywords and is called again with [gold, prediction] alone")
    forms = _target_forms(cfg)
    t = cfg.get("doc_to_target")
    if corpus and cfg.get("doc_to_choice") is None and (isinstance(t, FunctionRef) or callable(t)):
        r.notes.append(f"read for a doc_to_target function that returns a text; one that returns a list (multiple "
                       f"targets) is not reproduced: lm_eval's {name!r} aggregation fails on it")
    ids = {}
    for form, ref_steps, ref_words in forms:
        if isinstance(metric, _SamplingMetric):
            if vote is not None or pre or post:
                raise NotModeled("filters around an evalmetrics sampling metric")
            m = metric
            if ref_steps:
                raise NotModeled("an evalmetrics sampling metric with a rendered target")
            if last == "take_first" and "take_first" not in " ".join(r.notes):
                r.notes.append("the pipeline ends with take_first: the sampling metric sees the first sample only")
        else:
            if not isinstance(metric, GenerativeMetric):
                raise NotModeled(f"{name!r} is not a text metric")
            inner = compose(metric, (post if vote is not None else pre), ref_steps)
            if form == "list" and corpus:
                # lm_eval calls the passthrough per target; its [gold, prediction] is truthy, so the row's value
                # is 1.0, which the corpus aggregation cannot unpack.
                ids[form] = None
                r.notes.append(f"a list target (multiple targets) is not reproduced: lm_eval scores each target "
                               f"with the passthrough {name!r}, records 1.0 and its {name!r} aggregation then "
                               f"fails on those numbers")
                continue
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
                if not isinstance(inner, GenerativeMetric):  # with_document: a filter that reads the document
                    raise NotModeled(f"repeats={repeats} with a filter that reads the document: not modeled")
                m = MeanOverSamples(n=1, metric=inner)
            else:
                m = inner
        ids[form] = (m, ref_words)
    if not any(v is not None for v in ids.values()):
        if corpus:
            raise NotModeled(f"a list target with lm_eval's corpus-level {name!r}: lm_eval records 1.0 per document "
                             f"(the passthrough's [gold, prediction] is truthy) and its aggregation fails on them")
        raise NotModeled("a graded metric over a list target is binarized by lm_eval: 1 if any target scores "
                          "non-zero; use class EvalMetricsTask to score all targets at once")
    for form, v in ids.items():
        if v is None:
            continue
        m, words = v
        _set_id(r, m, "list_id" if form == "list" else "id")
        if not r.steps:
            r.steps = plain_steps(m)
        r.references = (r.references + "; " if r.references else "") + words
    if repeats > 1 and vote is None:
        r.notes.append(f"repeats={repeats}: only the first sample is scored")


_FIELD = re.compile(r"^\s*\{\{\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*\}\}\s*$")

_SPLIT_LAST = re.compile(
    r"^\s*\{\{\s*([A-Za-z_]\w*)\.split\(\s*(['\"])(.*?)\2\s*\)\s*\[\s*-1\s*\]\s*\.strip\(\)"
    r"(?:\s+if\s+\1\s+is\s+defined\s+else\s+[A-Za-z_]\w*)?\s*\}\}\s*$"
)


def _target_forms(cfg):
    """[(form, reference-side steps, words)]: how the reference reaches the metric, for each possible form."""
    from ...extractors import SplitTake
    from ...normalizers import ListLiteralRender, Strip

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
        raise NotModeled(f"doc_to_target {t!r} is not modeled")
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


def _is_binary(metric) -> bool:
    from ...metrics.match import ExactMatch
    from ...metrics.sets import SetMatch

    if isinstance(metric, ExactMatch):
        return True
    return isinstance(metric, SetMatch) and metric.score_kind == "exact"


def _show(v) -> str:
    if isinstance(v, FunctionRef):
        return str(v)
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _set_id(r: MetricReading, metric, attr: str):
    mid = metric.id
    same = aliases_by_id().get(mid, ())
    setattr(r, attr, mid)
    if attr == "id":
        r.alias = same[0] if same else None
        r.same_as = same
    else:
        r.list_alias = same[0] if same else None
