"""Reports computed on complaints whose every figure is known, through the functions and the page.

The fixture is April 2025 in the Taraz akimat (a month with no public holiday on a weekday, so
working days are Monday to Friday): twelve complaints in every state, five of them answered,
four with survey answers — plus complaints just outside the month and in another akimat, which
must never be counted. The expected figures are worked out by hand in the comments.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from helpers import Staff, make_staff, page

from complaints import services
from complaints.domain.workflow import Action
from complaints.models import Complaint, ComplaintEvent, StaffUser, SurveyResponse
from complaints.reports import Period, Share, akimat_summaries, overdue, report
from complaints.web import messages, today_in_almaty, working_calendar
from qyzmet.extensions import db

TARAZ = "taraz-city-akimat"
BAIZAK = "baizak-district-akimat"
CODES = {TARAZ: "TRZ", BAIZAK: "BZK"}
HOUSING_QUEUE = "zhambyl-housing-registration-2008"
PRIVATISATION = "almaty-city-housing-privatisation-2018"
HOUSING_DEPARTMENT = "taraz-housing-department"
HOUSING_ENTERPRISE = "taraz-turgyn-ui-enterprise"
APRIL = Period(date(2025, 4, 1), date(2025, 4, 30))
AFTER_APRIL = date(2025, 4, 25)  # "today" for the overdue list: a Friday
APRIL_QUERY = "date_from=2025-04-01&date_to=2025-04-30"

_sequences = itertools.count(1)


def april(day: int) -> date:
    return date(2025, 4, day)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


def add_complaint(
    akimat_id: str,
    registered_on: date,
    due_on: date,
    status: str = "registered",
    *,
    outcome: str | None = None,
    answered_at: datetime | None = None,
    closed_at: datetime | None = None,
    channel: str = "web",
    service_id: str | None = None,
    office_id: str | None = None,
    executor_id: int | None = None,
    survey: tuple[str, str] | None = None,
) -> int:
    """A complaint written straight into the table, with exactly the figures a test needs."""
    sequence = next(_sequences)
    code = CODES[akimat_id]
    received_at = utc(registered_on, 4)  # 09:00 in Almaty
    complaint = Complaint(
        registration_number=f"{code}-{registered_on.year}-{sequence:06d}",
        akimat_id=akimat_id,
        akimat_code=code,
        year=registered_on.year,
        sequence=sequence,
        service_id=service_id,
        office_id=office_id,
        channel=channel,
        language="kk",
        applicant_name="Асанов Асан Асанұлы",
        applicant_name_folded="асанов асан асанұлы",
        applicant_email="asan@example.kz",
        reply_channel="email",
        subject="Құжаттар қабылданбады",
        subject_folded="құжаттар қабылданбады",
        text="Бөлім маманы өтінішті себепсіз қабылдамады.",
        received_at=received_at,
        registered_on=registered_on,
        due_on=due_on,
        deadline_rule="state_service_complaint",
        status=status,
        outcome=outcome,
        answer="Жауап мәтіні." if outcome else None,
        answered_at=answered_at,
        closed_at=closed_at or answered_at,
        executor_id=executor_id,
        access_code_hash="0" * 64,
        accepted_by_name="Qyzmet",
        updated_at=received_at,
    )
    db.session.add(complaint)
    db.session.flush()
    if survey is not None:
        procedure, timeliness = survey
        db.session.add(
            SurveyResponse(
                complaint_id=complaint.id,
                procedure=procedure,
                timeliness=timeliness,
                created_at=answered_at,
            )
        )
    db.session.commit()
    return complaint.id


@pytest.fixture
def executor_id(app) -> int:
    return make_staff(app, "executor", name="Серікова Айгүл")


@pytest.fixture
def april_complaints(app, executor_id) -> dict[str, int]:
    """The month's complaints by letter; see the module docstring."""
    with app.app_context():
        ids = {
            # Answered on Friday 4 April: on time, 3 working days (2, 3, 4 April).
            "A": add_complaint(
                TARAZ,
                april(1),
                april(8),
                "answered",
                outcome="satisfied",
                answered_at=utc(april(4), 10),
                service_id=HOUSING_QUEUE,
                office_id=HOUSING_DEPARTMENT,
                survey=("satisfied", "satisfied"),
            ),
            # 23:30 on the due date in Almaty: on time, 5 working days.
            "B": add_complaint(
                TARAZ,
                april(1),
                april(8),
                "answered",
                outcome="partly_satisfied",
                answered_at=utc(april(8), 18, 30),
                channel="paper",
                service_id=HOUSING_QUEUE,
                survey=("partly_satisfied", "not_satisfied"),
            ),
            # 19:30 UTC on the due date is 00:30 the next day in Almaty: late, 6 working days.
            "C": add_complaint(
                TARAZ,
                april(1),
                april(8),
                "answered",
                outcome="satisfied",
                answered_at=utc(april(8), 19, 30),
                service_id=PRIVATISATION,
                office_id=HOUSING_DEPARTMENT,
                survey=("not_satisfied", "not_satisfied"),
            ),
            # Extended from 14 to 21 April, answered on the 18th: on time, 9 working days.
            "D": add_complaint(
                TARAZ,
                april(7),
                april(21),
                "answered",
                outcome="rejected",
                answered_at=utc(april(18), 5),
                channel="post",
                service_id=PRIVATISATION,
                office_id=HOUSING_ENTERPRISE,
            ),
            # A day late: 6 working days.
            "E": add_complaint(
                TARAZ,
                april(7),
                april(14),
                "answered",
                outcome="explained",
                answered_at=utc(april(15), 4),
                channel="in_person",
                survey=("satisfied", "partly_satisfied"),
            ),
            # Open and past due on the 25th.
            "F": add_complaint(
                TARAZ,
                april(10),
                april(17),
                "in_review",
                service_id=HOUSING_QUEUE,
                office_id=HOUSING_DEPARTMENT,
                executor_id=executor_id,
            ),
            "G": add_complaint(TARAZ, april(14), april(21), service_id=HOUSING_QUEUE),
            # Open, due after the 25th: not overdue.
            "H": add_complaint(TARAZ, april(22), april(29), "assigned", service_id=HOUSING_QUEUE),
            # A drafted answer is not an answer: its outcome counts nowhere; it is overdue.
            "I": add_complaint(
                TARAZ,
                april(2),
                april(9),
                "answer_drafted",
                outcome="satisfied",
                service_id=PRIVATISATION,
            ),
            "J": add_complaint(TARAZ, april(3), april(10), "forwarded", service_id=HOUSING_QUEUE),
            "K": add_complaint(TARAZ, april(3), april(10), "withdrawn", service_id=HOUSING_QUEUE),
            "L": add_complaint(
                TARAZ,
                april(4),
                april(11),
                "left_without_review",
                channel="paper",
                service_id=HOUSING_QUEUE,
            ),
        }
        # Never in Taraz's April: the month before, the month after, another akimat.
        outside = {
            "March": add_complaint(
                TARAZ,
                date(2025, 3, 31),
                april(7),
                "answered",
                outcome="satisfied",
                answered_at=utc(april(9), 5),
                survey=("satisfied", "satisfied"),
            ),
            "May": add_complaint(TARAZ, date(2025, 5, 2), date(2025, 5, 12)),
            "Baizak answered": add_complaint(
                BAIZAK,
                april(2),
                april(9),
                "answered",
                outcome="satisfied",
                answered_at=utc(april(3), 5),
                survey=("satisfied", "satisfied"),
            ),
            "Baizak overdue": add_complaint(BAIZAK, april(2), april(9), "in_review"),
        }
    return {**ids, **outside}


