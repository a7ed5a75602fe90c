"""Emails to applicants over real SMTP (an aiosmtpd server on loopback), in their language."""

import email
import re
import socket
import threading
import time
from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from helpers import (
    APPEAL,
    Applicant,
    Staff,
    answer_through_the_back_office,
    hidden_fields,
    make_staff,
    normalise,
    text_of,
)

from complaints import directory, mail, services
from complaints.mail import Postbox, ascii_address, build_message, deliver_pending
from complaints.models import Complaint, Notification
from qyzmet.database import DatabaseBusy
from qyzmet.extensions import db


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.peers: list[tuple[str, int]] = []  # the client's address: one per connection

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        self.peers.append(session.peer)
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
    # The tracking form's address with the number filled in, as the web receipt links it.
    assert f"https://qyzmet.example/{lang}/complaints/track/?number={number}\n" in body
    with smtp_app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert notification.status == "sent" and notification.attempts == 1


@pytest.mark.parametrize(
    ("lang", "lines"),
    [
        (
            "kk",
            [
                "Әкімдік: Тараз қаласының әкімияты",
                "Әкімдіктің телефоны: 8-7262-454814, 430846",
                "Қызмет: Мемлекеттік тұрғын үй қорынан тұрғын үйге мұқтаж азаматтарды есепке алу"
                " және кезекке қою",
                "Мерзім негізі: «Мемлекеттік көрсетілетін қызметтер туралы» Қазақстан "
                "Республикасының 2013 жылғы 15 сәуірдегі Заңының 25-бабының 2-тармағы",
            ],
        ),
        (
            "ru",
            [
                "Акимат: Акимат города Тараз",
                "Телефон акимата: 8-7262-454814, 430846",
                "Услуга: Учёт и постановка на очередь граждан, нуждающихся в жилище из "
                "государственного жилищного фонда",
                "Срок установлен: пункт 2 статьи 25 Закона Республики Казахстан от 15 апреля "
                "2013 года «О государственных услугах»",
            ],
        ),
    ],
)
def test_the_receipt_email_names_the_akimat_its_phone_the_service_and_the_deadlines_basis(
    smtp_app, smtp_server, lang, lines
):
    _, inbox = smtp_server
    Applicant(smtp_app.test_client(), lang).file_ok()
    (message,) = inbox.messages
    body = message.get_payload(decode=True).decode("utf-8").splitlines()
    for line in lines:
        assert line in body


def test_the_receipt_email_leaves_out_the_service_when_none_was_chosen(smtp_app, smtp_server):
    _, inbox = smtp_server
    Applicant(smtp_app.test_client(), "ru").file_ok(service="")
    (message,) = inbox.messages
    body = message.get_payload(decode=True).decode("utf-8")
    assert "Акимат: Акимат города Тараз" in body
    assert "Услуга:" not in body
    assert "\n\n\n" not in body


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_answer_email_says_where_to_turn_with_the_services_own_complaint_procedure(
    smtp_app, smtp_server, lang
):
    _, inbox = smtp_server
    number, _, _ = Applicant(smtp_app.test_client(), lang).file_ok()
    answer_through_the_back_office(smtp_app, number, outcome="rejected", answer="Бас тартылды.")
    message = inbox.messages[-1]  # after the receipt
    assert number in subject_of(message)
    body = normalise(message.get_payload(decode=True).decode())
    expected = APPEAL[lang]
    for part in ("heading", "service", "act", "repealed", "quality"):
        assert expected[part] in body, part
    # The act is repealed: the email says so before its words, not after them.
    assert body.index(expected["repealed"]) < body.index(expected["act"])
    # The guide's "How to complain" section of the service, at the site's full address.
    assert (
        f"https://qyzmet.example/{lang}/services/zhambyl-housing-registration-2008/#complain"
        in body
    )
    # Nothing the sources do not give: no court, no deadline but the law's.
    assert ("сот" if lang == "kk" else "суд") not in body.lower().split()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_answer_email_without_a_service_gives_only_the_laws_route(smtp_app, smtp_server, lang):
    _, inbox = smtp_server
    number, _, _ = Applicant(smtp_app.test_client(), lang).file_ok(service="")
    answer_through_the_back_office(smtp_app, number, outcome="satisfied", answer="Иә.")
    message = inbox.messages[-1]  # after the receipt
    assert number in subject_of(message)
    body = normalise(message.get_payload(decode=True).decode())
    expected = APPEAL[lang]
    assert expected["heading"] in body and expected["quality_alone"] in body
    assert expected["quality"] not in body  # no "also": nothing comes before it
    assert expected["service"].rsplit("»", 1)[1] not in body  # no service, no act of its own
    assert "/services/" not in body


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


