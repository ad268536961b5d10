"""Install lines of the docs and the extras of pyproject.toml agree (issue 14, item 6, and the license warning).

No network here: `.ci/run` dry-runs every line with pip (`python tools/install_lines.py --check`); these tests check
that the extraction finds the lines, that every extra a line, an error message or the environment table names
exists as spelled, and that the extras keep apart what cannot share an environment.
"""
import importlib.util
import os
import re
import sys
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("install_lines", ROOT / "tools" / "install_lines.py")
il = importlib.util.module_from_spec(_spec)
sys.modules["install_lines"] = il  # dataclasses look their module up
_spec.loader.exec_module(il)

if sys.version_info < (3, 11):
    pytest.importorskip("tomli", reason="reading pyproject.toml needs tomllib (3.11) or tomli")


def _pyproject():
    return il._load_toml(ROOT / "pyproject.toml")


EXTRAS = il.project_extras()
LINES = il.install_lines()


def _names(reqs):
    return {il.normalize_name(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in reqs}


# ---- extraction ---------------------------------------------------------------------------------------------------

SAMPLE = """\
# Title

Install with `pip install -e '.[lm-eval]'` or `python -m pip install "lighteval[math]==0.13.0"`.
Prose that says pip install without a code span is not a command.

```bash
python3 -m venv .venv-x && .venv-x/bin/pip install -e '.[lighteval]'   # a comment
pip install --no-deps \\
    'crfm-helm==0.5.16' -c constraints.txt
$ pip install -q -U 'torch==2.13.0'
```

```python
print(e)    # ... pip install 'lm-eval==0.4.13' ...
```

    .venv/bin/python -m pip install '.[test,mathverify]'

```
pip install 'evalmetrics[harness]'
```
"""


def test_extraction_finds_every_form_of_install_line(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(SAMPLE)
    (tmp_path / "README.md").write_text("Run `pip install -e .`.\n")
    (tmp_path / "tests" / "data").mkdir(parents=True)
    (tmp_path / "tests" / "data" / "UPSTREAM.md").write_text("`pip install upstream-thing`\n")
    found = [(line.path, line.lineno, line.text) for line in il.install_lines(tmp_path)]
    assert found == [
        ("README.md", 1, "pip install -e ."),
        ("docs/guide.md", 3, "pip install -e '.[lm-eval]'"),
        ("docs/guide.md", 3, 'python -m pip install "lighteval[math]==0.13.0"'),
        ("docs/guide.md", 7, ".venv-x/bin/pip install -e '.[lighteval]'"),
        ("docs/guide.md", 8, "pip install --no-deps  'crfm-helm==0.5.16' -c constraints.txt"),
        ("docs/guide.md", 10, "pip install -q -U 'torch==2.13.0'"),
        ("docs/guide.md", 17, ".venv/bin/python -m pip install '.[test,mathverify]'"),
        ("docs/guide.md", 20, "pip install 'evalmetrics[harness]'"),
    ]


def test_parsed_lines_give_requirements_options_and_project_extras():
    line = il.parse_command("pip install --no-deps 'crfm-helm==0.5.16' -c constraints.txt")
    assert [r.text for r in line.requirements] == ["crfm-helm==0.5.16"]
    assert line.options == ("--no-deps", "-c=constraints.txt")
    line = il.parse_command(".venv/bin/python -m pip install -e '.[test,lm-eval]'")
    assert line.project_extras() == ["test", "lm-eval"] and line.error is None
    # the same install written differently is one dry-run: -e / -q / -U and the order of extras do not matter
    assert line.key() == il.parse_command("pip install -q '.[lm-eval,test]'").key()
    assert il.parse_command("pip install 'evalmetrics[harness]'").project_extras() == ["harness"]
    assert il.parse_command("pip install 'lighteval[math]==0.13.0'").project_extras() == []
    assert il.parse_command("pip install 'lm-eval==0.4.13' ...").error  # output shown with "...", not a command
    assert il.parse_command("pip install -q").error == "no requirement"


def test_the_repository_docs_have_the_install_lines_ci_checks():
    by_doc = {}
    for line in LINES:
        assert line.error is None, f"{line.where}: {line.text!r}: {line.error}"
        by_doc.setdefault(line.path, []).append(line)
    # each harness extra is given as a line to copy, and the lighteval one in an environment of its own
    integration = [line.text for line in by_doc["docs/integrations.md"]]
    assert "pip install -e '.[lm-eval]'" in integration and "pip install -e '.[lighteval]'" in integration
    assert any(t.startswith("~/.venvs/evalmetrics-lighteval/bin/pip") and "'.[lighteval]'" in t for t in integration)
    assert any(".[mathverify]" in line.text for line in by_doc["docs/math.md"])
    assert "README.md" in by_doc


def test_a_missing_extra_that_an_install_asks_for_fails_the_check():
    """pip < 23.3 answered `pip install '.[lm_eval]'` (extra declared as lm_eval, written as lm-eval) with a warning
    and exit 0, installing no lm-eval: the check counts that warning as a failure when the line (or one of our extras)
    asks for the extra, and not when a dependency's own metadata does (math-verify -> latex2sympy2_extended)."""
    f = il._asked_extra_missing
    assert f("WARNING: evalmetrics 0.1.0 does not provide the extra 'lm_eval'", (".[lm_eval]",))
    assert f("WARNING: lighteval 0.13.0 does not provide the extra 'maths'", ("lighteval[maths]==0.13.0",))
    assert f("WARNING: math-verify 0.9.0 does not provide the extra 'antlr4-11-0'", (".[mathverify]",))
    assert not f("WARNING: latex2sympy2-extended 1.11.0 does not provide the extra 'antlr4_11_0'", (".[mathverify]",))
    assert not f("Would install numpy-2.4.6", (".[stats]",))


# ---- the extras the docs and messages name exist ------------------------------------------------------------------

def test_every_extra_a_doc_line_names_exists_in_pyproject_as_spelled():
    """`evalmetrics[harness]` in docs/integrations.md named an extra that was then removed; `.[lm_eval]` names
    nothing for pip < 23.3 (it only warns "does not provide the extra"): each must be spelled as declared."""
    named = [(line.where, e) for line in LINES for e in line.project_extras()]
    assert named
    missing = [(where, e) for where, e in named if e not in EXTRAS]
    assert not missing, f"extras named in the docs but not in pyproject.toml: {missing}; extras: {sorted(EXTRAS)}"


def test_doc_lines_install_evalmetrics_from_the_checkout():
    """evalmetrics is not on the package index: `pip install 'evalmetrics[x]'` does not resolve for a user."""
    by_name = [(line.where, line.text) for line in LINES for r in line.requirements
               if r.name == il.PROJECT and not r.local]
    assert not by_name, by_name


def test_extra_names_are_in_normal_form():
    """PEP 685 normal form (lowercase, '-'), which every pip matches: pip 23.2 drops `.[lm_eval]` against an extra
    declared as `lm_eval` (setuptools writes it as `lm-eval`), with only a warning. Extras requested of other
    packages are spelled normalized too (`math-verify[antlr4-11-0]`)."""
    for name, reqs in EXTRAS.items():
        assert name == il.normalize_name(name), name
        for req in reqs:
            for extra in re.findall(r"\[([^\]]*)\]", req):
                for e in extra.split(","):
                    assert e.strip() == il.normalize_name(e.strip()), (name, req)


def test_extras_named_in_messages_and_docstrings_exist():
    """Every `evalmetrics[x]` / `.[x]` a message or docstring of the package names is an extra of pyproject.toml;
    the integration errors point at the per-harness extras, not the removed `harness`."""
    named = []
    for path in sorted((ROOT / "evalmetrics").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"(?:evalmetrics|'\.)\[([^\]]+)\]", text):
            for e in m.group(1).split(","):
                if "{" not in e:  # an f-string placeholder: checked through _EXTRA below
                    named.append((path.relative_to(ROOT).as_posix(), e.strip()))
    assert named
    missing = [(p, e) for p, e in named if e not in EXTRAS]
    assert not missing, missing
    from evalmetrics import integrations
    assert set(integrations._EXTRA.values()) <= set(EXTRAS)


def test_integration_error_names_the_harness_extra(monkeypatch):
    import importlib

    from evalmetrics import integrations
    from evalmetrics.errors import InvalidConfig

    def missing(name, *a, **k):
        raise ImportError(f"No module named {name!r}")

    monkeypatch.setattr(importlib, "import_module", missing)
    for module, extra in (("lm_eval.api.registry", "lm-eval"), ("lighteval.metrics", "lighteval")):
        with pytest.raises(InvalidConfig) as info:
            integrations.require(module, "the test")
        assert f"pip install -e '.[{extra}]'" in str(info.value) and extra in EXTRAS


# ---- environments -------------------------------------------------------------------------------------------------

def test_environment_table_covers_every_extra_and_is_symmetric():
    """The docs say which extras need separate environments: one row per extra of pyproject.toml, and a pair kept
    apart is kept apart in both rows."""
    rows = il.environment_table()
    assert sorted(r.extra for r in rows) == sorted(EXTRAS)
    apart = il.conflicts(rows)
    for r in rows:
        assert set(r.apart_from) <= set(EXTRAS), (r.extra, r.apart_from)
        for other in r.apart_from:
            assert r.extra in next(o for o in rows if o.extra == other).apart_from, (r.extra, other)
    # lighteval 0.13.0 pins latex2sympy2_extended 1.0.6, math-verify 0.9.0 needs 1.11.0 (ResolutionImpossible):
    # the extras that pin math-verify 0.9.0 are kept apart from the one that installs lighteval
    pins_math_verify = {e for e, reqs in EXTRAS.items() if "math-verify" in _names(reqs)}
    with_lighteval = {e for e, reqs in EXTRAS.items() if "lighteval" in _names(reqs)}
    assert pins_math_verify and with_lighteval
    for a in pins_math_verify:
        for b in with_lighteval:
            assert frozenset((a, b)) in apart, (a, b)


def test_no_extra_holds_what_must_live_in_separate_environments():
    """`harness` put lighteval and lm-eval in one extra, and nothing made the pairs the table keeps apart impossible
    to request at once by one extra: each extra's own requirements never span two sides of a separated pair."""
    assert "harness" not in EXTRAS
    names = {e: _names(reqs) for e, reqs in EXTRAS.items()}
    for pair in il.conflicts(il.environment_table()):
        a, b = sorted(pair)
        only_a, only_b = names[a] - names[b], names[b] - names[a]
        for e, n in names.items():
            assert not (n & only_a and n & only_b), (e, a, b)


def test_test_extra_holds_every_extra_but_the_harnesses_as_the_table_says():
    row = next(line for line in (ROOT / il.ENV_DOC).read_text().splitlines() if line.startswith("| `test` |"))
    assert "what every other extra but `lm-eval` and `lighteval` installs" in row
    for name, reqs in EXTRAS.items():
        if name not in ("test", "lm-eval", "lighteval"):
            assert _names(reqs) <= _names(EXTRAS["test"]), name


def test_lm_eval_extra_brings_what_hflm_imports():
    """lm_eval's HFLM imports accelerate and transformers; `pip install lm-eval==0.4.13` brings neither."""
    assert {"lm-eval", "accelerate", "transformers"} <= _names(EXTRAS["lm-eval"])
    assert "lighteval" not in _names(EXTRAS["lm-eval"])


def test_compatible_groups_cover_every_pair_the_table_allows():
    extras = sorted(EXTRAS)
    apart = il.conflicts(il.environment_table())
    groups = il.compatible_groups(extras, apart)
    for g in groups:
        assert not any(frozenset((a, b)) in apart for a in g for b in g if a != b), g
    for a in extras:
        for b in extras:
            if a < b and frozenset((a, b)) not in apart:
                assert any(a in g and b in g for g in groups), (a, b)
    assert il.compatible_groups(["a", "b", "c"], {frozenset(("a", "b"))}) == [["a", "c"], ["b", "c"]]


def test_ci_dry_runs_doc_lines_extras_and_table_claims():
    planned = il.planned_installs()
    specs = {inst.args: inst.expect_ok for inst in planned}
    for name in EXTRAS:
        assert specs.get((f".[{name}]",)) is True, name  # each extra on its own must resolve
    assert specs.get((".[lighteval,test]",)) is False and specs.get((".[lighteval,mathverify]",)) is False
    for line in LINES:
        assert any(line.where in s for inst in planned for s in inst.sources), line.where
    ci = (ROOT / ".ci" / "run").read_text()
    assert "tools/install_lines.py --check" in ci


# ---- license --------------------------------------------------------------------------------------------------------

def _license_warnings(project_dir):
    setuptools = pytest.importorskip("setuptools")
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    cwd = os.getcwd()
    os.chdir(project_dir)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            apply_configuration(Distribution(), Path(project_dir) / "pyproject.toml")
    finally:
        os.chdir(cwd)
    return setuptools, [str(w.message) for w in caught if "license" in str(w.message).lower()]


def test_license_is_an_spdx_string_that_setuptools_does_not_warn_about(tmp_path):
    """`license = { text = ... }` made setuptools print a deprecation warning on every install."""
    data = _pyproject()
    assert data["project"]["license"] == "Apache-2.0"
    req = next(r for r in data["build-system"]["requires"] if r.startswith("setuptools"))
    floor = re.search(r">=\s*(\d+)", req)
    assert floor and int(floor.group(1)) >= 77, req  # the SPDX string form needs setuptools 77
    setuptools, found = _license_warnings(ROOT)
    if int(setuptools.__version__.split(".")[0]) < 77:
        pytest.skip(f"setuptools {setuptools.__version__} here predates the SPDX form")
    assert found == []
    # control: the same reading does see the table form's warning, so the empty list above means something
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "0"\nlicense = { text = "Apache-2.0" }\n')
    assert _license_warnings(tmp_path)[1]