def taraz_april(app, today: date = AFTER_APRIL, akimat_ids=(TARAZ,), **kwargs):
    with app.app_context():
        return report(
            db.session, list(akimat_ids), APRIL, today=today, calendar=working_calendar(), **kwargs
        )


def counts(rows) -> dict:
    return {row.key: row.count for row in rows}


# --------------------------------------------------------------------------------------------
# The figures


def test_complaints_are_counted_by_status_outcome_service_office_and_channel(app, april_complaints):
    figures = taraz_april(app)

    assert figures.registered == 12
    assert counts(figures.by_status) == {
        "registered": 1,
        "assigned": 1,
        "in_review": 1,
        "answer_drafted": 1,
        "answered": 5,
        "forwarded": 1,
        "left_without_review": 1,
        "withdrawn": 1,
    }
    assert [row.key for row in figures.by_status][:3] == ["registered", "assigned", "in_review"]
    # Only answered complaints: I's drafted "satisfied" is not a decision yet.
    assert counts(figures.by_outcome) == {
        "satisfied": 2,
        "partly_satisfied": 1,
        "rejected": 1,
        "explained": 1,
    }
    assert [(row.key, row.count) for row in figures.by_service] == [
        (HOUSING_QUEUE, 8),
        (PRIVATISATION, 3),
        (None, 1),
    ]
    assert [(row.key, row.count) for row in figures.by_office] == [
        (HOUSING_DEPARTMENT, 3),
        (HOUSING_ENTERPRISE, 1),
        (None, 8),
    ]
    assert counts(figures.by_channel) == {"web": 8, "paper": 2, "post": 1, "in_person": 1}


