"""A throwaway PostgreSQL cluster for the test session: real server, temp directory.

PostgreSQL refuses to run as root, so when the suite runs as root the cluster is
owned by the `postgres` system user that Debian's package creates. The server
speaks TLS too (ssl=on, a certificate from a CA made for the run), so
`tls_url` reaches it with `sslmode=verify-full`; `url` stays plain.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.certificates import make_server_certificate


def _pg_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise RuntimeError(
            f"PostgreSQL's {name} is not installed: run `make test` (it installs "
            "the postgresql package as root) or `apt-get install postgresql`"
        )
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresCluster:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="casejourney-pg-"))
        self.port = _free_port()
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *cmd: str) -> None:
        subprocess.run([*self._as_user, *cmd], check=True, capture_output=True, text=True)

    def start(self) -> None:
        data = self.dir / "data"
        self._run(
            _pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        tls = make_server_certificate(self.dir / "tls")
        self.ca = tls.ca
        if self._as_user:  # the server reads its key as the postgres user
            user = pwd.getpwnam("postgres")
            for path in (tls.key, tls.certificate):
                os.chown(path, user.pw_uid, user.pw_gid)
            os.chown(self.dir / "tls", user.pw_uid, user.pw_gid)
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c ssl=on -c ssl_cert_file={tls.certificate} -c ssl_key_file={tls.key}"
        )
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL did not start; see " + str(self.dir / "log"))

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def tls_url(self, database: str, ca: Path | None = None) -> str:
        """The database over TLS, the server's certificate and name checked (verify-full)
        against `ca` (default: the CA that signed it)."""
        root = ca or self.ca
        return f"{self.url(database)}?sslmode=verify-full&sslrootcert={root}"

    def stop(self) -> None:
        try:
            self._run(_pg_bin("pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
