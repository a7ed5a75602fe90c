"""Errors answer in the visitor's language with a page, never a bare traceback."""

import pytest
from bs4 import BeautifulSoup
from helpers import text_of


@pytest.fixture
def failing_client(guide_app):
    guide_app.config["PROPAGATE_EXCEPTIONS"] = False

    @guide_app.get("/<lang:lang_code>/boom/")
    def boom():
        raise RuntimeError("an unexpected failure")

    return guide_app.test_client()


@pytest.mark.parametrize(
    ("lang", "title"),
    [("kk", "Кешіріңіз, сервисте ақау бар"), ("ru", "Извините, в работе сервиса произошёл сбой")],
)
def test_an_unexpected_failure_shows_the_500_page_in_the_language(failing_client, lang, title):
    response = failing_client.get(f"/{lang}/boom/")
    assert response.status_code == 500
    text = text_of(response)
    assert title in text
    assert "RuntimeError" not in text and "Traceback" not in text


def test_an_unknown_path_outside_a_language_gets_the_kazakh_404(guide_client):
    response = guide_client.get("/no-such-page")
    assert response.status_code == 404
    assert "Бет табылмады" in text_of(response)


@pytest.mark.parametrize(("lang", "other"), [("kk", "ru"), ("ru", "kk")])
def test_a_404_in_a_language_links_to_pages_in_that_language(guide_client, lang, other):
    """The header's menu and the footer's help lead on in the reader's language (3.2.6)."""
    response = guide_client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    menu_and_help = soup.select(".govuk-service-navigation a, footer a")
    assert [link["href"] for link in menu_and_help if link["href"].startswith(f"/{other}/")] == []
    assert {link["href"] for link in soup.select("footer a")} == {
        f"/{lang}/regions/",
        f"/{lang}/akimats/",
        f"/{lang}/search/",
    }


def test_a_wrong_method_is_a_clear_page_not_a_500(guide_client):
    response = guide_client.delete("/ru/")
    assert response.status_code == 405
    assert "С запросом что-то не так" in text_of(response)


def test_a_method_the_page_does_not_take_is_answered_with_the_methods_it_does(guide_client):
    response = guide_client.put("/ru/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "С запросом что-то не так" in text_of(response)


@pytest.mark.parametrize(
    ("lang", "title"), [("kk", "Форма тым үлкен"), ("ru", "Форма слишком большая")]
)
def test_a_form_too_large_is_explained_without_blaming_files_alone(guide_app, lang, title):
    guide_app.config["MAX_CONTENT_LENGTH"] = 1024
    response = guide_app.test_client().post(f"/{lang}/complaints/new/", data={"text": "ә" * 2000})
    assert response.status_code == 413
    text = text_of(response)
    assert title in text
    assert "10 МБ" in text


def test_a_database_error_that_is_a_bug_is_the_500_page_and_logged_with_its_traceback(
    guide_app, caplog
):
    """Only a database that is away is "try again": a wrong statement is a failure to fix."""
    from sqlalchemy.exc import IntegrityError

    guide_app.config["PROPAGATE_EXCEPTIONS"] = False

    @guide_app.get("/<lang:lang_code>/duplicate/")
    def duplicate():
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    response = guide_app.test_client().get("/ru/duplicate/")
    assert response.status_code == 500
    assert "Извините, в работе сервиса произошёл сбой" in text_of(response)
    assert "Exception on /ru/duplicate/ [GET]" in caplog.text
    assert "Traceback" in caplog.text
