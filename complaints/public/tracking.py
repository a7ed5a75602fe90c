"""Tracking: number and access code in, status and public history out.

A successful lookup grants the browser session access to that one complaint for an hour,
so the applicant can reload the page, withdraw or answer the survey without retyping the code.
"""

from __future__ import annotations

import contextlib
import time

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from complaints import directory, services
from complaints.appeal import GUIDE_COMPLAINT_SECTION, appeal_route
from complaints.domain.numbering import InvalidRegistrationNumber, parse_registration_number
from complaints.domain.workflow import Action, Role, State, TransitionNotAllowed, allowed_actions
from complaints.mail import schedule_delivery
from complaints.models import Complaint, SurveyResponse
from complaints.public import blueprint
from complaints.public.forms import SurveyForm, TrackForm, WithdrawForm, clean_line
from complaints.web import (
    complaint_due_status,
    deadline_basis,
    messages,
    outcome_label,
    secret,
    state_label,
    timeline,
)
from qyzmet.extensions import db, limiter
from qyzmet.i18n import current_language

GRANT_SECONDS = 3600
TRACKING_LIMIT_PER_ADDRESS = "20/minute;200/day"
TRACKING_LIMIT_PER_NUMBER = "5/minute;30/day"


def _number_key() -> str:
    """The per-number bucket: the number as the lookup reads it, whichever way it was spelled,
    from this address.

    Keyed on the raw text, every spelling the form accepts (a NUL added, another kind of dash)
    would bring its own allowance of guesses at the same complaint's code. Keyed on the number
    alone, anyone could lock its applicant out of their own complaint for good: numbers are
    sequential, and 30 wrong codes a day from anywhere would use up everyone's allowance,
    the right code included. Against guessing from many addresses the code's 50 bits are the
    defence: 100,000 addresses, each held to 30 tries a day at one number, would need some
    500,000 years on average to find its code.
    """
    typed = clean_line(request.form.get("registration_number")) or ""
    try:
        number = str(parse_registration_number(typed))
    except InvalidRegistrationNumber:
        # Not a number, so no complaint to protect; the cut keeps the keys small.
        number = typed.upper()[:40]
    return f"track:{number}:{get_remote_address()}"


def _grant(number: str) -> None:
    grants = {k: v for k, v in session.get("tracked", {}).items() if v > time.time()}
    grants[number] = time.time() + GRANT_SECONDS
    session["tracked"] = grants


def _granted_complaint(number: str) -> Complaint:
    """The complaint this browser looked up within the hour; else the tracking form asks for
    the access code (abort with a redirect).

    The status page's address is the one an applicant bookmarks, and the grant ends with the
    hour or the browser: "page not found" there read as if the complaint were gone.
    """
    try:
        # As the number is stored and granted: a link typed in lower case, or with another
        # dash, opens the same page.
        number = str(parse_registration_number(number))
    except InvalidRegistrationNumber:
        abort(_ask_for_the_access_code(number))
    complaint = None
    if session.get("tracked", {}).get(number, 0) >= time.time():
        complaint = db.session.execute(
            db.select(Complaint).where(Complaint.registration_number == number)
        ).scalar_one_or_none()
    if complaint is None:
        abort(_ask_for_the_access_code(number))
    return complaint


def _ask_for_the_access_code(number: str):
    """The tracking form with the number filled in, the same for any well-formed number:
    without a grant the database is not asked, so the answer tells nothing about whether
    such a complaint exists. 303, so a withdrawal or survey sent after the hour is not
    sent again by the browser."""
    try:
        canonical = str(parse_registration_number(number))
    except InvalidRegistrationNumber:
        flash(_("Enter the registration number and the access code from your receipt."), "info")
        return redirect(url_for(".track"), 303)
    flash(
        _(
            "The complaint's page opens only with its access code: "
            "enter the code from your receipt."
        ),
        "info",
    )
    return redirect(url_for(".track", number=canonical), 303)


@blueprint.route("/track/", methods=["GET", "POST"])
@limiter.limit(TRACKING_LIMIT_PER_ADDRESS, methods=["POST"])
@limiter.limit(TRACKING_LIMIT_PER_NUMBER, methods=["POST"], key_func=_number_key)
def track():
    form = TrackForm()
    if form.validate_on_submit():
        complaint = services.find_for_applicant(
            db.session, form.registration_number.data, form.access_code.data, secret()
        )
        if complaint is not None:
            _grant(complaint.registration_number)
            return redirect(url_for(".tracked", number=complaint.registration_number))
        # One message for a wrong code and an unknown number: neither is confirmed.
        form.access_code.errors = [
            _(
                "No complaint matches this registration number and access code. "
                "Check both and try again."
            )
        ]
        return render_template("complaints/track.html", form=form), 400
    if request.method != "POST":
        # From the receipt: the number it has just shown is filled in (WCAG 3.3.7, redundant
        # entry). The access code never travels in a link; the applicant types or pastes it.
        with contextlib.suppress(InvalidRegistrationNumber):
            form.registration_number.data = str(
                parse_registration_number(request.args.get("number", ""))
            )
    status = 400 if request.method == "POST" else 200
    return render_template("complaints/track.html", form=form), status


