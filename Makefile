# digitize — run `make help` for the targets.
VENV ?= .venv
PY := $(VENV)/bin/python
DEMO_HOME ?= $(CURDIR)/.demo-home
PYTEST_ARGS ?=
BENCH_ARGS ?=
JOBS ?= 2

.PHONY: help setup apt venv test test-fast lint demo bench bench-accuracy samples clean

help:  ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

setup: apt venv  ## Install the Debian packages and the virtualenv (only what is missing)

apt:
	@./scripts/setup-apt.sh

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@touch $@

test: setup  ## Run the whole test suite (real tesseract, real servers)
	$(PY) -m pytest -n $(JOBS) -q $(PYTEST_ARGS)

test-fast: setup  ## The fast tier: no real tesseract, no servers (a fake OCR engine); under 30 s
	$(PY) -m pytest -n $(JOBS) -q -m "not slow" $(PYTEST_ARGS)

lint: setup  ## ruff and mypy
	$(VENV)/bin/ruff check digitize tests samples
	$(VENV)/bin/mypy digitize samples

demo: setup  ## Ingest the demo scans into an embedded archive, then search and show
	./scripts/demo.sh "$(DEMO_HOME)"

samples: setup  ## Regenerate samples/demo
	$(PY) -m samples.synth --profile demo --out samples/demo

bench: setup  ## Speed vs OCRmyPDF and raw tesseract (BENCHMARKS.md); BENCH_ARGS="--quick" or "--long"
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) bench/run.py $(BENCH_ARGS)

bench-accuracy: setup  ## Field accuracy and CER on generated and real samples
	$(PY) bench/accuracy.py

clean:  ## Remove the demo archive and caches
	rm -rf $(DEMO_HOME) .pytest_cache .ruff_cache .mypy_cache
