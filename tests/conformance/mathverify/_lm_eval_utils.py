"""lm_eval 0.4.13's task utility modules (``lm_eval/tasks/<task>/utils.py``), loaded by file path: the oracles of
the math tests in this folder."""
from __future__ import annotations

import importlib.util
import os
import sys
import types


def load_task_utils(relpath: str, name: str, *, stub_datasets: bool = False):
    """The module at ``lm_eval/tasks/<relpath>``, loaded under ``name``. ``stub_datasets``: first put a stand-in
    ``datasets`` module in ``sys.modules`` (unless there is one): some utils import it for ``process_docs`` or type
    hints only, and that package is not in this environment."""
    import lm_eval

    if stub_datasets and "datasets" not in sys.modules:
        stub = types.ModuleType("datasets")
        stub.Dataset = object
        sys.modules["datasets"] = stub
    path = os.path.join(os.path.dirname(lm_eval.__file__), "tasks", *relpath.split("/"))
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
