# Mutation testing (docs/testing.md). Included by the main Makefile, which provides $(VENV), $(PY) and $(STAMP).
# Not part of `make test`, and CI does not run it: it takes about a quarter of an hour on two cores.
#   make mutation                                      everything: mutate, test, print the table
#   make mutation MUTANTS='authorize.domain.tokens.*'  test these mutants again, in the last run (after
#                                                      adding tests: new tests are picked up)
#   make mutation-report                               the table again, from the last run
#   make mutation-report MUTATION_REPORT_ARGS=--show   ... with the diff of every unexplained survivor
#
# mutmut 3 (requirements-mutation.in, locked with hashes in requirements-mutation.txt under the dev lock's
# versions, installed into .venv beside the dev tools) mutates copies of the
# code in mutants/ and imports them from mutants/src. Our package lives in layers/authorize, so the run
# happens in MUTATION_DIR, where src, tests and pyproject.toml (its [tool.mutmut] section) are links
# to the real ones; a run without MUTANTS starts from a fresh copy. Tests: tests/unit, the fast ones.
# Mutants judged equivalent are listed, each with its reason, in tests/mutation_equivalents.toml.

MUTATION_DIR ?= .local/mutation
MUTATION_JOBS ?= 2
MUTATION_NICE ?= 10
MUTATION_FAIL_UNDER ?= 95
MUTATION_REPORT_ARGS ?=
MUTANTS ?=
MUTATION_STAMP := $(VENV)/.mutation-installed

.PHONY: mutation mutation-report mutation-lock

$(MUTATION_STAMP): $(STAMP) requirements-mutation.txt
	$(PIP) install --quiet --disable-pip-version-check --require-hashes -r requirements-mutation.txt
	@touch $@

# Like `make lock`: the whole tree of requirements-mutation.in, hashed, held to the dev lock's versions.
mutation-lock: $(STAMP) ## Re-pin requirements-mutation.txt (mutmut and its dependencies) from its .in file
	$(PY) -m uv pip compile --universal --python-version 3.11 --generate-hashes --no-header --quiet \
	  requirements-mutation.in -c requirements-dev.txt -o requirements-mutation.txt

mutation: $(MUTATION_STAMP) ## Mutation testing (mutmut) of domain, use cases and GitHub edge with tests/unit (~15 min)
	@if [ -z "$(MUTANTS)" ] || [ ! -d $(MUTATION_DIR)/mutants ]; then \
	  rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR) && \
	  ln -s $(CURDIR)/layers/authorize $(MUTATION_DIR)/src && \
	  ln -s $(CURDIR)/tests $(MUTATION_DIR)/tests && \
	  ln -s $(CURDIR)/pyproject.toml $(MUTATION_DIR)/pyproject.toml; \
	fi
	cd $(MUTATION_DIR) && nice -n $(MUTATION_NICE) $(CURDIR)/$(VENV)/bin/mutmut run \
	  --max-children $(MUTATION_JOBS) $(MUTANTS) > run.log 2>&1 \
	  || { tail -c 4000 run.log; echo "mutmut failed: see $(MUTATION_DIR)/run.log"; exit 1; }
	@$(MAKE) --no-print-directory mutation-report

mutation-report: $(MUTATION_STAMP) ## Kill rates per module from the last `make mutation` (MUTATION_REPORT_ARGS=--show)
	$(PY) scripts/mutation_report.py --mutants $(MUTATION_DIR)/mutants \
	  --equivalents tests/mutation_equivalents.toml --fail-under $(MUTATION_FAIL_UNDER) $(MUTATION_REPORT_ARGS)
