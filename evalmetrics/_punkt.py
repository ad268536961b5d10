"""nltk's Punkt English sentence tokenizer, loaded once for every step and metric that splits sentences with it."""
from __future__ import annotations

import functools

from ._packages import pip_extra
from .errors import InvalidConfig

__all__ = ["PUNKT_HELP", "punkt_english"]

#: What to do when nltk is installed but Punkt's English model is not.
PUNKT_HELP = ("nltk's Punkt English model (the punkt_tab data) is not installed: `python -m nltk.downloader "
              "punkt_tab`, or put a copy of the tokenizers/punkt_tab folder under a directory named in NLTK_DATA")


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import nltk  # an ImportError is not cached: punkt_english reports it

    try:
        return nltk.tokenize.PunktTokenizer("english")
    except LookupError:
        raise InvalidConfig(PUNKT_HELP) from None


def punkt_english(extra: str = "textgen"):
    """nltk's Punkt English sentence tokenizer (``nltk.tokenize.PunktTokenizer("english")``, what
    ``nltk.sent_tokenize`` uses; its ``punkt_tab`` data must be on disk), one instance for the whole process.
    ``extra`` names the package extra that a missing nltk is reported against; missing data is an
    ``InvalidConfig`` saying how to get it (:data:`PUNKT_HELP`)."""
    try:
        return _tokenizer()
    except ImportError:
        raise InvalidConfig(f"nltk's Punkt sentence tokenizer needs nltk: {pip_extra(extra)}") from None
