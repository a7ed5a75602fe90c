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

from qyzmet import create_app
from qyzmet.database import DatabaseBusy, write_transaction
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


def test_a_writer_behind_a_holder_that_does_not_let_go_gives_up_busy_and_writes_nothing(
    impatient_app, caplog
):
    app, queue = impatient_app
    write_note(app, "first")
    holder = os.open(queue, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseBusy) as busy:
            write_note(app, "second")
        waited = time.monotonic() - started
    finally:
        os.close(holder)
    assert 0.3 <= waited < 5
    assert busy.value.code == 503
    assert "waited 0.3 s in the writers' queue and gave up" in caplog.text
    assert notes(app) == ["first"]
    # The writer that gave up does not keep the queue once it comes free.
    write_note(app, "third")
    assert notes(app) == ["first", "third"]


def test_a_writer_that_gave_up_leaves_no_descriptor_open_once_the_queue_comes_free(impatient_app):
    app, queue = impatient_app
    write_note(app, "first")
    holder = os.open(queue, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(3):
        with pytest.raises(DatabaseBusy):
            write_note(app, "lost")
    os.close(holder)
    # The helpers waiting in the kernel take the lock in turn and let it go at once.
    deadline = time.monotonic() + 5
    while len(os.listdir("/proc/self/fd")) >= before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(os.listdir("/proc/self/fd")) < before
    assert not [t for t in threading.enumerate() if t.name == "sqlite-writers-queue"]


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
