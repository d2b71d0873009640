# Kiji: `make run` serves the site, `make test` runs lint and the whole suite.
# Needs only Python 3.11+ and make: everything else is installed into .venv from PyPI, at the
# exact versions and hashes of the lock files (requirements.lock, requirements-dev.lock), by
# uv (pinned below, installed into .venv with pip). `make lock` refreshes the locks.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
UV_VERSION := 0.13.9
UV     := $(BIN)/uv
# One command for both locks: every platform and Python >= 3.11, with hashes.
LOCK   := $(UV) pip compile pyproject.toml --quiet --universal --python-version 3.11 --generate-hashes
# The address `make run` serves; SITE_URL (links in pages and feeds) follows it unless set.
KIJI_BIND ?= 127.0.0.1:8000

.PHONY: run serve upgrade test lint typecheck format install install-dev messages backup restore help lock

help:
	@echo "make run    - set up, migrate, load demo content on first run, serve http://$(KIJI_BIND)/"
	@echo "make test   - set up and run lint, the type checker and the whole test suite against real PostgreSQL"
	@echo "              (a subset: make test PYTEST_ARGS='tests/blog -x')"
	@echo "make serve  - production-style gunicorn with settings from the environment"
	@echo "make upgrade - install, check --deploy, migrate, collectstatic (before a reload)"
	@echo "make lint   - ruff check + format check"
	@echo "make typecheck - mypy with django-stubs over the apps (also part of make test)"
	@echo "make format - ruff format + autofix"
	@echo "make screenshots - retake the README's pictures (docs/screenshots/) with Chromium"
	@echo "make lock   - re-resolve requirements*.lock from pyproject.toml (UPGRADE=1: newest versions)"
	@echo "make backup - write var/backups/kiji-YYYYmmdd-HHMMSS.tar.gz (pg_dump + media, mode 0600)"
	@echo "make restore FILE=var/backups/kiji-….tar.gz - restore into an empty database"

# No pip inside .venv: uv installs everything (a venv without pip is made in a blink).
$(BIN)/python:
	@$(PYTHON) -m venv --without-pip $(VENV)

# uv, pinned, put into .venv by the system's pip (pip >= 22.3 can target another environment);
# without one, .venv gets its own pip first. -qq keeps warnings about local mirrors quiet.
$(UV): | $(BIN)/python
	@$(PYTHON) -m pip --python $(BIN)/python install -qq --disable-pip-version-check "uv==$(UV_VERSION)" 2>/dev/null \
	  || { $(BIN)/python -m ensurepip --default-pip > /dev/null \
	       && $(BIN)/python -m pip install -qq --disable-pip-version-check "uv==$(UV_VERSION)"; }

# Only the locked dependencies are installed: the project itself runs from the checkout
# (manage.py), so nothing is built (no setuptools) and every install is the same code.
$(VENV)/.installed: requirements.lock | $(UV)
	@echo "Installing requirements.lock into .venv (uv)…"
	@$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	@touch $@

$(VENV)/.installed-dev: requirements-dev.lock | $(UV)
	@echo "Installing requirements-dev.lock into .venv (uv)…"
	@$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements-dev.lock
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# After editing dependencies in pyproject.toml: pins already in the locks are kept where they
# still fit; UPGRADE=1 moves everything to the newest versions allowed. Commit both files.
lock: | $(UV)
	$(LOCK) $(if $(UPGRADE),--upgrade) --extra dev -o requirements-dev.lock
	$(LOCK) $(if $(UPGRADE),--upgrade) --constraint requirements-dev.lock -o requirements.lock

messages: install
	@$(BIN)/python -m config.compilemessages > /dev/null

# Plain HTTP on the loopback address: the production HTTPS settings stay off for this server.
# Quiet: migrations and static files print only errors; the last block says where to go and
# how to log in. gunicorn then logs only warnings and the requests it serves, with two workers
# unless WEB_CONCURRENCY says otherwise (five booting at once slow a laptop's first page).
# One process does it all (config/run.py), so the embedded PostgreSQL starts once.
run: export HTTPS = 0
run: export KIJI_DEVTOOLS = 1
run: install messages
	@GUNICORN_LOG_LEVEL=warning WEB_CONCURRENCY=$${WEB_CONCURRENCY:-2} $(BIN)/python -m config.run

# Production-style serving: settings come only from the environment (see deploy/kiji.env.example).
serve: install messages
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/gunicorn config.wsgi --config deploy/gunicorn.conf.py

