"""Kazakhstan's individual identification number (IIN, ЖСН / ИИН): 12 digits.

Digits 1–6 are the birth date (YYMMDD), digit 7 gives the century and sex (1–2: 1800s,
3–4: 1900s, 5–6: 2000s; odd male, even female), digits 8–11 a serial number and digit 12 a
check digit. The IIN is optional on a complaint, but when given it must be one that can
exist, so a typo is caught while the applicant is still at the form. Nobody has an IIN before
they are born, so the birth date may not be after the day the IIN is checked on; that day is
passed in, as everywhere in the domain, never read from the clock here.

The official check digit has blind spots: the eleventh digit has weight 11 in the first pass,
so changing it alone goes unnoticed whenever the first pass decides; and a changed digit that
moves the sum to or from the second pass can land on the same check digit. The birth date
check catches some of what the checksum misses; nothing here can catch the rest.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

IIN_LENGTH: Final = 12
_FIRST_PASS_WEIGHTS: Final = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_SECOND_PASS_WEIGHTS: Final = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_CENTURY_BY_DIGIT: Final = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}
_TWELVE_DIGITS = re.compile(r"[0-9]{12}", re.ASCII)
_SPACES = re.compile(r"\s+")


def normalise_iin(text: str) -> str:
    """The IIN as typed, without the spaces people put between digit groups."""
    return _SPACES.sub("", text)


def iin_check_digit(first_eleven: str) -> int | None:
    """The check digit for the first eleven digits, or None when no valid IIN starts so.

    The weighted sum mod 11 is the check digit; if it is 10 the sum is taken again with the
    second weights, and if that is 10 too, no IIN is issued with these digits.
    """
    if (
        len(first_eleven) != IIN_LENGTH - 1
        or not first_eleven.isascii()
        or not first_eleven.isdigit()
    ):
        raise ValueError(f"expected eleven digits, not {first_eleven!r}")
    digits = [int(digit) for digit in first_eleven]
    for weights in (_FIRST_PASS_WEIGHTS, _SECOND_PASS_WEIGHTS):
        check = sum(weight * digit for weight, digit in zip(weights, digits, strict=True)) % 11
        if check != 10:
            return check
    return None


def iin_birth_date(iin: str) -> date | None:
    """The birth date coded in the IIN, or None if digits 1–7 code no real date."""
    century = _CENTURY_BY_DIGIT.get(int(iin[6]))
    if century is None:
        return None
    try:
        return date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        return None


def is_valid_iin(text: str, *, on: date) -> bool:
    """Whether `text` (spaces allowed) is an IIN that can exist on the day `on`: digits,
    a birth date no later than that day, and the checksum."""
    if not isinstance(text, str):
        return False
    iin = normalise_iin(text)
    if not _TWELVE_DIGITS.fullmatch(iin):
        return False
    born = iin_birth_date(iin)
    if born is None or born > on:
        return False
    return iin_check_digit(iin[:11]) == int(iin[11])
