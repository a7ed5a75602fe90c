"""Registration dates, due dates and due status, on the real Kazakhstan calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest

from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import (
    ALMATY,
    DEFAULT_RULES_PATH,
    CountedFrom,
    DeadlineRulesFileError,
    DueStatus,
    UnknownDeadlineRule,
    deadline_rule,
    due_date,
    due_status,
    due_status_label,
    forwarding_deadline,
    in_almaty,
    load_deadline_rules,
    registration_date,
)

TEST_DECREE = """
decrees:
  - number: "TEST-1"
    date: 2026-05-20
    title: "Test decree (not a real act)"
    days:
      - {date: 2026-07-03, kind: day_off}       # a Friday given off
      - {date: 2026-07-11, kind: working_day}   # a Saturday made working
"""


@pytest.fixture(scope="module")
def calendar():
    return WorkingCalendar()


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


# The rules table ----------------------------------------------------------------------------


def test_the_rules_table_is_the_one_in_the_design():
    rules = load_deadline_rules()
    table = {
        kind: (rule.working_days, rule.basis.article, rule.basis.paragraph, rule.notify_applicant)
        for kind, rule in rules.items()
    }
    assert table == {
        "state_service_complaint": (5, 25, 2, False),
        "quality_authority_complaint": (15, 25, 3, False),
        "forwarding": (3, 76, None, True),
        "extension_notice": (3, 76, None, True),
    }
    assert rules["extension_notice"].counted_from is CountedFrom.DECISION
    assert rules["state_service_complaint"].counted_from is CountedFrom.REGISTRATION


def test_the_legal_basis_is_cited_in_kazakh_and_russian():
    complaint = deadline_rule("state_service_complaint").basis
    assert complaint.citation("ru") == (
        "пункт 2 статьи 25 Закона Республики Казахстан от 15 апреля 2013 года "
        "«О государственных услугах»"
    )
    assert complaint.citation("kk") == (
        "«Мемлекеттік көрсетілетін қызметтер туралы» Қазақстан Республикасының "
        "2013 жылғы 15 сәуірдегі Заңының 25-бабының 2-тармағы"
    )
    forwarding = deadline_rule("forwarding").basis
    assert forwarding.citation("ru") == (
        "статья 76 Административного процедурно-процессуального кодекса Республики Казахстан"
    )
    assert forwarding.citation("kk") == (
        "Қазақстан Республикасының Әкімшілік рәсімдік-процестік кодексінің 76-бабы"
    )
    assert forwarding.act["kk"] == "Қазақстан Республикасының Әкімшілік рәсімдік-процестік кодексі"


def test_every_rule_is_described_in_both_languages():
    for rule in load_deadline_rules().values():
        assert rule.description["kk"].strip() and rule.description["ru"].strip()


def test_an_unknown_rule_is_refused():
    with pytest.raises(UnknownDeadlineRule, match="appeal_to_court"):
        deadline_rule("appeal_to_court")


def test_the_numbers_come_from_the_data_file(tmp_path, calendar):
    path = tmp_path / "rules.yaml"
    text = load_rules_text().replace("working_days: 5", "working_days: 10")
    path.write_text(text, encoding="utf-8")
    rules = load_deadline_rules(path)
    assert due_date(date(2026, 2, 9), "state_service_complaint", calendar, rules=rules) == (
        date(2026, 2, 23)
    )


def load_rules_text():
    from complaints.domain.deadlines import DEFAULT_RULES_PATH

    return DEFAULT_RULES_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("broken", "where"),
    [
        (("working_days: 5", "working_days: five"), "state_service_complaint.working_days"),
        (("working_days: 15", "working_days: 0"), "quality_authority_complaint.working_days"),
        (("counted_from: decision", "counted_from: answer"), "extension_notice.counted_from"),
        (("article: 76, paragraph: null}", "article: 76}"), "forwarding.basis"),
        (("act: state_services_law,", "act: civil_code,"), "basis.act"),
        (("      ru: Рассмотрение жалобы по", "      en: Рассмотрение жалобы по"), "description"),
        (("rules:", "rule:"), "rules"),
    ],
)
def test_a_malformed_rules_file_is_refused_with_the_place_named(tmp_path, broken, where):
    old, new = broken
    text = load_rules_text()
    assert old in text
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DeadlineRulesFileError) as refusal:
        load_deadline_rules(path)
    assert str(path) in str(refusal.value)
    assert where in str(refusal.value)


# Registration date --------------------------------------------------------------------------


def test_kazakhstan_is_utc_plus_five_since_march_2024_and_was_plus_six_before():
    assert datetime(2026, 1, 9, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=5)
    assert datetime(2023, 6, 2, 12, tzinfo=ALMATY).utcoffset() == timedelta(hours=6)


def test_a_complaint_received_on_a_working_day_is_registered_that_day(calendar):
    assert registration_date(utc(2026, 2, 11, 6, 0), calendar) == date(2026, 2, 11)


def test_a_complaint_received_on_a_saturday_is_registered_on_monday(calendar):
    assert registration_date(utc(2026, 1, 10, 9, 0), calendar) == date(2026, 1, 12)


def test_friday_evening_in_utc_is_already_saturday_in_almaty(calendar):
    received_at = utc(2026, 1, 9, 20, 30)  # Friday 20:30 UTC = Saturday 01:30 in Almaty
    assert in_almaty(received_at) == datetime(2026, 1, 10, 1, 30, tzinfo=ALMATY)
    assert registration_date(received_at, calendar) == date(2026, 1, 12)


def test_a_minute_before_midnight_in_almaty_is_still_friday(calendar):
    assert registration_date(utc(2026, 1, 9, 18, 59), calendar) == date(2026, 1, 9)


def test_before_march_2024_the_almaty_day_began_at_18_utc(calendar):
    # Friday 2 June 2023 18:30 UTC was Saturday 00:30 at UTC+6.
    assert registration_date(utc(2023, 6, 2, 18, 30), calendar) == date(2023, 6, 5)


def test_new_years_eve_in_utc_can_be_new_years_day_in_almaty(calendar):
    # 31 Dec 19:30 UTC = 1 Jan 00:30; 1–2 Jan holidays, 3–4 Jan weekend.
    assert registration_date(utc(2025, 12, 31, 19, 30), calendar) == date(2026, 1, 5)


def test_a_sunday_made_working_by_decree_registers_the_same_day(calendar):
    assert registration_date(utc(2025, 1, 5, 5, 0), calendar) == date(2025, 1, 5)


def test_a_time_given_in_another_zone_is_converted_too(calendar):
    from zoneinfo import ZoneInfo

    received_at = datetime(2026, 1, 9, 23, 30, tzinfo=ZoneInfo("Europe/Moscow"))  # Sat 01:30
    assert registration_date(received_at, calendar) == date(2026, 1, 12)


def test_a_time_without_a_zone_is_refused(calendar):
    with pytest.raises(ValueError, match="aware"):
        registration_date(datetime(2026, 1, 9, 20, 30), calendar)


# Due dates ----------------------------------------------------------------------------------


def test_five_working_days_skip_the_weekend(calendar):
    registered_on = registration_date(utc(2026, 1, 10, 9, 0), calendar)  # Saturday → Monday
    assert due_date(registered_on, "state_service_complaint", calendar) == date(2026, 1, 19)


@pytest.mark.parametrize(
    ("registered_on", "due_on"),
    [
        (date(2025, 12, 9), date(2025, 12, 17)),  # 16 Dec 2025 is a Tuesday
        (date(2026, 12, 9), date(2026, 12, 17)),  # 16 Dec 2026 is a Wednesday
    ],
)
def test_a_due_date_that_would_land_on_16_december_moves_past_it(calendar, registered_on, due_on):
    assert calendar.add_working_days(registered_on, 4) == date(registered_on.year, 12, 15)
    assert due_date(registered_on, "state_service_complaint", calendar) == due_on


def test_a_due_date_crosses_the_new_year_holidays(calendar):
    # 30, 31 Dec; 1–2 Jan holidays; 3–4 weekend; 5, 6 Jan; 7 Jan Christmas; 8 Jan.
    assert due_date(date(2025, 12, 29), "state_service_complaint", calendar) == date(2026, 1, 8)


def test_fifteen_working_days_skip_nauryz_and_the_moved_days_off(calendar):
    # March 2026: 9th (Women's Day moved), 23rd Nauryz, 24th and 25th moved from the weekend.
    due_on = due_date(date(2026, 3, 2), "quality_authority_complaint", calendar)
    assert due_on == date(2026, 3, 27)


def test_a_saturday_made_working_by_a_past_decree_counts(calendar):
    # 2024: Sat 4 May worked, Wed 8 May off; 7 and 9 May holidays.
    assert due_date(date(2024, 5, 2), "state_service_complaint", calendar) == date(2024, 5, 13)


def test_a_decree_in_the_data_file_moves_the_due_date(tmp_path, calendar):
    path = tmp_path / "transfers.yaml"
    path.write_text(TEST_DECREE, encoding="utf-8")
    with_decree = WorkingCalendar(path)
    # An extra day off on Friday 3 July pushes the date a day later…
    assert due_date(date(2026, 7, 1), "state_service_complaint", calendar) == date(2026, 7, 9)
    assert due_date(date(2026, 7, 1), "state_service_complaint", with_decree) == date(2026, 7, 10)
    # …and a working Saturday on 11 July brings one a day earlier.
    assert due_date(date(2026, 7, 8), "state_service_complaint", calendar) == date(2026, 7, 15)
    assert due_date(date(2026, 7, 8), "state_service_complaint", with_decree) == date(2026, 7, 14)


def test_forwarding_and_extension_notices_are_due_in_three_working_days(calendar):
    assert due_date(date(2026, 2, 12), "forwarding", calendar) == date(2026, 2, 17)
    assert due_date(date(2026, 2, 12), "extension_notice", calendar) == date(2026, 2, 17)


@pytest.mark.parametrize(
    ("registered_on", "last_day"),
    [
        # Thursday: Friday, (weekend), Monday, Tuesday.
        pytest.param(date(2026, 2, 12), date(2026, 2, 17), id="across a weekend"),
        # Friday 20 March 2026: the weekend, Nauryz (23rd) and its two moved days off (24th,
        # 25th), then Thursday, Friday, (weekend), Monday.
        pytest.param(date(2026, 3, 20), date(2026, 3, 30), id="across Nauryz"),
        # 31 Dec; 1–2 Jan holidays; 3–4 weekend; 5 and 6 Jan.
        pytest.param(date(2025, 12, 30), date(2026, 1, 6), id="across the New Year"),
    ],
)
def test_a_complaint_is_to_be_forwarded_within_three_working_days_of_registration(
    calendar, registered_on, last_day
):
    deadline = forwarding_deadline(registered_on, calendar)

    assert deadline.due_on == last_day
    assert deadline.basis.citation("ru") == (
        "статья 76 Административного процедурно-процессуального кодекса Республики Казахстан"
    )
    assert not deadline.passed(last_day)
    assert deadline.passed(last_day + timedelta(days=1))


def test_forwarding_late_is_counted_in_working_days_after_the_last_day(calendar):
    deadline = forwarding_deadline(date(2026, 3, 20), calendar)  # last day Monday 30 March

    assert deadline.working_days_late(date(2026, 3, 27), calendar) == 0
    assert deadline.working_days_late(date(2026, 3, 30), calendar) == 0
    assert deadline.working_days_late(date(2026, 3, 31), calendar) == 1
    # Saturday and Sunday add nothing: Friday 3 April and Monday 6 April are 4 and 5.
    assert deadline.working_days_late(date(2026, 4, 5), calendar) == 4
    assert deadline.working_days_late(date(2026, 4, 6), calendar) == 5


def test_the_forwarding_days_come_from_the_rules_table(tmp_path, calendar):
    path = tmp_path / "rules.yaml"
    path.write_text(
        DEFAULT_RULES_PATH.read_text(encoding="utf-8").replace(
            "  forwarding:\n    working_days: 3", "  forwarding:\n    working_days: 4"
        ),
        encoding="utf-8",
    )
    rules = load_deadline_rules(path)
    assert forwarding_deadline(date(2026, 2, 12), calendar, rules=rules).due_on == date(2026, 2, 18)


# Due status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due_on", "status"),
    [
        pytest.param(date(2026, 2, 12), date(2026, 2, 11), DueStatus.OVERDUE, id="a day late"),
        pytest.param(date(2026, 2, 11), date(2026, 2, 11), DueStatus.DUE_SOON, id="due today"),
        pytest.param(date(2026, 2, 10), date(2026, 2, 11), DueStatus.DUE_SOON, id="tomorrow"),
        pytest.param(date(2026, 2, 9), date(2026, 2, 11), DueStatus.LATER, id="three days"),
        pytest.param(date(2026, 2, 13), date(2026, 2, 16), DueStatus.DUE_SOON, id="Fri to Mon"),
        pytest.param(date(2026, 2, 12), date(2026, 2, 16), DueStatus.LATER, id="Thu to Mon"),
        pytest.param(date(2026, 2, 14), date(2026, 2, 17), DueStatus.DUE_SOON, id="Sat to Tue"),
        pytest.param(date(2025, 12, 31), date(2026, 1, 6), DueStatus.LATER, id="over New Year"),
        pytest.param(date(2026, 1, 1), date(2026, 1, 6), DueStatus.DUE_SOON, id="on New Year"),
    ],
)
def test_due_status_counts_the_working_days_left_including_today(calendar, today, due_on, status):
    assert due_status(due_on, today, calendar) is status


def test_due_status_has_kazakh_and_russian_words():
    assert due_status_label(DueStatus.OVERDUE, "ru") == "Срок истёк"
    assert due_status_label(DueStatus.OVERDUE, "kk") == "Мерзімі өтіп кетті"
    with pytest.raises(ValueError, match="unsupported language"):
        due_status_label(DueStatus.LATER, "en")


def test_the_due_soon_boundary_agrees_with_due_status_on_every_day_of_a_year():
    from datetime import date, timedelta

    from complaints.domain.calendar import WorkingCalendar
    from complaints.domain.deadlines import DueStatus, due_soon_until, due_status

    calendar = WorkingCalendar()
    for offset in range(366):
        today = date(2025, 1, 1) + timedelta(days=offset)
        until = due_soon_until(today, calendar)
        assert due_status(until, today, calendar) == DueStatus.DUE_SOON
        assert due_status(until + timedelta(days=1), today, calendar) == DueStatus.LATER