def _queue_undelivered(app, count: int) -> None:
    """File `count` complaints while the mail server is down, then make every retry due."""
    app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_STARTTLS=False, SMTP_TIMEOUT=2
    )
    applicant = Applicant(app.test_client(), "kk")
    for number in range(count):
        applicant.file_ok(subject=f"Құжаттар қабылданбады {number}")
    with app.app_context():
        for notification in db.session.execute(db.select(Notification)).scalars():
            notification.next_attempt_at = notification.created_at
        db.session.commit()


def test_a_backlog_larger_than_a_batch_is_all_sent_in_one_pass(app, smtp_server, monkeypatch):
    controller, inbox = smtp_server
    _queue_undelivered(app, 5)
    monkeypatch.setattr(services, "CLAIM_BATCH", 2)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    assert deliver_pending(app) == 5
    assert len(inbox.messages) == 5
    with app.app_context():
        notifications = db.session.execute(db.select(Notification)).scalars().all()
        assert {(n.status, n.attempts) for n in notifications} == {("sent", 2)}
        assert all(n.last_error is None and n.sent_at is not None for n in notifications)
    assert deliver_pending(app) == 0


def test_emails_the_server_took_are_recorded_once_the_database_answers_again(
    app, smtp_server, monkeypatch
):
    controller, inbox = smtp_server
    _queue_undelivered(app, 2)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    monkeypatch.setattr(mail, "RECORD_RETRY_DELAYS", (0.0, 0.0))
    record = services.record_deliveries
    tries: list[int] = []

    def busy_twice(*args):
        tries.append(1)
        if len(tries) <= 2:
            raise DatabaseBusy()
        return record(*args)

    monkeypatch.setattr(services, "record_deliveries", busy_twice)
    assert deliver_pending(app) == 2
    assert len(tries) == 3
    with app.app_context():
        notifications = db.session.execute(db.select(Notification)).scalars().all()
        assert {n.status for n in notifications} == {"sent"}
    assert deliver_pending(app) == 0
    assert len(inbox.messages) == 2  # each applicant gets it once


def test_emails_that_cannot_be_recorded_at_all_are_named_in_the_log(
    app, smtp_server, monkeypatch, caplog
):
    controller, _ = smtp_server
    _queue_undelivered(app, 1)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    monkeypatch.setattr(mail, "RECORD_RETRY_DELAYS", (0.0,))

    def always_busy(*args):
        raise DatabaseBusy()

    monkeypatch.setattr(services, "record_deliveries", always_busy)
    with pytest.raises(DatabaseBusy):
        deliver_pending(app)
    with app.app_context():
        (notification,) = db.session.execute(db.select(Notification)).scalars().all()
    assert f"emails [{notification.id}] were handed to the mail server" in caplog.text


