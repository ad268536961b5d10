"""The run card: one canonical description of a saved evaluation run, whatever harness wrote it.

A card holds

* ``fields``: every setting the harness recorded, each under a dotted name that keeps the harness's own key
  (``model_args.dtype``, ``batch_size``, ``gen_kwargs.temperature``, ``tasks.gsm8k.num_fewshot``, ...), with a
  *kind* (what part of a run it belongs to) and whether it can move a score;
* ``rows``: every reported score row with the canonical metric ID the task readers give it;
* ``documents``: per task, the documents scored (count, and a digest of their content hashes) when samples were
  logged;
* ``fingerprint``: a SHA-256 over the fields that can move a score and the document digests. Two runs with the same
  fingerprint were configured alike in everything their harness recorded.

Kinds (:data:`KINDS`): ``metric``, ``prompt``, ``fewshot``, ``decoding``, ``numerics``, ``documents``, ``software``,
``model``, and ``record`` (bookkeeping that cannot move a score: dates, durations, output paths, display names).

The harnesses' readers share :func:`dotted` (a recorded block as dotted field names) and :func:`one_run_under` (the
one run in a folder).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import InvalidInput

__all__ = ["KINDS", "CardField", "CardRow", "RunCard", "differences", "digest", "dotted", "one_run_under"]

KINDS = {
    "metric": "how a score is computed from outputs (metrics, filters, aggregation)",
    "prompt": "what the model is shown (templates, delimiters, system instruction, chat template)",
    "fewshot": "the few-shot examples (count, seed, sampler, multi-turn)",
    "decoding": "how outputs are produced (generation parameters, sampling seeds, repeats)",
    "numerics": "how the model is run (dtype, batch size, device, context length)",
    "documents": "which documents are scored (dataset, split, limit, the document set itself)",
    "software": "versions of the harness and libraries",
    "model": "which model (name, revision, weights)",
    "record": "bookkeeping that cannot move a score (dates, durations, paths, display names)",
}


def digest(value: Any) -> str:
    """SHA-256 (first 16 hex digits) of a JSON value in canonical form (sorted keys, no spaces)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def dotted(prefix: str, value: Any, out: dict) -> None:
    """Put ``value`` into ``out`` under dotted names: a non-empty dict gives one name per key (``prefix.key``, keys
    sorted, one level per key); lists, scalars and empty dicts are values under ``prefix``."""
    if isinstance(value, dict) and value:
        for k in sorted(value):
            dotted(f"{prefix}.{k}", value[k], out)
    else:
        out[prefix] = value


def one_run_under(folder: Path, pattern: str, run_of: Callable[[Path], Path | None], runs: str,
                  name_one: str) -> Path | None:
    """The one run under ``folder``: ``run_of`` maps each file matching the glob ``pattern`` at any depth to the path
    that names its run (None: the file is not one). None when there is no run; several: an InvalidInput (field
    ``run``) saying ``FOLDER holds N RUNS; name one NAME_ONE:`` and listing them, sorted."""
    found = sorted(r for r in map(run_of, folder.rglob(pattern)) if r is not None)
    if len(found) > 1:
        names = "\n  ".join(str(p) for p in found)
        raise InvalidInput(f"{folder} holds {len(found)} {runs}; name one {name_one}:\n  {names}", field="run")
    return found[0] if found else None


@dataclass(frozen=True)
class CardField:
    """One recorded setting: ``name`` (dotted, the harness's own keys), ``value`` (JSON), ``kind``, and
    ``can_move_score``."""

    name: str
    value: Any
    kind: str
    can_move_score: bool

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "kind": self.kind, "can_move_score": self.can_move_score}


@dataclass
class CardRow:
    """One reported score row: task, metric and filter as the harness names them, the value and its standard error,
    the number of documents, and the canonical ID (None: not reproduced, with the reason in ``notes``)."""

    task: str
    metric: str
    filter: str
    value: Any
    stderr: Any = None
    n: int | None = None
    id: str | None = None
    notes: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"task": self.task, "metric": self.metric, "filter": self.filter, "value": self.value,
                "stderr": self.stderr, "n": self.n, "id": self.id, "notes": list(self.notes)}


