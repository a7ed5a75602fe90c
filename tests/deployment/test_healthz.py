"""/healthz tells a load balancer or a monitor whether this server can do its work.

It answers 200 only when the database answers too, and otherwise a 503 with a JSON body, so
a balancer takes the server out of rotation (503 means "unavailable, try another") instead of
seeing an application error.
"""

from __future__ import annotations

import logging

import flask_migrate
import pytest
from serving import free_port
from sqlalchemy.engine import URL

from qyzmet import create_app
from qyzmet.extensions import db
from qyzmet.warmup import warm_up


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def _unreachable_postgresql(tmp_path) -> str:
    # A free port of 127.0.0.1: nothing listens there, so the connection is refused at once.
    return URL.create(
        "postgresql+psycopg",
        username="qyzmet",
        password="not-used",
        host="127.0.0.1",
        port=free_port(),
        database="qyzmet",
    ).render_as_string(hide_password=False)


def _unreachable_sqlite(tmp_path) -> str:
    # SQLite cannot create a database file in a folder that does not exist.
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'qyzmet.sqlite3'}"


@pytest.mark.parametrize(
    "unreachable_url",
    [_unreachable_sqlite, _unreachable_postgresql],
    ids=["sqlite", "postgresql"],
)
def test_healthz_answers_503_with_json_when_the_database_is_unreachable(unreachable_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "healthz-test-secret",
            "SQLALCHEMY_DATABASE_URI": unreachable_url(tmp_path),
            "UPLOAD_ROOT": str(tmp_path / "attachments"),
            "OUTBOX_DIR": str(tmp_path / "outbox"),
        }
    )
    try:
        response = app.test_client().get("/healthz")
    finally:
        with app.app_context():
            db.engine.dispose()
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["status"] != "ok"


def test_healthz_answers_503_on_a_database_older_than_the_code(blank_app):
    """`flask db upgrade` not run after an upgrade: most requests would fail on a missing
    column, so the server is out of rotation until it is."""
    with blank_app.app_context():
        flask_migrate.upgrade(revision="e00da440ea8b")  # one before the newest but one
    response = blank_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "migrations not applied"}
    with blank_app.app_context():
        flask_migrate.upgrade()
    assert blank_app.test_client().get("/healthz").status_code == 200


def test_a_server_starting_on_a_database_older_than_the_code_says_what_to_run(blank_app, caplog):
    with blank_app.app_context():
        flask_migrate.upgrade(revision="e00da440ea8b")
    # Alembic's logging configuration replaced the root logger's handlers, pytest's among them.
    logging.getLogger().addHandler(caplog.handler)
    with caplog.at_level(logging.ERROR):
        warm_up(blank_app)
    assert "the database is at migration e00da440ea8b, this code needs" in caplog.text
    assert "run `flask db upgrade`" in caplog.text
