# Stepback: `make run` to try it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS := var/test-artifacts
# pytest exits 5 when it collected no tests; every pass below has tests, so that is a failure.
CHECK_COLLECTED = rc=$$?; if [ $$rc -eq 5 ]; then echo "!!! pytest collected no tests in this pass !!!" >&2; exit 1; fi; exit $$rc
# The PostgreSQL pass of `make test`; CI's server listens here with trust auth.
STEPBACK_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/stepback
export STEPBACK_TEST_POSTGRES_URL

.PHONY: setup translations messages run demo test lint typecheck test-sqlite test-postgres test-browser bench clean

setup: $(VENV)/.installed node_modules/.installed translations

# Django reads compiled catalogues (.mo, not committed); Babel compiles them without gettext.
translations: $(VENV)/.installed
	$(BIN)/python -m stepback.lib.catalogues

# Adds every newly wrapped string to each catalogue (needs GNU gettext); then translate them.
messages: setup
	cd src/stepback && ../../$(BIN)/stepback makemessages --all --no-location --ignore=static
	$(BIN)/python -m stepback.lib.catalogues --normalise

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The demo's sign-in hint and the links in emails point at the address `make run` serves.
run demo: export STEPBACK_SITE_URL ?= http://$(HOST):$(PORT)

run: setup
	$(BIN)/stepback migrate --noinput
	$(BIN)/stepback demo
	$(BIN)/stepback serve --host $(HOST) --port $(PORT)

demo: setup
	$(BIN)/stepback migrate --noinput
	$(BIN)/stepback demo

test: setup lint typecheck test-sqlite test-postgres test-browser

lint: setup
	$(BIN)/ruff check src tests $(wildcard benchmarks)
	$(BIN)/ruff format --check src tests $(wildcard benchmarks)

typecheck: setup
	$(BIN)/mypy

# Each database gets two passes: the suite, then the API fuzzer (tests/fuzz, marker `fuzz`).
test-sqlite: setup
	$(BIN)/pytest -m "not browser and not fuzz" -n $(PYTEST_WORKERS) --junitxml=$(ARTIFACTS)/junit-sqlite.xml; $(CHECK_COLLECTED)
	$(BIN)/pytest -m fuzz -n $(PYTEST_WORKERS) --junitxml=$(ARTIFACTS)/junit-fuzz-sqlite.xml; $(CHECK_COLLECTED)

# Runs when a PostgreSQL server answers; in CI (CI=true) an unreachable server fails the run.
test-postgres: setup
	@if $(BIN)/python -m stepback.lib.dbcheck "$(STEPBACK_TEST_POSTGRES_URL)"; then \
		STEPBACK_DATABASE_URL="$(STEPBACK_TEST_POSTGRES_URL)" $(BIN)/pytest -m "not browser and not fuzz" -n $(PYTEST_WORKERS) \
			--junitxml=$(ARTIFACTS)/junit-postgres.xml || exit $$?; \
		STEPBACK_DATABASE_URL="$(STEPBACK_TEST_POSTGRES_URL)" $(BIN)/pytest -m fuzz -n $(PYTEST_WORKERS) \
			--junitxml=$(ARTIFACTS)/junit-fuzz-postgres.xml; $(CHECK_COLLECTED); \
	elif [ "$${CI:-}" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(STEPBACK_TEST_POSTGRES_URL); CI needs it." >&2; exit 1; \
	else \
		echo "!!! SKIPPED the PostgreSQL pass: no server at $(STEPBACK_TEST_POSTGRES_URL) (set STEPBACK_TEST_POSTGRES_URL) !!!"; \
	fi

test-browser: setup
	$(BIN)/pytest -m browser -p no:xdist --junitxml=$(ARTIFACTS)/junit-browser.xml; $(CHECK_COLLECTED)

# BENCH_ARGS: e.g. --database postgres://postgres@127.0.0.1:5432/stepback_bench, or --smoke.
bench: setup
	$(BIN)/python -m benchmarks --docs docs/performance.md $(BENCH_ARGS)
	$(BIN)/python -m benchmarks.pace
	$(BIN)/python -m benchmarks.themes
	$(BIN)/python -m benchmarks.balance

clean:
	rm -rf $(VENV) node_modules $(ARTIFACTS)
