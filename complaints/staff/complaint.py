"""One complaint: its text, files and history, and the actions the state and role allow."""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import ServiceUnavailable
from wtforms.fields.choices import SelectChoice

from complaints import directory, services
from complaints.domain.access_code import generate_access_code
from complaints.domain.deadlines import ForwardingDeadline, forwarding_deadline
from complaints.domain.workflow import (
    ACTION_LABELS,
    TRANSITIONS,
    Action,
    InvalidActionDetails,
    Role,
    State,
    TransitionNotAllowed,
    allowed_actions,
)
from complaints.mail import schedule_delivery
from complaints.models import Attachment, Complaint, Notification, StaffUser
from complaints.public.filing import as_choices
from complaints.staff import blueprint
from complaints.staff.auth import current_staff, kept_form, staff_required
from complaints.staff.forms import (
    AssignForm,
    ConfirmForm,
    DraftAnswerForm,
    ExtendForm,
    ForwardForm,
    IssueAccessCodeForm,
    NoteForm,
    ReasonForm,
    outcome_choices,
)
from complaints.staff.queue import channel_label
from complaints.staff.registration import applicant_coupon
from complaints.web import (
    complaint_due_status,
    deadline_basis,
    messages,
    outcome_label,
    secret,
    state_label,
    timeline,
    today_in_almaty,
    upload_root,
    working_calendar,
)
from qyzmet.extensions import db
from qyzmet.i18n import current_language
from qyzmet.security import NO_STORE
from qyzmet.templating import long_date
from qyzmet.unavailable import TemporarilyUnavailable

log = logging.getLogger(__name__)

FORMS = {
    Action.ASSIGN: AssignForm,
    Action.REASSIGN: AssignForm,
    Action.START_REVIEW: ConfirmForm,
    Action.ADD_NOTE: NoteForm,
    Action.DRAFT_ANSWER: DraftAnswerForm,
    Action.RETURN_DRAFT: ReasonForm,
    Action.APPROVE_ANSWER: ConfirmForm,
    Action.EXTEND: ExtendForm,
    Action.FORWARD: ForwardForm,
    Action.LEAVE_WITHOUT_REVIEW: ReasonForm,
    Action.ISSUE_ACCESS_CODE: IssueAccessCodeForm,
}


def _complaint_in_scope(complaint_id: int) -> Complaint:
    """The complaint if it belongs to the staff member's akimats; 404 otherwise, not 403."""
    complaint = _in_scope(complaint_id)
    if complaint is None:
        abort(404)
    return complaint


def _in_scope(complaint_id: int) -> Complaint | None:
    complaint = db.session.get(Complaint, complaint_id)
    return complaint if complaint is not None and complaint.akimat_id in g.staff_scope else None


def _actions_for(complaint: Complaint) -> list[Action]:
    staff = current_staff()
    actions = allowed_actions(State(complaint.status), Role(staff.role))
    if staff.role == Role.EXECUTOR.value and complaint.executor_id != staff.id:
        actions = [a for a in actions if a not in services.EXECUTOR_ONLY_IF_ASSIGNED]
    return actions


def _form_for(action: Action, complaint: Complaint, formdata=None):
    lang = current_language()
    form = FORMS[action](formdata=formdata, version=str(complaint.version), prefix=action.value)
    if isinstance(form, AssignForm):
        form.executor_id.choices = _executor_choices(complaint)
    if isinstance(form, DraftAnswerForm):
        form.outcome.choices = outcome_choices(lang)
        if formdata is None and complaint.answer:
            form.answer.data = complaint.answer
            form.outcome.data = complaint.outcome
    if isinstance(form, ForwardForm):
        groups = directory.akimat_groups(lang)
        form.forward_akimat.choices = [
            choice for choice in as_choices(groups) if choice.value != complaint.akimat_id
        ]
    return form


def _executor_choices(complaint: Complaint) -> list[SelectChoice]:
    """The akimat's active executors, under a "Choose an executor" that is chosen at first.

    To change the executor, the head picks someone else: the one already assigned is left
    out (the page names them above the form), so the list holds only real changes, and a
    form sent as it comes is refused as "choose an executor" instead of quietly assigning
    whoever sorts first.
    """
    executors = db.session.execute(
        select(StaffUser.id, StaffUser.full_name)
        .where(
            StaffUser.akimat_id == complaint.akimat_id,
            StaffUser.role == Role.EXECUTOR.value,
            StaffUser.active.is_(True),
        )
        .order_by(StaffUser.full_name)
    ).all()
    return [SelectChoice("", _("Choose an executor"))] + [
        SelectChoice(staff_id, name)
        for staff_id, name in executors
        if staff_id != complaint.executor_id
    ]


