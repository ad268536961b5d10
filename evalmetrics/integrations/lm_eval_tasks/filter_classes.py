"""The filter classes and ``custom`` filter functions of lm_eval 0.4.13's task folders that the reader understands,
as data: each identified by the SHA-256 of its source as lm_eval ships it, never imported.

A filter class (``function: !function utils.MapRegexFilter``) is identified by the digest of the whole module that
defines it (its behavior depends on the module's base classes and constants too); a ``custom`` filter's
``filter_fn`` by the digest of the function. :func:`known_filter` gives the alias key of the step, or raises
:class:`NotModeled` with the reason.
"""
from __future__ import annotations

import os

from ...io import read_text
from .loading import FunctionRef, source_digest
from .readings import NotModeled

__all__ = ["FILTER_MODULES", "CUSTOM_FILTERS", "known_filter", "module_digest"]

# {sha256 (first 16 hex digits) of the module: (where, {class name: alias key})}
FILTER_MODULES: dict[str, tuple[str, dict[str, str]]] = {
    "d9617e9b732a536b": ("bbh/zeroshot/utils.py (= bbh/cot_zeroshot/utils.py)", {
        "MultiChoiceRegexFilter": "lm_eval:bbh/filter/multi_choice_regex",
        "MapRegexFilter": "lm_eval:bbh/filter/map_regex",
        "NumberParseRegexFilter": "lm_eval:bbh/filter/number_parse_regex",
        "WordSortFilter": "lm_eval:bbh/filter/word_sort",
    }),
    "121b3f0b59092575": ("kormedmcqa/utils.py", {"ExtractChoiceFilter": "lm_eval:kormedmcqa/filter/extract_choice"}),
}

# ``custom`` filters: {sha256 of filter_fn's source: (where, alias key of the step applied to the first response)}.
# lm_eval's CustomFilter returns filter_fn(resps, docs) as the filtered responses; these functions return one text
# per document (the first response, processed), so the pipeline ends as take_first would.
CUSTOM_FILTERS: dict[str, tuple[str, str]] = {
    "5f919ccf05cf41d9": ("darija_bench/*/utils.py:strip (the first response, str.strip)",
                         "lm_eval:filter/remove_whitespace"),
}


def module_digest(ref: FunctionRef) -> str | None:
    path = ref.file
    if path is None or not os.path.isfile(path):
        return None
    return source_digest(read_text(str(path)))


def known_filter(fn, kw) -> tuple[str, dict, bool]:
    """(alias key, its keyword arguments, ends with the first response) for a filter the reader knows.

    ``fn`` is the filter's ``function`` (a FunctionRef to a class, or ``"custom"`` with ``filter_fn``)."""
    if fn == "custom":
        ref = kw.get("filter_fn")
        if not isinstance(ref, FunctionRef):
            raise NotModeled(f"filter 'custom' with filter_fn {ref!r}: not a !function reference")
        rest = sorted(k for k in kw if k != "filter_fn")
        if rest:
            raise NotModeled(f"filter 'custom' with arguments {rest} beside filter_fn")
        digest = ref.digest()
        known = CUSTOM_FILTERS.get(digest)
        if known is None:
            raise NotModeled(f"filter 'custom' with filter_fn {ref.spec}: not a function evalmetrics recognizes "
                             f"(sha256 {digest or 'unavailable'})")
        return known[1], {}, True
    if isinstance(fn, FunctionRef):
        digest = module_digest(fn)
        known = FILTER_MODULES.get(digest)
        if known is None or fn.name not in known[1]:
            raise NotModeled(f"filter {fn.spec}: not a filter class evalmetrics recognizes (module sha256 "
                             f"{digest or 'unavailable'})")
        return known[1][fn.name], dict(kw), False
    raise NotModeled(f"filter {fn!r} is not modeled by evalmetrics")
