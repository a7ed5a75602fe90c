"""SQLite writers take turns in the kernel's queue: none sleeps while the write lock is free,
and none waits for ever behind a writer that does not finish."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from qyzmet import create_app
from qyzmet.database import CONNECT_TIMEOUT, DatabaseBusy, is_unavailable, write_transaction
from qyzmet.extensions import db


def notes_app(path: Path, lock_timeout: float):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "DATABASE_LOCK_TIMEOUT": lock_timeout,
        }
    )
    with app.app_context():
        db.session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.commit()
    return app, Path(f"{path}-writers")


@pytest.fixture
def sqlite_app(tmp_path):
    return notes_app(tmp_path / "queue.sqlite3", lock_timeout=20)


@pytest.fixture
def impatient_app(tmp_path):
    """Writers that wait 0.3 s for the lock, where production waits 20."""
    return notes_app(tmp_path / "queue.sqlite3", lock_timeout=0.3)


def write_note(app, body: str) -> None:
    with app.app_context(), write_transaction(db.session) as session:
        session.execute(text("INSERT INTO notes (body) VALUES (:body)"), {"body": body})


def notes(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(text("SELECT body FROM notes ORDER BY id")).scalars())


def test_a_writer_waits_in_the_queue_beside_the_database_until_the_holder_lets_go(sqlite_app):
    app, queue = sqlite_app
    write_note(app, "first")
    assert queue.exists()

    # Another process's writer, as far as the kernel can tell: its own open file.
    holder = os.open(queue, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    writer = threading.Thread(target=write_note, args=(app, "second"))
    writer.start()
    writer.join(timeout=0.5)
    assert writer.is_alive(), "the writer should wait while another holds the queue"
    assert notes(app) == ["first"]

    os.close(holder)
    writer.join(timeout=10)
    assert not writer.is_alive()
    assert notes(app) == ["first", "second"]


def test_a_failed_write_leaves_the_queue_to_the_next_writer(sqlite_app):
    app, _ = sqlite_app
    with (
        pytest.raises(ZeroDivisionError),
        app.app_context(),
        write_transaction(db.session) as session,
    ):
        session.execute(text("INSERT INTO notes (body) VALUES ('lost')"))
        raise ZeroDivisionError
    write_note(app, "kept")
    assert notes(app) == ["kept"]


def test_threads_of_one_process_take_turns_too(sqlite_app):
    app, _ = sqlite_app
    writers = [
        threading.Thread(target=lambda n=n: [write_note(app, f"{n}-{i}") for i in range(25)])
        for n in range(6)
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=60)
    assert sorted(notes(app)) == sorted(f"{n}-{i}" for n in range(6) for i in range(25))


def test_a_write_transaction_inside_another_is_refused_rather_than_waiting_for_ever(app):
    with (
        app.app_context(),
        write_transaction(db.session),
        pytest.raises(RuntimeError, match="do not nest"),
        write_transaction(db.session),
    ):
        pass


def hold_the_queue(queue: Path, seconds: float) -> None:
    """Another process's writer, as far as the kernel can tell, that lets go after `seconds`."""
    holder = os.open(queue, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    threading.Timer(seconds, os.close, args=(holder,)).start()


def test_writers_behind_one_that_does_not_finish_are_turned_away_busy_after_the_timeout(
    impatient_app, caplog
):
    app, queue = impatient_app
    write_note(app, "first")
    descriptors = len(os.listdir("/proc/self/fd"))
    hold_the_queue(queue, seconds=1.0)
    # The process's first writer waits in the kernel's queue for its turn...
    outcome: list[BaseException] = []
    first = threading.Thread(target=lambda: outcome.append(catch(write_note, app, "second")))
    first.start()
    time.sleep(0.1)
    # ...and its other threads wait behind it only as long as the timeout.
    started = time.monotonic()
    with pytest.raises(DatabaseBusy) as busy:
        write_note(app, "third")
    assert 0.3 <= time.monotonic() - started < 0.9
    assert busy.value.code == 503
    # The first gets the lock after the timeout, when the visitor has been told nothing was
    # saved: it gives up rather than write.
    first.join(timeout=10)
    assert isinstance(outcome[0], DatabaseBusy)
    assert notes(app) == ["first"]
    assert caplog.text.count("in the writers' queue and gave up") == 2
    assert len(os.listdir("/proc/self/fd")) == descriptors
    write_note(app, "fourth")
    assert notes(app) == ["first", "fourth"]


def catch(function, *args) -> BaseException | None:
    try:
        function(*args)
    except BaseException as error:
        return error
    return None


def test_a_writer_behind_one_outside_the_queue_gives_up_busy_after_the_same_timeout(
    impatient_app, tmp_path
):
    """The sqlite3 shell, or a migration, takes SQLite's lock without the queue."""
    app, _ = impatient_app
    write_note(app, "first")
    outsider = sqlite3.connect(tmp_path / "queue.sqlite3", isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseBusy):
            write_note(app, "second")
    finally:
        outsider.rollback()
        outsider.close()
    write_note(app, "third")
    assert notes(app) == ["first", "third"]


@pytest.mark.parametrize("value", [0, -1, 3601])
def test_a_lock_timeout_out_of_range_is_refused_at_start(tmp_path, value):
    with pytest.raises(ValueError, match="DATABASE_LOCK_TIMEOUT"):
        create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "DATABASE_LOCK_TIMEOUT": value,
            }
        )


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("query", "connect_timeout"), [("", str(CONNECT_TIMEOUT)), ("?connect_timeout=2", "2")]
)
def test_every_postgresql_connection_waits_for_a_lock_and_for_the_server_only_so_long(
    database_url, tmp_path, query, connect_timeout
):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url + query,
            "DATABASE_LOCK_TIMEOUT": 0.3,
        }
    )
    with app.app_context():
        assert db.session.execute(text("SHOW lock_timeout")).scalar_one() == "300ms"
        connection = db.session.connection().connection.dbapi_connection
        assert connection.info.get_parameters()["connect_timeout"] == connect_timeout
        db.session.rollback()
        # A pool reset (a rollback) does not undo it: it is set as the connection starts.
        assert db.session.execute(text("SHOW lock_timeout")).scalar_one() == "300ms"
        db.engine.dispose()


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    "statement",
    [
        # A statement_timeout an operator set in DATABASE_URL's options, run past.
        "SET LOCAL statement_timeout = 10; SELECT pg_sleep(1)",
        # A standby not yet promoted after a failover refuses writes.
        "SET TRANSACTION READ ONLY; UPDATE registration_counters SET last_sequence = 0",
    ],
    ids=["statement-timeout", "read-only"],
)
def test_what_passes_on_postgresql_is_taken_for_unavailable_not_for_a_bug(app, statement):
    with (
        app.app_context(),
        db.engine.connect() as connection,
        pytest.raises(SQLAlchemyError) as failure,
    ):
        for part in statement.split("; "):
            connection.execute(text(part))
    assert is_unavailable(failure.value)


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_writers_locking_two_rows_in_turn_end_one_busy_not_as_a_bug(app):
    """Each locks one row, then wants the other's: PostgreSQL ends one transaction, which is
    turned away busy (a 503 to send again), and the other one commits."""
    with app.app_context():
        db.session.execute(text("CREATE TABLE pair (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.execute(text("INSERT INTO pair VALUES (1, ''), (2, '')"))
        db.session.commit()
    both_hold_one = threading.Barrier(2, timeout=10)
    outcomes: dict[int, object] = {}

    def write(first: int, second: int) -> None:
        try:
            with app.app_context(), write_transaction(db.session) as session:
                lock = "UPDATE pair SET body = :body WHERE id = :id"
                session.execute(text(lock), {"body": f"by {first}", "id": first})
                both_hold_one.wait()
                session.execute(text(lock), {"body": f"by {first}", "id": second})
            outcomes[first] = "written"
        except Exception as error:  # the outcome is what is asserted
            outcomes[first] = error

    threads = [threading.Thread(target=write, args=pair) for pair in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(map(type, outcomes.values()), key=str) == sorted([str, DatabaseBusy], key=str)
    written = next(first for first, outcome in outcomes.items() if outcome == "written")
    with app.app_context():
        bodies = db.session.execute(text("SELECT body FROM pair ORDER BY id")).scalars().all()
    assert bodies == [f"by {written}", f"by {written}"]
