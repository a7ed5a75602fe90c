"""What citizens and staff see when a part of the infrastructure fails: the database away, the
attachments folder full. A page in their language saying to try again (503, Retry-After), never
the server's bare English error; nothing half-written; the operator told in the log.

The lock timeout (a write stuck behind another) is tested with filing (tests/complaints/
test_filing.py) and the database itself (tests/test_database.py); Redis with the rate limits.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import sqlite3
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import VALID, Applicant, Staff, hidden_fields, make_staff, text_of
from sqlalchemy import event

from complaints.models import Attachment, Complaint, ComplaintEvent, Notification
from complaints.web import today_in_almaty
from qyzmet.extensions import db

UNAVAILABLE = {"kk": "Сервис уақытша қолжетімсіз", "ru": "Сервис временно недоступен"}
NOT_SAVED = {
    "kk": "Шағымыңыз сақталған жоқ және оның әлі тіркеу нөмірі жоқ",
    "ru": "Ваша жалоба не сохранена, и регистрационного номера у неё пока нет",
}
ATTACH_AGAIN = {
    "kk": "акт.pdf, анықтама.pdf файлдарын қайта тіркеңіз",
    "ru": "Прикрепите заново: акт.pdf, анықтама.pdf",
}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def take_the_database_away(app) -> None:
    """Every new connection refused, as by a PostgreSQL that is down or a SQLite file that
    cannot be opened; the connections already open are closed first."""
    with app.app_context():
        engine = db.engine
    engine.dispose()
    sqlite = engine.dialect.name == "sqlite"

    def refuse(dialect, connection_record, cargs, cparams):
        if sqlite:
            raise sqlite3.OperationalError("unable to open database file")
        import psycopg

        raise psycopg.OperationalError("connection failed: Connection refused")

    event.listen(engine, "do_connect", refuse)
    app.extensions["refused_connections"] = (engine, refuse)


def bring_the_database_back(app) -> None:
    engine, refuse = app.extensions.pop("refused_connections")
    event.remove(engine, "do_connect", refuse)


@pytest.fixture
def live_app(app):
    """The app as it serves in production: a failure is answered with a page, not raised."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def assert_try_again_page(response, lang: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    text = text_of(response)
    assert UNAVAILABLE[lang] in text
    assert soup_of(response).html["lang"] == lang
    assert "Internal Server Error" not in text and "OperationalError" not in text


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (Complaint, ComplaintEvent, Notification, Attachment)
        )


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_with_the_database_away_a_citizen_tracking_is_told_to_try_again_in_their_language(
    live_app, lang, caplog
):
    client = live_app.test_client()
    applicant = Applicant(client, lang)
    number, code, _ = applicant.file_ok()
    tracked = applicant.track(number, code).headers["Location"]
    withdraw_form = hidden_fields(client.get(tracked).get_data(as_text=True))
    take_the_database_away(live_app)
    assert_try_again_page(applicant.track(number, code), lang)
    assert_try_again_page(client.get(tracked), lang)
    assert_try_again_page(
        client.post(f"{tracked}withdraw/", data={**withdraw_form, "confirm": "y"}), lang
    )
    assert "the database did not answer; the request was refused with 503" in caplog.text
    bring_the_database_back(live_app)
    assert client.get(tracked).status_code == 200


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_with_the_database_away_signed_in_staff_get_the_page_not_a_bare_server_error(
    live_app, lang
):
    """The page names the signed-in staff member, read from the database: without care the
    error page failed in turn, and the browser got the server's bare English error."""
    make_staff(live_app, "head")
    head = Staff(live_app, "head.taraz-city-akimat@example.kz", lang=lang)
    assert head.login().status_code == 302
    take_the_database_away(live_app)
    for path in ("/", "/complaints/1/", "/reports/", "/reports.csv"):
        assert_try_again_page(head.get(path), lang)


