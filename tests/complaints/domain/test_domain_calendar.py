"""Kazakhstan's working days: holidays, moved days off, decrees from the data file."""

from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints.domain import calendar as calendar_module
from complaints.domain.calendar import (
    DEFAULT_TRANSFERS_PATH,
    DayTransferFileError,
    TransferKind,
    WorkingCalendar,
    load_day_transfers,
)

deterministic = settings(derandomize=True, database=None)

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


@pytest.fixture
def decree_calendar(tmp_path):
    path = tmp_path / "transfers.yaml"
    path.write_text(TEST_DECREE, encoding="utf-8")
    return WorkingCalendar(path)


def test_weekdays_work_and_weekends_rest(calendar):
    assert calendar.is_working_day(date(2026, 2, 11))  # Wednesday
    assert not calendar.is_working_day(date(2026, 2, 14))  # Saturday
    assert not calendar.is_working_day(date(2026, 2, 15))  # Sunday


@pytest.mark.parametrize(
    "holiday",
    [
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 7),  # Orthodox Christmas
        date(2026, 3, 23),  # Nauryz
        date(2026, 5, 1),
        date(2026, 5, 7),
        date(2026, 7, 6),  # Capital Day
        date(2025, 12, 16),  # Independence Day, a Tuesday
        date(2026, 12, 16),  # Independence Day, a Wednesday
        date(2025, 6, 6),  # first day of Kurban ait
    ],
)
def test_public_holidays_are_not_worked(calendar, holiday):
    assert not calendar.is_working_day(holiday)


@pytest.mark.parametrize(
    "moved_day_off",
    [date(2026, 3, 9), date(2026, 3, 24), date(2026, 3, 25), date(2026, 5, 11), date(2026, 10, 26)],
)
def test_a_holiday_on_a_weekend_moves_to_the_next_working_day(calendar, moved_day_off):
    """The 2026 moves published on egov.kz (Labour Code art. 85 p. 3) — no decree needed."""
    assert not calendar.is_working_day(moved_day_off)


def test_transfers_from_past_decrees_come_from_the_holidays_package(calendar):
    # 2025: the day off moved from Sunday 5 January to Friday 3 January.
    assert not calendar.is_working_day(date(2025, 1, 3))
    assert calendar.is_working_day(date(2025, 1, 5))
    # 2024: from Saturday 4 May to Wednesday 8 May.
    assert calendar.is_working_day(date(2024, 5, 4))
    assert not calendar.is_working_day(date(2024, 5, 8))
    # 2014's decree made Saturday 28 December 2013 a working day (a transfer across years).
    assert calendar.is_working_day(date(2013, 12, 28))
    assert not calendar.is_working_day(date(2014, 1, 3))


def test_a_decree_in_the_data_file_adds_a_day_off_and_a_working_saturday(decree_calendar):
    assert not decree_calendar.is_working_day(date(2026, 7, 3))
    assert decree_calendar.is_working_day(date(2026, 7, 11))
    assert decree_calendar.transfers[date(2026, 7, 3)].kind is TransferKind.DAY_OFF
    assert decree_calendar.transfers[date(2026, 7, 3)].decree.number == "TEST-1"


def test_a_decree_entry_wins_over_the_holidays_package(tmp_path):
    path = tmp_path / "transfers.yaml"
    path.write_text(
        """
decrees:
  - number: "TEST-2"
    date: 2024-12-01
    title: "Test decree"
    days:
      - {date: 2025-01-05, kind: day_off}
      - {date: 2025-01-03, kind: working_day}
""",
        encoding="utf-8",
    )
    overridden = WorkingCalendar(path)
    assert overridden.is_working_day(date(2025, 1, 3))
    assert not overridden.is_working_day(date(2025, 1, 5))


def test_the_next_working_day_of_a_working_day_is_that_day(calendar):
    assert calendar.next_working_day(date(2026, 2, 11)) == date(2026, 2, 11)


def test_the_next_working_day_skips_new_year_and_the_weekend(calendar):
    assert calendar.next_working_day(date(2025, 12, 31)) == date(2025, 12, 31)
    assert calendar.next_working_day(date(2026, 1, 1)) == date(2026, 1, 5)


def test_adding_working_days_does_not_count_the_start_day(calendar):
    assert calendar.add_working_days(date(2026, 2, 9), 1) == date(2026, 2, 10)
    assert calendar.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 16)  # Fri → Mon
    assert calendar.add_working_days(date(2026, 2, 14), 1) == date(2026, 2, 16)  # Sat → Mon


def test_adding_zero_working_days_changes_nothing(calendar):
    assert calendar.add_working_days(date(2026, 2, 14), 0) == date(2026, 2, 14)


def test_adding_a_negative_number_of_working_days_is_refused(calendar):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(date(2026, 2, 9), -1)


def test_adding_working_days_crosses_the_year_and_its_holidays(calendar):
    # 30, 31 Dec; 1–2 Jan holidays, 3–4 weekend; 5, 6 Jan; 7 Jan Christmas; 8 Jan.
    assert calendar.add_working_days(date(2025, 12, 29), 5) == date(2026, 1, 8)


def test_working_days_between_counts_after_the_start_up_to_the_end(calendar):
    assert calendar.working_days_between(date(2026, 2, 9), date(2026, 2, 9)) == 0
    assert calendar.working_days_between(date(2026, 2, 9), date(2026, 2, 16)) == 5
    assert calendar.working_days_between(date(2026, 2, 16), date(2026, 2, 9)) == -5
    assert calendar.working_days_between(date(2025, 12, 31), date(2026, 1, 7)) == 2


