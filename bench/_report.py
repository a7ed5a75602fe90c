"""Statistics and printing shared by the benchmarks.

The machine is shared and noisy, so every figure is a median over repeated rounds, and
every rate is put beside a baseline measured in the same rounds.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

# The machine's cores, for the CPU ceilings the benchmarks print.
CORES = os.cpu_count() or 1


@dataclass(frozen=True)
class Figure:
    """One line of the final table; `met` is None when the figure has no target."""

    benchmark: str
    figure: str
    value: float
    unit: str
    target: str = ""
    met: bool | None = None

    def shown_value(self) -> str:
        if self.unit == "ratio":
            return f"{self.value:.2f}"
        if self.unit in {"ms", "s"}:
            return f"{self.value:.1f} {self.unit}"
        if self.unit == "KB":
            return f"{self.value:.1f} KB"
        return f"{self.value:,.0f} {self.unit}".strip()


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: a value that was actually observed."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


def print_table(headers: list[str], rows: list[list[str]], title: str | None = None) -> None:
    columns = zip(headers, *rows, strict=True)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    if title:
        print(f"\n{title}")
    print("  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def print_figures(figures: list[Figure], title: str) -> None:
    rows = [
        [
            f.benchmark,
            f.figure,
            f.shown_value(),
            f.target or "—",
            {True: "yes", False: "NO", None: "—"}[f.met],
        ]
        for f in figures
    ]
    print_table(["benchmark", "figure", "value", "target", "met?"], rows, title)


def write_figures(path: Path, figures: list[Figure]) -> None:
    path.write_text(json.dumps([asdict(f) for f in figures], ensure_ascii=False, indent=1))


def read_figures(path: Path) -> list[Figure]:
    return [Figure(**item) for item in json.loads(path.read_text())]


def machine() -> str:
    """What the figures were measured on, for the report and docs/benchmarks.md."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.machine(),
    )
    memory_gib = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPU ({model}), {memory_gib:.0f} GiB RAM, {platform.platform()}, "
        f"Python {platform.python_version()} ({os.path.realpath(sys.executable)}); "
        f"load average {load} "
        f"at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
