"""Errors answer in the visitor's language with a page, never a bare traceback."""

import pytest
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


@pytest.mark.parametrize(
    "host", ["a" * 64 + ".example", "a" * 300, "qyzmet..example"], ids=["64", "300", "empty label"]
)
def test_a_host_header_that_cannot_be_read_gets_the_bad_request_page_in_the_language(
    guide_client, host
):
    # Werkzeug refuses a host name whose label is past 63 characters or empty; the page saying
    # so must still build its links.
    response = guide_client.get("/ru/complaints/new/", headers={"Host": host})
    assert response.status_code == 400
    assert "С запросом что-то не так" in text_of(response)
