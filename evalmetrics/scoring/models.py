"""Model adapters: one small interface over plain logits callables and transformers causal language models.

The engine asks an adapter for logits *only at chosen positions* (``keep``, a boolean ``[batch, seq]`` mask),
returned as :class:`KeptLogits`: ``[n_kept, vocab]`` in row-major order, handed out a slice of rows at a time, so
that an adapter holding the kept hidden states runs the vocabulary projection one chunk at a time and no
``[n_kept, vocab]`` tensor ever exists. Adapters that can reuse a key/value cache
(transformers decoder-only models) also run a context once (``prefill``) and hand copies of its cache rows to
the continuation forwards (``select_rows``).
"""
from __future__ import annotations

import copy
import importlib
import inspect
import sys
from typing import Any

import torch

from ..errors import InvalidConfig

__all__ = ["KeptLogits", "LogitsModel", "CallableModel", "TransformersCausalLM", "is_transformers_model"]


class KeptLogits:
    """The logits of the kept positions, ``n_rows x vocab``, read a slice of rows at a time with ``rows(a, b)``.

    Either a computed ``[n_rows, vocab]`` tensor (:meth:`dense`) or the kept hidden states ``[n_rows, hidden]`` and
    the model's output layer (:meth:`projected`), which projects only the rows asked for.

    >>> k = KeptLogits.dense(torch.arange(6.0).reshape(3, 2))
    >>> (k.n_rows, k.vocab), k.rows(1, 3).tolist()
    ((3, 2), [[2.0, 3.0], [4.0, 5.0]])
    """

    def __init__(self, n_rows: int, vocab: int, rows):
        self.n_rows = n_rows
        self.vocab = vocab
        self.rows = rows

    @classmethod
    def dense(cls, logits: torch.Tensor) -> KeptLogits:
        return cls(int(logits.shape[0]), int(logits.shape[1]), lambda a, b: logits[a:b])

    @classmethod
    def projected(cls, hidden: torch.Tensor, head: Any, vocab: int) -> KeptLogits:
        return cls(int(hidden.shape[0]), vocab, lambda a, b: head(hidden[a:b]))


class LogitsModel:
    """Interface of a model adapter.

    ``supports_cache``: ``prefill``/``select_rows`` work and ``logits`` accepts a cache.
    ``pad_contexts``: contexts of different lengths may share one prefill (right-padded), the continuation
    forward then masking the padding and placing positions explicitly; otherwise each prefill holds one context.
    """

    supports_cache = False
    pad_contexts = False

    @property
    def logits_selection(self) -> str:
        return "all"

    def logits(self, input_ids, keep, *, cache=None, attention_mask=None, position_ids=None):
        raise NotImplementedError

    def prefill(self, input_ids):
        raise NotImplementedError

    def select_rows(self, cache, index):
        raise NotImplementedError


class CallableModel(LogitsModel):
    """Any callable ``input_ids (LongTensor [B, T]) -> logits [B, T, V]`` (or an object with ``.logits``).

    The callable computes every position; only the kept rows are read.

    >>> m = CallableModel(lambda ids: torch.zeros(ids.shape + (5,)))
    >>> keep = torch.tensor([[False, True, True]])
    >>> kept = m.logits(torch.zeros((1, 3), dtype=torch.long), keep)
    >>> kept.n_rows, kept.vocab
    (2, 5)
    """

    def __init__(self, fn: Any):
        self.fn = fn

    def logits(self, input_ids, keep, *, cache=None, attention_mask=None, position_ids=None):
        out = self.fn(input_ids)
        logits = getattr(out, "logits", out)
        if not isinstance(logits, torch.Tensor) or logits.dim() != 3 or tuple(logits.shape[:2]) != tuple(
            input_ids.shape
        ):
            shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
            raise InvalidConfig(
                f"model returned {shape}; expected logits of shape [batch, seq, vocab] with "
                f"[batch, seq] = {list(input_ids.shape)}"
            )
        return KeptLogits.dense(logits[keep])


