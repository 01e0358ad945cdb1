# casejourney: two commands matter, `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HASH := $(shell cat pyproject.toml | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-dev-$(HASH)
RUNTIME_STAMP := $(VENV)/.installed-runtime-$(HASH)

.PHONY: venv runtime demo test test-unit lint clean

# The tests' tools (pytest, Playwright, mypy...) on top of what the product runs on.
venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP) $(RUNTIME_STAMP)

# What `make demo` needs: the product's own dependencies only.
runtime: $(RUNTIME_STAMP)

$(RUNTIME_STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@rm -f $(VENV)/.installed-runtime-* && touch $(RUNTIME_STAMP)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo --cache-dir .cache/import-linter
	$(PY) scripts/typecheck.py

test-unit: venv
	$(PY) -m pytest tests/unit -q

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info

-include mk/*.mk

test: venv
	scripts/test.sh

demo: runtime
	scripts/demo.sh
