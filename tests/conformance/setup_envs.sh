#!/usr/bin/env bash
# Create the virtual environments that hold the *reference* harnesses used by the
# conformance tests (tests/conformance/).  Nothing here is needed to use evalmetrics;
# it is only needed to compare evalmetrics against the real harness code.
#
#   ${EVALMETRICS_CONFORMANCE_DIR:-$HOME/.cache/evalmetrics-conformance}/
#       harness/      lm-eval 0.4.13, lighteval 0.13.0, evaluate 0.4.6, crfm-helm 0.5.16 (--no-deps)
#       mathverify/   math-verify 0.9.0 (cannot live beside lighteval 0.13.0, see below)
#       unitxt/       unitxt 1.26.10 (its catalog metrics and processors)
#       logs/         one pip log and one `pip freeze` per environment
#       vendor/       transformers 4.57.6's data/metrics/squad_metrics.py (official SQuAD v2 functions)
#
# Usage:  bash tests/conformance/setup_envs.sh [harness|mathverify|unitxt ...]
#         (no argument = all three).  EVALMETRICS_PYTHON overrides the interpreter (must be 3.11).
#         EVALMETRICS_CONFORMANCE_FORCE=1 rebuilds even if the marker matches.
#
# An environment is reused when its marker file (.evalmetrics-setup-done) holds the
# fingerprint of exactly the pinned requirement set below (plus the interpreter
# version); otherwise it is deleted and recreated.  If <repo root>/pyproject.toml
# exists, the project itself is installed into each environment with
# `pip install --no-deps -e <repo root>` on every run (cheap, and the file may appear
# after the environments were first built).
#
# Pins and why (see shared/reference/environments.md):
#   * torch==2.13.0 first: a CPU wheel lies in /opt/wheels.  Every later step runs with a
#     constraints file pinning torch==2.13.0, so no resolver step can swap in a CUDA build.
#   * lighteval 0.13.0 pins latex2sympy2_extended==1.0.6, which drags math-verify down to
#     0.5.2; math-verify 0.9.0 therefore gets its own environment.
#   * crfm-helm 0.5.16's full dependency set pulls CUDA torch 2.14.1 + nvidia wheels,
#     torchvision, spacy and downgrades datasets/pandas; it is installed --no-deps plus
#     only what its metric code imports (pyhocon dacite cattrs retrying Mako).
#     `pip check` complains about the rest of HELM's requirements; that is expected.
#   * Resolution record: all pins below resolved as written with pip 23.2.1 / Python 3.11.7
#     (PyPI + the machine's local wheel indexes); no substitute versions were needed.
#     First build: harness 348 s (the resolver backtracks through ~15 inspect-ai releases
#     and a few huggingface_hub releases before settling), mathverify 43 s; a reuse run
#     takes ~30 s (import checks + editable install).  Unpinned transitive versions seen:
#     transformers 5.24.0, datasets 5.1.0, numpy 2.4.6, nltk 3.9.1, scipy 1.17.1,
#     latex2sympy2_extended 1.0.6 (harness) / 1.11.0 (mathverify), sympy 1.14.0.
#     logs/<env>-freeze.txt records the exact set of each build.
#   * spacy, stanza, jieba, pyvi: lighteval's multilingual normalizer refuses to run unless all four import
#     (its multilingual quasi exact match / F1 conformance tests need them).
#   * transformers 5.x dropped transformers.data.metrics.squad_metrics (the official SQuAD v2
#     functions; lm-eval's coqa/xquad tasks import it), hence the vendor/ file below.
set -euo pipefail

BASE="${EVALMETRICS_CONFORMANCE_DIR:-$HOME/.cache/evalmetrics-conformance}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PYTHON="${EVALMETRICS_PYTHON:-python3}"
LOG_DIR="$BASE/logs"
MARKER_NAME=".evalmetrics-setup-done"

TORCH_PIN="torch==2.13.0"

