"""Use cases of the complaint tracker. The only module that commits.

Each function takes primitives (or small frozen dataclasses), the session, the time `now` and
the collaborators it needs (calendar, secret, message renderer); none reads the clock, the
request or the configuration itself, so every rule can be tested at any date.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import ServiceUnavailable

from complaints.domain.access_code import (
    derive_access_code,
    hash_access_code,
    seal_access_code,
    submission_digest,
    verify_access_code,
)
from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import (
    due_date,
    forwarding_deadline,
    in_almaty,
    registration_date,
)
from complaints.domain.numbering import (
    InvalidRegistrationNumber,
    format_registration_number,
    parse_registration_number,
)
from complaints.domain.workflow import (
    OUTCOME_LABELS,
    Action,
    InvalidActionDetails,
    Outcome,
    Role,
    State,
    TransitionNotAllowed,
    check_action_details,
    is_open,
    is_public_by_default,
    next_state,
)
from complaints.models import (
    Attachment,
    Complaint,
    ComplaintEvent,
    HeldFile,
    KeptForm,
    Notification,
    RegistrationCounter,
    StaffUser,
    SurveyResponse,
)
from qyzmet.database import write_transaction

ModelT = TypeVar("ModelT")

log = logging.getLogger(__name__)

DEFAULT_DEADLINE_RULE = "state_service_complaint"
ONLINE_ACCEPTED_BY = "Qyzmet"


# --------------------------------------------------------------------------------------------
# Inputs and ports


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


# --------------------------------------------------------------------------------------------
# Filing


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


# Statements every filing runs, built once (building one costs more than running it).
# Only the id: almost every filing finds nothing, and a whole entity's SELECT costs its
# column list (38 columns described by the driver) even for no row.
_SUBMITTED_ID = select(Complaint.id).where(Complaint.submission_token == bindparam("key"))
_TAKE_NUMBER = (
    update(RegistrationCounter)
    .where(
        RegistrationCounter.akimat_code == bindparam("counter_akimat"),
        RegistrationCounter.year == bindparam("counter_year"),
    )
    .values(last_sequence=RegistrationCounter.last_sequence + 1)
    .returning(RegistrationCounter.last_sequence)
    # Counters are only ever written by statements, never loaded as objects to keep in step.
    .execution_options(synchronize_session=False)
)


def _already_filed(session: Session, digest: str) -> Complaint | None:
    """The complaint a form with this submission key (its digest) already created, if any."""
    complaint_id = session.execute(_SUBMITTED_ID, {"key": digest}).scalar_one_or_none()
    return None if complaint_id is None else session.get(Complaint, complaint_id)


def find_by_submission_key(session: Session, key: str, secret: bytes) -> Complaint | None:
    """The complaint a receipt's coupon form names by its submission key."""
    return _already_filed(session, submission_digest(key, secret))


