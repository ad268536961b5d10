"""What an lm_eval ``filter_list`` means: the named pipelines of a task, and one pipeline as evalmetrics steps.

:func:`filter_pipelines` lists ``(name, [(filter function, arguments)])`` (lm_eval's default: ``none`` =
take_first); :func:`filter_plan` splits a pipeline around ``take_first_k`` / ``majority_vote`` into evalmetrics
steps (the ``lm_eval:filter/...`` aliases); :func:`compose` puts filter steps in front of a metric's prediction
steps and target steps in front of its reference steps. A filter evalmetrics does not model raises
:class:`NotModeled`.
"""
from __future__ import annotations

import dataclasses

from ...document_steps import DocumentStep
from ...errors import EvalMetricsError
from .filter_classes import known_filter
from .readings import NotModeled

__all__ = ["filter_pipelines", "filter_plan", "compose"]


def filter_pipelines(cfg) -> list:
    fl = cfg.get("filter_list")
    if not fl:
        return [("none", [("take_first", {})])]
    out = []
    for f in fl:
        steps = [(fn["function"], {k: v for k, v in fn.items() if k != "function"}) for fn in f.get("filter", [])]
        out.append((str(f["name"]), steps))
    return out


def filter_plan(filters):
    """Split a filter pipeline: (steps before the vote, take_first_k n, vote?, steps after the vote, last name)."""
    from ... import get

    pre, post, n_first, vote = [], [], None, None
    names = [f for f, _ in filters]
    last = names[-1] if names else None
    for i, (fn, kw) in enumerate(filters):
        if fn == "take_first":
            if i != len(filters) - 1:
                raise NotModeled("take_first before the end of the filter pipeline")
            continue
        if fn == "take_first_k":
            if vote is not None or pre:
                raise NotModeled("take_first_k after other filters")
            n_first = int(kw.get("k"))
            continue
        if fn == "majority_vote":
            if vote is not None:
                raise NotModeled("two majority_vote filters")
            vote = True
            continue
        if fn in ("regex", "remove_whitespace", "lowercase", "uppercase", "map", "multi_choice_regex"):
            try:
                step = get(f"lm_eval:filter/{fn}", **kw)
            except EvalMetricsError as e:
                raise NotModeled(f"filter {fn} {kw}: {e}") from None
            (post if vote else pre).append(step)
            continue
        # a filter class of a task folder, or a custom filter function, known by its source's digest
        key, args, takes_first = known_filter(fn, kw)
        try:
            step = get(key, **args)
        except EvalMetricsError as e:
            raise NotModeled(f"filter {fn} {kw} ({key}): {e}") from None
        (post if vote else pre).append(step)
        if takes_first:
            if i != len(filters) - 1:
                raise NotModeled(f"filter {fn} {kw} returns one text per document; filters after it are not modeled")
            last = "take_first"
    if any(isinstance(s, DocumentStep) for s in pre + post) and (vote or n_first is not None):
        raise NotModeled("a filter that reads the document, with take_first_k or majority_vote")
    if any(isinstance(s, DocumentStep) for s in pre[1:] + post):
        raise NotModeled("a filter that reads the document after another filter")
    return pre, n_first, vote, post, last


def compose(metric, pred_prefix, ref_prefix):
    """``metric`` with filter steps before its prediction steps and target steps before its reference steps.

    A first filter step that reads the document (choices, input) makes the whole a ``with_document`` metric."""
    if pred_prefix and isinstance(pred_prefix[0], DocumentStep):
        from ...metrics.with_document import WithDocument

        return WithDocument(step=pred_prefix[0], metric=compose(metric, tuple(pred_prefix[1:]), ref_prefix))
    if not pred_prefix and not ref_prefix:
        return metric
    names = {f.name for f in dataclasses.fields(metric)}
    if not {"pred", "ref"} <= names:
        raise NotModeled(f"{metric.name} has no prediction/reference step lists to put the filters and the "
                          f"target rendering in front of")
    kwargs = {f.name: getattr(metric, f.name) for f in dataclasses.fields(metric)
              if f.init and f.metadata.get("id", True)}
    kwargs["pred"] = tuple(pred_prefix) + tuple(metric.pred)
    kwargs["ref"] = tuple(ref_prefix) + tuple(metric.ref)
    return type(metric)(**kwargs)
