"""What the task readers say about one metric they read back: the shipped aliases with exactly its ID, and its steps.

Shared by :mod:`evalmetrics.integrations.lm_eval_tasks` and :mod:`evalmetrics.integrations.lighteval_tasks`:

* :func:`aliases_by_id`: {canonical ID: the shipped alias keys building exactly that metric}, lm_eval's first;
* :func:`plain_steps`: a metric's pipeline in plain words, one step per entry (from :mod:`evalmetrics.explain`);
* :func:`alias_line`: the printed line naming a reading's alias (and the other aliases with its ID);
* :func:`steps_and_notes`: those steps (and a reading's notes) as printed lines, each recurring step shown once
  (:func:`evalmetrics.explain.collapse_steps`).
"""
from __future__ import annotations

# One concept, one place: the plain-words steps and their collapse live in evalmetrics.explain (which may not
# import the integrations), so `evalmetrics explain NAME` and the task readers print steps the same way.
from ..explain import collapse_steps, plain_steps

__all__ = ["aliases_by_id", "plain_steps", "alias_line", "steps_and_notes", "collapse_steps"]

_ALIAS_INDEX = None


def aliases_by_id() -> dict:
    """{canonical ID: (alias keys)} for every shipped alias that builds at its defaults; each tuple ranks lm_eval's
    aliases first, then unversioned before versioned, then shorter keys. Built once per process."""
    from ..registry import aliases

    global _ALIAS_INDEX
    if _ALIAS_INDEX is None:
        idx: dict = {}
        for key, a in aliases().items():
            try:
                mid = a.make_example().id
            except Exception:
                continue
            idx.setdefault(mid, []).append(key)
        _ALIAS_INDEX = {k: tuple(sorted(v, key=_alias_rank)) for k, v in idx.items()}
    return _ALIAS_INDEX


def _alias_rank(key: str):
    from ..registry import is_versioned

    from ..registry import aliases

    harness = key.split(":")[0].split("@")[0]
    return (harness != "lm_eval", aliases()[key].task_specific, is_versioned(key), len(key), key)


def alias_line(alias: str, same_as) -> str:
    """A reading's alias as a printed line; the other aliases with the same ID (``same_as``) follow as ``also``."""
    others = [a for a in same_as if a != alias]
    return f"  = {alias}" + (f"  (also {', '.join(others)})" if others else "")


def steps_and_notes(steps, notes) -> list[str]:
    """The numbered plain-words steps and the notes of a reading, as printed lines (shared by the task readers).

    A step that recurs is printed once, where it first runs, with how often it runs and after which other steps
    (lm_eval's exact_match strips ``'\\x00'`` after every regex, for instance); ``.steps`` keeps every step."""
    out = [f"  {i}. {s}" for i, s in enumerate(collapse_steps(steps), 1)]
    return out + [f"  note: {n}" for n in notes]
