"""Freeze the guide to plain files any web server can host, then index them with Pagefind."""

from __future__ import annotations

import multiprocessing
import os
import posixpath
import re
import shutil
import subprocess  # nosec B404  # runs only Pagefind, with fixed arguments
import sys
import time
import warnings
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning

from guide.linkcheck import APP_PREFIXES, LinkProblem, Scan, check_site, scan_page
from guide.schema import LANGUAGES
from guide.search_fold import add_folded_fields
from guide.views import RECHECK_SECONDS, get_content, guide_pages
from qyzmet.extensions import limiter


def default_jobs() -> int:
    """One worker per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class BuildReport:
    pages: int
    files: int
    seconds: float
    link_problems: list[LinkProblem]


def make_freezer(app: Flask, shard: int = 0, shards: int = 1) -> Freezer:
    """A freezer for every `shards`-th guide page, starting at `shard` (static files in shard 0).

    Explicit generators only: the app also has dynamic routes (complaints, staff, /healthz).
    """
    defaults = list(app.url_default_functions.get(None, []))
    freezer = Freezer(
        app, with_no_argument_rules=False, log_url_for=False, with_static_files=shard == 0
    )
    # Frozen-Flask puts a url_for logger first in the app's URL defaults even with
    # log_url_for=False, where it never turns it on. Taken out again: every url_for would
    # call it (one more per build), and with it qyzmet.urls cannot remember URLs.
    app.url_default_functions[None] = defaults

    @freezer.register_generator
    def pages():
        if shard == 0:
            yield "guide.choose_language", {}
            yield "guide.not_found_page", {}
            yield "guide.sitemap", {}
            yield "guide.robots", {}
        with app.app_context():
            content = get_content()
        # Language by language, so that each process takes its share of both: Kazakh pages
        # cost more to finish (their folded search words), and with two processes a page-by-page
        # kk, ru, kk, ru order would give one process every Kazakh page.
        pages_of_the_guide = list(guide_pages(content))
        localised = [
            (endpoint, {"lang_code": lang, **values})
            for lang in LANGUAGES
            for endpoint, values in pages_of_the_guide
        ]
        yield from localised[shard::shards]

    return freezer


def _freeze(app: Flask, shard: int, shards: int) -> set[str]:
    # The freezer's requests are our own: rate limits would only cost each page a check.
    rate_limits = limiter.enabled
    limiter.enabled = False
    try:
        with warnings.catch_warnings():
            # The app's dynamic routes (complaints, staff, /healthz) are deliberately not frozen.
            warnings.simplefilter("ignore", MissingURLGeneratorWarning)
            return make_freezer(app, shard, shards).freeze()
    finally:
        limiter.enabled = rate_limits


# Pages served at other paths than their own, whose links must work from any of them.
ROOT_RELATIVE_PAGES = frozenset({"/404.html"})


def _page_file(out_dir: Path, url: str) -> Path:
    path = url.split("?", 1)[0].lstrip("/")
    return out_dir / path / "index.html" if url.endswith("/") else out_dir / path


# A root-relative link in an attribute: `href="/kk/"`, `src="/static/…"`, `action="/kk/search/"`.
_ROOT_LINK = re.compile(r'(\s(?:href|src|action)=")(/(?!/)[^"]*)"')


def relative_links(page_url: str, text: str, app_url: str) -> str:
    """The page with every link to the guide relative to the page, and every link to the
    application (the complaint form, tracking) absolute at `app_url`.

    So the frozen site works under any static server, at any host and path, and on the
    production host, where the application is `app_url`. Folders stay folders (`../bodies/x/`,
    not `../bodies/x/index.html`): the addresses citizens see and share stay the ones the
    sitemap and the `hreflang` alternates give.
    """
    page_dir = page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/"

    def rewrite(match: re.Match[str]) -> str:
        value = match.group(2)
        if value.startswith(APP_PREFIXES):
            return f'{match.group(1)}{app_url}{value}"'
        cut = min((i for i in (value.find("?"), value.find("#")) if i >= 0), default=len(value))
        path, rest = value[:cut], value[cut:]
        relative = posixpath.relpath(path, page_dir)
        if path.endswith("/"):
            relative = "./" if relative == "." else relative + "/"
        return f'{match.group(1)}{relative}{rest}"'

    return _ROOT_LINK.sub(rewrite, text)


def _finish_frozen(out_dir: Path, urls: set[str], app_url: str) -> dict[str, Scan]:
    """Make the links of the pages this process wrote relative (and give the Kazakh ones their
    folded words for search), then scan them, so that work and the link check's reading are
    spread over cores."""
    scans = {}
    for url in urls:
        page = _page_file(out_dir, url)
        if page.suffix != ".html" or not page.is_file():
            continue
        # The 404 page answers for any path: only links from the site's root reach its assets.
        if url not in ROOT_RELATIVE_PAGES:
            text = relative_links(url, page.read_text(encoding="utf-8"), app_url)
            if url.startswith("/kk/"):
                # Found also when typed without Kazakh letters (guide/search_fold.py).
                text = add_folded_fields(text)
            page.write_text(text, encoding="utf-8")
        scans[str(page.relative_to(out_dir))] = scan_page(page)
    return scans


def _freeze_shard(app: Flask, out_dir: Path, shard: int, shards: int, results: Queue) -> None:
    try:
        urls = _freeze(app, shard, shards)
        results.put((shard, urls, _finish_frozen(out_dir, urls, app.config["SITE_URL"]), None))
    except BaseException as error:  # reported by the parent, which fails the build
        results.put((shard, set(), {}, f"{type(error).__name__}: {error}"))


def _compile_templates(app: Flask) -> None:
    """Compile the layout and the guide's templates once, before the fork, rather than in
    every worker."""
    environment = app.jinja_env
    for name in environment.list_templates():
        if name == "base.html" or name.startswith("guide/"):
            environment.get_template(name)


def freeze_pages(app: Flask, out_dir: Path, jobs: int) -> tuple[set[str], dict[str, Scan]]:
    """Freeze every page into `out_dir`, in `jobs` processes forked from this one.

    Pages are independent, so the build scales with cores; the content is loaded once, before
    the fork, and shared by the workers.
    """
    app.config["FREEZER_DESTINATION"] = str(out_dir)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        urls = _freeze(app, 0, 1)
        return urls, _finish_frozen(out_dir, urls, app.config["SITE_URL"])
    shutil.rmtree(out_dir, ignore_errors=True)
    # Each worker writes only its own pages; none may delete the others' files.
    app.config["FREEZER_REMOVE_EXTRA_FILES"] = False
    with app.app_context():
        get_content()
    _compile_templates(app)
    context = multiprocessing.get_context("fork")
    results: Queue = context.Queue()
    workers = [
        context.Process(target=_freeze_shard, args=(app, out_dir, shard, jobs, results))
        for shard in range(jobs)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    errors = [error for *_, error in outcomes if error]
    if errors:
        raise RuntimeError("freezing failed: " + "; ".join(errors))
    urls = set().union(*(urls for _, urls, _, _ in outcomes))
    scans = {path: scan for _, _, shard_scans, _ in outcomes for path, scan in shard_scans.items()}
    return urls, scans


def pagefind_command() -> list[str]:
    """Pagefind's own binary, as `python -m pagefind` finds it, without that interpreter.

    The wrapper's Python start costs about 0.1 CPU-s before it runs the binary: half a
    millisecond per page of the real site. `PAGEFIND_BINARY_PATH` wins, as in the wrapper.
    """
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        return [configured]
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]

        return [str(get_executable().resolve())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def run_pagefind(out_dir: Path) -> None:
    """Index the frozen pages; Pagefind keeps one index per `<html lang>` (kk and ru)."""
    subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, Pagefind's own binary
        [*pagefind_command(), "--site", str(out_dir), "--silent"],
        check=True,
    )


def build_site(
    app: Flask, out_dir: Path, search_index: bool = True, jobs: int | None = None
) -> BuildReport:
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    # One build, one version of the content: no page re-reads the content tree midway (a walk
    # of every file, which costs a 2,000-service site about 0.1 s each time).
    recheck = app.config.get("GUIDE_RECHECK_SECONDS", RECHECK_SECONDS)
    app.config["GUIDE_RECHECK_SECONDS"] = None
    try:
        urls, scans = freeze_pages(app, out_dir, jobs if jobs is not None else default_jobs())
    finally:
        app.config["GUIDE_RECHECK_SECONDS"] = recheck
    html_pages = sum(1 for url in urls if url.endswith("/") or url.endswith(".html"))
    if search_index:
        run_pagefind(out_dir)
    # os.walk rather than Path.rglob + is_file: a quarter of the CPU over Pagefind's thousands
    # of files (a frozen site holds no symbolic links, so both count the same files).
    files = sum(len(names) for _, _, names in os.walk(out_dir))
    problems = check_site(out_dir, scans, app.config.get("SITE_URL"))
    return BuildReport(html_pages, files, time.perf_counter() - started, problems)
