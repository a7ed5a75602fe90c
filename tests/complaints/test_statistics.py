"""The public statistics: per akimat, this year and last, and nothing about anyone."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time

import pytest
from helpers import page

from complaints.models import Complaint, SurveyResponse
from complaints.web import today_in_almaty
from qyzmet.extensions import db

TARAZ = "taraz-city-akimat"
BAIZAK = "baizak-district-akimat"
CODES = {TARAZ: "TRZ", BAIZAK: "BZK"}
APPLICANT = "Жұмабекова Сәуле Ерланқызы"
SUBJECT = "Кезекке қоюдан бас тартылды"

_sequences = itertools.count(1)


def add_complaint(
    akimat_id: str,
    year: int,
    status: str = "registered",
    *,
    outcome: str | None = None,
    answered_on: date | None = None,
    closed_on: date | None = None,
    survey: tuple[str, str] | None = None,
) -> str:
    """A complaint registered on 10 January of `year`, due on the 17th."""
    sequence = next(_sequences)
    registered_on = date(year, 1, 10)
    received_at = datetime.combine(registered_on, time(4), UTC)
    answered_at = datetime.combine(answered_on, time(5), UTC) if answered_on else None
    number = f"{CODES[akimat_id]}-{year}-{sequence:06d}"
    complaint = Complaint(
        registration_number=number,
        akimat_id=akimat_id,
        akimat_code=CODES[akimat_id],
        year=year,
        sequence=sequence,
        channel="web",
        language="ru",
        applicant_name=APPLICANT,
        applicant_name_folded=APPLICANT.casefold(),
        applicant_email="saule@example.kz",
        reply_channel="email",
        subject=SUBJECT,
        subject_folded=SUBJECT.casefold(),
        text="Тұрғын үй кезегіне қоюдан негізсіз бас тартылды.",
        received_at=received_at,
        registered_on=registered_on,
        due_on=date(year, 1, 17),
        deadline_rule="state_service_complaint",
        status=status,
        outcome=outcome,
        answer="Жауап." if outcome else None,
        answered_at=answered_at,
        closed_at=datetime.combine(closed_on, time(5), UTC) if closed_on else answered_at,
        access_code_hash="0" * 64,
        accepted_by_name="Qyzmet",
        updated_at=received_at,
    )
    db.session.add(complaint)
    db.session.flush()
    if survey:
        db.session.add(
            SurveyResponse(
                complaint_id=complaint.id,
                procedure=survey[0],
                timeliness=survey[1],
                created_at=answered_at,
            )
        )
    db.session.commit()
    return number


@pytest.fixture
def years(app) -> tuple[int, int]:
    """This year's and last year's complaints; see the expected figures in the tests."""
    with app.app_context():
        this_year = today_in_almaty().year
        last_year = this_year - 1
        # This year in Taraz: answered on time and satisfied, answered late, still open.
        add_complaint(
            TARAZ,
            this_year,
            "answered",
            outcome="satisfied",
            answered_on=date(this_year, 1, 15),
            survey=("satisfied", "partly_satisfied"),
        )
        add_complaint(
            TARAZ, this_year, "answered", outcome="rejected", answered_on=date(this_year, 1, 20)
        )
        add_complaint(TARAZ, this_year)
        add_complaint(BAIZAK, this_year, "in_review")
        # Last year in Taraz: partly satisfied on time.
        add_complaint(
            TARAZ,
            last_year,
            "answered",
            outcome="partly_satisfied",
            answered_on=date(last_year, 1, 16),
            survey=("not_satisfied", "satisfied"),
        )
        # Two years ago: on neither table.
        add_complaint(TARAZ, this_year - 2)
    return this_year, last_year


def line(soup, year: int, akimat: str, table: str = "") -> list[str]:
    """The first figure of each cell of an akimat's row (a share's "x of y" follows it).

    `table` is "" for the deadlines, "-survey" for the survey.
    """
    row = soup.select_one(f"#statistics-{year}{table} tr[data-akimat='{akimat}']")
    return [next(cell.stripped_strings) for cell in row.select("td")]


def test_each_akimat_has_its_figures_for_this_year_and_last(client, years):
    this_year, last_year = years
    soup = page(client.get("/ru/complaints/statistics/"))

    # Registered, answered, answered on time, justified complaints satisfied on time (4.2).
    # On time out of the answered and the open ones past their due date: Taraz 1 of 3.
    assert line(soup, this_year, TARAZ) == ["3", "2", "33,3\xa0%", "100\xa0%"]
    assert line(soup, last_year, TARAZ) == ["1", "1", "100\xa0%", "100\xa0%"]
    assert line(soup, this_year, "all") == ["4", "2", "25\xa0%", "100\xa0%"]
    assert line(soup, last_year, "all")[:2] == ["1", "1"]
    # Satisfied with the procedure (4.3) and with the time limits (4.4).
    assert line(soup, this_year, TARAZ, "-survey") == ["100\xa0%", "0\xa0%"]
    assert line(soup, last_year, TARAZ, "-survey") == ["0\xa0%", "100\xa0%"]
    assert [heading.get_text() for heading in soup.select("h2[id^=year-]")] == [
        str(this_year),
        str(last_year),
    ]


def test_a_complaint_closed_without_an_answer_after_its_due_date_counts_as_late(app, client, years):
    this_year, _ = years
    with app.app_context():
        # Due 17 January: forwarded on the 20th (late) and left without review on the 15th.
        add_complaint(TARAZ, this_year, "forwarded", closed_on=date(this_year, 1, 20))
        add_complaint(TARAZ, this_year, "left_without_review", closed_on=date(this_year, 1, 15))
    soup = page(client.get("/ru/complaints/statistics/"))

    # 1 of 3 before, and the late forwarding counts against it: 1 of 4, as on the staff report.
    assert line(soup, this_year, TARAZ)[:3] == ["5", "2", "25\xa0%"]


def test_the_survey_cells_show_the_partly_satisfied_share_and_the_number_of_answers(client, years):
    this_year, _ = years
    soup = page(client.get("/kk/complaints/statistics/"))

    row = soup.select_one(f"#statistics-{this_year}-survey tr[data-akimat='{TARAZ}']")
    timeliness = list(row.select("td")[-1].stripped_strings)
    assert timeliness[0] == "0%"
    assert "100%" in timeliness[1]
    assert "1" in timeliness[1]


def test_an_akimat_with_nothing_answered_reads_no_data_rather_than_zero_percent(client, years):
    this_year, _ = years
    soup = page(client.get("/ru/complaints/statistics/"))

    merki = line(soup, this_year, "merki-district-akimat")
    no_data = merki[2]
    assert not any(character.isdigit() for character in no_data)
    assert merki == ["0", "0", no_data, no_data]
    # Baizak answered nothing either, but its complaint is past its due date: late already.
    baizak = line(soup, this_year, BAIZAK)
    assert baizak == ["1", "0", "0\xa0%", no_data]
    assert line(soup, this_year, BAIZAK, "-survey") == [no_data, no_data]


def test_every_akimat_is_listed_under_its_region(client, years):
    this_year, _ = years
    soup = page(client.get("/ru/complaints/statistics/"))

    for table_id in (f"statistics-{this_year}", f"statistics-{this_year}-survey"):
        table = soup.select_one(f"#{table_id}")
        regions = [group.get_text(strip=True) for group in table.select("th[scope=rowgroup]")]
        assert regions[0] == "Жамбылская область"
        assert len(table.select("tbody tr[data-akimat]")) == 14
        assert table.select_one("caption").get_text(strip=True)
        assert all(header["scope"] == "col" for header in table.select("thead th"))


def test_the_statistics_tell_nothing_about_applicants_or_their_complaints(client, years):
    this_year, _ = years
    for lang in ("kk", "ru"):
        html = client.get(f"/{lang}/complaints/statistics/").get_data(as_text=True)
        assert APPLICANT not in html
        assert SUBJECT not in html
        assert f"TRZ-{this_year}-" not in html
        assert "saule@example.kz" not in html


@pytest.mark.parametrize(("lang", "akimat"), [("kk", "Әкімдік"), ("ru", "Акимат")])
def test_the_statistics_are_public_in_both_languages(client, years, lang, akimat):
    response = client.get(f"/{lang}/complaints/statistics/")

    soup = page(response)
    assert soup.html["lang"] == lang
    assert soup.select_one("thead th").get_text(strip=True) == akimat
    assert soup.select("[style]") == []


def test_the_figures_are_kept_for_a_while_rather_than_recounted_on_every_visit(app, client, years):
    this_year, _ = years
    before = line(page(client.get("/ru/complaints/statistics/")), this_year, TARAZ)
    with app.app_context():
        add_complaint(TARAZ, this_year)

    after = line(page(client.get("/ru/complaints/statistics/")), this_year, TARAZ)
    assert after == before


def test_the_guide_home_page_links_to_the_statistics(guide_client):
    for lang in ("kk", "ru"):
        soup = page(guide_client.get(f"/{lang}/"))
        assert soup.select_one(f"a[href='/{lang}/complaints/statistics/']") is not None
