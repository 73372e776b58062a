# CareCoord: `make run` sets up and launches; `make test` sets up and runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit bench demo clean

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
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck unit

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
