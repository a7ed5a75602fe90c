"""A copy of the database without the server secret gives no way into a complaint: neither
the access code nor the form's submission key, which the coupon form trades for the code."""

import email

import pytest
from helpers import Applicant, hidden_fields, page
from sqlalchemy import String, Text, select, text

from complaints.domain.access_code import (
    normalise_access_code,
    seal_access_code,
    unseal_access_code,
)
from complaints.models import Complaint, Notification
from qyzmet.extensions import db


def everything_stored(app) -> str:
    """Every text value of every table, as one string to search."""
    values = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if columns:
                for row in db.session.execute(select(*columns)):
                    values.extend(str(value) for value in row if value is not None)
    return "\n".join(values)


@pytest.fixture
def waiting_app(app, monkeypatch):
    """The receipt email stays queued, as when the mail server is down."""
    monkeypatch.setattr("complaints.public.filing.schedule_delivery", lambda app: None)
    return app


def test_a_waiting_receipt_email_keeps_the_access_code_only_sealed(waiting_app, client):
    number, code, receipt = Applicant(client, "kk").file_ok()
    key = page(receipt).select_one("input[name=key]")["value"]
    stored = everything_stored(waiting_app)
    assert number in stored
    for secret_text in (code, normalise_access_code(code), key):
        assert secret_text not in stored


def test_the_sent_receipt_has_the_code_and_the_database_then_keeps_no_seal(app, client, tmp_path):
    _, code, _ = Applicant(client, "ru").file_ok()
    (sent,) = (tmp_path / "outbox").glob("*-receipt.eml")
    body = email.message_from_bytes(sent.read_bytes()).get_payload(decode=True).decode()
    assert f"Код доступа: {code}" in body
    with app.app_context():
        notification = db.session.execute(select(Notification)).scalar_one()
        assert notification.status == "sent"
        assert notification.sealed_access_code is None
    assert code not in everything_stored(app)


def test_a_submission_key_read_from_the_database_does_not_buy_the_coupon(app, client):
    applicant = Applicant(client, "kk")
    _, _, receipt = applicant.file_ok()
    tokens = hidden_fields(receipt.get_data(as_text=True))
    with app.app_context():
        stored = db.session.execute(select(Complaint.submission_token)).scalar_one()
    assert stored != tokens["key"]
    refused = client.post("/kk/complaints/coupon/", data={**tokens, "key": stored})
    assert refused.status_code in (400, 404)
    assert refused.mimetype != "application/pdf"
    # The key the receipt page holds still gets the coupon.
    assert client.post("/kk/complaints/coupon/", data=tokens).mimetype == "application/pdf"


def test_a_sealed_code_opens_only_under_the_secret_that_sealed_it():
    from cryptography.fernet import InvalidToken

    sealed = seal_access_code("K7Q2-9XRM-3B", b"one secret")
    assert "K7Q2" not in sealed
    assert unseal_access_code(sealed, b"one secret") == "K7Q2-9XRM-3B"
    with pytest.raises(InvalidToken):
        unseal_access_code(sealed, b"another secret")


def test_the_migration_removes_the_plain_keys_and_codes_older_rows_hold(blank_app):
    runner = blank_app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    applicant = Applicant(blank_app.test_client(), "kk")
    _, code, _ = applicant.file_ok()
    assert runner.invoke(args=["db", "downgrade", "e00da440ea8b"]).exit_code == 0
    # As the code before this migration stored them: the raw key, and the code in the body
    # of a receipt already sent and of one still waiting.
    old_key = "A" * 32 + ":" + "0" * 31
    with blank_app.app_context():
        sent_body = f"Кіру коды: {code}\nТақырыбы: {code[:4]}"
        db.session.execute(Complaint.__table__.update().values(submission_token=old_key))
        db.session.execute(Notification.__table__.update().values(body=sent_body, status="sent"))
        # (the model has a column this schema lacks: plain SQL)
        db.session.execute(
            text(
                "INSERT INTO notifications (complaint_id, kind, recipient, language, subject,"
                " body, status, attempts, created_at, next_attempt_at)"
                " SELECT complaint_id, kind, recipient, language, subject, :body, 'pending', 0,"
                " created_at, next_attempt_at FROM notifications"
            ),
            {"body": f"Кіру коды: {code}"},
        )
        db.session.commit()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with blank_app.app_context():
        assert db.session.execute(select(Complaint.submission_token)).scalar_one() is None
        bodies = dict(db.session.execute(select(Notification.status, Notification.body)).all())
    assert bodies["sent"] == f"Кіру коды: ••••-••••-••\nТақырыбы: {code[:4]}"
    assert bodies["pending"] == f"Кіру коды: {code}"  # it cannot be sealed without the secret