def _forwarding_deadline(complaint: Complaint) -> ForwardingDeadline | None:
    """The forwarding deadline while the complaint can still be forwarded (by anyone: the
    registrar and the executor are the first to see that it is not the akimat's)."""
    if State(complaint.status) not in TRANSITIONS[Action.FORWARD].from_states:
        return None
    return forwarding_deadline(complaint.registered_on, working_calendar())


def _render(
    complaint: Complaint,
    failed: tuple[Action, object] | None = None,
    status: int = 200,
    unsent: list[str] | None = None,
):
    lang = current_language()
    actions = _actions_for(complaint)
    forms = {action: _form_for(action, complaint) for action in actions}
    forwarding = _forwarding_deadline(complaint)
    if failed is not None:
        forms[failed[0]] = failed[1]
    failed_mail = (
        db.session.execute(
            select(Notification).where(
                Notification.complaint_id == complaint.id, Notification.status == "failed"
            )
        )
        .scalars()
        .all()
    )
    related = {
        "from": db.session.get(Complaint, complaint.forwarded_from_id)
        if complaint.forwarded_from_id
        else None,
        "to": db.session.get(Complaint, complaint.forwarded_to_id)
        if complaint.forwarded_to_id
        else None,
    }
    return render_template(
        "staff/complaint.html",
        complaint=complaint,
        forwarding=forwarding,
        forwarding_basis=forwarding.basis.citation(lang) if forwarding else "",
        forwarding_late=forwarding is not None and forwarding.passed(today_in_almaty()),
        actions=actions,
        forms=forms,
        open_action=failed[0] if failed else None,
        action_labels={action: ACTION_LABELS[action][lang] for action in Action},
        state_label=state_label(complaint.status, lang),
        outcome=outcome_label(complaint.outcome, lang),
        due_status=complaint_due_status(complaint),
        basis=deadline_basis(complaint, lang),
        akimat_name=directory.body_name(complaint.akimat_id, lang),
        service_title=directory.service_title(complaint.service_id, lang),
        office_name=directory.body_name(complaint.office_id, lang),
        channel=channel_label(complaint.channel),
        entries=_with_drafts(complaint, timeline(complaint, lang, public_only=False)),
        executor=db.session.get(StaffUser, complaint.executor_id)
        if complaint.executor_id
        else None,
        failed_mail=failed_mail,
        related=related,
        related_akimat={
            key: directory.body_name(other.akimat_id, lang) if other else None
            for key, other in related.items()
        },
        in_scope=lambda other: other is not None and other.akimat_id in g.staff_scope,
        unsent=unsent or [],
    ), status


def _with_drafts(complaint: Complaint, entries: list) -> list[tuple[object, str | None]]:
    """Each history entry with the answer text its event drafted, if any: drafts the head
    sent back are shown to staff, not lost. (The staff timeline has an entry per event.)"""
    return [
        (entry, (event.details or {}).get("answer") if event.action == "draft_answer" else None)
        for entry, event in zip(entries, complaint.events, strict=True)
    ]


@blueprint.get("/complaints/<int:complaint_id>/")
@staff_required()
def complaint(complaint_id: int):
    complaint = _in_scope(complaint_id)
    kept = kept_form("staff.act", complaint_id=complaint_id)
    if complaint is None:
        # A form kept for a complaint that has since left the member's akimats (forwarded, or
        # the account moved): what they wrote is still theirs to copy; the complaint is not.
        if kept is None:
            abort(404)
        return _render_kept_out_of_reach(kept)
    if kept is None:
        return _render(complaint)
    return _render_kept(complaint, kept)


def _render_kept(complaint: Complaint, kept: services.Kept):
    """The page with the action form its member sent as their session ended, filled in again.

    It is not sent again by itself: the complaint may have moved on meanwhile, so the member
    checks it against the page as it is now.
    """
    return _render_given_back(
        complaint,
        kept.view_args.get("action_name"),
        kept.fields,
        refilled=_(
            "Your session ended before this was saved. What you sent is in the form below: "
            "check it and send it again."
        ),
        to_copy=_(
            "Your session ended before this was saved, and this action is no longer possible "
            "for the complaint. What you wrote is shown below so that you can copy it."
        ),
        nothing_to_copy=_(
            "Your session ended before this was saved, and this action is no longer possible "
            "for the complaint."
        ),
    )


