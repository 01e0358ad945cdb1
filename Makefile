# casejourney: two commands matter, `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: venv demo test test-unit lint clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

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

demo: venv
	scripts/demo.sh
