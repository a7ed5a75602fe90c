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
_ATTRIBUTE = re.compile(r'([a-zA-Z_:][a-zA-Z0-9_:.-]*)="([^"]*)"')
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# Only the tags whose attributes name a link or an id: the others (most tags carry only a class)
# yield nothing, and the pattern passes over them without a Python step each. It finds the same
# tags as `<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*)?>` filtered on those names would: a tag ends at the
# first ">", and a match starting inside a tag could only see what the whole tag holds.
_TAG_WITH_LINK = re.compile(
    r"<([a-zA-Z][a-zA-Z0-9-]*)(\s[^>]*?(?:href|src|srcset|action|poster|data|id)=[^>]*)>"
)


Scan = tuple[list[tuple[str, str, str]], set[str]]


def scan_page(path: Path) -> Scan:
    """A page's links and ids, as `check_site` needs them (workers may scan in parallel)."""
    return _scan(path.read_text(encoding="utf-8"))


def _scan(text: str) -> Scan:
    """(tag, attribute, value) for every link-like attribute, and every id on the page."""
    links: list[tuple[str, str, str]] = []
    ids: set[str] = set()
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    for name, attributes in _TAG_WITH_LINK.findall(text):
        name = name.lower()
        for attribute, raw in _ATTRIBUTE.findall(attributes):
            value = html.unescape(raw) if "&" in raw else raw
            if attribute == "id":
                ids.add(value)
            elif attribute in LINK_ATTRIBUTES:
                links.append((name, attribute, value))
            elif attribute == "srcset":
                for candidate in value.split(","):
                    links.append((name, attribute, candidate.strip().split(" ")[0]))
    return links, ids


def _resolve(site: str, page: str, path: str, is_dir: dict[str, bool]) -> str:
    """The file a link's path points at, as a normalised string path.

    Plain strings and `os.path`: a site has tens of thousands of links, and `pathlib` costs
    several times as much per join. `is_dir` remembers each answer (most links repeat).
    """
    if path.startswith("/"):
        target = os.path.join(site, unquote(path.lstrip("/")))
    else:
        target = os.path.join(os.path.dirname(page), unquote(path))
    if not path.endswith("/"):
        found = is_dir.get(target)
        if found is None:
            found = is_dir[target] = os.path.isdir(target)
        if not found:
            return os.path.normpath(target)
    return os.path.normpath(os.path.join(target, "index.html"))


def _html_pages(site: str) -> list[str]:
    """Every `*.html` file under `site`, in the order `sorted(Path.rglob(...))` gives."""
    found = [
        os.path.join(folder, name)
        for folder, _, names in os.walk(site)
        for name in names
        if name.endswith(".html")
    ]
    return sorted(found, key=lambda page: page.split(os.sep))


def check_site(
    site: Path, scanned: dict[str, Scan] | None = None, site_url: str | None = None
) -> list[LinkProblem]:
    """Every broken internal link and every reference to another host in the site.

    `scanned` holds pages already scanned, by path relative to the site; the rest are read here.
    `site_url` is the site's own public address (SITE_URL): a fully qualified link under it
    (the hreflang alternates search engines need, the application's complaint and tracking
    pages) is checked as the path it names.
    """
    own = site_url.rstrip("/") + "/" if site_url else None
    problems: list[LinkProblem] = []
    root = os.path.normpath(site.resolve())
    prefix = len(root) + 1
    pages = _html_pages(root)
    scanned = scanned or {}
    anchors: dict[str, set[str]] = {}
    links: dict[str, list[tuple[str, str, str]]] = {}
    for page in pages:
        known = scanned.get(page[prefix:])
        links[page], anchors[page] = known if known is not None else scan_page(Path(page))
    existing: dict[str, bool] = dict.fromkeys(pages, True)
    is_dir: dict[str, bool] = {}
    for page in pages:
        shown = page[prefix:]
        for tag, attribute, value in links[page]:
            if own and value.startswith(own):
                value = value[len(own) - 1 :]
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
            target = _resolve(root, page, parts.path, is_dir)
            if target not in existing:
                existing[target] = os.path.isfile(target)
            if not existing[target]:
                problems.append(LinkProblem(shown, value, "no such file in the site"))
                continue
            if parts.fragment and target in anchors and parts.fragment not in anchors[target]:
                problems.append(LinkProblem(shown, value, "the page has no element with this id"))
    return problems
