"""What the task readers say about one metric they read back: the shipped aliases with exactly its ID, and its steps.

Shared by :mod:`evalmetrics.integrations.lm_eval_tasks` and :mod:`evalmetrics.integrations.lighteval_tasks`:

* :func:`aliases_by_id`: {canonical ID: the shipped alias keys building exactly that metric}, lm_eval's first;
* :func:`plain_steps`: a metric's pipeline in plain words, one step per entry;
* :func:`steps_and_notes` / :func:`collapse_steps`: those steps (and a reading's notes) as printed lines, each
  recurring step shown once.
"""
from __future__ import annotations

__all__ = ["aliases_by_id", "plain_steps", "steps_and_notes", "collapse_steps"]

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

    harness = key.split(":")[0].split("@")[0]
    return (harness != "lm_eval", is_versioned(key), len(key), key)


def plain_steps(metric) -> list[str]:
    """The metric's steps in plain words: each prediction/reference step (``"prediction: ..."``), then the
    metric's own rule."""
    out = []
    for side, step in metric.pipeline() if hasattr(metric, "pipeline") else []:
        out.append(f"{side}: {step.describe()}")
    out.append(metric.describe())
    return out


def steps_and_notes(steps, notes) -> list[str]:
    """The numbered plain-words steps and the notes of a reading, as printed lines (shared by the task readers).

    A step that recurs is printed once, where it first runs, with how often it runs and after which other steps
    (lm_eval's exact_match strips ``'\\x00'`` after every regex, for instance); ``.steps`` keeps every step."""
    out = [f"  {i}. {s}" for i, s in enumerate(collapse_steps(steps), 1)]
    return out + [f"  note: {n}" for n in notes]


def collapse_steps(steps) -> list[str]:
    """Plain-words steps with each recurring step shown once: ``"... (4 times: here and after steps 4, 5 and 7)"``.

    >>> collapse_steps(["a", "x", "b", "x", "x", "c"])
    ['a', 'x (3 times: here and after step 3)', 'b', 'c']
    """
    first: dict = {}
    rows: list = []  # [text, count, [numbers of the steps a later run follows]]
    prev = None
    for s in steps:
        k = first.get(s)
        if k is None:
            k = first[s] = len(rows)
            rows.append([s, 1, []])
        else:
            rows[k][1] += 1
            if prev is not None and prev != k and prev + 1 not in rows[k][2]:
                rows[k][2].append(prev + 1)
        prev = k
    out = []
    for text, count, after in rows:
        if count == 1:
            out.append(text)
        elif not after:
            out.append(f"{text} ({count} times in a row)")
        else:
            nums = [str(n) for n in after]
            where = nums[0] if len(nums) == 1 else ", ".join(nums[:-1]) + " and " + nums[-1]
            out.append(f"{text} ({count} times: here and after step{'s' if len(nums) > 1 else ''} {where})")
    return out
