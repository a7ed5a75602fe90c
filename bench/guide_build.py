"""How fast the static guide builds, and how heavy its heaviest page is for a visitor.

Builds the real site and a synthetic one (1,000 services × kk/ru, generated from the test
fixture) as `flask guide build` does: the content is loaded and checked once ("check"), then
handed to a fresh app and frozen with `guide.freeze.build_site`. Prints pages per second for
the freeze alone (`guide build --no-search`), for the freeze plus the Pagefind index, and for
the whole command (check + freeze + index). Then weighs every page: its HTML plus the CSS and
JS it makes the browser fetch, each file gzipped at level 6 as a web server would send it.

    .venv/bin/python -m bench.guide_build [--quick] [--json FILE]
"""

from __future__ import annotations

import argparse
import copy
import gzip
import os
import re
import shutil
import subprocess  # nosec B404  # runs only Pagefind, with fixed arguments
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

from bench._report import CORES, Figure, machine, median, print_figures, print_table, write_figures

PROJECT_ROOT = Path(__file__).resolve().parent.parent
REAL_CONTENT = PROJECT_ROOT / "guide" / "content"
FIXTURE_CONTENT = PROJECT_ROOT / "tests" / "guide" / "fixtures" / "content"
GZIP_LEVEL = 6  # zlib's default, and what gzip(1) and most servers' gzip use
TARGET_PAGES_PER_SECOND = 200
TARGET_PAGE_KB = 60

# The synthetic site: the fixture's one service multiplied, spread over districts and topics
# so that home, topic and region pages list realistic numbers of services.
SYNTHETIC_DISTRICTS = 20
SYNTHETIC_TOPICS = 10
NAMES = {
    "kk": {"district": "Синтетикалық аудан", "topic": "Синтетикалық тақырып"},
    "ru": {"district": "Синтетический район", "topic": "Синтетическая тема"},
}


# --------------------------------------------------------------------------------------------
# Synthetic content


def _akimat_code(index: int) -> str:
    """Distinct capital-letter codes: SNAA, SNAB, … (the fixture's own akimat is TST)."""
    return "SN" + chr(ord("A") + index // 26) + chr(ord("A") + index % 26)


def _replace_ids(value: object, renames: dict[str, str]) -> object:
    """Every string equal to an old id becomes the new id, anywhere in the document."""
    if isinstance(value, dict):
        return {key: _replace_ids(item, renames) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_ids(item, renames) for item in value]
    if isinstance(value, str):
        return renames.get(value, value)
    return value


def _dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
    )


def make_synthetic_content(root: Path, services: int) -> None:
    """Write a valid content tree of `services` services in both languages under `root`.

    The fixture's district stays (with its akimat and department); each synthetic district
    gets a copy of them with new ids, names and a new akimat code, and each service is the
    fixture's service with a numbered id and title, a district and a topic. Numbers are added
    to kk and ru alike, so the kk/ru parity check still holds.
    """
    shutil.copytree(FIXTURE_CONTENT, root)
    for lang in ("kk", "ru"):
        base = root / lang
        catalogue = yaml.safe_load((base / "catalogue.yaml").read_text(encoding="utf-8"))
        oblast = catalogue["regions"][0]["id"]
        for index in range(1, SYNTHETIC_DISTRICTS + 1):
            catalogue["regions"].append(
                {
                    "id": f"synth-district-{index:02d}",
                    "kind": "district",
                    "name": f"{NAMES[lang]['district']} {index}",
                    "parent": oblast,
                }
            )
        for index in range(1, SYNTHETIC_TOPICS + 1):
            catalogue["categories"].append(
                {"id": f"synth-topic-{index:02d}", "name": f"{NAMES[lang]['topic']} {index}"}
            )
        _dump(base / "catalogue.yaml", catalogue)

        directory = yaml.safe_load((base / "bodies" / "test-district.yaml").read_text("utf-8"))
        for index in range(1, SYNTHETIC_DISTRICTS + 1):
            district = f"synth-district-{index:02d}"
            renames = {
                "test-akimat": f"synth-akimat-{index:02d}",
                "test-department": f"synth-department-{index:02d}",
            }
            bodies = _replace_ids(copy.deepcopy(directory["bodies"]), renames)
            for body in bodies:
                body["name"] = f"{body['name']} {index}"
                if body["kind"] == "akimat":
                    body["code"] = _akimat_code(index)
            _dump(base / "bodies" / f"{district}.yaml", {"region": district, "bodies": bodies})

        template_path = next((base / "services").glob("*.yaml"))
        template = yaml.safe_load(template_path.read_text(encoding="utf-8"))
        template_path.unlink()
        for number in range(1, services + 1):
            district = 1 + number % SYNTHETIC_DISTRICTS
            service = _replace_ids(
                copy.deepcopy(template),
                {
                    "test-akimat": f"synth-akimat-{district:02d}",
                    "test-department": f"synth-department-{district:02d}",
                },
            )
            service["id"] = f"synth-service-{number:04d}"
            service["title"] = f"{template['title']} {number}"
            service["region"] = f"synth-district-{district:02d}"
            service["category"] = f"synth-topic-{1 + number % SYNTHETIC_TOPICS:02d}"
            _dump(base / "services" / f"{service['id']}.yaml", service)


