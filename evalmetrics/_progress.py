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


def progress_iter(iterable, total: int | None = None, desc: str = "", every: float = 0.5,
                  force: bool | None = None, after: int = 5000):
    """Yield from ``iterable`` with a bar on stderr (a running count when ``total`` is unknown).

    ``force=None``: shown on a terminal (or EVALMETRICS_PROGRESS=1) once ``after`` items have passed, so short runs
    print nothing; ``True``: always; ``False``: never.
    """
    if force is False:
        yield from iterable
        return
    allowed = force or sys.stderr.isatty() or os.environ.get("EVALMETRICS_PROGRESS") == "1"
    start = last = time.monotonic()
    shown = False
    i = 0
    for i, x in enumerate(iterable, 1):
        yield x
        if not allowed or (not force and i < after):
            continue
        now = time.monotonic()
        if now - last >= every or not shown:
            last, shown = now, True
            rate = i / max(now - start, 1e-9)
            if total:
                eta = max(total - i, 0) / rate if rate > 0 else 0
                sys.stderr.write(f"\r{desc}: {i:,}/{total:,} ({100 * i / total:.1f}%) {rate:,.0f}/s eta {eta:.0f}s ")
            else:
                sys.stderr.write(f"\r{desc}: {i:,} {rate:,.0f}/s ")
            sys.stderr.flush()
    if shown:
        sys.stderr.write(f"\r{desc}: {i:,} done in {time.monotonic() - start:.1f}s" + " " * 20 + "\n")
        sys.stderr.flush()
