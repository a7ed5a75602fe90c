"""The SQL each measured page sends, how long each statement takes alone, and its plan.

The statements are not rewritten here: the page is requested through Flask's test client
with the benchmark's database, every statement the app sends is recorded (SQLAlchemy's
`before_cursor_execute`), and those that read `complaints` are run again on their own, with
the same parameters, to time them and ask for their plan (EXPLAIN QUERY PLAN on SQLite;
EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL). So what is printed is what the product runs,
whatever the view's code becomes.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import event

_READS_COMPLAINTS = re.compile(r"\bcomplaints\b")
_COLUMN_LIST = re.compile(r"SELECT (complaints\.\w+, ){8,}complaints\.\w+ FROM")
TIMING_RUNS = 3


@dataclass
class Statement:
    sql: str
    parameters: object
    ms: float = 0.0  # median of TIMING_RUNS runs, rows fetched
    rows: int = 0
    plan: str = ""

    def short_sql(self) -> str:
        """The SQL with its long list of complaint columns written as `complaints.*`."""
        text = _COLUMN_LIST.sub("SELECT complaints.* FROM", " ".join(self.sql.split()))
        return text


@dataclass
class Page:
    path: str
    status: int
    statements: list[Statement] = field(default_factory=list)
    all_statements: int = 0

    @property
    def database_ms(self) -> float:
        return sum(statement.ms for statement in self.statements)


def explain_pages(url: str, email: str, password: str, paths: dict[str, str]) -> dict[str, Page]:
    """Each named path requested once as the signed-in head; its statements timed and planned."""
    from qyzmet import create_app
    from qyzmet.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            # The test client does not parse forms for tokens; the SQL is the same without.
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    postgres = url.startswith("postgresql")
    with app.app_context():
        engine = db.engine
    # Requests outside that context, so each gets its own session as under gunicorn (inside
    # it, the session and its identity map would carry over and hide queries).
    client = app.test_client()
    response = client.post("/kk/staff/login/", data={"email": email, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"the test client could not sign in: {response.status_code}")
    recorded: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        recorded.append((statement, parameters))

    pages: dict[str, Page] = {}
    for name, path in paths.items():
        recorded.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(path).status_code
        finally:
            event.remove(engine, "before_cursor_execute", record)
        page = Page(path, status, all_statements=len(recorded))
        for sql, parameters in recorded:
            if _READS_COMPLAINTS.search(sql) and sql.lstrip().upper().startswith("SELECT"):
                page.statements.append(_analyse(engine, sql, parameters, postgres))
        pages[name] = page
    engine.dispose()
    return pages


def _analyse(engine, sql: str, parameters: object, postgres: bool) -> Statement:
    statement = Statement(sql, parameters)
    timings = []
    with engine.connect() as connection:
        for _ in range(TIMING_RUNS):
            started = time.perf_counter()
            statement.rows = len(connection.exec_driver_sql(sql, parameters).fetchall())
            timings.append((time.perf_counter() - started) * 1000)
        explain = "EXPLAIN (ANALYZE, BUFFERS) " if postgres else "EXPLAIN QUERY PLAN "
        plan = connection.exec_driver_sql(explain + sql, parameters).fetchall()
        connection.rollback()
    statement.ms = statistics.median(timings)
    statement.plan = "\n".join(row[0] if postgres else row[-1] for row in plan)
    return statement


def print_pages(database: str, pages: dict[str, Page], verbose: bool) -> None:
    """One line per page (statements, time in the database); with `verbose`, SQL and plans."""
    print(f"[{database}] each page's statements on complaints, run alone (median of 3):")
    for name, page in pages.items():
        slowest = max(page.statements, key=lambda s: s.ms, default=None)
        print(
            f"  {name}: HTTP {page.status}, {page.all_statements} statements, "
            f"{len(page.statements)} on complaints taking {page.database_ms:.1f} ms"
            + (f" (slowest {slowest.ms:.1f} ms, {slowest.rows} rows)" if slowest else "")
        )
        if not verbose:
            continue
        for number, statement in enumerate(page.statements, 1):
            print(f"    ({number}) {statement.ms:.1f} ms, {statement.rows} rows")
            print(f"      SQL: {statement.short_sql()}")
            print(f"      parameters: {statement.parameters}")
            print("      " + statement.plan.replace("\n", "\n      "))
