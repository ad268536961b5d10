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
