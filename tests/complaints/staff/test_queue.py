"""The queue: counts per status, filters, search, order by due date and pages of 25."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from backoffice import BAIZAK, load, new_complaint
from flask import url_for
from helpers import page, text_of

from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import due_status
from complaints.models import StaffUser
from complaints.staff.queue import _search, complaint_links, row_due_status
from complaints.web import today_in_almaty
from qyzmet.extensions import db

SERVICE = "zhambyl-housing-registration-2008"


def numbers_in(response) -> list[str]:
    """Registration numbers of the queue's rows, top to bottom."""
    assert response.status_code == 200
    return [link.get_text(strip=True) for link in page(response).select("tbody tr th a")]


def counts_in(response) -> dict[str, int]:
    """The status tiles: label -> count."""
    return {
        tile.select_one(".qz-stat__label").get_text(strip=True): int(
            tile.select_one(".qz-stat__number").get_text(strip=True)
        )
        for tile in page(response).select(".qz-stat")
    }


def total_in(response) -> str:
    return page(response).select_one("p[role=status]").get_text(strip=True)


def number_of(app, complaint_id: int) -> str:
    return load(app, complaint_id).registration_number


@pytest.fixture
def queue(app, team):
    """Six Taraz complaints that differ in one thing each, and one of another akimat."""
    today = today_in_almaty()
    ids = {
        "overdue": new_complaint(
            app, status="in_review", executor_id=team["executor"].id, due_on=today - timedelta(9)
        ),
        "due today": new_complaint(
            app, status="assigned", executor_id=team["executor"].id, due_on=today
        ),
        "later": new_complaint(
            app, status="registered", due_on=today + timedelta(40), channel="paper"
        ),
        "service": new_complaint(
            app, status="registered", due_on=today + timedelta(20), service_id=SERVICE
        ),
        "named": new_complaint(
            app,
            status="assigned",
            executor_id=team["other_executor"].id,
            due_on=today + timedelta(30),
            applicant_name="Әбдірахманова Гүлнәр",
            applicant_name_folded="әбдірахманова гүлнәр",
        ),
        "answered late": new_complaint(app, status="answered", due_on=today - timedelta(20)),
        "other akimat": new_complaint(app, akimat_id=BAIZAK, due_on=today - timedelta(30)),
    }
    return {key: number_of(app, complaint_id) for key, complaint_id in ids.items()}


def test_the_queue_lists_the_akimats_complaints_earliest_due_first(team, queue):
    assert numbers_in(team["head"].get("/")) == [
        queue["answered late"],
        queue["overdue"],
        queue["due today"],
        queue["service"],
        queue["named"],
        queue["later"],
    ]


def test_the_status_tiles_count_the_akimats_complaints_and_the_total_follows_the_filter(
    team, queue
):
    response = team["head"].get("/")
    counts = counts_in(response)
    assert counts["ашық"] == 5  # every state but the answered one
    assert counts["Тіркелді"] == 2
    assert counts["Орындаушы тағайындалды"] == 2
    assert counts["Қаралуда"] == 1
    assert counts["Жауап берілді"] == 1
    assert total_in(response) == "6 шағым"
    assert total_in(team["head"].get("/?status=registered")) == "2 шағым"
    # A filter other than the status narrows the tiles too.
    assert counts_in(team["head"].get("/?channel=paper"))["Тіркелді"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=registered", ["service", "later"]),
        ("executor=none", ["answered late", "service", "later"]),
        ("channel=paper", ["later"]),
        (f"service={SERVICE}", ["service"]),
        ("due=overdue", ["overdue"]),  # the answered one was late, but is no longer open
        ("due=soon", ["due today"]),
        ("due=later", ["service", "named", "later"]),
        ("status=assigned&due=later", ["named"]),
    ],
)
def test_each_filter_keeps_only_the_complaints_it_names(team, queue, query, expected):
    assert numbers_in(team["head"].get(f"/?{query}")) == [queue[key] for key in expected]


def test_the_executor_filter_shows_one_executors_complaints(team, queue):
    response = team["head"].get(f"/?executor={team['other_executor'].id}")
    assert numbers_in(response) == [queue["named"]]


