"""Conformance suite plumbing: per-alias input counts and mismatches, printed and written to a JSON record."""
from __future__ import annotations

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

RESULTS: dict[str, dict] = {}
OUT = os.environ.get("EVALMETRICS_CONFORMANCE_OUT", os.path.join(os.path.dirname(__file__), "last_run.json"))


@pytest.fixture(scope="module")
def one_torch_thread():
    """torch runs on one thread for the module using it (``pytestmark = pytest.mark.usefixtures(...)``), restored
    afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def pytest_terminal_summary(terminalreporter):
    if not RESULTS:
        return
    tr = terminalreporter
    tr.section("conformance: inputs checked per alias (evalmetrics vs the real package)")
    w = max(len(k) for k in RESULTS)
    for key in sorted(RESULTS):
        r = RESULTS[key]
        tr.write_line(f"{key:<{w}}  {r['n']:>7} inputs  {r['mismatches']:>4} mismatches  ({r['package']})")
    tr.write_line(f"{len(RESULTS)} aliases, {sum(r['n'] for r in RESULTS.values())} inputs, "
                  f"{sum(r['mismatches'] for r in RESULTS.values())} mismatches")
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(RESULTS, f, indent=1, sort_keys=True, ensure_ascii=True)
    tr.write_line(f"record written to {OUT}")
