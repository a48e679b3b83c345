# make run   - set up and start the app (web, Celery worker, Celery beat) on http://127.0.0.1:8000
# make test  - run the whole test suite (uses DATABASE_URL and REDIS_URL when they are set)
# make clean - remove the virtualenv and local data under var/

SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.11: python3.11 if it is on the PATH, else python3 (checked when the venv is made).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
PYTEST_ARGS ?=

# make run only: mail goes to files under var/mail/ (one file per digest), DEBUG on. Values already in the
# environment win (DATABASE_URL and REDIS_URL pass through untouched).
RUN_ENV := DEBUG=$${DEBUG:-1} EMAIL_BACKEND=$${EMAIL_BACKEND:-reminders.mail.IdempotentFileBackend}

.PHONY: help run test clean var

help:
	@echo "make run    set up .venv, migrate, load bank holidays and demo data, start web + worker + beat"
	@echo "make test   run the test suite (PYTEST_ARGS='-k name' to select)"
	@echo "make clean  remove .venv and var/"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 is needed (python3.11 or python3 on the PATH)." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || \
		{ echo "$(PYTHON) is not Python 3.11; set PYTHON=/path/to/python3.11." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when a requirements file changed.
$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP) install -q -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt | $(PY)
	$(PIP) install -q -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-runtime

var:
	@mkdir -p var/mail var/uploads var/celery-broker/queue var/celery-broker/processed

run: $(VENV)/.installed-runtime var
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_bank_holidays
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo "Starting web, worker and beat on http://127.0.0.1:8000/ (Ctrl-C stops all three)"
	$(RUN_ENV) exec $(VENV)/bin/honcho start -f Procfile

test: $(VENV)/.installed-dev var
	@# Missing migrations fail the run. An in-memory database keeps this independent of DATABASE_URL.
	DATABASE_URL=sqlite://:memory: $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var staticfiles

# make bench - the scale benchmark of issue 8 (README "Performance"): fresh PostgreSQL databases
# bench_10000 and bench_100000, gunicorn on 127.0.0.1, wrk against each page, the reminder sweep.
# Needs PostgreSQL and Redis on 127.0.0.1; BENCH_ARGS="--complaints 10000" runs one size.
BENCH_ARGS ?=
.PHONY: bench
bench: $(VENV)/.installed-runtime var
	@command -v wrk >/dev/null 2>&1 || { echo "Installing wrk (Debian package) for the load generator"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 || \
		{ apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1; } || \
		echo "wrk could not be installed: the benchmark falls back to its Python client"; }
	$(PY) bench/run.py $(BENCH_ARGS)