@pytest.mark.parametrize(
    "typed",
    ["әбдірахманова", "ӘБДІРАХМАНОВА ГҮЛ", "гүлнәр"],
    ids=["surname", "upper case, start of the given name", "given name"],
)
def test_a_search_by_applicant_name_ignores_case_in_kazakh_letters(team, queue, typed):
    assert numbers_in(team["head"].get(f"/?q={typed}")) == [queue["named"]]


def test_a_search_by_registration_number_finds_it_however_it_is_typed(team, queue):
    number = queue["later"]
    for typed in (number, number.lower(), number.replace("-", "–", 1), number[:-2]):
        assert queue["later"] in numbers_in(team["head"].get(f"/?q={typed}")), typed
    assert numbers_in(team["head"].get(f"/?q={number}")) == [number]


def test_a_latin_word_finds_the_applicant_of_that_name_and_the_numbers_it_starts(app, team):
    anna = number_of(
        app, new_complaint(app, applicant_name="Anna Li", applicant_name_folded="anna li")
    )
    other = number_of(app, new_complaint(app))
    head = team["head"]
    for typed in ("Anna", "anna", "ANNA L"):
        assert numbers_in(head.get(f"/?q={typed}")) == [anna], typed
    # "TRZ" is a name-shaped word too, but still the start of every Taraz number.
    assert sorted(numbers_in(head.get("/?q=TRZ"))) == sorted([anna, other])


def test_a_search_with_a_digit_is_a_number_search_that_its_index_can_serve(app):
    with app.test_request_context("/kk/"):
        where = str(_search("TRZ-2026-0001", ["taraz-city-akimat"]).compile())
    assert "registration_number" in where
    assert "folded" not in where


def test_a_number_typed_without_its_akimat_code_finds_the_akimats_complaint(team, queue):
    number = queue["later"]
    _code, year, sequence = number.split("-")
    for typed in (sequence, sequence.lstrip("0"), f"{year}-{sequence}", f"{year}–{int(sequence)}"):
        assert numbers_in(team["head"].get(f"/?q={typed}")) == [number], typed
    assert numbers_in(team["head"].get(f"/?q={int(year) - 1}-{sequence}")) == []


def test_a_number_is_found_however_staff_spaced_shortened_or_ran_it_together(team, queue):
    number = queue["later"]
    code, year, sequence = number.split("-")
    short = str(int(sequence))
    for typed in (
        f"{code}-{year}-{short}",
        f"{code.lower()} {year} {sequence}",
        f"{code}{year}{sequence}",
        f"{year}{sequence}",
        f"{year} {sequence}",
        f"  {sequence} ",
    ):
        assert numbers_in(team["head"].get(f"/?q={typed}")) == [number], typed


def test_a_number_with_another_akimats_code_finds_nothing_here(team, queue):
    other = queue["other akimat"]  # Baizak's BZK-…-000001; Taraz has a 000001 too
    code, year, sequence = other.split("-")
    assert numbers_in(team["head"].get(f"/?q={code}-{year}-1")) == []
    assert numbers_in(team["head"].get(f"/?q={code}{year}{sequence}")) == []


def test_a_sequence_alone_finds_only_the_members_akimats_complaint_of_that_number(team, queue):
    # Taraz's first complaint and Baizak's share the sequence 000001.
    other = queue["other akimat"]
    assert other.endswith("-000001")
    for member, expected in ((team["head"], queue["overdue"]), (team["outsider"], other)):
        assert numbers_in(member.get("/?q=000001")) == [expected]
        assert numbers_in(member.get("/?q=1")) == [expected]


def test_a_number_without_its_akimat_code_is_looked_up_by_its_parts_index(app):
    with app.test_request_context("/kk/"):
        for typed in ("000012", "2026-000012"):
            where = str(_search(typed, ["taraz-city-akimat"]).compile())
            assert "complaints.akimat_code" in where, typed
            assert "complaints.sequence" in where, typed
            assert "registration_number" not in where, typed
            assert "folded" not in where, typed


@pytest.mark.parametrize("typed", ["Документы", "документы", "ДОКУМЕНТЫ НЕ", "не приняли"])
def test_a_search_by_subject_ignores_case_in_cyrillic_letters(app, team, typed):
    documents = number_of(app, new_complaint(app))  # "Документы не приняли"
    new_complaint(app, subject="Справку не выдали", subject_folded="справку не выдали")
    assert numbers_in(team["head"].get(f"/?q={typed}")) == [documents]


