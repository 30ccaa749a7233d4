# `make run` — the demo on http://127.0.0.1:8000 ; `make test` — the whole test suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# What the tests need from Debian: a Japanese font for PDFs, pdftotext/pdffonts, a browser, xgettext for the catalogue check.
DEB_TEST_PACKAGES := fonts-noto-cjk poppler-utils chromium gettext redis-server
HOST ?= 127.0.0.1
PORT ?= 8000
SUBSCRIBERS ?= 500

.PHONY: install run test lint format bench system-deps clean messages restore-check

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty --subscribers $(SUBSCRIBERS)
	@echo "MCTV: open http://$(HOST):$(PORT)/ and log in with one of the accounts above."
	$(PY) manage.py runserver $(HOST):$(PORT)

system-deps:
	@missing=""; for p in $(DEB_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "WARNING: Debian packages missing:$$missing (not root: tests that need them are skipped)"; \
	fi

# The database and the Redis for the real-worker tests are found as README says (tests/select_*.py).
test: install system-deps
	@DATABASE_URL="$$($(PY) tests/select_database.py)" CELERY_TEST_BROKER_URL="$$($(PY) tests/select_broker.py)" \
		$(PY) -m pytest $(PYTEST_ARGS)

# The restore drill (docs/operations.md, "Backup and restore"): `manage.py restore_check` dumps a database with
# rows in every log (tests/test_restore.py builds it), restores it into a scratch database with pg_restore and checks
# the copy. RESTORE_CHECK_DATABASE_URL=postgres://mctv_owner@…/mctv runs the drill on that database instead.
restore-check: install
ifdef RESTORE_CHECK_DATABASE_URL
	DATABASE_URL="$(RESTORE_CHECK_DATABASE_URL)" $(PY) manage.py restore_check
else
	@DATABASE_URL="$$($(PY) tests/select_database.py)" MCTV_REQUIRE_ALL=1 $(PY) -m pytest -q tests/test_restore.py
endif

# What CI checks before the tests: ruff's rules, ruff's format, and mypy with django-stubs (migrations excluded).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

# Rewrite the code in the project's format and apply ruff's safe fixes.
format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmark on PostgreSQL (BENCH_DATABASE_URL, default a scratch database mctv_bench on 127.0.0.1):
# figures printed and written to bench/results.json and bench/results-$(BENCH_SCALE).json, then the growth curve
# across the scales run so far (bench/growth.py). BENCH_SCALE=tiny|small|default|large.
BENCH_SCALE ?= default
bench: install
	$(PY) bench/run.py --scale $(BENCH_SCALE)

# Re-extract the Japanese catalogue after changing user-facing strings (needs Debian's gettext).
messages: install
	$(PY) manage.py makemessages --locale ja --no-obsolete --ignore .venv --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --locale ja --ignore .venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
