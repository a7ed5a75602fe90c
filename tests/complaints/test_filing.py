"""Filing a complaint through the test client, in both languages."""

import io
import os
import re
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import date

import pytest
from helpers import Applicant, hidden_fields, normalise, page, pdf_text, text_of
from pypdf import PdfReader
from sqlalchemy import event, text

from complaints.models import Complaint, ComplaintEvent, Notification
from qyzmet import create_app
from qyzmet.extensions import db


def complaints_in(app) -> list[Complaint]:
    with app.app_context():
        return list(db.session.execute(db.select(Complaint)).scalars())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_guide_link_preselects_the_akimat_and_the_service(client, lang):
    response = client.get(
        f"/{lang}/complaints/new/?akimat=taraz-city-akimat&service=zhambyl-housing-registration-2008"
    )
    soup = page(response)
    assert soup.html["lang"] == lang
    assert soup.select_one("#akimat option[selected]")["value"] == "taraz-city-akimat"
    assert (
        soup.select_one("#service option[selected]")["value"] == "zhambyl-housing-registration-2008"
    )


def test_akimats_are_grouped_by_region(client):
    soup = page(client.get("/ru/complaints/new/"))
    groups = {
        group["label"]: [o["value"] for o in group.select("option")]
        for group in soup.select("#akimat optgroup")
    }
    assert "taraz-city-akimat" in groups["Жамбылская область"]
    assert sum(len(values) for values in groups.values()) >= 11


def test_an_unknown_akimat_in_the_link_is_not_preselected(client):
    soup = page(client.get("/kk/complaints/new/?akimat=nowhere&service=nothing"))
    assert soup.select_one("#akimat option[selected]") is None
    assert soup.select_one("#service option[selected]") is None


@pytest.mark.parametrize(
    ("lang", "heading", "due_label"),
    [
        ("kk", "Шағым тіркелді", "Жауап берілетін мерзім"),
        ("ru", "Жалоба зарегистрирована", "Срок ответа"),
    ],
)
def test_filing_shows_a_receipt_with_number_code_dates_and_basis(
    app, client, lang, heading, due_label
):
    number, code, response = Applicant(client, lang).file_ok()
    assert re.fullmatch(r"TRZ-\d{4}-000001", number)
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", code)
    text = text_of(response)
    assert heading in text
    assert due_label in text
    assert "25" in text and (
        "«Мемлекеттік көрсетілетін қызметтер туралы»" in text
        or "«О государственных услугах»" in text
    )
    assert "8-7262-454814" in text  # the Taraz akimat's phone from the guide's directory
    assert response.headers["Cache-Control"] == "no-store"
    (complaint,) = complaints_in(app)
    assert complaint.registration_number == number
    assert complaint.language == lang
    assert complaint.channel == "web"
    assert complaint.applicant_phone == "+77011234567"
    assert complaint.status == "registered"
    assert complaint.access_code_hash != code


def test_the_receipt_says_who_accepted_it_and_offers_print_and_the_coupon(client):
    _, _, response = Applicant(client, "ru").file_ok()
    soup = page(response)
    assert "Онлайн-сервис Qyzmet" in text_of(response)
    assert soup.select_one("[data-qz-print]")
    coupon = soup.select_one("form[action='/ru/complaints/coupon/']")
    assert coupon.select_one("input[name=key]")["value"]


def test_the_coupon_downloads_as_a_pdf_named_after_the_number(client):
    number, _, response = Applicant(client, "kk").file_ok()
    soup = page(response)
    form = soup.select_one("form[action='/kk/complaints/coupon/']")
    data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    pdf = client.post("/kk/complaints/coupon/", data=data)
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert f'filename="{number}.pdf"' in pdf.headers["Content-Disposition"]
    # Paper has no links: the coupon gives the tracking page's whole address.
    text = pdf_text(pdf.data)
    assert f"https://qyzmet.example/kk/complaints/track/?number={number}" in text
    assert "Әкімдіктің телефоны" in text
    assert "8-7262-454814" in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_coupon_declares_its_language_for_screen_readers(client, lang):
    _, _, response = Applicant(client, lang).file_ok()
    form = page(response).select_one(f"form[action='/{lang}/complaints/coupon/']")
    data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    pdf = client.post(f"/{lang}/complaints/coupon/", data=data)
    assert PdfReader(io.BytesIO(pdf.data)).trailer["/Root"]["/Lang"] == lang


