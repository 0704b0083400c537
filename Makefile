# Belegfluss: the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup run demo test test-python test-nodes test-e2e bench stop clean

setup: $(VENV)/.installed

$(VENV)/.installed: python_service/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e 'python_service[test]'
	touch $@

## The main job on the embedded defaults (SQLite): sidecar + sample day through map and validate.
run: demo

demo: setup
	$(BIN)/belegfluss demo

## Every test: Python (SQLite and PostgreSQL), the node pack, the end-to-end runs in a real n8n.
test: setup test-python test-nodes

test-python: setup
	bash scripts/ensure_postgres.sh
	$(BIN)/python -m pytest tests --ignore=tests/benchmarks --ignore=tests/e2e

NODE24 = export PATH="$$(bash scripts/ensure_node24.sh):$$PATH"

## The node pack: dependencies from its lockfile, strict lint, unit tests, build.
test-nodes:
	$(NODE24) && cd n8n_nodes && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
		&& npm run lint && npm test && npm run build

bench: setup
	$(BIN)/python -m tests.benchmarks

clean:
	rm -rf $(VENV) .run
