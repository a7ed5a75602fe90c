"""Freeze the guide to plain files any web server can host, then index them with Pagefind."""

from __future__ import annotations

import subprocess  # nosec B404  # runs only Pagefind, with fixed arguments
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_frozen import Freezer, MissingURLGeneratorWarning

from guide.linkcheck import LinkProblem, check_site
from guide.schema import LANGUAGES
from guide.views import get_content, guide_pages


@dataclass
class BuildReport:
    pages: int
    files: int
    seconds: float
    link_problems: list[LinkProblem]


def make_freezer(app: Flask) -> Freezer:
    # Explicit generators only: the app also has dynamic routes (complaints, /healthz).
    freezer = Freezer(app, with_no_argument_rules=False, log_url_for=False, with_static_files=True)

    @freezer.register_generator
    def pages():
        yield "guide.choose_language", {}
        yield "guide.not_found_page", {}
        yield "guide.sitemap", {}
        yield "guide.robots", {}
        with app.app_context():
            content = get_content()
        for endpoint, values in guide_pages(content):
            for lang in LANGUAGES:
                yield endpoint, {"lang_code": lang, **values}

    return freezer


def run_pagefind(out_dir: Path) -> None:
    """Index the frozen pages; Pagefind keeps one index per `<html lang>` (kk and ru)."""
    subprocess.run(  # noqa: S603  # nosec B603  # fixed arguments, our own interpreter
        [sys.executable, "-m", "pagefind", "--site", str(out_dir), "--silent"],
        check=True,
    )


def build_site(app: Flask, out_dir: Path, search_index: bool = True) -> BuildReport:
    started = time.perf_counter()
    out_dir = out_dir.resolve()
    app.config["FREEZER_DESTINATION"] = str(out_dir)
    freezer = make_freezer(app)
    with warnings.catch_warnings():
        # The app's dynamic routes (complaints, staff, /healthz) are deliberately not frozen.
        warnings.simplefilter("ignore", MissingURLGeneratorWarning)
        urls = freezer.freeze()
    html_pages = sum(1 for url in urls if url.endswith("/") or url.endswith(".html"))
    if search_index:
        run_pagefind(out_dir)
    files = sum(1 for path in out_dir.rglob("*") if path.is_file())
    problems = check_site(out_dir)
    return BuildReport(html_pages, files, time.perf_counter() - started, problems)
