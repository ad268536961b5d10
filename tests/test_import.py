"""`import evalmetrics` stays light: no torch, sympy, transformers or harness packages until a unit needs them."""
import subprocess
import sys
import time


def test_import_is_light_and_fast():
    code = (
        "import sys, time; t = time.perf_counter(); import evalmetrics; dt = time.perf_counter() - t; "
        "heavy = [m for m in ('torch', 'sympy', 'transformers', 'lm_eval', 'lighteval', 'datasets', 'pyarrow') "
        "if m in sys.modules]; print(dt); print(','.join(heavy))"
    )
    best = None
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
        best = min(best or 9e9, float(out[0]))
        assert out[1] == "", f"heavy modules imported eagerly: {out[1]}"
    assert best < 0.5, f"import evalmetrics took {best:.3f}s"
