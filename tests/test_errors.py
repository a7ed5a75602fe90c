"""Errors answer in the visitor's language with a page, never a bare traceback."""

import pytest
from bs4 import BeautifulSoup
from flask import abort
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
    assert "Этот адрес не принимает такой запрос. Ничего не сохранено." in text_of(response)


def test_a_method_the_page_does_not_take_is_answered_with_the_methods_it_does(guide_client):
    response = guide_client.put("/ru/")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "Этот адрес нельзя открыть таким образом" in text_of(response)


@pytest.mark.parametrize(
    ("lang", "title", "message", "link"),
    [
        (
            "kk",
            "Бұл мекенжайды былай ашуға болмайды",
            "Бұл мекенжай форманы қабылдайды, ол ашуға арналған бет емес. Ештеңе сақталған жоқ. "
            "Форма орналасқан беттен қайта бастаңыз.",
            "Форма орналасқан бетке өту",
        ),
        (
            "ru",
            "Этот адрес нельзя открыть таким образом",
            "Этот адрес принимает отправленную форму, это не страница для просмотра. Ничего не "
            "сохранено. Начните заново со страницы, на которой находится форма.",
            "Перейти на страницу с формой",
        ),
    ],
)
def test_a_form_address_opened_directly_says_so_and_links_the_page_the_form_is_on(
    client, lang, title, message, link
):
    # A staff action's address, bookmarked or reopened from the browser's history.
    response = client.get(f"/{lang}/staff/complaints/7/forward/")

    assert response.status_code == 405
    text = text_of(response)
    assert title in text
    assert message in text
    assert "С запросом что-то не так" not in text
    found = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("a", string=link)
    assert found["href"] == f"/{lang}/staff/complaints/7/"


def test_a_form_address_with_no_page_above_it_leads_to_the_list_of_services(client):
    response = client.get("/ru/complaints/coupon/")

    assert response.status_code == 405
    assert "Начните заново со списка услуг." in text_of(response)
    assert "Перейти на страницу с формой" not in text_of(response)


@pytest.fixture
def forbidding_client(app):
    @app.get("/<lang:lang_code>/staff/forbidden/")
    def staff_forbidden():
        abort(403)

    @app.get("/<lang:lang_code>/forbidden/")
    def public_forbidden():
        abort(403)

    return app.test_client()


@pytest.mark.parametrize(
    ("lang", "title", "what_to_do", "link"),
    [
        (
            "kk",
            "Бұл бетке кіруге рұқсатыңыз жоқ",
            "Рұқсаты бар тіркелгімен кіріңіз немесе әкімдігіңіздің әкімшісінен рұқсат беруін "
            "сұраңыз.",
            "Басқа тіркелгімен кіру",
        ),
        (
            "ru",
            "У вас нет доступа к этой странице",
            "Войдите под учётной записью, у которой он есть, или попросите администратора "
            "вашего акимата открыть вам доступ.",
            "Войти под другой учётной записью",
        ),
    ],
)
def test_a_403_in_the_back_office_tells_staff_to_sign_in_otherwise_or_ask_the_administrator(
    forbidding_client, lang, title, what_to_do, link
):
    response = forbidding_client.get(f"/{lang}/staff/forbidden/")

    assert response.status_code == 403
    text = text_of(response)
    assert title in text
    assert what_to_do in text
    found = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("a", string=link)
    assert found["href"] == f"/{lang}/staff/login/"


@pytest.mark.parametrize(
    ("lang", "title", "message"),
    [
        ("kk", "Бұл бетке кіруге рұқсатыңыз жоқ", "Бұл бет келушілер үшін ашық емес."),
        ("ru", "У вас нет доступа к этой странице", "Эта страница закрыта для посетителей."),
    ],
)
def test_a_403_outside_the_back_office_says_the_page_is_not_open(
    forbidding_client, lang, title, message
):
    response = forbidding_client.get(f"/{lang}/forbidden/")

    assert response.status_code == 403
    text = text_of(response)
    assert title in text and message in text
    assert "әкімші" not in text.lower() and "администратор" not in text


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
