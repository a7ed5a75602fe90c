"""Incoming registration numbers: `<AKIMAT-CODE>-<YYYY>-<NNNNNN>`, e.g. `TRZ-2026-000042`.

The number is what an applicant reads off a receipt and types back into the tracking form,
so parsing forgives what people and phones do to it (surrounding spaces, lower case, a dash
turned into an en dash by autocorrect, an invisible character copied along) and refuses
everything else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MIN_YEAR: Final = 2000
MAX_YEAR: Final = 2999
MAX_SEQUENCE: Final = 999_999

_CODE = re.compile(r"[A-Z]{2,6}", re.ASCII)
_NUMBER = re.compile(r"([A-Z]{2,6})-([0-9]{4})-([0-9]{6})", re.ASCII)
# Hyphen look-alikes that keyboards and autocorrect put where the applicant typed "-":
# hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus sign.
DASHES: Final = "\u2010\u2011\u2012\u2013\u2014\u2212"
# Characters that show nothing but come along when a value is copied from a web page, an
# email or a messenger: zero-width space, non-joiner and joiner, word joiner, byte-order mark.
INVISIBLES: Final = "\u200b\u200c\u200d\u2060\ufeff"
_TYPED: Final = str.maketrans(dict.fromkeys(DASHES, "-") | dict.fromkeys(INVISIBLES))


class InvalidRegistrationNumber(ValueError):
    """The text is not a registration number (or its parts are out of range)."""


@dataclass(frozen=True, order=True)
class RegistrationNumber:
    """A parsed registration number; `str()` gives the canonical form."""

    code: str
    year: int
    sequence: int

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not _CODE.fullmatch(self.code):
            raise InvalidRegistrationNumber(
                f"akimat code must be 2 to 6 capital Latin letters, not {self.code!r}"
            )
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise InvalidRegistrationNumber(
                f"year must be between {MIN_YEAR} and {MAX_YEAR}, not {self.year}"
            )
        if not 1 <= self.sequence <= MAX_SEQUENCE:
            raise InvalidRegistrationNumber(
                f"sequence must be between 1 and {MAX_SEQUENCE}, not {self.sequence}"
            )

    def __str__(self) -> str:
        return f"{self.code}-{self.year:04d}-{self.sequence:06d}"


def format_registration_number(code: str, year: int, sequence: int) -> str:
    """The canonical text of a number; raises `InvalidRegistrationNumber` if out of range."""
    return str(RegistrationNumber(code, year, sequence))


def parse_registration_number(text: str) -> RegistrationNumber:
    """Read a number typed by a person; raises `InvalidRegistrationNumber` if it is not one."""
    if not isinstance(text, str):
        raise InvalidRegistrationNumber(f"expected text, not {type(text).__name__}")
    cleaned = text.translate(_TYPED).strip()
    # Upper-case only ASCII: str.upper() turns some other letters into Latin ones ("ﬁ" → "FI").
    match = _NUMBER.fullmatch(cleaned.upper()) if cleaned.isascii() else None
    if match is None:
        raise InvalidRegistrationNumber(f"not a registration number: {text!r}")
    code, year, sequence = match.groups()
    return RegistrationNumber(code, int(year), int(sequence))
