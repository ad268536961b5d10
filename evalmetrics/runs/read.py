"""One entry point for every harness's saved run: :func:`read_run`."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import InvalidInput
from .card import RunCard
from .helm_run import find_helm_run, helm_card
from .lighteval_run import is_lighteval_results, lighteval_card
from .lm_eval_run import _results_file, find_results_file, is_lm_eval_results, lm_eval_card

__all__ = ["read_run"]


def read_run(path) -> RunCard:
    """The run card of a saved run: an lm_eval or lighteval output folder, or its ``results_<date>.json``; or a HELM
    run folder (``benchmark_output/runs/<suite>/<run name>/``, or a suite folder holding one run).

    Raises :class:`~evalmetrics.InvalidInput` (field ``run``) for a path that is not one, naming what was found."""
    p = Path(path)
    if p.is_dir() and not (p / "run_spec.json").is_file():
        _one_run(p)
    if p.is_file() and (p.suffix in (".jsonl", ".parquet") or p.name.startswith(("samples_", "details_"))):
        raise InvalidInput(f"{p}: a per-sample log, not a run; pass the run folder or its results_<date>.json "
                           f"(lm_eval, lighteval), or a HELM run folder", field="run")
    helm = find_helm_run(p)
    if helm is not None:
        return helm_card(helm)
    target = find_results_file(p) if p.is_dir() else p
    if not target.is_file():
        raise InvalidInput(f"{p}: no such file or folder", field="run")
    try:
        head = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InvalidInput(f"{target}: not a JSON results file ({e}); pass the run folder or its "
                           f"results_<date>.json (lm_eval, lighteval), or a HELM run folder", field="run") from None
    if is_lm_eval_results(head):
        return lm_eval_card(target)
    if is_lighteval_results(head):
        return lighteval_card(target, head)
    raise InvalidInput(f"{target}: not a run evalmetrics can read (lm_eval's or lighteval's results_<date>.json, "
                       f"a HELM run folder)", field="run")


def _one_run(folder: Path) -> None:
    """A folder holding runs of several harnesses (HELM run folders besides lm_eval / lighteval results files): an
    InvalidInput (field ``run``) listing every run found, sorted (one harness's runs: its reader says so)."""
    helm = sorted({q.parent for q in folder.rglob("run_spec.json")})
    results = sorted(r for r in map(_results_file, folder.rglob("*.json")) if r is not None)
    if helm and results:
        names = "\n  ".join(str(q) for q in sorted(helm + results))
        raise InvalidInput(f"{folder} holds {len(helm) + len(results)} runs ({len(helm)} HELM run folders, "
                           f"{len(results)} lm_eval / lighteval results files); name one run folder or results "
                           f"file:\n  {names}", field="run")