@dataclass
class RunCard:
    harness: str
    source: str
    fields: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    documents: dict = field(default_factory=dict)

    def add(self, name: str, value: Any, kind: str, can_move_score: bool = True) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown field kind {kind!r}")
        self.fields[name] = CardField(name, value, kind, can_move_score and kind != "record")

    @property
    def fingerprint(self) -> str:
        """SHA-256 (first 16 hex digits) over the score-moving fields and the document digests."""
        moving = {f.name: f.value for f in self.fields.values() if f.can_move_score}
        docs = {t: d.get("digest") for t, d in sorted(self.documents.items())}
        return digest({"fields": moving, "documents": docs})

    def to_dict(self) -> dict:
        """The stable JSON form (``evalmetrics card RUN --json``)."""
        return {
            "harness": self.harness,
            "source": self.source,
            "fingerprint": self.fingerprint,
            "fields": [self.fields[k].to_dict() for k in sorted(self.fields)],
            "rows": [r.to_dict() for r in self.rows],
            "documents": {t: self.documents[t] for t in sorted(self.documents)},
        }

    def format(self, width: int = 100) -> str:
        """The card as text: rows with their IDs, then the fields by kind."""
        lines = [f"run card: {self.harness} run at {self.source}", f"fingerprint: {self.fingerprint}", "", "rows:"]
        for r in self.rows:
            what = r.id if r.id is not None else "not reproduced" + (f": {r.notes[0]}" if r.notes else "")
            value = f"{r.value:.4f}" if isinstance(r.value, float) else str(r.value)
            n = f" (n={r.n})" if r.n is not None else ""
            key = f"{r.metric},{r.filter}" if r.filter else r.metric
            lines.append(f"  {r.task} {key} = {value}{n}  ->  {what}")
        missing = [t for t in dict.fromkeys(r.task for r in self.rows) if t not in self.documents]
        if missing:
            lines.append(f"documents {', '.join(missing)}: samples not found ({_SAMPLES_AT.get(self.harness, '')}); "
                         f"the fingerprint covers the documents' digests, so it differs from the same run's with "
                         f"samples")
        for task, d in sorted(self.documents.items()):
            lines.append(f"documents {task}: {d['n']} logged, digest {d['digest']}")
            if d.get("first_prompt") is not None:
                prompt = json.dumps(d["first_prompt"], ensure_ascii=False)
                lines.append(f"  first prompt: {prompt if len(prompt) <= width else prompt[: width - 1] + '…'}")
        for kind in KINDS:
            fs = [f for f in self.fields.values() if f.kind == kind]
            if not fs:
                continue
            lines += ["", f"{kind}: {KINDS[kind]}"]
            for f in sorted(fs, key=lambda f: f.name):
                text = json.dumps(f.value, ensure_ascii=False, default=str)
                if len(text) > width:
                    text = text[: width - 1] + "…"
                lines.append(f"  {f.name} = {text}")
        return "\n".join(lines)


_MISSING = object()
_SAMPLES_AT = {
    "lm_eval": "lm_eval writes samples_<task>_<date>.jsonl next to the results file with --log_samples",
    "lighteval": "lighteval writes details/<model>/<date>/details_<task>_<date>.parquet with --save-details",
    "helm": "HELM writes scenario_state.json and per_instance_stats.json in the run folder",
}


def differences(a: RunCard, b: RunCard) -> list[dict]:
    """Every field whose value differs between two cards (or that only one has), in name order:
    ``{"field", "a", "b", "kind", "can_move_score"}`` (a missing side is ``None`` and named in ``missing``: ``"a"``
    or ``"b"``, the run that does not record the field). ``record`` fields (dates, durations, paths, display names)
    are left out: they differ between any two runs and cannot move a score; so is a field one run records as
    ``null`` and the other does not record (nothing on either side)."""
    out = []
    for name in sorted(set(a.fields) | set(b.fields)):
        fa, fb = a.fields.get(name), b.fields.get(name)
        f = fa or fb
        if f.kind == "record" or (fa is not None and fb is not None and fa.value == fb.value):
            continue
        if (fa is None or fb is None) and f.value is None:  # null on one side, not recorded on the other
            continue
        d = {"field": name, "a": None if fa is None else fa.value, "b": None if fb is None else fb.value,
             "kind": f.kind, "can_move_score": (fa or fb).can_move_score}
        if fa is None or fb is None:
            d["missing"] = "a" if fa is None else "b"
        out.append(d)
    return out