def test_with_the_database_away_signing_in_is_told_to_try_again(live_app):
    make_staff(live_app, "registrar")
    registrar = Staff(live_app, "registrar.taraz-city-akimat@example.kz", lang="ru")
    form = hidden_fields(registrar.get("/login/").get_data(as_text=True))
    take_the_database_away(live_app)
    response = registrar.client.post(
        "/ru/staff/login/",
        data={**form, "email": registrar.email, "password": registrar.password},
    )
    assert_try_again_page(response, "ru")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_filing_the_database_refuses_keeps_what_was_typed_and_gets_no_number(live_app, lang):
    applicant = Applicant(live_app.test_client(), lang)
    tokens = applicant.form()
    take_the_database_away(live_app)
    response = applicant.file(tokens, subject="Кезек күтудің ұзақтығы", files=[])
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert NOT_SAVED[lang] in text_of(response)
    soup = soup_of(response)
    assert soup.select_one("#subject")["value"] == "Кезек күтудің ұзақтығы"
    assert soup.select_one("#registration-number") is None
    bring_the_database_back(live_app)
    assert counts(live_app) == (0, 0, 0, 0)
    # Sent again from the page it was given back on, the complaint takes the first number.
    number, _, _ = applicant.file_ok(tokens=hidden_fields(response.get_data(as_text=True)))
    assert number.endswith("000001")


def no_space_left_on_the_second_file(monkeypatch) -> None:
    """A disk that fills up as the second attachment is written: it is left on disk cut short."""
    real_fsync = os.fsync
    files_flushed = []

    def fsync(descriptor: int) -> None:
        if os.path.isfile(f"/proc/self/fd/{descriptor}"):
            files_flushed.append(descriptor)
            if len(files_flushed) == 2:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_full_attachments_disk_keeps_the_form_leaves_no_file_and_takes_no_number(
    live_app, lang, monkeypatch, caplog
):
    applicant = Applicant(live_app.test_client(), lang)
    tokens = applicant.form()
    no_space_left_on_the_second_file(monkeypatch)
    files = [(io.BytesIO(PDF), name) for name in ("акт.pdf", "анықтама.pdf")]
    response = applicant.file(tokens, subject="Анықтама берілмеді", files=files)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    text = text_of(response)
    assert NOT_SAVED[lang] in text
    assert ATTACH_AGAIN[lang] in text
    assert soup_of(response).select_one("#subject")["value"] == "Анықтама берілмеді"
    assert os.listdir(live_app.config["UPLOAD_ROOT"]) == []
    assert counts(live_app) == (0, 0, 0, 0)
    assert "attachments could not be written to" in caplog.text
    assert "No space left on device" in caplog.text
    monkeypatch.undo()
    number, _, _ = applicant.file_ok(tokens=tokens)
    assert number.endswith("000001")


def test_an_outbox_that_cannot_be_written_keeps_the_email_for_its_retry(
    live_app, monkeypatch, caplog
):
    """The mail courier's folder full: the complaint is filed, the email waits for its retry."""
    caplog.set_level(logging.WARNING)
    real_write = Path.write_bytes

    def write_bytes(path, data):
        if path.suffix == ".eml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    number, _, _ = Applicant(live_app.test_client(), "kk").file_ok()
    assert number.endswith("000001")
    with live_app.app_context():
        email = db.session.execute(db.select(Notification)).scalar_one()
        assert (email.status, email.attempts) == ("pending", 1)
        assert "No space left on device" in email.last_error
    assert "No space left on device" in caplog.text


def test_a_paper_complaint_the_attachments_disk_refuses_stays_in_the_registrars_form(
    live_app, monkeypatch
):
    make_staff(live_app, "registrar")
    registrar = Staff(live_app, "registrar.taraz-city-akimat@example.kz", lang="ru")
    assert registrar.login().status_code == 302
    tokens = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    with live_app.app_context():
        today = today_in_almaty()
    no_space_left_on_the_second_file(monkeypatch)
    response = registrar.client.post(
        "/ru/staff/register/",
        data={
            **VALID,
            **tokens,
            "subject": "Письмо от 12 ноября",
            "channel": "paper",
            "language": "ru",
            "received_on-day": str(today.day),
            "received_on-month": str(today.month),
            "received_on-year": str(today.year),
            "received_time": "09:30",
            "attachments": [(io.BytesIO(PDF), name) for name in ("акт.pdf", "анықтама.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    text = text_of(response)
    assert "Жалоба не зарегистрирована, и номера у неё пока нет" in text
    assert ATTACH_AGAIN["ru"] in text
    assert soup_of(response).select_one("#subject")["value"] == "Письмо от 12 ноября"
    assert os.listdir(live_app.config["UPLOAD_ROOT"]) == []
    assert counts(live_app) == (0, 0, 0, 0)
