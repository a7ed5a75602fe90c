"""Filing a complaint: the form, the receipt, and the downloadable coupon."""

from __future__ import annotations

import re
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable
from wtforms import HiddenField
from wtforms.fields.choices import SelectChoice

from complaints import directory, services
from complaints.coupon import build_coupon_pdf
from complaints.domain.access_code import derive_access_code, verify_access_code
from complaints.kept_files import Attaching, file_size, kept_root, read_attachments
from complaints.mail import schedule_delivery
from complaints.models import Complaint
from complaints.public import blueprint
from complaints.public.forms import ComplaintForm
from complaints.web import (
    akimat_phone,
    legal_basis,
    messages,
    secret,
    upload_root,
    working_calendar,
)
from guide.schema import Body
from qyzmet.extensions import db, limiter
from qyzmet.forms import Form
from qyzmet.i18n import current_language
from qyzmet.templating import local_datetime, long_date

# Filings, counted when a complaint is filed: a citizen who corrects a form five times in a
# minute is not a flood. Every POST, rejected ones included, counts against the looser limit.
FILING_LIMIT = "5/minute;40/hour"
POST_LIMIT = "20/minute;200/hour"
# The receipt again (another language) and its PDF coupon. Their key cannot be guessed, so the
# limit only bounds the work; it is loose because applicants in a service centre's hall share
# one address, and a refusal replaces the only page that shows the code.
RECEIPT_LIMIT = "30/minute;300/hour"
# `secrets.token_urlsafe(24)`, which every form we hand out carries: anything else was not ours.
_SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
# The key a filed complaint is kept under (`services.submission_key`), which a receipt's
# coupon form sends back.
_COUPON_KEY = re.compile(r"[A-Za-z0-9_-]{16,32}:[0-9a-f]{31}")
TEMPLATE = "complaints/new.html"


# "Attached: scan.pdf, 1,2 MB", on this form and the registrar's.
blueprint.add_app_template_filter(file_size, "file_size")


def _filed(response) -> bool:
    return response.status_code == 200 and getattr(response, "filed", False)


def _with_choices(form: ComplaintForm, lang: str) -> ComplaintForm:
    form.akimat.choices = as_choices(directory.akimat_groups(lang))
    form.service.choices = as_choices(directory.service_groups(lang))
    form.office.choices = as_choices(directory.office_groups(lang))
    return form


_CHOICES: dict[int, tuple[list[directory.ChoiceGroup], list[SelectChoice]]] = {}


def as_choices(groups: list[directory.ChoiceGroup]) -> list[SelectChoice]:
    """WTForms' choices for a directory list, built once per list (one per language and
    content version), not on every form: the three lists hold every akimat, service and office.

    The list is shared between forms; WTForms only reads it.
    """
    hit = _CHOICES.get(id(groups))
    if hit is None or hit[0] is not groups:
        if len(_CHOICES) >= 64:  # old content versions' lists, after many reloads
            _CHOICES.clear()
        choices = [
            SelectChoice(choice.value, choice.label, optgroup=group.label)
            for group in groups
            for choice in group.choices
        ]
        hit = _CHOICES[id(groups)] = (groups, choices)
    return hit[1]


class CouponForm(Form):
    # Labelled, as every hidden field: WTForms would translate an unlabelled field's name,
    # loading its own catalogue from disk for the request.
    key = HiddenField("Key")


