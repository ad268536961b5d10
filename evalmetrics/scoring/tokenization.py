"""How a ``(context, continuation)`` request becomes token ids, and how it is fitted to the model's window.

Two conventions, named as the harnesses that define them:

``lm_eval`` (lm-evaluation-harness 0.4.13, ``HFLM._encode_pair`` + ``TemplateLM.loglikelihood``, the default)
    Trailing whitespace of the context moves to the front of the continuation. Context and continuation are
    encoded *jointly*: ``whole = encode(context + continuation)``, ``ctx = encode(context)``, and the
    continuation is ``whole[len(ctx):]``. ``encode`` uses the tokenizer's default special tokens, except that a
    string that already starts with the prefix token's text is encoded without them. An empty context becomes
    ``[prefix_token_id]`` (BOS if the tokenizer has one, else EOS) and the continuation is encoded without
    special tokens; if that continuation already starts with the prefix token, its first token becomes the
    context instead.

``lighteval`` (lighteval 0.13.0, ``tok_encode_pair(..., pairwise=True)``)
    Trailing whitespace moves the same way, then context and continuation are encoded *separately*: the
    context with special tokens (a trailing EOS is dropped), the continuation without.

Window: the model sees at most ``max_length`` tokens. lm_eval scores ``(ctx + cont)[-(max_length + 1):]``
(the last token is only a target, never an input); lighteval keeps ``(ctx + cont)[-max_length:]``. The context is
cut from the left; a continuation that cannot fit is an error, and so is any cut when truncation is off.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidConfig, InvalidInput

__all__ = [
    "CONVENTIONS",
    "LM_EVAL",
    "LIGHTEVAL",
    "Encoded",
    "RequestEncoder",
    "fit_window",
    "resolve_max_length",
]

LM_EVAL = "lm_eval"
LIGHTEVAL = "lighteval"
CONVENTIONS = (LM_EVAL, LIGHTEVAL)

# lm_eval.models.utils: a tokenizer without a declared limit reports this value; 2048 is lm_eval's fallback.
_TOKENIZER_INFINITY = 1000000000000000019884624838656
_DEFAULT_MAX_LENGTH = 2048
_SEQLEN_CONFIG_ATTRS = ("n_positions", "max_position_embeddings", "n_ctx")


@dataclass(frozen=True, slots=True)
class Encoded:
    """One request as token ids: a non-empty context and a non-empty continuation."""

    context: tuple[int, ...]
    continuation: tuple[int, ...]


def resolve_max_length(model: Any, tokenizer: Any) -> int:
    """The model's context length, found as lm_eval 0.4.13 finds it.

    The first of the config's (``text_config`` preferred) ``n_positions``, ``max_position_embeddings``,
    ``n_ctx`` that is set; else the tokenizer's ``model_max_length`` unless it is the "no limit" sentinel;
    else 2048.

    >>> class Config: n_positions = 1024
    >>> class Model: config = Config()
    >>> resolve_max_length(Model(), None)
    1024
    >>> resolve_max_length(lambda ids: ids, None)
    2048
    """
    config = getattr(model, "config", None)
    config = getattr(config, "text_config", None) or config
    for attr in _SEQLEN_CONFIG_ATTRS:
        value = getattr(config, attr, None)
        if value is not None:
            return int(value)
    limit = getattr(tokenizer, "model_max_length", None)
    if limit is not None and limit != _TOKENIZER_INFINITY:
        return int(limit)
    return _DEFAULT_MAX_LENGTH


def fit_window(request: Encoded, window: int, truncate: bool, index: int) -> Encoded:
    """Cut the context from the left so that context + continuation fits in ``window`` tokens.

    ``window`` is ``max_length + 1`` under lm_eval's convention and ``max_length`` under lighteval's. The
    continuation must leave room for at least one context token. With ``truncate=False`` any cut is an error.

    >>> fit_window(Encoded((1, 2, 3, 4), (5, 6)), window=5, truncate=True, index=0)
    Encoded(context=(2, 3, 4), continuation=(5, 6))
    """
    total = len(request.context) + len(request.continuation)
    if total <= window:
        return request
    n_cont = len(request.continuation)
    if n_cont > window - 1:
        raise InvalidInput(
            f"the continuation has {n_cont} tokens; at most {window - 1} fit in the model's window of "
            f"{window} tokens (context included)",
            index=index,
            field="continuation",
        )
    if not truncate:
        raise InvalidInput(
            f"context ({len(request.context)} tokens) + continuation ({n_cont} tokens) exceed the model's "
            f"window of {window} tokens and truncation is off (truncate=False)",
            index=index,
            field="context",
        )
    keep = window - n_cont
    return Encoded(request.context[-keep:], request.continuation)


class RequestEncoder:
    """Turns raw requests (strings or token ids) into :class:`Encoded` requests under one convention.

    ``prefix_token_id`` conditions empty contexts; None means BOS, else EOS, of the tokenizer.
    ``vocab_size``, when known, bounds token ids given directly.
    """

    def __init__(self, tokenizer: Any, convention: str, prefix_token_id: int | None, vocab_size: int | None):
        if convention not in CONVENTIONS:
            raise InvalidConfig(f"convention must be one of {list(CONVENTIONS)}, got {convention!r}")
        self.tokenizer = tokenizer
        self.convention = convention
        self.vocab_size = vocab_size
        if prefix_token_id is None and tokenizer is not None:
            bos = getattr(tokenizer, "bos_token_id", None)
            prefix_token_id = bos if bos is not None else getattr(tokenizer, "eos_token_id", None)
        self.prefix_token_id = prefix_token_id
        # lm_eval encodes a string that already starts with the prefix token's text without special tokens.
        self._prefix_text = (
            tokenizer.decode(prefix_token_id) if tokenizer is not None and prefix_token_id is not None else None
        )

    def encode(self, index: int, request: Any) -> Encoded:
        """Validate and encode request number ``index``."""
        if isinstance(request, (str, bytes)) or not hasattr(request, "__len__") or len(request) != 2:
            raise InvalidInput(
                f"expected a (context, continuation) pair, got {type(request).__name__}", index=index, field="request"
            )
        context, continuation = request
        for name, value in (("context", context), ("continuation", continuation)):
            if value is None:
                raise InvalidInput("is None; expected a string or a list of token ids", index=index, field=name)
        if isinstance(context, str) != isinstance(continuation, str):
            raise InvalidInput(
                "context and continuation must both be strings or both be token-id lists, got "
                f"{type(context).__name__} and {type(continuation).__name__}",
                index=index,
                field="request",
            )
        if isinstance(context, str):
            if self.tokenizer is None:
                raise InvalidInput(
                    "is a string but the scorer has no tokenizer; pass tokenizer= or give token ids",
                    index=index,
                    field="context",
                )
            if self.convention == LM_EVAL:
                ctx, cont = self._encode_lm_eval(index, context, continuation)
            else:
                ctx, cont = self._encode_lighteval(index, context, continuation)
        else:
            ctx = self._token_ids(index, "context", context)
            cont = self._token_ids(index, "continuation", continuation)
            if not ctx:
                ctx, cont = self._prefixed(index, cont)
        if not cont:
            raise InvalidInput("encodes to no tokens; there is nothing to score", index=index, field="continuation")
        if not ctx:
            raise InvalidInput(
                "encodes to no tokens and the convention gives no prefix token to condition on",
                index=index,
                field="context",
            )
        return Encoded(ctx, cont)

    # -- conventions -------------------------------------------------------------------------------------------

    def _encode_lm_eval(self, index: int, context: str, continuation: str):
        if context == "":
            cont = tuple(self.tokenizer.encode(continuation, add_special_tokens=False))
            return self._prefixed(index, cont)
        context, continuation = _move_trailing_whitespace(context, continuation)
        whole = self._lm_eval_encode(context + continuation)
        ctx = self._lm_eval_encode(context)
        return ctx, whole[len(ctx):]

    def _lm_eval_encode(self, text: str) -> tuple[int, ...]:
        if self._prefix_text is not None and text.startswith(self._prefix_text):
            return tuple(self.tokenizer.encode(text, add_special_tokens=False))
        return tuple(self.tokenizer.encode(text))

    def _encode_lighteval(self, index: int, context: str, continuation: str):
        context, continuation = _move_trailing_whitespace(context, continuation)
        ctx = tuple(self.tokenizer.encode(context, add_special_tokens=True))
        eos = getattr(self.tokenizer, "eos_token_id", None)
        if ctx and ctx[-1] == eos:
            ctx = ctx[:-1]
        cont = tuple(self.tokenizer.encode(continuation, add_special_tokens=False))
        return ctx, cont

    def _prefixed(self, index: int, cont: tuple[int, ...]):
        """Condition an empty context on the prefix token, as lm_eval does."""
        if self.prefix_token_id is None:
            raise InvalidInput(
                "is empty and there is no prefix token to condition on (no tokenizer with BOS/EOS, no "
                "prefix_token_id)",
                index=index,
                field="context",
            )
        if cont and cont[0] == self.prefix_token_id:
            return cont[:1], cont[1:]
        return (self.prefix_token_id,), cont

    def _token_ids(self, index: int, field: str, value: Any) -> tuple[int, ...]:
        if hasattr(value, "tolist"):  # numpy arrays, torch tensors
            value = value.tolist()
        try:
            ids = tuple(value)
        except TypeError:
            raise InvalidInput(
                f"expected a string or a list of token ids, got {type(value).__name__}", index=index, field=field
            ) from None
        for j, t in enumerate(ids):
            if isinstance(t, bool) or not isinstance(t, int):
                raise InvalidInput(f"token {j} is {type(t).__name__}, expected an int", index=index, field=field)
            if t < 0 or (self.vocab_size is not None and t >= self.vocab_size):
                bound = f"[0, {self.vocab_size})" if self.vocab_size is not None else "non-negative"
                raise InvalidInput(f"token {j} is {t}, outside the vocabulary {bound}", index=index, field=field)
        return ids


def _move_trailing_whitespace(context: str, continuation: str) -> tuple[str, str]:
    n_spaces = len(context) - len(context.rstrip())
    if n_spaces > 0:
        return context[:-n_spaces], context[-n_spaces:] + continuation
    return context, continuation
