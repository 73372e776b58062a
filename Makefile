# CareCoord: `make run` sets up and launches; `make test` sets up and runs every check;
# `make check` is the quick one (lint, import contracts, pure tests; under a minute).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements/lock.txt
LOCK_TOOLS := .venv-lock
UV_VERSION := 0.13.9
LOCK_ARGS ?=

.PHONY: run test check lint typecheck unit fast permissions-doc bench demo clean lock dist translations

# Coverage gate of `make unit` (and so `make test`): 90 % of carecoord overall, then 98 %
# of the clinical rules and the permission matrix. `make unit COVERAGE=` runs without it.
COVERAGE ?= --cov=carecoord --cov-report=term:skip-covered --cov-fail-under=90
STRICT_COVERAGE := carecoord/clinical/*,carecoord/services/permissions.py
# The fast subset: pure rules and known-answer tests, no database, no Qt (`make check`).
FAST_TESTS ?= tests/clinical tests/services/test_permissions_matrix.py \
	tests/services/test_audit_hash_vectors.py tests/core/test_permissions_doc.py \
	tests/core/test_config.py tests/core/test_lock.py

# Every package, with the test tools and pip itself, comes from the lock at the exact version
# and file hash it names (tests/core/test_lock.py checks the lock against pyproject.toml and
# this environment against the lock); CareCoord itself goes in editable, adding nothing.
$(STAMP): pyproject.toml setup.py $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CareCoord needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@# First without resolving: it brings the locked pip (the pip of a new venv can be too old
	@# for --require-hashes with a pinned extra, such as fhir.resources' pydantic[email]);
	@# then with it, which checks that the lock is complete and consistent.
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# `make lock` rewrites the lock after a change to pyproject.toml, keeping every pin that still
# fits; `make lock LOCK_ARGS=--upgrade` (or `--upgrade-package NAME`) moves to newer releases.
# uv resolves for every platform (--universal) from Python 3.11 up and records the hashes of
# all of each release's files. It runs from its own small venv, so .venv holds the lock only.
lock:
	@$(LOCK_TOOLS)/bin/uv --version 2>/dev/null | grep -qx 'uv $(UV_VERSION)' || { \
		$(PYTHON) -m venv $(LOCK_TOOLS) && \
		$(LOCK_TOOLS)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'; }
	$(LOCK_TOOLS)/bin/uv pip compile --quiet --universal --generate-hashes --python-version 3.11 \
		--extra test --extra dist --custom-compile-command 'make lock' $(LOCK_ARGS) \
		pyproject.toml requirements/pip.in -o $(LOCK)

run: $(STAMP) translations
	$(BIN)/carecoord $(ARGS)

# The screens' translations (README, "Language"): pyside6-lupdate gathers every tr() and
# translate() string of carecoord/ui into the .ts file translators edit (keeping their work,
# dropping strings no longer in the code), and pyside6-lrelease compiles it into the .qm the
# app loads. tests/ui/test_translations.py fails when either is stale.
TS_FILES := resources/translations/carecoord_es.ts
translations: $(STAMP)
	$(BIN)/pyside6-lupdate -silent -locations none -no-obsolete \
		$$(find carecoord/ui -name '*.py' | LC_ALL=C sort) -ts $(TS_FILES)
	@for ts in $(TS_FILES); do $(BIN)/pyside6-lrelease -silent $$ts -qm $${ts%.ts}.qm; done

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# One test process per core (pytest-xdist); a file's tests stay together in one process, so
# module fixtures are built once. `make unit TEST_WORKERS=0` runs in this process alone.
# A worker that crashes (a segmentation fault) fails the run at once, naming its test:
# replacing the worker makes xdist's per-file scheduling wait forever.
TEST_WORKERS ?= auto
unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile \
		--max-worker-restart=0 \
		$(COVERAGE) $(PYTEST_ARGS)
	$(if $(strip $(COVERAGE)),$(BIN)/python -m coverage report --include='$(STRICT_COVERAGE)' \
		--skip-covered --fail-under=98)

fast: $(STAMP)
	$(BIN)/python -m pytest -q $(FAST_TESTS) $(PYTEST_ARGS)

test: translations lint typecheck unit

check: lint fast

permissions-doc: $(STAMP)
	$(BIN)/python -m carecoord.tools.permissions_doc

# make bench [SCALES=10000,100000,300000] [BENCH_PG_URL=postgresql+psycopg://…]
SCALES ?= 10000,100000,300000
bench: $(STAMP)
	$(BIN)/python -m benchmarks --scales $(SCALES) $(ARGS)
	if [ -n "$(BENCH_PG_URL)" ]; then $(BIN)/python -m benchmarks --url "$(BENCH_PG_URL)" --scales $(SCALES) $(ARGS); fi
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.startup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.chart_window
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.lists
	$(BIN)/python -m benchmarks.letters
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.timeline
	$(BIN)/python -m benchmarks.goals

demo: $(STAMP)
	$(BIN)/carecoord demo $(ARGS)

# The desktop bundle (README, "Desktop bundle"): dist/carecoord/ with the windowed `carecoord`
# and the console `carecoord-cli`, built by PyInstaller (the lock's `dist` extra) from
# carecoord.spec. `make test` builds it too, in a temporary folder, and runs it
# (tests/bundle/test_bundle.py).
dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller carecoord.spec
	@du -sh dist/carecoord

clean:
	rm -rf $(VENV) $(LOCK_TOOLS) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
