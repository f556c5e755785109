# storage_service — developer commands. `make dev` runs on embedded defaults; `make test` runs every test.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PYTEST := $(VENV)/bin/pytest
RUFF := $(VENV)/bin/ruff
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi.py

.PHONY: install dev test test-unit test-contract test-integration lint format openapi openapi-check migrate client client-check

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed ## venv with runtime and test dependencies (includes the SeaweedFS S3 server)

dev: install ## run the service on embedded defaults (SQLite + local disk) at http://localhost:5000
	$(PY) run.py

test: install browser ## every test: unit, contract (both adapters), integration (PostgreSQL + SeaweedFS + Redis), browser
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

client: install ## generate the typed Python client clients/python/storage_client from openapi.yml (offline)
	$(PY) scripts/generate_client.py

client-check: install ## fail when clients/python/storage_client differs from what openapi.yml generates
	$(PY) scripts/generate_client.py --check

migrate: install ## apply migrations to DATABASE_URL (default: the embedded SQLite file)
	$(FLASK) db upgrade

# --- Extra test layers, Docker and Compose ------------------------------------------------------------
IMAGE ?= storage-service:dev
DOCKER_CHECK = command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 && docker compose version >/dev/null 2>&1 \
	|| { echo "$@ needs Docker: a running engine and the Compose v2 plugin. Without Docker: make dev, or scripts/start_dev.sh --full" >&2; exit 1; }

.PHONY: test-unit-coverage test-all test-integration-script test-integration-setup test-integration-teardown test-watch docker-build compose-up compose-down

test-unit-coverage: install ## unit tests with line coverage of app/ (terminal report + htmlcov/index.html)
	$(PYTEST) tests/unit --cov=app --cov-report=term-missing --cov-report=html

test-all: lint ## lint, then every test layer with coverage of app/
	$(PYTEST) tests --cov=app --cov-report=term-missing

test-integration-script: install ## integration suite via scripts/run_integration_tests.sh; ARGS=--docker for MinIO + PostgreSQL in Docker
	scripts/run_integration_tests.sh $(ARGS)

test-integration-setup: ## start PostgreSQL + MinIO from docker-compose.test.yml and print the TEST_* variables to export
	scripts/run_integration_tests.sh --setup

test-integration-teardown: ## stop the services test-integration-setup started and delete their data
	scripts/run_integration_tests.sh --teardown

test-watch: install ## re-run the unit tests whenever a Python file under app/ or tests/ changes
	$(VENV)/bin/watchfiles --filter python "$(PYTEST) tests/unit -x -q" app tests

docker-build: ## build the runtime image $(IMAGE)
	@$(DOCKER_CHECK)
	docker build -t $(IMAGE) .

compose-up: ## development stack (docker-compose.yml): API on :5000, MinIO on :9000, console on :9001
	@$(DOCKER_CHECK)
	docker compose up -d --build --wait

compose-down: ## stop the development stack; data volumes are kept (docker compose down -v deletes them)
	@$(DOCKER_CHECK)
	docker compose down

# --- Benchmarks: scripts that print figures (never part of `make test`); ARGS passes options ------------------
.PHONY: bench-tools bench-api bench-list bench-concurrency bench-isolation

bench-tools: ## wrk, the load generator of bench-api and bench-list (Debian package; apt-get needs root)
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }

bench-api: install bench-tools ## req/s, p50/p99 of /metadata, /download/presign, /list, 4 KiB /download/proxy vs a bare Flask floor
	$(PY) scripts/bench_api.py $(ARGS)

bench-list: install bench-tools ## /list latency with 1k, 100k and 1.1M files (bulk-seeded), page and cursor pagination
	$(PY) scripts/bench_list.py $(ARGS)

bench-concurrency: install ## 16 concurrent 100 MiB proxy uploads and downloads through gunicorn with 2 workers
	$(PY) scripts/bench_concurrency.py $(ARGS)

bench-isolation: install ## a hung, then trickling project service and one user's 40 slow uploads vs everyone else
	$(PY) scripts/bench_isolation.py $(ARGS)

# --- Nightly-sized property tests -------------------------------------------------------------------------------
.PHONY: test-nightly

test-nightly: install ## unit tests with the nightly Hypothesis profile: 10,000 examples per property (default 300)
	HYPOTHESIS_PROFILE=nightly $(PYTEST) tests/unit

# --- Browser tests ---------------------------------------------------------------------------------------------
.PHONY: browser test-browser

browser: ## Debian's Chromium for tests/browser (Playwright drives /usr/bin/chromium; apt-get needs root)
	@test -x /usr/bin/chromium || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

test-browser: install browser ## the web page in headless Chromium; screenshots in test-artifacts/screenshots/
	$(PYTEST) tests/browser
