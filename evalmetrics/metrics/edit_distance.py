"""Character edit distance (Levenshtein) between the prediction and its one reference, and the similarity
``1 - distance / longer length`` built on it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..errors import InvalidInput, Timeout
from ..units import enum, flag, register
from .base import GenerativeMetric

__all__ = ["CharEditDistance", "CharEditSimilarity", "levenshtein"]


def levenshtein(a: str, b: str) -> int:
    """The least number of one-character insertions, deletions and substitutions turning ``a`` into ``b``.

    >>> levenshtein("kitten", "sitting")
    3
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _texts(metric, prediction: str, refs: tuple) -> tuple[str, str]:
    if len(refs) != 1:
        raise InvalidInput(f"{metric.name} compares the prediction with exactly one reference; got {len(refs)}",
                           field="references")
    p, r = prediction, refs[0]
    if metric.ignore_whitespace:
        p, r = "".join(p.split()), "".join(r.split())
    from .._regex import settings

    if len(p) * len(r) > settings.quadratic_max:
        raise Timeout(f"{metric.name} is quadratic in length: {len(p)} x {len(r)} characters > the bound "
                      f"{settings.quadratic_max} (evalmetrics._regex.settings.quadratic_max, env "
                      f"EVALMETRICS_QUADRATIC_MAX)")
    return p, r


def _ws_words(ignore: bool) -> str:
    return "after deleting all Unicode whitespace (str.split) from both, " if ignore else ""


@register
@dataclass(frozen=True, repr=False)
class CharEditDistance(GenerativeMetric):
    """Levenshtein distance in characters between the prediction and its one reference (lower is better).

    ``ignore_whitespace``: delete every whitespace character (what ``str.split`` splits on) from both texts first.
    Exactly one reference per sample (several: ``InvalidInput``). unitxt's ``metrics.char_edit_distance``. A pair
    longer than the quadratic bound (``_regex.settings.quadratic_max`` characters x characters) is a ``Timeout``
    (``compute`` scores it 0 and counts it in ``n_timeouts``).

    >>> CharEditDistance().score("The cat", "the  cats")
    2.0
    """

    name: ClassVar[str] = "char_edit_distance"
    summary: ClassVar[str] = "Levenshtein distance in characters to the one reference"
    higher_is_better: ClassVar[bool] = False
    ignore_whitespace: bool = flag(True, "delete all whitespace from both texts first")

    def _score_refs(self, prediction, refs, cache):
        p, r = _texts(self, prediction, refs)
        return float(levenshtein(r, p))

    def describe(self):
        return (f"{_ws_words(self.ignore_whitespace)}the least number of character insertions, deletions and "
                f"substitutions turning the reference into the prediction (one reference only)")


@register
@dataclass(frozen=True, repr=False)
class CharEditSimilarity(GenerativeMetric):
    """``1 - distance / max(len(prediction), len(reference))`` with the character Levenshtein distance.

    ``ignore_whitespace`` as in :class:`CharEditDistance`; ``both_empty``: the value when both texts are empty
    (after deleting whitespace), where the ratio is undefined (unitxt's ``metrics.char_edit_dist_accuracy``
    gives ``zero``). Exactly one reference per sample.

    >>> CharEditSimilarity().score("abcd", "abce")
    0.75
    """

    name: ClassVar[str] = "char_edit_similarity"
    summary: ClassVar[str] = "1 - character Levenshtein distance / the longer text's length, to the one reference"
    ignore_whitespace: bool = flag(True, "delete all whitespace from both texts first")
    both_empty: str = enum("one", ("one", "zero"), "the value when both texts are empty")

    def _score_refs(self, prediction, refs, cache):
        p, r = _texts(self, prediction, refs)
        longest = max(len(p), len(r))
        if longest == 0:
            return 1.0 if self.both_empty == "one" else 0.0
        return 1 - levenshtein(r, p) / longest

    def describe(self):
        return (f"{_ws_words(self.ignore_whitespace)}1 - (character Levenshtein distance) / (the longer text's "
                f"length); both empty: {1 if self.both_empty == 'one' else 0} (one reference only)")
