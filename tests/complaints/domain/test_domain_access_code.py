"""Tracking access codes: random enough, forgiving to type, stored only as an HMAC."""

import hashlib
import hmac
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints.domain.access_code import (
    ALPHABET,
    CODE_LENGTH,
    InvalidAccessCode,
    format_access_code,
    generate_access_code,
    hash_access_code,
    normalise_access_code,
    verify_access_code,
)

deterministic = settings(derandomize=True, database=None)
SECRET = b"test-server-secret"
codes = st.text(alphabet=ALPHABET, min_size=CODE_LENGTH, max_size=CODE_LENGTH)


def test_a_code_carries_at_least_forty_random_bits():
    assert len(ALPHABET) == 32 and len(set(ALPHABET)) == 32
    assert CODE_LENGTH * 5 >= 40


def test_a_new_code_is_shown_in_groups_of_four():
    assert re.fullmatch(
        r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", generate_access_code()
    )


def test_new_codes_do_not_repeat():
    # 1,000 draws from 2**50: a repeat has a chance of about 4e-10.
    assert len({generate_access_code() for _ in range(1000)}) == 1000


def test_new_codes_use_every_symbol():
    symbols = set("".join(generate_access_code() for _ in range(500)).replace("-", ""))
    assert symbols == set(ALPHABET)


@pytest.mark.parametrize(
    "typed",
    ["K7Q2-9XRM-3B", "k7q2-9xrm-3b", " K7Q2 9XRM 3B ", "K7Q29XRM3B", "k7q2–9xrm–3b"],
)
def test_case_spaces_and_dashes_do_not_matter(typed):
    assert normalise_access_code(typed) == "K7Q29XRM3B"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("K7Q2\u22129XRM\u22123B", id="minus signs"),
        pytest.param("K7Q2\u20119XRM\u20123B", id="non-breaking hyphen and figure dash"),
        pytest.param("K7Q2-9XRM-3B\u200b", id="trailing zero-width space"),
        pytest.param("\ufeffK7Q2-9XRM-3B", id="leading byte-order mark"),
        pytest.param("K7Q2\u200d9XRM\u20603B", id="zero-width joiner and word joiner"),
    ],
)
def test_the_code_forgives_what_the_registration_number_forgives(typed):
    assert normalise_access_code(typed) == "K7Q29XRM3B"


def test_every_dash_and_invisible_character_the_number_forgives_the_code_forgives_too():
    from complaints.domain.numbering import DASHES, INVISIBLES, parse_registration_number

    for dash in DASHES:
        assert str(parse_registration_number(f"TRZ{dash}2026{dash}000042")) == "TRZ-2026-000042"
        assert normalise_access_code(f"K7Q2{dash}9XRM{dash}3B") == "K7Q29XRM3B"
    for invisible in INVISIBLES:
        assert str(parse_registration_number(f"TRZ-2026-000042{invisible}")) == "TRZ-2026-000042"
        assert normalise_access_code(f"K7Q2-9XRM-3B{invisible}") == "K7Q29XRM3B"


def test_letters_that_look_like_digits_are_read_as_digits():
    assert normalise_access_code("O1I0-LAAA-oi") == "0110" + "1AAA" + "01"


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param("", id="empty"),
        pytest.param("K7Q2-9XRM-3", id="nine symbols"),
        pytest.param("K7Q2-9XRM-3BB", id="eleven symbols"),
        pytest.param("K7Q2-9XRM-3U", id="U is not Crockford"),
        pytest.param("K7Q2-9XRM-3!", id="punctuation"),
        pytest.param("К7Q2-9XRM-3B", id="Cyrillic К"),
        pytest.param("K7Q2_9XRM_3B", id="underscores"),
    ],
)
def test_anything_else_is_not_a_code(typed):
    with pytest.raises(InvalidAccessCode):
        normalise_access_code(typed)


def test_the_stored_hash_is_an_hmac_sha256_of_the_normalised_code():
    expected = hmac.new(SECRET, b"K7Q29XRM3B", hashlib.sha256).hexdigest()
    assert hash_access_code("k7q2-9xrm-3b", SECRET) == expected


def test_the_hash_depends_on_the_server_secret():
    assert hash_access_code("K7Q2-9XRM-3B", b"one") != hash_access_code("K7Q2-9XRM-3B", b"two")


@pytest.mark.parametrize("secret", [b"", "text-secret", None])
def test_the_secret_must_be_non_empty_bytes(secret):
    with pytest.raises(ValueError, match="secret"):
        hash_access_code("K7Q2-9XRM-3B", secret)


def test_the_right_code_verifies_however_it_is_typed():
    stored = hash_access_code("K7Q2-9XRM-3B", SECRET)
    assert verify_access_code("k7q2 9xrm 3b", stored, SECRET)


def test_a_wrong_code_a_malformed_code_and_another_secret_do_not_verify():
    stored = hash_access_code("K7Q2-9XRM-3B", SECRET)
    assert not verify_access_code("K7Q2-9XRM-3C", stored, SECRET)
    assert not verify_access_code("not a code", stored, SECRET)
    assert not verify_access_code("", stored, SECRET)
    assert not verify_access_code("K7Q2-9XRM-3B", stored, b"another secret")


@deterministic
@given(codes)
def test_formatting_then_normalising_gives_the_code_back(code):
    shown = format_access_code(code)
    assert len(shown) == CODE_LENGTH + 2
    assert normalise_access_code(shown) == code
    assert verify_access_code(shown.lower(), hash_access_code(code, SECRET), SECRET)


def test_a_derived_code_is_stable_for_one_submission_and_differs_between_submissions():
    from complaints.domain.access_code import derive_access_code

    secret = b"server-secret"
    first = derive_access_code("token-1", secret)
    assert derive_access_code("token-1", secret) == first
    assert derive_access_code("token-2", secret) != first
    assert derive_access_code("token-1", b"other-secret") != first
    assert verify_access_code(first, hash_access_code(first, secret), secret)
