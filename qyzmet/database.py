"""Database behaviour that must hold on every engine: SQLite tuned for safe concurrent writes.

SQLite is the embedded default. pysqlite's own transaction handling is switched off so that a
write transaction can start with `BEGIN IMMEDIATE` (taking the write lock up front, so two
filings cannot both read the same counter) while reads keep a plain deferred `BEGIN`.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator

WRITE_OPTION = "qyzmet_write"
_this_thread = threading.local()


def configure_sqlite(engine: Engine, synchronous: str = "FULL") -> None:
    """WAL, foreign keys, a busy timeout, and our own BEGIN on every SQLite connection.

    synchronous=FULL: a complaint whose number the applicant has seen survives a power cut,
    not only a crash. The test suite may lower it; production keeps FULL.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, "_qyzmet_configured", False):
        return
    engine._qyzmet_configured = True  # type: ignore[attr-defined]
    database = engine.url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        engine._qyzmet_writer_queue = f"{database}-writers"  # type: ignore[attr-defined]

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


SYNCHRONOUS_LEVELS = {"EXTRA", "FULL", "NORMAL", "OFF"}


def init_app(app: Flask) -> None:
    from qyzmet.extensions import db

    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS", "FULL")).upper()
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {sorted(SYNCHRONOUS_LEVELS)}")
    with app.app_context():
        for engine in db.engines.values():
            configure_sqlite(engine, synchronous)


@contextmanager
def write_transaction(session: Session) -> Iterator[Session]:
    """A transaction that will write: serialised on SQLite, row-locked by the caller on PostgreSQL.

    Commits on success and rolls back on any error, so nothing is ever half-applied.
    """
    if isinstance(session, scoped_session):
        session = session()
    if getattr(_this_thread, "writing", False):
        # Its first commit would end the outer one, and on SQLite it would then wait in the
        # writers' queue behind the outer one, its own thread, for ever.
        raise RuntimeError("write transactions do not nest")
    if session.in_transaction():
        # A read earlier in the request holds a deferred transaction; end it so the write
        # transaction starts fresh and takes the lock before it reads anything.
        session.commit()
    _this_thread.writing = True
    try:
        with _writers_queue(getattr(session.get_bind(), "_qyzmet_writer_queue", None)):
            session.connection(execution_options={WRITE_OPTION: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        _this_thread.writing = False


@contextmanager
def _writers_queue(path: str | None) -> Iterator[None]:
    """Wait for SQLite's write lock in the kernel's queue rather than in SQLite's busy loop.

    A writer that finds SQLite's lock taken sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries,
    so under load the lock often stands free while every waiter sleeps. An exclusive flock on
    a file beside the database wakes the next writer, in any process, the moment the holder
    lets go. The busy timeout still covers writers that skip the queue (sqlite3, migrations).
    """
    if path is None:
        yield
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: the busy timeout alone still serialises writers
        yield
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing the last descriptor of the open file releases the lock


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("refusing a naive datetime; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
