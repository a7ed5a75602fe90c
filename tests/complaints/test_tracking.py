"""Tracking and withdrawing a complaint with the registration number and the access code."""

import time

import pytest
from helpers import (
    APPEAL,
    Applicant,
    answer_through_the_back_office,
    hidden_fields,
    page,
    text_of,
)

from complaints.models import Complaint
from qyzmet.extensions import db


def open_tracked_page(client, lang: str) -> tuple[str, str, dict[str, str]]:
    """File a complaint, look it up, and read the status page's forms: its number, the
    page's address and the hidden fields (CSRF token, version) its forms send back."""
    applicant = Applicant(client, lang)
    number, code, _ = applicant.file_ok()
    location = applicant.track(number, code).headers["Location"]
    return number, location, hidden_fields(client.get(location).get_data(as_text=True))


@pytest.mark.parametrize(
    ("lang", "status_text"),
    [("kk", "Тіркелді"), ("ru", "Зарегистрирована")],
)
def test_number_and_code_open_the_status_page_in_the_chosen_language(client, lang, status_text):
    applicant = Applicant(client, "kk")
    number, code, _ = applicant.file_ok()
    response = applicant.track(number, code, lang=lang)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{lang}/complaints/track/{number}/"
    soup = page(client.get(response.headers["Location"]))
    assert soup.html["lang"] == lang
    assert soup.select_one("h1").text.strip() == status_text
    text = text_of(client.get(response.headers["Location"]))
    assert number in text


def test_the_number_and_code_may_be_typed_loosely(client):
    applicant = Applicant(client)
    number, code, _ = applicant.file_ok()
    loose_code = code.replace("-", " ").lower().replace("0", "o")
    response = applicant.track(f"  {number.lower().replace('-', '–')} ", loose_code)
    assert response.status_code == 302


def test_minus_signs_and_a_zero_width_space_copied_with_both_values_are_forgiven(client):
    applicant = Applicant(client)
    number, code, _ = applicant.file_ok()
    copied_number = number.replace("-", "\u2212") + "\u200b"
    copied_code = code.replace("-", "\u2212") + "\u200b"
    assert applicant.track(copied_number, copied_code).status_code == 302


@pytest.mark.parametrize("wrong", ["wrong code", "unknown number"])
def test_a_wrong_code_and_an_unknown_number_get_the_same_answer(client, wrong):
    applicant = Applicant(client, "ru")
    number, code, _ = applicant.file_ok()
    if wrong == "wrong code":
        response = applicant.track(number, "AAAA-AAAA-AA")
    else:
        response = applicant.track(number[:-6] + "999999", code)
    assert response.status_code == 400
    assert "Жалоба с таким регистрационным номером и кодом доступа не найдена" in text_of(response)


@pytest.mark.parametrize(
    ("given", "filled"),
    [
        ("trz-2026-000042", "TRZ-2026-000042"),
        ("not a number", ""),
        ("", ""),
        ("<script>", ""),
    ],
)
def test_the_tracking_form_fills_in_a_registration_number_given_in_its_link(client, given, filled):
    soup = page(client.get("/kk/complaints/track/", query_string={"number": given}))
    assert soup.select_one("#registration_number").get("value", "") == filled
    assert soup.select_one("#access_code").get("value", "") == ""
    assert not soup.select(".govuk-error-summary")


ASKED_FOR_THE_CODE = {
    "kk": "Шағым беті тек кіру кодымен ашылады: қолхаттағы кодты енгізіңіз.",
    "ru": "Страница жалобы открывается только с кодом доступа: введите код из расписки.",
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_saved_status_page_link_asks_for_the_access_code_with_the_number_filled_in(
    app, client, lang
):
    number, code, _ = Applicant(client, lang).file_ok()
    browser = app.test_client()  # the bookmark opened in another browser, or the next day
    response = browser.get(f"/{lang}/complaints/track/{number}/")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/{lang}/complaints/track/?number={number}"
    form = browser.get(response.headers["Location"])
    assert page(form).select_one("#registration_number")["value"] == number
    assert ASKED_FOR_THE_CODE[lang] in text_of(form)
    assert "Страница не найдена" not in text_of(form)
    assert Applicant(browser, lang).track(number, code).status_code == 302


def test_an_unknown_number_in_a_status_page_link_gets_the_same_answer_as_a_real_one(app, client):
    number, _, _ = Applicant(client, "ru").file_ok()
    unknown = number[:-6] + "999999"
    answers = []
    for tried in (number, unknown):
        browser = app.test_client()
        response = browser.get(f"/ru/complaints/track/{tried}/")
        followed = browser.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"].replace(tried, "NUMBER"),
                followed.status_code,
                text_of(followed).replace(tried, "NUMBER"),
            )
        )
    assert answers[0] == answers[1]


