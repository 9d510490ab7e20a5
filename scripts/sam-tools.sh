#!/usr/bin/env bash
# Runs the infrastructure tools (SAM CLI, cfn-lint) from the project's own virtualenv, .venv-sam,
# and manages the Docker side of `sam local` (network, DynamoDB Local, table).
#
#   scripts/sam-tools.sh venv            create/refresh .venv-sam from requirements-sam.txt
#   scripts/sam-tools.sh sam ARGS...     run `sam ARGS...` (telemetry off, python3.13 on PATH)
#   scripts/sam-tools.sh cfn-lint ARGS   run cfn-lint
#   scripts/sam-tools.sh compile         precompile .aws-sam/build to bytecode (see below)
#   scripts/sam-tools.sh local-up        docker network + DynamoDB Local + table + demo data (idempotent)
#   scripts/sam-tools.sh local-down      remove the DynamoDB Local container and the network
#
# Settings (environment): INFRA_PYTHON (interpreter for the venv, default python3),
# INFRA_SAM_VENV (default .venv-sam), INFRA_DOCKER_NETWORK (default authorize-local),
# INFRA_DYNAMODB_CONTAINER (default dynamodb-local), INFRA_DYNAMODB_PORT (default 8000),
# INFRA_DYNAMODB_IMAGE (default amazon/dynamodb-local), INFRA_TABLE_NAME (default authorize).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

INFRA_PYTHON="${INFRA_PYTHON:-python3}"
INFRA_SAM_VENV="${INFRA_SAM_VENV:-.venv-sam}"
INFRA_SAM_REQUIREMENTS="requirements-sam.txt"
INFRA_SAM_STAMP="$INFRA_SAM_VENV/.installed"
INFRA_DOCKER_NETWORK="${INFRA_DOCKER_NETWORK:-authorize-local}"
INFRA_DYNAMODB_CONTAINER="${INFRA_DYNAMODB_CONTAINER:-dynamodb-local}"
INFRA_DYNAMODB_PORT="${INFRA_DYNAMODB_PORT:-8000}"
INFRA_DYNAMODB_IMAGE="${INFRA_DYNAMODB_IMAGE:-amazon/dynamodb-local}"
INFRA_TABLE_NAME="${INFRA_TABLE_NAME:-authorize}"

export SAM_CLI_TELEMETRY=0

die() { echo "sam-tools: $*" >&2; exit 1; }

ensure_venv() {
  if [[ -x "$INFRA_SAM_VENV/bin/sam" && -f "$INFRA_SAM_STAMP" && "$INFRA_SAM_STAMP" -nt "$INFRA_SAM_REQUIREMENTS" ]]; then
    return 0
  fi
  echo "sam-tools: installing $(grep -vE '^\s*(#|$)' "$INFRA_SAM_REQUIREMENTS" | tr '\n' ' ')into $INFRA_SAM_VENV" >&2
  [[ -x "$INFRA_SAM_VENV/bin/python" ]] || "$INFRA_PYTHON" -m venv "$INFRA_SAM_VENV"
  "$INFRA_SAM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  "$INFRA_SAM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$INFRA_SAM_REQUIREMENTS"
  touch "$INFRA_SAM_STAMP"
}

# `sam build` for a python3.13 function needs a python3.13 interpreter on PATH. With pyenv, a shim
# exists even when the version is not selected, so try to run it; if that fails, add the newest
# installed 3.13.x to PYENV_VERSION (the default interpreter stays first).
ensure_python313() {
  if python3.13 -c 'import sys' >/dev/null 2>&1; then
    return 0
  fi
  if command -v pyenv >/dev/null 2>&1; then
    local v313 current
    v313="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13\.[0-9]+$' | sort -t. -k3,3n | tail -n1 || true)"
    if [[ -n "$v313" ]]; then
      current="${PYENV_VERSION:-$(pyenv version-name 2>/dev/null || echo system)}"
      export PYENV_VERSION="$current:$v313"
      python3.13 -c 'import sys' >/dev/null 2>&1 && return 0
    fi
  fi
  echo "sam-tools: warning: no working python3.13 on PATH; 'sam build' of the python3.13 function and layer will fail" >&2
}

