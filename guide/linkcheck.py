"""Check a frozen site: every internal link resolves to a file and nothing loads from elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
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


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if name in LINK_ATTRIBUTES:
                self.links.append((tag, name, value))
            if name == "srcset":
                for candidate in value.split(","):
                    self.links.append((tag, name, candidate.strip().split(" ")[0]))


def _resolve(site: Path, page: Path, path: str) -> Path:
    if path.startswith("/"):
        target = site / unquote(path.lstrip("/"))
    else:
        target = page.parent / unquote(path)
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def check_site(site: Path) -> list[LinkProblem]:
    problems: list[LinkProblem] = []
    pages = sorted(site.rglob("*.html"))
    anchors: dict[Path, set[str]] = {}
    links: dict[Path, list[tuple[str, str, str]]] = {}
    for page in pages:
        collector = _Collector()
        collector.feed(page.read_text(encoding="utf-8"))
        anchors[page.resolve()] = collector.ids
        links[page] = collector.links
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
                if parts.fragment and parts.fragment not in anchors[page.resolve()]:
                    problems.append(LinkProblem(shown, value, "no element has this id"))
                continue
            target = _resolve(site, page, parts.path)
            if not target.is_file():
                problems.append(LinkProblem(shown, value, "no such file in the site"))
                continue
            resolved = target.resolve()
            if parts.fragment and resolved in anchors and parts.fragment not in anchors[resolved]:
                problems.append(LinkProblem(shown, value, "the page has no element with this id"))
    return problems
