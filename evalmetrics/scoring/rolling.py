"""Whole-document (rolling) log-likelihood: how a document's tokens are cut into scored windows.

The rule is lm-eval 0.4.13's ``HFLM.loglikelihood_rolling`` (its ``get_rolling_token_windows`` with
``context_len=1`` followed by ``make_disjoint_window``). With ``L = max_length`` and the document's tokens
``t[0..n)``:

* the first window scores ``t[0 : min(L, n))`` conditioned on the prefix token alone;
* each later window scores the next ``min(L, n - done)`` tokens ``t[done : end)``, conditioned on the
  ``L + 1 - (end - done)`` tokens just before them (the model input is always the ``L`` tokens ending one
  before ``end``), so every token is scored exactly once and each window but the first sees a full window;
* an empty token list has no window (log-likelihood 0).

The document's log-likelihood is the sum of its windows' terms. Each window is an ordinary
``(context, continuation)`` request of ``context + continuation <= L + 1`` tokens, so the scorer's engine runs
them batched and memory-bounded like any other request; windows of different documents never share state.

The counts the harnesses divide by: words are ``len(re.split(r"\\s+", text))`` (lm_eval's ``Task.count_words``
and its wikitext ``process_results``: an empty text is 1 word, leading or trailing whitespace adds one), bytes
are ``len(text.encode("utf-8"))``.
"""
from __future__ import annotations

import re

from .tokenization import Encoded

__all__ = ["rolling_windows", "count_words", "count_bytes"]

_WHITESPACE_RUN = re.compile(r"\s+")


def rolling_windows(tokens: tuple[int, ...], prefix_token: int, max_length: int) -> list[Encoded]:
    """The disjoint scored windows of one document (see the module docstring).

    >>> [(w.context, w.continuation) for w in rolling_windows((5, 6, 7, 8, 9), prefix_token=0, max_length=2)]
    [((0,), (5, 6)), ((6,), (7, 8)), ((7, 8), (9,))]
    >>> [(w.context, w.continuation) for w in rolling_windows((5, 6, 7, 8, 9), prefix_token=0, max_length=4)]
    [((0,), (5, 6, 7, 8)), ((5, 6, 7, 8), (9,))]
    >>> rolling_windows((), prefix_token=0, max_length=4)
    []
    """
    n = len(tokens)
    if n == 0:
        return []
    first = min(max_length, n)
    windows = [Encoded((prefix_token,), tuple(tokens[:first]))]
    done = first
    while done < n:
        size = min(n - done, max_length)
        end = done + size
        # The model input is tokens[end - L - 1 : end - 1]; its last size - 1 tokens are scored tokens, so the
        # context is what comes before them.
        start = end - max_length - 1
        windows.append(Encoded(tuple(tokens[start:done]), tuple(tokens[done:end])))
        done = end
    return windows


def count_words(text: str) -> int:
    """Words as lm_eval counts them for word perplexity: ``len(re.split(r"\\s+", text))``.

    >>> count_words("a  b\\nc"), count_words(""), count_words(" a ")
    (3, 1, 3)
    """
    return len(_WHITESPACE_RUN.split(text))


def count_bytes(text: str) -> int:
    """UTF-8 bytes of ``text`` (lm_eval's ``Task.count_bytes``).

    >>> count_bytes("é!")
    3
    """
    return len(text.encode("utf-8"))