@blueprint.route("/new/", methods=["GET", "POST"])
@limiter.limit(POST_LIMIT, methods=["POST"])
@limiter.limit(FILING_LIMIT, methods=["POST"], deduct_when=_filed)
def new_complaint():
    lang = current_language()
    form = _with_choices(ComplaintForm(), lang)
    if request.method != "POST":  # GET, and HEAD with it
        # Coming from a guide page: the service, the akimat or the office are already chosen;
        # an office's page leaves the akimat to the one the office is part of.
        if (akimat_id := request.args.get("akimat")) and directory.akimat(akimat_id):
            form.akimat.data = akimat_id
        service_id = request.args.get("service")
        if service_id and directory.service_title(service_id, lang) != service_id:
            form.service.data = service_id
        if (office_id := request.args.get("office")) and directory.office(office_id):
            form.office.data = office_id
            if not form.akimat.data and (over := directory.akimat_over(office_id)):
                form.akimat.data = over.id
        return render_template("complaints/new.html", form=form)

    if form.website.data or not _SUBMISSION_KEY.fullmatch(form.submission_token.data or ""):
        # Only software fills the hidden field or forges the key: refuse, saving nothing.
        abort(400)
    attaching = read_attachments(form.attachments)
    if attaching.remove is not None:
        # "Remove" on a kept file: the form comes back as it was sent, nothing checked yet.
        attaching.remove_requested()
        return form_again(TEMPLATE, form, attaching, status=400 if attaching.errors else 200)
    valid = form.validate()
    if not valid or attaching.errors:
        return form_again(TEMPLATE, form, attaching, status=400)

    new = submitted_complaint(form, directory.akimat(form.akimat.data), channel="web", lang=lang)
    try:
        filed = file_with_attachments(new, attaching)
    except services.ComplaintError as error:
        if error.reason != "kept_file_gone":
            raise
        attaching.gone(error.details["token"])
        return form_again(TEMPLATE, form, attaching, status=400)
    except ServiceUnavailable as error:
        return _not_saved(form, attaching, error)
    schedule_delivery(current_app._get_current_object())  # type: ignore[attr-defined]
    if not filed.created and not code_still_valid(filed.complaint, filed.access_code):
        return _code_replaced(filed.complaint)
    response = render_receipt(
        filed.complaint, filed.access_code, filed.submission_key, first_time=filed.created
    )
    response.filed = filed.created  # a resubmission of the same form is not a new filing
    return response


def file_with_attachments(
    new: services.NewComplaint, attaching: Attaching, **extra: Any
) -> services.Filed:
    """File `new` with the form's files, those kept from earlier tries first: the applicant's
    form and the registrar's alike (`extra`: who accepted it, when it was received)."""
    return services.file_complaint(
        db.session,
        new,
        attaching.new,
        now=services.utcnow(),
        calendar=working_calendar(),
        secret=secret(),
        upload_root=upload_root(),
        messages=messages,
        kept=attaching.kept,
        kept_root=kept_root(),
        **extra,
    )


def form_again(template: str, form: Form, attaching: Attaching, *, status: int):
    """A filing form with what was sent, the files that passed their checks kept and shown as
    attached, and what to put right (the applicant's form and the registrar's)."""
    attaching.hold_new()
    if attaching.errors:
        # The field shows one message: all of them in it.
        form.attachments.errors = [". ".join(attaching.errors)]
    return render_template(template, form=form, kept=attaching.kept), status


def _not_saved(form: ComplaintForm, attaching: Attaching, error: ServiceUnavailable):
    """The form again, as the applicant filled it in, when the database or the attachments
    folder failed: a complaint of several paragraphs typed on a phone is not lost to a busy
    minute. The form keeps its submission key, so sending it again files it once."""
    message = _(
        "Your complaint was not saved and has no registration number yet: the service is "
        "busy or temporarily unavailable. What you entered is kept below. Wait a minute "
        "and send the form again."
    )
    return form_not_saved(TEMPLATE, form, attaching, error, message)


def form_not_saved(
    template: str, form: Form, attaching: Attaching, error: ServiceUnavailable, message: str
):
    """A filing form given back with `message`, a 503 and its Retry-After: what was typed is
    kept, and so are the files kept from an earlier try; the files sent now could not be kept
    (the database or the disk is what failed), so they are named to be attached again."""
    flash(message, "error")
    if attaching.new:
        form.attachments.errors = [
            _(
                "Attach %(names)s again: they could not be kept",
                names=", ".join(file.name for file in attaching.new),
            )
        ]
    page = render_template(template, form=form, kept=attaching.kept)
    return page, 503, {"Retry-After": str(error.retry_after)}


def submitted_complaint(
    form: ComplaintForm, akimat: Body, *, channel: str, lang: str
) -> services.NewComplaint:
    """The validated form as the use case's input (the staff registration form is one too)."""
    return services.NewComplaint(
        akimat_id=akimat.id,
        akimat_code=akimat.code,
        channel=channel,
        language=lang,
        applicant=services.Applicant(
            name=form.full_name.data,
            reply_channel=form.reply_channel.data,
            iin=form.iin.data or None,
            phone=form.phone.data or None,
            email=form.email.data or None,
            address=form.address.data or None,
        ),
        subject=form.subject.data,
        text=form.text.data,
        submission_token=form.submission_token.data,
        service_id=form.service.data or None,
        office_id=form.office.data or None,
    )


