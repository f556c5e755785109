#!/usr/bin/env bash
# Run the integration suite against the PostgreSQL and S3 server the environment names, and tear down
# whatever this script started.
#
#   scripts/run_integration_tests.sh [--docker] [PYTEST ARGS...]   run (default: tests/integration)
#   scripts/run_integration_tests.sh --setup | --teardown          start / stop docker-compose.test.yml only
#
# Without --docker (no Docker needed):
#   PostgreSQL  TEST_DATABASE_URL, else the local server on 127.0.0.1:5432 (started with pg_ctlcluster when it
#               is down, and stopped again afterwards), else a throwaway cluster the test harness creates.
#   S3          TEST_S3_ENDPOINT (host:port) with TEST_S3_ACCESS_KEY, TEST_S3_SECRET_KEY, TEST_S3_REGION,
#               else a SeaweedFS `weed mini` the test harness starts on free loopback ports.
# With --docker: a real PostgreSQL and MinIO from docker-compose.test.yml on 127.0.0.1:55432 / :59000
# (TEST_POSTGRES_PORT / TEST_MINIO_PORT), removed with their data when the run ends.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
COMPOSE_FILE=docker-compose.test.yml
PG_PORT=${TEST_POSTGRES_PORT:-55432}
S3_PORT=${TEST_MINIO_PORT:-59000}

die() {
  echo "run_integration_tests: $*" >&2
  exit 2
}

compose() { docker compose -f "$COMPOSE_FILE" "$@"; }

require_docker() {
  local hint="without Docker, run this script with no option (local PostgreSQL + SeaweedFS)"
  command -v docker >/dev/null 2>&1 || die "Docker mode needs Docker; $hint"
  docker info >/dev/null 2>&1 || die "Docker mode needs a running Docker engine (docker info fails); $hint"
  docker compose version >/dev/null 2>&1 || die "Docker mode needs the Compose v2 plugin (docker compose); $hint"
}

docker_up() {
  require_docker
  compose up -d --wait postgres minio
  scripts/wait-for-it.sh "127.0.0.1:$PG_PORT" -t 60 -q
  scripts/wait-for-it.sh "127.0.0.1:$S3_PORT" -t 60 -q
}

docker_env() {
  export TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
  export TEST_S3_ENDPOINT="127.0.0.1:$S3_PORT" TEST_S3_ACCESS_KEY=storage-test
  export TEST_S3_SECRET_KEY=storage-test-secret TEST_S3_REGION=us-east-1
}

case "${1:-}" in
  --setup)
    docker_up
    docker_env
    echo "Integration services are up. Export these, then run pytest (or make test-integration):"
    env | grep -E '^TEST_(DATABASE_URL|S3_)' | sed 's/^/  export /'
    exit 0
    ;;
  --teardown)
    require_docker
    compose down -v --remove-orphans
    exit 0
    ;;
esac

[ -x "$VENV/bin/pytest" ] || die "no $VENV/bin/pytest: run 'make install' first"

cleanup=()
on_exit() {
  local status=$?
  for ((i = ${#cleanup[@]} - 1; i >= 0; i--)); do eval "${cleanup[i]}" || true; done
  exit "$status"
}
trap on_exit EXIT

if [ "${1:-}" = "--docker" ]; then
  shift
  docker_up
  cleanup+=("compose down -v --remove-orphans")
  docker_env
elif [ -z "${TEST_DATABASE_URL:-}" ] && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | head -n1)
    echo "Starting the local PostgreSQL $version cluster (stopped again at the end)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    cleanup+=("pg_ctlcluster --skip-systemctl-redirect $version main stop")
    scripts/wait-for-it.sh 127.0.0.1:5432 -t 60 -q
  else
    echo "No PostgreSQL on 127.0.0.1:5432: the test harness will create a throwaway cluster (needs initdb)."
  fi
fi

if [ -n "${TEST_S3_ENDPOINT:-}" ]; then
  scripts/wait-for-it.sh "$TEST_S3_ENDPOINT" -t 60 -q || die "no S3 server answers at TEST_S3_ENDPOINT=$TEST_S3_ENDPOINT"
fi

echo "PostgreSQL: ${TEST_DATABASE_URL:-local 127.0.0.1:5432 or a throwaway cluster}"
echo "S3:         ${TEST_S3_ENDPOINT:-SeaweedFS started by the tests}"
[ $# -gt 0 ] || set -- tests/integration
"$VENV/bin/pytest" "$@"
