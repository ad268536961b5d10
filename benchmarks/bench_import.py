"""How long `import evalmetrics` takes in a fresh interpreter (best and median of N runs), beside `import numpy`
(its one eager dependency) for scale.

    python benchmarks/bench_import.py [--runs 15]
"""
import argparse
import statistics
import subprocess
import sys


def timed(stmt: str) -> float:
    code = f"import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=15)
    args = p.parse_args()
    for stmt in ("import numpy", "import evalmetrics"):
        ts = [timed(stmt) for _ in range(args.runs)]
        print(f"{stmt:<20} best {min(ts) * 1000:7.1f} ms   median {statistics.median(ts) * 1000:7.1f} ms   ({args.runs} runs)")


if __name__ == "__main__":
    main()
