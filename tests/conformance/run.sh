#!/usr/bin/env bash
# The conformance suite: evalmetrics against the real harness packages, in their own environments.
#   bash tests/conformance/run.sh            # set up (or reuse) the environments, then run every check
# Env: EVALMETRICS_CONFORMANCE_EXAMPLES (inputs per alias, default 5000), EVALMETRICS_CONFORMANCE_DIR.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BASE="${EVALMETRICS_CONFORMANCE_DIR:-$HOME/.cache/evalmetrics-conformance}"
bash "$REPO_ROOT/tests/conformance/setup_envs.sh" harness
cd "$REPO_ROOT"
export PYTHONPATH="$REPO_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONHASHSEED=0
"$BASE/harness/bin/python" -m pytest -q -o addopts="-p no:cacheprovider" -p no:randomly \
  tests/conformance "$@"
