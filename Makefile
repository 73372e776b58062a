# CareCoord: `make run` sets up and launches; `make test` sets up and runs every check;
# `make check` is the quick one (lint, import contracts, pure tests; under a minute).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test check lint typecheck unit fast permissions-doc bench demo clean

# Coverage gate of `make unit` (and so `make test`): 90 % of carecoord overall, then 98 %
# of the clinical rules and the permission matrix. `make unit COVERAGE=` runs without it.
COVERAGE ?= --cov=carecoord --cov-report=term:skip-covered --cov-fail-under=90
STRICT_COVERAGE := carecoord/clinical/*,carecoord/services/permissions.py
# The fast subset: pure rules and known-answer tests, no database, no Qt (`make check`).
FAST_TESTS ?= tests/clinical tests/services/test_permissions_matrix.py \
	tests/services/test_audit_hash_vectors.py tests/core/test_permissions_doc.py \
	tests/core/test_config.py

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CareCoord needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/carecoord $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(COVERAGE) $(PYTEST_ARGS)
	$(if $(strip $(COVERAGE)),$(BIN)/python -m coverage report --include='$(STRICT_COVERAGE)' \
		--skip-covered --fail-under=98)

fast: $(STAMP)
	$(BIN)/python -m pytest -q $(FAST_TESTS) $(PYTEST_ARGS)

test: lint typecheck unit

check: lint fast

permissions-doc: $(STAMP)
	$(BIN)/python -m carecoord.tools.permissions_doc

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(ARGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.startup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.chart_window
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.lists
	$(BIN)/python -m benchmarks.letters
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.timeline

demo: $(STAMP)
	$(BIN)/carecoord demo $(ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
