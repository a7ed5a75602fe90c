"""Check a frozen site: every internal link resolves to a file and nothing loads from elsewhere."""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Paths the application serves beside the static guide (see docs/deploy.md).
APP_PREFIXES = ("/kk/complaints/", "/ru/complaints/", "/staff/", "/kk/staff/", "/ru/staff/")
LINK_ATTRIBUTES = {"href", "src", "action", "poster", "data"}


@dataclass(frozen=True)
class LinkProblem:
    page: str
    target: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.message}"


# The frozen pages are our own templates' output: every attribute value is double-quoted, so a
# pattern reads them as well as a parser would, at a fraction of the cost (the check runs on
# every page of every build).
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>")
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:.-]*)="([^"]*)"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)


Scan = tuple[list[tuple[str, str, str]], set[str]]


def scan_page(path: Path) -> Scan:
    """A page's links and ids, as `check_site` needs them (workers may scan in parallel)."""
    return _scan(path.read_text(encoding="utf-8"))


def _scan(text: str) -> Scan:
    """(tag, attribute, value) for every link-like attribute, and every id on the page."""
    links: list[tuple[str, str, str]] = []
    ids: set[str] = set()
    for tag in _TAG.finditer(_COMMENT.sub("", text)):
        name = tag.group(1).lower()
        for attribute, raw in _ATTRIBUTE.findall(tag.group(2) or ""):
            value = html.unescape(raw)
            if attribute == "id":
                ids.add(value)
            elif attribute in LINK_ATTRIBUTES:
                links.append((name, attribute, value))
            elif attribute == "srcset":
                for candidate in value.split(","):
                    links.append((name, attribute, candidate.strip().split(" ")[0]))
    return links, ids


def _resolve(site: Path, page: Path, path: str) -> Path:
    if path.startswith("/"):
        target = site / unquote(path.lstrip("/"))
    else:
        target = page.parent / unquote(path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return Path(os.path.normpath(target))


def check_site(site: Path, scanned: dict[str, Scan] | None = None) -> list[LinkProblem]:
    """Every broken internal link and every reference to another host in the site.

    `scanned` holds pages already scanned, by path relative to the site; the rest are read here.
    """
    problems: list[LinkProblem] = []
    site = Path(os.path.normpath(site.resolve()))
    pages = sorted(Path(os.path.normpath(page)) for page in site.rglob("*.html"))
    scanned = scanned or {}
    anchors: dict[Path, set[str]] = {}
    links: dict[Path, list[tuple[str, str, str]]] = {}
    for page in pages:
        known = scanned.get(str(page.relative_to(site)))
        links[page], anchors[page] = known if known is not None else scan_page(page)
    existing: dict[Path, bool] = {page: True for page in pages}
    for page in pages:
        shown = str(page.relative_to(site))
        for tag, attribute, value in links[page]:
            parts = urlsplit(value)
            if parts.scheme in {"mailto", "tel"}:
                continue
            if parts.scheme or parts.netloc:
                problems.append(LinkProblem(shown, value, "refers to another host"))
                continue
            if tag == "form" and attribute == "action" and not parts.path:
                continue
            if parts.path.startswith(APP_PREFIXES):
                continue
            if not parts.path:
                if parts.fragment and parts.fragment not in anchors[page]:
                    problems.append(LinkProblem(shown, value, "no element has this id"))
                continue
            target = _resolve(site, page, parts.path)
            if target not in existing:
                existing[target] = target.is_file()
            if not existing[target]:
                problems.append(LinkProblem(shown, value, "no such file in the site"))
                continue
            if parts.fragment and target in anchors and parts.fragment not in anchors[target]:
                problems.append(LinkProblem(shown, value, "the page has no element with this id"))
    return problems