def test_on_time_compares_the_almaty_date_of_the_answer_with_the_extended_due_date(
    app, april_complaints
):
    figures = taraz_april(app)

    assert figures.answered == 5
    # A, B (23:30 in Almaty on the due date) and D (after its extension); not C nor E. Out
    # of the five answered and the three still open past their due date, which are late
    # already: not answering must not make an akimat look better.
    assert figures.overdue.total == 3
    assert figures.answered_on_time == Share(3, 8)
    assert figures.answered_on_time.ratio == pytest.approx(0.375)


@pytest.mark.parametrize("status", ["forwarded", "left_without_review", "withdrawn"])
def test_a_complaint_closed_without_an_answer_after_its_due_date_counts_as_late(
    app, april_complaints, status
):
    with app.app_context():
        # Due Thursday 10 April, closed at 00:30 on the 11th in Almaty: late.
        add_complaint(TARAZ, april(3), april(10), status, closed_at=utc(april(10), 19, 30))
        # Closed at 23:30 on its due date: in time, so it counts neither way, as J, K and L.
        add_complaint(TARAZ, april(3), april(10), status, closed_at=utc(april(10), 18, 30))

    # The fixture's 3 of 8, and one more late, which the report counts on its own too.
    figures = taraz_april(app)
    assert figures.answered_on_time == Share(3, 9)
    assert figures.closed_late == 1


def take_action(
    app, head_id: int, complaint_id: int, action: str, data: services.ActionInput, day: date
) -> None:
    """`action` taken through the service at 10:00 in Almaty on `day`, as the page takes it."""
    with app.test_request_context("/ru/"):
        complaint = db.session.get(Complaint, complaint_id)
        services.take_action(
            db.session,
            complaint_id,
            version=complaint.version,
            actor=db.session.get(StaffUser, head_id),
            scope=[complaint.akimat_id],
            action=Action(action),
            data=data,
            now=utc(day, 5),
            calendar=working_calendar(),
            secret=app.config["SECRET_KEY"].encode(),
            upload_root=Path(app.config["UPLOAD_ROOT"]),
            messages=messages,
        )


TO_JUSTICE = services.ActionInput(forward_body="Департамент юстиции")


def test_forwarding_an_overdue_complaint_or_leaving_it_without_review_does_not_raise_the_share(
    app, april_complaints
):
    head_id = make_staff(app, "head")
    assert taraz_april(app).answered_on_time == Share(3, 8)

    # On 23 April the head forwards F (due the 17th) and leaves G (due the 21st) without review.
    take_action(app, head_id, april_complaints["F"], "forward", TO_JUSTICE, april(23))
    take_action(
        app,
        head_id,
        april_complaints["G"],
        "leave_without_review",
        services.ActionInput(reason="Повторная жалоба"),
        april(23),
    )

    figures = taraz_april(app)
    assert figures.overdue.total == 1  # I alone is still open past its due date
    # Still 3 of 8 (37.5 %): not 3 of 6, as when closing a late complaint took it out.
    assert figures.answered_on_time == Share(3, 8)
    assert str(figures.answered_on_time.percent) == "37.5"
    assert figures.closed_late == 2  # F and G, which the page and the CSV name as such


@pytest.fixture
def forwardings(app, april_complaints) -> dict[str, int]:
    """F forwarded late, G in time, H not at all; J was forwarded before the forwarding event
    said whether it was late. A late forwarding in Baizak is never Taraz's."""
    head_id = make_staff(app, "head")
    # F, registered on Thursday 10 April, was to be forwarded by Tuesday the 15th.
    take_action(app, head_id, april_complaints["F"], "forward", TO_JUSTICE, april(23))
    # G, registered on Monday 14 April, by Thursday the 17th: forwarded on the 16th.
    take_action(app, head_id, april_complaints["G"], "forward", TO_JUSTICE, april(16))
    take_action(app, head_id, april_complaints["Baizak overdue"], "forward", TO_JUSTICE, april(23))
    return april_complaints


