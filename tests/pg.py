"""A throw-away PostgreSQL server from the Debian package, for the tests that need one."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """initdb + pg_ctl in a temporary folder, on a free loopback port; stop() removes it."""

    def __init__(self) -> None:
        bindir = _bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed: run `make setup` (Debian package postgresql)")
        self.bindir = bindir
        self.datadir = Path(tempfile.mkdtemp(prefix="digitize-pg-"))
        self.port = _free_port()
        self._as_root = os.geteuid() == 0  # postgres refuses to run as root

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def start(self) -> PostgresServer:
        if self._as_root:
            shutil.chown(self.datadir, "postgres", "postgres")
        data = str(self.datadir / "data")
        self._run("initdb", "-D", data, "-A", "trust", "-U", "digitize", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", data, "-o", options, "-l", str(self.datadir / "log"), "-w", "-t", "60",
                  "start")
        self._wait()
        return self

    def _wait(self) -> None:
        deadline = time.time() + 30
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL did not start; see {self.datadir / 'log'}")

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=digitize dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://digitize@127.0.0.1:{self.port}/{name}"

    def create_user_database(self, name: str, user: str, password: str) -> str:
        """A database owned by a login role that must give its password (scram-sha-256, not
        the trust the other tests use); returns its URL without the password."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=digitize dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(user), sql.Literal(password)))
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(user)))
            hba = self.datadir / "data" / "pg_hba.conf"
            rule = f"host all {user} 127.0.0.1/32 scram-sha-256\n"
            hba.write_text(rule + hba.read_text())  # the first matching line wins; the owner stays
            conn.execute("SELECT pg_reload_conf()")
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.datadir, ignore_errors=True)
