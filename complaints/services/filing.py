"""Filing a complaint: the registration number taken from the akimat's counter, the
complaint, its event, its files and its receipt email in one transaction, and the same form
sent twice answered with the first receipt."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from complaints.domain.access_code import (
    derive_access_code,
    hash_access_code,
    seal_access_code,
    submission_digest,
)
from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import due_date, registration_date
from complaints.domain.numbering import format_registration_number
from complaints.domain.workflow import State
from complaints.models import Attachment, Complaint, HeldFile, RegistrationCounter, StaffUser
from complaints.services.common import (
    ACCESS_CODE_MARK,
    DEFAULT_DEADLINE_RULE,
    ONLINE_ACCEPTED_BY,
    QUEUE_EMAIL,
    RECORD_EVENT,
    AttachmentFile,
    ComplaintError,
    Filed,
    KeptFile,
    Messages,
    NewComplaint,
    as_persistent,
    email_values,
    event_values,
    remove_files,
    store_files,
    submission_key,
)
from qyzmet.database import write_transaction

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


def next_sequence(session: Session, akimat_code: str, year: int) -> int:
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


def attach(
    complaint: Complaint, stored: Sequence[tuple[AttachmentFile, str]], now: datetime
) -> None:
    """Record files already written to disk (`store_files`) as the complaint's attachments."""
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
    email = email_values(complaint, "receipt", messages, now, access_code=ACCESS_CODE_MARK)
    if email is not None:
        email["sealed_access_code"] = seal_access_code(access_code, secret)
    event = event_values(
        now,
        "filed",
        actor=accepted_by,
        actor_kind="staff" if accepted_by else "applicant",
        to_status=State.REGISTERED.value,
        public=True,
        details={"channel": new.channel, "attachments": len(files)},
    )
    stored = store_files(upload_root, files)
    attachment_rows = _attachment_values(stored, now)
    file_statement = _FILE_COMPLAINT[session.get_bind().dialect.name]
    try:
        with write_transaction(session):
            sequence = next_sequence(session, new.akimat_code, year)
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
            connection.execute(RECORD_EVENT, {**event, "complaint_id": complaint_id})
            if kept:
                connection.execute(
                    update(HeldFile.__table__)
                    .where(HeldFile.__table__.c.token.in_([k.token for k in kept]))
                    .values(filed=True)
                )
            if email is not None:
                connection.execute(
                    QUEUE_EMAIL,
                    {
                        **email,
                        "complaint_id": complaint_id,
                        "subject": email["subject"].replace(_NUMBER_TO_COME, number),
                        "body": email["body"].replace(_NUMBER_TO_COME, number),
                    },
                )
    except _FiledBefore:
        remove_files(upload_root, [name for _, name in stored])
        first = _already_filed(session, digest)
        if first is None:  # pragma: no cover - complaints are never deleted
            raise RuntimeError("the complaint that took this form's key is gone") from None
        return Filed(first, access_code, created=False, submission_key=key)
    except BaseException:
        remove_files(upload_root, [name for _, name in stored])
        raise
    if kept:
        # The complaint has its own copies now; the rows stay, as digests, until they expire.
        remove_files(kept_root, [k.stored_name for k in kept])
    complaint.registration_number, complaint.sequence = number, sequence
    as_persistent(session, complaint, complaint_id)
    # Known without reading them back: the receipt lists them.
    set_committed_value(
        complaint,
        "attachments",
        [
            as_persistent(session, Attachment(**row, complaint_id=complaint_id), row_id)
            for row, row_id in zip(attachment_rows, attachment_ids, strict=True)
        ],
    )
    return Filed(complaint, access_code, created=True, submission_key=key)


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
