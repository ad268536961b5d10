"""evalmetrics metrics as lighteval (0.13) ``Metric`` objects, for lighteval custom tasks.

``to_lighteval(metric)`` returns a ``SampleLevelMetric`` whose sample-level computation is the evalmetrics metric and
whose corpus aggregation is evalmetrics' own (the mean summed left to right, so the corpus value equals
``metric.compute(...).score`` exactly):

* text metrics (category ``GENERATIVE``): the prediction is ``model_response.final_text[0]`` (the text after
  lighteval's reasoning-tag removal, when it ran), the references are ``doc.get_golds()``; a response with several
  outputs (a task that also samples for maj@n) scores the best output, as lighteval's ``ExactMatches`` and
  ``F1_score`` do (max, or min for a lower-is-better metric); sampling metrics
  (majority vote, pass@k) get every text in ``final_text``; a mean over samples gets the raw ``text`` list, as
  lighteval's ``AvgAtN`` reads it (``model_response[i]`` keeps no post-processed text);
* choice metrics (category ``LOGPROBS``): an :class:`evalmetrics.Choices` from ``model_response.logprobs`` (the
  first ``len(doc.choices)``; a second half of as many is read as the unconditioned log-probabilities, as lighteval
  does, else ``unconditioned_logprobs``), ``doc.gold_index``, the texts ``doc.choices`` exactly as the task stores
  them (often with a leading space), ``argmax_logits_eq_gold`` as the greedy flags, and token counts from
  ``output_tokens`` (entries that are not the -1 padding the transformers backend adds).

The metric's name defaults to its comma-free digest name (``em_<hex>``); pass ``name=`` for another.

Reasoning spans. lighteval's ``Pipeline`` removes ``<think>...</think>`` spans from every output before any metric
(``remove_reasoning_tags=True``, its default), and lighteval's own metrics read the result (``final_text``); under
``apply_metric`` alone nothing removes them. The lighteval 0.13 aliases (``lighteval:exact_match``, ...) start their
prediction steps with that removal, so that their IDs say what a lighteval run computes. ``to_lighteval`` leaves a
leading ``remove_spans(start="<think>", end="</think>")`` to lighteval (:func:`lighteval_part`): the converted metric
runs the remaining steps on ``final_text``, exactly as lighteval's own metric does, so it gives lighteval's own
number both through the ``Pipeline`` and under ``apply_metric`` (where lighteval's metric sees the raw text too).
Inside the ``Pipeline`` its values are the full canonical ID's; its ``sample_level_fn.metric_id`` is that ID.

Importing this module does not import lighteval.
"""
from __future__ import annotations

import functools

import numpy as np

from ..errors import InvalidInput
from ..io import lighteval_token_count
from ..result import mean_and_stderr
from . import as_metric, metric_name, require

__all__ = ["to_lighteval", "evalmetrics_mean", "sample_inputs", "lighteval_part", "perplexity_record"]


def evalmetrics_mean(values) -> float:
    """evalmetrics' aggregation: the mean, summed left to right (as ``Result.score``).

    Its name contains "mean", so lighteval computes the standard error in closed form rather than by bootstrap."""
    arr = np.asarray(list(values), dtype=np.float64)
    return float(mean_and_stderr(arr)[0])


def _pipeline_step():
    from ..normalizers import RemoveSpans

    return RemoveSpans(start="<think>", end="</think>")  # lighteval 0.13's default reasoning_tags


def lighteval_part(metric):
    """``metric`` without the leading ``<think>`` removal that lighteval's Pipeline does before every metric (on the
    prediction steps, on a vote's steps, and inside a sampling metric's per-sample metric); ``metric`` itself when it
    has none. This is what a converted metric runs on ``final_text``."""
    import dataclasses

    from ..metrics.base import Metric

    step = _pipeline_step()
    changes = {}
    for fname in ("pred", "vote"):
        v = getattr(metric, fname, None)
        if isinstance(v, tuple) and v[:1] == (step,):
            changes[fname] = v[1:]
    inner = getattr(metric, "metric", None)
    if isinstance(inner, Metric):
        new_inner = lighteval_part(inner)
        if new_inner != inner:
            changes["metric"] = new_inner
    if not changes:
        return metric
    kwargs = {f.name: getattr(metric, f.name) for f in dataclasses.fields(metric)
              if f.init and f.metadata.get("id", True)}
    kwargs.update(changes)
    return type(metric)(**kwargs)


