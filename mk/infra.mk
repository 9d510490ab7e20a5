# Infrastructure targets (AWS SAM). Included by the main Makefile; also usable alone:
#   make -f mk/infra.mk lint-infra build
# The SAM CLI and cfn-lint live in their own virtualenv, .venv-sam (requirements-sam.txt);
# scripts/sam-tools.sh runs them with telemetry off and python3.13 on PATH.
# Builds never use containers: layer dependencies are resolved as manylinux aarch64 wheels.

ENV ?= dev
INFRA_SAM_VENV ?= .venv-sam
INFRA_SAM_STAMP := $(INFRA_SAM_VENV)/.installed
INFRA_TOOLS := INFRA_SAM_VENV=$(INFRA_SAM_VENV) scripts/sam-tools.sh
INFRA_SAM := $(INFRA_TOOLS) sam
# Template checks never call AWS, but the SAM translator needs a region to expand the template.
INFRA_LINT_REGION ?= us-east-1
INFRA_BUILD_FLAGS ?=
INFRA_DEPLOY_FLAGS ?=
INFRA_LOCAL_FLAGS ?=
INFRA_DOCKER_NETWORK ?= authorize-local

.PHONY: sam-venv lint-infra build deploy delete sam-local sam-local-down sam-events

sam-venv: $(INFRA_SAM_STAMP) ## Create .venv-sam with the pinned SAM CLI and cfn-lint

$(INFRA_SAM_STAMP): requirements-sam.txt
	$(INFRA_TOOLS) venv

lint-infra: $(INFRA_SAM_STAMP) ## sam validate --lint and cfn-lint on template.yaml
	SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$(INFRA_LINT_REGION) $(INFRA_SAM) validate --lint --template-file template.yaml
	AWS_DEFAULT_REGION=$(INFRA_LINT_REGION) $(INFRA_TOOLS) cfn-lint template.yaml

build: $(INFRA_SAM_STAMP) ## sam build (no containers) into .aws-sam/build, then precompile bytecode
	SAM_CLI_TELEMETRY=0 $(INFRA_SAM) build $(INFRA_BUILD_FLAGS)
	$(INFRA_TOOLS) compile

# Environments already described in samconfig.toml deploy non-interactively; any other ENV goes
# through `sam deploy --guided`, which then saves its answers under that name.
deploy: build ## Deploy ENV (default dev): sam deploy --config-env ENV, or --guided for a new ENV
	@if grep -q '^\[$(ENV)\.deploy\.parameters\]' samconfig.toml; then \
	  echo "$(INFRA_SAM) deploy --config-env $(ENV) $(INFRA_DEPLOY_FLAGS)"; \
	  $(INFRA_SAM) deploy --config-env $(ENV) $(INFRA_DEPLOY_FLAGS); \
	else \
	  echo "samconfig.toml has no [$(ENV).deploy.parameters]: running sam deploy --guided"; \
	  $(INFRA_SAM) deploy --guided --config-env $(ENV) $(INFRA_DEPLOY_FLAGS); \
	fi

delete: $(INFRA_SAM_STAMP) ## Delete the ENV stack (sam delete --config-env ENV)
	$(INFRA_SAM) delete --config-env $(ENV)

# Needs Docker: see docs/sam-local.md. The function gets placeholder credentials (DynamoDB Local
# accepts any), never the caller's own AWS profile.
sam-local: build ## API on 127.0.0.1:3000 via sam local + DynamoDB Local in Docker
	$(INFRA_TOOLS) local-up
	env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
	  $(INFRA_SAM) local start-api --region us-east-1 --env-vars env.local.json \
	  --docker-network $(INFRA_DOCKER_NETWORK) $(INFRA_LOCAL_FLAGS)

sam-local-down: ## Remove the DynamoDB Local container and the docker network
	$(INFRA_TOOLS) local-down

sam-events: $(INFRA_SAM_STAMP) ## Regenerate events/*.json (sam local generate-event + edits)
	$(INFRA_SAM_VENV)/bin/python scripts/gen-events.py