def test_an_email_sent_again_keeps_its_message_id_so_mail_programs_show_it_once(
    app, smtp_server, monkeypatch
):
    # The server took the email but the database could not record it: it is sent again once
    # its claim expires.
    controller, inbox = smtp_server
    _queue_undelivered(app, 2)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    monkeypatch.setattr(mail, "RECORD_RETRY_DELAYS", ())
    record = services.record_deliveries

    def always_busy(*args):
        raise DatabaseBusy()

    monkeypatch.setattr(services, "record_deliveries", always_busy)
    with pytest.raises(DatabaseBusy):
        deliver_pending(app)
    monkeypatch.setattr(services, "record_deliveries", record)
    _expire_claims(app)
    assert deliver_pending(app) == 2

    first, second = inbox.messages[:2], inbox.messages[2:]
    assert [m["Message-ID"] for m in first] == [m["Message-ID"] for m in second]
    assert first[0]["Message-ID"] != first[1]["Message-ID"]
    domain = app.config["MAIL_FROM"].rsplit("@", 1)[1].rstrip(">")
    assert all(m["Message-ID"].endswith(f"@{domain}>") for m in inbox.messages)


def _expire_claims(app) -> None:
    """Every email a sender claimed taken as left behind by a crashed sender."""
    with app.app_context():
        for notification in db.session.execute(db.select(Notification)).scalars():
            notification.next_attempt_at = notification.created_at - services.CLAIM_TIMEOUT
        db.session.commit()


