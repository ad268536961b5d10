"""Every shipped alias has a differential test in this suite (an alias without one is not shipped).

A conformance module declares the aliases it proves in a module-level ``COVERED`` list. Modules of this folder run in
the harness environment and are imported here; modules of ``mathverify/`` run in their own environment (math-verify
0.9.0 cannot live beside lighteval 0.13.0), so they cannot be imported here: their ``COVERED`` must be a literal
list, read with ``ast`` without running the module.
"""
import ast
import glob
import importlib
import importlib.util
import os
import sys

from evalmetrics.registry import aliases

HERE = os.path.dirname(os.path.abspath(__file__))


def _literal_covered(path):
    for node in ast.parse(open(path, encoding="utf-8").read()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "COVERED" for t in node.targets):
            return list(ast.literal_eval(node.value))
    return []


def _module(name, path):
    """The conformance module at ``path``: the one pytest imported, or loaded from the file (never a same-named
    module elsewhere on sys.path, such as the unit suite's tests/test_ifeval.py)."""
    mod = sys.modules.get(name)
    if mod is not None and os.path.abspath(getattr(mod, "__file__", "") or "") == os.path.abspath(path):
        return mod
    spec = importlib.util.spec_from_file_location(f"_conformance_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def covered_keys():
    keys = []
    for path in sorted(glob.glob(os.path.join(HERE, "test_*.py"))):
        name = os.path.basename(path)[:-3]
        if name == "test_zz_completeness" or "COVERED" not in open(path, encoding="utf-8").read():
            continue
        keys += list(_module(name, path).COVERED)
    for path in sorted(glob.glob(os.path.join(HERE, "mathverify", "test_*.py"))):
        keys += _literal_covered(path)
    return keys


def test_every_alias_has_a_differential_test():
    table = aliases()
    keys = covered_keys()
    unknown = sorted(k for k in keys if k not in table)
    assert not unknown, f"COVERED names that are not aliases: {unknown}"
    covered = {table[k].key for k in keys}
    shipped = {a.key for a in table.values()}
    missing = sorted(shipped - covered)
    assert not missing, f"aliases without a conformance test: {missing}"
