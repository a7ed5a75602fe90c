"""Crafted or mistyped back-office input gets a clear message, changes nothing, never a 500."""

from datetime import timedelta

import pytest
from babel.dates import format_date
from backoffice import day_off_from, load, new_complaint, working_day_from
from bs4 import BeautifulSoup
from helpers import VALID, hidden_fields, normalise, text_of

from complaints.models import Complaint, ComplaintEvent
from complaints.web import today_in_almaty
from qyzmet.extensions import db

REAL_DATE = "Нақты күнді жазыңыз, мысалы 27 3 2026"


def today(app):
    with app.app_context():
        return today_in_almaty()


def date_fields(prefix: str, day) -> dict[str, str]:
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def extend(head, complaint_id: int, **fields):
    return head.act(complaint_id, "extend", reason="Бөлімнің жауабы керек.", **fields)


def register(registrar, **fields):
    tokens = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    data = {
        **VALID,
        **tokens,
        "channel": "paper",
        "received_time": "10:00",
        "language": "kk",
        **fields,
    }
    return registrar.client.post(
        "/kk/staff/register/", data=data, content_type="multipart/form-data"
    )


def complaints_in(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(Complaint))


def events_of(app, complaint_id: int) -> list[ComplaintEvent]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id)
            )
        )


@pytest.mark.parametrize(
    "version",
    ["²", "١", "9" * 20, "-1", "1.0", "1 ", ""],
    ids=[
        "superscript two",
        "arabic-indic one",
        "twenty digits",
        "negative",
        "decimal",
        "space",
        "missing",
    ],
)
def test_a_version_that_is_not_a_plain_number_is_refused_without_an_error(app, team, version):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    response = team["head"].act(complaint_id, "add_note", note="Ескертпе", version=version)
    assert response.status_code == 400
    assert "Бет ескірген" in text_of(response)
    assert len(events_of(app, complaint_id)) == 1


def test_a_year_too_large_for_the_calendar_is_refused_with_the_usual_message(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    due = load(app, complaint_id).due_on
    fields = {"new_due_on-day": "1", "new_due_on-month": "1", "new_due_on-year": "9" * 20}
    response = extend(team["head"], complaint_id, **fields)
    assert response.status_code == 400
    assert REAL_DATE in text_of(response)
    assert load(app, complaint_id).due_on == due

    fields = {"received_on-day": "2", "received_on-month": "2", "received_on-year": "9" * 20}
    response = register(team["registrar"], **fields)
    assert response.status_code == 400
    assert REAL_DATE in text_of(response)
    assert complaints_in(app) == 1


@pytest.mark.parametrize(
    "year",
    ["２０２６", "٢٠٢٦", "202６", "02026"],
    ids=["full-width", "arabic-indic", "one full-width digit", "five digits"],
)
def test_a_year_in_anything_but_four_ascii_digits_is_refused(app, team, year):
    fields = {"received_on-day": "2", "received_on-month": "2", "received_on-year": year}
    response = register(team["registrar"], **fields)
    assert response.status_code == 400
    assert REAL_DATE in text_of(response)
    assert complaints_in(app) == 0


def test_an_extension_more_than_a_year_ahead_is_refused(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    due = load(app, complaint_id).due_on
    for day in (today(app).replace(year=2999, month=12, day=31), today(app) + timedelta(days=367)):
        response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
        assert response.status_code == 400
        assert "Жаңа мерзім бүгіннен бастап бір жылдан аспауы керек" in text_of(response)
    assert load(app, complaint_id).due_on == due
    assert len(events_of(app, complaint_id)) == 1


def test_an_extension_of_an_overdue_complaint_to_a_date_already_past_is_refused(app, team):
    overdue = today(app) - timedelta(days=10)
    complaint_id = new_complaint(
        app, status="in_review", executor_id=team["executor"].id, due_on=overdue
    )
    day = today(app) - timedelta(days=1)
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
    assert response.status_code == 400
    assert "Жаңа мерзім өткен күн болмауы керек" in text_of(response)
    assert load(app, complaint_id).due_on == overdue


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Қарау мерзімі өтіп кетті, сондықтан оны ұзартуға болмайды"),
        ("ru", "Срок рассмотрения уже истёк, продлить его нельзя"),
    ],
)
def test_a_deadline_that_has_passed_cannot_be_extended(app, team, lang, message):
    # Extended afterwards, a late answer would count as on time in every report.
    overdue = today(app) - timedelta(days=1)
    complaint_id = new_complaint(
        app, status="in_review", executor_id=team["executor"].id, due_on=overdue
    )
    team["head"].lang = lang
    day = today(app) + timedelta(days=5)
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
    assert response.status_code == 400
    assert message in text_of(response)
    assert load(app, complaint_id).due_on == overdue
    assert len(events_of(app, complaint_id)) == 1