def test_the_coupon_needs_the_submission_key(client):
    applicant = Applicant(client)
    applicant.file_ok()
    tokens = applicant.form()
    response = client.post(
        "/kk/complaints/coupon/",
        data={"csrf_token": tokens["csrf_token"], "key": "A" * 32 + ":" + "0" * 31},
    )
    assert response.status_code == 404  # well formed, but no complaint has it


def test_sending_the_same_form_twice_returns_the_first_receipt_and_creates_nothing(app, client):
    applicant = Applicant(client)
    tokens = applicant.form()
    first = applicant.file(tokens)
    second = applicant.file(tokens)
    assert first.status_code == second.status_code == 200
    number = re.search(r'id="registration-number">([^<]+)<', first.get_data(as_text=True)).group(1)
    code = re.search(r'id="access-code">([^<]+)<', first.get_data(as_text=True)).group(1)
    again = second.get_data(as_text=True)
    assert number in again and code in again
    assert "Бұл форма бұрын жіберілген" in text_of(second)
    assert len(complaints_in(app)) == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(ComplaintEvent.id))) == 1
        assert db.session.scalar(db.select(db.func.count(Notification.id))) == 1


def test_sending_the_same_form_with_a_file_twice_stores_the_file_once(app, client, tmp_path):
    applicant = Applicant(client)
    tokens = applicant.form()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    first = applicant.file(tokens, files=[(io.BytesIO(pdf), "a.pdf", "application/pdf")])
    second = applicant.file(tokens, files=[(io.BytesIO(pdf), "a.pdf", "application/pdf")])
    assert first.status_code == second.status_code == 200
    assert "Бұл форма бұрын жіберілген" in text_of(second)
    assert len(complaints_in(app)) == 1
    assert len(list((tmp_path / "attachments").iterdir())) == 1


def test_the_receipt_is_shown_from_what_was_written_without_reading_it_back(app, client):
    """No read of the complaints table: the unique submission key, in the INSERT itself,
    answers whether the form was filed before."""
    applicant = Applicant(client)
    tokens = applicant.form()
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        number, _, _ = applicant.file_ok(tokens=tokens)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert number
    reads = [s for s in statements if s.startswith("SELECT") and "FROM complaints " in s + " "]
    assert reads == []
    assert not [s for s in statements if "FROM attachments" in s]
    (insert,) = [s for s in statements if s.startswith("INSERT INTO complaints ")]
    assert "ON CONFLICT (submission_token) DO NOTHING" in insert


def test_the_same_form_changed_and_sent_again_is_a_new_complaint(app, client):
    applicant = Applicant(client)
    tokens = applicant.form()
    applicant.file(tokens)
    applicant.file(tokens, subject="Басқа тақырып")
    numbers = sorted(c.registration_number for c in complaints_in(app))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


def test_numbers_are_sequential_per_akimat(app, client):
    applicant = Applicant(client)
    applicant.file_ok()
    applicant.file_ok()
    applicant.file_ok(akimat="baizak-district-akimat")
    numbers = sorted(c.registration_number for c in complaints_in(app))
    year = date.today().year
    assert {n[:8] for n in numbers} >= {f"TRZ-{year}"}
    assert sorted(n for n in numbers if n.startswith("TRZ")) == [
        f"TRZ-{year}-000001",
        f"TRZ-{year}-000002",
    ]
    assert [n for n in numbers if n.startswith("BZK")] == [f"BZK-{year}-000001"]


