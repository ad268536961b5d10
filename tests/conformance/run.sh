#!/usr/bin/env bash
# The conformance suite: evalmetrics against the real harness packages, in their own environments.
#   bash tests/conformance/run.sh            # set up (or reuse) the environments, then run every check
# Two runs: tests/conformance (but mathverify/) with the 'harness' environment, then tests/conformance/mathverify
# with the 'mathverify' environment (math-verify 0.9.0); the exit status is the first failure's.
# Extra arguments go to the harness run only.
# Env: EVALMETRICS_CONFORMANCE_EXAMPLES (inputs per alias, default 5000), EVALMETRICS_CONFORMANCE_DIR,
#      EVALMETRICS_CONFORMANCE_MATHVERIFY=0 skips the mathverify run.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${EVALMETRICS_CONFORMANCE_DIR:-$HOME/.cache/evalmetrics-conformance}"
RUN_MV="${EVALMETRICS_CONFORMANCE_MATHVERIFY:-1}"
if [[ "$RUN_MV" == "1" ]]; then
  bash "$REPO_ROOT/tests/conformance/setup_envs.sh" harness mathverify
else
  bash "$REPO_ROOT/tests/conformance/setup_envs.sh" harness
fi
cd "$REPO_ROOT"
export PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
status=0
"$BASE/harness/bin/python" -m pytest -q -o addopts="-p no:cacheprovider" -p no:randomly \
  --ignore=tests/conformance/mathverify tests/conformance "$@" || status=$?
if [[ "$RUN_MV" == "1" ]]; then
  # math-verify's regression tables and the known-disagreement parity tests (downloads the sdist once).
  "$BASE/mathverify/bin/python" -m pytest -q -o addopts="-p no:cacheprovider" -p no:randomly \
    tests/conformance/mathverify || { rc=$?; [[ $status -ne 0 ]] || status=$rc; }
fi
exit "$status"
