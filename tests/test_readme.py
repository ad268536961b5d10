"""The README's example runs and prints what its comments say."""
import contextlib
import io
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_example_runs_and_matches_its_comments():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, "README.md", "exec"), {})
    lines = buf.getvalue().splitlines()
    assert lines[0].startswith("exact_match(mode=prediction_starts_with_reference, normalize=[strip_punct(")
    assert lines[1] == "1.0"
    assert lines[2] == "0.0 1.0"
    assert lines[3] == "0.5 0.5 2"
    assert "quasi_em" in lines[4]
