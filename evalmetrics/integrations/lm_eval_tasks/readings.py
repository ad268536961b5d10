"""What a reading of an lm_eval task holds, and how it prints: :class:`TaskReading` (a task, or a group with its
members), :class:`MetricReading` (one reported row), and :class:`NotModeled` (why a row has no canonical ID).

The numbered steps print through :func:`evalmetrics.integrations.describe.steps_and_notes`, which the lighteval
reader shares.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ...errors import EvalMetricsError
from ..describe import alias_line, steps_and_notes

__all__ = ["TaskReading", "MetricReading", "NotModeled"]


@dataclass
class MetricReading:
    """One reported row ``key = "<metric>,<filter>"`` of an lm_eval task, read back as a canonical ID.

    ``id``: the canonical ID of what the row computes per document (None: not reproduced; ``reason`` says why).
    ``alias``: a shipped alias with exactly that ID (``same_as``: every such alias). ``list_id`` / ``list_alias``:
    the same when ``doc_to_target`` yields a list (multiple targets). ``references``: what the metric's references
    are, in words. ``steps``: the pipeline in plain words.
    """

    task: str | None
    filter: str
    metric: str
    output_type: str
    id: str | None = None
    alias: str | None = None
    same_as: tuple = ()
    list_id: str | None = None
    list_alias: str | None = None
    reason: str = ""
    references: str = ""
    steps: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.metric},{self.filter}"

    @property
    def reproduced(self) -> bool:
        return self.id is not None or self.list_id is not None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["key"] = self.key
        d["reproduced"] = self.reproduced
        return d

    def lines(self) -> list[str]:
        out = [f"{self.key}"]
        if not self.reproduced:
            out.append(f"  not reproduced: {self.reason}")
        if self.id is not None:
            label = "id" if self.list_id is None else "id (target is a text)"
            out.append(f"  {label}: {self.id}")
            if self.alias:
                out.append(alias_line(self.alias, self.same_as))
        if self.list_id is not None:
            out.append(f"  id (target is a list, any matching): {self.list_id}")
            if self.list_alias:
                out.append(f"  = {self.list_alias}")
        if self.references:
            out.append(f"  references: {self.references}")
        out.extend(steps_and_notes(self.steps, self.notes))
        return out


@dataclass
class TaskReading:
    """What an lm_eval task (or group) reports, row by row. ``readings``: one per (filter pipeline, metric);
    ``members``: for a group, the reading of each member task (or subgroup)."""

    task: str | None
    path: str | None = None
    output_type: str | None = None
    readings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    group: str | None = None
    members: list = field(default_factory=list)

    def get(self, metric: str, filter: str = "none") -> MetricReading:
        for r in self.readings:
            if r.metric == metric and r.filter == filter:
                return r
        raise KeyError(f"{metric},{filter}")

    def tasks(self) -> list["TaskReading"]:
        """Every leaf task reading (a task: itself; a group: its members', recursively)."""
        if self.group is None:
            return [self]
        out = []
        for m in self.members:
            out.extend(m.tasks())
        return out

    def __str__(self) -> str:
        if self.group is not None:
            return _group_text(self)
        head = f"lm_eval task {self.task or '(unnamed template)'}"
        if self.output_type:
            head += f" ({self.output_type})"
        lines = [head]
        if self.path:
            lines.append(f"  from {self.path}")
        for n in self.notes:
            lines.append(f"  note: {n}")
        for r in self.readings:
            lines.append("")
            lines.extend("  " + x for x in r.lines())
        return "\n".join(lines)


def _group_text(g: TaskReading) -> str:
    leaves = g.tasks()
    lines = [f"lm_eval group {g.group}: {len(leaves)} tasks"]
    if g.path:
        lines.append(f"  from {g.path}")
    for n in g.notes:
        lines.append(f"  note: {n}")
    # Tasks whose rows read identically are shown once.
    buckets: dict = {}
    for t in leaves:
        sig = tuple((r.key, r.id, r.list_id, r.reason) for r in t.readings)
        buckets.setdefault(sig, []).append(t)
    for tasks in buckets.values():
        names = [t.task or "?" for t in tasks]
        shown = ", ".join(names[:4]) + (f", ... ({len(names)} tasks)" if len(names) > 4 else "")
        lines.append("")
        lines.append(f"  {shown}:")
        for r in tasks[0].readings:
            lines.extend("    " + x for x in r.lines())
    return "\n".join(lines)


class NotModeled(EvalMetricsError):
    """A part of a task config evalmetrics does not model; its text is the row's ``reason``."""
