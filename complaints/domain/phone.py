"""Kazakh phone numbers, stored the one way a gateway or a person can dial them: E.164.

Applicants write the same number many ways — `+7 (701) 123-45-67`, `8 701 123 45 67`,
`87011234567`, `7011234567` — and staff must find a complaint by it, so all of them become
`+77011234567`. Kazakhstan shares country code +7 with Russia; its numbers are the ones whose
ten national digits start with 6 or 7, so `+7 916 …` is refused as another country's.
"""

from __future__ import annotations

import re
from typing import Final

_SEPARATORS = re.compile(r"[\s\-()\u2010\u2011\u2012\u2013\u2014]+")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_KAZAKH_NATIONAL = re.compile(r"[67][0-9]{9}", re.ASCII)
NATIONAL_LENGTH: Final = 10


class InvalidPhone(ValueError):
    """Not a Kazakh phone number."""


def normalise_phone(text: str) -> str:
    """`+7XXXXXXXXXX` for any usual way of writing a Kazakh number; `InvalidPhone` otherwise."""
    if not isinstance(text, str):
        raise InvalidPhone(f"expected text, not {type(text).__name__}")
    compact = _SEPARATORS.sub("", text)
    has_plus = compact.startswith("+")
    digits = compact.removeprefix("+")
    if not _DIGITS.fullmatch(digits):
        raise InvalidPhone(f"not a phone number: {text!r}")
    if has_plus:
        national = digits[1:] if digits.startswith("7") and len(digits) == 11 else None
    elif len(digits) == 11 and digits[0] in "78":
        national = digits[1:]  # 8 is the trunk prefix dialled inside the country
    elif len(digits) == NATIONAL_LENGTH:
        national = digits
    else:
        national = None
    if national is None or not _KAZAKH_NATIONAL.fullmatch(national):
        raise InvalidPhone(f"not a Kazakh phone number: {text!r}")
    return f"+7{national}"


def format_phone(e164: str) -> str:
    """A normalised number grouped for reading: `+7 701 123 45 67`."""
    national = normalise_phone(e164)[2:]
    return f"+7 {national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
