# Belegfluss: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup run stop demo test test-python test-nodes test-e2e bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: python_service/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e 'python_service[test]'
	touch $@

## The main job on the embedded defaults (SQLite for the sidecar and n8n): Node 24 and n8n, the
## node pack built and loaded, the templates imported and published, the sidecar and the HubSpot
## stand-in started, and the shipped sample day replayed through the POS webhook.
run: setup
	$(BIN)/python scripts/n8n_stack.py up --replay python_service/belegfluss/demo/sample_day

## Stops what `make run` started.
stop:
	$(BIN)/python scripts/n8n_stack.py down

## The sidecar alone: the sample day through map and validate over HTTP, no n8n.
demo: setup
	$(BIN)/belegfluss demo

## Every test: Python (SQLite and PostgreSQL), the node pack, the end-to-end runs in a real n8n.
test: setup test-python test-nodes test-e2e

test-python: setup
	bash scripts/ensure_postgres.sh
	$(BIN)/python -m pytest -n 2 tests --ignore=tests/benchmarks --ignore=tests/e2e --ignore=tests/standins

NODE24 = export PATH="$$(bash scripts/ensure_node24.sh):$$PATH"

## The node pack: dependencies from its lockfile, strict lint, unit tests, build.
test-nodes:
	$(NODE24) && cd n8n_nodes && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
		&& npm run lint && npm test && npm run build

## The shipped templates in a real n8n 2.40.7 (Node 24), against a real sidecar and the HubSpot stand-in.
test-e2e: setup
	$(BIN)/python -m pytest tests/e2e tests/standins

## Benchmarks (not tests): each prints its comparison measured in the same run.
bench: setup
	$(BIN)/python -m tests.benchmarks.bench_map_validate
	$(BIN)/python -m tests.benchmarks.bench_datev_export
	$(BIN)/python tests/benchmarks/bench_n8n_template.py
	$(BIN)/python tests/benchmarks/bench_load_queue_mode.py

clean:
	rm -rf $(VENV) .run
