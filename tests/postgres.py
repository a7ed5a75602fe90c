"""A throwaway PostgreSQL server for the test run, started once and removed at the end.

pytest-postgresql's own `postgresql_proc` runs `initdb` as the current user, and PostgreSQL
refuses to run as root — which is what CI runs as. So this plugin starts Debian's binaries
itself (through `runuser -u postgres` when root) on a free port of 127.0.0.1, in a private
temporary directory, and hands the address to pytest-postgresql's `postgresql_noproc` fixture
factory (`depends_on="postgresql_server"`), which creates and drops the databases.

Loaded from tests/conftest.py with `pytest_plugins`.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path

import pytest
from pytest_postgresql import factories
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy.engine import URL

ALLOW_MISSING_VARIABLE = "QYZMET_ALLOW_NO_POSTGRES"
SUPERUSER = "postgres"
START_TIMEOUT_SECONDS = 60

# A throwaway server: nothing in it must survive a power cut, so it does not wait for the disk.
# The durability tests kill the application server, not PostgreSQL: what they prove is that
# the app commits before it answers, which holds whatever fsync does underneath.
TEST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "listen_addresses": "'127.0.0.1'",
    # 8 filing processes at once, the test's own connections and every pool's spare ones.
    "max_connections": "100",
    # Half the default: the machine is shared, and test databases are small.
    "shared_buffers": "64MB",
    "log_line_prefix": "'%m [%p] %d '",
}


@dataclass(frozen=True)
class PostgresServer:
    """Where the throwaway server listens and how to log in.

    Carries the attributes `postgresql_noproc(depends_on=...)` reads from the fixture it
    depends on; `template_dbname` is PostgreSQL's own default template, so the databases
    pytest-postgresql creates start as plain `CREATE DATABASE` would make them.
    """

    host: str
    port: int
    user: str
    password: str
    socket_dir: Path
    data_dir: Path
    options: str = ""
    maintenance_dbname: str = "postgres"
    template_dbname: str = "template1"

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of one database, through psycopg 3 as the application connects."""
        return URL.create(
            "postgresql+psycopg",
            username=self.user,
            password=self.password,
            host=self.host,
            port=self.port,
            database=dbname,
        ).render_as_string(hide_password=False)

    @contextlib.contextmanager
    def fresh_database(self, template: str | None = None) -> Iterator[str]:
        """A new database copied from `template` (or empty), dropped afterwards; yields its URL.

        Dropping terminates any connection a test left open, so a leak cannot block the next.
        """
        janitor = DatabaseJanitor(
            user=self.user,
            host=self.host,
            port=self.port,
            password=self.password,
            dbname=f"test_{os.getpid()}_{next(_database_numbers)}",
            template_dbname=template,
            maintenance_dbname=self.maintenance_dbname,
        )
        with janitor:
            yield self.url(janitor.dbname)


_database_numbers = itertools.count(1)