def test_a_pdf_attachment_is_stored_outside_the_web_root_under_a_random_name(app, client, tmp_path):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    import io

    _, _, response = Applicant(client).file_ok(
        files=[(io.BytesIO(pdf), "анықтама.pdf", "application/pdf")]
    )
    assert "анықтама.pdf" in text_of(response)
    (complaint,) = complaints_in(app)
    with app.app_context():
        complaint = db.session.get(Complaint, complaint.id)
        (attachment,) = complaint.attachments
        stored = tmp_path / "attachments" / attachment.stored_name
        assert stored.read_bytes() == pdf
        assert attachment.content_type == "application/pdf"
        assert re.fullmatch(r"[0-9a-f]{32}", attachment.stored_name)
    assert client.get(f"/static/{attachment.stored_name}").status_code == 404


def test_an_attachment_and_its_folder_entry_reach_the_disk_before_the_complaint_commits(
    app, client, tmp_path, monkeypatch
):
    flushed: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        flushed.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    def recording_commit(connection) -> None:
        flushed.append("commit")

    monkeypatch.setattr(os, "fsync", recording_fsync)
    with app.app_context():
        event.listen(db.engine, "commit", recording_commit)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    Applicant(client).file_ok(files=[(io.BytesIO(pdf), "letter.pdf", "application/pdf")])
    (complaint,) = complaints_in(app)
    with app.app_context():
        event.remove(db.engine, "commit", recording_commit)
        (attachment,) = db.session.get(Complaint, complaint.id).attachments
    folder = str(tmp_path / "attachments")
    file_flushed = flushed.index(f"{folder}/{attachment.stored_name}")
    assert flushed[file_flushed + 1] == folder
    assert "commit" in flushed[file_flushed + 2 :]


def test_the_receipt_email_goes_to_the_outbox_in_the_applicants_language(app, client, tmp_path):
    number, code, _ = Applicant(client, "ru").file_ok()
    (message,) = (tmp_path / "outbox").glob("*.eml")
    text = message.read_bytes().decode()
    import email

    parsed = email.message_from_string(text)
    assert parsed["To"] == "asan@example.kz"
    subject = str(email.header.make_header(email.header.decode_header(parsed["Subject"])))
    assert subject == f"Жалоба {number} зарегистрирована"
    body = parsed.get_payload(decode=True).decode()
    assert code in body and "Срок ответа" in body


def test_an_outbox_folder_removed_while_running_is_made_again(app, client, tmp_path):
    Applicant(client, "kk").file_ok()
    shutil.rmtree(tmp_path / "outbox")
    Applicant(client, "kk").file_ok()
    assert len(list((tmp_path / "outbox").glob("*-receipt.eml"))) == 1


def test_a_complaint_without_files_leaves_the_upload_folder_alone(app, client, tmp_path):
    Applicant(client, "kk").file_ok()
    assert not (tmp_path / "attachments").exists()