def _next_sequence(session: Session, akimat_code: str, year: int) -> int:
    """Take the next number of the akimat's year, inside the caller's write transaction.

    The UPDATE locks the counter row on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
    the database's write lock. A rollback returns the number, so the sequence stays gapless.
    """
    counter = {"counter_akimat": akimat_code, "counter_year": year}
    sequence = session.connection().execute(_TAKE_NUMBER, counter).scalar_one_or_none()
    if sequence is not None:
        return sequence
    dialect = session.get_bind().dialect.name
    values = {"akimat_code": akimat_code, "year": year, "last_sequence": 0}
    if dialect == "postgresql":
        session.execute(
            postgresql.insert(RegistrationCounter).values(values).on_conflict_do_nothing()
        )
    elif dialect == "sqlite":
        session.execute(sqlite.insert(RegistrationCounter).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - we ship SQLite and PostgreSQL only
        session.execute(insert(RegistrationCounter).values(values))
    return session.execute(_TAKE_NUMBER, counter).scalar_one()


class AttachmentsNotStored(ServiceUnavailable):
    """The attachments folder refused a file (full, read-only, gone): nothing was kept and no
    number taken. A 503 like a busy database: it passes once the operator frees the disk, so
    the visitor is told to send the form again later, not that the service is broken."""

    def __init__(self) -> None:
        super().__init__(retry_after=60)


def _store_files(
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
        _remove_files(upload_root, opened)
        log.error("attachments could not be written to %s: %s", upload_root, error)
        raise AttachmentsNotStored() from error
    return stored


def _attach(
    complaint: Complaint, stored: Sequence[tuple[AttachmentFile, str]], now: datetime
) -> None:
    """Record files already written to disk (`_store_files`) as the complaint's attachments."""
    for values in _attachment_values(stored, now):
        complaint.attachments.append(Attachment(**values))


def _attachment_values(
    stored: Sequence[tuple[AttachmentFile, str]], now: datetime
) -> list[dict[str, Any]]:
    return [
        {
            "original_name": upload.name,
            "stored_name": name,
            "content_type": upload.content_type,
            "size": len(upload.data),
            "sha256": hashlib.sha256(upload.data).hexdigest(),
            "uploaded_at": now,
        }
        for upload, name in stored
    ]


_RECORD_EVENT = insert(ComplaintEvent.__table__)


def _remove_files(upload_root: Path, names: Sequence[str]) -> None:
    """Remove the files of a filing that was not saved. Called while another failure is on its
    way to the visitor: a file that cannot be removed is logged for the operator, not raised."""
    for name in names:
        try:
            (upload_root / name).unlink(missing_ok=True)
        except OSError as error:
            log.error("unsaved attachment %s could not be removed: %s", upload_root / name, error)


# The folded copies' column length (both are as long as the text they copy).
FOLDED_LENGTH = min(
    Complaint.__table__.c[name].type.length for name in ("applicant_name_folded", "subject_folded")
)


def folded(text: str) -> str:
    """The case-folded copy the staff search matches, cut to its column's length (200).

    casefold() can lengthen text ("ß" -> "ss", "ﬁ" -> "fi"), and PostgreSQL refuses a value
    longer than the column. Cutting is safe for search: Kazakh and Russian letters fold one
    to one, so only a 200-character text with such letters loses a few folded characters at
    its very end, and it is still found by everything before them; the original is kept whole.
    """
    return text.casefold()[:FOLDED_LENGTH]


def _event(complaint: Complaint, now: datetime, action: str, **what: Any) -> ComplaintEvent:
    """Append an event to the complaint's history; `what` as `_event_values` takes it."""
    event = ComplaintEvent(**_event_values(now, action, **what))
    complaint.events.append(event)
    return event


def _event_values(
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


def _as_persistent(session: Session, instance: ModelT, row_id: int) -> ModelT:
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


def _email_values(
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


def _notify(
    session: Session,
    complaint: Complaint,
    kind: str,
    messages: Messages,
    now: datetime,
    **context: Any,
) -> None:
    """Queue an email in the same transaction; delivery happens after commit and may retry."""
    email = _email_values(complaint, kind, messages, now, **context)
    if email is not None:
        session.execute(_QUEUE_EMAIL, {**email, "complaint_id": complaint.id})


_QUEUE_EMAIL = insert(Notification.__table__)


def file_complaint(
    session: Session,
    new: NewComplaint,
    files: Sequence[AttachmentFile],
    *,
    now: datetime,
    calendar: WorkingCalendar,
    secret: bytes,
    upload_root: Path,
    messages: Messages,
    accepted_by: StaffUser | None = None,
    received_at: datetime | None = None,
    deadline_rule: str = DEFAULT_DEADLINE_RULE,
    forwarded_from: Complaint | None = None,
    kept: Sequence[KeptFile] = (),
    kept_root: Path | None = None,
) -> Filed:
    """Register a complaint and give it its number, at once and exactly once.

    `received_at` is when the akimat received it (a registrar may register a letter that
    arrived earlier); it defaults to `now`. `kept` are files held from an earlier try of the
    same form (`hold_files`, in `kept_root`): they become attachments as the files sent now
    do, before them, and are no longer held once the complaint commits. Raises
    ComplaintError("kept_file_gone") when one of them is no longer there to take.
    """
    key = submission_key(new, files, kept)
    access_code = derive_access_code(key, secret)
    digest = submission_digest(key, secret)
    if files or kept:
        # A resubmitted form would otherwise write its files again only to remove them; and
        # a kept file, once filed, is only a digest that cannot be written again.
        existing = _already_filed(session, digest)
        if existing is not None:
            return Filed(existing, access_code, created=False, submission_key=key)
    if kept:
        if kept_root is None:  # pragma: no cover - a caller's mistake
            raise ValueError("kept files need the folder they are kept in")
        files = [*_read_kept(kept_root, kept), *files]

    received_at = received_at or now
    registered_on = registration_date(received_at, calendar)
    year = registered_on.year
    applicant = new.applicant
    # Everything but the number is settled before the write lock, which on SQLite is the whole
    # database's: under it run only the statements. The email is rendered now too, with a
    # stand-in for the number, swapped in once the number is taken.
    values: dict[str, Any] = {
        "registration_number": _NUMBER_TO_COME,
        "akimat_id": new.akimat_id,
        "akimat_code": new.akimat_code,
        "year": year,
        "sequence": 0,
        "service_id": new.service_id,
        "office_id": new.office_id,
        "channel": new.channel,
        "language": new.language,
        "applicant_name": applicant.name,
        "applicant_name_folded": folded(applicant.name),
        "applicant_iin": applicant.iin,
        "applicant_phone": applicant.phone,
        "applicant_email": applicant.email,
        "applicant_address": applicant.address,
        "reply_channel": applicant.reply_channel,
        "subject": new.subject,
        "subject_folded": folded(new.subject),
        "text": new.text,
        "received_at": received_at,
        "registered_on": registered_on,
        "due_on": due_date(registered_on, deadline_rule, calendar),
        "deadline_rule": deadline_rule,
        "status": State.REGISTERED.value,
        "outcome": None,
        "answer": None,
        "answered_at": None,
        "closed_at": None,
        "executor_id": None,
        "access_code_hash": hash_access_code(access_code, secret),
        "submission_token": digest,
        "accepted_by_id": accepted_by.id if accepted_by else None,
        "accepted_by_name": accepted_by.full_name if accepted_by else ONLINE_ACCEPTED_BY,
        "forwarded_from_id": forwarded_from.id if forwarded_from else None,
        "forwarded_to_id": None,
        "forwarded_to_body": None,
        "version": 1,
        "updated_at": now,
    }
    complaint = Complaint(**values)
    email = _email_values(complaint, "receipt", messages, now, access_code=ACCESS_CODE_MARK)
    if email is not None:
        email["sealed_access_code"] = seal_access_code(access_code, secret)
    event = _event_values(
        now,
        "filed",
        actor=accepted_by,
        actor_kind="staff" if accepted_by else "applicant",
        to_status=State.REGISTERED.value,
        public=True,
        details={"channel": new.channel, "attachments": len(files)},
    )
    stored = _store_files(upload_root, files)
    attachment_rows = _attachment_values(stored, now)
    file_statement = _FILE_COMPLAINT[session.get_bind().dialect.name]
    try:
        with write_transaction(session):
            sequence = _next_sequence(session, new.akimat_code, year)
            number = format_registration_number(new.akimat_code, year, sequence)
            values["registration_number"], values["sequence"] = number, sequence
            # Core statements on the session's connection: the session's own execute adds
            # ORM bookkeeping these plain INSERTs do not need, and here it is paid under the lock.
            connection = session.connection()
            complaint_id = connection.execute(file_statement, values).scalar_one_or_none()
            if complaint_id is None:
                # The same form was filed first (a double click racing this request, or sent
                # again): its key is taken. Rolling back gives the number back.
                raise _FiledBefore
            attachment_ids = [
                connection.execute(_ATTACH_FILE, {**row, "complaint_id": complaint_id}).scalar_one()
                for row in attachment_rows
            ]
            connection.execute(_RECORD_EVENT, {**event, "complaint_id": complaint_id})
            if kept:
                connection.execute(
                    update(HeldFile.__table__)
                    .where(HeldFile.__table__.c.token.in_([k.token for k in kept]))
                    .values(filed=True)
                )
            if email is not None:
                connection.execute(
                    _QUEUE_EMAIL,
                    {
                        **email,
                        "complaint_id": complaint_id,
                        "subject": email["subject"].replace(_NUMBER_TO_COME, number),
                        "body": email["body"].replace(_NUMBER_TO_COME, number),
                    },
                )
    except _FiledBefore:
        _remove_files(upload_root, [name for _, name in stored])
        first = _already_filed(session, digest)
        if first is None:  # pragma: no cover - complaints are never deleted
            raise RuntimeError("the complaint that took this form's key is gone") from None
        return Filed(first, access_code, created=False, submission_key=key)
    except BaseException:
        _remove_files(upload_root, [name for _, name in stored])
        raise
    if kept:
        # The complaint has its own copies now; the rows stay, as digests, until they expire.
        _remove_files(kept_root, [k.stored_name for k in kept])
    complaint.registration_number, complaint.sequence = number, sequence
    _as_persistent(session, complaint, complaint_id)
    # Known without reading them back: the receipt lists them.
    set_committed_value(
        complaint,
        "attachments",
        [
            _as_persistent(session, Attachment(**row, complaint_id=complaint_id), row_id)
            for row, row_id in zip(attachment_rows, attachment_ids, strict=True)
        ],
    )
    return Filed(complaint, access_code, created=True, submission_key=key)


# Where the receipt email's text has the access code until it is sent (`mail.build_message`
# puts the unsealed code there). Input cleaning removes control characters, so no text an
# applicant or a member of staff writes into the email can contain it.
ACCESS_CODE_MARK = "\x1faccess-code\x1f"

# Unguessable, so that no text an applicant writes into the email can contain it.
_NUMBER_TO_COME = f"[registration-number-{secrets.token_hex(16)}]"


def _read_kept(kept_root: Path, kept: Sequence[KeptFile]) -> list[AttachmentFile]:
    """The kept files' contents, as checked when they were kept."""
    files = []
    for held in kept:
        try:
            data = b"" if held.filed else (kept_root / held.stored_name).read_bytes()
        except FileNotFoundError:
            data = b""
        if hashlib.sha256(data).hexdigest() != held.sha256:
            # Filed with an earlier complaint, or removed by the clean-up meanwhile.
            raise ComplaintError("kept_file_gone", name=held.name, token=held.token)
        files.append(AttachmentFile(held.name, held.content_type, data))
    return files


class _FiledBefore(Exception):
    """A complaint with the form's submission key was committed first."""


def _file_once(dialect: Any) -> Any:
    """INSERT the complaint unless its submission key is taken: the unique key decides, so
    two racing requests cannot both pass a check made before it (nothing serialises them on
    PostgreSQL until the INSERT itself waits for the other's key)."""
    return (
        dialect.insert(Complaint.__table__)
        .on_conflict_do_nothing(index_elements=[Complaint.__table__.c.submission_token])
        .returning(Complaint.__table__.c.id)
    )


_FILE_COMPLAINT = {"sqlite": _file_once(sqlite), "postgresql": _file_once(postgresql)}
_ATTACH_FILE = insert(Attachment.__table__).returning(Attachment.__table__.c.id)


# --------------------------------------------------------------------------------------------
# Tracking and the applicant's own actions


_DUMMY_HASH = "0" * 64


def find_for_applicant(
    session: Session, registration_number: str, access_code: str, secret: bytes
) -> Complaint | None:
    """The complaint when number and code match; None alike for a wrong code or number."""
    try:
        number = str(parse_registration_number(registration_number))
    except InvalidRegistrationNumber:
        verify_access_code(access_code, _DUMMY_HASH, secret)
        return None
    complaint = session.execute(
        select(Complaint).where(Complaint.registration_number == number)
    ).scalar_one_or_none()
    stored = complaint.access_code_hash if complaint else _DUMMY_HASH
    # The hash is computed either way, so the timing does not tell a wrong code from no number.
    matches = verify_access_code(access_code, stored, secret)
    return complaint if complaint is not None and matches else None


def withdraw(
    session: Session,
    complaint_id: int,
    *,
    version: int,
    reason: str | None,
    now: datetime,
    messages: Messages,
) -> Complaint:
    """The applicant takes the complaint back while it is still open."""
    with write_transaction(session):
        complaint = _lock(session, complaint_id)
        state = State(complaint.status)
        # The state before the version: a second click finds the complaint withdrawn already,
        # and "can no longer be withdrawn" tells the applicant why; "it changed" would not.
        target = next_state(state, Action.WITHDRAW, Role.APPLICANT)
        if complaint.version != version:
            raise StaleComplaint()
        complaint.status = target.value
        complaint.closed_at = now
        complaint.updated_at = now
        _event(
            complaint,
            now,
            Action.WITHDRAW.value,
            actor_kind="applicant",
            from_status=state.value,
            to_status=target.value,
            note=(reason or "").strip() or None,
            public=True,
        )
        session.flush()
        _notify(session, complaint, "withdrawn", messages, now)
    return complaint


def answer_survey(
    session: Session, complaint_id: int, *, procedure: str, timeliness: str, now: datetime
) -> SurveyResponse:
    """Record the applicant's satisfaction once, after the answer."""
    with write_transaction(session):
        complaint = session.get(Complaint, complaint_id)
        if complaint is None or complaint.status != State.ANSWERED.value:
            raise ComplaintError("survey_not_open")
        existing = session.execute(
            select(SurveyResponse).where(SurveyResponse.complaint_id == complaint_id)
        ).scalar_one_or_none()
        if existing is not None:
            raise ComplaintError("survey_already_answered")
        response = SurveyResponse(
            complaint_id=complaint_id, procedure=procedure, timeliness=timeliness, created_at=now
        )
        session.add(response)
    return response


def _lock(session: Session, complaint_id: int) -> Complaint:
    """The complaint, its row locked until the transaction ends (PostgreSQL)."""
    statement = select(Complaint).where(Complaint.id == complaint_id)
    if session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    complaint = session.execute(statement).scalar_one_or_none()
    if complaint is None:
        raise ComplaintError("not_found")
    return complaint


def _load_for_update(session: Session, complaint_id: int, version: int) -> Complaint:
    """The complaint as the actor saw it, or StaleComplaint if it changed since."""
    complaint = _lock(session, complaint_id)
    if complaint.version != version:
        raise StaleComplaint()
    return complaint


# --------------------------------------------------------------------------------------------
# Staff actions


@dataclass(frozen=True)
class ActionInput:
    """What a staff member submitted with an action; which parts matter depends on it."""

    note: str | None = None
    public: bool | None = None
    reason: str | None = None
    outcome: str | None = None
    answer: str | None = None
    executor_id: int | None = None
    new_due_on: date | None = None
    forward_akimat: Akimat | None = None
    forward_body: str | None = None
    # Drawn by the caller, who shows it once: only its HMAC is stored.
    new_access_code: str | None = None


ROLE_OF = {role.value: role for role in Role}
EXECUTOR_ONLY_IF_ASSIGNED = {Action.START_REVIEW, Action.DRAFT_ANSWER}


def take_action(
    session: Session,
    complaint_id: int,
    *,
    version: int,
    actor: StaffUser,
    scope: Sequence[str],
    action: Action,
    data: ActionInput,
    now: datetime,
    calendar: WorkingCalendar,
    secret: bytes,
    upload_root: Path,
    messages: Messages,
) -> Complaint:
    """Apply one row of the workflow table, all or nothing, or say why not.

    Raises ComplaintError("not_found") outside the actor's akimats, TransitionNotAllowed
    when the table refuses, InvalidActionDetails when something required is missing, and
    StaleComplaint when someone else acted first.
    """
    # Files a handler writes (a forwarding's copies of the attachments): removed again when
    # the action does not commit.
    written: list[str] = []
    try:
        with write_transaction(session):
            complaint = _load_for_update(session, complaint_id, version)
            if complaint.akimat_id not in scope:
                raise ComplaintError("not_found")
            state = State(complaint.status)
            role = ROLE_OF[actor.role]
            target = next_state(state, action, role)
            if (
                action in EXECUTOR_ONLY_IF_ASSIGNED
                and role == Role.EXECUTOR
                and complaint.executor_id != actor.id
            ):
                raise TransitionNotAllowed(state, action, role)
            check_action_details(
                action,
                reason=data.reason,
                outcome=Outcome(data.outcome) if data.outcome else None,
                new_due_on=data.new_due_on,
                current_due_on=complaint.due_on,
                executor_id=data.executor_id,
                current_executor_id=complaint.executor_id,
            )
            handler = _HANDLERS.get(action, _plain)
            details, note, public = handler(
                session,
                complaint,
                actor=actor,
                data=data,
                now=now,
                calendar=calendar,
                secret=secret,
                upload_root=upload_root,
                messages=messages,
                written=written,
            )
            complaint.status = target.value
            complaint.updated_at = now
            if not is_open(target) and complaint.closed_at is None:
                complaint.closed_at = now
            _event(
                complaint,
                now,
                action.value,
                actor=actor,
                from_status=state.value,
                to_status=target.value,
                note=note,
                public=public,
                details=details,
            )
            session.flush()
    except StaleDataError:
        _remove_files(upload_root, written)
        raise StaleComplaint() from None
    except BaseException:
        _remove_files(upload_root, written)
        raise
    return complaint


def _public(data: ActionInput, action: Action) -> bool:
    return data.public if data.public is not None else is_public_by_default(action)


def _plain(session, complaint, *, actor, data, **_):
    if data.note is not None and not data.note.strip():
        raise InvalidActionDetails(Action.ADD_NOTE, "note", "a note is required")
    return {}, (data.note or "").strip() or None, bool(data.public)


def _add_note(session, complaint, *, data, **_):
    if not (data.note or "").strip():
        raise InvalidActionDetails(Action.ADD_NOTE, "note", "a note is required")
    return {}, data.note.strip(), bool(data.public)


def _assign(session, complaint, *, actor, data, **_):
    executor = session.get(StaffUser, data.executor_id) if data.executor_id else None
    if (
        executor is None
        or not executor.active
        or executor.role != Role.EXECUTOR.value
        or executor.akimat_id != complaint.akimat_id
    ):
        raise InvalidActionDetails(Action.ASSIGN, "executor_id", "choose an executor here")
    complaint.executor_id = executor.id
    details = {"executor_id": executor.id, "executor_name": executor.full_name}
    return details, (data.note or "").strip() or None, False


def _draft_answer(session, complaint, *, data, **_):
    """The draft replaces `complaint.answer`, so its text is also kept in its own (internal)
    event: a draft the head sends back stays in the history after the next one."""
    if not (data.answer or "").strip():
        raise InvalidActionDetails(Action.DRAFT_ANSWER, "answer", "the answer text is required")
    complaint.outcome = Outcome(data.outcome).value
    complaint.answer = data.answer.strip()
    details = {"outcome": complaint.outcome, "answer": complaint.answer}
    return details, (data.note or "").strip() or None, False


def _return_draft(session, complaint, *, data, **_):
    return {"outcome": complaint.outcome}, data.reason.strip(), False


def _approve_answer(session, complaint, *, now, messages, **_):
    if not complaint.answer or not complaint.outcome:
        raise InvalidActionDetails(Action.APPROVE_ANSWER, "answer", "there is no drafted answer")
    complaint.answered_at = now
    session.flush()
    outcome = OUTCOME_LABELS[Outcome(complaint.outcome)][complaint.language]
    _notify(session, complaint, "answer", messages, now, outcome=outcome)
    return {"outcome": complaint.outcome}, complaint.answer, True


def _extend(session, complaint, *, data, now, calendar, messages, **_):
    """A reasoned extension, decided within the deadline: one granted after it had passed
    would turn a late answer into one on time, in the reports as for the applicant. Like
    every deadline, the new one is a working day: nobody answers on a day off, and the
    reports count working days."""
    if complaint.due_on < in_almaty(now).date():
        raise InvalidActionDetails(Action.EXTEND, "deadline_passed", "the deadline has passed")
    if not calendar.is_working_day(data.new_due_on):
        raise InvalidActionDetails(Action.EXTEND, "day_off", "the new due date is a day off")
    previous = complaint.due_on
    complaint.due_on = data.new_due_on
    session.flush()
    _notify(session, complaint, "extension", messages, now, reason=data.reason.strip())
    details = {"previous_due_on": previous.isoformat(), "new_due_on": data.new_due_on.isoformat()}
    return details, data.reason.strip(), _public(data, Action.EXTEND)


def _leave_without_review(session, complaint, *, data, now, messages, **_):
    session.flush()
    _notify(session, complaint, "left_without_review", messages, now, reason=data.reason.strip())
    return {}, data.reason.strip(), True


def _forward(
    session, complaint, *, actor, data, now, calendar, secret, upload_root, messages, written, **_
):
    """Send the complaint on: to another akimat in Qyzmet (a new number there) or outside.

    Forwarding after its deadline is still done (the complaint must reach the competent body),
    and the event says by how many working days it was late, to be counted.
    """
    reason = (data.reason or "").strip() or None
    lateness = _forwarding_lateness(complaint, now, calendar)
    if data.forward_akimat is not None:
        target = data.forward_akimat
        if target.id == complaint.akimat_id:
            raise InvalidActionDetails(Action.FORWARD, "forward_akimat", "choose another akimat")
        registered_on = registration_date(now, calendar)
        year = registered_on.year
        # The office stays only if a complaint filed with the new akimat could name it: Taraz's
        # housing department is not Baizak's to review, nor to answer for.
        office_id = complaint.office_id
        if office_id is not None and not target.serves(office_id):
            office_id = None
        sequence = _next_sequence(session, target.code, year)
        copy = Complaint(
            registration_number=format_registration_number(target.code, year, sequence),
            akimat_id=target.id,
            akimat_code=target.code,
            year=year,
            sequence=sequence,
            service_id=complaint.service_id,
            office_id=office_id,
            channel=complaint.channel,
            language=complaint.language,
            applicant_name=complaint.applicant_name,
            applicant_name_folded=complaint.applicant_name_folded,
            applicant_iin=complaint.applicant_iin,
            applicant_phone=complaint.applicant_phone,
            applicant_email=complaint.applicant_email,
            applicant_address=complaint.applicant_address,
            reply_channel=complaint.reply_channel,
            subject=complaint.subject,
            subject_folded=complaint.subject_folded,
            text=complaint.text,
            received_at=now,
            registered_on=registered_on,
            due_on=due_date(registered_on, complaint.deadline_rule, calendar),
            deadline_rule=complaint.deadline_rule,
            status=State.REGISTERED.value,
            # The applicant keeps one access code for the complaint wherever it travels.
            access_code_hash=complaint.access_code_hash,
            submission_token=None,
            accepted_by_id=actor.id,
            accepted_by_name=actor.full_name,
            forwarded_from_id=complaint.id,
            updated_at=now,
        )
        try:
            originals = [
                AttachmentFile(
                    a.original_name, a.content_type, (upload_root / a.stored_name).read_bytes()
                )
                for a in complaint.attachments
            ]
        except OSError as error:
            # The folder unmounted or a file gone: the receiving akimat must get them all.
            log.error(
                "attachments of complaint %s could not be read to forward it: %s",
                complaint.id,
                error,
            )
            raise AttachmentsNotStored() from error
        copies = _store_files(upload_root, originals)
        written.extend(name for _, name in copies)
        _attach(copy, copies, now)
        _event(
            copy,
            now,
            "forwarded_in",
            actor=actor,
            to_status=State.REGISTERED.value,
            public=True,
            details={
                "from_number": complaint.registration_number,
                "from_akimat_id": complaint.akimat_id,
                **(
                    {"office_dropped": complaint.office_id}
                    if office_id != complaint.office_id
                    else {}
                ),
            },
        )
        session.add(copy)
        session.flush()
        complaint.forwarded_to_id = copy.id
        details = {
            "akimat_id": target.id,
            "registration_number": copy.registration_number,
            **lateness,
        }
        _notify(
            session,
            complaint,
            "forwarding",
            messages,
            now,
            target=messages.akimat_name(target.id, complaint.language),
            new_number=copy.registration_number,
            forwarded=copy,
            reason=reason,
        )
        return details, reason, True
    body = (data.forward_body or "").strip()
    if not body:
        raise InvalidActionDetails(Action.FORWARD, "forward_body", "name a body or an akimat")
    complaint.forwarded_to_body = body[:500]
    session.flush()
    _notify(
        session, complaint, "forwarding", messages, now, target=body, new_number=None, reason=reason
    )
    return {"body": body[:500], **lateness}, reason, True


def _forwarding_lateness(complaint: Complaint, now: datetime, calendar: WorkingCalendar) -> dict:
    deadline = forwarding_deadline(complaint.registered_on, calendar)
    days_late = deadline.working_days_late(in_almaty(now).date(), calendar)
    return {
        "forwarding_due_on": deadline.due_on.isoformat(),
        "forwarded_late": days_late > 0,
        "working_days_late": days_late,
    }


def _issue_access_code(session, complaint, *, actor, data, now, secret, messages, **_):
    """A new code for an applicant who lost theirs, given in person after checking their
    identity document. It replaces the code of every complaint of the forwarding chain: the
    applicant has one code for the complaint wherever it travelled, and the tracking page
    leads from an old number to the new one only while both hashes are equal. The code is
    in no event and no email: the email only warns that the old one no longer works."""
    if not data.new_access_code:
        raise ValueError("issuing an access code needs the new code")
    new_hash = hash_access_code(data.new_access_code, secret)
    chain = _forwarding_chain(session, complaint)
    for other in chain:
        other.access_code_hash = new_hash
        if other is not complaint:
            other.updated_at = now
            _event(
                other,
                now,
                Action.ISSUE_ACCESS_CODE.value,
                actor=actor,
                from_status=other.status,
                to_status=other.status,
                details={"issued_with": complaint.registration_number},
            )
    _withdraw_unsent_code(session, [other.id for other in chain], messages)
    session.flush()
    _notify(
        session,
        complaint,
        "access_code",
        messages,
        now,
        issued_on=in_almaty(now).date(),
    )
    return {}, None, False


def _withdraw_unsent_code(session: Session, complaint_ids: list[int], messages: Messages) -> None:
    """A receipt email not yet sent (the mail server down, say) would otherwise arrive days
    later with the code just replaced. It still goes, for its registration details, with the
    code's line saying it was replaced. Only an unsent email keeps its code sealed: sending
    it, or giving up on it, drops the code."""
    unsent = session.execute(
        select(Notification).where(
            Notification.complaint_id.in_(complaint_ids),
            Notification.sealed_access_code.is_not(None),
        )
    ).scalars()
    for notification in unsent:
        notification.body = notification.body.replace(
            ACCESS_CODE_MARK, messages.replaced_access_code(notification.language)
        )
        notification.sealed_access_code = None


def _forwarding_chain(session: Session, complaint: Complaint) -> list[Complaint]:
    """The complaint and every complaint it was forwarded from or to, however far, each row
    locked (PostgreSQL) like the complaint itself."""
    chain = {complaint.id: complaint}
    waiting = [complaint]
    while waiting:
        current = waiting.pop()
        for linked_id in (current.forwarded_from_id, current.forwarded_to_id):
            if linked_id is not None and linked_id not in chain:
                chain[linked_id] = _lock(session, linked_id)
                waiting.append(chain[linked_id])
    return list(chain.values())


_HANDLERS = {
    Action.ASSIGN: _assign,
    Action.REASSIGN: _assign,
    Action.ADD_NOTE: _add_note,
    Action.DRAFT_ANSWER: _draft_answer,
    Action.RETURN_DRAFT: _return_draft,
    Action.APPROVE_ANSWER: _approve_answer,
    Action.EXTEND: _extend,
    Action.FORWARD: _forward,
    Action.LEAVE_WITHOUT_REVIEW: _leave_without_review,
    Action.ISSUE_ACCESS_CODE: _issue_access_code,
}


# --------------------------------------------------------------------------------------------
# Staff accounts


class AccountError(Exception):
    """An account change refused; `reason` picks the message."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def create_staff(
    session: Session,
    *,
    email: str,
    full_name: str,
    role: str,
    akimat_id: str | None,
    region_id: str | None,
    language: str,
    password_hash: str,
    now: datetime,
) -> StaffUser:
    email = email.strip().lower()
    with write_transaction(session):
        exists = session.execute(select(StaffUser.id).where(StaffUser.email == email)).first()
        if exists:
            raise AccountError("email_taken")
        staff = StaffUser(
            email=email,
            full_name=full_name.strip(),
            role=role,
            akimat_id=akimat_id,
            region_id=region_id,
            language=language,
            password_hash=password_hash,
            active=True,
            session_version=1,
            created_at=now,
        )
        session.add(staff)
    return staff


def update_staff(
    session: Session,
    staff_id: int,
    *,
    admin: StaffUser,
    scope: Sequence[str],
    role: str | None = None,
    active: bool | None = None,
) -> StaffUser:
    """An admin changes a colleague's role or disables the account (which signs them out)."""
    with write_transaction(session):
        staff = session.get(StaffUser, staff_id)
        if staff is None or staff.akimat_id not in scope or staff.role == "supervisor":
            raise AccountError("not_found")
        if staff.id == admin.id:
            raise AccountError("not_yourself")
        if role is not None:
            staff.role = role
        if active is not None:
            staff.active = active
        staff.session_version += 1
    return staff


def set_password(session: Session, staff_id: int, password_hash: str) -> StaffUser:
    """A new password ends every session of the account (the version moves on)."""
    with write_transaction(session):
        staff = session.get(StaffUser, staff_id)
        staff.password_hash = password_hash
        staff.session_version += 1
    return staff


def end_sessions(session: Session, staff_id: int) -> None:
    """Signing out ends every session of the account: the version its cookies carry moves on."""
    with write_transaction(session):
        staff = session.get(StaffUser, staff_id)
        staff.session_version += 1


def record_login(session: Session, staff_id: int, now: datetime, new_hash: str | None) -> None:
    with write_transaction(session):
        staff = session.get(StaffUser, staff_id)
        staff.last_login_at = now
        if new_hash:
            staff.password_hash = new_hash


# A session that ends on Friday evening is signed into again on Monday morning.
KEPT_FORM_LIFETIME = timedelta(days=4)
# Only the newest are kept for a member: an ended session cannot fill the database.
KEPT_FORMS_PER_STAFF = 20


@dataclass(frozen=True)
class Kept:
    endpoint: str
    view_args: dict[str, Any]
    fields: list[tuple[str, str]]


def keep_form(
    session: Session,
    staff_id: int,
    *,
    endpoint: str,
    view_args: dict[str, Any],
    fields: Sequence[tuple[str, str]],
    now: datetime,
) -> str:
    """Keep a form its sender's ended session could not take; the token gives it back.

    Forms nobody came back for are dropped here, so kept text does not outlive its use.
    """
    token = secrets.token_urlsafe(32)
    with write_transaction(session):
        session.execute(delete(KeptForm).where(KeptForm.kept_at < now - KEPT_FORM_LIFETIME))
        session.add(
            KeptForm(
                token=token,
                staff_id=staff_id,
                endpoint=endpoint,
                view_args=dict(view_args),
                fields=[[name, value] for name, value in fields],
                kept_at=now,
            )
        )
        newest = (
            select(KeptForm.id)
            .where(KeptForm.staff_id == staff_id)
            .order_by(KeptForm.id.desc())
            .limit(KEPT_FORMS_PER_STAFF)
        )
        session.execute(
            delete(KeptForm).where(
                KeptForm.staff_id == staff_id, KeptForm.id.not_in(newest.scalar_subquery())
            )
        )
    return token


def take_kept_form(
    session: Session,
    token: str,
    staff_id: int,
    *,
    endpoint: str,
    view_args: dict[str, Any],
    now: datetime,
) -> Kept | None:
    """The kept form, once, and only to the member who sent it, on the page it came from
    (`endpoint` and `view_args` it was sent with); None, leaving it kept, for anything else."""
    with write_transaction(session):
        kept = session.execute(
            select(KeptForm).where(
                KeptForm.token == token,
                KeptForm.staff_id == staff_id,
                KeptForm.endpoint == endpoint,
            )
        ).scalar_one_or_none()
        if kept is None or any(kept.view_args.get(k) != v for k, v in view_args.items()):
            return None
        given = Kept(kept.endpoint, dict(kept.view_args), [(n, v) for n, v in kept.fields])
        fresh = kept.kept_at >= now - KEPT_FORM_LIFETIME
        session.delete(kept)
    return given if fresh else None


# --------------------------------------------------------------------------------------------
# Files kept for a form that came back with an error


# Long enough to find a missing document and come back the same day; short, so that files
# nobody filed do not linger. `drop_expired_kept_files` removes them (a timer runs it).
HELD_FILE_LIFETIME = timedelta(days=1)
# Tokens a form may name: as many as a form holds, with room for a page sent twice.
_MAX_TOKENS = 10


def hold_files(
    session: Session,
    files: Sequence[AttachmentFile],
    *,
    holder: str,
    root: Path,
    now: datetime,
) -> list[KeptFile]:
    """Keep checked files for the form that sent them, claimable by `holder` only.

    Files kept too long are dropped here too, so that a quiet timer leaves little behind.
    """
    if not files:
        return []
    # Written as a complaint's attachments are: a disk that refuses one leaves none behind.
    stored = _store_files(root, files)
    kept = [
        KeptFile(
            token=secrets.token_urlsafe(24),
            name=upload.name,
            content_type=upload.content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            stored_name=name,
        )
        for upload, name in stored
    ]
    try:
        with write_transaction(session):
            expired = _drop_expired_rows(session, now)
            session.execute(
                insert(HeldFile),
                [
                    {
                        "token": k.token,
                        "holder": holder,
                        "original_name": k.name,
                        "stored_name": k.stored_name,
                        "content_type": k.content_type,
                        "size": k.size,
                        "sha256": k.sha256,
                        "held_at": now,
                        "filed": False,
                    }
                    for k in kept
                ],
            )
    except BaseException:
        _remove_files(root, [name for _, name in stored])
        raise
    _remove_files(root, expired)
    return kept


def find_kept_files(
    session: Session, tokens: Sequence[str], *, holder: str, now: datetime
) -> tuple[list[KeptFile], int]:
    """The kept files a form names, in its order, and how many of its tokens name nothing
    this holder may take: made up, another session's, removed or expired alike."""
    wanted = list(dict.fromkeys(t for t in tokens if t))
    valid = [t for t in wanted[:_MAX_TOKENS] if _KEPT_TOKEN.fullmatch(t)]
    rows = {}
    if valid:
        rows = {
            row.token: row
            for row in session.execute(
                select(HeldFile).where(
                    HeldFile.token.in_(valid),
                    HeldFile.holder == holder,
                    HeldFile.held_at >= now - HELD_FILE_LIFETIME,
                )
            ).scalars()
        }
    kept = [_kept_file(rows[t]) for t in wanted if t in rows]
    return kept, len(wanted) - len(kept)


def release_kept_file(
    session: Session, token: str, *, holder: str, root: Path, now: datetime
) -> KeptFile | None:
    """Remove a kept file at its holder's request; None, changing nothing, for any other."""
    if not _KEPT_TOKEN.fullmatch(token or ""):
        return None
    with write_transaction(session):
        row = session.execute(
            select(HeldFile).where(
                HeldFile.token == token,
                HeldFile.holder == holder,
                HeldFile.filed.is_(False),
                HeldFile.held_at >= now - HELD_FILE_LIFETIME,
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        released = _kept_file(row)
        session.delete(row)
    _remove_files(root, [released.stored_name])
    return released


def drop_expired_kept_files(session: Session, *, root: Path, now: datetime) -> int:
    """Remove kept files nobody filed within HELD_FILE_LIFETIME, and their rows; also files
    a crash left without a row. Returns how many files went."""
    with write_transaction(session):
        expired = _drop_expired_rows(session, now)
    _remove_files(root, expired)
    removed = len(expired)
    if root.is_dir():
        known = set(session.execute(select(HeldFile.stored_name)).scalars())
        cutoff = (now - HELD_FILE_LIFETIME).timestamp()
        for path in root.iterdir():
            if path.name not in known and path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _drop_expired_rows(session: Session, now: datetime) -> list[str]:
    """Delete the expired rows, inside the caller's transaction; their files' names."""
    expired = HeldFile.held_at < now - HELD_FILE_LIFETIME
    names = list(
        session.execute(
            select(HeldFile.stored_name).where(expired, HeldFile.filed.is_(False))
        ).scalars()
    )
    session.execute(delete(HeldFile).where(expired))
    return names


_KEPT_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")


def _kept_file(row: HeldFile) -> KeptFile:
    return KeptFile(
        token=row.token,
        name=row.original_name,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        stored_name=row.stored_name,
        filed=row.filed,
    )


# --------------------------------------------------------------------------------------------
# Mail delivery bookkeeping (the sending itself is in complaints.mail)


CLAIM_TIMEOUT = timedelta(minutes=10)
CLAIM_BATCH = 100


def _due_for_sending():
    """Pending emails whose (re)try time has come, and ones a crashed sender left half-done."""
    return (
        (Notification.status == "pending") & (Notification.next_attempt_at <= bindparam("now"))
    ) | ((Notification.status == "sending") & (Notification.next_attempt_at <= bindparam("stale")))


# Built once: the courier claims after every filing, and the statement never changes.
_CLAIM = (
    update(Notification)
    .where(
        Notification.id.in_(
            select(Notification.id)
            .where(_due_for_sending())
            .order_by(Notification.id)
            .limit(bindparam("limit"))
            # PostgreSQL: two couriers (one per worker) claiming at once would otherwise lock
            # the same rows in different orders and deadlock; each takes what the other has
            # not. SQLite has no row locks: its write transaction already runs one at a time.
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        ),
        _due_for_sending(),
    )
    .values(status="sending", next_attempt_at=bindparam("now"))
    .returning(Notification)
    # Every row it changes comes back and is loaded afresh: nothing else in the session to
    # bring up to date.
    .execution_options(populate_existing=True, synchronize_session=False)
)


def claim_notifications(
    session: Session, now: datetime, limit: int = CLAIM_BATCH
) -> list[Notification]:
    """Take the due emails for sending, in one statement, so no two senders send one twice.

    The same statement returns the claimed rows whole, so sending them reads nothing more.
    """
    with write_transaction(session):
        claimed = session.execute(
            _CLAIM, {"now": now, "stale": now - CLAIM_TIMEOUT, "limit": limit}
        ).scalars()
        return sorted(claimed, key=lambda notification: notification.id)


RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)


_RECORD_SENT = (
    update(Notification)
    .where(Notification.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="sent",
        sent_at=bindparam("now"),
        sealed_access_code=None,
        last_error=None,
        attempts=Notification.attempts + 1,
    )
)


def record_deliveries(
    session: Session, results: Sequence[tuple[int, str | None]], now: datetime
) -> None:
    """Mark each email sent, or schedule its retry; after the last retry it is failed for staff."""
    with write_transaction(session):
        # Every email of a batch is usually sent: one statement for all of them.
        sent = [notification_id for notification_id, error in results if error is None]
        if sent:
            session.execute(_RECORD_SENT, {"ids": sent, "now": now})
        for notification_id, error in results:
            if error is None:
                continue
            notification = session.get(Notification, notification_id)
            notification.attempts += 1
            notification.last_error = error[:2000]
            if notification.attempts > len(RETRY_DELAYS):
                notification.status = "failed"
                notification.sealed_access_code = None  # nothing will send it now
            else:
                notification.status = "pending"
                notification.next_attempt_at = now + RETRY_DELAYS[notification.attempts - 1]


def utcnow() -> datetime:
    """The current time for entry points; rules receive it as `now`."""
    return datetime.now(UTC)


__all__ = [
    "AccountError",
    "ActionInput",
    "Akimat",
    "Applicant",
    "AttachmentFile",
    "ComplaintError",
    "Filed",
    "InvalidActionDetails",
    "NewComplaint",
    "StaleComplaint",
    "TransitionNotAllowed",
    "answer_survey",
    "claim_notifications",
    "create_staff",
    "email_recipient",
    "file_complaint",
    "find_by_submission_key",
    "find_for_applicant",
    "record_deliveries",
    "record_login",
    "set_password",
    "take_action",
    "update_staff",
    "utcnow",
    "withdraw",
]