@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("kk", "Тіркеу нөмірі, өтініш берушінің аты немесе шағымның тақырыбы"),
        ("ru", "Регистрационный номер, имя заявителя или тема жалобы"),
    ],
)
def test_the_search_box_says_it_finds_a_subject_too(team, lang, label):
    head = team["head"]
    head.lang = lang
    shown = page(head.get("/")).select_one("label[for=q]")
    assert shown.get_text(strip=True) == label


@pytest.mark.parametrize("executor", ["²", "١", "99999999999999999999", "-1", "1.0"])
def test_an_executor_filter_that_is_not_a_staff_id_is_ignored_not_an_error(team, queue, executor):
    response = team["head"].get(f"/?executor={executor}")
    assert response.status_code == 200
    assert len(numbers_in(response)) == 6


def test_another_akimats_complaint_is_never_listed_or_found(team, queue):
    other = queue["other akimat"]
    assert other not in numbers_in(team["head"].get("/"))
    searched = team["head"].get(f"/?q={other}")
    assert numbers_in(searched) == []
    assert total_in(searched) == "0 шағым"
    assert "Сәйкес шағымдар жоқ." in page(searched).get_text()


def test_the_queue_pages_through_25_complaints_at_a_time(app, team):
    today = today_in_almaty()
    numbers = [
        number_of(app, new_complaint(app, due_on=today + timedelta(days))) for days in range(30)
    ]
    head = team["head"]
    first = head.get("/")
    assert numbers_in(first) == numbers[:25]
    assert total_in(first) == "30 шағым"
    assert numbers_in(head.get("/?page=2")) == numbers[25:]
    # A page past the end shows the last page; a page that is not a number, the first.
    assert numbers_in(head.get("/?page=99")) == numbers[25:]
    assert numbers_in(head.get("/?page=abc")) == numbers[:25]
    # The page links keep the filters.
    links = [a["href"] for a in page(head.get("/?channel=web")).select(".govuk-pagination a")]
    assert links and all("channel=web" in href for href in links)


@pytest.mark.parametrize("status", ["in_review", "answered"])
def test_a_rows_due_status_is_the_complaints_due_status(status):
    """The page works the due-soon limit out once; each row must still get `due_status`."""
    calendar = WorkingCalendar()
    for today in (date(2026, 3, 18), date(2026, 3, 20), date(2026, 12, 30)):
        row_status = row_due_status(today, calendar)
        for offset in range(-3, 15):
            due_on = today + timedelta(days=offset)
            row = SimpleNamespace(status=status, due_on=due_on)
            expected = due_status(due_on, today, calendar) if status == "in_review" else None
            assert row_status(row) == expected, (today, due_on)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_rows_link_is_the_address_url_for_builds(fixture_app, lang):
    with fixture_app.test_request_context(f"/{lang}/staff/"):
        fixture_app.preprocess_request()
        link = complaint_links()
        for complaint_id in (1, 10, 987654):
            assert link(complaint_id) == url_for("staff.complaint", complaint_id=complaint_id)


def test_each_row_names_its_executor_even_one_who_is_no_longer_an_executor(app, team, queue):
    """Names come from the filter's list of executors; anyone else is looked up."""
    former = new_complaint(app, status="in_review", executor_id=team["head"].id)
    with app.app_context():
        head_name = db.session.get(StaffUser, team["head"].id).full_name
        executor_name = db.session.get(StaffUser, team["executor"].id).full_name
    rows = {
        row.select_one("th a").get_text(strip=True): row.select("td")[-1].get_text(strip=True)
        for row in page(team["head"].get("/")).select("tbody tr")
    }
    assert rows[number_of(app, former)] == head_name
    assert rows[queue["overdue"]] == executor_name
    assert rows[queue["later"]] == "—"


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "100 таңбадан аспайтын мәтінмен іздеңіз"),
        ("ru", "Ищите не более чем по 100 символам"),
    ],
)
def test_a_search_too_long_to_match_anything_says_so(team, queue, lang, message):
    head = team["head"]
    head.lang = lang
    response = head.get("/?q=" + "а" * 101)
    assert response.status_code == 200
    box = page(response).select_one("#q")
    assert message in text_of(response)
    assert "govuk-input--error" in box["class"]
