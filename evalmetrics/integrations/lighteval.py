"""evalmetrics metrics as lighteval (0.13) ``Metric`` objects, for lighteval custom tasks.

``to_lighteval(metric)`` returns a ``SampleLevelMetric`` whose sample-level computation is the evalmetrics metric and
whose corpus aggregation is evalmetrics' own (the mean summed left to right, so the corpus value equals
``metric.compute(...).score`` exactly):

* text metrics (category ``GENERATIVE``): the prediction is ``model_response.final_text[0]`` (the text after
  lighteval's reasoning-tag removal, when it ran), the references are ``doc.get_golds()``; sampling metrics
  (majority vote, pass@k, mean over samples) get every text in ``final_text``;
* choice metrics (category ``LOGPROBS``): an :class:`evalmetrics.Choices` from ``model_response.logprobs`` (the
  first ``len(doc.choices)``; a second half of as many is read as the unconditioned log-probabilities, as lighteval
  does, else ``unconditioned_logprobs``), ``doc.gold_index``, the texts ``doc.choices`` exactly as the task stores
  them (often with a leading space), ``argmax_logits_eq_gold`` as the greedy flags, and token counts from
  ``output_tokens`` (entries that are not the -1 padding the transformers backend adds).

The metric's name defaults to its comma-free digest name (``em_<hex>``); pass ``name=`` for another.
Importing this module does not import lighteval.
"""
from __future__ import annotations

import functools

import numpy as np

from ..errors import InvalidInput
from ..result import mean_and_stderr
from . import as_metric, metric_name, require

__all__ = ["to_lighteval", "evalmetrics_mean", "sample_inputs"]


def evalmetrics_mean(values) -> float:
    """evalmetrics' aggregation: the mean, summed left to right (as ``Result.score``).

    Its name contains "mean", so lighteval computes the standard error in closed form rather than by bootstrap."""
    arr = np.asarray(list(values), dtype=np.float64)
    return float(mean_and_stderr(arr)[0])


def _token_count(tokens) -> int:
    if hasattr(tokens, "tolist"):
        tokens = tokens.tolist()
    return sum(1 for t in tokens if not (isinstance(t, (int, float)) and t < 0))


def sample_inputs(metric, doc, model_response):
    """The evalmetrics inputs one lighteval sample gives ``metric``: ``(prediction, references)`` for a text metric,
    ``(samples, references)`` for a sampling metric, ``(choices,)`` for a choice metric."""
    from ..metrics.choice import Choices
    from ..metrics.sampling import _SamplingMetric

    if metric.request_type == "multiple_choice":
        n = len(doc.choices)
        lps = list(model_response.logprobs)
        uncond = model_response.unconditioned_logprobs
        if len(lps) == 2 * n:
            lps, uncond = lps[:n], lps[n:]
        elif len(lps) > n:
            lps = lps[:n]
        greedy = list(model_response.argmax_logits_eq_gold or [])
        tokens = list(model_response.output_tokens or [])
        return (Choices(
            logprobs=[float(x) for x in lps],
            gold=list(doc.gold_index) if isinstance(doc.gold_index, (list, tuple)) else doc.gold_index,
            texts=list(doc.choices),
            token_counts=[_token_count(t) for t in tokens[:n]] if len(tokens) >= n else None,
            unconditioned_logprobs=None if uncond is None else [float(x) for x in uncond][:n],
            is_greedy=[bool(g) for g in greedy[:n]] if len(greedy) >= n else None,
        ),)
    texts = list(model_response.final_text)
    golds = doc.get_golds()
    if isinstance(metric, _SamplingMetric):
        return (texts, golds)
    if not texts:
        raise InvalidInput("the model response has no text", field="prediction")
    return (texts[0], golds)


@functools.lru_cache(maxsize=None)
def _computation_class():
    require("lighteval", "evalmetrics.integrations.lighteval")
    from lighteval.metrics.metrics_sample import SampleLevelComputation

    class EvalMetricsComputation(SampleLevelComputation):
        """lighteval sample-level computation backed by an evalmetrics metric (``metric_id`` is its canonical ID)."""

        def __init__(self, metric):
            self.metric = metric
            self.metric_id = metric.id

        def compute(self, doc, model_response, **kwargs) -> float:
            return float(self.metric.score(*sample_inputs(self.metric, doc, model_response)))

        def __str__(self):
            return f"evalmetrics({self.metric_id})"

    EvalMetricsComputation.__module__ = __name__
    return EvalMetricsComputation


def to_lighteval(metric, name: str | None = None):
    """A lighteval ``SampleLevelMetric`` computing ``metric`` (a canonical ID, an alias, a digest name or a Metric).

    Raises InvalidConfig if lighteval is not installed.
    """
    require("lighteval", "evalmetrics.integrations.lighteval")
    from lighteval.metrics.utils.metric_utils import SampleLevelMetric
    from lighteval.tasks.requests import SamplingMethod

    m = as_metric(metric)
    if type(m).aggregation != "mean":
        from ..errors import InvalidConfig

        raise InvalidConfig(f"{m.id}: aggregation {type(m).aggregation!r} has no lighteval counterpart here")
    category = SamplingMethod.LOGPROBS if m.request_type == "multiple_choice" else SamplingMethod.GENERATIVE
    out = SampleLevelMetric(
        metric_name=name or metric_name(m),
        higher_is_better=bool(type(m).higher_is_better),
        category=category,
        sample_level_fn=_computation_class()(m),
        corpus_level_fn=evalmetrics_mean,
        batched_compute=False,
    )
    return out