def test_forwarded_complaints_are_counted_with_those_forwarded_after_the_deadline(app, forwardings):
    with app.app_context():
        late = {
            letter: db.session.execute(
                db.select(ComplaintEvent.details).where(
                    ComplaintEvent.complaint_id == forwardings[letter],
                    ComplaintEvent.action == "forward",
                )
            ).scalar_one()["forwarded_late"]
            for letter in ("F", "G")
        }
    assert late == {"F": True, "G": False}

    figures = taraz_april(app)

    assert (figures.forwarded, figures.forwarded_late) == (3, 1)  # F, G and J; F alone late
    assert counts(figures.by_status)["forwarded"] == 3
    region = taraz_april(app, akimat_ids=(TARAZ, BAIZAK))
    assert (region.forwarded, region.forwarded_late) == (4, 2)


def test_a_period_without_forwardings_counts_none_late(app, april_complaints):
    figures = taraz_april(app)

    assert (figures.forwarded, figures.forwarded_late) == (1, 0)  # J, as the fixture has it


@pytest.mark.parametrize(
    ("lang", "forwarded", "late"),
    [
        ("kk", "Тиесілілігі бойынша жіберілді", "Жіберу мерзімі өткен соң жіберілді"),
        (
            "ru",
            "Перенаправлены по подведомственности",
            "Перенаправлены после истечения срока перенаправления",
        ),
    ],
)
def test_the_page_and_the_csv_give_the_forwarded_complaints_and_the_late_ones(
    app, forwardings, lang, forwarded, late
):
    head = signed_in(app, "head", lang=lang)

    soup = page(head.get(f"/reports/?{APRIL_QUERY}"))
    assert stat(soup, "forwarded") == "3"
    assert stat(soup, "forwarded-late") == "1"
    assert soup.select_one("#stat-forwarded .qz-stat__label").get_text(strip=True) == (
        forwarded[0].lower() + forwarded[1:]
    )
    _heading, summary, *_rest = csv_blocks(head.get(f"/reports.csv?{APRIL_QUERY}"))
    assert [forwarded, "3"] in summary
    assert [late, "1"] in summary


def test_the_average_counts_working_days_from_registration_to_the_answer(app, april_complaints):
    figures = taraz_april(app)

    # A 3, B 5, C 6, D 9 (two weekends), E 6: 29 working days over 5 answers.
    assert figures.average_working_days_to_answer == pytest.approx(5.8)


def test_the_average_agrees_with_the_calendar_across_holidays(app):
    with app.app_context():
        calendar = working_calendar()
        # Registered before the New Year holidays, answered after them.
        registered, answered = date(2025, 12, 26), date(2026, 1, 9)
        add_complaint(
            TARAZ,
            registered,
            date(2026, 1, 12),
            "answered",
            outcome="explained",
            answered_at=utc(answered, 5),
        )
        figures = report(
            db.session,
            [TARAZ],
            Period(date(2025, 12, 1), date(2025, 12, 31)),
            today=date(2026, 2, 1),
            calendar=calendar,
        )
        assert figures.average_working_days_to_answer == calendar.working_days_between(
            registered, answered
        )


@pytest.mark.parametrize(
    ("answered_at", "working_days"),
    [
        # Thursday 3 April, 23:59:59.999999 in Almaty: still Thursday.
        (datetime(2025, 4, 3, 18, 59, 59, 999999, UTC), 3),
        # Thursday 3 April, 19:00 UTC: midnight in Almaty, so Friday.
        (datetime(2025, 4, 3, 19, 0, tzinfo=UTC), 4),
        # Friday 4 April, 22:30 UTC: Saturday in Almaty, not a working day.
        (datetime(2025, 4, 4, 22, 30, tzinfo=UTC), 4),
    ],
)
def test_the_answer_day_is_the_day_in_almaty(app, answered_at, working_days):
    with app.app_context():
        # Registered on Monday 31 March: Tuesday to Thursday are 3 working days.
        add_complaint(
            TARAZ,
            date(2025, 3, 31),
            date(2025, 4, 7),
            "answered",
            outcome="explained",
            answered_at=answered_at,
        )
        figures = report(
            db.session,
            [TARAZ],
            Period(date(2025, 3, 1), date(2025, 3, 31)),
            today=date(2025, 5, 1),
            calendar=working_calendar(),
        )
    assert figures.average_working_days_to_answer == working_days


