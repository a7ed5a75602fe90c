"""The registrar enters a complaint that came on paper, by post or in person, and prints
the coupon: the same numbering as online filing, and the name of who accepted it."""

from __future__ import annotations

from datetime import date, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ServiceUnavailable

from complaints import directory, services
from complaints.kept_files import read_attachments
from complaints.mail import schedule_delivery
from complaints.public.filing import (
    _with_choices,
    code_still_valid,
    file_with_attachments,
    form_again,
    form_not_saved,
    submitted_complaint,
)
from complaints.staff import blueprint
from complaints.staff.auth import current_staff, kept_form, staff_required
from complaints.staff.forms import RegisterForm
from complaints.web import akimat_phone, legal_basis
from qyzmet.i18n import current_language, force_locale, translation_context
from qyzmet.templating import ALMATY

TEMPLATE = "staff/register.html"


@blueprint.route("/register/", methods=["GET", "POST"])
@staff_required("registrar", keep_for="staff.register")
def register():
    lang = current_language()
    staff = current_staff()
    kept = kept_form("staff.register") if request.method == "GET" else None
    # Flask-WTF reads the request unless given other data; None would mean no data at all.
    form = RegisterForm(formdata=MultiDict(kept.fields)) if kept else RegisterForm()
    form = _with_choices(form, lang)
    # A registrar registers for their own akimat only, whatever the form says.
    form.akimat.choices = [c for c in form.akimat.choices if c.value == staff.akimat_id]
    if request.method == "GET":
        form.akimat.data = staff.akimat_id
        # Most applicants write in the language the office works in; the registrar changes it
        # for the others. (A kept form keeps the language that was chosen.)
        if form.language.data is None:
            form.language.data = lang
        if kept:
            flash(
                _(
                    "Your session ended before the complaint was registered. What you sent is "
                    "in the form below; files are not kept, so attach them again, check the "
                    "form and send it."
                ),
                "error",
            )
        return render_template(TEMPLATE, form=form)
    if form.website.data:
        abort(400)
    valid = form.validate()
    received_at = None
    if form.received_on.data and form.received_time.data:
        received_at = datetime.combine(form.received_on.data, form.received_time.data, ALMATY)
        if received_at > services.utcnow():
            form.received_on.errors = [_("The date it was received cannot be in the future")]
            valid = False
    attaching = read_attachments(form.attachments)
    if attaching.remove is not None:
        # "Remove" on a kept file: the form comes back as it was sent, nothing checked yet.
        attaching.remove_requested()
        return form_again(TEMPLATE, form, attaching, status=400 if attaching.errors else 200)
    if not valid or attaching.errors:
        return form_again(TEMPLATE, form, attaching, status=400)
    akimat = directory.akimat(staff.akimat_id)
    # The applicant's language, not the registrar's screen's: the receipt and every later
    # email go in it. The coupon printed below stays in the page's language.
    new = submitted_complaint(form, akimat, channel=form.channel.data, lang=form.language.data)
    try:
        filed = file_with_attachments(new, attaching, accepted_by=staff, received_at=received_at)
    except services.ComplaintError as error:
        if error.reason != "kept_file_gone":
            raise
        attaching.gone(error.details["token"])
        return form_again(TEMPLATE, form, attaching, status=400)
    except ServiceUnavailable as error:
        message = _(
            "The complaint was not registered and has no number yet: the service is busy or "
            "temporarily unavailable. What you entered is kept below. Wait a minute and send "
            "the form again."
        )
        return form_not_saved(TEMPLATE, form, attaching, error, message)
    schedule_delivery(current_app._get_current_object())  # type: ignore[attr-defined]
    complaint = filed.complaint
    if not filed.created and not code_still_valid(complaint, filed.access_code):
        # The form sent again after the akimat issued a new code: its coupon would print the
        # old one, which no longer works.
        flash(
            _(
                "This form was already sent and the complaint is registered. A new access code "
                "has been issued for it since, so its first coupon is not printed again."
            ),
            "info",
        )
        return redirect(url_for(".complaint", complaint_id=complaint.id), 303)
    return render_template(
        "staff/registered.html",
        complaint=complaint,
        first_time=filed.created,
        coupon=applicant_coupon(complaint, filed.access_code),
    )


def applicant_coupon(
    complaint, access_code: str, *, replaced_on: date | None = None, issued_by: str = ""
) -> Markup:
    """The coupon in the language of the applicant's letters: it is the applicant's paper,
    whichever language the registrar works in. A code issued in place of a lost one says so,
    with the day and who issued it: an applicant who finds the first coupon again knows which
    one counts."""
    lang = complaint.language
    with force_locale(lang):
        html = render_template(
            "staff/_coupon.html",
            complaint=complaint,
            access_code=access_code,
            replaced_on=replaced_on,
            issued_by=issued_by,
            akimat=directory.akimat(complaint.akimat_id, lang),
            akimat_phones=akimat_phone(complaint.akimat_id),
            basis=legal_basis(complaint.deadline_rule, lang),
            # Paper has no links: the whole address, the number filled in.
            track_url=current_app.config["SITE_URL"]
            + url_for("complaints_public.track", lang_code=lang)
            + "?number="
            + complaint.registration_number,
            **translation_context(),
        )
    return Markup(html)  # noqa: S704  # nosec B704  # an autoescaped template's output
