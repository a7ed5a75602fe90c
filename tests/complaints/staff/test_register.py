"""The registrar's form for complaints that came on paper, by post or in person."""

import re

import pytest
from backoffice import registration_form, send_registration
from bs4 import BeautifulSoup
from helpers import (
    VALID,
    Staff,
    error_summary_and_fields,
    hidden_fields,
    make_staff,
    normalise,
    page,
    text_of,
)

from complaints.models import Complaint, Notification
from qyzmet.extensions import db


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_register_pages_character_count_speaks_the_pages_language(app, lang):
    make_staff(app, "registrar")
    registrar = Staff(app, "registrar.taraz-city-akimat@example.kz", lang=lang)
    registrar.login()
    response = registrar.get("/register/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # GOV.UK's own English defaults, which its script shows unless it is given translations.
    english = re.findall(r"You (?:can enter up to|have) [^\"<]*characters?[^\"<]*", html)
    assert english == []
    # The script's messages are given to it, in the page's language, for every plural form.
    for message in (
        "characters-under-limit.few",
        "characters-at-limit",
        "characters-over-limit.many",
    ):
        assert f"data-i18n.{message}=" in html, message


def registrar_in(app, lang: str) -> Staff:
    make_staff(app, "registrar")
    registrar = Staff(app, "registrar.taraz-city-akimat@example.kz", lang=lang)
    registrar.login()
    return registrar


def register(registrar: Staff, **fields):
    return send_registration(registrar, registration_form(registrar, **fields))


def receipt(app) -> Notification:
    with app.app_context():
        return db.session.execute(
            db.select(Notification).where(Notification.kind == "receipt")
        ).scalar_one()


def test_a_registrar_on_the_kazakh_pages_registers_a_complaint_whose_letters_go_in_russian(app):
    registrar = registrar_in(app, "kk")
    response = register(registrar, language="ru")
    assert response.status_code == 200, text_of(response)[:800]
    # The page is in the registrar's language, the coupon they print in the applicant's,
    # with the tracking page's whole address (paper has no links)…
    assert "Шағым тіркелді" in text_of(response)
    coupon = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("#coupon")
    assert coupon["lang"] == "ru"
    number = coupon.select_one("#registration-number").get_text()
    assert normalise(coupon.h2.get_text()) == f"Талон жалобы {number}"
    assert f"откройте https://qyzmet.example/ru/complaints/track/?number={number} и" in (
        normalise(coupon.get_text())
    )
    # …the applicant's email, and the complaint's later ones, in the applicant's.
    mail = receipt(app)
    assert mail.language == "ru"
    assert "Ваша жалоба зарегистрирована." in mail.body
    with app.app_context():
        assert db.session.execute(db.select(Complaint.language)).scalar_one() == "ru"


@pytest.mark.parametrize(("lang", "other"), [("kk", "ru"), ("ru", "kk")])
def test_the_language_of_the_letters_starts_as_the_pages_and_each_is_named_in_itself(
    app, lang, other
):
    registrar = registrar_in(app, lang)
    shown = page(registrar.get("/register/"))
    assert shown.select_one(f"input[name=language][value={lang}]").has_attr("checked")
    assert not shown.select_one(f"input[name=language][value={other}]").has_attr("checked")
    labels = {label.get_text(strip=True): label["lang"] for label in shown.select("label[lang]")}
    assert labels == {"Қазақша": "kk", "Русский": "ru"}


@pytest.mark.parametrize(
    ("lang", "message"),
    [("kk", "Хаттардың тілін таңдаңыз"), ("ru", "Выберите язык писем")],
)
def test_a_complaint_without_the_language_of_its_letters_is_not_registered(app, lang, message):
    registrar = registrar_in(app, lang)
    response = register(registrar)
    assert response.status_code == 400
    assert message in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(Complaint)).first() is None


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("time", ["9.30", "10:30 PM", "25:00", "тоғыз"])
def test_a_badly_written_time_gets_the_fields_own_message_with_its_example(app, lang, time):
    registrar = registrar_in(app, lang)
    response = register(registrar, language=lang, received_time=time)
    assert response.status_code == 400
    message = {
        "kk": "Түскен уақытын жазыңыз, мысалы 14:30",
        "ru": "Укажите время поступления, например 14:30",
    }[lang]
    assert message in text_of(response)
    # Not WTForms' own words, which give no example.
    assert "уақыт мәні" not in text_of(response)
    assert "значение времени" not in text_of(response)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_register_pages_error_summary_follows_the_order_of_the_fields(app, lang):
    make_staff(app, "registrar")
    registrar = Staff(app, "registrar.taraz-city-akimat@example.kz", lang=lang)
    registrar.login()
    tokens = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    response = registrar.client.post(
        f"/{lang}/staff/register/",
        data={**VALID, **tokens, "full_name": "", "phone": "12", "consent": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    summary, fields = error_summary_and_fields(response)
    assert summary[:4] == ["channel", "received_on", "received_time", "full_name"]
    assert summary == fields


def test_the_register_page_marks_the_applicants_optional_contacts_as_the_public_form_does(app):
    make_staff(app, "registrar")
    registrar = Staff(app, "registrar.taraz-city-akimat@example.kz", lang="ru")
    registrar.login()
    text = text_of(registrar.get("/register/"))
    assert "Номер телефона (необязательно)" in text
    assert "Адрес электронной почты (нужен для ответа по электронной почте)" in text
    assert "Почтовый адрес (нужен для ответа по почте)" in text


def test_markup_typed_into_the_register_form_is_shown_on_the_coupon_as_text(app):
    registrar = registrar_in(app, "kk")
    script = "<script>alert(1)</script>"
    response = register(
        registrar, language="ru", full_name=f"Асанов {script}", subject=f"Тема {script}"
    )
    assert response.status_code == 200, text_of(response)[:800]
    html = response.get_data(as_text=True)
    assert script not in html
    coupon = BeautifulSoup(html, "html.parser").select_one("#coupon")
    assert coupon.select("script") == []
    assert f"Асанов {script}" in coupon.get_text()
    assert f"Тема {script}" in coupon.get_text()


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Бұл мекеме мына әкімдіктің құрамында: Қордай ауданының әкімияты."),
        ("ru", "Это учреждение входит в структуру акимата: Акимат Кордайского района."),
    ],
)
def test_a_registrar_cannot_name_an_office_of_another_district_akimat(app, lang, message):
    registrar = registrar_in(app, lang)
    response = register(registrar, language=lang, office="korday-housing-department")
    assert response.status_code == 400
    assert message in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(Complaint)).first() is None


@pytest.mark.parametrize(
    ("lang", "attached"), [("kk", "Тіркелді: хат.pdf"), ("ru", "Прикреплён: хат.pdf")]
)
def test_the_registrars_form_keeps_checked_files_after_an_error_and_files_them(app, lang, attached):
    import io

    from complaints.models import Attachment

    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    registrar = registrar_in(app, lang)
    first = register(
        registrar, language=lang, phone="123", attachments=[(io.BytesIO(pdf), "хат.pdf")]
    )
    assert first.status_code == 400
    assert attached in text_of(first)
    tokens = re.findall(r'name="kept_files" value="([^"]+)"', first.get_data(as_text=True))
    assert len(tokens) == 1
    done = register(registrar, language=lang, kept_files=tokens)
    assert done.status_code == 200, text_of(done)[:500]
    with app.app_context():
        (attachment,) = db.session.execute(db.select(Attachment)).scalars()
        assert attachment.original_name == "хат.pdf" and attachment.size == len(pdf)