def test_a_deadline_can_be_extended_on_its_last_day(app, team):
    complaint_id = new_complaint(
        app, status="in_review", executor_id=team["executor"].id, due_on=today(app)
    )
    day = working_day_from(app, today(app) + timedelta(days=5))
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
    assert response.status_code == 302
    assert load(app, complaint_id).due_on == day


def test_an_extension_to_a_date_within_a_year_is_taken(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    day = working_day_from(app, today(app) + timedelta(days=300))
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
    assert response.status_code == 302
    assert load(app, complaint_id).due_on == day


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "{day} — демалыс күн; келесі жұмыс күні — {next_day}"),
        ("ru", "{day} — выходной день; ближайший рабочий день — {next_day}"),
    ],
)
def test_an_extension_to_a_day_off_is_refused_naming_the_next_working_day(app, team, lang, message):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    due = load(app, complaint_id).due_on
    day_off = day_off_from(app, due + timedelta(days=1))
    next_day = working_day_from(app, day_off)
    team["head"].lang = lang
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day_off))
    assert response.status_code == 400
    assert message.format(
        day=normalise(format_date(day_off, "long", locale=lang)),
        next_day=normalise(format_date(next_day, "long", locale=lang)),
    ) in text_of(response)
    assert load(app, complaint_id).due_on == due
    assert len(events_of(app, complaint_id)) == 1


def test_a_paper_complaint_received_more_than_a_year_ago_is_refused(app, team):
    for day in (today(app).replace(year=2000, month=1, day=1), today(app) - timedelta(days=367)):
        response = register(team["registrar"], **date_fields("received_on", day))
        assert response.status_code == 400
        assert "Түскен күні бір жылдан бұрын болмауы керек" in text_of(response)
    assert complaints_in(app) == 0


def test_a_paper_complaint_received_tomorrow_is_refused(app, team):
    day = today(app) + timedelta(days=1)
    response = register(team["registrar"], **date_fields("received_on", day))
    assert response.status_code == 400
    assert "Түскен күні болашақта болмауы керек" in text_of(response)
    assert complaints_in(app) == 0


def test_a_paper_complaint_received_some_months_ago_is_registered(app, team):
    day = today(app) - timedelta(days=200)
    response = register(team["registrar"], **date_fields("received_on", day))
    assert response.status_code == 200, text_of(response)[:500]
    assert complaints_in(app) == 1


