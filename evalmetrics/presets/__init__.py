"""Harness names -> explicit pipelines. DATA ONLY: each alias composes the shared steps and metrics.

An alias is ``<harness>:<name>`` or ``<harness>@<version>:<name>``; the unversioned form resolves to the newest
version that has the name. ``build(**config)`` takes the harness's own configuration keys with the harness's
defaults.
"""
from __future__ import annotations

from .alias import Alias

__all__ = ["Alias", "all_aliases", "HARNESS_VERSIONS"]

# Newest first. The version that an unversioned alias resolves to is the first one here that has the name.
HARNESS_VERSIONS: dict[str, tuple[str, ...]] = {
    "lm_eval": ("0.4",),
    "lighteval": ("0.13", "0.10"),
    "helm": ("0.5",),
    "squad": ("v2", "v1.1"),
    "hf_evaluate": ("0.4",),
    "math_verify": ("0.9",),
    "unitxt": ("1.26",),
    "inspect": ("0.3",),
    "olmes": ("0.1",),
    "hendrycks": ("2021",),
}

# The exact package versions the conformance suite proves each harness version against.
VERIFIED_AGAINST: dict[tuple[str, str], str] = {
    ("lm_eval", "0.4"): "lm-eval==0.4.13",
    ("lighteval", "0.13"): "lighteval==0.13.0",
    ("lighteval", "0.10"): "lighteval==0.13.0 (its ExactMatches/F1 with the v0.10 parameters)",
    ("helm", "0.5"): "crfm-helm==0.5.16",
    ("squad", "v1.1"): "SQuAD v1.1 official script",
    ("squad", "v2"): "SQuAD v2.0 official script",
    ("hf_evaluate", "0.4"): "lm-eval==0.4.13 (same algorithm as evaluate-metric/exact_match)",
    ("math_verify", "0.9"): "math-verify==0.9.0",
    ("unitxt", "1.26"): "unitxt==1.26.10",
    ("inspect", "0.3"): "inspect-ai==0.3.285",
    # No installable package: defined from the published definitions (docs/olmes_mmlu.md), cross-checked against
    # the equivalent computation of the real packages.
    ("olmes", "0.1"): ("the equivalent lm-eval==0.4.13 / lighteval==0.13.0 computation (a cross-check: no OLMES "
                       "package is installable; defined from the OLMES paper and oe-eval's MCAccuracy)"),
    ("hendrycks", "2021"): ("lm-eval==0.4.13's acc on the same letter log-probabilities (a cross-check: the "
                            "original hendrycks/test evaluate.py is no package)"),
}


def all_aliases() -> list[Alias]:
    from . import helm, lighteval, lighteval_math, lm_eval, lm_eval_math, lm_eval_textgen, math_strings, math_verify, squad
    from . import lm_eval_filters
    from . import open_llm_leaderboard
    from . import ifeval
    from . import lm_eval_hooks_b
    from . import lm_eval_hooks_a
    from . import lm_eval_qa
    from . import lighteval_corpus

    from . import lm_eval_hooks_gen
    from . import lm_eval_classification
    from . import lm_eval_bbq

    out: list[Alias] = []
    for mod in (lm_eval, lm_eval_textgen, lm_eval_math, lighteval, lighteval_math, helm, squad, math_strings, math_verify):
        out.extend(mod.ALIASES)
    out.extend(lm_eval_filters.ALIASES)
    out.extend(open_llm_leaderboard.ALIASES)
    out.extend(ifeval.ALIASES)
    out.extend(lm_eval_hooks_a.ALIASES)
    out.extend(lm_eval_hooks_b.ALIASES)
    out.extend(lm_eval_qa.ALIASES)
    out.extend(lighteval_corpus.ALIASES)
    out.extend(lm_eval_hooks_gen.ALIASES)
    out.extend(lm_eval_classification.ALIASES)
    out.extend(lm_eval_bbq.ALIASES)
    from . import unitxt

    out.extend(unitxt.ALIASES)
    from . import inspect_ai

    out.extend(inspect_ai.ALIASES)
    from . import mmlu, olmes

    out.extend(olmes.ALIASES)
    out.extend(mmlu.ALIASES)
    return out


def load_verified() -> dict:
    """The conformance record: alias key -> {"n": inputs checked, "mismatches": 0, "package": ...}.

    Written by ``tests/conformance/record.py`` from a conformance run; CI re-runs the same checks.
    """
    import json
    import os

    path = os.path.join(os.path.dirname(__file__), "verified.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)
