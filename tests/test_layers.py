"""The package's layering is a test: the import contracts in .importlinter hold, there is no import cycle, and the
integrations load only lazily. Every import statement counts, function-local ones included, as import-linter
counts them (a lazy import that goes up the layers is still a cycle).

`make test` runs `lint-imports` too; these tests make plain `pytest` catch a new cycle or a broken layer.
"""
import ast
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "evalmetrics")
CONFIG = os.path.join(ROOT, ".importlinter")

def _lint(cwd, config, pythonpath):
    """Run import-linter on ``config`` in a fresh interpreter; (exit code, output)."""
    env = dict(os.environ, PYTHONPATH=pythonpath)
    code = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    proc = subprocess.run(
        [sys.executable, "-c", code, config, "--no-cache", "--no-logo"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )
    return proc.returncode, proc.stdout + proc.stderr


def _import_graph():
    spec = importlib.util.spec_from_file_location("_import_graph", os.path.join(ROOT, "tools", "import_graph.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_import_contracts_are_kept():
    code, out = _lint(ROOT, CONFIG, ROOT)
    assert code == 0 and "0 broken" in out, out


def test_no_import_cycle_anywhere_in_the_package():
    """Parent-child cycles too (a package __init__ importing a child that imports the package back), which the
    sibling contract does not see."""
    report = _import_graph().measure()
    assert report["modules"] > 50  # the graph really was built
    assert report["cycles"] == [], f"import cycles: {report['cycles']}"


def test_cycle_measure_finds_a_cycle(tmp_path):
    """Meta-test: the cycle measure is not vacuous (a function-local import that closes a loop is a cycle)."""
    pkg = tmp_path / "toy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "low.py").write_text("def f():\n    from .high import g\n    return g\n")
    (pkg / "high.py").write_text("from . import low\n\ndef g():\n    return low\n")
    report = _import_graph().measure(pkg, "toy")
    assert report["cycles"] == [["toy.high", "toy.low"]]


def test_a_layer_violation_is_detected(tmp_path):
    """Meta-test: the real contracts fail on a copy of the package where a step imports the registry (upward,
    function-local, closing a cycle)."""
    copy = tmp_path / "evalmetrics"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with open(copy / "normalizers.py", "a", encoding="utf-8") as f:
        f.write("\n\ndef _upward():\n    from .registry import get\n\n    return get\n")
    shutil.copy(CONFIG, tmp_path / ".importlinter")
    code, out = _lint(str(tmp_path), str(tmp_path / ".importlinter"), str(tmp_path))
    assert code == 1, out
    assert "evalmetrics.normalizers -> evalmetrics.registry" in out, out
    for contract in ("Layers: imports flow down only", "Steps (normalizers, extractors) never import metrics"):
        assert contract in out and "BROKEN" in out, out


def test_a_cycle_in_a_toy_package_is_detected(tmp_path):
    """Meta-test on a tiny package: a cycle through a function-local import breaks an acyclic contract."""
    pkg = tmp_path / "toy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "low.py").write_text("def f():\n    from .high import g\n    return g\n")
    (pkg / "high.py").write_text("from . import low\n\ndef g():\n    return low\n")
    (tmp_path / ".importlinter").write_text(textwrap.dedent("""\
        [importlinter]
        root_package = toy

        [importlinter:contract:acyclic]
        name = toy is acyclic
        type = acyclic_siblings
        ancestors =
            toy
    """))
    code, out = _lint(str(tmp_path), str(tmp_path / ".importlinter"), str(tmp_path))
    assert code == 1 and "BROKEN" in out, out


def _module_level_imports_of(path, module, target):
    """Line numbers of imports of ``target`` (dotted) at module level in ``path``, the source of ``module``
    (imports inside a function body are lazy)."""
    tree = ast.parse(open(path, encoding="utf-8").read())
    lazy = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lazy.update(id(n) for n in ast.walk(node) if n is not node)
    here = module if path.endswith("__init__.py") else module.rsplit(".", 1)[0]  # the package of relative imports
    found = []
    for node in ast.walk(tree):
        if id(node) in lazy:
            continue
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = here.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        if any(n == target or n.startswith(target + ".") for n in names):
            found.append(node.lineno)
    return found


def test_integrations_are_imported_only_lazily():
    """Outside evalmetrics/integrations, an import of the integrations sits inside a function; and neither
    `import evalmetrics` nor `import evalmetrics.cli` loads them."""
    eager = []
    for folder, _, files in os.walk(PACKAGE):
        if os.path.join(PACKAGE, "integrations") in folder or "__pycache__" in folder:
            continue
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, ROOT)
                module = rel[:-3].replace(os.sep, ".").removesuffix(".__init__")
                eager += [f"{rel}:{n}" for n in _module_level_imports_of(path, module, "evalmetrics.integrations")]
    assert eager == [], f"module-level imports of evalmetrics.integrations: {eager}"
    code = ("import sys, evalmetrics, evalmetrics.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('evalmetrics.integrations')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_lazy_import_check_sees_an_eager_import(tmp_path):
    """Meta-test: the laziness check flags a module-level import and passes a function-local one."""
    pkg = tmp_path / "evalmetrics"
    pkg.mkdir()
    eager, lazy = pkg / "eager.py", pkg / "lazy.py"
    eager.write_text("from .integrations import lm_eval\n")
    lazy.write_text("def f():\n    from .integrations import lm_eval\n    return lm_eval\n")
    assert _module_level_imports_of(str(eager), "evalmetrics.eager", "evalmetrics.integrations") == [1]
    assert _module_level_imports_of(str(lazy), "evalmetrics.lazy", "evalmetrics.integrations") == []


@pytest.mark.parametrize("generator", ["gendocs.py", "make_samples.py"])
def test_generators_live_outside_the_installed_package(generator):
    """The package ships data; the generators of data and docs live in tools/."""
    assert os.path.exists(os.path.join(ROOT, "tools", generator))
    shipped = [os.path.join(d, f) for d, _, fs in os.walk(PACKAGE) for f in fs if f == generator]
    assert shipped == []
    assert not os.path.exists(os.path.join(PACKAGE, "tools"))


def test_version_lives_in_its_own_module():
    """pyproject's dynamic version reads the module that the package re-exports (no module needs the package
    __init__ for it)."""
    import re

    import evalmetrics
    from evalmetrics import _version

    text = open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8").read()
    attr = re.search(r'^version = \{ attr = "([\w.]+)" \}', text, re.M).group(1)
    assert attr == "evalmetrics._version.__version__"
    assert evalmetrics.__version__ == _version.__version__


def test_unknown_nested_unit_still_suggests_close_names():
    """ids.build no longer imports the registry for did-you-mean: the registry passes its suggester in. A
    misspelled step inside an ID still gets suggestions; ids.build without a suggester gives none."""
    import evalmetrics as em
    from evalmetrics import ids

    with pytest.raises(em.UnknownMetric) as e:
        em.get("exact_match(mode=full, normalize=[lowercas], combine=max)")
    assert e.value.name == "lowercas" and "lowercase" in e.value.suggestions
    with pytest.raises(em.UnknownMetric) as e:
        ids.build(ids.parse("lowercas"), "lowercas", {}.get)
    assert e.value.suggestions == []
