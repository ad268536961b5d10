#!/usr/bin/env bash
# Re-make the HELM run folders under tests/data/helm_runs/ with HELM's own helm-run (crfm-helm 0.5.16), offline.
# HELM: a venv with `pip install --no-deps crfm-helm==0.5.16` plus what helm-run imports (see README.md);
# HELM_BIN points at its bin/ (default ~/.cache/evalmetrics-conformance/helm/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${HELM_BIN:-$HOME/.cache/evalmetrics-conformance/helm/bin}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run() {  # run <folder name> <max eval instances> <run entry>
  (cd "$work" && "$bin/helm-run" --plugins "$here/helm_plugin.py" --disable-cache --suite evalmetrics \
     -o "$work/$1" -m "$2" -r "$3" >"$work/$1.log" 2>&1)
  local src
  src="$(dirname "$(ls "$work/$1"/runs/evalmetrics/*/run_spec.json)")"
  rm -rf "${here:?}/$1" && mkdir -p "$here/$1"
  cp "$src"/{run_spec.json,scenario.json,scenario_state.json,stats.json,per_instance_stats.json} "$here/$1/"
}
run base 4 "simple1_em:model=simple/model1"
run base_again 4 "simple1_em:model=simple/model1"
run fewshot0 4 "simple1_em:model=simple/model1,max_train_instances=0"
run qa_prompt 4 "simple1_em:model=simple/model1,prompt=qa"
run more_docs 5 "simple1_em:model=simple/model1"
run trials2 4 "simple1_em:model=simple/model1,num_train_trials=2"
run mcqa 4 "simple_mcqa:model=simple/model1"
run mcqa_separate 4 "simple_mcqa_separate:model=simple/model1"
