"""Database behaviour that must hold on every engine: SQLite tuned for safe concurrent writes.

SQLite is the embedded default. pysqlite's own transaction handling is switched off so that a
write transaction can start with `BEGIN IMMEDIATE` (taking the write lock up front, so two
filings cannot both read the same counter) while reads keep a plain deferred `BEGIN`.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import ServiceUnavailable

from qyzmet.unavailable import TemporarilyUnavailable

WRITE_OPTION = "qyzmet_write"
log = logging.getLogger(__name__)
# Seconds a write waits for another to finish before the request gives up with "busy".
DEFAULT_LOCK_TIMEOUT = 20.0
# Seconds to reach PostgreSQL before a request gives up, unless DATABASE_URL says otherwise.
CONNECT_TIMEOUT = 5
# PostgreSQL's SQLSTATE for a lock wait that ran past lock_timeout.
_LOCK_NOT_AVAILABLE = "55P03"
# Two writers each waiting for a row the other holds: PostgreSQL ends one of them. Nothing
# of it was written, and sent again a moment later it goes through.
_DEADLOCK_DETECTED = "40P01"
# PostgreSQL's SQLSTATE for a write refused by a read-only server (a standby).
_READ_ONLY_TRANSACTION = "25006"
_this_thread = threading.local()


class DatabaseBusy(ServiceUnavailable):
    """A write waited longer than the lock timeout for another to finish; nothing was written.

    A 503 with Retry-After: the visitor is told to send the form again in a minute, rather than
    a request (and its server thread) waiting behind a stuck writer for ever.
    """

    def __init__(self) -> None:
        super().__init__(retry_after=60)


class DatabaseUnavailable(TemporarilyUnavailable):
    """The database did not answer (down, refusing connections, out of disk, a statement
    cancelled); whatever the request was writing was rolled back."""


def is_unavailable(error: SQLAlchemyError) -> bool:
    """The database is away or cannot work now, rather than the statement being wrong.

    DBAPI's OperationalError is what both drivers raise for a refused or dropped connection,
    a cancelled statement (PostgreSQL's statement_timeout), a full disk, SQLite's "unable to
    open database file" and a lock waited on too long; the pool's own timeout is SQLAlchemy's.
    """
    if isinstance(error, OperationalError | PoolTimeout):
        return True
    if getattr(getattr(error, "orig", None), "sqlstate", None) == _READ_ONLY_TRANSACTION:
        return True  # a standby not yet promoted after a failover: writes pass once it is
    return isinstance(error, DBAPIError) and error.connection_invalidated


def database_failure(error: SQLAlchemyError) -> str:
    """The failure in one line: the driver's exception and the first line of its message,
    which says which failure it is."""
    original = getattr(error, "orig", None) or error
    message = str(original).strip()
    return f"{type(original).__name__}: {message.splitlines()[0] if message else ''}"


def report_unavailable(error: SQLAlchemyError) -> None:
    """One line for the operator."""
    log.error(
        "the database did not answer; the request was refused with 503: %s",
        database_failure(error),
    )


def migrations_missing(engine: Engine, migrations: Path) -> tuple[str | None, str] | None:
    """(the database's migration, the code's) when the database is behind the code, else None.

    A database older than the code fails on the first query naming a new column, as a 500 or
    a 503 that says nothing of the cause. A database newer than the code (another server
    already upgraded, section 14 of docs/deploy.md) is not flagged: its revision is unknown
    here, and the old code is about to be replaced.
    """
    head, known = _revisions(migrations)
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head or (current is not None and current not in known):
        return None
    return current, head


@functools.cache
def _revisions(migrations: Path) -> tuple[str, frozenset[str]]:
    """The code's newest migration and all it knows: read once, /healthz asks often."""
    scripts = ScriptDirectory(str(migrations))
    return scripts.get_current_head() or "", frozenset(s.revision for s in scripts.walk_revisions())


def configure_sqlite(
    engine: Engine, synchronous: str = "FULL", lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> None:
    """WAL, foreign keys, a busy timeout, and our own BEGIN on every SQLite connection.

    synchronous=FULL: a complaint whose number the applicant has seen survives a power cut,
    not only a crash. The test suite may lower it; production keeps FULL.
    """
    if engine.dialect.name != "sqlite" or getattr(engine, "_qyzmet_configured", False):
        return
    engine._qyzmet_configured = True  # type: ignore[attr-defined]
    engine._qyzmet_lock_timeout = lock_timeout  # type: ignore[attr-defined]
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
        cursor.execute(f"PRAGMA busy_timeout={round(lock_timeout * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def configure_postgresql(engine: Engine, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
    """A lock_timeout on every PostgreSQL connection, set as it starts (libpq `options`), so
    no transaction or pool reset can undo it: a filing waits for an akimat's counter row, or
    for a racing copy of its own form, only so long."""
    if engine.dialect.name != "postgresql" or getattr(engine, "_qyzmet_configured", False):
        return
    engine._qyzmet_configured = True  # type: ignore[attr-defined]
    engine._qyzmet_lock_timeout = lock_timeout  # type: ignore[attr-defined]
    setting = f"-c lock_timeout={round(lock_timeout * 1000)}"

    @event.listens_for(engine, "do_connect")
    def _on_connect(dialect, connection_record, cargs, cparams) -> None:
        cparams["options"] = f"{cparams.get('options', '')} {setting}".strip()
        # Without it a database host that drops packets holds each request for the kernel's
        # two minutes of TCP retries; DATABASE_URL's own `connect_timeout` wins.
        cparams.setdefault("connect_timeout", CONNECT_TIMEOUT)


SYNCHRONOUS_LEVELS = {"EXTRA", "FULL", "NORMAL", "OFF"}


def init_app(app: Flask) -> None:
    from qyzmet.extensions import db

    synchronous = str(app.config.get("SQLITE_SYNCHRONOUS", "FULL")).upper()
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"SQLITE_SYNCHRONOUS must be one of {sorted(SYNCHRONOUS_LEVELS)}")
    lock_timeout = float(app.config.get("DATABASE_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    if not 0 < lock_timeout <= 3600:
        raise ValueError("DATABASE_LOCK_TIMEOUT must be seconds, above 0 and at most 3600")
    with app.app_context():
        for engine in db.engines.values():
            configure_sqlite(engine, synchronous, lock_timeout)
            configure_postgresql(engine, lock_timeout)


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
    bind = session.get_bind()
    try:
        with _writers_queue(
            getattr(bind, "_qyzmet_writer_queue", None),
            getattr(bind, "_qyzmet_lock_timeout", DEFAULT_LOCK_TIMEOUT),
        ):
            session.connection(execution_options={WRITE_OPTION: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    except DatabaseBusy:
        _report_busy(bind, "in the writers' queue")
        raise
    except SQLAlchemyError as error:
        if isinstance(error, OperationalError) and is_lock_timeout(error):
            _report_busy(bind, "for the database's lock")
            raise DatabaseBusy() from error
        if is_unavailable(error):
            report_unavailable(error)
            raise DatabaseUnavailable() from error
        raise
    finally:
        _this_thread.writing = False


def _report_busy(bind: Engine | Connection, where: str) -> None:
    """A write turned away is a symptom of another that does not finish: the operator must
    hear of it, not only the visitor."""
    timeout = getattr(bind, "_qyzmet_lock_timeout", DEFAULT_LOCK_TIMEOUT)
    log.warning(
        "a write waited %.1f s %s and gave up: another write is not finishing (%s)",
        timeout,
        where,
        bind.dialect.name,
    )


def is_lock_timeout(error: OperationalError) -> bool:
    """SQLite still busy after its busy timeout, or PostgreSQL past its lock_timeout or out of
    a deadlock: each a busy minute, answered "try again", never a 500."""
    original = error.orig
    if isinstance(original, sqlite3.OperationalError):
        code = getattr(original, "sqlite_errorcode", None)
        return code is not None and code & 0xFF == sqlite3.SQLITE_BUSY
    return getattr(original, "sqlstate", None) in {_LOCK_NOT_AVAILABLE, _DEADLOCK_DETECTED}


@contextmanager
def _writers_queue(path: str | None, timeout: float) -> Iterator[None]:
    """Wait for SQLite's write lock in the kernel's queue rather than in SQLite's busy loop.

    A writer that finds SQLite's lock taken sleeps 1, 2, 5, 10, 15, 20, 25… ms between tries,
    so under load the lock often stands free while every waiter sleeps. An exclusive flock on
    a file beside the database wakes the next writer, in any process, the moment the holder
    lets go. The busy timeout still covers writers that skip the queue (sqlite3, migrations).

    flock has no timeout, and a thread blocked in it cannot be woken from Python. So the
    threads of one process first take turns on a lock of their own, which has one, and only
    the thread whose turn it is waits in flock: behind a writer that never finishes, every
    other request of the process is turned away with `DatabaseBusy` after `timeout` seconds,
    and that one thread, when it finally gets the lock, gives up too rather than write for a
    visitor who has been told nothing was saved. (Waiting for flock on a helper thread, which
    could be abandoned, cost a fifth to a quarter of the write throughput under contention.)
    """
    if path is None:
        yield
        return
    started = time.monotonic()
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError:  # a read-only folder: the busy timeout alone still serialises writers
        yield
        return
    turn = _turn_in_this_process(path)
    if not turn.acquire(timeout=timeout):
        os.close(descriptor)
        raise DatabaseBusy()
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            if time.monotonic() - started > timeout:
                raise DatabaseBusy()
            yield
        finally:
            # Closing the last descriptor of the open file releases the flock: before the next
            # thread of this process takes its turn, so that it does not find the flock held.
            os.close(descriptor)
    finally:
        turn.release()


_turns: dict[str, threading.Lock] = {}
_turns_guard = threading.Lock()


def _turn_in_this_process(path: str) -> threading.Lock:
    turn = _turns.get(path)
    if turn is None:
        with _turns_guard:
            turn = _turns.setdefault(path, threading.Lock())
    return turn


def _forget_turns_after_fork() -> None:
    # A turn held by a thread of the parent would stay held in the child, where that thread
    # does not exist.
    global _turns, _turns_guard
    _turns, _turns_guard = {}, threading.Lock()


os.register_at_fork(after_in_child=_forget_turns_after_fork)


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
