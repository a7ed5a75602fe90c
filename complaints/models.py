"""Tables of the complaint tracker. Rows are never deleted; every change leaves an event."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from qyzmet.database import UTCDateTime
from qyzmet.extensions import db

CHANNELS = ("web", "paper", "post", "in_person")
REPLY_CHANNELS = ("email", "post")
SURVEY_ANSWERS = ("satisfied", "partly_satisfied", "not_satisfied")


class RegistrationCounter(db.Model):
    """The last sequence number used by an akimat in a year; locked while a number is taken."""

    __tablename__ = "registration_counters"

    akimat_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_sequence: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class StaffUser(db.Model):
    """A member of an akimat's staff (or a regional supervisor, or an admin)."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    akimat_id: Mapped[str | None] = mapped_column(String(80), index=True)
    region_id: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(2), default="kk")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change: every session carrying an older value is logged out.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Complaint(db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        UniqueConstraint("akimat_code", "year", "sequence", name="uq_complaints_number_parts"),
        Index("ix_complaints_akimat_due", "akimat_id", "due_on", "id"),
        Index("ix_complaints_akimat_status_due", "akimat_id", "status", "due_on", "id"),
        Index("ix_complaints_akimat_received", "akimat_id", "received_at"),
        Index("ix_complaints_akimat_applicant", "akimat_id", "applicant_name_folded"),
        # Covers every column a report groups or filters by, so a year's report is read from
        # the index alone (complaints.reports; figures in docs/benchmarks.md).
        Index(
            "ix_complaints_report",
            "akimat_id",
            "registered_on",
            "status",
            "outcome",
            "channel",
            "service_id",
            "office_id",
            "due_on",
            "answered_at",
            "closed_at",
            "id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(24), unique=True)
    akimat_id: Mapped[str] = mapped_column(String(80))
    akimat_code: Mapped[str] = mapped_column(String(6))
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[str | None] = mapped_column(String(80), index=True)
    office_id: Mapped[str | None] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(2))

    applicant_name: Mapped[str] = mapped_column(String(200))
    # Case-folded copy for the staff search; kept in step by the services layer.
    applicant_name_folded: Mapped[str] = mapped_column(String(200))
    applicant_iin: Mapped[str | None] = mapped_column(String(12))
    applicant_phone: Mapped[str | None] = mapped_column(String(16))
    applicant_email: Mapped[str | None] = mapped_column(String(254))
    applicant_address: Mapped[str | None] = mapped_column(Text)
    reply_channel: Mapped[str] = mapped_column(String(8))

    subject: Mapped[str] = mapped_column(String(200))
    # Case-folded copy for the staff search, as applicant_name_folded: SQLite's lower() knows
    # only ASCII, PostgreSQL's depends on the database's locale.
    subject_folded: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    registered_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    deadline_rule: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(24))
    outcome: Mapped[str | None] = mapped_column(String(24))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    executor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    access_code_hash: Mapped[str] = mapped_column(String(64))
    submission_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    accepted_by_name: Mapped[str] = mapped_column(String(200))

    forwarded_from_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    forwarded_to_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    forwarded_to_body: Mapped[str | None] = mapped_column(Text)

    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __mapper_args__ = {"version_id_col": version}

    executor: Mapped[StaffUser | None] = relationship(foreign_keys=[executor_id])
    events: Mapped[list[ComplaintEvent]] = relationship(
        back_populates="complaint", order_by="ComplaintEvent.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="complaint", order_by="Attachment.id"
    )


class ComplaintEvent(db.Model):
    """Append-only history: who did what, when, from which state to which, and what they said."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_kind: Mapped[str] = mapped_column(String(16))  # applicant | staff | system
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_name: Mapped[str | None] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    complaint: Mapped[Complaint] = relationship(back_populates="events")


class Attachment(db.Model):
    """A file the applicant attached; stored outside the web root under a random name."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    complaint: Mapped[Complaint] = relationship(back_populates="attachments")


class HeldFile(db.Model):
    """A file that passed the attachment checks on a form that came back with an error, held
    for that form so that the applicant need not find it again.

    Only the browser session that sent it can claim it (`holder`, a digest of a random value
    in that session). Once the complaint is filed the file becomes an ordinary attachment and
    the copy here is removed, but the row stays, marked `filed`, until HELD_FILE_LIFETIME
    (complaints.services.held_files) is over: the same form sent again (a double click, a
    refresh) still names it, and its digest is part of the form's submission key.
    """

    __tablename__ = "held_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # What the form carries back in a hidden field; useless to any other session.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    holder: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    filed: Mapped[bool] = mapped_column(Boolean, default=False)


class Notification(db.Model):
    """An email to the applicant, written in the same transaction as the change it reports."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_pending", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # The receipt's access code, encrypted (`access_code.seal_access_code`) until the email is
    # sent or given up; the body holds `ACCESS_CODE_MARK` in its place.
    sealed_access_code: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    complaint: Mapped[Complaint] = relationship()


class SurveyResponse(db.Model):
    """The applicant's satisfaction after the answer, as in seed 003 appendix 10."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"), unique=True)
    procedure: Mapped[str] = mapped_column(String(16))
    timeliness: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class KeptForm(db.Model):
    """What a staff member sent after their session had ended, kept until they sign in again.

    The one kind of row that is deleted: it is given back once, to the same member, and
    dropped after KEPT_FORM_LIFETIME (complaints.services.accounts) if nobody comes back for it.
    """

    __tablename__ = "kept_forms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The link back to it after signing in (`?kept=…`); useless to anyone else.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(100))
    view_args: Mapped[dict[str, Any]] = mapped_column(JSON)
    # [name, value] pairs, in the order they were sent (a name may repeat).
    fields: Mapped[list[list[str]]] = mapped_column(JSON)
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
