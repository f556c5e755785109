# storage_service — developer commands. `make dev` runs on embedded defaults; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
RUFF := $(VENV)/bin/ruff
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi.py

.PHONY: install dev test test-unit test-contract test-integration lint format openapi openapi-check migrate

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## venv with runtime and test dependencies (includes the SeaweedFS S3 server)

dev: install ## run the service on embedded defaults (SQLite + local disk) at http://localhost:5000
	$(PY) run.py

test: install ## every test: unit, contract (both adapters) and integration (PostgreSQL + SeaweedFS)
	$(PYTEST) tests

test-unit: install
	$(PYTEST) tests/unit

test-contract: install
	$(PYTEST) tests/contract

test-integration: install
	$(PYTEST) tests/integration

lint: install
	$(RUFF) check app tests scripts
	$(RUFF) format --check app tests scripts

format: install
	$(RUFF) check --fix app tests scripts
	$(RUFF) format app tests scripts

openapi: install ## write openapi.yml from the code
	$(FLASK) openapi write --format=yaml openapi.yml

openapi-check: install ## fail when openapi.yml differs from the code
	$(FLASK) openapi write --format=yaml /tmp/openapi.check.yml
	diff -u openapi.yml /tmp/openapi.check.yml

migrate: install ## apply migrations to DATABASE_URL (default: the embedded SQLite file)
	$(FLASK) db upgrade