@pytest.mark.parametrize("typed", ["not-a-number", "TRZ-2026-0000001", "%3Cscript%3E"])
def test_a_malformed_number_in_a_status_page_link_opens_the_empty_tracking_form(client, typed):
    response = client.get(f"/kk/complaints/track/{typed}/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/kk/complaints/track/"
    form = client.get(response.headers["Location"])
    assert page(form).select_one("#registration_number").get("value", "") == ""
    assert "Қолхаттағы тіркеу нөмірі мен кіру кодын енгізіңіз." in text_of(form)


def test_a_lowercase_number_in_a_status_page_link_is_filled_in_as_printed(client):
    response = client.get("/kk/complaints/track/trz-2026-000042/")
    assert response.headers["Location"] == "/kk/complaints/track/?number=TRZ-2026-000042"


def test_a_granted_complaints_page_opens_with_its_number_typed_in_lower_case(client):
    number, location, _ = open_tracked_page(client, "ru")
    response = client.get(location.replace(number, number.lower()))
    assert response.status_code == 200
    assert number in text_of(response)


def expire_the_grant(client, number: str) -> None:
    with client.session_transaction() as session:
        session["tracked"] = {number: time.time() - 1}


def test_the_status_page_asks_for_the_code_again_when_the_hour_is_over(client):
    number, location, _ = open_tracked_page(client, "kk")
    expire_the_grant(client, number)
    response = client.get(location)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/kk/complaints/track/?number={number}"
    assert ASKED_FOR_THE_CODE["kk"] in text_of(client.get(response.headers["Location"]))


@pytest.mark.parametrize("form", ["withdraw", "survey"])
def test_a_form_sent_from_the_status_page_after_the_hour_changes_nothing_and_asks_for_the_code(
    app, client, form
):
    number, _, tokens = open_tracked_page(client, "ru")
    expire_the_grant(client, number)
    response = client.post(
        f"/ru/complaints/track/{number}/{form}/",
        data={**tokens, "confirm": "y", "procedure": "satisfied", "timeliness": "satisfied"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ru/complaints/track/?number={number}"
    assert ASKED_FOR_THE_CODE["ru"] in text_of(client.get(response.headers["Location"]))
    with app.app_context():
        assert db.session.execute(db.select(Complaint.status)).scalar_one() == "registered"


def test_the_public_timeline_shows_registration_and_the_due_date(client):
    applicant = Applicant(client, "ru")
    number, code, _ = applicant.file_ok()
    location = applicant.track(number, code).headers["Location"]
    text = text_of(client.get(location))
    assert "Жалоба получена и зарегистрирована" in text
    assert "Срок ответа" in text
    assert "Просрочена" not in text


def test_an_overdue_complaint_says_so(app, client):
    applicant = Applicant(client, "kk")
    number, code, _ = applicant.file_ok()
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        complaint.due_on = complaint.registered_on.replace(year=complaint.registered_on.year - 1)
        db.session.commit()
    location = applicant.track(number, code).headers["Location"]
    assert "Мерзімі өтті" in text_of(client.get(location))


def test_the_applicant_withdraws_an_open_complaint(app, client):
    number, location, tokens = open_tracked_page(client, "ru")
    assert "Срок ответа" in text_of(client.get(location))
    response = client.post(
        f"/ru/complaints/track/{number}/withdraw/",
        data={**tokens, "reason": "Вопрос решён", "confirm": "y"},
    )
    assert response.status_code == 302
    text = text_of(client.get(location))
    assert "Ваша жалоба отозвана." in text
    assert "Срок ответа" not in text  # no answer is due from a withdrawn complaint
    assert "Отозвана заявителем" in text
    assert "Вопрос решён" in text
    assert "Отозвать жалобу" not in text
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        assert complaint.status == "withdrawn"
        assert [e.action for e in complaint.events] == ["filed", "withdraw"]


def test_withdrawal_needs_confirmation_and_changes_nothing_without_it(app, client):
    number, _, tokens = open_tracked_page(client, "kk")
    response = client.post(f"/kk/complaints/track/{number}/withdraw/", data=tokens)
    assert response.status_code == 400
    assert "кері қайтарып алғыңыз келетінін растаңыз" in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(Complaint.status)).scalar_one() == "registered"


def test_a_stale_withdrawal_is_refused_with_a_message(app, client):
    number, location, tokens = open_tracked_page(client, "ru")
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        complaint.subject = complaint.subject + " "  # someone else saved it meanwhile
        db.session.commit()
    response = client.post(
        f"/ru/complaints/track/{number}/withdraw/", data={**tokens, "confirm": "y"}
    )
    assert response.status_code == 302
    assert "Пока вы читали, жалоба изменилась" in text_of(client.get(location))
    with app.app_context():
        assert db.session.execute(db.select(Complaint.status)).scalar_one() == "registered"


@pytest.mark.parametrize("version", ["abc", "1.5", "", "²", "١", "9" * 30])
def test_a_damaged_version_in_the_withdrawal_form_is_refused_and_changes_nothing(
    app, client, version
):
    number, _, tokens = open_tracked_page(client, "ru")
    response = client.post(
        f"/ru/complaints/track/{number}/withdraw/",
        data={**tokens, "version": version, "confirm": "y"},
    )
    assert response.status_code == 400
    assert "Срок действия формы истёк. Обновите страницу и отправьте её снова." in text_of(response)
    with app.app_context():
        assert db.session.execute(db.select(Complaint.status)).scalar_one() == "registered"


@pytest.mark.parametrize(
    ("lang", "message", "changed"),
    [
        (
            "kk",
            "Бұл шағым қазір «Өтініш беруші кері қайтарып алды» мәртебесінде, сондықтан оны "
            "енді кері қайтарып алуға болмайды.",
            "Сіз оқып отырғанда шағым өзгерді",
        ),
        (
            "ru",
            "Жалоба сейчас в статусе «Отозвана заявителем», поэтому её больше нельзя отозвать.",
            "Пока вы читали, жалоба изменилась",
        ),
    ],
)
def test_withdrawing_twice_says_the_complaint_can_no_longer_be_withdrawn(
    app, client, lang, message, changed
):
    number, location, tokens = open_tracked_page(client, lang)
    url = f"/{lang}/complaints/track/{number}/withdraw/"
    assert client.post(url, data={**tokens, "confirm": "y"}).status_code == 302
    client.get(location)  # the first answer's message is read
    double_click = client.post(url, data={**tokens, "confirm": "y"})
    assert double_click.status_code == 302
    text = text_of(client.get(location))
    assert message in text
    assert changed not in text
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        assert [e.action for e in complaint.events] == ["filed", "withdraw"]


def test_the_status_page_is_never_cached_even_when_a_form_on_it_is_refused(client):
    applicant = Applicant(client, "kk")
    number, code, _ = applicant.file_ok()
    location = applicant.track(number, code).headers["Location"]
    page_ = client.get(location)
    assert page_.status_code == 200
    assert page_.headers["Cache-Control"] == "no-store"
    tokens = hidden_fields(page_.get_data(as_text=True))
    refused = client.post(f"/kk/complaints/track/{number}/withdraw/", data=tokens)
    assert refused.status_code == 400
    assert refused.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("form", ["withdraw", "survey"])
def test_a_forms_address_reopened_later_opens_the_status_page_or_asks_for_the_code(client, form):
    number, location, _ = open_tracked_page(client, "kk")
    response = client.get(f"/kk/complaints/track/{number}/{form}/")
    assert response.status_code == 303
    assert response.headers["Location"] == location
    expire_the_grant(client, number)
    response = client.get(f"/kk/complaints/track/{number}/{form}/")
    assert response.headers["Location"] == f"/kk/complaints/track/?number={number}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_answered_complaints_page_says_where_to_turn_with_the_services_procedure(app, lang):
    applicant = Applicant(app.test_client(), lang)
    number, code, _ = applicant.file_ok()
    location = applicant.track(number, code).headers["Location"]
    assert APPEAL[lang]["heading"] not in text_of(applicant.client.get(location))  # no decision yet

    answer_through_the_back_office(app, number, outcome="partly_satisfied", answer="Жауап.")
    response = applicant.client.get(location)
    text = text_of(response)
    for part in ("heading", "service", "act", "repealed", "quality"):
        assert APPEAL[lang][part] in text, part
    # The act is repealed: the page says so before its words, not after them.
    assert text.index(APPEAL[lang]["repealed"]) < text.index(APPEAL[lang]["act"])
    section = page(response).select_one("section[aria-labelledby=appeal-heading]")
    link = section.select_one("a[href*='/services/']")
    assert link["href"] == f"/{lang}/services/zhambyl-housing-registration-2008/#complain"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_answered_complaints_page_without_a_service_gives_only_the_laws_route(app, lang):
    applicant = Applicant(app.test_client(), lang)
    number, code, _ = applicant.file_ok(service="")
    answer_through_the_back_office(app, number, outcome="explained", answer="Жауап.")
    response = applicant.client.get(applicant.track(number, code).headers["Location"])
    text = text_of(response)
    assert APPEAL[lang]["heading"] in text and APPEAL[lang]["quality_alone"] in text
    assert APPEAL[lang]["quality"] not in text  # no "also": nothing comes before it
    assert APPEAL[lang]["service"].rsplit("»", 1)[1] not in text
    section = page(response).select_one("section[aria-labelledby=appeal-heading]")
    assert section.select("a") == []


def test_a_russian_answer_read_on_the_kazakh_status_page_is_marked_russian(app, client):
    """WCAG 3.1.2: the answer is written in the applicant's language; read on the other
    language's page, it says so, and a screen reader changes voice."""
    applicant = Applicant(client, "ru")
    number, code, _ = applicant.file_ok(subject="Не выдали справку")
    with app.app_context():
        complaint = db.session.execute(db.select(Complaint)).scalar_one()
        complaint.status, complaint.outcome = "answered", "satisfied"
        complaint.answer = "Справка будет выдана в течение двух рабочих дней."
        db.session.commit()
    soup = page(client.get(applicant.track(number, code, lang="kk").headers["Location"]))
    assert soup.html["lang"] == "kk"
    answer = soup.find("p", string="Справка будет выдана в течение двух рабочих дней.")
    subject = soup.find("dd", string="Не выдали справку")
    for tag in (answer, subject):
        assert next(node["lang"] for node in [tag, *tag.parents] if node.get("lang")) == "ru"


@pytest.mark.parametrize(
    ("lang", "office"),
    [
        (
            "kk",
            "Мекеме «Тараз қаласы әкімдігінің тұрғын үй-коммуналдық шаруашылық, жолаушылар көлігі "
            "мен автомобиль жолдары бөлімі» мемлекеттік мекемесі",
        ),
        (
            "ru",
            "Учреждение Государственное учреждение «Отдел жилищно-коммунального хозяйства, "
            "пассажирского транспорта и автомобильных дорог акимата города Тараз»",
        ),
    ],
)
def test_the_status_page_names_the_office_the_receipt_named(client, lang, office):
    applicant = Applicant(client, lang)
    number, code, receipt = applicant.file_ok(office="taraz-housing-department")
    assert office in text_of(receipt)
    assert office in text_of(client.get(applicant.track(number, code).headers["Location"]))


@pytest.mark.parametrize(
    ("lang", "summary", "by_email", "in_person"),
    [
        (
            "kk",
            "Кіру кодын жоғалттыңыз ба?",
            "кіру коды шағым тіркелген кезде жіберілген хатта бар.",
            "шағымды тіркеген әкімдікке жеке басыңызды куәландыратын құжатпен келіңіз: ол сізге "
            "талонмен жаңа кіру кодын береді.",
        ),
        (
            "ru",
            "Потеряли код доступа?",
            "код доступа есть в письме, отправленном при регистрации жалобы.",
            "придите с документом, удостоверяющим личность, в акимат, который зарегистрировал "
            "жалобу: вам выдадут новый код доступа на талоне.",
        ),
    ],
)
def test_the_tracking_form_says_where_to_find_a_lost_access_code(
    client, lang, summary, by_email, in_person
):
    shown = page(client.get(f"/{lang}/complaints/track/"))
    details = shown.select_one("main form ~ details.govuk-details")
    assert details.select_one("summary").get_text(strip=True) == summary
    text = " ".join(details.select_one(".govuk-details__text").get_text().split())
    assert by_email in text
    assert in_person in text
