"""What every use case shares: its inputs and errors, the collaborators it is given, the
complaint's row lock, and the two records every change writes (an event in the history, and
the applicant's email queued in the same transaction)."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, make_transient_to_detached
from werkzeug.exceptions import ServiceUnavailable

from complaints.models import Complaint, ComplaintEvent, Notification, StaffUser

ModelT = TypeVar("ModelT")

log = logging.getLogger(__name__)

DEFAULT_DEADLINE_RULE = "state_service_complaint"
ONLINE_ACCEPTED_BY = "Qyzmet"


@dataclass(frozen=True)
class Applicant:
    name: str
    reply_channel: str
    iin: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class NewComplaint:
    """A complaint as submitted: already validated and normalised by the form."""

    akimat_id: str
    akimat_code: str
    channel: str
    language: str
    applicant: Applicant
    subject: str
    text: str
    submission_token: str
    service_id: str | None = None
    office_id: str | None = None


@dataclass(frozen=True)
class AttachmentFile:
    """A file whose type has been checked by content; `name` is already made safe."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class KeptFile:
    """A checked file kept for a form that came back with an error (`hold_files`); the form
    names it by `token`."""

    token: str
    name: str
    content_type: str
    size: int
    sha256: str
    stored_name: str
    # Already taken over by a complaint: only its digest is left, for the form sent again.
    filed: bool = False


@dataclass(frozen=True)
class Akimat:
    """An akimat a complaint is forwarded to. `serves` says whether a complaint to it can name
    an office (the form's rule, `directory.serves`): its own offices and those of its area."""

    id: str
    code: str
    serves: Callable[[str], bool]


class Messages(Protocol):
    """Renders the applicant's emails (subject, body) in the complaint's language."""

    def render(self, kind: str, complaint: Complaint, **context: Any) -> tuple[str, str]: ...

    def akimat_name(self, akimat_id: str, lang: str) -> str: ...

    def replaced_access_code(self, lang: str) -> str: ...


@dataclass
class Filed:
    complaint: Complaint
    access_code: str
    created: bool
    # The form's key, which the receipt's coupon form sends back; the complaint keeps only
    # its digest.
    submission_key: str


class ComplaintError(Exception):
    """A use case refused: the message key says why, for the page to put into words."""

    def __init__(self, reason: str, **details: Any) -> None:
        self.reason = reason
        self.details = details
        super().__init__(reason)


class StaleComplaint(ComplaintError):
    """Someone else changed the complaint since the page was loaded."""

    def __init__(self) -> None:
        super().__init__("stale")


def submission_key(
    new: NewComplaint, files: Sequence[AttachmentFile], kept: Sequence[KeptFile] = ()
) -> str:
    """The form's one-time token bound to what was submitted.

    The same form sent twice (double click, refresh) has the same key and gets the first
    receipt; the same form changed and sent again is a new complaint. A file kept from an
    earlier try counts by its content's digest, as a file sent now does, in the order the
    complaint lists them (kept ones first): after filing only the digest of a kept file is
    left, and the form sent again must still find the first receipt.
    """
    digest = hashlib.sha256()
    for part in (
        new.akimat_id,
        new.service_id or "",
        new.office_id or "",
        new.subject,
        new.text,
        new.applicant.name,
        new.applicant.iin or "",
        new.applicant.phone or "",
        new.applicant.email or "",
        new.applicant.address or "",
        new.applicant.reply_channel,
        *(k.sha256 for k in kept),
        *(hashlib.sha256(f.data).hexdigest() for f in files),
    ):
        digest.update(part.encode())
        digest.update(b"\x00")
    return f"{new.submission_token[:32]}:{digest.hexdigest()[:31]}"


class AttachmentsNotStored(ServiceUnavailable):
    """The attachments folder refused a file (full, read-only, gone): nothing was kept and no
    number taken. A 503 like a busy database: it passes once the operator frees the disk, so
    the visitor is told to send the form again later, not that the service is broken."""

    def __init__(self) -> None:
        super().__init__(retry_after=60)