def perplexity_record(doc, model_response, counted: str = "query") -> dict:
    """One lighteval perplexity sample as a record: ``{"logprob", "n_words", "n_bytes"}``.

    ``logprob`` is lighteval's ``np.sum(model_response.logprobs)``; the counts are lighteval's (words:
    ``len(re.split(r"\\s+", text))``, bytes: UTF-8) of the text its preparator counts: ``counted="query"``
    (``PerplexityPreparator``: ``doc.original_query``, else ``doc.query``) or ``"golds"``
    (``TargetPerplexityPreparator``: the golds joined by spaces). The perplexity metrics read such records, and a
    saved list of them can be aggregated again."""
    from ..scoring.rolling import count_bytes, count_words

    if counted == "query":
        text = doc.original_query if doc.original_query is not None else doc.query
    elif counted == "golds":
        text = " ".join(doc.get_golds())
    else:
        raise InvalidInput(f"counted must be 'query' or 'golds'; got {counted!r}", field="counted")
    if not isinstance(text, str):
        raise InvalidInput(f"expected the counted text to be a string, got {type(text).__name__}", field=counted)
    logprobs = model_response.logprobs
    if logprobs is None or isinstance(logprobs, (str, bytes)) or len(logprobs) == 0:
        raise InvalidInput("the model response has no log-probabilities", field="logprobs")
    return {"logprob": float(np.sum(logprobs)), "n_words": count_words(text), "n_bytes": count_bytes(text)}


def sample_inputs(metric, doc, model_response):
    """The evalmetrics inputs one lighteval sample gives ``metric``: ``(prediction, references)`` for a text metric,
    ``(samples, references)`` for a sampling metric, ``(choices,)`` for a choice metric, ``(record,)`` for a
    perplexity (:func:`perplexity_record` of the query)."""
    from ..metrics.choice import Choices
    from ..metrics.perplexity import _LogprobMetric
    from ..metrics.sampling import MeanOverSamples, _SamplingMetric

    if isinstance(metric, _LogprobMetric):
        return (perplexity_record(doc, model_response),)
    if metric.request_type == "multiple_choice":
        gold = doc.gold_index
        if isinstance(gold, (list, tuple)):
            # a corpus statistic of (gold, pick) pairs takes the one gold of a list of one, as lighteval's does
            gold = gold[0] if len(gold) == 1 and getattr(metric, "aggregation", "") == "corpus" else list(gold)
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
            gold=gold,
            texts=list(doc.choices),
            token_counts=[lighteval_token_count(t) for t in tokens[:n]] if len(tokens) >= n else None,
            unconditioned_logprobs=None if uncond is None else [float(x) for x in uncond][:n],
            is_greedy=[bool(g) for g in greedy[:n]] if len(greedy) >= n else None,
        ),)
    texts = list(model_response.final_text)
    golds = doc.get_golds()
    if isinstance(metric, MeanOverSamples):  # lighteval's AvgAtN scores model_response[i]: the raw text
        return (list(model_response.text), golds)
    if isinstance(metric, _SamplingMetric):
        return (texts, golds)
    if not texts:
        raise InvalidInput("the model response has no text", field="prediction")
    return (texts[0], golds)


def _single_output(metric) -> bool:
    from ..metrics.sampling import _SamplingMetric

    return metric.request_type != "multiple_choice" and not isinstance(metric, _SamplingMetric)


@functools.lru_cache(maxsize=None)
def _computation_class():
    require("lighteval", "evalmetrics.integrations.lighteval")
    from lighteval.metrics.metrics_sample import SampleLevelComputation

    class EvalMetricsComputation(SampleLevelComputation):
        """lighteval sample-level computation backed by an evalmetrics metric (``metric_id`` is its canonical ID;
        ``computed``: the part it runs on lighteval's ``final_text``, see :func:`lighteval_part`)."""

        def __init__(self, metric):
            self.metric = metric
            self.metric_id = metric.id
            self.computed = lighteval_part(metric)

        def compute(self, doc, model_response, **kwargs) -> float:
            m = self.computed
            args = sample_inputs(m, doc, model_response)
            texts = list(model_response.final_text)
            if len(texts) > 1 and _single_output(m):
                # lighteval's ExactMatches / F1_score score every output of the response and keep the best
                scores = [float(m.score(t, args[1])) for t in texts]
                return max(scores) if type(m).higher_is_better else min(scores)
            return float(m.score(*args))

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
