"""`flask complaints deliver-mail` sends what is due and says what remains."""

import shutil
import socket
import sqlite3

from helpers import Applicant

from complaints.models import Notification
from qyzmet import create_app
from qyzmet.extensions import db


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_deliver_mail_retries_an_email_that_failed_once_the_server_is_back(app, tmp_path):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port(), SMTP_STARTTLS=False)
    Applicant(app.test_client(), "kk").file_ok()
    assert not (tmp_path / "outbox").exists()
    app.config["SMTP_HOST"] = None  # back to the outbox folder
    with app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        notification.next_attempt_at = notification.created_at  # the retry is due
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["complaints", "deliver-mail"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "sent 1; pending 0; failed for good 0"
    assert len(list((tmp_path / "outbox").glob("*-receipt.eml"))) == 1


def test_deliver_mail_with_nothing_due_sends_nothing(app):
    result = app.test_cli_runner().invoke(args=["complaints", "deliver-mail"])
    assert result.output.strip() == "sent 0; pending 0; failed for good 0"


def test_deliver_mail_behind_a_write_that_does_not_finish_says_so_in_one_line(
    migrated_sqlite, tmp_path
):
    from tests.conftest import base_config

    path = tmp_path / "busy.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    app = create_app(
        {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "DATABASE_LOCK_TIMEOUT": 0.3,
        }
    )
    # A write outside the app (the sqlite3 shell) that does not finish.
    outsider = sqlite3.connect(path, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")
    try:
        result = app.test_cli_runner().invoke(args=["complaints", "deliver-mail"])
    finally:
        outsider.rollback()
        outsider.close()
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the database is busy: another write has not finished within 0.3 s; "
        "emails still due wait for the next run"
    )


def test_deliver_mail_with_the_database_away_says_so_in_one_line(app, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from complaints import cli

    def away(_app):
        raise OperationalError("SELECT 1", {}, Exception("connection refused\nDETAIL: more"))

    monkeypatch.setattr(cli, "deliver_pending", away)
    result = app.test_cli_runner().invoke(args=["complaints", "deliver-mail"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: the database did not answer (Exception: connection refused); "
        "emails still due wait for the next run"
    )
