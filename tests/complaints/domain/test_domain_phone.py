"""Kazakh phone numbers in every usual spelling become one E.164 number."""

import pytest

from complaints.domain.phone import InvalidPhone, format_phone, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "+7 (701) 123-45-67",
        "8 701 123 45 67",
        "87011234567",
        "7011234567",
        "+77011234567",
        "77011234567",
        "8 (701) 123-45-67",
        "+7-701-123-45-67",
        " +7 701 1234567 ",
        "+7\u00a0701\u00a0123\u00a045\u00a067",
        "8–701–123–45–67",  # en dashes
    ],
)
def test_every_usual_spelling_of_a_mobile_number_is_normalised(typed):
    assert normalise_phone(typed) == "+77011234567"


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("8 (7172) 74-22-33", "+77172742233"),  # Astana landline
        ("8 727 250 00 00", "+77272500000"),  # Almaty landline
        ("+7 747 000 00 00", "+77470000000"),
        ("8 600 000 00 00", "+76000000000"),  # +7 6xx is Kazakhstan's too
    ],
)
def test_landlines_and_other_kazakh_ranges_are_accepted(typed, e164):
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("+7", id="code only"),
        pytest.param("701 123 45 6", id="nine digits"),
        pytest.param("8 701 123 45 678", id="twelve digits"),
        pytest.param("+7 701 123 45 678", id="plus and eleven national digits"),
        pytest.param("+8 701 123 45 67", id="plus eight"),
        pytest.param("+998 71 123 45 67", id="Uzbekistan"),
        pytest.param("+996 555 123 456", id="Kyrgyzstan"),
        pytest.param("+7 916 123 45 67", id="Russian mobile"),
        pytest.param("8 495 123 45 67", id="Moscow landline"),
        pytest.param("6 701 123 45 67", id="unknown prefix"),
        pytest.param("++7 701 123 45 67", id="two plus signs"),
        pytest.param("7 701 123 45 67 +", id="plus at the end"),
        pytest.param("+7 701 ABC 45 67", id="letters"),
        pytest.param("+7 701 123 45 67 ext 5", id="extension"),
        pytest.param("+7.701.123.45.67", id="dots"),
        pytest.param("+7 ７０１ 123 45 67", id="full-width digits"),
        pytest.param("<script>alert(1)</script>", id="script"),
    ],
)
def test_other_lengths_countries_and_characters_are_refused(typed):
    with pytest.raises(InvalidPhone):
        normalise_phone(typed)


@pytest.mark.parametrize("value", [None, 87011234567])
def test_a_value_that_is_not_text_is_refused(value):
    with pytest.raises(InvalidPhone):
        normalise_phone(value)


def test_an_invalid_phone_is_a_value_error():
    assert issubclass(InvalidPhone, ValueError)


def test_a_normalised_number_is_grouped_for_reading():
    assert format_phone("+77011234567") == "+7 701 123 45 67"
