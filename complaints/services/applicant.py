"""What an applicant does after filing: finding the complaint by number and access code,
withdrawing it, and answering the satisfaction survey."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from complaints.domain.access_code import verify_access_code
from complaints.domain.numbering import InvalidRegistrationNumber, parse_registration_number
from complaints.domain.workflow import Action, Role, State, next_state
from complaints.models import Complaint, SurveyResponse
from complaints.services.common import (
    ComplaintError,
    Messages,
    StaleComplaint,
    append_event,
    lock_complaint,
    notify,
)
from qyzmet.database import write_transaction

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
        complaint = lock_complaint(session, complaint_id)
        state = State(complaint.status)
        # The state before the version: a second click finds the complaint withdrawn already,
        # and "can no longer be withdrawn" tells the applicant why; "it changed" would not.
        target = next_state(state, Action.WITHDRAW, Role.APPLICANT)
        if complaint.version != version:
            raise StaleComplaint()
        complaint.status = target.value
        complaint.closed_at = now
        complaint.updated_at = now
        append_event(
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
        notify(session, complaint, "withdrawn", messages, now)
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