@blueprint.get("/track/<number>/")
def tracked(number: str):
    complaint = _granted_complaint(number)
    return _render_tracked(complaint)


def _same_applicants(complaint: Complaint, other_id: int | None) -> Complaint | None:
    """The complaint this one was forwarded to or from, granted to this browser too: it is
    the same complaint under another akimat's number, opened by the same access code, so the
    link to it opens its page instead of asking for the code again."""
    other = db.session.get(Complaint, other_id) if other_id else None
    if other is None or other.access_code_hash != complaint.access_code_hash:
        return None
    _grant(other.registration_number)
    return other


def _render_tracked(complaint: Complaint, withdraw_form=None, survey_form=None, status=200):
    lang = current_language()
    state = State(complaint.status)
    can_withdraw = Action.WITHDRAW in allowed_actions(state, Role.APPLICANT)
    survey_open = state == State.ANSWERED and (
        db.session.execute(
            db.select(SurveyResponse.id).where(SurveyResponse.complaint_id == complaint.id)
        ).first()
        is None
    )
    forwarded_to = _same_applicants(complaint, complaint.forwarded_to_id)
    forwarded_from = _same_applicants(complaint, complaint.forwarded_from_id)
    page = render_template(
        "complaints/tracked.html",
        complaint=complaint,
        state_label=state_label(complaint.status, lang),
        outcome=outcome_label(complaint.outcome, lang),
        due_status=complaint_due_status(complaint),
        basis=deadline_basis(complaint, lang),
        akimat=directory.akimat(complaint.akimat_id, lang),
        service_title=directory.service_title(complaint.service_id, lang),
        # As the receipt, the coupon and the receipt email name it.
        office_name=directory.body_name(complaint.office_id, lang),
        entries=timeline(complaint, lang, public_only=True),
        forwarded_to=forwarded_to,
        forwarded_to_akimat=directory.body_name(forwarded_to.akimat_id, lang)
        if forwarded_to
        else None,
        forwarded_from=forwarded_from,
        forwarded_from_akimat=directory.body_name(forwarded_from.akimat_id, lang)
        if forwarded_from
        else None,
        # A decision the applicant may disagree with: where to turn next.
        appeal=appeal_route(complaint.service_id, lang)
        if state in (State.ANSWERED, State.LEFT_WITHOUT_REVIEW)
        else None,
        guide_complaint_section=GUIDE_COMPLAINT_SECTION,
        withdraw_form=(withdraw_form or WithdrawForm(version=complaint.version))
        if can_withdraw
        else None,
        survey_form=(survey_form or SurveyForm()) if survey_open else None,
    )
    response = make_response(page, status)
    # The page shows the applicant's name, the answer and the history, and is reached with
    # the access code: never keep it in a cache (a shared computer's, a proxy's).
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to_the_status_page(number: str):
    """A form refused with an error leaves its own address in the address bar, where it can
    be bookmarked or reopened later: it opens the status page, not "method not allowed"."""
    return redirect(url_for(".tracked", number=number), 303)


@blueprint.route("/track/<number>/withdraw/", methods=["GET", "POST"])
def withdraw(number: str):
    complaint = _granted_complaint(number)
    if request.method != "POST":
        return _back_to_the_status_page(number)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return _render_tracked(complaint, withdraw_form=form, status=400)
    try:
        services.withdraw(
            db.session,
            complaint.id,
            version=int(form.version.data),
            reason=form.reason.data,
            now=services.utcnow(),
            messages=messages,
        )
    except services.StaleComplaint:
        flash(
            _("The complaint changed while you were reading it. Check its status and try again."),
            "error",
        )
        return redirect(url_for(".tracked", number=number))
    except TransitionNotAllowed as refusal:
        # Withdrawn already (a second click) or closed meanwhile: the state says which.
        flash(
            _(
                "This complaint is now “%(state)s”, so it can no longer be withdrawn.",
                state=state_label(refusal.state.value, current_language()),
            ),
            "error",
        )
        return redirect(url_for(".tracked", number=number))
    schedule_delivery(current_app._get_current_object())  # type: ignore[attr-defined]
    flash(_("Your complaint has been withdrawn."), "success")
    return redirect(url_for(".tracked", number=number))


@blueprint.route("/track/<number>/survey/", methods=["GET", "POST"])
def survey(number: str):
    complaint = _granted_complaint(number)
    if request.method != "POST":
        return _back_to_the_status_page(number)
    form = SurveyForm()
    if not form.validate_on_submit():
        return _render_tracked(complaint, survey_form=form, status=400)
    try:
        services.answer_survey(
            db.session,
            complaint.id,
            procedure=form.procedure.data,
            timeliness=form.timeliness.data,
            now=services.utcnow(),
        )
    except services.ComplaintError:
        flash(_("The survey for this complaint is closed."), "error")
    else:
        flash(_("Thank you. Your answers help the akimat improve."), "success")
    return redirect(url_for(".tracked", number=number))
