"""lm_eval 0.4.13's unitxt tasks (``tasks/unitxt/*.yaml``: ``class: !function task.Unitxt`` and a ``recipe:``) read
as canonical IDs, from the YAML and the catalog tables of :mod:`evalmetrics.presets.unitxt`; unitxt is never imported.

The facts the reading rests on (lm_eval's ``tasks/unitxt/task.py``, known by the sha256 of the whole module, and
unitxt 1.26's ``evaluate``):

* the task's config keeps only the recipe: a YAML's ``metric_list`` and ``filter_list`` are never used, so every row is
  ``"<metric>,none"`` (the first generation, cut at the first line break);
* one row per metric of the recipe's dataset (its card's task metrics), named ``metrics.X`` with ``metrics.`` removed;
* each row's value is unitxt's ``evaluate(...)`` global ``score`` with that one metric: the metric's main score over
  the whole split, after the template's target_prefix is deleted from the prediction's start and after the
  template's postprocessors (each applied to the prediction and, unless its catalog entry
  says prediction only, to each reference). A metric given a ``reference_field`` reads that field of the document's
  ``task_data``, which no postprocessor touches.

A row reads when the metric and every postprocessor have a ``unitxt:`` alias: the postprocessors go into the
metric's own step lists, or in front of a metric without any (``processed(pred=..., ref=..., metric=...)``);
otherwise the row is not reproduced, with the reason.
"""
from __future__ import annotations

import re

from ..describe import aliases_by_id, plain_steps
from .filter_classes import module_digest
from .filters import compose
from .loading import FunctionRef
from .readings import MetricReading, NotModeled, TaskReading

__all__ = ["UNITXT_MODULES", "is_unitxt_class", "read_unitxt_task", "parse_recipe"]

# lm_eval's tasks/unitxt/task.py, by the sha256 (first 16 hex digits) of the whole module: (where, task classes)
UNITXT_MODULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "357893b1aee2feba": ("unitxt/task.py", ("Unitxt", "UnitxtMultiModal")),
}

# Recipe keys that shape the prompt or the data drawn, never the scoring.
_PROMPT_KEYS = ("num_demos", "demos_pool_size", "loader_limit", "format", "system_prompt", "max_train_instances",
                "max_validation_instances", "max_test_instances", "demos_taken_from", "demos_removed_from_data")


def is_unitxt_class(cls) -> bool:
    """Whether ``cls`` (a task's ``class:``) is lm_eval 0.4.13's Unitxt task class, as shipped."""
    if not isinstance(cls, FunctionRef):
        return False
    known = UNITXT_MODULES.get(module_digest(cls) or "")
    return known is not None and cls.name in known[1]


def parse_recipe(recipe: str) -> dict:
    """``"card=cards.x,template=templates.y"`` as ``{"card": ..., "template": ...}``: ``key=value`` items split at
    commas outside brackets, as unitxt writes catalog overrides (``task[metrics=[a,b]]``)."""
    if not isinstance(recipe, str) or not recipe.strip():
        raise NotModeled(f"the unitxt task has no recipe string (recipe: {recipe!r})")
    items, depth, cur = [], 0, []
    for ch in recipe:
        if ch == "," and depth == 0:
            items.append("".join(cur))
            cur = []
            continue
        depth += (ch == "[") - (ch == "]")
        cur.append(ch)
    items.append("".join(cur))
    out = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise NotModeled(f"recipe {recipe!r}: item {item!r} is not key=value")
        out[key.strip()] = value.strip()
    return out


_OVERRIDE = re.compile(r"^(metrics\.[\w./]+?)(?:\[(\w+)=([^\[\],]*)\])?$")


