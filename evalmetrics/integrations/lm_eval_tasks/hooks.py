"""The ``process_results`` hooks and task classes that lm_eval 0.4.13 ships and evalmetrics reads, as data.

A hook is identified by the SHA-256 of its source text (first 16 hex digits), never imported: :func:`identify_hook`
takes a ``!function`` reference, a dumped source text or a callable and looks its digest up in :data:`KNOWN_HOOKS`.
"""
from __future__ import annotations

from .loading import FunctionRef, source_digest

__all__ = ["KNOWN_HOOKS", "HOOK_NOTES", "identify_hook"]

# process_results hooks and task classes shipped with lm_eval 0.4.13, by the SHA-256 (first 16 hex digits) of the
# function's or class's source text: {hash: (where, {reported metric: alias key or None})}. None: not reproduced.
KNOWN_HOOKS: dict[str, tuple[str, dict[str, str | None]]] = {
    "2e94f2675967277a": ("hendrycks_math/utils.py:process_results", {"exact_match": "lm_eval:hendrycks_math"}),
    "b2f6cd6901c0a831": ("drop/utils.py:process_results", {"em": "lm_eval:drop/em", "f1": "lm_eval:drop/f1"}),
    "b1bf57a8ed0d0cba": ("minerva_math/utils.py:process_results", {
        "exact_match": "lm_eval:minerva_math/exact_match", "math_verify": "lm_eval:minerva_math/math_verify"}),
    "8db42f02270d1bb3": ("truthfulqa/utils.py:process_results_mc2", {"acc": None}),
    "da1dd99feb2c4714": ("squadv2/task.py:SQuAD2", {
        "exact": "lm_eval:squadv2/exact", "f1": "lm_eval:squadv2/f1", "HasAns_exact": None, "HasAns_f1": None,
        "NoAns_exact": None, "NoAns_f1": None, "best_exact": None, "best_f1": None,
    }),
}

HOOK_NOTES = {
    "squadv2/task.py:SQuAD2": "lm_eval reports these as corpus values x100 through evaluate's squad_v2; the ID is "
                              "the per-sample value whose mean (x100) that is",
    "minerva_math/utils.py:process_results": "minerva_math compares with sympy under a 5 s alarm (exact_match) and "
                                             "with math-verify (math_verify)",
}


def identify_hook(ref):
    """(where, metric table, digest) of a hook; table None when unknown."""
    src = None
    if isinstance(ref, FunctionRef):
        src = ref.source()
    elif isinstance(ref, str) and ref.lstrip().startswith(("def ", "class ", "@")):
        src = ref  # a dumped config holds the hook's source text
    elif callable(ref):
        import inspect

        try:
            src = inspect.getsource(ref)
        except (OSError, TypeError):
            src = None
    if src is None:
        return None, None, None
    digest = source_digest(src)
    known = KNOWN_HOOKS.get(digest)
    if known is None:
        return None, None, digest
    return known[0], known[1], digest
