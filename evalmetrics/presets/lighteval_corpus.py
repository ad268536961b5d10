"""lighteval 0.13's corpus-level metrics over log-likelihoods: perplexities (its ``PerplexityPreparator`` /
``TargetPerplexityPreparator`` metrics with ``CorpusLevelPerplexityMetric``) and the classification statistics of
its ``LoglikelihoodPreparator`` metrics (``MatthewsCorrCoef``, ``CorpusLevelF1Score``).

Each sample is one document's log-likelihood, lighteval's ``np.sum(model_response.logprobs)``, with the counts it is
weighed by: for ``PerplexityPreparator`` the words (``len(re.split(r"\\s+", text))``) or UTF-8 bytes of the
document's query (``doc.original_query``, else ``doc.query``); ``TargetPerplexityPreparator`` counts the golds joined
by spaces, but its only aggregation (``perplexity``) does not read the counts.
``evalmetrics.integrations.lighteval.sample_inputs`` builds these records from lighteval's ``Doc`` and
``ModelResponse``. The aggregations:

* ``weighted_perplexity``: ``math.exp(-sum(logprobs) / sum(weights))`` (lighteval ``word_perplexity``,
  ``byte_perplexity``), the shared :class:`~evalmetrics.metrics.perplexity.WeightedPerplexity`;
* ``bits_per_byte``: ``-sum(logprobs) / sum(weights) / ln 2``, :class:`~evalmetrics.metrics.perplexity.BitsPerUnit`;
* ``perplexity``: ``math.exp(-np.mean(logprobs))`` (lighteval ``prediction_perplexity`` and ``target_perplexity``,
  both reported as ``ppl``): :class:`~evalmetrics.metrics.perplexity.MeanPerplexity` with numpy's pairwise mean.

Where lighteval's ``math.exp`` raises OverflowError these give +inf; a corpus whose counts sum to 0 (every document
empty) is refused with InvalidInput, where lighteval divides a numpy float by 0 and reports inf or nan.

``LoglikelihoodPreparator`` pairs each document's gold index with ``np.argmax(model_response.logprobs)``, and the
corpus statistic is scikit-learn's over the pairs (extra ``classification``): ``mcc`` (glue cola) is
``matthews_corrcoef``; ``loglikelihood_f1`` (glue mrpc, qqp) the highest per-label F1 (``f1_score(average=None)``,
then ``np.max``); ``multi_f1_numeric`` ("mf1", super_glue cb; its single-token preparator keeps the first gold
only) the mean over labels 0, 1, 2 of the micro F1 of the one-vs-rest indicators. A document with several golds is
refused (InvalidInput), where lighteval fails on ragged golds (mcc, loglikelihood_f1) or keeps the first (mf1).
"""
from __future__ import annotations

from ..metrics.classification import MatthewsCorrelation
from ..metrics.label_f1 import BestLabelF1, OneVsRestF1
from ..metrics.perplexity import BitsPerUnit, MeanPerplexity, WeightedPerplexity
from .alias import Alias

__all__ = ["ALIASES"]


def _numpy_mean_perplexity():
    return MeanPerplexity(summation="numpy_pairwise")


ALIASES = [
    Alias("lighteval", "0.13", "word_perplexity", lambda: WeightedPerplexity(weight="words"),
          "lighteval word_perplexity (PerplexityPreparator(words), weighted_perplexity): exp(-sum of document "
          "log-likelihoods / sum of the queries' words, split on whitespace runs)"),
    Alias("lighteval", "0.13", "byte_perplexity", lambda: WeightedPerplexity(weight="bytes"),
          "lighteval byte_perplexity (PerplexityPreparator(bytes), weighted_perplexity): exp(-sum of document "
          "log-likelihoods / sum of the queries' UTF-8 bytes)"),
    Alias("lighteval", "0.13", "bits_per_byte", lambda: BitsPerUnit(weight="bytes"),
          "lighteval bits_per_byte (PerplexityPreparator(bytes)): -(sum of document log-likelihoods / sum of the "
          "queries' UTF-8 bytes) / ln 2"),
    Alias("lighteval", "0.13", "prediction_perplexity", _numpy_mean_perplexity,
          "lighteval prediction_perplexity ('ppl', PerplexityPreparator(words), perplexity): exp(-numpy mean of the "
          "documents' log-likelihoods); the word counts are not used"),
    Alias("lighteval", "0.13", "target_perplexity", _numpy_mean_perplexity,
          "lighteval target_perplexity ('ppl', TargetPerplexityPreparator(words), perplexity): exp(-numpy mean of "
          "the targets' log-likelihoods); the word counts are not used"),
    Alias("lighteval", "0.13", "mcc", MatthewsCorrelation,
          "lighteval mcc (LoglikelihoodPreparator, MatthewsCorrCoef): scikit-learn matthews_corrcoef of the (gold "
          "index, argmax of the choices' log-probabilities) pairs over the corpus"),
    Alias("lighteval", "0.13", "loglikelihood_f1", BestLabelF1,
          "lighteval loglikelihood_f1 (LoglikelihoodPreparator, CorpusLevelF1Score(None)): the highest per-label "
          "F1 (scikit-learn f1_score, average=None, then np.max) of the (gold index, argmax) pairs"),
    Alias("lighteval", "0.13", "multi_f1_numeric", lambda: OneVsRestF1(num_classes=3, average="micro"),
          "lighteval multi_f1_numeric ('mf1', CorpusLevelF1Score(micro, num_classes=3)): the mean over labels 0, 1, "
          "2 of scikit-learn's micro F1 of the indicators (gold == label, argmax == label)", also=("mf1",)),
]
