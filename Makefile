# Two entry points for a fresh machine with nothing but Python >= 3.10:
#   make demo   set up .venv and run the main job on the bundled sample
#   make test   set up .venv and run the whole test suite (unit, property, contract, doctests, docs freshness,
#               import layers: .importlinter)
# make conformance runs the differential suite against the real harness packages (own virtual environments).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.evalmetrics-installed

.PHONY: demo test conformance docs bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	# Pin torch first: a CPU build satisfies the project's range without pulling a multi-GB CUDA build.
	$(BIN)/python -m pip install -q "torch==2.13.0"
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/evalmetrics diff --name exact_match

test: $(STAMP)
	$(BIN)/python -m pytest -q
	$(BIN)/python tools/gendocs.py --check
	$(BIN)/lint-imports --no-cache

docs: $(STAMP)
	$(BIN)/python tools/gendocs.py

conformance: $(STAMP)
	bash tests/conformance/run.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_string_metrics.py

clean:
	rm -rf $(VENV) build *.egg-info