def test_the_overdue_list_holds_open_complaints_past_due_longest_overdue_first(
    app, april_complaints
):
    figures = taraz_april(app)

    overdue = figures.overdue
    assert overdue.total == 3
    assert not overdue.truncated
    assert [complaint.id for complaint in overdue.complaints] == [
        april_complaints["I"],
        april_complaints["F"],
        april_complaints["G"],
    ]
    by_id = {complaint.id: complaint for complaint in overdue.complaints}
    assert by_id[april_complaints["F"]].executor_name == "Серікова Айгүл"
    assert by_id[april_complaints["F"]].due_on == april(17)
    assert by_id[april_complaints["G"]].executor_name is None


def test_a_complaint_is_not_overdue_on_its_due_date(app, april_complaints):
    # On 21 April G is due that very day; I and F are past due.
    assert taraz_april(app, today=april(21)).overdue.total == 2


def test_a_long_overdue_list_is_cut_short_but_counts_every_complaint(app, april_complaints):
    with app.app_context():
        cut = overdue(db.session, [TARAZ], APRIL, today=AFTER_APRIL, limit=2)
    assert cut.total == 3
    assert len(cut.complaints) == 2
    assert cut.truncated


def test_indicator_4_2_is_the_share_of_justified_complaints_answered_on_time(app, april_complaints):
    # Justified: A and B on time, C late (satisfied or partly satisfied, and answered).
    indicator = taraz_april(app).quality.reviewed_and_satisfied_on_time
    assert indicator == Share(2, 3)
    assert indicator.ratio == pytest.approx(2 / 3)


def test_indicators_4_3_and_4_4_count_every_survey_answer(app, april_complaints):
    quality = taraz_april(app).quality

    # A, B, C, E answered the survey.
    assert (quality.procedure.satisfied, quality.procedure.partly_satisfied) == (2, 1)
    assert (quality.procedure.not_satisfied, quality.procedure.responses) == (1, 4)
    assert quality.procedure.share("satisfied") == Share(2, 4)
    assert (quality.timeliness.satisfied, quality.timeliness.partly_satisfied) == (1, 1)
    assert (quality.timeliness.not_satisfied, quality.timeliness.responses) == (2, 4)
    assert quality.timeliness.share("not_satisfied").ratio == pytest.approx(0.5)


def test_another_akimats_complaints_are_never_counted(app, april_complaints):
    baizak = taraz_april(app, akimat_ids=[BAIZAK])
    assert (baizak.registered, baizak.answered) == (2, 1)
    assert baizak.overdue.total == 1
    assert baizak.quality.procedure.responses == 1

    both = taraz_april(app, akimat_ids=[TARAZ, BAIZAK])
    assert (both.registered, both.answered, both.overdue.total) == (14, 6, 4)


def test_complaints_registered_outside_the_period_are_not_counted(app, april_complaints):
    with app.app_context():
        march_to_may = report(
            db.session,
            [TARAZ],
            Period(date(2025, 3, 1), date(2025, 5, 31)),
            today=AFTER_APRIL,
            calendar=working_calendar(),
        )
    assert taraz_april(app).registered == 12
    assert march_to_may.registered == 14
    assert march_to_may.quality.procedure.responses == 5


def test_an_empty_report_has_zeros_and_no_shares_rather_than_zero_percent(app):
    figures = taraz_april(app)

    assert figures.registered == figures.answered == 0
    assert all(row.count == 0 for row in figures.by_status + figures.by_channel)
    assert figures.by_service == figures.by_office == []
    assert figures.answered_on_time.ratio is None
    assert figures.average_working_days_to_answer is None
    assert figures.quality.reviewed_and_satisfied_on_time.ratio is None
    assert figures.quality.procedure.responses == 0
    assert figures.quality.procedure.share("satisfied").ratio is None
    assert figures.overdue.total == 0 and figures.overdue.complaints == []


