"""The akimat back office with a million complaints, on SQLite and on PostgreSQL (issue 5).

For each database: a fresh migrated database, a head and executors of the Taraz city akimat
(TRZ) created through the product, and 1,000,000 complaints over 30 akimats and two years
bulk loaded (`bench/_staff_data.py`). gunicorn serves the real app (`bench/wsgi.py`,
production settings, rate limits off), as in `bench/complaints.py`. Simulated heads of TRZ,
each its own process that signs in once (its own session cookie) and keeps one keep-alive
connection, open one page back to back: the queue filtered (in review and overdue), its
plain first page, a deep page (1,000), a search by applicant name, the report page for a
year and its CSV, beside the lightest signed-in page (the password form) as a baseline.
Every round runs every case in turn, so the machine's noise falls on all of them; figures
are medians over the rounds. Before the load, each page's statements are recorded and run
alone, timed and explained (`bench/_staff_explain.py`; SQL and plans with --verbose).

    .venv/bin/python -m bench.staff [--quick] [--database sqlite|postgresql] [--json FILE]
        [--users N] [--workers N] [--threads N] [--rows N] [--min-requests N]
        [--profile DIR] [--wsgi MODULE:APP] [--extra-sql FILE] [--case TEXT]
        [--verbose]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from bench import _staff_data
from bench._report import Figure, machine, print_figures, print_table, write_figures
from bench._server import (
    PROJECT_ROOT,
    Gunicorn,
    Server,
    add_server_arguments,
    on_each_database,
    report_tracebacks,
    running_gunicorn,
)
from bench._staff_explain import explain_pages, print_pages
from bench._staff_load import fetch
from bench.complaints import (
    BENCH_SECRET,
    CORES,
    Measurement,
    Series,
    _children_cpu,
    _server_cpu_in_window,
    prepare_database,
    profiled,
    server_environment,
)
from complaints.staff.queue import PAGE_SIZE

TARGET_QUEUE_P95_MS = 100
TARGET_REPORT_MS = 500
DEEP_PAGE = 1000
# Only the head signs in; the password is hashed with the production argon2 profile.
HEAD_PASSWORD = "bench-head-password-1"
SEARCHES = 200  # distinct names each search user cycles through


@dataclass(frozen=True)
class Case:
    name: str
    paths: list[str]  # `{lang}` is filled in per user
    expect: str  # in every successful response's body
    target_ms: float | None = None  # p95


@dataclass(frozen=True)
class Plan:
    rows: int
    rounds: int
    settle: float
    warmup: float
    duration: float
    max_duration: float
    min_requests: int  # per case, over all rounds: windows grow until a p95 rests on enough
    users: int
    server: Gunicorn
    verbose: bool
    extra_sql: str = ""  # run after the load, before anything is measured
    only: tuple[str, ...] = ()  # cases whose names contain one of these; all when empty


def cases(deep_page: int, year: int) -> list[Case]:
    period = f"date_from={year}-01-01&date_to={year}-12-31"
    searches = [
        f"/{{lang}}/staff/?q={quote(term)}" for term in _staff_data.search_terms()[:SEARCHES]
    ]
    return [
        Case(
            "queue: in review + overdue, page 1",
            ["/{lang}/staff/?status=in_review&due=overdue"],
            "qz-queue",
            TARGET_QUEUE_P95_MS,
        ),
        Case("queue: page 1, no filter", ["/{lang}/staff/"], "qz-queue"),
        Case(
            f"queue: page {deep_page:,}, no filter",
            [f"/{{lang}}/staff/?page={deep_page}"],
            "qz-queue",
            TARGET_QUEUE_P95_MS,
        ),
        Case("queue: search by applicant name", searches, "qz-filter-form"),
        Case(
            f"report page, year {year}",
            [f"/{{lang}}/staff/reports/?{period}"],
            'id="chart-status"',
            TARGET_REPORT_MS,
        ),
        Case(f"report CSV, year {year}", [f"/{{lang}}/staff/reports.csv?{period}"], "\ufeff"),
        Case("baseline: password form", ["/{lang}/staff/password/"], "csrf_token"),
    ]


def measure(
    server: Server, case: Case, plan: Plan, staff: _staff_data.Staff, duration: float
) -> Measurement:
    """`plan.users` signed-in users on one case for one window (`bench.complaints.measure`'s
    protocol and bookkeeping, with `bench._staff_load` as the user)."""
    began, client_before = time.monotonic(), _children_cpu()
    users = []
    for index in range(plan.users):
        process = subprocess.Popen(
            [sys.executable, "-m", "bench._staff_load"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        settings = {
            "scenario": "staff",
            "address": server.address,
            "lang": ("kk", "ru")[index % 2],
            "seed": index + 1,
            "warmup": plan.warmup,
            "duration": duration,
            "paths": case.paths,
            "expect": case.expect,
            "email": staff.head_email,
            "password": staff.password,
        }
        process.stdin.write(json.dumps(settings) + "\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        users.append(process)
    for process in users:
        if process.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
            raise RuntimeError(f"a user of {case.name!r} could not sign in; see the server log")
    start_at = time.monotonic() + 0.2
    for process in users:
        process.stdin.write(f"go {start_at}\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
    app_cpu, database_cpu = _server_cpu_in_window(server, start_at + plan.warmup, duration)
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    for process in users:
        result = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        process.wait()
        latencies += result["latencies_ms"]
        failures.update(result["failures"])
    client_cores = (_children_cpu() - client_before) / (time.monotonic() - began)
    return Measurement(
        case.name, duration, latencies, failures, app_cpu, database_cpu, client_cores, []
    )


def check_pages(server: Server, staff: _staff_data.Staff, all_cases: list[Case], deep: int):
    """Every page answers as expected once before it is timed; the deep page is that page."""
    for case in all_cases:
        status, body = fetch(server.address, staff.head_email, staff.password, case.paths[0])
        if status != 200 or case.expect.encode() not in body:
            raise RuntimeError(f"{case.name}: HTTP {status}, or {case.expect!r} not in the page")
    status, body = fetch(
        server.address, staff.head_email, staff.password, f"/kk/staff/?page={deep}"
    )
    if f'aria-current="page">{deep}<'.encode() not in body:
        raise RuntimeError(f"the queue did not show page {deep}")


def run_cases(
    server: Server,
    all_cases: list[Case],
    plan: Plan,
    staff: _staff_data.Staff,
    profile: tuple[Path | None, str],
) -> list[Series]:
    """An unmeasured settling run of each case (which also sizes its window), then rounds.

    A case's window is long enough for `plan.min_requests` over all rounds at the rate the
    settling run saw, between `plan.duration` and `plan.max_duration` seconds.
    """
    settling = replace(plan, warmup=0)
    windows = {}
    for case in all_cases:
        rate = measure(server, case, settling, staff, plan.settle).rate
        wanted = plan.min_requests / plan.rounds / rate if rate else plan.max_duration
        windows[case.name] = min(plan.max_duration, max(plan.duration, wanted))
    series = [Series(case.name) for case in all_cases]
    for round_number in range(plan.rounds):
        for case, case_series in zip(all_cases, series, strict=True):
            seconds = windows[case.name]
            profile_dir = profile[0] if round_number == 0 else None
            slug = "".join(c if c.isalnum() else "-" for c in case.name)
            with profiled(server, profile_dir, f"{profile[1]}-{slug}", plan.warmup + seconds):
                case_series.rounds.append(measure(server, case, plan, staff, seconds))
        print(
            f"  round {round_number + 1}: "
            + ", ".join(f"{s.rounds[-1].p95:.0f}" for s in series)
            + " ms (p95 per case, in the table's order)",
            flush=True,
        )
    return series


def bench_database(
    name: str,
    url: str,
    database_pid: int | None,
    scratch: Path,
    plan: Plan,
    profile_dir: Path | None,
) -> tuple[list[Figure], list[list[str]]]:
    postgres = url.startswith("postgresql")
    database = url if postgres else url.removeprefix("sqlite:///")
    log = scratch / f"gunicorn-staff-{name}.log"
    prepare_database(url)
    akimats = _staff_data.akimats()
    staff = _staff_data.create_staff(url, akimats, HEAD_PASSWORD)

    print(f"\n[{name}] loading {plan.rows:,} complaints over {len(akimats)} akimats", flush=True)
    from complaints.services import utcnow

    now = utcnow()
    rows, loaded = _staff_data.generate(plan.rows, akimats, staff, now)
    started = time.perf_counter()
    if postgres:
        _staff_data.load_postgres(url, rows, loaded)
    else:
        _staff_data.load_sqlite(database, rows, loaded)
    load_seconds = time.perf_counter() - started
    if plan.extra_sql:
        print(f"[{name}] running the extra SQL (--extra-sql)", flush=True)
        _staff_data.run_sql(database, postgres, plan.extra_sql)
    statuses = _staff_data.trz_statuses(database, postgres)
    trz = sum(statuses.values())
    deep = min(DEEP_PAGE, math.ceil(trz / PAGE_SIZE))
    print(
        f"[{name}] loaded in {load_seconds:.0f} s; TRZ has {trz:,} complaints "
        f"({', '.join(f'{status} {count:,}' for status, count in sorted(statuses.items()))}); "
        f"the other 29 akimats {plan.rows - trz:,}",
        flush=True,
    )
    year = now.astimezone(_staff_data.ALMATY).year - 1
    all_cases = [
        case
        for case in cases(deep, year)
        if not plan.only or any(word in case.name for word in plan.only)
    ]
    pages = explain_pages(
        url,
        staff.head_email,
        staff.password,
        {case.name: case.paths[0].format(lang="kk") for case in all_cases},
    )
    print_pages(name, pages, plan.verbose)

    env = server_environment(url, scratch)
    with running_gunicorn(plan.server, env, log, database_pid) as server:
        check_pages(server, staff, all_cases, deep)
        print(f"[{name}] {len(all_cases)} cases, {plan.rounds} rounds", flush=True)
        series = run_cases(server, all_cases, plan, staff, (profile_dir, name))
    report_tracebacks(name, log)

    bench = f"staff ({name})"
    figures = [
        Figure(bench, f"TRZ complaints (of {plan.rows:,})", trz, ""),
        Figure(bench, f"rows loaded ({plan.rows:,}) in", load_seconds, "s"),
    ]
    table = []
    for case, result in zip(all_cases, series, strict=True):
        requests = sum(len(m.latencies_ms) for m in result.rounds)
        met = result.p95 <= case.target_ms if case.target_ms else None
        table.append(
            [
                name,
                case.name,
                f"{requests:,}",
                f"{result.rate:.1f}",
                f"{result.p50:.1f}",
                f"{result.p95:.1f}",
                f"{result.app_cpu_ms:.1f}",
                f"{result.database_cpu_ms:.1f}" if database_pid else "(in app)",
                f"{pages[case.name].database_ms:.1f}",
                f"≤ {case.target_ms:.0f}" if case.target_ms else "",
                {True: "yes", False: "NO", None: ""}[met],
                ", ".join(f"{k} ×{v}" for k, v in result.failures.items()) or "0",
            ]
        )
        figures.append(Figure(bench, f"{case.name} p50", result.p50, "ms"))
        target = f"p95 ≤ {case.target_ms:.0f} ms" if case.target_ms else ""
        figures.append(Figure(bench, f"{case.name} p95", result.p95, "ms", target, met))
    return figures, table


def run(plan: Plan, databases: list[str], profile_dir: Path | None) -> list[Figure]:
    os.environ["SECRET_KEY"] = BENCH_SECRET  # keeps create_app from writing instance/
    print(
        f"Server: {plan.server.describe()}; QYZMET_PRODUCTION=1; rate limits DISABLED "
        "(QYZMET_DISABLE_RATE_LIMITS=1)."
    )
    print(
        f"Load: {plan.users} heads of TRZ (kk and ru), each its own process, signed in with its "
        "own session, one keep-alive connection, requests back to back. Each case: an "
        f"unmeasured settling run of {plan.settle:.0f} s, then {plan.rounds} rounds of every "
        f"case in turn, each window {plan.duration:.0f}–{plan.max_duration:.0f} s (long "
        f"enough for {plan.min_requests} requests over the rounds) after {plan.warmup:.0f} s "
        "warm-up."
    )
    figures, table = on_each_database(
        databases,
        "qyzmet-bench-staff-",
        lambda name, url, pid, scratch: bench_database(name, url, pid, scratch, plan, profile_dir),
    )
    print_table(
        [
            "database",
            "case",
            "requests",
            "req/s",
            "p50 ms",
            "p95 ms",
            "app CPU ms/req",
            "db CPU ms/req",
            "SQL alone ms",
            "target p95",
            "met?",
            "failures",
        ],
        table,
        f"Back office under load ({plan.users} users; medians of {plan.rounds} rounds; "
        "requests: all measured, over the rounds):",
    )
    print(
        "CPU ms/req: CPU time of gunicorn's processes (app) and PostgreSQL's (db) in the window "
        "per completed request; SQL alone: the page's statements on complaints run one by one "
        f"outside the load (median of 3). {CORES} cores."
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser, "60,000 rows, one short round", "heads")
    parser.add_argument("--rows", type=int, help="complaints to load")
    parser.add_argument("--min-requests", type=int, help="per case over all rounds (600)")
    parser.add_argument(
        "--case", action="append", help="only the cases whose name contains this (repeatable)"
    )
    parser.add_argument("--verbose", action="store_true", help="print each page's SQL and plans")
    parser.add_argument(
        "--extra-sql",
        type=Path,
        help="SQL to run after the load (e.g. an index to try before its migration; "
        "with --database, as SQL differs)",
    )
    args = parser.parse_args()
    plan = Plan(
        rows=args.rows or (60_000 if args.quick else 1_000_000),
        rounds=1 if args.quick else 3,
        settle=2 if args.quick else 4,
        warmup=1 if args.quick else 2,
        duration=3 if args.quick else 10,
        max_duration=6 if args.quick else 40,
        min_requests=args.min_requests or (0 if args.quick else 600),
        users=args.users,
        server=Gunicorn(args.workers, args.threads, args.wsgi),
        verbose=args.verbose,
        extra_sql=args.extra_sql.read_text() if args.extra_sql else "",
        only=tuple(args.case or ()),
    )
    print(f"Machine: {machine()}")
    figures = run(plan, args.database or ["sqlite", "postgresql"], args.profile)
    print_figures(figures, "Back-office figures:")
    if args.json:
        write_figures(args.json, figures)


if __name__ == "__main__":
    main()
