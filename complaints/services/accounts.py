"""Staff accounts and their sessions, and the forms a member sent after their session had
ended, kept until they sign in again."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from complaints.models import KeptForm, StaffUser
from qyzmet.database import write_transaction


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
