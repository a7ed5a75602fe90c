"""`make bench`: run every benchmark, each in its own process, and print one table of figures.

The table says whether each figure meets the target its issue set; it never fails the run
on timing (the machine is shared and noisy). The exit status is non-zero only when a
benchmark itself broke.

    .venv/bin/python bench/run.py [--quick] [--only guide_build|complaints|staff]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Run as a file, Python puts bench/ first on sys.path, where `complaints` would name
# bench/complaints.py rather than the product's package; the project root goes there instead.
sys.path[0] = str(PROJECT_ROOT)

from bench._report import Figure, machine, print_figures, read_figures  # noqa: E402

BENCHMARKS = ("guide_build", "complaints", "staff")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small data, short runs")
    parser.add_argument("--only", choices=BENCHMARKS, action="append", help="default: all")
    args = parser.parse_args()
    print(f"Machine: {machine()}", flush=True)
    figures: list[Figure] = []
    broken: list[str] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qyzmet-bench-") as tmp:
        for name in args.only or BENCHMARKS:
            print(f"\n=== bench/{name}.py ===", flush=True)
            output = Path(tmp) / f"{name}.json"
            command = [sys.executable, "-m", f"bench.{name}", "--json", str(output)]
            if args.quick:
                command.append("--quick")
            if subprocess.run(command, cwd=PROJECT_ROOT, check=False).returncode != 0:
                broken.append(name)
                continue
            figures += read_figures(output)
    minutes = (time.monotonic() - started) / 60
    kind = "quick" if args.quick else "full"
    print_figures(figures, f"\nAll figures ({kind} run, {minutes:.0f} min):")
    print(f"Machine: {machine()}")
    if broken:
        print(f"Broken benchmark(s): {', '.join(broken)} (see their output above)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
