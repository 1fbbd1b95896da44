"""Start a real PostgreSQL server for the tests, from Debian's `postgresql` package."""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_database_numbers = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres_user(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run it as the `postgres` system user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PostgresServer:
    directory: Path
    bin_dir: Path
    port: int

    @classmethod
    def start(cls) -> PostgresServer:
        initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not initdb:
            pytest.fail("PostgreSQL's server is not installed: `make test` installs Debian's postgresql package")
        bin_dir = Path(initdb[-1]).parent
        # Not under pytest's temporary directory: the postgres user cannot enter root's.
        directory = Path(tempfile.mkdtemp(prefix="atelier-postgres-"))
        data = directory / "data"
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
        server = cls(directory=directory, bin_dir=bin_dir, port=free_port())
        subprocess.run(_as_postgres_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "atelier",
                                          "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        options = f"-p {server.port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_postgres_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
                                          "-l", str(directory / "server.log"), "start"]), check=True,
                       capture_output=True)
        return server

    def url(self, database: str) -> str:
        return f"postgres://atelier:unused-secret@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        name = f"atelier_test_{next(_database_numbers)}"
        subprocess.run([str(self.bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "atelier",
                        "-d", "postgres", "-q", "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(_as_postgres_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"),
                                          "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(self.directory, ignore_errors=True)