def _render_given_back(
    complaint: Complaint,
    action_name: object,
    fields: list[tuple[str, str]],
    *,
    refilled: str,
    to_copy: str,
    nothing_to_copy: str,
    status: int = 200,
):
    """The page with an action form that was sent but not saved (`fields`, as sent), filled in
    again with the complaint's current version, for its member to check and send again: what
    they typed is never lost to a refusal that is not their mistake. When the action is no
    longer possible, its texts are shown instead, to be copied.
    """
    action = next((a for a in FORMS if a.value == action_name), None)
    if action is not None and action in _actions_for(complaint):
        form = _form_for(action, complaint, formdata=MultiDict(fields))
        form.version.data = str(complaint.version)  # what the member sees now
        flash(refilled, "error")
        return _render(complaint, failed=(action, form), status=status)
    unsent = _unsent_texts(fields)
    flash(to_copy if unsent else nothing_to_copy, "error")  # a decision: nothing to copy
    return _render(complaint, unsent=unsent, status=status)


def _render_kept_out_of_reach(kept: services.Kept):
    unsent = _unsent_texts(kept.fields)
    if unsent:
        message = _(
            "Your session ended before this was saved, and the complaint is no longer among "
            "your akimat's complaints. What you wrote is shown below so that you can copy it."
        )
    else:
        message = _(
            "Your session ended before this was saved, and the complaint is no longer among "
            "your akimat's complaints."
        )
    flash(message, "error")
    return render_template("staff/unsent.html", unsent=unsent)


# The fields whose text is worth giving back when the form itself cannot be.
KEPT_TEXT_FIELDS = ("note", "reason", "answer", "forward_body")


def _unsent_texts(fields: list[tuple[str, str]]) -> list[str]:
    return [
        value
        for name, value in fields
        if value.strip() and name.rpartition("-")[2] in KEPT_TEXT_FIELDS
    ]


def _input_from(action: Action, form) -> services.ActionInput:
    data = {name: field.data for name, field in form._fields.items()}
    forward_akimat = None
    if action == Action.FORWARD and data.get("forward_akimat"):
        body = directory.akimat(data["forward_akimat"])
        forward_akimat = (
            services.Akimat(body.id, body.code, partial(directory.serves, body.id))
            if body
            else None
        )
    return services.ActionInput(
        note=data.get("note"),
        public=data.get("public") if "public" in data else None,
        reason=data.get("reason"),
        outcome=data.get("outcome"),
        answer=data.get("answer"),
        executor_id=data.get("executor_id"),
        new_due_on=data.get("new_due_on"),
        forward_akimat=forward_akimat,
        forward_body=data.get("forward_body"),
    )


FIELD_MESSAGES = {
    "reason": lambda: _("Give the reason"),
    "outcome": lambda: _("Choose the decision"),
    "answer": lambda: _("Write the answer"),
    "note": lambda: _("Write the note"),
    "executor_id": lambda: _("Choose an executor of this akimat"),
    # Shown on the executor's field: the complaint stays as it is.
    "same_executor": lambda: _(
        "This executor is already assigned to the complaint: choose another one"
    ),
    "new_due_on": lambda: _("The new due date must be later than the current one"),
    # Shown on the new date's field: there is no date that would do.
    "deadline_passed": lambda: _(
        "The deadline has already passed, so it can no longer be extended: answer the complaint"
    ),
    "forward_akimat": lambda: _("Choose another akimat"),
    "forward_body": lambda: _("Choose an akimat or name another body"),
}


# Refusals that are not about one input alone, and the field their message is shown on.
SHOWN_ON = {
    "deadline_passed": "new_due_on",
    "day_off": "new_due_on",
    "same_executor": "executor_id",
}


def _day_off_message(form) -> str:
    """The refusal of a new due date on a day off, with the working day a head would pick."""
    day = form.new_due_on.data
    return _(
        "%(day)s is a day off; the next working day is %(next_day)s",
        day=long_date(day),
        next_day=long_date(working_calendar().next_working_day(day)),
    )


