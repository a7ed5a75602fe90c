"""The baselines' tables, apart from `bench.wsgi`: importing that module builds and warms the
app, which must not happen before the benchmark has migrated its fresh database."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

bench_metadata = MetaData()
bench_rows = Table(
    "bench_rows",
    bench_metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", String(200), nullable=False),
)
# The least filing's numbers: one counter per akimat, as registration_counters keeps per
# akimat and year, so PostgreSQL's filings to different akimats do not queue on one row.
bench_counters = Table(
    "bench_counters",
    bench_metadata,
    Column("akimat", String(40), primary_key=True),
    Column("last_number", Integer, nullable=False),
)
