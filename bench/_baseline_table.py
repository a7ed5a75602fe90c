"""The INSERT baseline's table, apart from `bench.wsgi`: importing that module builds and warms
the app, which must not happen before the benchmark has migrated its fresh database."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

bench_metadata = MetaData()
bench_rows = Table(
    "bench_rows",
    bench_metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", String(200), nullable=False),
)
