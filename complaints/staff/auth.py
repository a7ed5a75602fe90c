"""Who the staff member is and what they may see: sessions, passwords, roles and scope.

Flask-Login keeps the user id and a session version in the signed session cookie; changing a
password, signing out or an admin's change to the account moves the version on, which ends
every session of that account still carrying the old one.

A session also ends STAFF_SESSION_LIFETIME after signing in, however it is used: the cookie
is only signed, so Flask alone would honour it (or a copy of it) for 31 days after it was last
written, and browsers that restore the last session keep it across restarts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import UserMixin, current_user, login_user, logout_user

from complaints import directory, services
from complaints.models import StaffUser
from qyzmet.extensions import db, login_manager
from qyzmet.templating import ALMATY, almaty_date, local_datetime

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
STAFF_ROLES = ("registrar", "head", "executor", "supervisor", "admin")
# A working day: a session not signed out on a shared computer does not outlive it.
STAFF_SESSION_LIFETIME = timedelta(hours=12)
# When the session's owner proved their password (seconds since the epoch, UTC).
SIGNED_IN_AT = "staff_signed_in_at"


def password_hasher() -> PasswordHasher:
    """argon2id; argon2-cffi's defaults (RFC 9106's low-memory profile) unless configured.

    The test suite configures a cheap profile: hashing is deliberately slow and tests hash a lot.
    """
    profile = current_app.config.get("ARGON2_PROFILE") or {}
    key = tuple(sorted(profile.items()))
    hasher = _HASHERS.get(key)
    if hasher is None:
        hasher = _HASHERS[key] = PasswordHasher(**profile)
        _DUMMY_HASHES[key] = hasher.hash("not a real password")
    return hasher


_HASHERS: dict[tuple, PasswordHasher] = {}
# Hashes to verify against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASHES: dict[tuple, str] = {}


class SignedInStaff(UserMixin):
    """The Flask-Login view of a staff account, carrying its session version in the id."""

    def __init__(self, staff: StaffUser) -> None:
        self.staff = staff

    def get_id(self) -> str:
        return f"{self.staff.id}:{self.staff.session_version}"

    def __getattr__(self, name: str) -> Any:
        return getattr(self.staff, name)


def start_session(staff: StaffUser) -> None:
    """A new session for someone who has just given their password: nothing from before (a
    planted cookie) carries over, and its working day starts now."""
    session.clear()
    login_user(SignedInStaff(staff))
    session[SIGNED_IN_AT] = int(services.utcnow().timestamp())


def session_ends_at() -> datetime | None:
    """When the signed-in member's session ends: the staff pages say so, so that nobody is
    surprised by the sign-in page in the middle of writing an answer."""
    started = session.get(SIGNED_IN_AT)
    if type(started) is not int:
        return None
    return datetime.fromtimestamp(started, UTC) + STAFF_SESSION_LIFETIME


def session_end_text() -> str:
    """The end of the session as Almaty wall-clock time: the time alone when it is today,
    else with its date (signed in at eight in the evening, it ends at eight in the morning)."""
    ends = session_ends_at()
    if ends is None:
        return ""
    if almaty_date(ends) == almaty_date(services.utcnow()):
        return f"{ends.astimezone(ALMATY):%H:%M}"
    return local_datetime(ends)


def _session_is_current() -> bool:
    started = session.get(SIGNED_IN_AT)
    if type(started) is not int:  # a session from before this rule, or not a staff session
        return False
    age = services.utcnow().timestamp() - started
    return age < STAFF_SESSION_LIFETIME.total_seconds()


@login_manager.user_loader
def load_user(user_id: str) -> SignedInStaff | None:
    if not _session_is_current():
        return None
    try:
        staff_id, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    staff = db.session.get(StaffUser, staff_id)
    if staff is None or not staff.active or staff.session_version != version:
        return None
    return SignedInStaff(staff)


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def check_password(staff: StaffUser | None, password: str) -> bool:
    """Whether the password is right; verifies a dummy hash for unknown accounts."""
    hasher = password_hasher()
    dummy = _DUMMY_HASHES[tuple(sorted((current_app.config.get("ARGON2_PROFILE") or {}).items()))]
    try:
        matches = hasher.verify(staff.password_hash if staff else dummy, password)
    except (VerificationError, InvalidHashError):
        return False
    return matches and staff is not None


def needs_rehash(staff: StaffUser) -> bool:
    return password_hasher().check_needs_rehash(staff.password_hash)


def scope_of(staff: StaffUser) -> list[str]:
    """The akimats whose complaints this person may see."""
    if staff.role == "supervisor":
        return directory.akimats_in_region(staff.region_id or "")
    if staff.role == "admin" and staff.akimat_id is None:
        return directory.all_akimat_ids()
    return [staff.akimat_id] if staff.akimat_id else []


def current_staff() -> StaffUser:
    return current_user.staff


def staff_required(*roles: str) -> Callable:
    """Views for signed-in staff; with roles, only those roles (others get 404, not 403)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if SIGNED_IN_AT in session:
                    # A session that has ended (its day is over, or it was signed out
                    # elsewhere): say so on the sign-in page, once.
                    logout_user()
                    session.pop(SIGNED_IN_AT)
                    flash(_("Your session has ended. Sign in again to continue."), "error")
                return redirect(url_for("staff.login", next=request.full_path))
            if roles and current_user.staff.role not in roles:
                abort(404)
            g.staff_scope = scope_of(current_user.staff)
            return view(*args, **kwargs)

        wrapped.staff_route = True  # type: ignore[attr-defined]
        return wrapped

    return decorator