@blueprint.post("/complaints/<int:complaint_id>/<action_name>/")
@staff_required("registrar", "head", "executor", keep_for="staff.complaint")
def act(complaint_id: int, action_name: str):
    complaint = _complaint_in_scope(complaint_id)
    try:
        action = Action(action_name)
    except ValueError:
        abort(404)
    if action not in FORMS:
        abort(404)
    form = FORMS[action](prefix=action.value)
    form = _refill_choices(form, action, complaint)
    if not form.validate_on_submit():
        if action not in _actions_for(complaint):
            # The form is no longer on the page to show its errors in (a colleague moved the
            # complaint on): that, not a missing field, is what the member needs to know.
            changed = form.version.data != str(complaint.version)
            return _render_refused(complaint_id, action, changed_meanwhile=changed)
        return _render(complaint, failed=(action, form), status=400)
    data = _input_from(action, form)
    if action == Action.ISSUE_ACCESS_CODE:
        data = replace(data, new_access_code=generate_access_code())
    try:
        services.take_action(
            db.session,
            complaint.id,
            version=int(form.version.data),
            actor=current_staff(),
            scope=g.staff_scope,
            action=action,
            data=data,
            now=services.utcnow(),
            calendar=working_calendar(),
            secret=secret(),
            upload_root=upload_root(),
            messages=messages,
        )
    except services.StaleComplaint:
        # Refused, as it must be, but what the member typed is given back, as after a session
        # that ended: the page as the complaint is now, with their form filled in.
        db.session.rollback()
        return _render_refused(complaint_id, action, changed_meanwhile=True)
    except TransitionNotAllowed:
        # The workflow refused it: the complaint is in a state where this action has no place
        # (the form came from an older page, or was forged). Nothing was saved; as after a
        # conflict, the member sees the complaint as it is now and keeps their text.
        db.session.rollback()
        return _render_refused(complaint_id, action, changed_meanwhile=False)
    except InvalidActionDetails as error:
        field = getattr(form, SHOWN_ON.get(error.field, error.field), None)
        if error.field == "day_off":
            message = _day_off_message(form)
        else:
            message = FIELD_MESSAGES.get(error.field, lambda: _("Check the form"))()
        if field is not None:
            field.errors = [message]
        db.session.rollback()
        complaint = _complaint_in_scope(complaint_id)
        return _render(complaint, failed=(action, form), status=400)
    except services.ComplaintError:
        abort(404)
    except ServiceUnavailable as error:
        # A write stuck behind another, or the attachments folder full: a minute's matter.
        # The complaint as it is, with the member's form filled in to send again. (With the
        # database away altogether, reading the complaint fails too: the "try again" page.)
        db.session.rollback()
        flash(
            _(
                "Nothing was saved: the service is busy or temporarily unavailable. What you "
                "entered is in the form below. Wait a minute and send it again."
            ),
            "error",
        )
        page, status = _render(_complaint_in_scope(complaint_id), failed=(action, form), status=503)
        return page, status, {"Retry-After": str(error.retry_after)}
    schedule_delivery(current_app._get_current_object())  # type: ignore[attr-defined]
    if action == Action.ISSUE_ACCESS_CODE:
        return _access_code_issued(complaint, data.new_access_code)
    flash(_("Done: %(action)s.", action=ACTION_LABELS[action][current_language()]), "success")
    if action in TOLD_TO_THE_APPLICANT and services.email_recipient(complaint) is None:
        flash(_by_post_reminder(complaint, action), "info")
    return redirect(url_for(".complaint", complaint_id=complaint_id))


def _access_code_issued(complaint: Complaint, access_code: str):
    """The new code, shown this once with the coupon to print: no redirect, which would lose
    it (only its HMAC is stored), and no cache may keep the page."""
    page = render_template(
        "staff/access_code_issued.html",
        complaint=complaint,
        coupon=applicant_coupon(
            complaint,
            access_code,
            replaced_on=today_in_almaty(),
            issued_by=current_staff().full_name,
        ),
        emailed=services.email_recipient(complaint) is not None,
    )
    return page, 200, {"Cache-Control": NO_STORE}


# The decisions the applicant is told of (by email, when they get email): the law gives
# some of them a time limit (an extension, a forwarding: within 3 working days).
TOLD_TO_THE_APPLICANT = frozenset(
    {Action.APPROVE_ANSWER, Action.EXTEND, Action.FORWARD, Action.LEAVE_WITHOUT_REVIEW}
)


def _by_post_reminder(complaint: Complaint, action: Action) -> str:
    """No email goes to an applicant who asked for replies by post: the member who took the
    decision is the one to see that a letter is sent."""
    if action == Action.FORWARD:
        return _forwarding_by_post_reminder(complaint)
    if complaint.applicant_address:
        return _(
            "The applicant gets replies by post, not by email: send them this decision by "
            "post, to %(address)s.",
            address=complaint.applicant_address,
        )
    return _("The applicant gave no email address: tell them of this decision by post or by phone.")