def test_the_same_email_in_another_installation_gets_another_message_id(app):
    notification = Notification(id=1, created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    ours = mail.message_id(notification, "one secret", "qyzmet.example")
    assert ours == mail.message_id(notification, "one secret", "qyzmet.example")
    assert ours != mail.message_id(notification, "another secret", "qyzmet.example")


def test_a_pass_sends_all_its_emails_over_one_connection(app, smtp_server):
    controller, inbox = smtp_server
    _queue_undelivered(app, 4)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    assert deliver_pending(app) == 4
    assert len(inbox.messages) == 4
    assert len(set(inbox.peers)) == 1


def test_a_server_that_cannot_be_reached_is_tried_once_per_pass_not_once_per_email(app):
    _queue_undelivered(app, 3)
    with socket.socket() as silent:  # accepts connections and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=silent.getsockname()[1], SMTP_TIMEOUT=1)
        assert deliver_pending(app) == 0
        silent.settimeout(0)
        accepted = []
        while True:
            try:
                accepted.append(silent.accept()[0])
            except BlockingIOError:
                break
        for connection in accepted:
            connection.close()
    assert len(accepted) == 1
    with app.app_context():
        notifications = db.session.execute(db.select(Notification)).scalars().all()
        assert {(n.status, n.attempts) for n in notifications} == {("pending", 2)}
        assert all("timed out" in n.last_error for n in notifications)


def test_a_connection_the_server_closed_is_opened_again_for_the_next_email(app, smtp_server):
    controller, inbox = smtp_server
    _queue_undelivered(app, 2)
    app.config.update(SMTP_HOST=controller.hostname, SMTP_PORT=controller.port)
    with app.app_context():
        first, second = db.session.execute(db.select(Notification)).scalars().all()
        with Postbox(app.config) as postbox:
            postbox.send(first)
            postbox._smtp.sock.shutdown(socket.SHUT_RDWR)  # as a server dropping an idle one
            postbox.send(second)
    assert len(inbox.messages) == 2
    assert len(set(inbox.peers)) == 2


def test_claimed_emails_come_whole_in_order_and_are_claimed_once(app):
    _queue_undelivered(app, 3)
    now = services.utcnow()
    with app.app_context():
        claimed = services.claim_notifications(db.session, now)
        assert [n.id for n in claimed] == sorted(n.id for n in claimed)
        assert len(claimed) == 3
        assert all(n.status == "sending" and n.subject and n.body for n in claimed)
        assert services.claim_notifications(db.session, now) == []
        db.session.remove()


def test_a_batch_records_each_email_as_sent_or_to_retry(app):
    _queue_undelivered(app, 3)
    now = services.utcnow()
    with app.app_context():
        first, second, third = services.claim_notifications(db.session, now)
        services.record_deliveries(
            db.session, [(first.id, None), (second.id, "SMTPDataError: 451"), (third.id, None)], now
        )
        db.session.remove()
    with app.app_context():
        by_id = {n.id: n for n in db.session.execute(db.select(Notification)).scalars()}
        for sent in (by_id[first.id], by_id[third.id]):
            assert (sent.status, sent.attempts, sent.last_error) == ("sent", 2, None)
            assert sent.sent_at == now
        retried = by_id[second.id]
        assert (retried.status, retried.attempts) == ("pending", 2)
        assert retried.last_error == "SMTPDataError: 451"
        assert retried.sent_at is None
        assert retried.next_attempt_at == now + services.RETRY_DELAYS[1]


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_sender_takes_the_emails_another_sender_holds_no_lock_on_without_waiting(app):
    """Two couriers (one per gunicorn worker) claiming at once must neither wait for each other
    nor deadlock: each skips the rows the other has locked."""
    _queue_undelivered(app, 3)
    with app.app_context():
        other_sender = db.engine.connect()
        held = other_sender.begin()
        locked_id = other_sender.execute(
            db.text("SELECT id FROM notifications ORDER BY id LIMIT 1 FOR UPDATE")
        ).scalar_one()
        claimed: list[int] = []
        claimer = threading.Thread(
            target=lambda: claimed.extend(_claim_ids(app)), name="second-sender", daemon=True
        )
        try:
            claimer.start()
            claimer.join(timeout=10)
            assert not claimer.is_alive(), "the claim waited for the other sender's lock"
        finally:
            held.rollback()
            other_sender.close()
            claimer.join(timeout=10)
    assert len(claimed) == 2
    assert locked_id not in claimed


def _claim_ids(app) -> list[int]:
    with app.app_context():
        try:
            return [n.id for n in services.claim_notifications(db.session, services.utcnow())]
        finally:
            db.session.remove()


def test_a_sender_name_and_a_long_subject_in_kazakh_arrive_whole(smtp_app, smtp_server):
    _, inbox = smtp_server
    smtp_app.config["MAIL_FROM"] = "Қызмет — азаматтарға <no-reply@qyzmet.example>"
    number, _, _ = Applicant(smtp_app.test_client(), "kk").file_ok()
    (received,) = inbox.messages
    assert str(make_header(decode_header(received["From"]))) == (
        "Қызмет — азаматтарға <no-reply@qyzmet.example>"
    )
    assert number in subject_of(received)

    subject = f"{number}: құжаттар қабылданбады, жазбаша бас тарту берілмеді. " * 3
    message = build_message(
        smtp_app.config,
        Notification(
            id=7,
            recipient="asan@example.kz",
            subject=subject,
            body="Сәлем\n",
            language="kk",
            created_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        ),
    )
    parsed = email.message_from_bytes(message.as_bytes())
    assert subject_of(parsed) == subject
    assert parsed.get_payload(decode=True).decode("utf-8") == "Сәлем\n"
    # Every header line is ASCII and within the 78 characters RFC 5322 asks for.
    head = message.as_bytes().split(b"\n\n", 1)[0]
    assert all(len(line) <= 78 and line.isascii() for line in head.split(b"\n"))


def test_the_courier_sends_a_burst_of_emails_in_one_pass(monkeypatch):
    from complaints import mail

    passes: list[float] = []
    monkeypatch.setattr(mail, "deliver_pending", lambda app: passes.append(time.monotonic()))
    courier = mail.Courier(app=None, gather_seconds=0.2)  # type: ignore[arg-type]
    for _ in range(20):  # twenty filings in a burst
        courier.wake()
    deadline = time.monotonic() + 5
    while not passes and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    assert len(passes) == 1

    courier.wake()  # a later filing gets a pass of its own
    while len(passes) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(passes) == 2


def test_an_address_at_a_national_domain_is_sent_in_its_ascii_form(smtp_app, smtp_server):
    _, inbox = smtp_server
    Applicant(smtp_app.test_client(), "kk").file_ok(email="asan@мысал.қаз")
    (message,) = inbox.messages
    assert message["To"] == "asan@xn--80awbu3c.xn--80ao21a"


def test_an_address_whose_name_is_not_in_latin_letters_fails_visibly_not_mangled():
    assert ascii_address("Asan@Пример.РФ") == "Asan@xn--e1afmkfd.xn--p1ai"
    with pytest.raises(ValueError, match="before the @ is not ASCII"):
        ascii_address("асан@example.kz")


def test_a_withdrawal_is_said_in_kazakh_to_be_taken_back_by_the_applicant(smtp_app, smtp_server):
    """GLOSSARY: withdrawn is "кері қайтарып алды" (the applicant took it back); "кері
    қайтарылды" reads as "returned", as if the akimat had sent the complaint back."""
    _, inbox = smtp_server
    client = smtp_app.test_client()
    applicant = Applicant(client, "kk")
    number, code, _ = applicant.file_ok()
    location = applicant.track(number, code).headers["Location"]
    tokens = hidden_fields(client.get(location).get_data(as_text=True))
    client.post(f"/kk/complaints/track/{number}/withdraw/", data={**tokens, "confirm": "y"})
    assert "Шағымыңыз кері қайтарып алынды." in text_of(client.get(location))
    assert subject_of(inbox.messages[-1]) == f"{number} шағымы кері қайтарып алынды"


@pytest.mark.parametrize(
    ("lang", "subject", "phrases"),
    [
        (
            "kk",
            "шағымы: жаңа кіру коды берілді",
            ("Бұрынғы кіру коды енді жарамсыз.", "Егер сіз жаңа кіру кодын сұрамаған болсаңыз"),
        ),
        (
            "ru",
            ": выдан новый код доступа",
            ("Прежний код доступа больше не действует.", "Если вы не просили новый код доступа"),
        ),
    ],
)
def test_a_new_access_code_is_announced_in_the_applicants_language_without_the_code(
    smtp_app, smtp_server, lang, subject, phrases
):
    _, inbox = smtp_server
    number, old_code, _ = Applicant(smtp_app.test_client(), lang).file_ok()
    with smtp_app.app_context():
        complaint = db.session.execute(
            db.select(Complaint).where(Complaint.registration_number == number)
        ).scalar_one()
        complaint_id, akimat_id = complaint.id, complaint.akimat_id
    make_staff(smtp_app, "registrar")
    registrar = Staff(smtp_app, "registrar.taraz-city-akimat@example.kz")
    assert registrar.login().status_code == 302

    issued = registrar.act(complaint_id, "issue_access_code", identity_checked="y")

    assert issued.status_code == 200
    new_code = re.search(r'id="access-code">([^<]+)<', issued.get_data(as_text=True)).group(1)
    message = inbox.messages[-1]  # after the receipt
    assert number in subject_of(message) and subject in subject_of(message)
    body = normalise(message.get_payload(decode=True).decode())
    for phrase in phrases:
        assert phrase in body
    for code in (new_code, old_code):
        assert code not in body and code.replace("-", "") not in body.replace("-", "")
    with smtp_app.app_context():
        phones = directory.akimat(akimat_id).phones
    assert phones and all(phone in body for phone in phones)


def test_a_courier_pass_with_the_database_away_logs_one_line_not_a_traceback(
    app, monkeypatch, caplog
):
    from sqlalchemy.exc import OperationalError

    def away(_app):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(mail, "deliver_pending", away)
    mail.Courier(app).deliver_once()
    (record,) = [r for r in caplog.records if r.name == "complaints.mail"]
    assert record.getMessage() == ("delivering queued emails waits: Exception: connection refused")
    assert record.exc_info is None
