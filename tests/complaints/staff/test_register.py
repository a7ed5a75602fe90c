"""The registrar's form for complaints that came on paper, by post or in person."""

import re

import pytest
from helpers import Staff, make_staff


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
