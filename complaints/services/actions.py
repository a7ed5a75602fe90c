"""Staff actions on a complaint: the workflow's transitions with what each one writes
(assigning, drafting, approving, extending, forwarding, leaving without review, issuing a new
access code)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from complaints.domain.access_code import hash_access_code
from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import due_date, forwarding_deadline, in_almaty, registration_date
from complaints.domain.numbering import format_registration_number
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
from complaints.models import Complaint, Notification, StaffUser
from complaints.services.common import (
    ACCESS_CODE_MARK,
    Akimat,
    AttachmentFile,
    AttachmentsNotStored,
    ComplaintError,
    Messages,
    StaleComplaint,
    append_event,
    load_for_update,
    lock_complaint,
    notify,
    remove_files,
    store_files,
)
from complaints.services.filing import attach, next_sequence
from qyzmet.database import write_transaction

log = logging.getLogger(__name__)


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
            complaint = load_for_update(session, complaint_id, version)
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
            append_event(
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
        remove_files(upload_root, written)
        raise StaleComplaint() from None
    except BaseException:
        remove_files(upload_root, written)
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
    notify(session, complaint, "answer", messages, now, outcome=outcome)
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
    notify(session, complaint, "extension", messages, now, reason=data.reason.strip())
    details = {"previous_due_on": previous.isoformat(), "new_due_on": data.new_due_on.isoformat()}
    return details, data.reason.strip(), _public(data, Action.EXTEND)


def _leave_without_review(session, complaint, *, data, now, messages, **_):
    session.flush()
    notify(session, complaint, "left_without_review", messages, now, reason=data.reason.strip())
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
        sequence = next_sequence(session, target.code, year)
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
        copies = store_files(upload_root, originals)
        written.extend(name for _, name in copies)
        attach(copy, copies, now)
        append_event(
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
        notify(
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
    notify(
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
            append_event(
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
    notify(
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
                chain[linked_id] = lock_complaint(session, linked_id)
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
