"""Filing and tracking complaints under load, on SQLite and on PostgreSQL, beside baselines.

For each database: a fresh migrated database behind gunicorn on loopback (the real app from
`bench/wsgi.py`, production settings, rate limits off, mail by background thread into an
outbox folder). Simulated users in separate processes, one keep-alive connection each, send
requests back to back. Filing is measured beside a one-INSERT endpoint, and beside the least
filing (`bench.wsgi.least_filing`: the same form, a number and two rows, a one-line page), which
shows how high the filing's ratio could go at best; then a million complaints are bulk loaded
and tracking is measured beside a one-SELECT-by-key endpoint.
Target and baseline alternate in every round, so the machine's noise falls on both; the
figures are medians over the rounds.

    .venv/bin/python -m bench.complaints [--quick] [--database sqlite|postgresql] [--json FILE]
        [--users N] [--workers N] [--threads N] [--rows N] [--profile DIR] [--wsgi MODULE:APP]

Run it as a module from the project root: run as a file, its folder would come first on
sys.path and `complaints` would name this file instead of the product's package.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench import _data
from bench._report import (
    CORES,
    Figure,
    machine,
    median,
    percentile,
    print_figures,
    print_table,
    write_figures,
)
from bench._server import (
    PROJECT_ROOT,
    Gunicorn,
    Server,
    add_server_arguments,
    cpu_seconds,
    on_each_database,
    report_tracebacks,
    running_gunicorn,
    worker_threads,
)

BENCH_SECRET = "qyzmet-benchmark-secret-not-for-production"
TARGET_FILINGS_PER_SECOND = 200
TARGET_TRACKING_P95_MS = 20
TARGET_RATIO = 0.5
# Years before the current one, so bulk-loaded numbers never meet the ones filed now.
LOADED_YEARS = 4


@dataclass(frozen=True)
class Plan:
    rows: int
    keys: int
    rounds: int
    settle: float
    warmup: float
    duration: float
    users: int
    server: Gunicorn


@dataclass
class Measurement:
    """One scenario in one round: every user's results merged."""

    scenario: str
    duration: float
    latencies_ms: list[float]
    failures: Counter[str]
    app_cpu: float  # seconds used by gunicorn's processes in the window
    database_cpu: float  # seconds used by PostgreSQL's processes in the window
    client_cores: float  # CPU the load generator used, in cores, over its whole run
    worker_threads: list[int]  # threads in each gunicorn worker as the window closed

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.duration

    def cpu_ms_per_request(self, seconds: float) -> float:
        return 1000 * seconds / len(self.latencies_ms) if self.latencies_ms else math.nan

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p95(self) -> float:
        return percentile(self.latencies_ms, 0.95)


@dataclass
class Series:
    """A scenario over all rounds."""

    scenario: str
    rounds: list[Measurement] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return median([m.rate for m in self.rounds])

    @property
    def p50(self) -> float:
        return median([m.p50 for m in self.rounds])

    @property
    def p95(self) -> float:
        return median([m.p95 for m in self.rounds])

    @property
    def failures(self) -> Counter[str]:
        return sum((m.failures for m in self.rounds), Counter())

    @property
    def app_cpu_ms(self) -> float:
        return median([m.cpu_ms_per_request(m.app_cpu) for m in self.rounds])

    @property
    def database_cpu_ms(self) -> float:
        return median([m.cpu_ms_per_request(m.database_cpu) for m in self.rounds])

    @property
    def client_cores(self) -> float:
        return median([m.client_cores for m in self.rounds])

    @property
    def ceiling(self) -> float:
        """Requests per second if the work were CPU-bound on the machine's cores, all ours.

        The measured rate falls short of it by whatever else ran on the machine and by time
        spent waiting (locks, fsync); when the two are close, the CPU is the limit.
        """
        database = 0.0 if math.isnan(self.database_cpu_ms) else self.database_cpu_ms
        client_ms = 1000 * self.client_cores / self.rate if self.rate else math.nan
        return 1000 * CORES / (self.app_cpu_ms + database + client_ms)


