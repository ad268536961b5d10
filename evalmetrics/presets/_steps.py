"""Step compositions shared by several harness presets (defined once, referenced by each preset)."""
from __future__ import annotations

from ..normalizers import (
    CollapseWhitespace,
    FloatCast,
    Lowercase,
    PerToken,
    StripArticles,
    StripPunct,
)

# lower -> delete ASCII punctuation -> articles a/an/the become spaces -> collapse whitespace.
# SQuAD's normalize_answer and HELM's normalize_text (QuAC scorer) are this pipeline.
SQUAD_NORMALIZE = (Lowercase(), StripPunct(chars="ascii"), StripArticles(), CollapseWhitespace())
SQUAD_NORMALIZE_KEEP_ARTICLES = (Lowercase(), StripPunct(chars="ascii"), CollapseWhitespace())

# lighteval's helm_normalizer: tokens split on " " or "-", each token lowered, ASCII punctuation deleted, cast
# through Python float if it parses, articles removed, whitespace collapsed; empty tokens dropped; joined; stripped.
# The same per-token rule is lm_eval/lighteval DROP's, except that DROP skips punctuation removal on numbers.
HYPHEN_TOKEN_NORMALIZE = (
    PerToken(
        split=" |-",
        steps=(Lowercase(), StripPunct(chars="ascii"), FloatCast(), StripArticles(), CollapseWhitespace()),
        drop_empty=True,
        join=" ",
        strip=True,
    ),
)

# lighteval's harness_triviaqa_normalizer: lower, then delete ASCII punctuation.
LOWER_STRIP_ASCII_PUNCT = (Lowercase(), StripPunct(chars="ascii"))
