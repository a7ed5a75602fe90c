"""Check what an applicant attaches: how many, how large, and what the bytes really are.

The type comes from the content (magic numbers), never from the file name or the browser's
claim, so an executable renamed `.pdf` is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import puremagic

from complaints.services import AttachmentFile

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}

_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class AttachmentProblem:
    """Why a file was refused: `reason` picks the message, `name` is the file as sent."""

    reason: str  # too_many | too_large | wrong_type | empty
    name: str


def safe_name(filename: str | None, extension: str) -> str:
    """A display name without any path, control or shell characters, keeping Cyrillic letters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:80] or "file"
    return f"{stem}.{extension}"


def detect_type(data: bytes) -> str | None:
    try:
        mime = puremagic.from_string(data[:4096], mime=True)
    except puremagic.PureError:
        return None
    return mime if mime in ALLOWED_TYPES else None


def check_uploads(
    uploads: Iterable[tuple[str | None, bytes]],
) -> tuple[list[AttachmentFile], list[AttachmentProblem]]:
    """Accept or refuse each (filename, bytes); the caller stores nothing if any is refused."""
    accepted: list[AttachmentFile] = []
    problems: list[AttachmentProblem] = []
    files = [(name, data) for name, data in uploads if name or data]
    if len(files) > MAX_FILES:
        problems.append(AttachmentProblem("too_many", ""))
    for name, data in files:
        shown = (name or "").replace("\\", "/").rsplit("/", 1)[-1][:80]
        if not data:
            problems.append(AttachmentProblem("empty", shown))
            continue
        if len(data) > MAX_BYTES:
            problems.append(AttachmentProblem("too_large", shown))
            continue
        mime = detect_type(data)
        if mime is None:
            problems.append(AttachmentProblem("wrong_type", shown))
            continue
        accepted.append(AttachmentFile(safe_name(name, ALLOWED_TYPES[mime]), mime, data))
    return accepted, problems