def test_akimat_summaries_give_one_line_per_akimat_in_the_order_asked(app, april_complaints):
    with app.app_context():
        lines = akimat_summaries(
            db.session, [BAIZAK, "merki-district-akimat", TARAZ], APRIL, today=AFTER_APRIL
        )

    assert [line.akimat_id for line in lines] == [BAIZAK, "merki-district-akimat", TARAZ]
    baizak, merki, taraz = lines
    # On time out of the answered and those still open past their due date.
    assert (taraz.registered, taraz.answered, taraz.answered_on_time) == (12, 5, Share(3, 8))
    assert taraz.quality.reviewed_and_satisfied_on_time == Share(2, 3)
    assert taraz.quality.timeliness.responses == 4
    assert (baizak.registered, baizak.answered, baizak.answered_on_time) == (2, 1, Share(1, 2))
    assert (merki.registered, merki.answered_on_time.ratio) == (0, None)
    assert merki.quality.procedure.responses == 0


# --------------------------------------------------------------------------------------------
# The page and the CSV


def signed_in(app, role: str, lang: str = "kk", **account) -> Staff:
    email = f"{role}.reports@example.kz"
    make_staff(app, role, email=email, **account)
    staff = Staff(app, email, lang=lang)
    assert staff.login().status_code == 302
    return staff


def stat(soup, name: str) -> str:
    return soup.select_one(f"#stat-{name} .qz-stat__value").get_text(strip=True)


def table(soup, table_id: str) -> dict[str, list[str]]:
    """A report table as {row header: [cells]}."""
    return {
        row.select_one("th").get_text(" ", strip=True): [
            cell.get_text(" ", strip=True) for cell in row.select("td")
        ]
        for row in soup.select(f"#{table_id} tbody tr")
    }


def test_a_head_reads_the_figures_of_their_akimat(app, april_complaints):
    head = signed_in(app, "head")
    soup = page(head.get(f"/reports/?{APRIL_QUERY}"))

    assert stat(soup, "registered") == "12"
    assert stat(soup, "answered") == "5"
    assert stat(soup, "on-time") == "33,3%"  # 3 of 9: 5 answered, 4 open past their due date
    assert stat(soup, "average") == "5,8"
    # The page counts overdue complaints as of today, long after April 2025: H as well.
    assert stat(soup, "overdue") == "4"
    assert stat(soup, "closed-late") == "0"  # J, K and L were closed in time
    assert table(soup, "table-status")["Жауап берілді"] == ["5", "41,7%"]
    assert table(soup, "table-outcome")["Қанағаттандырылды"] == ["2", "40%"]
    # Channels in their fixed order: online, on paper, by post, in person.
    assert list(table(soup, "table-channel").values()) == [
        ["8", "66,7%"],
        ["2", "16,7%"],
        ["1", "8,3%"],
        ["1", "8,3%"],
    ]
    assert soup.select_one("#indicator-4-2 td").get_text(strip=True) == "66,7%"
    procedure = soup.select_one("#survey-4-3")
    assert [cell.get_text(strip=True) for cell in procedure.select("td")] == [
        "50%",
        "25%",
        "25%",
        "4",
    ]
    overdue_numbers = [link.get_text(strip=True) for link in soup.select("#table-overdue a")]
    assert len(overdue_numbers) == 4 and all(n.startswith("TRZ-2025-") for n in overdue_numbers)
    assert "BZK" not in soup.get_text()


@pytest.mark.parametrize(("lang", "registered"), [("kk", "тіркелді"), ("ru", "зарегистрировано")])
def test_the_page_names_the_registered_complaints_as_the_csv_and_the_statistics_do(
    app, april_complaints, lang, registered
):
    # The Russian page said "поступило" (received), the CSV and the statistics
    # "Зарегистрировано": the same figure under two names.
    head = signed_in(app, "head", lang=lang)
    soup = page(head.get(f"/reports/?{APRIL_QUERY}"))
    label = soup.select_one("#stat-registered .qz-stat__label").get_text(strip=True)
    assert label == registered
    summary = csv_blocks(head.get(f"/reports.csv?{APRIL_QUERY}"))[1]
    assert summary[2][0].lower() == registered


