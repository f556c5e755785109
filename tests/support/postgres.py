"""A PostgreSQL server for tests: the configured one, or a throwaway cluster when none is reachable."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

from app.config import database_url

DEFAULT_URL = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"


def _reachable(url: str) -> bool:
    try:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
        return True
    except sa.exc.OperationalError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if not found:
        raise RuntimeError(f"PostgreSQL is not reachable and {name} is not installed (apt-get install postgresql)")
    return str(found)


def _throwaway_cluster() -> str:
    """initdb + pg_ctl start as the postgres user in a directory it owns; stopped at exit."""
    root = Path(tempfile.mkdtemp(prefix="storage-pg-"))
    data, port = root / "data", _free_port()
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if run_as:
        shutil.chown(root, "postgres")
    subprocess.run(
        [*run_as, _bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"], check=True, capture_output=True
    )
    opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    subprocess.run(
        [*run_as, _bin("pg_ctl"), "-D", str(data), "-o", opts, "-w", "start", "-l", str(root / "log")],
        check=True,
        capture_output=True,
    )
    atexit.register(
        lambda: subprocess.run([*run_as, _bin("pg_ctl"), "-D", str(data), "-m", "fast", "stop"], capture_output=True)
    )
    return f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"


def server_url() -> str:
    """TEST_DATABASE_URL, else the local server, else a throwaway cluster."""
    url = database_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_URL))
    return url if _reachable(url) else _throwaway_cluster()


def create_database(server: str) -> tuple[str, callable]:
    """Create a fresh database on the server; return its URL and a function that drops it."""
    name = f"storage_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def _scalar(database_url: str, query: str):
    """One value from the test database, on a connection of its own."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text(query))
    finally:
        engine.dispose()


def open_transactions(database_url: str) -> int:
    """Sessions of the test database that sit inside a transaction (PostgreSQL's `idle in transaction`)."""
    return _scalar(
        database_url,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
    )


def end_connections(database_url: str) -> int:
    """End every other session of the test database, as a database restart ends pooled connections; how many."""
    return _scalar(
        database_url,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