@deterministic
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)),
    count=st.integers(min_value=0, max_value=40),
)
def test_working_days_between_undoes_adding_working_days(calendar, start, count):
    end = calendar.add_working_days(start, count)
    assert calendar.working_days_between(start, end) == count
    assert count == 0 or calendar.is_working_day(end)


@pytest.mark.parametrize("method", ["is_working_day", "next_working_day", "holiday_name"])
def test_a_datetime_is_refused_because_its_day_depends_on_the_time_zone(calendar, method):
    arguments = ("kk",) if method == "holiday_name" else ()
    with pytest.raises(TypeError):
        getattr(calendar, method)(datetime(2026, 2, 9, 12), *arguments)


def test_holiday_names_in_kazakh_and_russian(calendar):
    assert calendar.holiday_name(date(2025, 12, 16), "kk") == "Тәуелсіздік күні"
    assert calendar.holiday_name(date(2025, 12, 16), "ru") == "День Независимости"
    assert calendar.holiday_name(date(2026, 1, 7), "ru") == "Православное Рождество"
    assert calendar.holiday_name(date(2026, 3, 9), "ru") == (
        "Международный женский день (перенесённый выходной день)"
    )
    assert calendar.holiday_name(date(2025, 1, 3), "ru") == "Выходной день (перенесён с 05.01.2025)"


def test_ordinary_days_have_no_holiday_name(calendar):
    assert calendar.holiday_name(date(2026, 2, 11), "ru") is None  # a working Wednesday
    assert calendar.holiday_name(date(2026, 2, 14), "ru") is None  # an ordinary Saturday
    assert calendar.holiday_name(date(2025, 1, 5), "kk") is None  # a working Sunday


def test_a_decree_day_off_is_named_after_its_decree(decree_calendar):
    assert "TEST-1" in decree_calendar.holiday_name(date(2026, 7, 3), "ru")
    assert "TEST-1" in decree_calendar.holiday_name(date(2026, 7, 3), "kk")


def test_holiday_names_only_in_kazakh_or_russian(calendar):
    with pytest.raises(ValueError, match="unsupported language"):
        calendar.holiday_name(date(2025, 12, 16), "en")


def test_each_year_is_computed_once(monkeypatch):
    calls = []
    real = calendar_module.holidays.country_holidays

    def counting(*args, **kwargs):
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(calendar_module.holidays, "country_holidays", counting)
    fresh = WorkingCalendar()
    fresh.add_working_days(date(2026, 1, 5), 100)
    fresh.add_working_days(date(2026, 1, 5), 100)
    fresh.is_working_day(date(2027, 1, 1))
    assert calls == [2026, 2027]


def test_the_packaged_decree_file_is_valid():
    transfers = load_day_transfers(DEFAULT_TRANSFERS_PATH)
    for day, transfer in transfers.items():
        assert transfer.day == day
        assert transfer.decree.number and transfer.decree.title


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "transfers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_decree_file_means_no_extra_transfers(tmp_path):
    assert load_day_transfers(write(tmp_path, "decrees: []\n")) == {}
    assert load_day_transfers(write(tmp_path, "# nothing yet\n")) == {}


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("- 2026-01-01\n", "mapping"),
        ("holidays: []\n", "top-level"),
        ("decrees: {}\n", "decrees: must be a list"),
        (
            'decrees: [{date: 2026-01-01, title: "T", days: [{date: 2026-01-02, kind: day_off}]}]',
            "decrees[0].number",
        ),
        ('decrees: [{number: "1", date: 2026-01-01, title: "T"}]', "decrees[0].days"),
        (
            'decrees: [{number: "1", date: 2026-01-01, title: "T", signed: 1,'
            " days: [{date: 2026-01-02, kind: day_off}]}]",
            "unknown keys",
        ),
        (
            'decrees: [{number: "1", date: 2026-01-01, title: "T",'
            " days: [{date: 2026-01-02, kind: holiday}]}]",
            "decrees[0].days[0].kind",
        ),
        (
            'decrees: [{number: "1", date: 2026-01-01, title: "T",'
            " days: [{date: 2026-02-30, kind: day_off}]}]",
            "decrees[0].days[0].date",
        ),
        (
            'decrees: [{number: "1", date: 2026-01-01, title: "T", days: [{date: 2026-01-02}]}]',
            "decrees[0].days[0]",
        ),
        (
            'decrees: [{number: "1", date: 2026-01-01, title: "T",'
            " days: [{date: 2026-01-02, kind: day_off}]},"
            ' {number: "2", date: 2026-01-01, title: "T",'
            " days: [{date: 2026-01-02, kind: working_day}]}]",
            "already listed",
        ),
        ("decrees: [\n", "cannot read"),
    ],
)
def test_a_malformed_decree_file_is_refused_with_the_place_named(tmp_path, text, where):
    path = write(tmp_path, text)
    with pytest.raises(DayTransferFileError) as refusal:
        WorkingCalendar(path)
    assert str(path) in str(refusal.value)
    assert where in str(refusal.value)


def test_a_missing_decree_file_is_refused(tmp_path):
    with pytest.raises(DayTransferFileError, match="cannot read"):
        WorkingCalendar(tmp_path / "absent.yaml")
