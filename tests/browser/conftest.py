"""Real-Chromium fixtures: the app on a live port, the frozen site on a static server, a browser.

One Chromium serves the whole session and every test gets a fresh context, so cookies and
tracking grants never leak between tests. Each page records its console errors (a
Content-Security-Policy violation is one) and the test fails if any were logged.
"""

from __future__ import annotations

import functools
import logging
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)
from werkzeug.serving import make_server

from guide.freeze import build_site
from qyzmet import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_ROOT = REPO_ROOT / "test-artifacts" / "screenshots"

# Running as root needs --no-sandbox; the rest stop Chromium reaching for hosts that are closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
]

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def live_config(root: Path) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "browser-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'live.sqlite3'}",
        "UPLOAD_ROOT": str(root / "attachments"),
        "OUTBOX_DIR": str(root / "outbox"),
        "SMTP_HOST": None,
        "MAIL_DELIVERY": "inline",
        # The journeys file and track several complaints a minute from one address.
        "RATELIMIT_ENABLED": False,
    }


@dataclass
class LiveServer:
    url: str
    app: Flask


class _ServerThread:
    """A WSGI or HTTP server answering from a daemon thread until `stop()`."""

    def __init__(self, server) -> None:
        self.server = server
        self.thread = threading.Thread(target=server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, migrated_sqlite) -> Iterator[LiveServer]:
    """The real app on 127.0.0.1 and a free port, on its own copy of the migrated database."""
    root = tmp_path_factory.mktemp("live")
    shutil.copyfile(migrated_sqlite, root / "live.sqlite3")
    app = create_app(live_config(root))
    # One log line per request would bury a failure's own output.
    request_log = logging.getLogger("werkzeug")
    level = request_log.level
    request_log.setLevel(logging.WARNING)
    running = _ServerThread(make_server("127.0.0.1", 0, app, threaded=True))
    yield LiveServer(running.url, app)
    running.stop()
    request_log.setLevel(level)


class _QuietStaticHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        """Silent: the test output should show failures, not every file served."""

    def send_error(self, code, message=None, explain=None) -> None:
        """Answer unknown paths with the site's own 404.html, as nginx's error_page does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@pytest.fixture(scope="session")
def frozen_site(tmp_path_factory) -> Path:
    """The guide frozen once for the session, with its Pagefind index."""
    root = tmp_path_factory.mktemp("frozen")
    report = build_site(create_app(live_config(root)), root / "site")
    assert not report.link_problems, report.link_problems
    return root / "site"


@pytest.fixture(scope="session")
def static_server(frozen_site) -> Iterator[str]:
    """A plain static file server over the frozen site, as a CDN or nginx would host it."""
    handler = functools.partial(_QuietStaticHandler, directory=str(frozen_site))
    running = _ServerThread(ThreadingHTTPServer(("127.0.0.1", 0), handler))
    yield running.url
    running.stop()


@pytest.fixture(scope="session")
def static_server_under_a_path(frozen_site) -> Iterator[str]:
    """The frozen site in a folder of a static server, as a copy on any host may be."""
    handler = functools.partial(_QuietStaticHandler, directory=str(frozen_site.parent))
    running = _ServerThread(ThreadingHTTPServer(("127.0.0.1", 0), handler))
    yield f"{running.url}/{frozen_site.name}"
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail("Debian's chromium is not on PATH (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class ConsoleLog:
    """Console errors and uncaught exceptions of every page opened in one context."""

    errors: list[str] = field(default_factory=list)
    # Documents the test asked for with an error status on purpose (a 404 page, a form
    # sent back with errors): Chromium logs those as failed loads, which is not a fault.
    documents: set[str] = field(default_factory=set)

    def watch(self, page: Page) -> None:
        page.on("console", lambda message: self._on_console(page, message))
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documents.add(response.url)

    def _on_console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url") or page.url
        if message.text.startswith("Failed to load resource") and source in self.documents:
            return
        self.errors.append(f"{source}: {message.text}")


@pytest.fixture
def console_log(request) -> Iterator[ConsoleLog]:
    """The console errors of the test's pages; any left at the end fail the test."""
    log = ConsoleLog()
    yield log
    if log.errors:
        pytest.fail(f"{request.node.name} logged console errors:\n" + "\n".join(log.errors))


@pytest.fixture
def context(browser, console_log) -> Iterator[BrowserContext]:
    """A desktop-sized context with the site's own CSP in force."""
    context = browser.new_context(**DESKTOP)
    context.on("page", console_log.watch)
    yield context
    context.close()


@pytest.fixture
def phone_context(browser, console_log) -> Iterator[BrowserContext]:
    """A phone: 390 × 844 CSS pixels, touch, mobile viewport rules."""
    context = browser.new_context(**PHONE)
    context.on("page", console_log.watch)
    yield context
    context.close()


@pytest.fixture
def page(context) -> Page:
    return context.new_page()


@pytest.fixture
def phone_page(phone_context) -> Page:
    return phone_context.new_page()


@pytest.fixture
def screenshot(request) -> Callable[..., Path]:
    """Save numbered screenshots under test-artifacts/screenshots/<test name>/.

    By default what the user sees at that moment; `full_page=True` for a whole receipt or form.
    """
    folder = SCREENSHOT_ROOT / re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0

    def take(page: Page, label: str, *, full_page: bool = False) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{label}.png"
        page.screenshot(path=path, full_page=full_page)
        return path

    return take