def test_a_staff_note_sent_with_crlf_line_breaks_is_stored_with_lf(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    response = team["head"].act(complaint_id, "add_note", note="Бірінші жол\r\nЕкінші\rҮшінші\x85")
    assert response.status_code == 302
    assert events_of(app, complaint_id)[-1].note == "Бірінші жол\nЕкінші\nҮшінші"


@pytest.mark.parametrize("public, shown", [("y", True), ("0", False), ("no", False)])
def test_a_note_is_shown_to_the_applicant_only_when_its_box_is_ticked(app, team, public, shown):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    response = team["head"].act(complaint_id, "add_note", note="Хабарлама.", public=public)
    assert response.status_code == 302
    assert events_of(app, complaint_id)[-1].public is shown


def test_a_note_of_invisible_characters_is_refused_as_empty(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    response = team["head"].act(complaint_id, "add_note", note="\u200b\u2060\u3164")
    assert response.status_code == 400
    assert "Ескертпені жазыңыз" in text_of(response)
    assert len(events_of(app, complaint_id)) == 1


@pytest.mark.parametrize(
    "executor",
    ["²", "١", "9" * 20, "-1"],
    ids=["superscript two", "arabic-indic one", "twenty digits", "negative"],
)
def test_a_queue_filtered_by_an_executor_id_that_is_not_a_plain_number_is_shown_unfiltered(
    app, team, executor
):
    new_complaint(app)
    response = team["head"].client.get("/kk/staff/", query_string={"executor": executor})
    assert response.status_code == 200
    assert "TRZ-" in text_of(response)


@pytest.mark.parametrize(
    "service",
    ["\x00", "housing\x00", "no-such-service"],
    ids=["NUL", "NUL after a word", "unknown"],
)
def test_a_queue_filtered_by_a_service_the_list_does_not_offer_is_shown_unfiltered(
    app, team, service
):
    # PostgreSQL refuses a NUL in a text comparison: that was a server error.
    new_complaint(app)
    response = team["head"].client.get("/kk/staff/", query_string={"service": service})
    assert response.status_code == 200
    assert "TRZ-" in text_of(response)


@pytest.mark.parametrize(
    "token", ["\x00", "a\x00b", "ключ", "x" * 65], ids=["NUL", "NUL inside", "Cyrillic", "65"]
)
def test_a_kept_form_token_of_a_shape_never_given_opens_the_page_as_usual(app, team, token):
    complaint_id = new_complaint(app)
    for path in (f"/kk/staff/complaints/{complaint_id}/", "/kk/staff/register/"):
        response = team["registrar"].client.get(path, query_string={"kept": token})
        assert response.status_code == 200, path


@pytest.mark.parametrize("query", ["endpoint=x", "_scheme=ftp", "_anchor=top", "lang_code=ru"])
def test_a_query_naming_url_fors_own_arguments_leaves_the_queue_and_report_links_working(
    app, team, monkeypatch, query
):
    # The queue's pages and the report's CSV link carry the query over; these names reached
    # url_for as its own arguments, and the page was a server error.
    from complaints.staff import queue

    monkeypatch.setattr(queue, "PAGE_SIZE", 1)
    new_complaint(app)
    new_complaint(app)
    head = team["head"]
    shown = BeautifulSoup(head.get(f"/?channel=web&{query}").get_data(as_text=True), "html.parser")
    assert shown.select_one("a[rel=next]")["href"] == "/kk/staff/?page=2&channel=web"
    response = head.get(f"/reports/?date_from=2026-01-01&{query}")
    assert response.status_code == 200
    csv_link = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        "a[download]"
    )
    assert csv_link["href"] == "/kk/staff/reports.csv?date_from=2026-01-01"


def test_an_action_sent_back_with_an_error_links_the_other_language_to_the_complaint(app, team):
    """The reply to a form sent to an address that takes only forms: its twin in the other
    language would be "method not allowed", so the switcher opens the complaint's page."""
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    day = today(app).replace(year=2999, month=12, day=31)
    response = extend(team["head"], complaint_id, **date_fields("new_due_on", day))
    assert response.status_code == 400
    shown = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    switch = shown.select_one("nav.qz-language-switcher a[hreflang=ru]")["href"]
    assert switch == f"/ru/staff/complaints/{complaint_id}/"
    assert team["head"].client.get(switch).status_code == 200
    assert not shown.select("link[rel=alternate]")  # a reply to a form has no twin