# --------------------------------------------------------------------------------------------
# Building


@dataclass
class BuildTimes:
    pages: int
    freeze_seconds: list[float]
    full_seconds: list[float]
    check_seconds: list[float]
    freeze_cpu: list[float]  # CPU seconds, this process and its children (Pagefind)
    full_cpu: list[float]
    out_dir: Path


def _cpu() -> float:
    """CPU seconds used so far by this process and its finished children (Pagefind)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _fresh_app(content_root: Path, scratch: Path):
    """A new app for each build: nothing from the previous build's requests carries over."""
    from qyzmet import create_app

    return create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{scratch / 'unused.sqlite3'}",
            "GUIDE_CONTENT_ROOT": str(content_root),
            "SITE_URL": "https://qyzmet.example",
        }
    )


def measure_builds(content_root: Path, scratch: Path, repeats: int) -> BuildTimes:
    """Interleave the two kinds of build so that noise on the machine hits both alike.

    Each round loads and checks the content as `flask guide build` does before it freezes
    (`load_content` + `problems_in`), and both builds serve that content (`use_content`), as
    the command's build does: the content is read from disk once per command.
    """
    from guide.checks import problems_in
    from guide.freeze import build_site
    from guide.loader import load_content
    from guide.views import use_content

    times = BuildTimes(0, [], [], [], [], [], scratch / "site-full")
    for _ in range(repeats):
        started = time.perf_counter()
        content = load_content(content_root)
        problems = problems_in(content)
        times.check_seconds.append(time.perf_counter() - started)
        if problems:
            raise SystemExit(f"content under {content_root} is invalid: {problems[:3]}")

        for search_index, out_dir, seconds, cpu in (
            (False, scratch / "site-freeze", times.freeze_seconds, times.freeze_cpu),
            (True, times.out_dir, times.full_seconds, times.full_cpu),
        ):
            shutil.rmtree(out_dir, ignore_errors=True)
            app = _fresh_app(content_root, scratch)
            use_content(content)
            cpu_before = _cpu()
            report = build_site(app, out_dir, search_index)
            cpu.append(_cpu() - cpu_before)
            if report.link_problems:
                raise SystemExit(f"broken links in {out_dir}: {report.link_problems[:3]}")
            seconds.append(report.seconds)
            times.pages = report.pages
    return times


# --------------------------------------------------------------------------------------------
# Page weight