# Each environment is a list of pip-install steps, run in order; one step per line.
# Words are split on whitespace (no pin contains spaces or glob characters).
HARNESS_STEPS=(
  "$TORCH_PIN"
  "lm-eval==0.4.13 lighteval==0.13.0 evaluate==0.4.6 hypothesis pytest nltk scipy scikit-learn"
  "--no-deps crfm-helm==0.5.16"
  "pyhocon~=0.3.59 dacite~=1.6 cattrs~=22.2 retrying~=1.3 Mako~=1.2"
  "spacy==3.8.18 stanza==1.15.0 jieba==0.42.1 pyvi==0.1.1"
  # what task modules import: ifeval (langdetect, immutabledict), longbench (fuzzywuzzy without python-Levenshtein,
  # so its difflib path, and rouge)
  "langdetect==1.0.9 immutabledict==4.2.1 fuzzywuzzy==0.18.0 rouge==1.0.1"
)
# Imports that must work in the finished environment (checked, fatal on failure).
HARNESS_IMPORTS="lm_eval.api.metrics lm_eval.filters.extraction lighteval.metrics.metrics_sample lighteval.metrics.normalizations helm.benchmark.metrics.evaluate_reference_metrics evaluate hypothesis pytest"

# regex: evalmetrics' own dependency, needed once the project is installed (--no-deps) to import it there.
# antlr4-python3-runtime 4.11 (math-verify's antlr4_11_0 extra): the runtime lm-eval's `[math]` extra pins, because
# lm_eval's minerva_math utils assert it and sympy's own parse_latex is generated for it. lm-eval itself goes in
# --no-deps: the minerva conformance tests load only lm_eval/tasks/minerva_math/utils.py from it, by file path.
MATHVERIFY_STEPS=(
  "$TORCH_PIN"
  "math-verify[antlr4_11_0]==0.9.0 antlr4-python3-runtime==4.11.0 hypothesis pytest regex numpy"
  "--no-deps lm-eval==0.4.13"
)
MATHVERIFY_IMPORTS="math_verify latex2sympy2_extended antlr4 hypothesis pytest regex numpy"

# unitxt 1.26.10 (its catalog metrics and processors, tests/conformance/test_unitxt.py): its own environment, as its
# datasets / evaluate pins are not lighteval's. torch only so that the environment check below holds (unitxt's text
# metrics do not import it).
UNITXT_STEPS=(
  "$TORCH_PIN"
  "unitxt==1.26.10 hypothesis pytest numpy regex sympy"
  "scikit-learn==1.9.1 rouge-score==0.1.2 nltk==3.10.4 editdistance==0.8.1"
)
UNITXT_IMPORTS="unitxt unitxt.metrics sklearn rouge_score nltk editdistance hypothesis pytest"

log() { printf '[setup_envs] %s\n' "$*"; }
die() { printf '[setup_envs] ERROR: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || die "interpreter '$PYTHON' not found"
PYVER="$("$PYTHON" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')"
case "$PYVER" in
  3.11.*) ;;
  *) die "need Python 3.11 (the torch 2.13.0 CPU wheel is cp311); '$PYTHON' is $PYVER" ;;
esac

mkdir -p "$BASE" "$LOG_DIR"

# One setup at a time per base directory.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$BASE/.setup.lock"
  flock 9
fi

CONSTRAINTS="$BASE/constraints.txt"
printf '%s\n' "$TORCH_PIN" >"$CONSTRAINTS"

fingerprint() {  # $1 = env name, rest = steps
  local name="$1"; shift
  { echo "env=$name"; echo "python=$PYVER"; printf 'step=%s\n' "$@"; } | sha256sum | cut -d' ' -f1
}

SUMMARY=()