# Deploy step before reloading gunicorn: dependencies, translations, migrations, static files.
# The deploy checks come first: a placeholder or short SECRET_KEY stops here, before anything
# changes. Migrations are written to be safe while the old code still serves (see README).
upgrade: install messages
	$(MANAGE) check --deploy
	$(MANAGE) migrate --noinput
	$(MANAGE) regenerate_renditions --missing
	$(MANAGE) collectstatic --noinput --verbosity 0

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The type checker over the apps (settings in pyproject.toml, [tool.mypy]); its cache is
# .mypy_cache/, so a rerun checks only what changed. The django-stubs plugin imports the test
# settings: a DATABASE_URL keeps that import from starting the embedded PostgreSQL server
# (nothing connects to it; port 1 would refuse at once), a SECRET_KEY from writing var/.
typecheck: install-dev
	DATABASE_URL=postgresql://typecheck@127.0.0.1:1/unused SECRET_KEY=typecheck $(BIN)/mypy

test: install-dev messages lint typecheck
	DJANGO_SETTINGS_MODULE=config.settings_test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest --create-db $(PYTEST_ARGS)

# Checks against external corpora that are not part of the repository (WordPress's theme unit
# test export in ../shared/data/wordpress, or KIJI_WORDPRESS_CORPUS): `make test` never needs
# them; here a missing folder fails instead of skipping.
.PHONY: test-compat
test-compat: install-dev messages
	KIJI_WPIMPORT_COMPAT=1 $(BIN)/pytest tests/wpimport/compat $(PYTEST_ARGS)

# The README's pictures (docs/screenshots/*.jpg): one browser test over the demo content of
# `make run`, with the browser tests' Chromium and fonts (see "What make test needs").
.PHONY: screenshots
screenshots: install-dev messages
	KIJI_SCREENSHOTS=1 $(BIN)/pytest tests/browser/test_readme_screenshots.py

backup: install
	$(MANAGE) backup

restore: install
	@test -n "$(FILE)" || (echo "usage: make restore FILE=var/backups/kiji-YYYYmmdd-HHMMSS.tar.gz" && exit 2)
	$(MANAGE) restore "$(FILE)"

# Import benchmark (not a test): a synthetic WordPress export with 20,000 posts and 300,000
# comments, imported into a separate embedded database (var/bench-pgdata); prints time and peak
# memory. BENCH_ARGS="--posts 2000 --comments 30000" for a quick run.
.PHONY: bench-import
bench-import: export KIJI_DEVTOOLS = 1
bench-import: export KIJI_PGDATA = $(CURDIR)/var/bench-pgdata
bench-import: install
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) bench_import $(BENCH_ARGS)

# Search benchmark (not a test): 20,000 articles of ~3,000 Japanese characters in a separate
# embedded database (var/bench-search-pgdata, seeded once, reused); prints p50/p95 latency of
# 1-, 2-, 4-character and 2-term searches. BENCH_ARGS="--articles 2000" for a quick run.
.PHONY: bench-search
bench-search: export KIJI_DEVTOOLS = 1
bench-search: export KIJI_PGDATA = $(CURDIR)/var/bench-search-pgdata
bench-search: export DATABASE_URL =
bench-search: install
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) bench_search $(BENCH_ARGS)

# Moderation queue benchmark (not a test): 100,000 comments with 2,000 held in its own embedded
# database (var/bench-moderation-pgdata); prints the queue tabs' in-process time and queries.
.PHONY: bench-moderation
bench-moderation: export KIJI_DEVTOOLS = 1
bench-moderation: export KIJI_PGDATA = $(CURDIR)/var/bench-moderation-pgdata
bench-moderation: export DATABASE_URL =
bench-moderation: install
	$(MANAGE) migrate --noinput --verbosity 0
	$(MANAGE) bench_moderation $(BENCH_ARGS)

# Performance benchmark (not a test): seeds 20,000 articles and 100,000 comments once into its
# own embedded database (var/bench-site-pgdata), serves them with gunicorn as production would,
# drives each scenario from a second process (wrk if installed, else Python) and prints the
# table; the JSON goes to var/bench/. `apt-get install wrk` for the read scenarios.
.PHONY: bench
bench: export KIJI_DEVTOOLS = 1
bench: export KIJI_PGDATA = $(CURDIR)/var/bench-site-pgdata
bench: export DATABASE_URL =
bench: export STATIC_ROOT = $(CURDIR)/var/bench-static
bench: export HTTPS = 0
bench: install messages
	$(MANAGE) bench $(BENCH_ARGS)

# Soak (not a test): faults under load on its own embedded database (var/soak-pgdata): the mixed
# read/vote/comment load for 60 s, a gunicorn worker SIGKILLed, PostgreSQL stopped and started,
# every accepted comment counted, parallel replies and votes; prints a report (under 10 minutes).
# SOAK_ARGS="--duration 20" for a quick run.
.PHONY: soak
soak: export KIJI_DEVTOOLS = 1
soak: export KIJI_PGDATA = $(CURDIR)/var/soak-pgdata
soak: export DATABASE_URL =
soak: export STATIC_ROOT = $(CURDIR)/var/soak-static
soak: export HTTPS = 0
soak: install-dev messages
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/python -m devtools.bench.soak $(SOAK_ARGS)