def store_files(
    upload_root: Path, files: Sequence[AttachmentFile]
) -> list[tuple[AttachmentFile, str]]:
    """Write each file under a random name and flush it, and the folder, to disk before the
    row commits."""
    if not files:
        return []  # most complaints have none: no need to touch the folder
    stored: list[tuple[AttachmentFile, str]] = []
    # Every name opened, so that a file cut short by a full disk is removed too.
    opened: list[str] = []
    try:
        upload_root.mkdir(parents=True, exist_ok=True)
        for upload in files:
            name = secrets.token_hex(16)
            opened.append(name)
            path = upload_root / name
            with open(path, "xb") as handle:
                handle.write(upload.data)
                handle.flush()
                os.fsync(handle.fileno())
            stored.append((upload, name))
        # The files' names live in the folder: flushed too, or a power cut could keep a
        # committed complaint's rows and lose the names of its flushed files.
        folder = os.open(upload_root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as error:
        remove_files(upload_root, opened)
        log.error("attachments could not be written to %s: %s", upload_root, error)
        raise AttachmentsNotStored() from error
    return stored


RECORD_EVENT = insert(ComplaintEvent.__table__)


def remove_files(upload_root: Path, names: Sequence[str]) -> None:
    """Remove the files of a filing that was not saved. Called while another failure is on its
    way to the visitor: a file that cannot be removed is logged for the operator, not raised."""
    for name in names:
        try:
            (upload_root / name).unlink(missing_ok=True)
        except OSError as error:
            log.error("unsaved attachment %s could not be removed: %s", upload_root / name, error)


def append_event(complaint: Complaint, now: datetime, action: str, **what: Any) -> ComplaintEvent:
    """Append an event to the complaint's history; `what` as `event_values` takes it."""
    event = ComplaintEvent(**event_values(now, action, **what))
    complaint.events.append(event)
    return event


def event_values(
    now: datetime,
    action: str,
    *,
    actor: StaffUser | None = None,
    actor_kind: str | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
    note: str | None = None,
    public: bool = False,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "at": now,
        "actor_kind": actor_kind or ("staff" if actor else "applicant"),
        "staff_id": actor.id if actor else None,
        "actor_name": actor.full_name if actor else None,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "note": note,
        "public": public,
        "details": details or {},
    }


def as_persistent(session: Session, instance: ModelT, row_id: int) -> ModelT:
    """A row inserted by statement, as the persistent object it would load as, without a read.

    For the filing's hot path: the unit of work's bookkeeping for a new complaint, its event
    and its email cost more CPU than the rest of the transaction (1.6–2.0 ms against 0.6–0.8 ms
    for the statements). Attributes the instance was not given load on first use.
    """
    instance.id = row_id  # type: ignore[attr-defined]
    make_transient_to_detached(instance)
    session.add(instance)
    return instance


def email_recipient(complaint: Complaint) -> str | None:
    """Where the applicant's emails go, or None: only to one who asked for replies by email
    (the form says so), and so gave an address."""
    if complaint.reply_channel != "email" or not complaint.applicant_email:
        return None
    return complaint.applicant_email


def email_values(
    complaint: Complaint, kind: str, messages: Messages, now: datetime, **context: Any
) -> dict[str, Any] | None:
    """The queued email's row, or None when the applicant asked for no email."""
    if email_recipient(complaint) is None:
        return None
    subject, body = messages.render(kind, complaint, **context)
    return {
        "kind": kind,
        "recipient": complaint.applicant_email,
        "language": complaint.language,
        "subject": subject,
        "body": body,
        "sealed_access_code": None,
        "status": "pending",
        "attempts": 0,
        "created_at": now,
        "next_attempt_at": now,
    }


def notify(
    session: Session,
    complaint: Complaint,
    kind: str,
    messages: Messages,
    now: datetime,
    **context: Any,
) -> None:
    """Queue an email in the same transaction; delivery happens after commit and may retry."""
    email = email_values(complaint, kind, messages, now, **context)
    if email is not None:
        session.execute(QUEUE_EMAIL, {**email, "complaint_id": complaint.id})


QUEUE_EMAIL = insert(Notification.__table__)


# Where the receipt email's text has the access code until it is sent (`mail.build_message`
# puts the unsealed code there). Input cleaning removes control characters, so no text an
# applicant or a member of staff writes into the email can contain it.
ACCESS_CODE_MARK = "\x1faccess-code\x1f"


def lock_complaint(session: Session, complaint_id: int) -> Complaint:
    """The complaint, its row locked until the transaction ends (PostgreSQL)."""
    statement = select(Complaint).where(Complaint.id == complaint_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    complaint = session.execute(statement).scalar_one_or_none()
    if complaint is None:
        raise ComplaintError("not_found")
    return complaint


def load_for_update(session: Session, complaint_id: int, version: int) -> Complaint:
    """The complaint as the actor saw it, or StaleComplaint if it changed since."""
    complaint = lock_complaint(session, complaint_id)
    if complaint.version != version:
        raise StaleComplaint()
    return complaint


def utcnow() -> datetime:
    """The current time for entry points; rules receive it as `now`."""
    return datetime.now(UTC)