class _Assets(HTMLParser):
    """The stylesheets and scripts a page makes the browser fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        rel = (values.get("rel") or "").lower().split()
        if tag == "link" and "stylesheet" in rel and values.get("href"):
            self.urls.append(values["href"])  # type: ignore[arg-type]
        elif tag == "script" and values.get("src"):
            self.urls.append(values["src"])  # type: ignore[arg-type]


# Static `import … from "x"`, bare `import "x"` and literal dynamic `import("x")`.
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*(?:[\w*{}\s,]+\s+from\s*)?|\bimport\s*\(\s*)["']([^"']+\.m?js)["']"""
)
_CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?["']?([^"')\s]+)""")


@dataclass(frozen=True)
class PageWeight:
    page: str
    html: int
    assets: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return self.html + sum(size for _, size in self.assets)


def _gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL))


def weigh_pages(site: Path) -> list[PageWeight]:
    """Every HTML page with its CSS and JS closure, heaviest first.

    A file is followed through its own imports (qyzmet.js imports the GOV.UK Frontend
    bundle; search.js imports Pagefind's pagefind.js). Pagefind's WebAssembly and index
    chunks are data, not CSS or JS, and are not counted.
    """
    asset_sizes: dict[str, int] = {}
    asset_imports: dict[str, list[str]] = {}

    def load(url: str) -> None:
        if url in asset_sizes:
            return
        data = (site / url.lstrip("/")).read_bytes()
        asset_sizes[url] = _gzipped(data)
        pattern = _CSS_IMPORT if url.endswith(".css") else _JS_IMPORT
        found = [urljoin(url, match) for match in pattern.findall(data.decode("utf-8", "replace"))]
        asset_imports[url] = [u for u in found if not urlsplit(u).netloc]
        for imported in asset_imports[url]:
            load(imported)

    def closure(urls: list[str]) -> list[str]:
        seen: list[str] = []
        stack = list(urls)
        while stack:
            url = stack.pop(0)
            if url not in seen:
                seen.append(url)
                stack.extend(asset_imports[url])
        return seen

    weights = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_bytes()
        parser = _Assets()
        parser.feed(html.decode("utf-8"))
        page_url = "/" + str(page.relative_to(site))
        direct = [urlsplit(urljoin(page_url, url)).path for url in parser.urls]
        for url in direct:
            load(url)
        weights.append(
            PageWeight(
                str(page.relative_to(site)),
                _gzipped(html),
                tuple((url, asset_sizes[url]) for url in closure(direct)),
            )
        )
    return sorted(weights, key=lambda weight: weight.total, reverse=True)


# --------------------------------------------------------------------------------------------
# The benchmark