def _forwarding_by_post_reminder(complaint: Complaint) -> str:
    """What the letter must say after a forwarding: where the complaint went and, within
    Qyzmet, its new number (the email says the same to those who get email)."""
    lang = current_language()
    forwarded_to = (
        db.session.get(Complaint, complaint.forwarded_to_id) if complaint.forwarded_to_id else None
    )
    if forwarded_to is None:
        where = {"body": complaint.forwarded_to_body}
        if complaint.applicant_address:
            return _(
                "The applicant gets replies by post, not by email: write to them at "
                "%(address)s that the complaint has been forwarded to %(body)s.",
                address=complaint.applicant_address,
                **where,
            )
        return _(
            "The applicant gave no email address: tell them by post or by phone that the "
            "complaint has been forwarded to %(body)s.",
            **where,
        )
    where = {
        "body": directory.body_name(forwarded_to.akimat_id, lang),
        "number": forwarded_to.registration_number,
    }
    if complaint.applicant_address:
        return _(
            "The applicant gets replies by post, not by email: write to them at %(address)s "
            "that the complaint has been forwarded to %(body)s under the new number "
            "%(number)s, and that their access code stays the same.",
            address=complaint.applicant_address,
            **where,
        )
    return _(
        "The applicant gave no email address: tell them by post or by phone that the "
        "complaint has been forwarded to %(body)s under the new number %(number)s, and that "
        "their access code stays the same.",
        **where,
    )


def _render_refused(complaint_id: int, action: Action, *, changed_meanwhile: bool):
    """The complaint as it is now, with 409, after an action that was not saved: the action
    form filled in again if the action is still possible, its texts to copy if not. When the
    action is no longer possible the message names the complaint's status and the action, so
    that the member sees at once what happened (a colleague answered, closed or forwarded it).
    """
    complaint = _complaint_in_scope(complaint_id)
    lang = current_language()
    now_in = {"state": state_label(complaint.status, lang), "action": ACTION_LABELS[action][lang]}
    if changed_meanwhile:
        refilled = _(
            "Someone else changed this complaint while you were working on it. Nothing "
            "was saved. What you sent is in the form below: check the complaint as it is "
            "now and send it again."
        )
        to_copy = _(
            "Someone else changed this complaint while you were working on it: it is now "
            "“%(state)s”, so “%(action)s” is no longer possible. Nothing was saved. What you "
            "wrote is shown below so that you can copy it.",
            **now_in,
        )
        nothing_to_copy = _(
            "Someone else changed this complaint while you were working on it: it is now "
            "“%(state)s”, so “%(action)s” is no longer possible. Nothing was saved.",
            **now_in,
        )
    else:
        refilled = _(
            "This action was refused. Nothing was saved. The complaint is now "
            "“%(state)s”: what you sent is in the form below; check the complaint as it is "
            "now and send it again.",
            **now_in,
        )
        to_copy = _(
            "The complaint is now “%(state)s”, so “%(action)s” is no longer possible. "
            "Nothing was saved. What you wrote is shown below so that you can copy it.",
            **now_in,
        )
        nothing_to_copy = _(
            "The complaint is now “%(state)s”, so “%(action)s” is no longer possible. "
            "Nothing was saved.",
            **now_in,
        )
    return _render_given_back(
        complaint,
        action.value,
        list(request.form.items(multi=True)),
        refilled=refilled,
        to_copy=to_copy,
        nothing_to_copy=nothing_to_copy,
        status=409,
    )


def _refill_choices(form, action: Action, complaint: Complaint):
    """Give a submitted form its choices back (they are not in the request)."""
    template = _form_for(action, complaint)
    for name in ("executor_id", "outcome", "forward_akimat"):
        if hasattr(form, name) and hasattr(template, name):
            getattr(form, name).choices = getattr(template, name).choices
    return form


@blueprint.get("/complaints/<int:complaint_id>/attachments/<int:attachment_id>")
@staff_required()
def attachment(complaint_id: int, attachment_id: int):
    complaint = _complaint_in_scope(complaint_id)
    found = db.session.get(Attachment, attachment_id)
    if found is None or found.complaint_id != complaint.id:
        abort(404)
    path = upload_root() / found.stored_name
    try:
        stored = path.open("rb")
    except OSError as error:
        # The folder unmounted (a shared one, section 14 of docs/deploy.md) or the file gone:
        # a "try again" page for the staff member, and for the operator which file and why.
        log.error(
            "attachment %s of complaint %s could not be read: %s", found.id, complaint.id, error
        )
        raise TemporarilyUnavailable() from error
    response = send_file(
        stored,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
