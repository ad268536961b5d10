"""The coverage figures in docs/ are the current code's, measured on the installed harnesses.

Runs the coverage command's two measurements in full (every task config of the installed lm_eval 0.4.13 and lighteval
0.13.0) and compares them with the recorded docs/coverage_lm_eval.json and docs/coverage_lighteval.json, which
docs/coverage.md is generated from. A change that reads more (or fewer) rows fails here until the figures are
re-recorded (the commands are in docs/coverage.md), so the published figure cannot drift from the code.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from evalmetrics.integrations.coverage import lighteval_coverage, lm_eval_coverage

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _compare(measured: dict, recorded_path: Path) -> None:
    recorded = json.loads(recorded_path.read_text(encoding="utf-8"))
    hint = f"re-record {recorded_path.name} with the commands in docs/coverage.md"
    assert measured["version"] == recorded["version"], hint
    for key in ("tasks", "rows", "read", "unread", "load_errors", "classes"):
        assert measured[key] == recorded[key], f"{key}: measured {measured[key]}, recorded {recorded[key]}; {hint}"
    ours = {g["reason"]: (g["rows"], g["class"], g["needs"]) for g in measured["reasons"]}
    theirs = {g["reason"]: (g["rows"], g["class"], g["needs"]) for g in recorded["reasons"]}
    assert ours == theirs, f"unread rows by reason differ from the record; {hint}"
    # the denominator never drops a row
    assert measured["read"] + sum(g["rows"] for g in measured["reasons"]) == measured["rows"]


def test_lm_eval_coverage_is_the_recorded_one():
    pytest.importorskip("lm_eval")
    _compare(lm_eval_coverage().to_dict(), DOCS / "coverage_lm_eval.json")


def test_lighteval_coverage_is_the_recorded_one():
    pytest.importorskip("lighteval")
    _compare(lighteval_coverage().to_dict(), DOCS / "coverage_lighteval.json")
