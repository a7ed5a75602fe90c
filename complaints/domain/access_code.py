"""The access code that, with the registration number, lets an applicant track a complaint.

Registration numbers are sequential and so guessable; the code is the secret. It has 50
random bits (10 Crockford base32 symbols), is shown once on the receipt and is stored only as
an HMAC under the server secret: checking is one hash, and a leaked table is useless without
the secret. Crockford's alphabet has no I, L, O or U, so what people misread is forgiven.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from functools import lru_cache
from typing import Final

from cryptography.fernet import Fernet

from complaints.domain.numbering import DASHES, INVISIBLES

ALPHABET: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CODE_LENGTH: Final = 10  # 10 symbols × 5 bits = 50 bits
GROUP_SIZE: Final = 4
_CONFUSABLES: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Between the groups, or copied along with the code: spaces, and the dashes and invisible
# characters the registration number forgives, so the two fields accept the same.
_SEPARATORS = re.compile(f"[\\s\\-{DASHES}{INVISIBLES}]+")
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}", re.ASCII)


class InvalidAccessCode(ValueError):
    """The text cannot be an access code (wrong length or symbols)."""


def generate_access_code() -> str:
    """A new random code, grouped for reading off a receipt: `K7Q2-9XRM-3B`."""
    return format_access_code("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def format_access_code(code: str) -> str:
    """The code in groups of four, the way receipts show it."""
    compact = normalise_access_code(code)
    return "-".join(compact[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def normalise_access_code(text: str) -> str:
    """The code as stored: upper case, no spaces or dashes, O read as 0 and I/L as 1."""
    if not isinstance(text, str):
        raise InvalidAccessCode(f"expected text, not {type(text).__name__}")
    compact = _SEPARATORS.sub("", text)
    code = compact.upper().translate(_CONFUSABLES) if compact.isascii() else compact
    if not _CODE.fullmatch(code):
        raise InvalidAccessCode("an access code is 10 letters and digits")
    return code


def hash_access_code(code: str, secret: bytes) -> str:
    """HMAC-SHA256 (hex) of the normalised code under the server secret."""
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("the server secret must be non-empty bytes")
    message = normalise_access_code(code).encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def verify_access_code(code: str, stored_hash: str, secret: bytes) -> bool:
    """Whether `code` is the one behind `stored_hash`; a malformed code is simply wrong.

    Compared in constant time so the answer's timing does not reveal how close a guess was.
    """
    try:
        candidate = hash_access_code(code, secret)
    except InvalidAccessCode:
        return False
    return hmac.compare_digest(candidate, stored_hash)


def derive_access_code(submission_key: str, secret: bytes) -> str:
    """The code for one submission, derived from its secret key under the server secret.

    Deriving rather than drawing the code means a repeated submission of the same form
    (a double click, a refresh) shows the applicant the same code as the first one, without
    the plain code ever being stored.
    """
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("the server secret must be non-empty bytes")
    digest = hmac.new(secret, b"access-code:" + submission_key.encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * CODE_LENGTH)
    symbols = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH))]
    return format_access_code("".join(symbols))


def submission_digest(submission_key: str, secret: bytes) -> str:
    """What a complaint keeps of the key its form was sent with: an HMAC under the server
    secret. The key itself would be as good as the code in a leaked table, since the receipt's
    coupon form trades the key for the code."""
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("the server secret must be non-empty bytes")
    return hmac.new(secret, b"submission:" + submission_key.encode(), hashlib.sha256).hexdigest()


def seal_access_code(code: str, secret: bytes) -> str:
    """The code encrypted under a key derived from the server secret (Fernet: AES with an
    HMAC), for the receipt email while it waits to be sent: the queued email must carry the
    code, and the table it waits in must not."""
    return _sealer(secret).encrypt(code.encode("ascii")).decode("ascii")


def unseal_access_code(sealed: str, secret: bytes) -> str:
    """The code `seal_access_code` sealed; `cryptography.fernet.InvalidToken` if the secret
    has changed since or the text was altered."""
    return _sealer(secret).decrypt(sealed.encode("ascii")).decode("ascii")


@lru_cache(maxsize=4)
def _sealer(secret: bytes) -> Fernet:
    if not isinstance(secret, bytes) or not secret:
        raise ValueError("the server secret must be non-empty bytes")
    key = hmac.new(secret, b"access-code-seal", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))