def run(quick: bool) -> list[Figure]:
    repeats = 1 if quick else 3
    services = 200 if quick else 1000
    figures: list[Figure] = []
    timing_rows: list[list[str]] = []
    weight_rows: list[list[str]] = []
    os.environ.setdefault("SECRET_KEY", "bench")  # keeps create_app from writing instance/
    with tempfile.TemporaryDirectory(prefix="qyzmet-bench-guide-") as tmp:
        scratch = Path(tmp)
        synthetic = scratch / "synthetic-content"
        started = time.perf_counter()
        make_synthetic_content(synthetic, services)
        generated_in = time.perf_counter() - started
        print(f"Generated {services} synthetic services × kk/ru in {generated_in:.1f} s.")

        for name, content_root in (("real", REAL_CONTENT), (f"synthetic {services}", synthetic)):
            site_scratch = scratch / name.replace(" ", "-")
            site_scratch.mkdir()
            times = measure_builds(content_root, site_scratch, repeats)
            freeze, full = median(times.freeze_seconds), median(times.full_seconds)
            freeze_cpu, full_cpu = median(times.freeze_cpu), median(times.full_cpu)
            command = median(
                [c + f for c, f in zip(times.check_seconds, times.full_seconds, strict=True)]
            )
            timing_rows.append(
                [
                    name,
                    str(times.pages),
                    f"{median(times.check_seconds):.1f}",
                    f"{freeze:.1f}",
                    f"{times.pages / freeze:.0f}",
                    f"{times.pages / freeze_cpu:.0f}",
                    f"{full:.1f}",
                    f"{times.pages / full:.0f}",
                    f"{times.pages / full_cpu:.0f}",
                    f"{times.pages / command:.0f}",
                    ", ".join(f"{s:.1f}" for s in times.full_seconds),
                ]
            )
            bench = f"guide build ({name})"
            figures += [
                Figure(bench, "pages built (kk+ru)", times.pages, "pages"),
                Figure(
                    bench,
                    "freeze + link check (build --no-search)",
                    times.pages / freeze,
                    "pages/s",
                    f"≥ {TARGET_PAGES_PER_SECOND}",
                    times.pages / freeze >= TARGET_PAGES_PER_SECOND,
                ),
                Figure(bench, "  same, per CPU-second", times.pages / freeze_cpu, "pages"),
                Figure(
                    bench,
                    "freeze + link check + Pagefind (build)",
                    times.pages / full,
                    "pages/s",
                    f"≥ {TARGET_PAGES_PER_SECOND}",
                    times.pages / full >= TARGET_PAGES_PER_SECOND,
                ),
                Figure(bench, "  same, per CPU-second", times.pages / full_cpu, "pages"),
                # What the build's CPU alone allows: even with the freeze and Pagefind
                # overlapping perfectly on every core, the build cannot go faster than this.
                Figure(
                    bench,
                    f"  ceiling: that CPU on {CORES} idle cores",
                    CORES * times.pages / full_cpu,
                    "pages/s",
                ),
                Figure(
                    bench,
                    "whole command: check + freeze + Pagefind",
                    times.pages / command,
                    "pages/s",
                    f"≥ {TARGET_PAGES_PER_SECOND}",
                    times.pages / command >= TARGET_PAGES_PER_SECOND,
                ),
            ]
            weights = weigh_pages(times.out_dir)
            heaviest = weights[0]
            for weight in weights[:3]:
                weight_rows.append(
                    [
                        name,
                        weight.page,
                        f"{weight.html / 1024:.1f}",
                        " + ".join(
                            f"{Path(url).name} {size / 1024:.1f}" for url, size in weight.assets
                        ),
                        f"{weight.total / 1024:.1f}",
                    ]
                )
            figures.append(
                Figure(
                    bench,
                    f"heaviest page, gzip -{GZIP_LEVEL} ({heaviest.page})",
                    heaviest.total / 1024,
                    "KB",
                    f"≤ {TARGET_PAGE_KB} KB",
                    heaviest.total <= TARGET_PAGE_KB * 1024,
                )
            )

    print_table(
        [
            "site",
            "pages",
            "check s",
            "--no-search s",
            "pages/s",
            "pages/CPU-s",
            "with Pagefind s",
            "pages/s",
            "pages/CPU-s",
            "command pages/s",
            "all runs (full)",
        ],
        timing_rows,
        f"Guide build, median of {repeats} run(s); content loaded and checked once per run, "
        "each build in a fresh app:",
    )
    print(
        "pages/s is wall-clock (what an editor waits for); pages/CPU-s counts only the CPU the "
        "build used, which others' load on the machine does not change. The freeze runs in "
        "one process per core; Pagefind uses every core."
    )
    print_table(
        ["site", "page", "HTML KB", "assets KB (gzipped)", "total KB"],
        weight_rows,
        f"Heaviest pages: HTML + CSS + JS, each file gzip level {GZIP_LEVEL} (1 KB = 1024 bytes):",
    )
    return figures


def pagefind_version() -> str:
    """Which Pagefind indexed: its speed differs a lot between releases (docs/benchmarks.md)."""
    from guide.freeze import pagefind_command

    command = pagefind_command()
    answer = subprocess.run(  # nosec B603  # Pagefind's own binary, fixed arguments
        [*command, "--version"], capture_output=True, text=True, check=False
    )
    return f"{answer.stdout.strip() or answer.stderr.strip()} ({command[-1]})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 services, one run")
    parser.add_argument("--json", type=Path, help="also write the figures here (for run.py)")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print(f"Pagefind: {pagefind_version()}")
    figures = run(args.quick)
    print_figures(figures, "Guide build figures:")
    if args.json:
        write_figures(args.json, figures)


if __name__ == "__main__":
    main()
