# Security scanners. Included by the main Makefile; also usable alone: make -f mk/security.mk lint-security
#   bandit     the Python of layers/, functions/ and local/         (skips: .bandit.yaml)
#   pip-audit  the pinned requirement files, for known vulnerabilities
#   checkov    template.yaml as a CloudFormation (SAM) template     (skips: .checkov.yaml)
# Each accepted finding is justified in docs/decisions.md ("Static checks"); anything new fails.
# The three tools live in their own virtualenv, .venv-audit (requirements-audit.txt): checkov pins many
# of its dependencies exactly and would fight the dev tools in .venv.
#
# pip-audit reads vulnerabilities from PyPI's per-release JSON API. When that cannot be reached, or has
# no data for a pin, the target says which packages were NOT audited and still passes: it fails only on
# a vulnerability actually found, or when pip-audit itself breaks.

AUDIT_PYTHON ?= python3
AUDIT_VENV ?= .venv-audit
AUDIT_STAMP := $(AUDIT_VENV)/.installed
AUDIT_BIN := $(AUDIT_VENV)/bin
AUDIT_REQUIREMENTS ?= layers/authorize/requirements.txt requirements-dev.txt requirements-mutation.txt
AUDIT_BANDIT_PATHS ?= layers functions local
AUDIT_REPORT_DIR := .local/audit

.PHONY: audit-venv lint-security lint-bandit lint-pip-audit lint-checkov

audit-venv: $(AUDIT_STAMP) ## Create .venv-audit with the pinned bandit, pip-audit and checkov

$(AUDIT_STAMP): requirements-audit.txt
	@test -x $(AUDIT_BIN)/python || $(AUDIT_PYTHON) -m venv $(AUDIT_VENV)
	$(AUDIT_BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(AUDIT_BIN)/pip install --quiet --disable-pip-version-check -r requirements-audit.txt
	@touch $@

lint-security: lint-bandit lint-pip-audit lint-checkov ## Security scanners: bandit, pip-audit, checkov

lint-bandit: $(AUDIT_STAMP) ## bandit on layers/ functions/ local/ (config .bandit.yaml)
	$(AUDIT_BIN)/bandit -c .bandit.yaml -r $(AUDIT_BANDIT_PATHS) -q
	@echo "bandit: no issues"

lint-checkov: $(AUDIT_STAMP) ## checkov on template.yaml (config .checkov.yaml; no network)
	CKV_SKIP_PACKAGE_UPDATE_CHECK=true $(AUDIT_BIN)/checkov --config-file .checkov.yaml

lint-pip-audit: $(AUDIT_STAMP) ## pip-audit on the pinned requirement files (passes, saying so, if it cannot audit)
	@mkdir -p $(AUDIT_REPORT_DIR)
	@rm -f $(AUDIT_REPORT_DIR)/pip-audit.json
	@echo "pip-audit: $(AUDIT_REQUIREMENTS)"
	@status=0; \
	$(AUDIT_BIN)/pip-audit --disable-pip --no-deps --progress-spinner off --timeout 15 \
	  $(addprefix -r ,$(AUDIT_REQUIREMENTS)) --format json --output $(AUDIT_REPORT_DIR)/pip-audit.json \
	  >$(AUDIT_REPORT_DIR)/pip-audit.log 2>&1 || status=$$?; \
	$(AUDIT_BIN)/python -c "$$PIP_AUDIT_SUMMARY" $(AUDIT_REPORT_DIR)/pip-audit.json $$status $(AUDIT_REPORT_DIR)/pip-audit.log

# Reads pip-audit's JSON report: prints each vulnerability (exit 1), then each package that could not be
# audited and why (exit 0). Without a report: exit 0 if pip-audit could not reach its service, else its
# own exit status with its log.
define PIP_AUDIT_SUMMARY
import json, sys
report, status, log_path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
log = open(log_path, encoding="utf-8", errors="replace").read()
try:
    deps = json.load(open(report, encoding="utf-8"))["dependencies"]
except (OSError, ValueError, KeyError, TypeError):
    offline = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "timed out", "ServiceError")
    if status and any(word in log for word in offline):
        print("pip-audit: NOT AUDITED: the vulnerability service could not be reached (details: " + log_path + ")")
        sys.exit(0)
    sys.stderr.write(log)
    sys.exit(status or 1)
found = [(d, v) for d in deps for v in d.get("vulns") or []]
skipped = [d for d in deps if d.get("skip_reason")]
for d, v in found:
    fixed = ", ".join(v.get("fix_versions") or []) or "no fixed release"
    aliases = ", ".join(v.get("aliases") or [])
    print(f"pip-audit: VULNERABLE {d['name']} {d.get('version', '?')}: {v['id']}" + (f" ({aliases})" if aliases else "") + f"; fixed in: {fixed}")
if skipped:
    print(f"pip-audit: NOT AUDITED: {len(skipped)} of {len(deps)} pinned packages: PyPI's per-release JSON API, where pip-audit reads vulnerabilities, did not answer for them (unreachable, or not served by this index):")
    for d in skipped:
        print("  " + d["skip_reason"])
audited = len(deps) - len(skipped)
print(f"pip-audit: {audited} of {len(deps)} pinned packages audited, {len(found)} known vulnerabilities")
sys.exit(1 if found else 0)
endef
export PIP_AUDIT_SUMMARY