def test_the_chart_is_an_image_described_in_words_with_its_numbers_in_a_table(
    app, april_complaints
):
    head = signed_in(app, "head", lang="ru")
    soup = page(head.get(f"/reports/?{APRIL_QUERY}"))

    svg = soup.select_one("figure.qz-chart svg")
    assert svg["role"] == "img"
    assert svg["width"] == "100%" and not svg.has_attr("viewbox")
    title, description = svg.select_one("title"), svg.select_one("desc")
    assert svg["aria-labelledby"] == f"{title['id']} {description['id']}"
    assert "Дан ответ: 5" in description.get_text()
    assert "Зарегистрирована: 1" in description.get_text()
    # The CSP forbids inline styles; bars are sized by attributes, in percent.
    assert soup.select("[style]") == []
    widths = [rect["width"] for rect in svg.select("rect")]
    assert len(widths) == 8 and "100%" in widths
    assert table(soup, "table-status")["Дан ответ"][0] == "5"


def test_an_empty_period_says_there_is_no_data_instead_of_zero_percent(app, april_complaints):
    head = signed_in(app, "head", lang="ru")
    soup = page(head.get("/reports/?date_from=2024-01-01&date_to=2024-12-31"))

    assert stat(soup, "registered") == "0"
    assert "0%" not in soup.select_one("#summary").get_text()
    assert "0 %" not in soup.select_one("#summary").get_text()
    assert soup.select_one("#no-complaints") is not None
    assert soup.select("#table-status, figure.qz-chart") == []


def test_without_dates_the_report_covers_the_current_year(app):
    head = signed_in(app, "head")
    soup = page(head.get("/reports/"))

    year = date.today().year
    assert soup.select_one("#date_from")["value"] == f"{year}-01-01"
    assert soup.select_one("#date_to")["value"] == f"{year}-12-31"


def test_a_date_written_the_kazakh_way_is_understood(app, april_complaints):
    head = signed_in(app, "head")
    soup = page(head.get("/reports/?date_from=01.04.2025&date_to=30.04.2025"))

    assert stat(soup, "registered") == "12"
    assert soup.select_one("#date_from")["value"] == "2025-04-01"


@pytest.mark.parametrize(
    "query",
    ["date_from=2025-02-30", "date_from=2025-05-01&date_to=2025-04-01", "date_to=yesterday"],
)
def test_a_wrong_period_gets_a_clear_message_and_no_report(app, april_complaints, query):
    head = signed_in(app, "head")
    response = head.get(f"/reports/?{query}")

    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(".govuk-error-summary") is not None
    assert soup.select_one("#summary") is None


def test_a_supervisor_sees_the_region_or_one_akimat_of_it(app, april_complaints):
    supervisor = signed_in(app, "supervisor", lang="ru", akimat_id=None, region_id="zhambyl-oblast")

    region = page(supervisor.get(f"/reports/?{APRIL_QUERY}"))
    assert stat(region, "registered") == "14"
    assert stat(region, "overdue") == "5"
    choices = [option["value"] for option in region.select("#akimat option")]
    assert choices[0] == "" and TARAZ in choices and BAIZAK in choices

    baizak = page(supervisor.get(f"/reports/?{APRIL_QUERY}&akimat={BAIZAK}"))
    assert stat(baizak, "registered") == "2"
    # 1 of 2: one answered on time, one open past its due date. Russian puts a no-break
    # space before %.
    assert stat(baizak, "on-time") == "50\xa0%"


def test_a_forged_akimat_outside_the_scope_is_refused(app, april_complaints):
    head = signed_in(app, "head")
    response = head.get(f"/reports/?{APRIL_QUERY}&akimat={BAIZAK}")

    assert response.status_code == 400
    assert "BZK" not in response.get_data(as_text=True)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(".govuk-error-summary a[href='#akimat']") is not None
    assert soup.select_one("select#akimat") is not None  # the summary's link has a target


@pytest.mark.parametrize("role", ["registrar", "executor"])
def test_registrars_and_executors_get_no_reports(app, role):
    staff = signed_in(app, role)
    assert staff.get("/reports/").status_code == 404
    assert staff.get("/reports.csv").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/kk/staff/reports/", "/kk/staff/reports.csv"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/kk/staff/login/" in response.headers["Location"]