def render_receipt(complaint: Complaint, access_code: str, coupon_key: str, *, first_time: bool):
    lang = current_language()
    akimat = directory.akimat(complaint.akimat_id, lang)
    page = render_template(
        "complaints/receipt.html",
        complaint=complaint,
        access_code=access_code,
        first_time=first_time,
        akimat=akimat,
        akimat_phones=akimat_phone(complaint.akimat_id),
        basis=legal_basis(complaint.deadline_rule, lang),
        service_title=directory.service_title(complaint.service_id, lang),
        office_name=directory.body_name(complaint.office_id, lang),
        coupon_key=coupon_key,
        # The language switcher posts the key to `receipt` rather than linking (base.html).
        language_switch_key=coupon_key,
    )
    response = make_response(page)
    # The page shows the access code: never keep it in a cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.post("/receipt/")
@limiter.limit(RECEIPT_LIMIT)
def receipt():
    """The receipt again, in this URL's language: the receipt page's language switcher sends
    its coupon key here, since the page answered a POST and a link would lose it (and the code
    with it, for an applicant who gets no email)."""
    complaint, key, access_code = _complaint_of_the_key()
    return render_receipt(complaint, access_code, key, first_time=True)


def _complaint_of_the_key() -> tuple[Complaint, str, str]:
    """The complaint a receipt's form names by its submission key, the key, and the code it
    derives; 400 for a form we did not hand out, 404 for a key no complaint has."""
    form = CouponForm()
    if not form.validate_on_submit() or not _COUPON_KEY.fullmatch(form.key.data or ""):
        abort(400)
    complaint = services.find_by_submission_key(db.session, form.key.data, secret())
    if complaint is None:
        abort(404)
    access_code = derive_access_code(form.key.data, secret())
    if not code_still_valid(complaint, access_code):
        abort(_code_replaced(complaint))
    return complaint, form.key.data, access_code


def code_still_valid(complaint: Complaint, access_code: str) -> bool:
    """Whether the code a receipt derives from its key still opens the complaint: the akimat
    replaces it when an applicant who lost it asks in person (staff/complaint.py)."""
    return verify_access_code(access_code, complaint.access_code_hash, secret())


def _code_replaced(complaint: Complaint):
    """The tracking form with the number filled in, rather than a receipt or coupon showing a
    code that no longer works. 303: the receipt's form is not sent again."""
    flash(
        _(
            "The access code on this receipt was replaced by a new one that the akimat issued. "
            "Enter the new access code from the coupon the akimat gave you."
        ),
        "info",
    )
    return redirect(url_for(".track", number=complaint.registration_number), 303)


@blueprint.post("/coupon/")
@limiter.limit(RECEIPT_LIMIT)
def coupon():
    """The receipt as a PDF; the form carries the submission key the code derives from."""
    complaint, _key, access_code = _complaint_of_the_key()
    lang = current_language()
    akimat = directory.akimat(complaint.akimat_id, lang)
    rows = [
        (_("Registration number"), complaint.registration_number),
        (_("Access code"), access_code),
        # Paper has no links: the whole address, the number filled in, as the emails and the
        # registrar's coupon give it.
        (
            _("Tracking page"),
            current_app.config["SITE_URL"]
            + url_for("complaints_public.track", lang_code=lang)
            + "?number="
            + complaint.registration_number,
        ),
        (_("Received"), local_datetime(complaint.received_at)),
        (_("Registered on"), long_date(complaint.registered_on)),
        (_("Answer due by"), long_date(complaint.due_on)),
        (_("Legal basis of the deadline"), legal_basis(complaint.deadline_rule, lang)),
        (_("Akimat"), akimat.name if akimat else complaint.akimat_id),
        (_("Akimat's phone"), ", ".join(akimat_phone(complaint.akimat_id)) or "—"),
        (
            _("Accepted by"),
            _("Qyzmet online service")
            if complaint.channel == "web"
            else complaint.accepted_by_name,
        ),
        (_("Applicant"), complaint.applicant_name),
        (_("Service"), directory.service_title(complaint.service_id, lang) or "—"),
        (_("Office"), directory.body_name(complaint.office_id, lang) or "—"),
    ]
    pdf = build_coupon_pdf(
        title=_("Coupon of complaint %(number)s", number=complaint.registration_number),
        rows=rows,
        sections=[(_("Subject"), complaint.subject), (_("Text of the complaint"), complaint.text)],
        footer=_(
            "Keep this coupon. To follow the review, open the tracking page and enter the "
            "registration number and the access code."
        ),
        lang=lang,
    )
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{complaint.registration_number}.pdf"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
