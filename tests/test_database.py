"""SQLite writers take turns in the kernel's queue: none sleeps while the write lock is free."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from qyzmet import create_app
from qyzmet.database import write_transaction
from qyzmet.extensions import db


@pytest.fixture
def sqlite_app(tmp_path):
    path = tmp_path / "queue.sqlite3"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        db.session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        db.session.commit()
    return app, Path(f"{path}-writers")


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
