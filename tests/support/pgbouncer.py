"""A throwaway PgBouncer in transaction pooling mode in front of a PostgreSQL server (Debian package `pgbouncer`).

Transaction pooling hands a server connection to a client for one transaction only: whatever outlives a transaction
on a connection (SET without LOCAL, session advisory locks, prepared statements, LISTEN, WITH HOLD cursors, temporary
tables) breaks or leaks between clients. Services that scale out put it between their replicas and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa


class PgBouncerError(RuntimeError):
    """PgBouncer is not installed or did not start; the message carries its log."""


@dataclass
class PgBouncer:
    port: int
    workdir: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, database_url: str) -> str:
        """The same database (and user) as `database_url`, through this PgBouncer."""
        url = sa.engine.make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)

    @property
    def log(self) -> str:
        try:
            return (self.workdir / "pgbouncer.log").read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"


def _binary() -> str:
    found = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None)
    if found is None:
        raise PgBouncerError("pgbouncer is not installed: apt-get install -y pgbouncer")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_pgbouncer(server_url: str, *, pool_size: int = 8, timeout: float = 15.0) -> PgBouncer:
    """PgBouncer on a free loopback port, transaction pooling, at most `pool_size` server connections per database
    and user, in front of the server of `server_url`. It refuses to run as root: then it runs as `postgres`."""
    binary = _binary()
    server = sa.engine.make_url(server_url)
    workdir = Path(tempfile.mkdtemp(prefix="storage-pgbouncer-"))
    port = _free_port()
    user, password = server.username or "postgres", server.password or ""
    (workdir / "users.txt").write_text(f'"{user}" "{password}"\n')
    (workdir / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={server.host or '127.0.0.1'} port={server.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {workdir / 'users.txt'}\n"
        f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 500\n"
        "ignore_startup_parameters = extra_float_digits,options\n"
        f"logfile = {workdir / 'pgbouncer.log'}\npidfile = {workdir / 'pgbouncer.pid'}\n"
    )
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        for path in (workdir, *workdir.iterdir()):
            shutil.chown(path, "postgres")
    process = subprocess.Popen(
        [*run_as, binary, str(workdir / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    bouncer = PgBouncer(port, workdir, process)
    deadline = time.monotonic() + timeout
    probe = sa.create_engine(bouncer.url(server_url), poolclass=sa.pool.NullPool)
    try:
        while True:
            try:
                with probe.connect() as conn:
                    conn.execute(sa.text("SELECT 1"))
                return bouncer
            except sa.exc.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = bouncer.log
                    bouncer.stop()
                    raise PgBouncerError(f"pgbouncer did not start:\n{log}") from None
                time.sleep(0.1)
    finally:
        probe.dispose()