def find_binaries() -> Path | None:
    """The newest Debian PostgreSQL bin directory, else one on PATH, else None."""

    def major(path: str) -> int:
        found = re.search(r"/postgresql/(\d+)/", path)
        return int(found.group(1)) if found else 0

    candidates = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=major, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Runner:
    """Runs the server's programs as a user PostgreSQL accepts: `postgres` when we are root."""

    def __init__(self, bin_dir: Path, workdir: Path) -> None:
        self.bin_dir = bin_dir
        self.workdir = workdir
        self.as_root = os.geteuid() == 0
        if self.as_root:
            try:
                account = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise RuntimeError(
                    f"running as root, PostgreSQL must run as the '{SUPERUSER}' user, which "
                    "does not exist; install Debian's postgresql package "
                    "(scripts/install-system-deps.sh) or run the tests as a normal user"
                ) from None
            if not shutil.which("runuser"):
                raise RuntimeError("running as root needs runuser (util-linux) to start PostgreSQL")
            os.chown(workdir, account.pw_uid, account.pw_gid)
            self._owner = account
        workdir.chmod(0o700)

    def give(self, path: Path) -> None:
        """Hand a file we wrote to the user the server runs as."""
        if self.as_root:
            os.chown(path, self._owner.pw_uid, self._owner.pw_gid)

    def __call__(self, program: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # The working directory is ours: postgres may not be allowed into the caller's.
        return subprocess.run(
            command,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_SECONDS + 30,
            check=False,
        )


def _checked(result: subprocess.CompletedProcess[str], what: str, log: Path | None = None) -> None:
    if result.returncode == 0:
        return
    details = [result.stdout.strip(), result.stderr.strip()]
    if log is not None and log.exists():
        details.append(f"server log {log}:\n{log.read_text(errors='replace')[-4000:]}")
    raise RuntimeError(f"{what} failed ({result.returncode}):\n" + "\n".join(filter(None, details)))


@contextlib.contextmanager
def throwaway_server(bin_dir: Path) -> Iterator[PostgresServer]:
    """A fresh cluster in a temporary directory, running while the block runs.

    The directory is made with `tempfile` under /tmp, not pytest's basetemp: pytest makes
    its basetemp readable by the current user only, and as root the server is another user.
    """
    workdir = Path(tempfile.mkdtemp(prefix="qyzmet-pg-"))
    data_dir = workdir / "data"
    log = workdir / "server.log"
    run = None
    try:
        run = _Runner(bin_dir, workdir)
        password = secrets.token_urlsafe(24)
        password_file = workdir / "password"
        password_file.write_text(password + "\n")
        run.give(password_file)
        _checked(
            run(
                "initdb",
                f"--pgdata={data_dir}",
                f"--username={SUPERUSER}",
                f"--pwfile={password_file}",
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "--no-instructions",
            ),
            "initdb",
        )
        password_file.unlink()
        port = _free_port()
        settings = {
            **TEST_SETTINGS,
            "port": str(port),
            "unix_socket_directories": f"'{workdir}'",
        }
        # Appending keeps the file's owner (the server's user) when we are root.
        with open(data_dir / "postgresql.conf", "a") as conf:
            conf.write("\n# Throwaway server for the Qyzmet test suite\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        _checked(
            run(
                "pg_ctl",
                "start",
                f"--pgdata={data_dir}",
                f"--log={log}",
                "--wait",
                f"--timeout={START_TIMEOUT_SECONDS}",
            ),
            "pg_ctl start",
            log,
        )
        yield PostgresServer(
            host="127.0.0.1",
            port=port,
            user=SUPERUSER,
            password=password,
            socket_dir=workdir,
            data_dir=data_dir,
        )
    finally:
        # Also after a start that timed out: the postmaster may be up even so.
        if run is not None and (data_dir / "postmaster.pid").exists():
            run("pg_ctl", "stop", f"--pgdata={data_dir}", "--mode=fast", "--wait")
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server; missing binaries fail the tests unless allowed."""
    bin_dir = find_binaries()
    if bin_dir is None:
        reason = (
            "no PostgreSQL binaries (/usr/lib/postgresql/*/bin or initdb on PATH); "
            "`make test` installs Debian's postgresql package"
        )
        if os.environ.get(ALLOW_MISSING_VARIABLE) == "1":
            pytest.skip(f"{reason}; skipped because {ALLOW_MISSING_VARIABLE}=1")
        pytest.fail(
            f"{reason}. Set {ALLOW_MISSING_VARIABLE}=1 to skip the PostgreSQL tests instead.",
            pytrace=False,
        )
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(throwaway_server(bin_dir))
        except RuntimeError as error:
            pytest.fail(f"could not start the throwaway PostgreSQL server: {error}", pytrace=False)
        yield server


# pytest-postgresql's own fixture names, pointed at this server: as shipped, `postgresql_noproc`
# expects a server on port 5432 and `postgresql` starts one with `initdb` as the current user,
# which fails as root. Here `postgresql` is a psycopg connection to a fresh, empty database.
postgresql_noproc = factories.postgresql_noproc(depends_on="postgresql_server")
postgresql = factories.postgresql("postgresql_noproc")
