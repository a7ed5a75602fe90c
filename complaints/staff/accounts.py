"""Signing in and out, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from complaints import services
from complaints.models import StaffUser
from complaints.public.forms import clean_line
from complaints.staff import blueprint
from complaints.staff.auth import (
    check_password,
    current_staff,
    hash_password,
    needs_rehash,
    staff_required,
    start_session,
)
from complaints.staff.forms import LoginForm, PasswordChangeForm
from qyzmet.config import LANGUAGES
from qyzmet.extensions import db, limiter
from qyzmet.i18n import current_language


def _failed(response) -> bool:
    """Only failed sign-ins count against the limits; a success is a redirect."""
    return response.status_code != 302


def _account_email(text: str | None) -> str:
    """The address as accounts are looked up by: the login form's cleaning, then lower case.

    The per-email limit keys on it too, so every spelling the lookup reads as one address
    (a control character added, another Unicode form) draws on one allowance of tries.
    """
    return (clean_line(text) or "").lower()


def _email_key() -> str:
    # Longer than the form accepts is refused anyway; the cut keeps the keys small.
    return "login:" + _account_email(request.form.get("email"))[:254]


def _account_key() -> str:
    """Password-change tries count per account, whichever session or address they come from."""
    return f"password:{current_staff().id}"


# Path segments a browser resolves to this or the parent folder ("%2e" is a dot to it).
_DOT_SEGMENTS = frozenset({".", "..", "%2e", ".%2e", "%2e.", "%2e%2e"})


def _safe_next(target: str | None, lang: str) -> str | None:
    """Follow `next` only within our own staff pages, never to another site, and show the
    page in `lang`, the member's own language.

    The path must stay under /<lang>/staff/ as the browser resolves it, so no dot segments
    (`/kk/staff/../..//evil.example` is `//evil.example` to the browser), no empty segment
    and no backslash, which browsers read as a slash.
    """
    if not target:
        return None
    try:
        parts = urlsplit(target)
    except ValueError:  # "//[": no address at all (an unclosed IPv6 host)
        return None
    path = parts.path
    page_lang, _slash, rest = path[1:].partition("/")
    if (
        parts.scheme
        or parts.netloc
        or not path.startswith("/")
        or page_lang not in LANGUAGES
        or not rest.startswith("staff/")
        or "\\" in path
        or "//" in path
        or any(segment.lower() in _DOT_SEGMENTS for segment in path.split("/"))
    ):
        return None
    return f"/{lang}/{rest}" + (f"?{parts.query}" if parts.query else "")


def _own_language(staff: StaffUser) -> str:
    """The language the member works in, as the administrator set it; the sign-in page's
    for an account without one."""
    return staff.language if staff.language in LANGUAGES else current_language()


@blueprint.route("/login/", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"], deduct_when=_failed)
@limiter.limit("5/15 minutes", methods=["POST"], key_func=_email_key, deduct_when=_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        found = db.session.execute(
            db.select(StaffUser).where(StaffUser.email == _account_email(form.email.data))
        ).scalar_one_or_none()
        staff = found if found is not None and found.active else None
        # One verification whatever the account (a dummy hash when there is no usable one), so
        # the time taken does not tell an unknown or disabled address from a real one.
        if check_password(staff, form.password.data):
            new_hash = hash_password(form.password.data) if needs_rehash(staff) else None
            services.record_login(db.session, staff.id, services.utcnow(), new_hash)
            # A new session on sign-in: nothing from before (a planted cookie) carries over.
            start_session(staff)
            # To the back office in the member's own language, whichever the sign-in page
            # was in (a shared computer left on the other one, a link from a colleague).
            lang = _own_language(staff)
            return redirect(
                _safe_next(request.args.get("next"), lang) or url_for(".queue", lang_code=lang)
            )
        form.password.errors = [_("The email address or the password is not right.")]
        return render_template("staff/login.html", form=form), 400
    status = 400 if request.method == "POST" else 200
    return render_template("staff/login.html", form=form), status


@blueprint.post("/logout/")
@staff_required()
def logout():
    # The cookie is only signed, not stored: clearing it here would leave any copy of it
    # working. Moving the account's session version on refuses every copy, on every device.
    services.end_sessions(db.session, current_staff().id)
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for(".login"))


@blueprint.route("/password/", methods=["GET", "POST"])
@staff_required()
# The same allowance as signing in: a session left open must not let anyone guess the
# password behind it. Below staff_required, so only signed-in members' tries are counted.
@limiter.limit("20/minute", methods=["POST"], deduct_when=_failed)
@limiter.limit("5/15 minutes", methods=["POST"], key_func=_account_key, deduct_when=_failed)
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        staff = current_staff()
        if not check_password(staff, form.current_password.data):
            form.current_password.errors = [_("The current password is not right.")]
            return render_template("staff/password.html", form=form), 400
        staff = services.set_password(db.session, staff.id, hash_password(form.new_password.data))
        # This session stays signed in under the new version; every other one is signed out.
        start_session(staff)
        flash(_("Your password has been changed. Other sessions have been signed out."), "success")
        return redirect(url_for(".queue"))
    status = 400 if request.method == "POST" else 200
    return render_template("staff/password.html", form=form), status
