"""IIN validation: the official check digit and a birth date that can exist."""

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from complaints.domain.iin import iin_birth_date, iin_check_digit, is_valid_iin, normalise_iin

deterministic = settings(derandomize=True, database=None)

# Worked by hand: 9·1 + 1·4 + 1·6 + 3·7 + 1·10 + 2·11 = 72; 72 mod 11 = 6.
FIRST_PASS_IIN = "900101300126"
# 90010130081: first pass 131 mod 11 = 10; second pass (3..11, 1, 2) 78 mod 11 = 1.
SECOND_PASS_IIN = "900101300811"
# 90010130080: first pass 120 mod 11 = 10, second pass 76 mod 11 = 10 — never issued.
NO_CHECK_DIGIT = "90010130080"
# A day after every birth date an IIN can code (the last is 31.12.2099), for the checks that
# are about the digits, not the date.
LATER = date(2100, 1, 1)


def test_an_iin_checked_by_the_first_weights_is_valid():
    assert iin_check_digit(FIRST_PASS_IIN[:11]) == 6
    assert is_valid_iin(FIRST_PASS_IIN, on=LATER)


def test_when_the_first_sum_gives_ten_the_second_weights_decide():
    assert iin_check_digit(SECOND_PASS_IIN[:11]) == 1
    assert is_valid_iin(SECOND_PASS_IIN, on=LATER)


def test_when_both_sums_give_ten_no_iin_exists():
    assert iin_check_digit(NO_CHECK_DIGIT) is None
    assert not any(is_valid_iin(NO_CHECK_DIGIT + str(digit), on=LATER) for digit in range(10))


def test_spaces_between_digit_groups_are_ignored():
    assert normalise_iin(" 900101 300 126 ") == FIRST_PASS_IIN
    assert normalise_iin("900101\u00a0300126") == FIRST_PASS_IIN
    assert is_valid_iin("900101 300126", on=LATER)


def test_the_birth_date_and_century_come_from_the_first_seven_digits():
    assert iin_birth_date(FIRST_PASS_IIN) == date(1990, 1, 1)
    assert iin_birth_date("020514600000") == date(2002, 5, 14)
    assert iin_birth_date("991231200000") == date(1899, 12, 31)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("90010130012", id="eleven digits"),
        pytest.param("9001013001266", id="thirteen digits"),
        pytest.param("90010130012A", id="a letter"),
        pytest.param("900101-300126", id="a dash"),
        pytest.param("９００１０１３００１２６", id="full-width digits"),
        pytest.param("900101300127", id="wrong check digit"),
        pytest.param("900230300120", id="30 February"),
        pytest.param("901301300120", id="month 13"),
        pytest.param("900101000120", id="century digit 0"),
        pytest.param("900101700120", id="century digit 7"),
    ],
)
def test_anything_that_cannot_be_an_iin_is_invalid(text):
    assert not is_valid_iin(text, on=LATER)


def test_an_iin_whose_birth_date_is_after_the_day_it_is_checked_on_is_invalid():
    # The checksums are right; 2099-12-31 and 2026-12-31 were still ahead on 22.11.2026.
    today = date(2026, 11, 22)
    assert not is_valid_iin("991231500125", on=today)
    assert not is_valid_iin("261231500123", on=today)
    assert is_valid_iin(FIRST_PASS_IIN, on=today)


def test_an_iin_born_on_the_day_it_is_checked_on_is_valid():
    assert is_valid_iin("261231500123", on=date(2026, 12, 31))


@pytest.mark.parametrize("value", [None, 900101300126, b"900101300126"])
def test_a_value_that_is_not_text_is_invalid(value):
    assert not is_valid_iin(value, on=LATER)


def test_the_check_digit_needs_exactly_eleven_digits():
    with pytest.raises(ValueError, match="eleven digits"):
        iin_check_digit("9001013001")


eleven_digits = st.text(alphabet="0123456789", min_size=11, max_size=11)


@st.composite
def plausible_first_eleven(draw):
    """Eleven digits whose first seven code a real birth date."""
    born = draw(st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31)))
    century_digits = {18: "12", 19: "34", 20: "56"}[born.year // 100]
    sex_digit = draw(st.sampled_from(century_digits))
    serial = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    return f"{born:%y%m%d}{sex_digit}{serial}"


@deterministic
@given(eleven_digits)
def test_any_eleven_digits_completed_with_their_check_digit_validate_unless_impossible(first):
    check = iin_check_digit(first)
    if check is None:
        assert not any(is_valid_iin(first + str(digit), on=LATER) for digit in range(10))
    else:
        assert is_valid_iin(first + str(check), on=LATER) is (
            iin_birth_date(first + "0") is not None
        )


@deterministic
@given(plausible_first_eleven())
def test_a_plausible_number_completed_with_its_check_digit_is_valid(first):
    check = iin_check_digit(first)
    assume(check is not None)
    assert is_valid_iin(first + str(check), on=LATER)


def _first_pass_sum(first_eleven: str) -> int:
    return sum(weight * int(digit) for weight, digit in enumerate(first_eleven, start=1)) % 11


@deterministic
@given(plausible_first_eleven())
def test_changing_one_of_the_first_ten_digits_invalidates_when_the_first_weights_decide(first):
    """Weights 1–10 are all prime to 11, so any changed digit changes the first sum."""
    check = iin_check_digit(first)
    assume(check is not None and _first_pass_sum(first) != 10)
    for position in range(10):
        for digit in "0123456789".replace(first[position], ""):
            changed = first[:position] + digit + first[position + 1 :]
            if _first_pass_sum(changed) != 10:
                assert not is_valid_iin(changed + str(check), on=LATER), changed


@deterministic
@given(plausible_first_eleven())
def test_changing_the_check_digit_always_invalidates(first):
    check = iin_check_digit(first)
    assume(check is not None)
    assert all(
        not is_valid_iin(first + str(digit), on=LATER) for digit in range(10) if digit != check
    )


def test_the_official_checksum_misses_a_change_in_the_eleventh_digit():
    """Weight 11 is 0 mod 11: a known blind spot of the official algorithm, kept as it is."""
    changed = FIRST_PASS_IIN[:10] + "5" + FIRST_PASS_IIN[11]
    assert changed == "900101300156"
    assert is_valid_iin(FIRST_PASS_IIN, on=LATER) and is_valid_iin(changed, on=LATER)


def test_the_official_checksum_misses_a_change_that_switches_to_the_second_weights():
    # 900101300811 (second pass gives 1) and 900101330811 (first pass: 155 mod 11 = 1) differ
    # only in the eighth digit.
    changed = "900101330811"
    assert _first_pass_sum(changed[:11]) == 1
    assert is_valid_iin(SECOND_PASS_IIN, on=LATER) and is_valid_iin(changed, on=LATER)
