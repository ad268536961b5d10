"""LogprobScorer: the public face of the scoring package (configuration, validation, provenance)."""
from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from typing import Any

import torch

from .._version import __version__
from ..errors import InvalidConfig, InvalidInput
from .engine import Engine, total_logprob
from .models import CallableModel, TransformersCausalLM, is_transformers_model
from .records import LogprobRecord, Provenance, RollingRecord, ScoreResults, ScoringStats
from .rolling import count_bytes, count_words, rolling_windows
from .tokenization import LM_EVAL, RequestEncoder, fit_window, resolve_max_length

__all__ = ["LogprobScorer"]

_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}
_AUTO_HASH_LIMIT_BYTES = 256 * 2**20
_WINDOW_SUMS = ("exact", "lm_eval")


class LogprobScorer:
    """Scores ``(context, continuation)`` requests: log p(continuation | context) under a causal LM.

    The rule: the request is tokenized under ``convention`` (default ``"lm_eval"``: exactly as lm-eval 0.4.13's
    HFLM does, see :mod:`evalmetrics.scoring.tokenization`), the context is cut from the left to fit
    ``max_length``, and each continuation token gets log-softmax(logits)[token] at the position before it,
    computed in ``logprob_dtype`` (float32, or float64 on request) whatever the model's dtype, only at
    continuation positions. ``logprob`` is their float64 sum; ``is_greedy`` says every continuation token is its
    row's arg-max (ties to the lowest id).

    Parameters
    ----------
    model : a transformers causal LM, or any callable ``input_ids [B, T] -> logits [B, T, V]`` (or an object with
        ``.logits``). A ``torch.nn.Module`` is put in eval mode, and moved by ``device``/``dtype`` when given.
    tokenizer : needed for string requests and for empty contexts (BOS, else EOS, conditions them).
    batch_size : rows per forward pass (default 32).
    device : where inputs go (default: the model's device, else CPU).
    dtype : cast the model to this dtype first (default: leave it).
    convention : ``"lm_eval"`` (joint encoding, split at ``len(encode(context))``) or ``"lighteval"`` (context and
        continuation encoded separately).
    max_length : the model's window (default: config ``n_positions``/``max_position_embeddings``/``n_ctx``, else
        the tokenizer's ``model_max_length``, else 2048, as lm_eval).
    truncate : cut over-long contexts from the left (default, as lm_eval); False raises ``InvalidInput``.
    share_prefix : forward each distinct context once for all requests that share it (default: when the model
        has a key/value cache). Same numbers as the plain path to float rounding.
    batch_invariant : results bit-identical whatever the batch size and the request order (each context and
        continuation forwarded alone, unpadded); slower.
    logprob_dtype : ``"float32"`` (default) or ``"float64"``.
    prefix_token_id : the token that conditions an empty context (default BOS, else EOS, of the tokenizer).
    progress : progress bar on stderr; None shows it when stderr is a terminal or ``EVALMETRICS_PROGRESS=1``.
    hash_weights : put a SHA-256 of the weights in the provenance; None does it for models up to 256 MiB.

    ``scorer.stats`` totals the work counters of every call; each result list carries its own ``.stats`` and
    ``.provenance``.

    >>> import torch
    >>> def uniform(ids):                      # every one of 4 tokens equally likely
    ...     return torch.zeros(ids.shape + (4,))
    >>> scorer = LogprobScorer(uniform, batch_size=2)
    >>> r = scorer.score([([1, 2], [3]), ([1, 2], [0, 1])])
    >>> [round(x.logprob, 4) for x in r], [x.n_tokens for x in r]
    ([-1.3863, -2.7726], [1, 2])
    >>> r[1].is_greedy                          # ties go to token 0, and token 1 is not 0
    False
    >>> r.provenance.convention, r.stats.tokens_forwarded
    ('lm_eval', 5)
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any = None,
        batch_size: int = 32,
        device: str | torch.device | None = None,
        dtype: str | torch.dtype | None = None,
        *,
        convention: str = LM_EVAL,
        max_length: int | None = None,
        truncate: bool = True,
        share_prefix: bool | None = None,
        batch_invariant: bool = False,
        logprob_dtype: str | torch.dtype = "float32",
        prefix_token_id: int | None = None,
        progress: bool | None = None,
        hash_weights: bool | None = None,
    ):
        if not callable(model):
            raise InvalidConfig(f"model must be callable (input_ids -> logits), got {type(model).__name__}")
        _check_positive_int(batch_size, "batch_size")
        if max_length is not None:
            _check_positive_int(max_length, "max_length")
        for name, flag in (("truncate", truncate), ("batch_invariant", batch_invariant)):
            if not isinstance(flag, bool):
                raise InvalidConfig(f"{name} must be True or False, got {flag!r}")
        self.logprob_dtype = _as_dtype(logprob_dtype, "logprob_dtype", allowed=("float32", "float64"))
        is_module = isinstance(model, torch.nn.Module)
        if dtype is not None:
            if not is_module:
                raise InvalidConfig("dtype= needs a torch.nn.Module model; a plain callable keeps its own dtype")
            model.to(_as_dtype(dtype, "dtype", allowed=tuple(_DTYPES)))
        if device is not None:
            try:
                device = torch.device(device)
            except (RuntimeError, TypeError):
                raise InvalidConfig(f"device must be a torch device such as 'cpu' or 'cuda', got {device!r}") from None
            if is_module:
                model.to(device)
        else:
            first = next(iter(model.parameters()), None) if is_module else None
            device = first.device if first is not None else torch.device("cpu")
        if is_module:
            model.eval()
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.batch_size = batch_size
        self.truncate = truncate
        self.batch_invariant = batch_invariant
        self.progress = progress
        self.max_length = max_length if max_length is not None else resolve_max_length(model, tokenizer)
        self._adapter = TransformersCausalLM(model) if is_transformers_model(model) else CallableModel(model)
        if share_prefix is None:
            share_prefix = self._adapter.supports_cache
        elif share_prefix and not self._adapter.supports_cache:
            raise InvalidConfig(
                f"share_prefix=True needs a model with a key/value cache (a transformers causal LM); "
                f"{type(model).__name__} has none"
            )
        self.share_prefix = bool(share_prefix)
        self._encoder = RequestEncoder(tokenizer, convention, prefix_token_id, _vocab_size(model))
        self.convention = convention
        self._hash_weights = hash_weights
        self._provenance: Provenance | None = None
        self.stats = ScoringStats()

    def score(self, requests: Iterable, per_token: bool = False) -> ScoreResults:
        """Score ``requests`` (``(context, continuation)`` pairs of strings or of token-id lists).

        Returns a :class:`ScoreResults` list of :class:`LogprobRecord`, in input order.
        Raises :class:`~evalmetrics.InvalidInput` naming the request index and field for a malformed request,
        an empty continuation, or one that does not fit the model's window.
        """
        if requests is None or isinstance(requests, (str, bytes)):
            raise InvalidInput(f"expected a list of (context, continuation) pairs, got {type(requests).__name__}",
                               field="requests")
        window = self.max_length + 1 if self.convention == LM_EVAL else self.max_length
        encoded = [
            fit_window(self._encoder.encode(i, request), window, self.truncate, i)
            for i, request in enumerate(requests)
        ]
        stats = ScoringStats(requests=len(encoded))
        outputs = []
        if encoded:
            engine = Engine(
                self._adapter,
                batch_size=self.batch_size,
                share_prefix=self.share_prefix,
                batch_invariant=self.batch_invariant,
                logprob_dtype=self.logprob_dtype,
                device=self.device,
            )
            with torch.inference_mode():
                outputs = engine.run(encoded, stats, self.progress)
        records = [
            LogprobRecord(
                logprob=total_logprob(values),
                is_greedy=greedy,
                n_tokens=len(values),
                token_logprobs=values if per_token else None,
            )
            for values, greedy in outputs
        ]
        self.stats += stats
        return ScoreResults(records, provenance=self.provenance, stats=stats)

    def score_rolling(
        self, texts: Iterable[str], per_token: bool = False, *, count_texts=None, window_sums: str = "exact"
    ) -> ScoreResults:
        """Rolling (whole-document) log-likelihood of each text, as lm-eval 0.4.13's ``loglikelihood_rolling``.

        Each text is encoded as lm_eval's HFLM encodes it (the tokenizer's default special tokens, none when the
        text already starts with the prefix token's text), cut into windows of ``max_length`` tokens by the
        disjoint-window rule of :mod:`evalmetrics.scoring.rolling` (the first conditioned on the prefix token:
        ``prefix_token_id``, else BOS, else EOS), and every token is scored once. The windows of all texts go
        through the same batched, chunked engine as :meth:`score` (plain rows, no shared prefix: no two windows
        share a context); no window sees another document's tokens.

        ``count_texts``: per document, the text whose words and bytes are counted (lm_eval's wikitext counts the
        page before detokenization); default: the scored text.

        ``window_sums``: ``"exact"`` (default) sums every token's term exactly in float64; ``"lm_eval"`` sums as
        HFLM does, each window's terms by ``torch.sum`` in the log-prob dtype on the scorer's device, then the
        windows left to right in float64, which gives HFLM's number bit for bit when the per-token terms are
        bit-identical (tested on CPU).

        Returns a :class:`ScoreResults` list of :class:`RollingRecord`, in input order. Raises
        :class:`~evalmetrics.InvalidInput` naming the document index for a text that is not a string.

        >>> from evalmetrics.scoring.testing import bpe_tokenizer, random_gpt2
        >>> tok = bpe_tokenizer()
        >>> scorer = LogprobScorer(random_gpt2(len(tok), n_positions=8), tok)
        >>> r = scorer.score_rolling(["The quick brown fox jumps over the lazy dog.", ""])
        >>> [(x.n_tokens, x.n_windows, x.n_words, x.n_bytes) for x in r]
        [(31, 4, 9, 44), (0, 0, 1, 0)]
        >>> r[1].logprob
        0.0
        """
        if self.convention != LM_EVAL:
            raise InvalidConfig(
                f"score_rolling follows lm_eval's rolling windows and tokenization; this scorer's convention is "
                f"{self.convention!r} (build it with convention='lm_eval')"
            )
        if window_sums not in _WINDOW_SUMS:
            raise InvalidConfig(f"window_sums must be one of {list(_WINDOW_SUMS)}, got {window_sums!r}")
        if texts is None or isinstance(texts, (str, bytes)):
            raise InvalidInput(f"expected a list of document texts, got {type(texts).__name__}", field="texts")
        texts = list(texts)
        counted = texts if count_texts is None else list(count_texts)
        if isinstance(count_texts, (str, bytes)) or len(counted) != len(texts):
            raise InvalidInput(
                f"count_texts must be a list with one text per document ({len(texts)})", field="count_texts"
            )
        for name, values in (("text", texts), ("count_text", counted)):
            for i, value in enumerate(values):
                if not isinstance(value, str):
                    got = "None" if value is None else type(value).__name__
                    raise InvalidInput(f"expected a string, got {got}", index=i, field=name)
        prefix = self._encoder.prefix_token_id
        if texts and (self.tokenizer is None or prefix is None):
            raise InvalidConfig("score_rolling needs a tokenizer and a prefix token (BOS, EOS or prefix_token_id)")
        windows, owners = [], []
        for i, text in enumerate(texts):
            for window in rolling_windows(self._encoder._lm_eval_encode(text), prefix, self.max_length):
                windows.append(window)
                owners.append(i)
        stats = ScoringStats(requests=len(texts))
        per_doc: list[list[float]] = [[] for _ in texts]
        sizes: list[list[int]] = [[] for _ in texts]
        if windows:
            engine = Engine(
                self._adapter,
                batch_size=self.batch_size,
                share_prefix=False,
                batch_invariant=self.batch_invariant,
                logprob_dtype=self.logprob_dtype,
                device=self.device,
            )
            with torch.inference_mode():
                outputs = engine.run(windows, stats, self.progress)
            for i, (values, _) in zip(owners, outputs):  # windows of a document are in order
                per_doc[i].extend(values)
                sizes[i].append(len(values))
        if window_sums == "exact":
            totals = [total_logprob(values) for values in per_doc]
        else:
            totals = [self._window_sums(values, n) for values, n in zip(per_doc, sizes)]
        records = [
            RollingRecord(
                logprob=totals[i],
                n_tokens=len(values),
                n_windows=len(sizes[i]),
                n_words=count_words(counted[i]),
                n_bytes=count_bytes(counted[i]),
                token_logprobs=tuple(values) if per_token else None,
            )
            for i, values in enumerate(per_doc)
        ]
        self.stats += stats
        return ScoreResults(records, provenance=self.provenance, stats=stats)

    def _window_sums(self, values: list[float], sizes: list[int]) -> float:
        """HFLM's document total: each window's terms summed by torch in the log-prob dtype, windows in float64."""
        total, k = 0.0, 0
        for n in sizes:
            total += float(torch.tensor(values[k : k + n], dtype=self.logprob_dtype, device=self.device).sum())
            k += n
        return total

    @property
    def provenance(self) -> Provenance:
        """Model identity, numerics, batching and tokenization of this scorer (built once, on first use)."""
        if self._provenance is None:
            self._provenance = self._build_provenance()
        return self._provenance

    def _build_provenance(self) -> Provenance:
        model, tokenizer = self.model, self.tokenizer
        params = list(model.parameters()) if isinstance(model, torch.nn.Module) else []
        n_bytes = sum(p.numel() * p.element_size() for p in params)
        do_hash = self._hash_weights if self._hash_weights is not None else n_bytes <= _AUTO_HASH_LIMIT_BYTES
        config = getattr(model, "config", None)
        name = getattr(model, "name_or_path", None) or getattr(config, "_name_or_path", None) or None
        floating = [p.dtype for p in params if p.is_floating_point()]
        tf = sys.modules.get("transformers")
        return Provenance(
            model_class=_qualified_name(model),
            model_name_or_path=name,
            weights_sha256=_weights_sha256(model) if params and do_hash else None,
            n_parameters=sum(p.numel() for p in params) if params else None,
            model_dtype=str(floating[0]).removeprefix("torch.") if floating else None,
            device=str(self.device),
            logprob_dtype=str(self.logprob_dtype).removeprefix("torch."),
            batch_size=self.batch_size,
            batch_invariant=self.batch_invariant,
            share_prefix=self.share_prefix,
            logits_selection=self._adapter.logits_selection,
            convention=self.convention,
            max_length=self.max_length,
            truncate=self.truncate,
            tokenizer_class=_qualified_name(tokenizer) if tokenizer is not None else None,
            tokenizer_name_or_path=getattr(tokenizer, "name_or_path", None) or None,
            torch_version=torch.__version__,
            transformers_version=getattr(tf, "__version__", None),
            evalmetrics_version=__version__,
        )


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidConfig(f"{name} must be a positive int, got {value!r}")


def _as_dtype(value, name, allowed):
    if isinstance(value, torch.dtype):
        value = str(value).removeprefix("torch.")
    if value not in allowed:
        raise InvalidConfig(f"{name} must be one of {list(allowed)}, got {value!r}")
    return _DTYPES[value]


def _vocab_size(model) -> int | None:
    """The input vocabulary size when the model declares one (bounds token ids given directly)."""
    get_embeddings = getattr(model, "get_input_embeddings", None)
    embeddings = get_embeddings() if get_embeddings is not None else None
    if hasattr(embeddings, "num_embeddings"):
        return int(embeddings.num_embeddings)
    config = getattr(model, "config", None)
    config = getattr(config, "text_config", None) or config
    size = getattr(config, "vocab_size", None)
    return int(size) if isinstance(size, int) else None


def _qualified_name(obj) -> str:
    target = obj if isinstance(obj, type) or hasattr(obj, "__qualname__") else type(obj)
    return f"{target.__module__}.{target.__qualname__}"


def _weights_sha256(model: torch.nn.Module) -> str:
    """SHA-256 over every state-dict entry in name order: name, dtype, shape, then the raw bytes."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        h.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}|".encode())
        h.update(tensor.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()