def is_transformers_model(model: Any) -> bool:
    """True for a ``transformers.PreTrainedModel`` (checked without importing transformers)."""
    tf = sys.modules.get("transformers")
    return tf is not None and isinstance(model, tf.PreTrainedModel)


class TransformersCausalLM(LogitsModel):
    """A transformers decoder-only LM (``AutoModelForCausalLM``-style ``forward``).

    How logits reach the kept positions (``logits_selection``, found once by a two-token probe):

    - ``"head"``: the base model runs, its hidden states at the kept positions are kept, and the model's output
      layer projects them one chunk of rows at a time (the engine's log-softmax chunks). Used when the probe
      shows that output layer applied to the base model's last hidden state *is* the model's logits, bit for
      bit; a model that does more after it (soft-capping, logit scaling) fails the probe and gets:
    - ``"mask"``: ``logits_to_keep`` as a boolean ``[B, T]`` mask where the installed transformers accepts one,
    - ``"last"``: else as the integer "last K positions",
    - ``"all"``: else (no ``logits_to_keep``) every position.

    The context prefill runs the base model (no vocabulary projection at all) and keeps its ``DynamicCache``;
    continuation forwards get row-selected copies of it.
    """

    def __init__(self, model: Any):
        config = getattr(model, "config", None)
        if getattr(config, "is_encoder_decoder", False):
            raise InvalidConfig(
                f"model must be a decoder-only (causal) LM; {type(model).__name__} is an encoder-decoder model"
            )
        self.model = model
        params = inspect.signature(model.forward).parameters
        self._cache_kw = "cache" if "cache" in params else ("past_key_values" if "past_key_values" in params else None)
        self._use_cache_kw = "use_cache" in params
        self._keeps = "logits_to_keep" in params
        self._selection: str | None = None if self._keeps else "all"
        base = getattr(model, "base_model", model)
        self._base = base if base is not model and isinstance(base, torch.nn.Module) else None
        self._prefill_module = self._base if self._base is not None else model
        base_params = inspect.signature(base.forward).parameters if self._base is not None else {}
        self._base_cache_kw = next((k for k in ("cache", "past_key_values") if k in base_params), None)
        self._base_use_cache_kw = "use_cache" in base_params
        self._head = None
        self._vocab = 0
        self.supports_cache = self._cache_kw is not None and _rows_selectable_cache(config)
        self.pad_contexts = (
            self.supports_cache
            and "position_ids" in params
            and "attention_mask" in params
            and not _has_windowed_layers(config)
        )

    @property
    def logits_selection(self) -> str:
        if self._selection is None:
            self._selection = self._probe_mask_selection()
        return self._selection

    def logits(self, input_ids, keep, *, cache=None, attention_mask=None, position_ids=None):
        mode = self.logits_selection
        kwargs: dict[str, Any] = {"input_ids": input_ids}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        if position_ids is not None:
            kwargs["position_ids"] = position_ids
        if mode == "head":
            if cache is not None:
                kwargs[self._base_cache_kw] = cache
            if self._base_use_cache_kw:
                kwargs["use_cache"] = cache is not None
            hidden = _last_hidden_state(self._base(**kwargs))
            return KeptLogits.projected(hidden[keep], self._head, self._vocab)
        if cache is not None:
            kwargs[self._cache_kw] = cache
        if self._use_cache_kw:
            kwargs["use_cache"] = cache is not None
        if mode == "mask":
            return KeptLogits.dense(self.model(**kwargs, logits_to_keep=keep).logits)
        if mode == "last":
            first = int(keep.any(0).nonzero()[0])
            out = self.model(**kwargs, logits_to_keep=keep.shape[1] - first).logits
            return KeptLogits.dense(out[keep[:, first:]])
        return KeptLogits.dense(self.model(**kwargs).logits[keep])

    def prefill(self, input_ids):
        kwargs: dict[str, Any] = {"input_ids": input_ids, "use_cache": True}
        if self._prefill_module is self.model and self._keeps:
            kwargs["logits_to_keep"] = 1
        out = self._prefill_module(**kwargs)
        cache = out.get("cache")
        cache = cache if cache is not None else out.get("past_key_values")
        if not hasattr(cache, "layers"):
            raise InvalidConfig(
                f"{type(self.model).__name__} returned a {type(cache).__name__} cache, not a DynamicCache; "
                "score it with share_prefix=False"
            )
        return cache

    def select_rows(self, cache, index):
        """A new cache holding rows ``index`` (a list; None: every row, in order) of ``cache``, which is left
        untouched: a forward appends to the new cache's layers by rebinding, never by writing in place."""
        selected = copy.copy(cache)
        selected.layers = [copy.copy(layer) for layer in cache.layers]
        if index is not None:
            index = torch.tensor(index, dtype=torch.long)
            for layer in selected.layers:
                keys = getattr(layer, "keys", None)
                if keys is not None and keys.numel():  # layers may sit on different devices; empty ones stay
                    layer.batch_select_indices(index.to(keys.device))
        return selected

    def _probe_mask_selection(self) -> str:
        """'head' if the output layer over the base model's last hidden state reproduces the model's logits bit
        for bit (see the class docstring); else 'mask' if this transformers accepts a boolean [B, T]
        ``logits_to_keep`` (output [n_kept, V]); else 'last'."""
        device = next(iter(self.model.parameters())).device
        ids = torch.tensor([[0, 1]], dtype=torch.long, device=device)
        kwargs = {"use_cache": False} if self._use_cache_kw else {}
        with torch.inference_mode():
            if self._probe_head(ids, kwargs):
                return "head"
            keep = torch.tensor([[False, True]], device=device)
            try:
                out = self.model(input_ids=ids, logits_to_keep=keep, **kwargs).logits
            except (IndexError, TypeError, ValueError, RuntimeError):
                return "last"
        return "mask" if out.dim() == 2 and out.shape[0] == 1 else "last"

    def _probe_head(self, ids, kwargs) -> bool:
        get_head = getattr(self.model, "get_output_embeddings", None)
        head = get_head() if get_head is not None else None
        if self._base is None or not isinstance(head, torch.nn.Module):
            return False
        try:
            reference = self.model(input_ids=ids, logits_to_keep=1, **kwargs).logits[0, -1:]
            base_kwargs = {"use_cache": False} if self._base_use_cache_kw else {}
            ours = head(_last_hidden_state(self._base(input_ids=ids, **base_kwargs))[0, -1:])
        except (AttributeError, IndexError, TypeError, ValueError, RuntimeError):
            return False
        if ours.shape != reference.shape or not torch.equal(ours.to(reference.dtype), reference):
            return False
        self._head, self._vocab = head, int(reference.shape[-1])
        return True


def _last_hidden_state(out: Any) -> torch.Tensor:
    hidden = getattr(out, "last_hidden_state", None)
    return hidden if hidden is not None else out[0]


def _rows_selectable_cache(config: Any) -> bool:
    """Whether this model's cache is a ``DynamicCache`` of ``DynamicLayer`` s (transformers >= 4.56), the layout
    ``select_rows`` relies on: key/value tensors per layer, extended by rebinding, rows selectable."""
    try:
        cache_utils = importlib.import_module("transformers.cache_utils")
        layers = cache_utils.DynamicCache(config=config).layers
    except (ImportError, AttributeError, TypeError):
        return False
    return bool(layers) and all(isinstance(layer, cache_utils.DynamicLayer) for layer in layers)


def _has_windowed_layers(config: Any) -> bool:
    """Sliding-window or chunked attention: such caches must not hold right-padded contexts."""
    if config is None:
        return False
    if hasattr(config, "get_text_config"):
        config = config.get_text_config()
    layer_types = getattr(config, "layer_types", None) or ()
    if any("sliding" in str(t) or "chunked" in str(t) for t in layer_types):
        return True
    uses_window = getattr(config, "use_sliding_window", True) is not False
    return uses_window and getattr(config, "sliding_window", None) is not None
