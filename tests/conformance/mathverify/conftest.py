"""tests/conformance/mathverify/ runs only where math-verify 0.9.0 is installed (the 'mathverify' environment).

The 'harness' environment has math-verify 0.5.2 (lighteval 0.13.0 pins it); there this folder is not collected.
"""
from __future__ import annotations

import os
import sys
from importlib import metadata

sys.path.insert(0, os.path.dirname(__file__))

try:
    _MV = metadata.version("math-verify")
except metadata.PackageNotFoundError:
    _MV = None

collect_ignore_glob = [] if _MV == "0.9.0" else ["test_*.py"]

# ../_diff.py records into `conftest.RESULTS`; inside this folder the name `conftest` is this module, so it carries a
# copy of ../conftest.py's record and summary hook (the parent's own RESULTS stays empty here and writes nothing).
import importlib.util as _ilu  # noqa: E402

_spec = _ilu.spec_from_file_location(
    "_conformance_conftest_shared", os.path.join(os.path.dirname(os.path.dirname(__file__)), "conftest.py")
)
_shared = _ilu.module_from_spec(_spec)
_spec.loader.exec_module(_shared)
# Never the harness run's file (run.sh runs both suites at once): ../last_run.json -> last_run_aliases.json here,
# EVALMETRICS_CONFORMANCE_OUT=X.json -> X.mathverify.json.
_out = os.environ.get("EVALMETRICS_CONFORMANCE_OUT")
_shared.OUT = (os.path.join(os.path.dirname(__file__), "last_run_aliases.json") if not _out
               else (_out[:-5] if _out.endswith(".json") else _out) + ".mathverify.json")
RESULTS = _shared.RESULTS
pytest_terminal_summary = _shared.pytest_terminal_summary
