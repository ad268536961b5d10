#!/usr/bin/env bash
# The prepared GPU check for a session lent a device (python3 with torch and transformers, no network):
#   1. the scorer tests, whose CUDA cases run only where a GPU is present (tests/test_scoring.py);
#   2. benchmarks/bench_logprob.py on the GPU: ours, batch-invariant and bare-forward engines (HFLM too when
#      lm_eval is importable there), 64 questions per workload, fastest of 3 repeats.
# Output goes to ${OUT:-/tmp/evalmetrics-device}: tests.log, bench_gpu.log, bench_gpu.json. About 5 minutes on an
# H200 (model building dominates). From the repository root:  bash benchmarks/device_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/evalmetrics-device}
mkdir -p "$OUT"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$OUT/gpu.txt"
python3 -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)' \
  | tee -a "$OUT/gpu.txt"
python3 -m pytest -q -p no:cacheprovider -o addopts="" tests/test_scoring.py 2>&1 | tee "$OUT/tests.log"
tests_rc=${PIPESTATUS[0]}
engines="ours invariant bare"
python3 -c 'import lm_eval' 2>/dev/null && engines="$engines hflm"
# shellcheck disable=SC2086
python3 benchmarks/bench_logprob.py --device cuda --engines $engines --repeats 3 --out "$OUT/bench_gpu.json" \
  2>&1 | tee "$OUT/bench_gpu.log"
bench_rc=${PIPESTATUS[0]}
echo "tests rc=$tests_rc bench rc=$bench_rc"
exit $(( tests_rc || bench_rc ))
