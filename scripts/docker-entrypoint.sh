#!/bin/sh
# The image's entrypoint: prepare, then run the command (by default gunicorn on $PORT) in place of this shell.
#
#   WAIT_FOR_DB=true       wait until the database of DATABASE_URL accepts connections (at most
#                          WAIT_FOR_DB_TIMEOUT seconds, default 60; exit status 1 after that)
#   RUN_MIGRATIONS=true    apply the migrations (flask db upgrade)
#   CREATE_BUCKETS=false   skip creating missing buckets (what `flask storage init` does; on by default, retried
#                          while the object store starts)
#
# The command is exec'd, so signals reach the server directly. Settings: docs/operations.md.
set -eu

is_true() {
  case $(printf '%s' "${1:-}" | tr '[:upper:]' '[:lower:]') in
    1 | true | yes | on) return 0 ;;
    *) return 1 ;;
  esac
}

say() { printf 'docker-entrypoint: %s\n' "$*" >&2; }

export FLASK_APP="${FLASK_APP:-wsgi.py}"

if is_true "${WAIT_FOR_DB:-false}"; then
  say "waiting for the database (at most ${WAIT_FOR_DB_TIMEOUT:-60}s)"
  python - <<'EOF'
import os
import sys
import time

import sqlalchemy as sa

from app.config import database_url

url = os.environ.get("DATABASE_URL")
if not url:
    sys.exit("docker-entrypoint: WAIT_FOR_DB is set but DATABASE_URL is not")
deadline = time.monotonic() + float(os.environ.get("WAIT_FOR_DB_TIMEOUT") or 60)
engine = sa.create_engine(database_url(url), connect_args={"connect_timeout": 3} if "postgres" in url else {})
while True:
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        break
    except sa.exc.OperationalError as exc:
        if time.monotonic() > deadline:
            sys.exit(f"docker-entrypoint: the database did not answer in time: {exc.orig}")
        time.sleep(1)
engine.dispose()
EOF
  say "database ready"
fi

if is_true "${RUN_MIGRATIONS:-false}"; then
  say "applying migrations"
  flask db upgrade
fi

if is_true "${CREATE_BUCKETS:-true}"; then
  python - <<'EOF'
import sys
import time

from app import create_app
from app.storage.base import StorageUnavailable

# The object store may be starting alongside us: retry for about 30 s (a configuration error stops at once).
store = create_app().extensions["object_store"]
for attempt in range(15):
    try:
        store.ensure_buckets()
        break
    except StorageUnavailable as exc:
        if attempt == 14:
            sys.exit(f"docker-entrypoint: could not create the buckets: {exc}")
        time.sleep(2)
EOF
  say "buckets ready"
fi

exec "$@"
