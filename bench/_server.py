"""The servers a benchmark runs against: gunicorn with the bench app, and a throwaway PostgreSQL.

Both are started here and stopped by their own process id when the block ends, so a failed
run leaves nothing behind.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Gunicorn:
    """How the app server runs; printed beside the figures it produced."""

    workers: int
    threads: int
    wsgi: str = "bench.wsgi:app"

    def describe(self) -> str:
        return (
            f"gunicorn {self.wsgi}, {self.workers} workers × {self.threads} threads "
            "(gthread, keep-alive 5 s) on 127.0.0.1"
        )


@dataclass(frozen=True)
class Server:
    address: str  # host:port
    pid: int  # gunicorn's master process
    database_pid: int | None  # PostgreSQL's postmaster; None for SQLite (in the workers)


@contextlib.contextmanager
def running_gunicorn(
    settings: Gunicorn, env: dict[str, str], log: Path, database_pid: int | None = None
) -> Iterator[Server]:
    """Serve the app (`bench.wsgi:app` unless told) until the block ends; yields once /healthz
    answers."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--worker-class",
        "gthread",
        "--workers",
        str(settings.workers),
        "--threads",
        str(settings.threads),
        "--keep-alive",
        "5",
        # The listen queue must hold every load-generator connection at once.
        "--backlog",
        "256",
        "--chdir",
        str(PROJECT_ROOT),
        settings.wsgi,
    ]
    with open(log, "ab") as log_file:
        server = subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT
        )
    try:
        _wait_until_healthy(server, port, log)
        yield Server(f"127.0.0.1:{port}", server.pid, database_pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def report_tracebacks(name: str, log: Path) -> int:
    """Print each distinct traceback the server logged: the log goes with its temporary folder.

    Returns how many tracebacks there were.
    """
    text = log.read_text(errors="replace")
    count = text.count("Traceback")
    if not count:
        return 0
    seen: dict[str, int] = {}
    for block in text.split("Traceback")[1:]:
        # Up to the first line that is not indented: the exception and its message.
        lines = block.splitlines()
        end = next(
            (i for i, line in enumerate(lines[1:], 1) if line and not line.startswith(" ")), 0
        )
        excerpt = "\n".join(lines[: end + 1])
        seen[excerpt] = seen.get(excerpt, 0) + 1
    print(f"[{name}] the server logged {count} traceback(s), {len(seen)} distinct:")
    for excerpt, times in seen.items():
        print(f"  {times} ×  Traceback{excerpt}".replace("\n", "\n    "))
    return count


def _wait_until_healthy(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {STARTUP_SECONDS} s; see {log}")


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after it do not.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children, e.g. gunicorn's
    master and workers, or PostgreSQL's postmaster and backends."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        # fields[1] is the parent's pid; [11] and [12] are user and system ticks.
        if fields and (int(entry.name) == pid or int(fields[1]) == pid):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def worker_threads(pid: int) -> list[int]:
    """How many threads each child of `pid` (each gunicorn worker) has now."""
    counts = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and int(fields[1]) == pid:
            counts.append(int(fields[17]))  # num_threads
    return sorted(counts)


# PostgreSQL as a production server would run it: fsync and synchronous commit stay on.
POSTGRES_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "max_connections": "100",
    "shared_buffers": "256MB",
    "max_wal_size": "4GB",
    "log_min_messages": "warning",
}


@dataclass(frozen=True)
class Postgres:
    url: str  # SQLAlchemy URL of the benchmark's database
    pid: int  # the postmaster


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    """A fresh PostgreSQL cluster on a free port, removed when the block ends.

    PostgreSQL refuses to run as root, so as root its programs run as the `postgres` user
    (Debian's package creates it) through runuser. Loopback connections are trusted: the
    server lives for one benchmark and listens on 127.0.0.1 only.
    """
    if not (POSTGRES_BIN / "initdb").exists():
        raise RuntimeError(f"no PostgreSQL in {POSTGRES_BIN}; `make bench` installs it")
    workdir = Path(tempfile.mkdtemp(prefix="qyzmet-bench-pg-"))
    data_dir = workdir / "data"
    as_root = os.geteuid() == 0
    if as_root:
        account = pwd.getpwnam("postgres")
        os.chown(workdir, account.pw_uid, account.pw_gid)

    def run(program: str, *args: str) -> None:
        command = [str(POSTGRES_BIN / program), *args]
        if as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed: {result.stdout}{result.stderr}")

    try:
        run(
            "initdb",
            f"--pgdata={data_dir}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-instructions",
        )
        port = free_port()
        settings = {
            **POSTGRES_SETTINGS,
            "port": str(port),
            "unix_socket_directories": f"'{workdir}'",
        }
        with open(data_dir / "postgresql.conf", "a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
        run(
            "pg_ctl",
            "start",
            f"--pgdata={data_dir}",
            f"--log={workdir / 'server.log'}",
            "--wait",
            f"--timeout={STARTUP_SECONDS}",
        )
        run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "qyzmet_bench")
        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
        yield Postgres(f"postgresql+psycopg://postgres@127.0.0.1:{port}/qyzmet_bench", pid)
    finally:
        if (data_dir / "postmaster.pid").exists():
            run("pg_ctl", "stop", f"--pgdata={data_dir}", "--mode=fast", "--wait")
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_settings() -> str:
    return ", ".join(f"{name}={value}" for name, value in POSTGRES_SETTINGS.items()) + (
        ", fsync=on, synchronous_commit=on (defaults)"
    )


# A benchmark's work on one database: its name ("SQLite", "PostgreSQL"), SQLAlchemy URL,
# the server's pid (None for SQLite, which runs in the app) and a scratch folder; it returns
# its figures and its table rows.
BenchDatabase = Callable[[str, str, int | None, Path], tuple[list, list[list[str]]]]


def on_each_database(
    databases: list[str], prefix: str, bench_database: BenchDatabase
) -> tuple[list, list[list[str]]]:
    """Run `bench_database` on a fresh SQLite file and a throwaway PostgreSQL, as asked."""
    print(
        "SQLite: file in WAL mode, synchronous=FULL (qyzmet.database). "
        f"PostgreSQL 15: throwaway cluster, {postgres_settings()}."
    )
    figures: list = []
    table: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        scratch = Path(tmp)
        if "sqlite" in databases:
            url = f"sqlite:///{scratch / 'bench.sqlite3'}"
            found, rows = bench_database("SQLite", url, None, scratch)
            figures += found
            table += rows
        if "postgresql" in databases:
            with throwaway_postgres() as postgres:
                found, rows = bench_database("PostgreSQL", postgres.url, postgres.pid, scratch)
                figures += found
                table += rows
    return figures, table


def add_server_arguments(parser: argparse.ArgumentParser, quick_help: str, users: str) -> None:
    """The options every load benchmark shares: size, output, databases and the server."""
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--json", type=Path, help="also write the figures here (for run.py)")
    parser.add_argument(
        "--database", choices=["sqlite", "postgresql"], action="append", help="default: both"
    )
    parser.add_argument("--users", type=int, default=4, help=f"concurrent simulated {users}")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--profile", type=Path, help="record py-spy samples into this folder")
    parser.add_argument(
        "--wsgi",
        default="bench.wsgi:app",
        help="the app to serve, to measure a change before making it (keep the baselines: "
        "build it with bench.wsgi.create_bench_app)",
    )
