"""Saved evaluation runs as run cards (``evalmetrics card RUN``): every recorded setting under the harness's own key,
classed by what part of a run it is and whether it can move a score, every reported row with its canonical ID, the
documents scored, and a fingerprint. Reads lm_eval output folders (``results_<date>.json`` and its
``samples_<task>_<date>.jsonl``) and lighteval output folders (``results/<model>/results_<date>.json`` and its
``details/<model>/<date>/details_<task>_<date>.parquet``) and HELM run folders
(``benchmark_output/runs/<suite>/<run>/``: ``run_spec.json``, ``scenario_state.json``, ``per_instance_stats.json``,
``stats.json``)."""
from __future__ import annotations

from .card import KINDS, CardField, CardRow, RunCard, differences
from .read import read_run
from .why import format_why, why

__all__ = ["KINDS", "CardField", "CardRow", "RunCard", "differences", "format_why", "read_run", "why"]