def csv_blocks(response) -> list[list[list[str]]]:
    """The CSV's sections (separated by blank lines), after checking what Excel needs."""
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark: Excel reads UTF-8
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if row:
            blocks[-1].append(row)
        else:
            blocks.append([])
    return blocks


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "kk",
            {
                "akimat": "Әкімдік",
                "taraz": "Тараз қаласының әкімияты",
                "status": "Мәртебесі",
                "complaints": "Шағымдар",
                "answered": "Жауап берілді",
                "satisfied": "Қанағаттандырылды",
                "service": "Қызмет",
                "registered_on": "Тіркелген күні",
            },
        ),
        (
            "ru",
            {
                "akimat": "Акимат",
                "taraz": "Акимат города Тараз",
                "status": "Статус",
                "complaints": "Жалобы",
                "answered": "Дан ответ",
                "satisfied": "Удовлетворена",
                "service": "Услуга",
                "registered_on": "Дата регистрации",
            },
        ),
    ],
)
def test_the_csv_opens_in_excel_with_headers_in_the_page_language_and_the_same_numbers(
    app, april_complaints, lang, words
):
    head = signed_in(app, "head", lang=lang)
    response = head.get(f"/reports.csv?{APRIL_QUERY}")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="qyzmet-report-2025-04-01-2025-04-30.csv"'
    )
    heading, summary, status, outcome, service, office, channel, survey, overdue = csv_blocks(
        response
    )
    assert heading[1] == [words["akimat"], words["taraz"]]
    assert [row[1] for row in heading[2:]] == ["01.04.2025", "30.04.2025", _today_dotted()]
    # Registered, answered, on time, % on time, average days, overdue today (F, G, H, I),
    # closed late without an answer, forwarded (J), forwarded late, justified answered, % 4.2.
    assert [row[1] for row in summary[2:]] == [
        "12",
        "5",
        "3",
        "33,3",
        "5,8",
        "4",
        "0",
        "1",
        "0",
        "3",
        "66,7",
    ]
    assert status[1][:2] == [words["status"], words["complaints"]]
    assert [words["answered"], "5", "41,7"] in status
    assert [words["satisfied"], "2", "40"] in outcome
    assert service[1][0] == words["service"]
    assert [row[1:] for row in service[2:]] == [["8", "66,7"], ["3", "25"], ["1", "8,3"]]
    assert [row[1:] for row in office[2:]] == [["3", "25"], ["1", "8,3"], ["8", "66,7"]]
    assert [row[1] for row in channel[2:]] == ["8", "2", "1", "1"]
    assert [row[1:] for row in survey[2:]] == [["50", "25", "25", "4"], ["25", "25", "50", "4"]]
    assert overdue[1][1:4] == [words["akimat"], words["status"], words["registered_on"]]
    assert [row[0][:9] for row in overdue[2:]] == ["TRZ-2025-"] * 4
    assert overdue[2][3:6] == ["02.04.2025", "09.04.2025", ""]
    assert overdue[3][5] == "Серікова Айгүл"


def test_an_empty_csv_says_no_data_rather_than_zero_percent(app):
    head = signed_in(app, "head", lang="ru")
    _heading, summary, status, *_rest = csv_blocks(head.get(f"/reports.csv?{APRIL_QUERY}"))

    assert summary[2][1] == "0"
    shares = [summary[5][1], summary[6][1], summary[12][1]] + [row[2] for row in status[2:]]
    assert "0" not in shares and len(set(shares)) == 1


def _today_dotted() -> str:
    return today_in_almaty().strftime("%d.%m.%Y")


@pytest.mark.parametrize(
    ("part", "whole", "shown"),
    [(1, 80, "1.3"), (3, 80, "3.8"), (1, 3, "33.3"), (2, 3, "66.7"), (1, 8, "12.5"), (0, 5, "0.0")],
)
def test_a_share_rounds_its_exact_fraction_halves_up(part, whole, shown):
    # A float's binary rounding made 3 of 80 (3.75 %) 3.7 on the page, and round() made
    # 1 of 80 (1.25 %) 1.2 in the CSV; both now show the same figure.
    assert str(Share(part, whole).percent) == shown
    assert Share(1, 0).percent is None


def test_the_page_and_the_csv_show_the_same_share(app):
    from complaints.charts import percent
    from complaints.staff.reports import _csv_percent

    with app.test_request_context("/ru/"):
        assert percent(Share(3, 80)) == "3,8\xa0%"
        assert percent(Share(1, 80)) == "1,3\xa0%"
    assert _csv_percent(Share(3, 80)) == "3,8"
    assert _csv_percent(Share(1, 80)) == "1,3"
    assert _csv_percent(Share(2, 4)) == "50"