docker_ok() {
  command -v docker >/dev/null 2>&1 || die "docker is not installed (sam local needs Docker)"
  docker info >/dev/null 2>&1 || die "the Docker daemon is not reachable (sam local needs Docker)"
}

local_up() {
  docker_ok
  if ! docker network inspect "$INFRA_DOCKER_NETWORK" >/dev/null 2>&1; then
    docker network create "$INFRA_DOCKER_NETWORK" >/dev/null
    echo "sam-tools: created docker network $INFRA_DOCKER_NETWORK"
  fi
  if [[ "$(docker inspect -f '{{.State.Running}}' "$INFRA_DYNAMODB_CONTAINER" 2>/dev/null || true)" != "true" ]]; then
    docker rm -f "$INFRA_DYNAMODB_CONTAINER" >/dev/null 2>&1 || true
    docker run -d --name "$INFRA_DYNAMODB_CONTAINER" --network "$INFRA_DOCKER_NETWORK" \
      -p "127.0.0.1:$INFRA_DYNAMODB_PORT:8000" "$INFRA_DYNAMODB_IMAGE" \
      -jar DynamoDBLocal.jar -sharedDb -inMemory >/dev/null
    echo "sam-tools: started $INFRA_DYNAMODB_CONTAINER on 127.0.0.1:$INFRA_DYNAMODB_PORT (in-memory)"
  fi
  # Wait for DynamoDB Local to accept connections (any HTTP answer will do).
  local i
  for i in $(seq 1 30); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$INFRA_DYNAMODB_PORT") 2>/dev/null; then break; fi
    [[ $i -eq 30 ]] && die "DynamoDB Local did not come up on port $INFRA_DYNAMODB_PORT"
    sleep 1
  done
  if [[ -x .venv/bin/authorize-admin ]]; then
    # The admin CLI is expected to treat an existing table as success.
    AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$INFRA_DYNAMODB_PORT" TABLE_NAME="$INFRA_TABLE_NAME" \
      AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}" \
      AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" \
      .venv/bin/authorize-admin table create
    # The demo users and app of `make serve`, sealed with the function's key from env.local.json.
    AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$INFRA_DYNAMODB_PORT" TABLE_NAME="$INFRA_TABLE_NAME" \
      AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}" \
      AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-us-east-1}" \
      TOTP_ENCRYPTION_KEY="$(.venv/bin/python -c 'import json; print(json.load(open("env.local.json"))["AuthorizeFunction"]["TOTP_ENCRYPTION_KEY"])')" \
      .venv/bin/authorize-admin demo seed
    echo "sam-tools: demo data: monalisa and hubot (password correct-horse-battery-staple), app abcde12345fghij67890 (secret abcd x 10)"
  else
    echo "sam-tools: .venv/bin/authorize-admin not found (run 'make venv'); create the table yourself" >&2
  fi
}

local_down() {
  command -v docker >/dev/null 2>&1 || die "docker is not installed"
  docker rm -f "$INFRA_DYNAMODB_CONTAINER" >/dev/null 2>&1 || true
  docker network rm "$INFRA_DOCKER_NETWORK" >/dev/null 2>&1 || true
  echo "sam-tools: removed $INFRA_DYNAMODB_CONTAINER and network $INFRA_DOCKER_NETWORK"
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  venv) ensure_venv ;;
  sam)
    ensure_venv
    ensure_python313
    exec "$INFRA_SAM_VENV/bin/sam" "$@"
    ;;
  cfn-lint)
    ensure_venv
    exec "$INFRA_SAM_VENV/bin/cfn-lint" "$@"
    ;;
  compile)
    # Lambda's /opt and /var/task are read-only, so without shipped .pyc files every cold start compiles
    # every module (docs/performance.md). unchecked-hash: the runtime trusts the .pyc and never stats sources.
    ensure_python313
    python3.13 -m compileall -q -j 0 --invalidation-mode unchecked-hash .aws-sam/build/AuthorizeFunction .aws-sam/build/AuthorizeLayer
    ;;
  local-up) local_up ;;
  local-down) local_down ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
    [[ -z "$cmd" || "$cmd" == "-h" || "$cmd" == "--help" ]] || exit 2
    ;;
esac