setup_env() {  # $1 = env name, $2 = imports, rest = steps
  local name="$1" imports="$2"; shift 2
  local steps=("$@")
  local venv="$BASE/$name"
  local log_file="$LOG_DIR/$name-install.log"
  local marker="$venv/$MARKER_NAME"
  local fp; fp="$(fingerprint "$name" "${steps[@]}")"
  local t0; t0="$(date +%s)"
  local status

  if [[ "${EVALMETRICS_CONFORMANCE_FORCE:-0}" != "1" && -f "$marker" && -x "$venv/bin/python" ]] \
     && [[ "$(cat "$marker")" == "$fp" ]]; then
    status="reused"
    log "$name: marker matches, reusing $venv"
    : >>"$log_file"
  else
    status="created"
    if [[ -e "$venv" ]]; then
      log "$name: marker missing or stale, removing $venv"
      rm -rf "$venv"
    fi
    log "$name: creating $venv (log: $log_file)"
    {
      echo "# $(date -u +%FT%TZ) setup of $name with $PYTHON ($PYVER)"
      echo "# fingerprint $fp"
    } >"$log_file"
    "$PYTHON" -m venv "$venv" >>"$log_file" 2>&1
    local step i=0
    for step in "${steps[@]}"; do
      i=$((i + 1))
      log "$name: step $i/${#steps[@]}: pip install $step"
      echo "### step $i: pip install -c $CONSTRAINTS $step" >>"$log_file"
      # shellcheck disable=SC2086  # word splitting of the step is intended
      if ! "$venv/bin/python" -m pip install --no-input -c "$CONSTRAINTS" $step >>"$log_file" 2>&1; then
        tail -n 30 "$log_file" >&2
        die "$name: step $i failed (full log: $log_file)"
      fi
    done
    echo "### pip check (HELM's missing optional deps are expected in 'harness')" >>"$log_file"
    "$venv/bin/python" -m pip check >>"$log_file" 2>&1 || true
  fi

  # Sanity: torch must still be the CPU 2.13.0 wheel, and the imports must work.
  echo "### verification" >>"$log_file"
  local torch_ver
  torch_ver="$("$venv/bin/python" -c 'import torch; print(torch.__version__, torch.version.cuda)' 2>>"$log_file")" \
    || die "$name: torch does not import (log: $log_file)"
  [[ "$torch_ver" == 2.13.0* ]] || die "$name: torch is $torch_ver, expected 2.13.0 (log: $log_file)"
  [[ "$torch_ver" == *" None" ]] || die "$name: torch is a CUDA build ($torch_ver); the CPU wheel must come first"
  # shellcheck disable=SC2086
  HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    "$venv/bin/python" - $imports >>"$log_file" 2>&1 <<'PY' || die "$name: import check failed (log: $LOG_DIR/$name-install.log)"
import importlib, sys
for mod in sys.argv[1:]:
    importlib.import_module(mod)
    print("import ok:", mod)
PY

  if [[ "$status" == "created" ]]; then
    "$venv/bin/python" -m pip freeze --all >"$LOG_DIR/$name-freeze.txt" 2>>"$log_file" || true
    printf '%s\n' "$fp" >"$marker"
  fi

  # The project itself, only once the core package declares itself installable.
  local project="not installed (no pyproject.toml)"
  if [[ -f "$REPO_ROOT/pyproject.toml" ]]; then
    echo "### pip install --no-deps -e $REPO_ROOT" >>"$log_file"
    if "$venv/bin/python" -m pip install --no-input --no-deps -e "$REPO_ROOT" >>"$log_file" 2>&1; then
      project="editable install of $REPO_ROOT"
    else
      project="editable install FAILED (see log)"
      log "$name: WARNING: editable install of $REPO_ROOT failed; see $log_file"
    fi
  fi

  local versions
  versions="$("$venv/bin/python" - <<'PY'
from importlib import metadata
names = ["torch", "lm-eval", "lighteval", "evaluate", "crfm-helm", "math-verify",
         "latex2sympy2_extended", "transformers", "datasets", "numpy", "sympy", "nltk"]
out = []
for n in names:
    try:
        out.append(f"{n}={metadata.version(n)}")
    except metadata.PackageNotFoundError:
        pass
print(" ".join(out))
PY
)"
  local dt=$(( $(date +%s) - t0 ))
  SUMMARY+=("$name: $status in ${dt}s; python=$venv/bin/python; $versions; project: $project; log: $log_file")
}

