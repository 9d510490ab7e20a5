# Benchmarks (docs/performance.md). Included by the main Makefile, which provides $(STAMP), $(PY)
# and the `node` target (DynamoDB Local). `make build` (mk/infra.mk, SAM CLI in .venv-sam) is only
# needed for the cold-start and package-size part: without a SAM CLI, or when the build fails, that
# part is skipped with the reason and everything else still runs.
#   make bench                          everything, about 5 minutes
#   make bench BENCH_ARGS=--no-docs     leave docs/ alone (bench/results.json is still written)
#   make bench BENCH_ARGS="--moto-max 30000"   also measure moto at 30k items (slow: ~1 min more)

PY ?= .venv/bin/python
BENCH_ARGS ?=
BENCH_SAM_VENV = $(or $(INFRA_SAM_VENV),.venv-sam)
BENCH_BUILD_LOG := .local/bench/build.log

.PHONY: bench

bench: $(STAMP) node ## Benchmarks: round trips, overhead, cold start, size, backends, throughput (~5 min)
	@mkdir -p $(dir $(BENCH_BUILD_LOG))
	@skip=""; \
	if [ ! -x "$(BENCH_SAM_VENV)/bin/sam" ]; then \
	  skip="no SAM CLI in $(BENCH_SAM_VENV) (make sam-venv)"; \
	else \
	  echo "bench: make build (log: $(BENCH_BUILD_LOG))"; \
	  if ! $(MAKE) --no-print-directory build >$(BENCH_BUILD_LOG) 2>&1; then \
	    skip="make build failed (see $(BENCH_BUILD_LOG))"; \
	  fi; \
	fi; \
	if [ -n "$$skip" ]; then echo "bench: cold start and package size skipped: $$skip"; fi; \
	$(PY) -m bench.run $${skip:+--skip-build "$$skip"} $(BENCH_ARGS)
