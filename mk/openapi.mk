# OpenAPI targets. Included by the main Makefile; also usable alone: make -f mk/openapi.mk openapi-check
# docs/openapi.json is generated from the Lambda's resolver (local/authorize_local/openapi/); the unit
# tests fail when it is stale, like openapi-check. `make serve` shows it with Swagger UI at /swagger
# (Powertools' page, its assets from the Powertools wheel: nothing from npm, nothing from the internet).

PY ?= .venv/bin/python

.PHONY: openapi openapi-check

openapi: $(STAMP) ## Regenerate docs/openapi.json from the resolver
	$(PY) -m authorize_local.openapi

openapi-check: $(STAMP) ## Fail if docs/openapi.json is not what the resolver generates
	$(PY) -m authorize_local.openapi --check