def test_filing_does_not_load_the_wtforms_catalogue(client, monkeypatch):
    """Every field is labelled: WTForms reads its catalogue from disk for a missing label."""
    from babel import support

    applicant = Applicant(client, "ru")
    tokens = applicant.form()
    loads = []
    original = support.Translations.load

    def load(*args, **kwargs):
        loads.append(kwargs.get("domain"))
        return original(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", load)
    applicant.file_ok(tokens=tokens)
    assert "wtforms" not in loads


def test_the_choice_lists_are_built_once_per_directory_list():
    from complaints import directory
    from complaints.public.filing import as_choices

    groups = [
        directory.ChoiceGroup(
            "Жамбыл облысы", [directory.Choice("taraz", "Тараз қаласының әкімдігі")]
        )
    ]
    choices = as_choices(groups)
    assert [(c.value, c.label, c.optgroup) for c in choices] == [
        ("taraz", "Тараз қаласының әкімдігі", "Жамбыл облысы")
    ]
    assert as_choices(groups) is choices
    # A reloaded directory is a new list, with its own choices.
    reloaded = [directory.ChoiceGroup("Жамбыл облысы", [directory.Choice("taraz", "Тараз")])]
    assert [c.label for c in as_choices(reloaded)] == ["Тараз"]


def test_a_filed_complaint_reads_back_whole_with_its_event_file_and_email(app, client):
    """Filing writes its rows by statement; a later session must find every column set."""
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    number, _, _ = Applicant(client, "ru").file_ok(
        files=[(io.BytesIO(pdf), "справка.pdf", "application/pdf")]
    )
    with app.app_context():
        complaint = db.session.execute(
            db.select(Complaint).where(Complaint.registration_number == number)
        ).scalar_one()
        assert (complaint.version, complaint.status, complaint.language) == (1, "registered", "ru")
        assert complaint.outcome is None and complaint.executor_id is None
        assert complaint.applicant_name_folded == complaint.applicant_name.casefold()
        (event,) = complaint.events
        assert (event.action, event.actor_kind, event.to_status, event.public) == (
            "filed",
            "applicant",
            "registered",
            True,
        )
        assert event.details == {"channel": "web", "attachments": 1}
        (attachment,) = complaint.attachments
        assert attachment.original_name == "справка.pdf" and attachment.size == len(pdf)
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert notification.complaint_id == complaint.id and notification.kind == "receipt"


def test_the_queued_receipt_email_names_the_number_the_complaint_was_given(app, client):
    """The email is rendered before the write lock, with a stand-in for the number; the row
    written holds the number itself, and an applicant's text that looks like a stand-in is
    left as written."""
    lookalike = "[registration-number-0123456789abcdef]"
    number, code, _ = Applicant(client, "kk").file_ok(subject=f"Кезек {lookalike}")
    with app.app_context():
        notification = db.session.execute(db.select(Notification)).scalar_one()
        assert number in notification.subject and number in notification.body
        assert (
            code not in notification.body
        )  # sealed until sent: tests/security/test_secrets_at_rest.py
        assert "registration-number-" not in notification.subject.replace(lookalike, "")
        assert "registration-number-" not in notification.body.replace(lookalike, "")
        assert lookalike in notification.body
        complaint = db.session.get(Complaint, notification.complaint_id)
        assert (complaint.registration_number, complaint.sequence) == (number, 1)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_field_errors_are_announced_in_the_pages_language(client, lang):
    response = Applicant(client, lang).file(subject="", phone="1")
    hidden = set(re.findall(r'govuk-visually-hidden">([^<]*)<', response.get_data(as_text=True)))
    assert {"kk": "Қате:", "ru": "Ошибка:"}[lang] in hidden
    assert "Error:" not in hidden


OPTIONAL_LABELS = {
    "kk": {
        "service": "Шағым қай қызмет туралы? (міндетті емес)",
        "office": "Қызметті қай мекеме көрсетті? (міндетті емес)",
        "iin": "ЖСН (міндетті емес)",
        "phone": "Телефон нөмірі (міндетті емес)",
        "email": "Электрондық пошта мекенжайы (жауапты электрондық поштамен алу үшін қажет)",
        "address": "Пошталық мекенжай (жауапты поштамен алу үшін қажет)",
        "attachments": "Құжаттарды тіркеу (міндетті емес)",
    },
    "ru": {
        "service": "О какой услуге жалоба? (необязательно)",
        "office": "Какое учреждение оказывало услугу? (необязательно)",
        "iin": "ИИН (необязательно)",
        "phone": "Номер телефона (необязательно)",
        "email": "Адрес электронной почты (нужен для ответа по электронной почте)",
        "address": "Почтовый адрес (нужен для ответа по почте)",
        "attachments": "Приложите документы (необязательно)",
    },
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_field_that_may_be_left_empty_says_so_or_says_when_it_is_needed(client, lang):
    soup = page(client.get(f"/{lang}/complaints/new/"))
    labels = {
        field: normalise(soup.select_one(f"label[for={field}]").text)
        for field in OPTIONAL_LABELS[lang]
    }
    assert labels == OPTIONAL_LABELS[lang]


@pytest.mark.parametrize(("field", "value"), [("email", ""), ("address", "")])
def test_the_contact_a_reply_channel_does_not_use_may_be_left_empty(client, field, value):
    reply_channel = "post" if field == "email" else "email"
    overrides = {"reply_channel": reply_channel, "address": "Тараз, Абай к-сі, 1", field: value}
    Applicant(client, "kk").file_ok(**overrides)


def test_a_head_request_for_the_form_is_answered_like_a_get(client):
    assert client.head("/ru/complaints/new/").status_code == 200


@pytest.mark.parametrize("key", ["x" * 65, "short", "a\x00" * 12, "ключ-" * 5])
def test_a_forged_submission_key_is_refused_and_files_nothing(app, client, key):
    response = Applicant(client, "ru").file(submission_token=key)
    assert response.status_code == 400
    assert complaints_in(app) == []


@pytest.mark.parametrize("key", ["\x00", "x" * 65, ""])
def test_a_coupon_for_a_forged_key_is_refused(client, key):
    applicant = Applicant(client, "ru")
    _, _, receipt = applicant.file_ok()
    tokens = hidden_fields(receipt.get_data(as_text=True))
    response = client.post("/ru/complaints/coupon/", data={**tokens, "key": key})
    assert response.status_code == 400


@pytest.fixture
def impatient_app(database_url, tmp_path):
    """The app on a fresh database; writes wait 0.3 s for a lock where production waits 20."""
    from tests.conftest import base_config

    app = create_app(
        {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DATABASE_LOCK_TIMEOUT": 0.3,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@contextmanager
def a_write_that_does_not_finish(app):
    """Another writer holding what a Taraz filing needs: on SQLite the write lock, taken
    outside the writers' queue as the sqlite3 shell would; on PostgreSQL the counter row."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        outsider = sqlite3.connect(engine.url.database, isolation_level=None)
        outsider.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            outsider.rollback()
            outsider.close()
        return
    with engine.connect() as outsider:
        outsider.execute(
            text(
                "UPDATE registration_counters SET last_sequence = last_sequence "
                "WHERE akimat_code = 'TRZ'"
            )
        )
        try:
            yield
        finally:
            outsider.rollback()


@pytest.mark.parametrize(
    ("lang", "not_saved"),
    [
        ("kk", "Шағымыңыз сақталған жоқ және оның әлі тіркеу нөмірі жоқ: сервис қазір бос емес"),
        ("ru", "Ваша жалоба не сохранена, и регистрационного номера у неё пока нет: сервис занят"),
    ],
    ids=["kk", "ru"],
)
def test_a_filing_stuck_behind_another_write_is_told_the_service_is_busy_and_saves_nothing(
    impatient_app, lang, not_saved, caplog
):
    applicant = Applicant(impatient_app.test_client(), lang)
    first, _, _ = applicant.file_ok()
    tokens = applicant.form()
    with a_write_that_does_not_finish(impatient_app):
        response = applicant.file(tokens, subject="Екінші шағым")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert "waited 0.3 s for the database's lock and gave up" in caplog.text
    assert not_saved in text_of(response)
    # The form comes back as it was sent, for sending again in a minute.
    assert 'value="Екінші шағым"' in response.get_data(as_text=True)
    with impatient_app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(ComplaintEvent)) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 1
    # Sent again, as the page asks, the same form is filed, with the number it would have had.
    number, _, _ = applicant.file_ok(tokens=tokens, subject="Екінші шағым")
    assert number == first.replace("000001", "000002")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_link_from_an_office_page_preselects_the_office_and_the_akimat_it_is_part_of(
    client, lang
):
    soup = page(client.get(f"/{lang}/complaints/new/?office=taraz-turgyn-ui-enterprise"))
    assert soup.select_one("#office option[selected]")["value"] == "taraz-turgyn-ui-enterprise"
    # The enterprise is part of Taraz's housing department, which is part of its akimat.
    assert soup.select_one("#akimat option[selected]")["value"] == "taraz-city-akimat"


def test_an_office_with_no_akimat_over_it_preselects_the_office_only(client):
    soup = page(client.get("/kk/complaints/new/?office=almaty-psc-medeu"))
    assert soup.select_one("#office option[selected]")["value"] == "almaty-psc-medeu"
    assert soup.select_one("#akimat option[selected]") is None


@pytest.mark.parametrize("office", ["taraz-city-akimat", "nowhere", "../../etc/passwd", ""])
def test_an_akimat_or_unknown_body_given_as_the_office_is_not_preselected(client, office):
    soup = page(client.get(f"/ru/complaints/new/?office={office}"))
    assert soup.select_one("#office option[selected]") is None
    assert soup.select_one("#akimat option[selected]") is None


def test_the_akimat_in_the_link_wins_over_the_one_the_office_is_part_of(client):
    soup = page(
        client.get("/kk/complaints/new/?akimat=shu-district-akimat&office=taraz-housing-department")
    )
    assert soup.select_one("#akimat option[selected]")["value"] == "shu-district-akimat"
    assert soup.select_one("#office option[selected]")["value"] == "taraz-housing-department"


def test_the_receipt_in_the_other_language_keeps_the_number_and_the_code(client):
    """The receipt answers a POST: a link to the other language would open an empty form and
    lose the code, which an applicant who wants no email has nowhere else."""
    number, code, receipt = Applicant(client, "kk").file_ok(
        reply_channel="post", email="", address="Тараз қ., Абай к-сі, 1"
    )
    switch = page(receipt).select_one(
        "nav.qz-language-switcher form[action='/ru/complaints/receipt/']"
    )
    data = {tag["name"]: tag["value"] for tag in switch.select("input[type=hidden]")}
    assert switch.select_one("button").get_text(strip=True) == "Русский"
    russian = client.post("/ru/complaints/receipt/", data=data)
    assert russian.status_code == 200
    assert russian.headers["Cache-Control"] == "no-store"
    shown = page(russian)
    assert shown.html["lang"] == "ru"
    assert shown.select_one("#registration-number").get_text() == number
    assert shown.select_one("#access-code").get_text() == code
    assert "Жалоба зарегистрирована" in text_of(russian)
    assert "Ничего нового не создано" not in text_of(russian)
    # And back, from the Russian page's own switcher.
    back = page(russian).select_one(
        "nav.qz-language-switcher form[action='/kk/complaints/receipt/']"
    )
    assert back.select_one("input[name=key]")["value"] == data["key"]


def test_the_receipt_in_another_language_needs_the_key_the_page_holds(client):
    applicant = Applicant(client, "ru")
    applicant.file_ok()
    tokens = applicant.form()
    wrong = client.post(
        "/kk/complaints/receipt/",
        data={"csrf_token": tokens["csrf_token"], "key": "A" * 32 + ":" + "0" * 31},
    )
    assert wrong.status_code == 404
    forged = client.post("/kk/complaints/receipt/", data={"csrf_token": tokens["csrf_token"]})
    assert forged.status_code == 400


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_complaint_form_names_its_language_twins_with_full_addresses(client, lang):
    form = page(client.get(f"/{lang}/complaints/new/"))
    alternates = {tag["hreflang"]: tag["href"] for tag in form.select("link[rel=alternate]")}
    # The base the sitemap's addresses have (SITE_URL), for a page the sitemap leaves out.
    assert alternates == {
        "kk": "https://qyzmet.example/kk/complaints/new/",
        "ru": "https://qyzmet.example/ru/complaints/new/",
    }


def test_the_language_switcher_keeps_what_the_form_was_opened_with(client):
    query = "service=almaty-city-housing-privatisation-2018&akimat=almaty-city-akimat"
    form = page(client.get(f"/kk/complaints/new/?{query}&lang_code=kk"))
    link = form.select_one("nav.qz-language-switcher a[hreflang=ru]")["href"]
    assert link.startswith("/ru/complaints/new/?")
    assert "service=almaty-city-housing-privatisation-2018" in link
    assert "akimat=almaty-city-akimat" in link
    assert "lang_code" not in link


@pytest.mark.parametrize(
    ("lang", "field", "value", "message"),
    [
        (
            "ru",
            "service",
            "almaty-city-housing-privatisation-2018",
            "Эта услуга оказывается в регионе «Город Алматы», а не в регионе акимата",
        ),
        (
            "kk",
            "office",
            "aktogay-housing-department",
            "Бұл мекеменің өңірі – ",
        ),
    ],
)
def test_a_service_or_office_of_another_region_than_the_akimats_is_refused(
    app, client, lang, field, value, message
):
    response = Applicant(client, lang).file(akimat="taraz-city-akimat", **{field: value})
    assert response.status_code == 400
    assert message in text_of(response)
    assert complaints_in(app) == []


def test_a_service_and_office_of_the_akimats_own_region_are_filed(client):
    Applicant(client, "kk").file_ok(
        akimat="taraz-city-akimat",
        service="zhambyl-housing-registration-2008",
        office="taraz-housing-department",
    )


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Бұл мекеме мына әкімдіктің құрамында: Қордай ауданының әкімияты."),
        ("ru", "Это учреждение входит в структуру акимата: Акимат Кордайского района."),
    ],
)
def test_an_office_of_another_district_of_the_akimats_oblast_is_refused(app, client, lang, message):
    # Korday's housing department is in Zhambyl oblast, as Taraz is, but it is Korday's.
    response = Applicant(client, lang).file(
        akimat="taraz-city-akimat", office="korday-housing-department"
    )
    assert response.status_code == 400
    assert message in text_of(response)
    assert complaints_in(app) == []


@pytest.mark.parametrize(
    ("akimat", "office"),
    [
        ("taraz-city-akimat", "taraz-turgyn-ui-enterprise"),  # part of its department
        ("korday-district-akimat", "korday-housing-department"),
        ("aktogay-district-akimat", "aktogay-psc-1"),  # same district, in no akimat
        ("almaty-city-akimat", "almaty-psc-medeu"),  # a city district's office, the city's akimat
        ("almaty-oblast-akimat", "kapal-psc"),  # an oblast's office, the oblast's akimat
    ],
)
def test_an_office_the_akimat_serves_is_filed(client, akimat, office):
    Applicant(client, "ru").file_ok(akimat=akimat, office=office, service="")


@pytest.fixture
def unattached_office_app(database_url, tmp_path):
    """The real content, but Korday's housing department attached to no akimat: only its
    district says where it works."""
    from guide.loader import DEFAULT_CONTENT_ROOT
    from tests.conftest import base_config

    root = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_ROOT, root)
    for lang in ("kk", "ru"):
        path = root / lang / "bodies" / "zhambyl-oblast.yaml"
        yaml_text = path.read_text(encoding="utf-8")
        assert "    parent: korday-district-akimat\n" in yaml_text
        path.write_text(yaml_text.replace("    parent: korday-district-akimat\n", ""), "utf-8")
    app = create_app(
        {
            **base_config(tmp_path),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "GUIDE_CONTENT_ROOT": str(root),
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Бұл мекеме әкімдіктің ауданына немесе қаласына қызмет көрсетпейді"),
        ("ru", "Это учреждение не обслуживает район или город акимата"),
    ],
)
def test_an_office_in_no_akimat_is_refused_by_the_akimat_of_another_district(
    unattached_office_app, lang, message
):
    client = unattached_office_app.test_client()
    refused = Applicant(client, lang).file(
        akimat="taraz-city-akimat", office="korday-housing-department"
    )
    assert refused.status_code == 400
    assert message in text_of(refused)
    assert complaints_in(unattached_office_app) == []
    # Its own district's akimat takes it: the districts are the same.
    Applicant(client, lang).file_ok(
        akimat="korday-district-akimat", office="korday-housing-department"
    )
