"""`import evalmetrics` stays light: no torch, sympy, transformers or harness packages until a unit needs them.

(How long the import takes is measured in benchmarks/bench_import.py, not asserted here: timings under a loaded
machine are not a property of the code.)
"""
import subprocess
import sys


def test_import_loads_no_heavy_module():
    code = (
        "import sys; import evalmetrics; "
        "heavy = [m for m in ('torch', 'sympy', 'transformers', 'lm_eval', 'lighteval', 'datasets', 'pyarrow', "
        "'scipy', 'pandas') if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"heavy modules imported eagerly: {out}"


def test_scorer_is_lazy():
    code = "import sys, evalmetrics as em; em.get('helm:exact_match'); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
