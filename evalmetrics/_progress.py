"""A dependency-free progress bar on stderr for long loops (shown only when stderr is a terminal or forced)."""
from __future__ import annotations

import os
import sys
import time


def progress_range(n: int, desc: str = "", every: float = 0.5, force: bool | None = None):
    show = force if force is not None else (sys.stderr.isatty() or os.environ.get("EVALMETRICS_PROGRESS") == "1")
    if not show:
        yield from range(n)
        return
    start = last = time.monotonic()
    for i in range(n):
        yield i
        now = time.monotonic()
        if now - last >= every or i == n - 1:
            last = now
            rate = (i + 1) / max(now - start, 1e-9)
            eta = (n - i - 1) / rate if rate > 0 else 0
            sys.stderr.write(f"\r{desc}: {i + 1}/{n} ({100 * (i + 1) / n:.1f}%) {rate:,.0f}/s eta {eta:.0f}s")
            sys.stderr.flush()
    sys.stderr.write("\n")
