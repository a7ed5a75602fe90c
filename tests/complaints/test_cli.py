"""`flask complaints deliver-mail` sends what is due and says what remains."""

import socket

from helpers import Applicant

from complaints.models import Notification
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
