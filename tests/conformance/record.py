"""Copy conformance runs' per-alias counts into the package's verification record.

    python tests/conformance/record.py [--merge] [RUN.json ...]   (default: tests/conformance/last_run.json)

--merge keeps the aliases already recorded that the given runs do not cover (a run of a few new aliases), and an
alias's recorded count where it is larger than the partial run's.

Several files (e.g. the suite split over processes) are merged; an alias in several keeps the largest count.

Writes evalmetrics/presets/verified.json (read by docs/rosetta.md and explain). Refuses a run with any mismatch.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = sys.argv[1:]
MERGE = "--merge" in ARGS
ARGS = [a for a in ARGS if a != "--merge"]
SRCS = ARGS or [os.path.join(HERE, "last_run.json")]
DST = os.path.join(HERE, "..", "..", "evalmetrics", "presets", "verified.json")

run: dict = {}
for src in SRCS:
    for k, v in json.load(open(src, encoding="utf-8")).items():
        if k not in run or v["n"] > run[k]["n"] or v["mismatches"]:
            run[k] = v
bad = {k: v["mismatches"] for k, v in run.items() if v["mismatches"]}
if bad:
    sys.exit(f"refusing to record a run with mismatches: {bad}")
sys.path.insert(0, os.path.join(HERE, "..", ".."))
from evalmetrics.registry import aliases  # noqa: E402

table = aliases()
unknown = sorted(k for k in run if k not in table)
if unknown:
    sys.exit(f"not aliases: {unknown}")
# versioned keys (an unversioned key resolves to one versioned alias)
out = {}
if MERGE and os.path.exists(DST):
    out.update(json.load(open(DST, encoding="utf-8")))
for k, v in sorted(run.items()):
    key = table[k].key
    if MERGE and key in out and out[key]["n"] > v["n"]:
        continue  # a partial run re-checked fewer inputs than the recorded run of the whole suite
    out[key] = {"n": v["n"], "mismatches": 0, "package": v["package"]}
with open(DST, "w", encoding="utf-8") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"recorded {len(out)} aliases, {sum(v['n'] for v in out.values())} inputs -> {os.path.normpath(DST)}")
