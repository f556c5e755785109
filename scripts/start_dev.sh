#!/usr/bin/env bash
# The development stack without Docker.
#
#   scripts/start_dev.sh              the service on embedded defaults: SQLite + files under instance/
#   scripts/start_dev.sh --s3         ... with objects in a local SeaweedFS S3 server (weed mini, from the venv)
#   scripts/start_dev.sh --postgres   ... with the database in PostgreSQL (DATABASE_URL, default a `storage_dev`
#                                     database on the local server 127.0.0.1:5432, created when missing)
#   scripts/start_dev.sh --full       both
#   add --stub to also run the stand-in project service on 127.0.0.1:8001 (PROJECT_SERVICE_URL points to it)
#
# Serves http://127.0.0.1:${PORT:-5000} (API docs at /docs, metrics at /metrics) until Ctrl-C, then stops
# everything it started. Settings come from the environment and .env.development (see env.example).
# SeaweedFS keeps its data in instance/seaweed; its S3 API listens on 127.0.0.1:${SEAWEED_S3_PORT:-8333}.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY=$VENV/bin/python
FLASK=$VENV/bin/flask
use_s3=0 use_pg=0 use_stub=0
for arg in "$@"; do
  case $arg in
    --s3 | --seaweed) use_s3=1 ;;
    --postgres) use_pg=1 ;;
    --full) use_s3=1 use_pg=1 ;;
    --stub) use_stub=1 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done
[ -x "$PY" ] || { echo "no virtualenv at $VENV: run 'make install' first" >&2; exit 2; }

export FLASK_APP=wsgi.py FLASK_ENV=${FLASK_ENV:-development} LOG_FORMAT=${LOG_FORMAT:-text}
mkdir -p instance
pids=()
stop_all() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ "$use_pg" = 1 ]; then
  export DATABASE_URL=${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/storage_dev}
  "$PY" - <<'EOF'
import os
import sqlalchemy as sa
from app.config import database_url
url = sa.engine.make_url(database_url(os.environ["DATABASE_URL"]))
try:
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            print(f"created database {url.database}")
except sa.exc.OperationalError as exc:
    raise SystemExit(f"PostgreSQL is not reachable at {url.render_as_string()}: {exc.orig}\n"
                     "Start it (e.g. pg_ctlcluster <version> main start) or set DATABASE_URL.")
EOF
fi

if [ "$use_s3" = 1 ]; then
  s3_port=${SEAWEED_S3_PORT:-8333}
  export STORAGE_BACKEND=minio MINIO_ENDPOINT=127.0.0.1:$s3_port MINIO_SECURE=false
  export MINIO_ACCESS_KEY=${MINIO_ACCESS_KEY:-minioadmin} MINIO_SECRET_KEY=${MINIO_SECRET_KEY:-minioadmin}
  export MINIO_PUBLIC_ENDPOINT=${MINIO_PUBLIC_ENDPOINT:-http://127.0.0.1:$s3_port}
  mkdir -p instance/seaweed/data
  # weed mini opens ten ports: pin them all (offsets from the S3 port) and keep everything on loopback.
  AWS_ACCESS_KEY_ID=$MINIO_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$MINIO_SECRET_KEY GOMEMLIMIT=512MiB \
    "$VENV/bin/weed" mini -dir=instance/seaweed/data -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$s3_port" -s3.port.grpc=$((s3_port + 10000)) \
    -master.port=$((s3_port + 1)) -master.port.grpc=$((s3_port + 10001)) \
    -volume.port=$((s3_port + 2)) -volume.port.grpc=$((s3_port + 10002)) \
    -filer.port=$((s3_port + 3)) -filer.port.grpc=$((s3_port + 10003)) \
    -admin.port=$((s3_port + 4)) -admin.port.grpc=$((s3_port + 10004)) \
    -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
    -s3.allowDeleteBucketNotEmpty=false -master.telemetry=false >instance/seaweed/weed.log 2>&1 &
  pids+=($!)
  scripts/wait-for-it.sh "127.0.0.1:$s3_port" -t 60 -q \
    || { echo "SeaweedFS did not start; see instance/seaweed/weed.log" >&2; exit 1; }
  echo "SeaweedFS S3 on http://127.0.0.1:$s3_port (log: instance/seaweed/weed.log)"
fi

if [ "$use_stub" = 1 ]; then
  export PROJECT_SERVICE_URL=http://127.0.0.1:${PROJECT_STUB_PORT:-8001}
  "$PY" scripts/project_service_stub.py --port "${PROJECT_STUB_PORT:-8001}" &
  pids+=($!)
  scripts/wait-for-it.sh "127.0.0.1:${PROJECT_STUB_PORT:-8001}" -t 30 -q
fi

"$FLASK" db upgrade
# The S3 gateway accepts connections a moment before it serves requests: retry bucket creation briefly.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  "$FLASK" storage init && break
  [ "$attempt" -lt 10 ] || exit 1
  sleep 1
done
echo "A token for requests: $FLASK storage token --user u1 --company c1"
"$PY" run.py &
pids+=($!)
wait "${pids[-1]}"