def read_unitxt_task(tr: TaskReading, cfg: dict) -> TaskReading:
    """The rows of a unitxt task (``cfg``: its merged YAML), one per metric of its recipe's card."""
    from ...presets.unitxt import CARD_METRICS

    tr.notes.append(f"task class {cfg['class'].spec} ({UNITXT_MODULES[module_digest(cfg['class'])][0]}, identified by "
                    "the sha256 of the module as lm_eval 0.4.13 ships it): each row is unitxt's evaluate() global "
                    "score for that one metric, after the template's postprocessors; the YAML's metric_list and "
                    "filter_list are not used")
    try:
        recipe = parse_recipe(cfg.get("recipe"))
        card, template = recipe.get("card"), recipe.get("template")
        other = sorted(k for k in recipe if k not in ("card", "template", *_PROMPT_KEYS))
        if card is None or template is None or other:
            raise NotModeled(f"recipe {cfg.get('recipe')!r}: the reader models recipes of a card and a template "
                             f"(and prompt-only keys); got keys {sorted(recipe)}")
        if card not in CARD_METRICS:
            raise NotModeled(f"recipe card {card}: not in evalmetrics's table of unitxt cards "
                             f"(evalmetrics.presets.unitxt.CARD_METRICS), so its metrics are unknown")
    except NotModeled as e:
        tr.readings.append(MetricReading(task=tr.task, filter="none", metric="(the recipe's metrics)",
                                         output_type=tr.output_type, reason=str(e)))
        return tr
    for name in CARD_METRICS[card]:
        r = MetricReading(task=tr.task, filter="none", metric=name.replace("metrics.", ""),
                          output_type=tr.output_type)
        try:
            _read_row(r, name, template, card)
        except NotModeled as e:
            r.id, r.alias, r.same_as, r.steps = None, None, (), []
            r.reason = str(e)
        tr.readings.append(r)
    return tr


def _read_row(r: MetricReading, name: str, template: str, card: str) -> None:
    from ...presets.unitxt import TEMPLATE_POSTPROCESSORS, processor_sides, target_prefix_step
    from ...registry import resolve_alias

    m = _OVERRIDE.match(name)
    if m is None:
        raise NotModeled(f"unitxt metric {name}: catalog overrides other than one [key=value] are not modeled")
    base, key, value = m.groups()
    if key is not None and key != "reference_field":
        raise NotModeled(f"unitxt metric {name}: the override {key}= is not modeled")
    alias = resolve_alias(f"unitxt:{base}")
    if alias is None:
        raise NotModeled(f"unitxt's {base}: evalmetrics has no unitxt:{base} alias (not yet modeled)")
    if template not in TEMPLATE_POSTPROCESSORS:
        raise NotModeled(f"recipe template {template}: not in evalmetrics's table of unitxt templates "
                         f"(evalmetrics.presets.unitxt.TEMPLATE_POSTPROCESSORS), so its postprocessors are unknown")
    names = TEMPLATE_POSTPROCESSORS[template]
    pred, ref = [], []
    try:
        prefix = target_prefix_step(template, card)
    except KeyError as e:
        raise NotModeled(f"the template {template}'s target_prefix reads the field {e}, which evalmetrics's table "
                         f"of card fields (evalmetrics.presets.unitxt.CARD_FIELDS) lacks for {card}") from None
    if prefix is not None:  # unitxt's evaluate deletes it from the prediction before the postprocessors
        pred.append(prefix)
    for p in names:
        pa = resolve_alias(f"unitxt:{p}")
        if pa is None:
            raise NotModeled(f"the template {template} postprocesses with {p}, which evalmetrics does not model "
                             f"(no unitxt:{p} alias)")
        step = pa.make_example()
        pred.append(step)
        if processor_sides(pa) == "both" and key is None:
            ref.append(step)
    metric = _with_steps(alias.make_example(), tuple(pred), tuple(ref))
    mid = metric.id
    same = aliases_by_id().get(mid, ())
    r.id, r.same_as = mid, same
    r.alias = f"unitxt:{base}" if f"unitxt:{base}" in same else (same[0] if same else None)
    shown = ", ".join(names) or "none"
    r.references = (f"the document's task_data {value!r} field (not postprocessed)" if key is not None else
                    f"the references the template renders from the card, after the template's postprocessors "
                    f"({shown})")
    r.steps = plain_steps(metric)
    lead = "the template's target_prefix deleted from the prediction's start, then " if prefix is not None else ""
    r.notes.append(f"lm_eval's row: unitxt's global score of {base} over the split (its main score); {lead}the "
                   f"postprocessors {shown}")


def _with_steps(metric, pred: tuple, ref: tuple):
    """``metric`` with the postprocessors in front of its prediction and reference steps."""
    inner = getattr(metric, "metric", None) if type(metric).name == "pairwise_mean" else None
    target = inner if inner is not None else metric
    if _has_steps(target):
        composed = compose(target, pred, ref)
        return type(metric)(metric=composed) if inner is not None else composed
    from ...metrics.processed import Processed

    return Processed(pred=pred, ref=ref, metric=metric)  # the metric has no step lists: the steps in front of it


def _has_steps(metric) -> bool:
    import dataclasses

    return {"pred", "ref"} <= {f.name for f in dataclasses.fields(metric)}

