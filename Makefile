# Two commands matter: `make demo` (install, migrate, load the demo, serve it)
# and `make test` (lint, import contracts, migrations check, the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install install-test demo serve test test-postgres lint typecheck format bench clean demo-reset

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

# axe-core, for the browser tests' accessibility check (npm, pinned in package-lock.json;
# it stays in node_modules and is never served by the site).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install-test: $(VENV)/.installed-test node_modules/.installed

# The demo runs with DEBUG off, so people see the site's own error pages as a school
# would; only what plain HTTP on this machine needs is relaxed, here and nowhere else.
# `make demo PORT=8101` serves elsewhere; links in the demo's e-mails follow (SITE_URL).
DEMO_ENV = DEBUG=false SECRET_KEY="$$(cat .demo-secret-key)" \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost,$(HOST)} \
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} \
	SECURE_SSL_REDIRECT=false SECURE_HSTS_SECONDS=0 \
	SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=true \
	TASKS_BACKEND=immediate EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend

.demo-secret-key:
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $@

demo: install .demo-secret-key
	$(DEMO_ENV) $(BIN)/python manage.py migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/python manage.py collectstatic --no-input -v 0
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	@echo "\nServing the demo at http://$(HOST):$(PORT)/ (Ctrl+C to stop)\n"
	@# The database task backend and its worker beside the server: e-mails with their
	@# retries, and a safeguarding concern's escalation at its deadline (run_after).
	$(DEMO_ENV) TASKS_BACKEND=database $(BIN)/python manage.py db_worker --no-startup-delay & \
	worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) TASKS_BACKEND=database $(BIN)/python manage.py runserver $(HOST):$(PORT)

demo-reset:
	rm -f db.sqlite3 db.sqlite3-wal db.sqlite3-shm

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy with django-stubs over the package (tests aside); strict on the pure modules.
typecheck: install-test
	$(BIN)/mypy peermentoring

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(MAKE) --no-print-directory typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest

# The same suite against PostgreSQL (DATABASE_URL must name a server you can create databases on).
test-postgres: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/peermentoring} $(BIN)/python -m pytest

# Figures, never asserted: imports, matching, the rota, photos' memory, then the main pages
# under gunicorn and `wrk` (apt-get install wrk) on SQLite and on PostgreSQL at 127.0.0.1:5432
# (or DATABASE_URL's server) when one answers. `python -m peermentoring.pagebench --help`
# runs the pages alone.
bench: install-test
	$(BIN)/python -m peermentoring.bench
	@# Its own process: it points Django at a PostgreSQL database of its own before setup.
	$(BIN)/python -m peermentoring.evaluation.bench

clean:
	rm -rf $(VENV) staticfiles *.egg-info
