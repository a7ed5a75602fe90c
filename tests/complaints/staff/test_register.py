"""The registrar's form for complaints that came on paper, by post or in person."""

import re

import pytest
from helpers import VALID, Staff, error_summary_and_fields, hidden_fields, make_staff, text_of


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