# The official SQuAD v2 scoring functions (compute_exact / compute_f1, as used by lm-eval's
# coqa/xquad tasks) lived in transformers.data.metrics.squad_metrics, which transformers 5.x
# (what lm-eval 0.4.13 resolves to) no longer ships.  Keep the unmodified file from the last
# 4.x wheel beside the environments; tests/conformance/oracles.py loads it from there.
SQUAD_TRANSFORMERS_PIN="transformers==4.57.6"
SQUAD_FILE="$BASE/vendor/transformers-4.57.6-squad_metrics.py"
fetch_squad_metrics() {
  if [[ -s "$SQUAD_FILE" ]]; then
    SUMMARY+=("vendor: reused $SQUAD_FILE")
    return
  fi
  local tmp; tmp="$(mktemp -d)"
  log "vendor: fetching $SQUAD_TRANSFORMERS_PIN (--no-deps) for data/metrics/squad_metrics.py"
  "$PYTHON" -m pip download --no-input --no-deps -d "$tmp" "$SQUAD_TRANSFORMERS_PIN" \
    >>"$LOG_DIR/vendor.log" 2>&1 || die "vendor: pip download $SQUAD_TRANSFORMERS_PIN failed (log: $LOG_DIR/vendor.log)"
  mkdir -p "$BASE/vendor"
  "$PYTHON" - "$tmp"/transformers-*.whl "$SQUAD_FILE.tmp" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    data = z.read("transformers/data/metrics/squad_metrics.py")
open(sys.argv[2], "wb").write(data)
PY
  mv "$SQUAD_FILE.tmp" "$SQUAD_FILE"
  rm -rf "$tmp"
  SUMMARY+=("vendor: fetched $SQUAD_FILE")
}

# nltk's Punkt English model (punkt_tab), which lm_eval's and lighteval's IFEval load (they download it at import;
# the machines here reach only the package index). The wheel of llama-index-core 0.14.25 ships nltk's own
# tokenizers/punkt_tab; its English folder goes to $BASE/nltk_data (tests/conformance/test_ifeval.py adds that
# path to nltk's). Without it that test uses a stand-in model on both sides and its record says so.
PUNKT_PIN="llama-index-core==0.14.25"
PUNKT_DIR="$BASE/nltk_data/tokenizers/punkt_tab"
fetch_punkt_tab() {
  if [[ -s "$PUNKT_DIR/english/sent_starters.txt" ]]; then
    SUMMARY+=("vendor: reused $PUNKT_DIR/english")
    return
  fi
  local tmp; tmp="$(mktemp -d)"
  log "vendor: fetching $PUNKT_PIN (--no-deps) for nltk's punkt_tab/english"
  if ! "$PYTHON" -m pip download --no-input --no-deps -d "$tmp" "$PUNKT_PIN" >>"$LOG_DIR/vendor.log" 2>&1; then
    log "vendor: WARNING: pip download $PUNKT_PIN failed; test_ifeval.py will use a stand-in Punkt model"
    rm -rf "$tmp"
    return
  fi
  "$PYTHON" - "$tmp"/llama_index_core-*.whl "$PUNKT_DIR" <<'PY'
import os, sys, zipfile
prefix = "llama_index/core/_static/nltk_cache/tokenizers/punkt_tab/"
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        rest = name[len(prefix):]
        if name.startswith(prefix) and (rest.startswith("english/") or rest == "README") and not name.endswith("/"):
            dest = os.path.join(sys.argv[2], rest)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            open(dest, "wb").write(z.read(name))
PY
  rm -rf "$tmp"
  SUMMARY+=("vendor: fetched $PUNKT_DIR/english from $PUNKT_PIN")
}

targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(harness mathverify unitxt)

for t in "${targets[@]}"; do
  case "$t" in
    harness)    setup_env harness "$HARNESS_IMPORTS" "${HARNESS_STEPS[@]}"; fetch_squad_metrics; fetch_punkt_tab ;;
    mathverify) setup_env mathverify "$MATHVERIFY_IMPORTS" "${MATHVERIFY_STEPS[@]}" ;;
    unitxt)     setup_env unitxt "$UNITXT_IMPORTS" "${UNITXT_STEPS[@]}"; fetch_punkt_tab ;;
    *) die "unknown environment '$t' (expected harness, mathverify or unitxt)" ;;
  esac
done

log "summary (base: $BASE)"
for line in "${SUMMARY[@]}"; do
  printf '  %s\n' "$line"
done
