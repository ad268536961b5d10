#!/usr/bin/env bash
# The conformance suite: evalmetrics against the real harness packages, in their own environments.
#   bash tests/conformance/run.sh            # set up (or reuse) the environments, then run every check
# Three runs, side by side: tests/conformance (but mathverify/) with the 'harness' environment,
# tests/conformance/mathverify with the 'mathverify' environment (math-verify 0.9.0, lm-eval's minerva_math code) and
# tests/conformance/test_unitxt.py with the 'unitxt' environment (unitxt 1.26.10; in the harness run that file skips
# itself); the exit status is the first failing run's (harness, then mathverify, then unitxt).
# Extra arguments go to the harness run only.
# Env: EVALMETRICS_CONFORMANCE_EXAMPLES (inputs per alias, default 5000), EVALMETRICS_CONFORMANCE_DIR,
#      EVALMETRICS_CONFORMANCE_MATHVERIFY=0 skips the mathverify run, EVALMETRICS_CONFORMANCE_UNITXT=0 the unitxt run.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${EVALMETRICS_CONFORMANCE_DIR:-$HOME/.cache/evalmetrics-conformance}"
RUN_MV="${EVALMETRICS_CONFORMANCE_MATHVERIFY:-1}"
RUN_UNITXT="${EVALMETRICS_CONFORMANCE_UNITXT:-1}"
envs=(harness)
[[ "$RUN_MV" == "1" ]] && envs+=(mathverify)
[[ "$RUN_UNITXT" == "1" ]] && envs+=(unitxt)
bash "$REPO_ROOT/tests/conformance/setup_envs.sh" "${envs[@]}"
cd "$REPO_ROOT"
export PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
status=0
# The runs beside the harness run (independent, single-process suites), in the order their output is printed and
# their status counts: beside TITLE ENV ARGS... starts pytest ARGS with the environment ENV's python, its output kept
# for after the harness run's; finish_beside waits for each, prints its output under TITLE, and takes its status if
# every run before it passed.
beside_pids=() beside_logs=() beside_titles=()
beside() {
  local log
  log="$(mktemp)"
  "$BASE/$2/bin/python" -m pytest -q -o addopts="-p no:cacheprovider" -p no:randomly "${@:3}" >"$log" 2>&1 &
  beside_pids+=("$!") beside_logs+=("$log") beside_titles+=("$1")
}
finish_beside() {
  local i run_status
  for i in "${!beside_pids[@]}"; do
    run_status=0
    wait "${beside_pids[$i]}" || run_status=$?
    echo "=== ${beside_titles[$i]} ==="
    cat "${beside_logs[$i]}"
    rm -f "${beside_logs[$i]}"
    [[ $status -ne 0 ]] || status=$run_status
  done
}
if [[ "$RUN_MV" == "1" ]]; then
  # math-verify's regression tables, the known-disagreement parity tests and the math-verify / minerva_math aliases
  # (downloads math-verify's sdist once).
  beside "tests/conformance/mathverify (math-verify environment)" mathverify tests/conformance/mathverify
fi
if [[ "$RUN_UNITXT" == "1" ]]; then
  # unitxt's catalog metrics and processors; its own record file, so that it does not overwrite the harness run's.
  ux_out="${EVALMETRICS_CONFORMANCE_OUT:-tests/conformance/last_run.json}"
  EVALMETRICS_CONFORMANCE_OUT="${ux_out%.json}.unitxt.json" \
    beside "tests/conformance/test_unitxt.py (unitxt environment)" unitxt tests/conformance/test_unitxt.py
fi
"$BASE/harness/bin/python" -m pytest -q -o addopts="-p no:cacheprovider" -p no:randomly \
  --ignore=tests/conformance/mathverify tests/conformance "$@" || status=$?
finish_beside
exit "$status"
