"""Who the staff member is and what they may see: sessions, passwords, roles and scope.

Flask-Login keeps the user id and a session version in the signed session cookie; changing a
password, signing out or an admin's change to the account moves the version on, which ends
every session of that account still carrying the old one.

A session also ends STAFF_SESSION_LIFETIME after signing in, however it is used: the cookie
is only signed, so Flask alone would honour it (or a copy of it) for 31 days after it was last
written, and browsers that restore the last session keep it across restarts.
"""

from __future__ import annotations

import re
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
from qyzmet.templating import almaty_moment

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
STAFF_ROLES = ("registrar", "head", "executor", "supervisor", "admin")
# Over the 20 hours below which WCAG 2.2.1 (timing adjustable) asks for a warning and a way to
# extend, as GOV.UK Notify's staff sessions are; still a day, not the month Flask would allow.
STAFF_SESSION_LIFETIME = timedelta(hours=21)
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
    return almaty_moment(ends, services.utcnow())


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


def staff_required(*roles: str, keep_for: str | None = None) -> Callable:
    """Views for signed-in staff; with roles, only those roles (others get 404, not 403).

    `keep_for` names the page a POST to the view is sent from. A form sent there after the
    session has ended is kept, and the sender goes back to that page once signed in again,
    where `kept_form` fills the form in: an answer written at the end of the working day
    is not lost to the sign-in page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                back_to = _page_to_return_to()
                if SIGNED_IN_AT in session:
                    # A session that has ended (its day is over, or it was signed out
                    # elsewhere): say so on the sign-in page, once.
                    kept_page = None
                    if keep_for and request.method == "POST":
                        kept_page = _keep_sent_form(keep_for)
                    logout_user()
                    session.pop(SIGNED_IN_AT)
                    if kept_page:
                        back_to = kept_page
                        flash(_ended_and_kept_message(), "error")
                    else:
                        flash(_("Your session has ended. Sign in again to continue."), "error")
                return redirect(url_for("staff.login", next=back_to))
            if roles and current_user.staff.role not in roles:
                abort(404)
            g.staff_scope = scope_of(current_user.staff)
            return view(*args, **kwargs)

        wrapped.staff_route = True  # type: ignore[attr-defined]
        return wrapped

    return decorator


_KEPT_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Fields a kept form never keeps: its token of the old session, and the honeypot.
_NOT_KEPT = ("csrf_token", "website")


def _page_to_return_to() -> str | None:
    """Where sign-in sends the member back to: this page, unless only a form can reach it
    (a GET of a POST-only address would answer 405)."""
    rule = request.url_rule
    if request.method in ("GET", "HEAD") or (rule is not None and "GET" in (rule.methods or ())):
        return request.full_path
    return None


def _ended_session_staff_id() -> int | None:
    """The member the ended session belonged to (Flask-Login leaves its id until sign-out)."""
    user_id = session.get("_user_id")
    if not isinstance(user_id, str):
        return None
    staff_id, _sep, _version = user_id.partition(":")
    return int(staff_id) if staff_id.isdigit() else None


def _keep_sent_form(page_endpoint: str) -> str | None:
    """Keep the fields of this POST for its sender; the page to go back to, with the token.

    Only a form that passed the CSRF check gets here, so the ended session's own pages sent it.
    """
    staff_id = _ended_session_staff_id()
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not name.endswith(_NOT_KEPT)
    ]
    if staff_id is None or db.session.get(StaffUser, staff_id) is None:
        return None
    if not any(value.strip() for _name, value in fields):
        return None
    token = services.keep_form(
        db.session,
        staff_id,
        endpoint=request.endpoint or "",
        view_args=dict(request.view_args or {}),
        fields=fields,
        now=services.utcnow(),
    )
    g.kept_files = any(upload.filename for upload in request.files.values())
    page_args = {
        name: value
        for name, value in (request.view_args or {}).items()
        if name in _endpoint_arguments(page_endpoint)
    }
    return url_for(page_endpoint, **page_args, kept=token)


def _endpoint_arguments(endpoint: str) -> set[str]:
    return {
        argument
        for rule in current_app.url_map.iter_rules(endpoint)
        for argument in rule.arguments
        if argument != "lang"
    }


def _ended_and_kept_message() -> str:
    if g.get("kept_files"):
        return _(
            "Your session has ended. Sign in again to continue: what you sent has been kept "
            "and will be in the form again. Attach the files again."
        )
    return _(
        "Your session has ended. Sign in again to continue: what you sent has been kept "
        "and will be in the form again."
    )


def kept_form(endpoint: str, **view_args: Any) -> services.Kept | None:
    """The form kept for the signed-in member by `?kept=…`, if it was sent to `endpoint`
    with these view arguments; given once, then gone."""
    token = request.args.get("kept")
    # As keep_form makes them (token_urlsafe): anything else is no kept form's, and a NUL in
    # it would be an error from PostgreSQL rather than "nothing kept".
    if not token or not _KEPT_TOKEN.fullmatch(token):
        return None
    return services.take_kept_form(
        db.session,
        token,
        current_staff().id,
        endpoint=endpoint,
        view_args=view_args,
        now=services.utcnow(),
    )
