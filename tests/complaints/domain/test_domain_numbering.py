"""Registration numbers: the canonical format, the forgiving parser, and what it refuses."""

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints.domain.numbering import (
    InvalidRegistrationNumber,
    RegistrationNumber,
    format_registration_number,
    parse_registration_number,
)

deterministic = settings(derandomize=True, database=None)

codes = st.from_regex(r"[A-Z]{2,6}", fullmatch=True)
years = st.integers(min_value=2000, max_value=2999)
sequences = st.integers(min_value=1, max_value=999_999)


def test_a_number_is_code_year_and_six_digit_sequence():
    assert format_registration_number("TRZ", 2026, 42) == "TRZ-2026-000042"
    assert str(RegistrationNumber("ALM", 2026, 999_999)) == "ALM-2026-999999"


def test_parsing_gives_the_parts():
    assert parse_registration_number("TRZ-2026-000042") == RegistrationNumber("TRZ", 2026, 42)


def test_a_parsed_number_cannot_be_changed():
    number = parse_registration_number("TRZ-2026-000042")
    with pytest.raises(dataclasses.FrozenInstanceError):
        number.sequence = 43


@deterministic
@given(codes, years, sequences)
def test_formatting_then_parsing_gives_the_same_number(code, year, sequence):
    text = format_registration_number(code, year, sequence)
    assert parse_registration_number(text) == RegistrationNumber(code, year, sequence)
    assert str(parse_registration_number(text)) == text


@pytest.mark.parametrize(
    "typed",
    [
        "  TRZ-2026-000042 ",
        "\tTRZ-2026-000042\n",
        "trz-2026-000042",
        "Trz-2026-000042",
        "TRZ–2026–000042",  # en dashes from a phone keyboard
        "TRZ—2026-000042",  # em dash
        "TRZ−2026‑000042",  # minus sign and non-breaking hyphen
        "\u00a0trz–2026–000042\u00a0",
        "TRZ-2026-000042\u200b",  # a zero-width space copied from a web page
        "\ufeffTRZ-2026\u200d-000042",  # a byte-order mark and a zero-width joiner
    ],
)
def test_parsing_forgives_spaces_case_and_typographic_dashes(typed):
    assert str(parse_registration_number(typed)) == "TRZ-2026-000042"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param("TRZ-2026-42", id="short sequence"),
        pytest.param("TRZ-2026-0000042", id="long sequence"),
        pytest.param("TRZ-2026-000000", id="sequence zero"),
        pytest.param("TRZ-26-000042", id="two-digit year"),
        pytest.param("TRZ-1999-000042", id="year before 2000"),
        pytest.param("TRZ-3000-000042", id="year after 2999"),
        pytest.param("T-2026-000042", id="one-letter code"),
        pytest.param("TARAZZ-2026-000042x", id="trailing junk"),
        pytest.param("TARAZKZ-2026-000042", id="seven-letter code"),
        pytest.param("TR1-2026-000042", id="digit in code"),
        pytest.param("ТРЗ-2026-000042", id="Cyrillic code"),
        pytest.param("ﬁX-2026-000042", id="ligature that upper-cases to Latin"),
        pytest.param("TRZ-２０２６-000042", id="full-width digits"),
        pytest.param("TRZ-2026-٠٠٠٠٤٢", id="Arabic-Indic digits"),
        pytest.param("TRZ2026000042", id="no dashes"),
        pytest.param("TRZ_2026_000042", id="underscores"),
        pytest.param("TRZ - 2026 - 000042", id="spaces inside"),
        pytest.param("TRZ-2026-000042-1", id="extra part"),
        pytest.param("TRZ-2026-+00042", id="sign in sequence"),
        pytest.param("'; DROP TABLE complaints;--", id="SQL"),
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(InvalidRegistrationNumber):
        parse_registration_number(text)


@pytest.mark.parametrize("value", [None, 42, b"TRZ-2026-000042"])
def test_a_value_that_is_not_text_is_refused(value):
    with pytest.raises(InvalidRegistrationNumber):
        parse_registration_number(value)


@pytest.mark.parametrize(
    ("code", "year", "sequence"),
    [
        ("trz", 2026, 1),
        ("T", 2026, 1),
        ("TARAZKZ", 2026, 1),
        ("TRZ", 1999, 1),
        ("TRZ", 3000, 1),
        ("TRZ", 2026, 0),
        ("TRZ", 2026, 1_000_000),
    ],
)
def test_formatting_refuses_parts_out_of_range(code, year, sequence):
    with pytest.raises(InvalidRegistrationNumber):
        format_registration_number(code, year, sequence)


def test_an_invalid_number_is_a_value_error():
    assert issubclass(InvalidRegistrationNumber, ValueError)


def test_numbers_sort_by_code_year_and_sequence():
    numbers = ["TRZ-2026-000010", "ALM-2027-000001", "TRZ-2025-000999", "TRZ-2026-000002"]
    ordered = sorted(parse_registration_number(text) for text in numbers)
    assert [str(number) for number in ordered] == [
        "ALM-2027-000001",
        "TRZ-2025-000999",
        "TRZ-2026-000002",
        "TRZ-2026-000010",
    ]
