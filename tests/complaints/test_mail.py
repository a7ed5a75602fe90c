"""Emails to applicants over real SMTP (an aiosmtpd server on loopback), in their language."""

import email
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from helpers import Applicant

from complaints.mail import deliver_pending
from complaints.models import Complaint, Notification
from qyzmet.extensions import db


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    controller, _ = smtp_server
    app.config.update(
        SMTP_HOST=controller.hostname,
        SMTP_PORT=controller.port,
        SMTP_STARTTLS=False,
        MAIL_FROM="Qyzmet <no-reply@qyzmet.example>",
    )
    return app


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


@pytest.mark.parametrize(
    ("lang", "subject", "phrase"),
    [
        ("kk", "шағымы тіркелді", "Тіркеу нөмірі:"),
        ("ru", "зарегистрирована", "Регистрационный номер:"),
    ],
)
def test_the_receipt_arrives_over_smtp_in_the_applicants_language(
    smtp_app, smtp_server, lang, subject, phrase
):
    _, inbox = smtp_server
    client = smtp_app.test_client()
    number, code, _ = Applicant(client, lang).file_ok()
    (message,) = inbox.messages
    assert message["To"] == "asan@example.kz"
    assert message["Content-Language"] == lang
    assert number in subject_of(message) and subject in subject_of(message)
    body = message.get_payload(decode=True).decode("utf-8")
    assert phrase in body and code in body
    assert f"https://qyzmet.example/{lang}/complaints/track/" in body
    with smtp_app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert notification.status == "sent" and notification.attempts == 1


def test_no_email_is_sent_when_the_applicant_wants_the_answer_by_post(smtp_app, smtp_server):
    _, inbox = smtp_server
    Applicant(smtp_app.test_client(), "ru").file_ok(
        reply_channel="post", address="Тараз, ул. Абая, 1"
    )
    assert inbox.messages == []


def test_a_failing_mail_server_neither_loses_nor_blocks_the_complaint(app):
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT=2
    )
    number, _, response = Applicant(app.test_client(), "kk").file_ok()
    assert response.status_code == 200
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        assert complaint.registration_number == number
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert notification.status == "pending"
        assert notification.attempts == 1
        assert "ConnectionRefusedError" in notification.last_error
        assert notification.next_attempt_at > notification.created_at


def test_a_queued_email_is_delivered_once_the_server_is_back(app, smtp_server):
    controller, inbox = smtp_server
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT=2
    )
    Applicant(app.test_client(), "ru").file_ok()
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    with app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        notification.next_attempt_at = notification.created_at  # the retry is due now
        db.session.commit()
    assert deliver_pending(app) == 1
    assert len(inbox.messages) == 1
    assert deliver_pending(app) == 0  # sent exactly once


def test_after_the_last_retry_the_email_is_marked_failed_for_staff(app):
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT=2
    )
    Applicant(app.test_client(), "kk").file_ok()
    for _ in range(4):
        with app.app_context():
            notification = db.session.execute(db.select(Notification)).scalar_one()
            notification.next_attempt_at = notification.created_at
            db.session.commit()
        deliver_pending(app)
    with app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert notification.status == "failed"
        assert notification.attempts == 5
