# Two commands on a fresh machine: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
INSTALLED_DEV := $(VENV)/.installed-dev

.PHONY: demo check test test-postgres mutation lint unit format serve dashboard clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "vibecode needs Python 3.11 or newer (found: $$($(PYTHON) --version 2>&1)); set PYTHON=python3.x"; exit 2; }
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(INSTALLED_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@ $(INSTALLED)

## The main job: rehearse the whole talk on SQLite in a temporary workspace.
demo: $(INSTALLED)
	$(BIN)/vibecode rehearse

## The fast loop before a commit (under a minute; .pre-commit-config.yaml runs the same): lint,
## formatting, types, and every test but the end-to-end ones (marked e2e; `make test` runs them).
check: lint unit

## The reference app's tests, then the tool's tests but the end-to-end ones, on every core.
unit: $(INSTALLED_DEV)
	$(BIN)/python -m pytest tests -q
	$(BIN)/python -m pytest tool_tests -q -m "not e2e" -n auto

## The whole test suite: the reference app's tests, then the tool's (end-to-end ones included).
test: $(INSTALLED_DEV)
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest tool_tests

## The reference app's tests against PostgreSQL (needs a server on 127.0.0.1:5432). The suite
## empties its database, so it only runs on one named *_test, which it creates when missing.
test-postgres: $(INSTALLED_DEV)
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+asyncpg://postgres@127.0.0.1:5432/vibecode_test} \
		$(BIN)/python -m pytest tests

## Mutation testing of app/ with mutmut: the score, and every survivor explained in
## docs/mutation-survivors.md (fails below 90% killed or on a survivor not explained there).
mutation: $(INSTALLED_DEV)
	$(BIN)/python scripts/mutation.py

lint: $(INSTALLED_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(INSTALLED_DEV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Serve the reference app itself from the repository root (not a workspace).
serve: $(INSTALLED)
	DEBUG=true $(BIN)/alembic upgrade head
	DEBUG=true SECRET_KEY=$${SECRET_KEY:-local-development-only} $(BIN)/uvicorn app.main:app --reload

dashboard: $(INSTALLED)
	$(BIN)/vibecode dashboard

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
