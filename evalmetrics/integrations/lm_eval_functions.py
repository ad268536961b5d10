"""How an evalmetrics metric appears inside lm_eval: the function lm_eval calls, and the names a task YAML gives it.

* :func:`make_function`: the metric function lm_eval 0.4.13 calls per document,
  ``fn(references=[gold], predictions=[response], **options)``. lm_eval dumps a ``!function`` metric into
  ``results["configs"]`` as this function's source text, which is how the task reader recognizes ours.
* ``!function`` references: :data:`MODULE` (``evalmetrics.integrations.lm_eval``) followed by a digest name, the task
  class name (:data:`EM_TASK_CLASS`) or a canonical ID (or alias key) escaped by :func:`spec_attr` so that lm_eval's
  split at the last dot gives it back whole (:func:`spec_key` undoes the escapes).

Both :mod:`evalmetrics.integrations.lm_eval` (which registers the functions) and
:mod:`evalmetrics.integrations.lm_eval_tasks` (which reads task configs back) build on this module; it imports
neither, and never imports lm_eval.

>>> spec_attr("helm@0.5:quasi_exact_match")
'helm@0%2E5:quasi_exact_match'
>>> spec_key("helm@0%2E5:quasi_exact_match")
'helm@0.5:quasi_exact_match'
"""
from __future__ import annotations

import re

from ..errors import InvalidConfig, InvalidInput

__all__ = ["MODULE", "EM_TASK_CLASS", "spec_attr", "spec_key", "make_function"]

# The module a task YAML names in ``!function`` references to evalmetrics (lm_eval imports it and looks the
# attribute up), and the multiple-choice task class there.
MODULE = "evalmetrics.integrations.lm_eval"
EM_TASK_CLASS = MODULE + ".EvalMetricsTask"

_ESCAPES = {"%": "%25", ".": "%2E"}
_UNESCAPE = re.compile(r"%(25|2E)")


def spec_attr(key: str) -> str:
    """The attribute name that carries the canonical ID or alias ``key`` in a ``!function`` reference: lm_eval
    0.4.13 splits ``module.attr`` at the last dot, so ``%`` is written ``%25`` and ``.`` is written ``%2E``
    (nothing else changes)."""
    return "".join(_ESCAPES.get(c, c) for c in key)


def spec_key(attr: str) -> str:
    """The canonical ID or alias key a :func:`function_spec` attribute name carries (the escapes undone)."""
    return _UNESCAPE.sub(lambda m: "%" if m.group(1) == "25" else ".", attr)


# ---------------------------------------------------------------------------------------------- functions


def _score_generative(metric, prediction, reference, *, where: str) -> float:
    """One document: the filtered response against lm_eval's gold (a text, or a list of texts)."""
    from ..metrics.sampling import _SamplingMetric

    if metric.request_type != "generate_until":
        raise InvalidConfig(
            f"{where}: {metric.id} scores {metric.request_type} records, not generated text. In a multiple_choice "
            f"task use 'class: !function evalmetrics.integrations.lm_eval.EvalMetricsTask'"
        )
    refs = _as_references(reference)
    if isinstance(metric, _SamplingMetric):
        samples = [prediction] if isinstance(prediction, str) else list(prediction)
        return float(metric.score(samples, refs))
    if isinstance(prediction, (list, tuple)) and prediction and all(p == prediction[0] for p in prediction):
        # lm_eval 0.4.13, list targets: after an exact_match row it hands later metrics the response repeated once
        # per target (task.py rebinds ``result``); identical copies score as the one response.
        prediction = prediction[0]
    if isinstance(prediction, (list, tuple)):
        raise InvalidInput(
            f"{where}: the filtered response is a list of {len(prediction)} responses; end the filter pipeline "
            f"with take_first, or use a sampling metric (majority_vote, pass_at_k, mean_over_samples)",
            field="prediction",
        )
    return float(metric.score(prediction, refs))


def _as_references(gold):
    if isinstance(gold, (list, tuple)):
        return [g if isinstance(g, str) else str(g) for g in gold]
    if isinstance(gold, str) or gold is None:
        return gold
    return str(gold)  # lm_eval casts a non-text gold to the response's type (text) itself


def make_function(name: str, build, metric_id: str, alias: str | None):
    """The function lm_eval calls: ``fn(references=[gold], predictions=[response], **options)`` -> float.

    lm_eval dumps a ``!function`` metric into ``results["configs"]`` as the source text of ``fn`` below, and the
    task reader recognizes ours by the SHA-256 of that text: a change to ``fn``'s text changes what older results
    files are recognized as."""
    cache: dict = {}

    def metric_for(options: dict):
        key = repr(sorted(options.items()))
        m = cache.get(key)
        if m is None:
            if options and alias is None:
                raise InvalidConfig(
                    f"{name} (= {metric_id}) is a canonical ID and takes no options; got {sorted(options)}. "
                    f"Options belong to harness aliases such as 'lm_eval:exact_match'"
                )
            m = cache[key] = build(**options)
        return m

    def fn(references=None, predictions=None, **options):
        if references is None or predictions is None or len(references) != 1 or len(predictions) != 1:
            raise InvalidConfig(
                f"{name}: lm_eval passes one reference and one prediction per call "
                f"(references=[gold], predictions=[response])"
            )
        metric = metric_for(options)
        if type(metric).aggregation == "corpus":
            # A corpus statistic (BLEU, chrF, TER): the per-document item is kept and the aggregation scores them
            # together, as lm_eval's own bleu does.
            return (predictions[0], _as_references(references[0]), tuple(sorted(options.items())))
        return _score_generative(metric, predictions[0], references[0], where=name)

    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = f"evalmetrics {metric_id}" + (f" (alias {alias}; takes its configuration keys)" if alias else "")
    fn.evalmetrics_id = metric_id
    fn.evalmetrics_alias = alias
    fn.evalmetrics_metric = metric_for
    return fn
