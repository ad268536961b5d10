"""Did you mean: the known names closest to a name that resolved to nothing (``UnknownMetric``'s suggestions).

Pure and below the ID grammar: callers pass the pool of known names (``registry`` passes every alias and unit
name; ``ids.build`` receives the registry's suggester as an argument rather than importing the registry).

>>> close_names("lm_eval:exact_mach", ["lm_eval:exact_match", "helm:f1", "f1"])
['lm_eval:exact_match']
>>> close_names("acc", ["lm_eval:acc", "helm:exact_match", "f1"])
['lm_eval:acc']
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["close_names"]


def close_names(name: str, pool: Iterable[str], n: int = 5) -> list[str]:
    """Up to ``n`` names from ``pool`` close to ``name`` (its text before any ``(``): close spellings first, then,
    for a name without a harness prefix, the aliases that end in ``:name``."""
    pool = list(pool)
    base = name.split("(")[0].strip()
    found = difflib.get_close_matches(base, pool, n=n, cutoff=0.6)
    if ":" not in base:
        found += [k for k in pool if k.endswith(":" + base) and k not in found][:n]
    return found[:n]
