"""A throwaway PostgreSQL cluster and the target-postgres executable, for tests/pg only.

The cluster lives in a temp folder for the whole session: ``initdb`` with trust auth, then
``pg_ctl start`` on a free loopback port with its socket in that folder; it is stopped and
deleted at the end. As root (CI), initdb and the server run as the ``postgres`` OS user through
``runuser``, on a folder chowned to it. With no PostgreSQL binaries the fixture fails on CI
(``CI=true``) and skips elsewhere, saying why.

The server's TimeZone is deliberately not UTC (Asia/Kolkata, +05:30 all year), so that anything
depending on the server's zone shows up in the tests instead of passing by luck.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import typing as t
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.pg.harness import TargetRunner, find_target_postgres, unavailable

try:
    import psycopg
except ImportError:  # reported by the pg_server fixture
    psycopg = None  # type: ignore[assignment]

if t.TYPE_CHECKING:
    from collections.abc import Callable, Iterator

PG_MAJOR = "15"
SERVER_TIMEZONE = "Asia/Kolkata"
OS_USER = "postgres"  # owns the cluster when the tests run as root
SUPERUSER = "postgres"  # the database role the tests and the target log in as
# target-postgres 0.8.1 refuses a config without a password, even when the server trusts us.
PASSWORD = "unused-with-trust-auth"  # noqa: S105
DATABASE = "warehouse"
START_ATTEMPTS = 3


@dataclass(frozen=True)
class PgServer:
    """How to reach the throwaway cluster's database."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    version: str

    def connect(self, dbname: str | None = None) -> psycopg.Connection[t.Any]:
        """An autocommit psycopg connection (close it, or use it in a ``with``)."""
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password,
            dbname=dbname or self.dbname,
            autocommit=True,
            connect_timeout=10,
        )

    def target_settings(self) -> dict[str, t.Any]:
        """The connection settings of target-postgres."""
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "database": self.dbname,
        }


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: PG_BINDIR if set, else found, preferring 15."""
    if env := os.environ.get("PG_BINDIR"):
        candidates = [Path(env)]
    else:
        candidates = []
        if pg_config := shutil.which("pg_config"):
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=False
            )
            if out.returncode == 0 and out.stdout.strip():
                candidates.append(Path(out.stdout.strip()))
        candidates.append(Path(f"/usr/lib/postgresql/{PG_MAJOR}/bin"))
        if initdb := shutil.which("initdb"):
            candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """initdb / pg_ctl on a temp folder, as the postgres OS user when we are root."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.prefix: list[str] = []
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the cluster as the postgres user.
            runuser = shutil.which("runuser")
            try:
                owner = pwd.getpwnam(OS_USER)
            except KeyError:
                owner = None
            if runuser is None or owner is None:
                unavailable(
                    "running as root needs `runuser` and a `postgres` OS user to own the "
                    "throwaway cluster (initdb refuses root)"
                )
            self.prefix = [runuser, "-u", OS_USER, "--"]
        # /tmp itself when root: the postgres user must be able to reach the folder.
        self.base = Path(
            tempfile.mkdtemp(prefix="tap-engagebay-pg-", dir="/tmp" if owner else None)  # noqa: S108
        )
        if owner is not None:
            os.chown(self.base, owner.pw_uid, owner.pw_gid)
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.log = self.base / "server.log"
        self.started = False

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        return subprocess.run(
            [*self.prefix, *args],
            cwd=self.base,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no server log)"

    def init(self) -> str:
        out = self.run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        if out.returncode != 0:
            pytest.fail(f"initdb failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
        self.run("mkdir", "-p", str(self.sockets))
        version = self.run(str(self.bindir / "postgres"), "--version").stdout.strip()
        return version or "unknown"

    def start(self) -> int:
        errors = []
        for _ in range(START_ATTEMPTS):  # another process may take the free port first
            port = free_port()
            options = " ".join(
                shlex.quote(o)
                for o in (
                    "-k",
                    str(self.sockets),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-c",
                    "fsync=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    f"TimeZone={SERVER_TIMEZONE}",
                )
            )
            out = self.run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "-o",
                options,
                "start",
            )
            if out.returncode == 0:
                self.started = True
                return port
            errors.append(f"port {port}: {out.stdout}{out.stderr}\n{self.log_tail()}")
        pytest.fail("pg_ctl start failed:\n" + "\n".join(errors))

    def stop(self) -> None:
        if self.started:
            self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)


def wait_until_ready(server: PgServer, cluster: Cluster, dbname: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with server.connect(dbname) as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                pytest.fail("PostgreSQL did not accept connections:\n" + cluster.log_tail())
            time.sleep(0.1)
        else:
            return


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A running PostgreSQL cluster with an empty database ``warehouse``, for the session."""
    if psycopg is None:
        unavailable("psycopg is not installed (pip install -e '.[dev]')")
    bindir = find_bindir()
    if bindir is None:
        unavailable(
            "no PostgreSQL binaries (initdb, pg_ctl) found"
            + (f" in PG_BINDIR={os.environ['PG_BINDIR']}" if os.environ.get("PG_BINDIR") else "")
            + ": install PostgreSQL 15 or set PG_BINDIR"
        )
    cluster = Cluster(bindir)
    try:
        version = cluster.init()
        port = cluster.start()
        server = PgServer("127.0.0.1", port, SUPERUSER, PASSWORD, DATABASE, version)
        wait_until_ready(server, cluster, "postgres")
        with server.connect("postgres") as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        yield server
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def target_postgres(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The target-postgres executable: Meltano's install if current, else a fresh venv."""
    exe, problem = find_target_postgres(tmp_path_factory.mktemp("target-postgres-venv"))
    if exe is None:
        unavailable(problem)
    return exe


@pytest.fixture(scope="session")
def pycache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bytecode cache for the plugin executables (their venvs hold no .pyc files)."""
    return tmp_path_factory.mktemp("pycache")


@pytest.fixture(scope="session")
def make_target(
    pg_server: PgServer,
    target_postgres: Path,
    pycache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], TargetRunner]:
    """Makes runners of target-postgres, each loading into a new schema named after its label."""

    def make(label: str) -> TargetRunner:
        name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[-40:]
        schema = f"t_{hashlib.sha256(label.encode()).hexdigest()[:6]}_{name}"
        workdir = tmp_path_factory.mktemp("target")
        return TargetRunner(target_postgres, pg_server.target_settings(), schema, workdir, pycache)

    return make


@pytest.fixture
def target(
    make_target: Callable[[str], TargetRunner], request: pytest.FixtureRequest
) -> TargetRunner:
    """A runner loading into a schema of this test's own (the cluster is thrown away after)."""
    return make_target(request.node.nodeid)