def measure(server: Server, scenario: str, plan: Plan, **settings) -> Measurement:
    """Run `plan.users` load-generator processes against the server for one window."""
    began, client_before = time.monotonic(), _children_cpu()
    users = []
    for index in range(plan.users):
        process = subprocess.Popen(
            [sys.executable, "-m", "bench._load"],
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        user_settings = {
            "scenario": scenario,
            "address": server.address,
            "lang": ("kk", "ru")[index % 2],
            "seed": index + 1,
            "warmup": plan.warmup,
            "duration": plan.duration,
            **settings,
        }
        if "keys" in settings:
            # Each user looks up its own share of the keys.
            user_settings["keys"] = settings["keys"][index :: plan.users]
        process.stdin.write(json.dumps(user_settings) + "\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
        users.append(process)
    for process in users:
        if process.stdout.readline().strip() != "ready":  # type: ignore[union-attr]
            raise RuntimeError(f"a {scenario} user could not start; see the server log")
    start_at = time.monotonic() + 0.2
    for process in users:
        process.stdin.write(f"go {start_at}\n")  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]
    app_cpu, database_cpu = _server_cpu_in_window(server, start_at + plan.warmup, plan.duration)
    threads = worker_threads(server.pid)
    latencies: list[float] = []
    failures: Counter[str] = Counter()
    for process in users:
        result = json.loads(process.stdout.readline())  # type: ignore[union-attr]
        process.wait()
        latencies += result["latencies_ms"]
        failures.update(result["failures"])
    client_cores = (_children_cpu() - client_before) / (time.monotonic() - began)
    return Measurement(
        scenario, plan.duration, latencies, failures, app_cpu, database_cpu, client_cores, threads
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _server_cpu_in_window(server: Server, start: float, seconds: float) -> tuple[float, float]:
    """CPU seconds gunicorn and PostgreSQL spent while the window was open."""

    def sample() -> tuple[float, float]:
        database = cpu_seconds(server.database_pid) if server.database_pid else 0.0
        return cpu_seconds(server.pid), database

    time.sleep(max(0.0, start - time.monotonic()))
    app_before, database_before = sample()
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    app_after, database_after = sample()
    return app_after - app_before, database_after - database_before


@contextlib.contextmanager
def profiled(server: Server, profile_dir: Path | None, name: str, seconds: float) -> Iterator[None]:
    """Sample every gunicorn worker with py-spy while the block runs (first round only)."""
    if profile_dir is None:
        yield
        return
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    profile_dir.mkdir(parents=True, exist_ok=True)
    recorder = subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(server.pid),
            "--subprocesses",
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "--output",
            str(profile_dir / f"{name}.txt"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield
    finally:
        recorder.wait()


def alternate(
    server: Server,
    plan: Plan,
    scenarios: list[tuple[str, dict]],
    profile: tuple[Path | None, str],
) -> list[Series]:
    """The scenarios in turns, `plan.rounds` times, after an unmeasured settling run; the
    baseline last.

    The settling run makes every worker load the guide content, compile its templates and
    open its database connections before anything is timed.
    """
    settling = replace(plan, warmup=0, duration=plan.settle)
    for scenario, settings in scenarios:
        measure(server, scenario, settling, **settings)
    series = [Series(scenario) for scenario, _settings in scenarios]
    for round_number in range(plan.rounds):
        profile_dir = profile[0] if round_number == 0 else None
        window = plan.warmup + plan.duration
        for (scenario, settings), kept in zip(scenarios, series, strict=True):
            with profiled(server, profile_dir, f"{profile[1]}-{scenario}", window):
                kept.rounds.append(measure(server, scenario, plan, **settings))
        rates = ", ".join(f"{kept.scenario} {kept.rounds[-1].rate:.0f}/s" for kept in series)
        print(f"  round {round_number + 1}: {rates}", flush=True)
    return series


def check_tracked_page(server: Server, number: str, code: str) -> None:
    """One applicant's whole lookup, page included: the loaded rows must read back whole."""
    result = subprocess.run(
        [sys.executable, "-m", "bench._load", "--check", server.address, number, code],
        cwd=PROJECT_ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"a loaded complaint cannot be tracked: {result.stderr}")


def ratio(target: Series, baseline: Series) -> float:
    """Median of the per-round ratios: each round's pair saw the same machine."""
    pairs = zip(target.rounds, baseline.rounds, strict=True)
    return median([t.rate / b.rate for t, b in pairs if b.rate])


def prepare_database(url: str) -> None:
    """Bring a fresh database to the latest migration and add the baseline's table."""
    import io

    import flask_migrate

    from bench._baseline_table import bench_metadata
    from qyzmet import create_app
    from qyzmet.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    # Alembic's logging config writes a line per migration to stderr; keep the output to figures.
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        flask_migrate.upgrade()
        bench_metadata.create_all(db.engine)
        db.engine.dispose()


def server_environment(url: str, scratch: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SMTP_", "REDIS_", "DATABASE_", "QYZMET_", "MAIL_", "SQLITE_"))
    }
    env.update(
        {
            "SECRET_KEY": BENCH_SECRET,
            "DATABASE_URL": url,
            "QYZMET_PRODUCTION": "1",
            "SITE_URL": "https://qyzmet.example",
            "QYZMET_DISABLE_RATE_LIMITS": "1",
            "MAIL_DELIVERY": "thread",
            "OUTBOX_DIR": str(scratch / "outbox"),
            "UPLOAD_ROOT": str(scratch / "attachments"),
        }
    )
    return env


def akimats() -> list[_data.Akimat]:
    from guide.loader import load_content

    return [_data.Akimat(body.id, body.code) for body in load_content()["kk"].akimats]


def bench_database(
    name: str,
    url: str,
    database_pid: int | None,
    scratch: Path,
    plan: Plan,
    profile_dir: Path | None,
) -> tuple[list[Figure], list[list[str]]]:
    postgres = url.startswith("postgresql")
    log = scratch / f"gunicorn-{name}.log"
    prepare_database(url)
    env = server_environment(url, scratch)
    all_akimats = akimats()
    akimat_ids = [akimat.id for akimat in all_akimats]

    print(
        f"\n[{name}] filing and the least filing beside one INSERT, {plan.rounds} rounds",
        flush=True,
    )
    with running_gunicorn(plan.server, env, log, database_pid) as server:
        filing, least, insert = alternate(
            server,
            plan,
            [
                ("filing", {"akimats": akimat_ids}),
                ("least filing", {"akimats": akimat_ids}),
                ("insert", {}),
            ],
            (profile_dir, name),
        )
    database = url if postgres else url.removeprefix("sqlite:///")
    emails = _data.notification_counts(database, postgres)
    threads = [m.worker_threads for m in filing.rounds]
    print(
        f"[{name}] threads per gunicorn worker as each filing round ended: {threads} "
        f"(a worker needs {plan.server.threads + 1}: its main thread and {plan.server.threads} for "
        "requests; the rest deliver mail); emails by status "
        f"after the last round: {emails}"
    )

    print(f"[{name}] loading {plan.rows:,} complaints", flush=True)
    current_year = time.gmtime().tm_year
    rows, dataset = _data.generate(
        plan.rows,
        all_akimats,
        current_year - LOADED_YEARS,
        LOADED_YEARS,
        BENCH_SECRET.encode(),
        plan.keys,
    )
    started = time.perf_counter()
    if postgres:
        _data.load_postgres(url, rows, dataset)
    else:
        _data.load_sqlite(database, rows, dataset)
    load_seconds = time.perf_counter() - started
    ids = _data.id_range(database, postgres)
    print(f"[{name}] loaded in {load_seconds:.0f} s; the tracking query's plan:")
    plan_text = _data.explain_lookup(database, postgres, dataset.keys[0][0])
    print("  " + plan_text.replace("\n", "\n  "))
    print(f"[{name}] tracking beside one SELECT, {plan.rounds} rounds", flush=True)

    with running_gunicorn(plan.server, env, log, database_pid) as server:
        check_tracked_page(server, *dataset.keys[0])
        tracking, select = alternate(
            server,
            plan,
            [("tracking", {"keys": dataset.keys}), ("select", {"ids": ids})],
            (profile_dir, name),
        )

    report_tracebacks(name, log)

    rows_out = []
    for series in (filing, least, insert, tracking, select):
        rows_out.append(
            [
                name,
                series.scenario,
                f"{series.rate:.0f}",
                f"{series.p50:.1f}",
                f"{series.p95:.1f}",
                f"{series.app_cpu_ms:.1f}",
                f"{series.database_cpu_ms:.1f}" if database_pid else "(in app)",
                f"{series.client_cores:.2f}",
                f"{series.ceiling:.0f}",
                " ".join(f"{m.rate:.0f}" for m in series.rounds),
                ", ".join(f"{k}×{v}" for k, v in series.failures.items()) or "none",
            ]
        )
    bench = f"complaints ({name})"
    filing_ratio, tracking_ratio = ratio(filing, insert), ratio(tracking, select)
    least_ratio = ratio(least, insert)
    filing_cpu = filing.app_cpu_ms + (filing.database_cpu_ms if database_pid else 0.0)
    figures = [
        Figure(
            bench,
            "filings/s",
            filing.rate,
            "/s",
            f"≥ {TARGET_FILINGS_PER_SECOND}",
            filing.rate >= TARGET_FILINGS_PER_SECOND,
        ),
        Figure(bench, "filing p50", filing.p50, "ms"),
        Figure(bench, "filing p95", filing.p95, "ms"),
        Figure(bench, "filing CPU per request (app + db)", filing_cpu, "ms"),
        Figure(bench, f"filing ceiling, CPU-bound on {CORES} idle cores", filing.ceiling, "/s"),
        Figure(bench, "INSERT baseline", insert.rate, "req/s"),
        Figure(
            bench,
            "filings ÷ INSERT baseline",
            filing_ratio,
            "ratio",
            f"≥ {TARGET_RATIO}",
            filing_ratio >= TARGET_RATIO,
        ),
        # No target: how high the filing's ratio could go if it did nothing beyond the least.
        Figure(bench, "least filing ÷ INSERT baseline", least_ratio, "ratio"),
        Figure(
            bench,
            "least filing CPU per request (app + db)",
            least.app_cpu_ms + (least.database_cpu_ms if database_pid else 0.0),
            "ms",
        ),
        Figure(bench, f"rows loaded ({plan.rows:,}) in", load_seconds, "s"),
        Figure(bench, "tracking lookups/s", tracking.rate, "/s"),
        Figure(bench, "tracking p50", tracking.p50, "ms"),
        Figure(
            bench,
            f"tracking p95 at {plan.rows:,}",
            tracking.p95,
            "ms",
            f"≤ {TARGET_TRACKING_P95_MS} ms",
            tracking.p95 <= TARGET_TRACKING_P95_MS,
        ),
        Figure(bench, "SELECT-by-key baseline", select.rate, "req/s"),
        Figure(
            bench,
            "tracking ÷ SELECT baseline",
            tracking_ratio,
            "ratio",
            f"≥ {TARGET_RATIO}",
            tracking_ratio >= TARGET_RATIO,
        ),
    ]
    return figures, rows_out


def run(plan: Plan, databases: list[str], profile_dir: Path | None) -> list[Figure]:
    os.environ["SECRET_KEY"] = BENCH_SECRET  # keeps create_app from writing instance/
    print(
        f"Server: {plan.server.describe()}; QYZMET_PRODUCTION=1; rate limits DISABLED "
        "(QYZMET_DISABLE_RATE_LIMITS=1); MAIL_DELIVERY=thread, no SMTP (outbox folder)."
    )
    print(
        f"Load: {plan.users} users, each its own process with one keep-alive connection, "
        f"requests back to back; {plan.settle:.0f} s unmeasured settling, then {plan.rounds} "
        f"rounds of {plan.duration:.0f} s (after {plan.warmup:.0f} s warm-up each), target "
        "and baseline alternating."
    )
    figures, table = on_each_database(
        databases,
        "qyzmet-bench-complaints-",
        lambda name, url, pid, scratch: bench_database(name, url, pid, scratch, plan, profile_dir),
    )
    print_table(
        [
            "database",
            "scenario",
            "req/s",
            "p50 ms",
            "p95 ms",
            "app CPU ms/req",
            "db CPU ms/req",
            "client cores",
            f"ceiling on {CORES} cores",
            "per round req/s",
            "failures",
        ],
        table,
        f"Complaints under load ({plan.users} users; medians of {plan.rounds} rounds):",
    )
    print(
        "CPU ms/req: CPU time of gunicorn's processes (app) and PostgreSQL's (db) in the "
        "window, per completed request; client cores: CPU the load generator took meanwhile; "
        f"ceiling: {CORES} cores × 1000 ÷ (app + db + client CPU ms per request), the rate "
        "if the machine were ours alone and only CPU limited it."
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_server_arguments(parser, "20,000 rows, one short round", "users")
    parser.add_argument("--rows", type=int, help="complaints to load for tracking")
    parser.add_argument("--settle", type=float, help="seconds of unmeasured load first")
    args = parser.parse_args()
    plan = Plan(
        rows=args.rows or (20_000 if args.quick else 1_000_000),
        keys=2_000 if args.quick else 20_000,
        rounds=1 if args.quick else 3,
        settle=args.settle or (3 if args.quick else 10),
        warmup=1 if args.quick else 2,
        duration=4 if args.quick else 10,
        users=args.users,
        server=Gunicorn(args.workers, args.threads, args.wsgi),
    )
    print(f"Machine: {machine()}")
    figures = run(plan, args.database or ["sqlite", "postgresql"], args.profile)
    print_figures(figures, "Complaints figures:")
    if args.json:
        write_figures(args.json, figures)


if __name__ == "__main__":
    main()
