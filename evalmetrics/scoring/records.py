"""What the scorer returns: one record per request, the result list with its provenance, and work counters."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

__all__ = ["LogprobRecord", "RollingRecord", "Provenance", "ScoreResults", "ScoringStats"]


@dataclass(frozen=True, slots=True)
class LogprobRecord:
    """The score of one ``(context, continuation)`` request.

    ``logprob`` is the sum, over the continuation's tokens, of log p(token | everything before it), each term
    computed by a log-softmax in float32 (or float64) and summed in float64. ``is_greedy`` is true when every
    continuation token is the arg-max of its log-softmax row (ties go to the lowest token id, as torch.argmax).
    ``n_tokens`` counts the continuation's tokens. ``token_logprobs`` holds the per-token terms when they were
    asked for (``per_token=True``), else None.

    >>> LogprobRecord(logprob=-1.5, is_greedy=False, n_tokens=2)
    LogprobRecord(logprob=-1.5, is_greedy=False, n_tokens=2, token_logprobs=None)
    """

    logprob: float
    is_greedy: bool
    n_tokens: int
    token_logprobs: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class RollingRecord:
    """The rolling (whole-document) log-likelihood of one document.

    ``logprob`` is the sum, over every token of the document, of log p(token | the tokens before it in its
    window), each term a float32 (or float64) log-softmax value, summed exactly in float64 (``math.fsum``).
    ``n_tokens`` counts the scored tokens, ``n_windows`` the model windows they were cut into. ``n_words`` and
    ``n_bytes`` are the counts perplexities divide by, taken from the counted text (the document unless another
    text was given): words as lm_eval splits them (``len(re.split(r"\\s+", text))``), UTF-8 bytes.
    ``token_logprobs`` holds the per-token terms when asked for (``per_token=True``), else None.

    A record is a plain (logprob, counts) tuple of numbers, so a saved run can be re-aggregated:
    ``em.get("lm_eval:word_perplexity").compute(records)`` reads ``logprob`` and ``n_words``.

    >>> RollingRecord(logprob=-7.5, n_tokens=3, n_windows=1, n_words=2, n_bytes=9)
    RollingRecord(logprob=-7.5, n_tokens=3, n_windows=1, n_words=2, n_bytes=9, token_logprobs=None)
    """

    logprob: float
    n_tokens: int
    n_windows: int
    n_words: int
    n_bytes: int
    token_logprobs: tuple[float, ...] | None = None


@dataclass
class ScoringStats:
    """Work counters: what the model was actually asked to compute.

    ``tokens_forwarded`` counts real (non-padding) token positions passed through the model; ``padded_tokens``
    the padding positions computed beside them; ``logprob_rows`` the vocabulary-sized rows that went through a
    log-softmax (one per scored continuation position after sharing); ``forward_calls`` the model calls.
    ``requests`` and ``shared_contexts`` (contexts forwarded once for several requests) describe the input.

    >>> s = ScoringStats(requests=4, tokens_forwarded=10)
    >>> s += ScoringStats(requests=1, tokens_forwarded=2)
    >>> (s.requests, s.tokens_forwarded)
    (5, 12)
    """

    requests: int = 0
    shared_contexts: int = 0
    forward_calls: int = 0
    tokens_forwarded: int = 0
    padded_tokens: int = 0
    logprob_rows: int = 0

    def __iadd__(self, other: ScoringStats) -> ScoringStats:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Provenance:
    """The run facts that can change a log-probability: model, numerics, batching and tokenization.

    ``weights_sha256`` is a SHA-256 over every state-dict entry (name, dtype, shape, bytes), computed only when
    it is cheap (small models) or asked for; None otherwise. ``logits_selection`` says how the scorer limited
    the vocabulary projection to scored positions (``head``: the model's output layer over the kept hidden states,
    chunk by chunk; ``mask``: transformers' boolean ``logits_to_keep``; ``last``: integer ``logits_to_keep``;
    ``all``: the model returns every position).
    """

    model_class: str
    model_name_or_path: str | None
    weights_sha256: str | None
    n_parameters: int | None
    model_dtype: str | None
    device: str
    logprob_dtype: str
    batch_size: int
    batch_invariant: bool
    share_prefix: bool
    logits_selection: str
    convention: str
    max_length: int
    truncate: bool
    tokenizer_class: str | None
    tokenizer_name_or_path: str | None
    torch_version: str
    transformers_version: str | None
    evalmetrics_version: str

    def as_dict(self) -> dict:
        return asdict(self)


class ScoreResults(list):
    """The records of one ``score`` call, in input order: a plain list that also carries ``provenance`` and
    ``stats`` (the work counters of this call).

    >>> r = ScoreResults([LogprobRecord(-1.0, True, 1)], provenance=None, stats=ScoringStats(requests=1))
    >>> len(r), r[0].is_greedy, r.stats.requests
    (1, True, 1)
    """

    def __init__(self, records=(), *, provenance: Provenance | None, stats: ScoringStats):
        super().__init__(records)
        self.provenance = provenance
        self.stats = stats

    def __reduce__(self):
        return (_rebuild_results, (list(self), self.provenance, self.stats))


def _rebuild_results(records, provenance, stats):
    return ScoreResults(records, provenance=provenance, stats=stats)
