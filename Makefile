# Two commands matter: `make demo` (install, migrate, load the demo, serve it)
# and `make test` (lint, import contracts, migrations check, the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test demo serve test test-postgres lint format bench clean demo-reset

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps make a re-run quick: pip runs again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# `make demo PORT=8101` serves elsewhere; links in the demo's e-mails follow (SITE_URL).
demo: install
	$(BIN)/python manage.py migrate --no-input -v 0
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py load_demo
	@echo "\nServing the demo at http://$(HOST):$(PORT)/ (Ctrl+C to stop)\n"
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

demo-reset:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (DATABASE_URL must name a server you can create databases on).
test-postgres: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/peermentoring} $(BIN)/python -m pytest

bench: install-test
	$(BIN)/python -m peermentoring.bench

clean:
	rm -rf $(VENV) staticfiles *.egg-info
