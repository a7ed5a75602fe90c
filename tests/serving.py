"""Real servers for the deployment and durability tests: gunicorn and redis-server.

Each runs as a subprocess on a free port of 127.0.0.1 with its output in a log file under the
test's temporary directory, is waited for until it really answers, and is stopped by its own
process id when the block ends — also when the test fails.

gunicorn is started with the sample configuration `deploy/gunicorn.conf.py`, so the tests
exercise what a deployment runs; only the address, the worker count and the logs differ.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import redis
import requests
from helpers import VALID, hidden_fields

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
# The app takes seconds to import and load its content, more on a busy 2-core machine.
STARTUP_SECONDS = 180
STOP_SECONDS = 30
# Every request of a test is bounded: a hung server fails the test instead of stalling it.
REQUEST_SECONDS = 60
# The worker's pid first, so a test can tell which worker served which request.
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(s)s"
# Configuration the app reads from the environment; a developer's own values must not leak in.
APP_VARIABLES = (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "QYZMET_PRODUCTION",
    "QYZMET_DISABLE_RATE_LIMITS",
    "QYZMET_PROXY_HOPS",
    "SMTP_HOST",
    "SMTP_PORT",
    "SMTP_USERNAME",
    "SMTP_PASSWORD",
    "SMTP_STARTTLS",
    "MAIL_FROM",
    "MAIL_DELIVERY",
    "UPLOAD_ROOT",
    "OUTBOX_DIR",
    "SQLITE_SYNCHRONOUS",
    "DATABASE_LOCK_TIMEOUT",
    "GUIDE_CONTENT_ROOT",
    "SITE_URL",
    "WEB_CONCURRENCY",
    "GUNICORN_CMD_ARGS",
)


class ServerError(RuntimeError):
    """A server did not start or stop as it should; the message carries its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def app_environment(database_url: str, data_dir: Path, **overrides: str | None) -> dict[str, str]:
    """The environment of a production server, on the test's database and folders.

    An override of None removes the variable.
    """
    env = {name: value for name, value in os.environ.items() if name not in APP_VARIABLES}
    env.update(
        SECRET_KEY="serving-test-secret-key",
        SITE_URL="https://qyzmet.example",
        DATABASE_URL=database_url,
        UPLOAD_ROOT=str(data_dir / "attachments"),
        OUTBOX_DIR=str(data_dir / "outbox"),
        # Mail goes to the outbox folder before the response, so no thread outlives a kill.
        MAIL_DELIVERY="inline",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _tail(path: Path, chars: int = 6000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return "(no log)"


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces and parentheses; the fields after it do not.
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None  # a zombie is dead already, whoever reaps it
    return int(fields[1])


def _alive(pid: int) -> bool:
    return _parent_of(pid) is not None


def children_of(pid: int) -> set[int]:
    return {
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _parent_of(int(entry.name)) == pid
    }


@dataclass
class Gunicorn:
    """A running gunicorn: its master process, address and logs."""

    process: subprocess.Popen
    port: int
    log: Path
    access_log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> set[int]:
        return children_of(self.process.pid)

    def served_by(self, method: str, path: str) -> list[int]:
        """The pid of the worker that served each matching request, in the access log's order."""
        # ACCESS_LOG_FORMAT ("<pid> GET /path 200") or the deployment's ('"GET /path HTTP/1.1"
        # 200 … <pid>'): gunicorn writes %(p)s as <pid>.
        request = re.compile(
            rf'(?:^<\d+> |"){re.escape(method)} {re.escape(path)}(?: HTTP/[\d.]+")? \d{{3}}\b'
        )
        return [
            int(re.search(r"<(\d+)>", line).group(1))
            for line in _tail(self.access_log, 10_000_000).splitlines()
            if request.search(line)
        ]

    def log_tail(self) -> str:
        return f"--- {self.log}:\n{_tail(self.log)}"

    def kill(self, workers: set[int] | None = None) -> None:
        """SIGKILL the master and every worker, as a power cut or the OOM killer would.

        One signal to the process group reaches them all at the same instant: killed one by
        one, the workers would go on answering (and finish the requests in flight) while the
        master died. `workers` may be read beforehand, so that the kill itself follows a
        moment the caller chose.
        """
        workers = self.worker_pids() if workers is None else workers
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_SECONDS)
        deadline = time.monotonic() + STOP_SECONDS
        while any(_alive(pid) for pid in workers):
            if time.monotonic() > deadline:
                raise ServerError(f"gunicorn workers {workers} survived SIGKILL")
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop at once (SIGINT: workers end without waiting on idle keep-alive connections).

        SIGKILL if it does not stop in time.
        """
        if self.process.poll() is not None:
            return
        workers = self.worker_pids()
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        for pid in workers:
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def _healthz(url: str) -> None:
    with contextlib.suppress(requests.RequestException):
        requests.get(f"{url}/healthz", headers={"Connection": "close"}, timeout=REQUEST_SECONDS)


def _wait_until_every_worker_answers(server: Gunicorn, workers: int) -> None:
    """Until each worker has served /healthz: the app is loaded in every one of them.

    Requests go in parallel over fresh connections, so an idle worker gets its share even while
    another is quicker to accept.
    """
    deadline = time.monotonic() + STARTUP_SECONDS
    with ThreadPoolExecutor(max_workers=2 * workers) as pool:
        while len(set(server.served_by("GET", "/healthz"))) < workers:
            if server.process.poll() is not None:
                raise ServerError(
                    f"gunicorn exited with {server.process.returncode}\n{server.log_tail()}"
                )
            if time.monotonic() > deadline:
                raise ServerError(
                    f"gunicorn's {workers} workers did not all answer /healthz in "
                    f"{STARTUP_SECONDS} s\n{server.log_tail()}"
                )
            list(pool.map(_healthz, [server.url] * (2 * workers)))
            time.sleep(0.1)


@contextlib.contextmanager
def running_gunicorn(
    env: dict[str, str],
    log_dir: Path,
    *,
    workers: int = 2,
    port: int | None = None,
    name: str = "gunicorn",
    access_log_format: str | None = ACCESS_LOG_FORMAT,
) -> Iterator[Gunicorn]:
    """gunicorn with deploy/gunicorn.conf.py on 127.0.0.1, ready when every worker answers.

    The access log is written in ACCESS_LOG_FORMAT, which `served_by` reads; None keeps the
    deployment's own format.
    """
    port = port or free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    log = log_dir / f"{name}.log"
    access_log = log_dir / f"{name}.access.log"
    access_log.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(GUNICORN_CONFIG),
        "--chdir",
        str(PROJECT_ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(access_log),
        "--error-logfile",
        "-",
    ]
    if access_log_format is not None:
        command += ["--access-logformat", access_log_format]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=PROJECT_ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            # Its own process group, which kill() signals as one.
            start_new_session=True,
        )
    server = Gunicorn(process, port, log, access_log)
    try:
        _wait_until_every_worker_answers(server, workers)
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def running_redis(workdir: Path, port: int | None = None) -> Iterator[str]:
    """A throwaway redis-server on `port` (else a free one), keeping nothing on disk; yields
    its URL."""
    executable = shutil.which("redis-server")
    if executable is None:
        raise ServerError(
            "redis-server is not installed; `make test` installs Debian's redis-server package"
        )
    workdir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = workdir / "redis.log"
    command = [
        executable,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        "--logfile",
        str(log),
    ]
    process = subprocess.Popen(command, cwd=workdir)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url, socket_timeout=5)
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise ServerError(f"redis-server exited with {process.returncode}\n{_tail(log)}")
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise ServerError(f"redis-server did not answer\n{_tail(log)}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --------------------------------------------------------------------------------------------
# Clients


_RECEIPT = re.compile(r'id="registration-number">([^<]+)<.*?id="access-code">([^<]+)<', re.S)


def receipt_of(html: str) -> tuple[str, str]:
    """The registration number and access code a receipt page shows."""
    found = _RECEIPT.search(html)
    if found is None:
        raise AssertionError(f"not a receipt page:\n{html[:2000]}")
    return found.group(1).strip(), found.group(2).strip()


class HttpApplicant:
    """An applicant's browser: gets each form, then posts it back with its hidden fields.

    Each instance keeps its own cookies (the session that the CSRF token belongs to).
    """

    def __init__(self, base_url: str, lang: str = "kk") -> None:
        self.base_url = base_url
        self.lang = lang
        self.session = requests.Session()

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{self.lang}/complaints/{path}"

    def filing_form(self) -> dict[str, str]:
        """The filled-in form with this page's CSRF and submission tokens."""
        response = self.session.get(self._url("new/"), timeout=REQUEST_SECONDS)
        response.raise_for_status()
        return {**VALID, **hidden_fields(response.text)}

    def post_filing(self, form: dict[str, str]) -> requests.Response:
        # multipart/form-data with an empty file part, as a browser sends the form when no
        # file is attached.
        return self.session.post(
            self._url("new/"),
            data=form,
            files=[("attachments", ("", b"", "application/octet-stream"))],
            timeout=REQUEST_SECONDS,
        )

    def tracking_form(self) -> dict[str, str]:
        response = self.session.get(self._url("track/"), timeout=REQUEST_SECONDS)
        response.raise_for_status()
        return hidden_fields(response.text)

    def post_tracking(
        self, tokens: dict[str, str], number: str, code: str, headers: dict[str, str] | None = None
    ) -> requests.Response:
        """One lookup over a fresh connection, so that any worker may be the one to answer."""
        return requests.post(
            self._url("track/"),
            data={**tokens, "registration_number": number, "access_code": code},
            cookies=self.session.cookies,
            headers={"Connection": "close", **(headers or {})},
            allow_redirects=False,
            timeout=REQUEST_SECONDS,
        )
