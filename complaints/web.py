"""What the complaint pages share: the calendar, the secret, the messages, the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from complaints import directory
from complaints.domain.calendar import DEFAULT_TRANSFERS_PATH, WorkingCalendar
from complaints.domain.deadlines import EXTENSION_RULE, DueStatus, deadline_rule, due_status
from complaints.domain.workflow import OUTCOME_LABELS, STATE_LABELS, Outcome, State
from complaints.mail import TemplateMessages
from complaints.models import Complaint, ComplaintEvent
from qyzmet.extensions import db
from qyzmet.templating import ALMATY

messages = TemplateMessages()


def working_calendar() -> WorkingCalendar:
    """One calendar per app: it caches each year's working days."""
    calendar = current_app.extensions.get("working_calendar")
    if calendar is None:
        calendar = WorkingCalendar(
            current_app.config.get("DAY_TRANSFERS_PATH") or DEFAULT_TRANSFERS_PATH
        )
        current_app.extensions["working_calendar"] = calendar
    return calendar


def secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_ROOT"])


def today_in_almaty() -> date:
    from complaints.services import utcnow

    return utcnow().astimezone(ALMATY).date()


def state_label(status: str, lang: str) -> str:
    return STATE_LABELS[State(status)][lang]


def outcome_label(outcome: str | None, lang: str) -> str:
    return OUTCOME_LABELS[Outcome(outcome)][lang] if outcome else ""


def legal_basis(rule_kind: str, lang: str) -> str:
    return deadline_rule(rule_kind).basis.citation(lang)


def deadline_basis(complaint: Complaint, lang: str) -> str:
    """What set the complaint's due date: its rule, and, once the head has extended it, the
    extension's basis too. An extended date shown under the rule's article alone would claim
    the law gave a longer review than it does."""
    basis = legal_basis(complaint.deadline_rule, lang)
    extended = db.session.execute(
        db.select(ComplaintEvent.id)
        .where(ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.action == "extend")
        .limit(1)
    ).first()
    if extended is None:
        return basis
    return _(
        "%(basis)s; extended by the akimat's reasoned decision (%(extension_basis)s)",
        basis=basis,
        extension_basis=legal_basis(EXTENSION_RULE, lang),
    )


def complaint_due_status(complaint: Complaint) -> DueStatus | None:
    """Overdue / due soon / later — computed now, for open complaints only."""
    if State(complaint.status) in {
        State.ANSWERED,
        State.FORWARDED,
        State.LEFT_WITHOUT_REVIEW,
        State.WITHDRAWN,
    }:
        return None
    return due_status(complaint.due_on, today_in_almaty(), working_calendar())


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    title: str
    note: str | None
    public: bool
    actor: str | None
    # What the event's record adds to its title, in words: an office dropped on forwarding,
    # a forwarding made late (for staff only).
    remark: str | None = None


def timeline(complaint: Complaint, lang: str, *, public_only: bool) -> list[TimelineEntry]:
    """The complaint's history in words; the applicant sees only the public entries."""
    entries = []
    for event in complaint.events:
        if public_only and not event.public:
            continue
        entries.append(
            TimelineEntry(
                at=event.at,
                title=event_title(event, lang),
                note=event.note,
                public=event.public,
                actor=None if public_only else event.actor_name,
                remark=_event_remark(event, lang, for_staff=not public_only),
            )
        )
    return entries


def _event_remark(event: ComplaintEvent, lang: str, *, for_staff: bool) -> str | None:
    details = event.details or {}
    if event.action == "forwarded_in" and details.get("office_dropped"):
        return _(
            "%(akimat)s does not serve the office “%(office)s”, so the complaint no longer "
            "names it.",
            office=directory.body_name(details["office_dropped"], lang),
            akimat=directory.body_name(event.complaint.akimat_id, lang),
        )
    # Counted in the reports; the applicant was told of the forwarding, late or not.
    if for_staff and event.action == "forward" and details.get("forwarded_late"):
        return _(
            "Forwarded late: the deadline was %(date)s; working days late: %(days)s.",
            date=_format_date(details.get("forwarding_due_on")),
            days=details.get("working_days_late"),
        )
    return None


def event_title(event: ComplaintEvent, lang: str) -> str:
    details = event.details or {}
    action = event.action
    if action == "filed":
        return _("Complaint received and registered")
    if action == "extend":
        return _(
            "Review period extended to %(date)s",
            date=_format_date(details.get("new_due_on")),
        )
    if action == "forward":
        target = details.get("registration_number")
        body = details.get("body") or directory.body_name(details.get("akimat_id"), lang)
        if target:
            return _("Forwarded to %(body)s (new number %(number)s)", body=body, number=target)
        return _("Forwarded to %(body)s", body=body)
    if action == "forwarded_in":
        return _(
            "Received by forwarding from %(akimat)s, complaint %(number)s",
            akimat=directory.body_name(details.get("from_akimat_id"), lang),
            number=details.get("from_number"),
        )
    if action == "add_note":
        return _("Note")
    if action == "approve_answer":
        return _("Answer given: %(outcome)s", outcome=outcome_label(details.get("outcome"), lang))
    if action == "draft_answer":
        return _("Answer drafted: %(outcome)s", outcome=outcome_label(details.get("outcome"), lang))
    if action in {"assign", "reassign"}:
        return _("Executor assigned: %(name)s", name=details.get("executor_name", ""))
    if action == "return_draft":
        # Its new state, "in review", would read as if the review had only started.
        return _("Draft answer returned for revision")
    if action == "issue_access_code":
        if details.get("issued_with"):
            # Issued at another complaint of its forwarding chain: one code for them all.
            return _(
                "New access code issued (with complaint %(number)s)",
                number=details["issued_with"],
            )
        return _("New access code issued")
    if event.to_status and event.to_status != event.from_status:
        return state_label(event.to_status, lang)
    return action


def _format_date(value: str | None) -> str:
    from qyzmet.templating import long_date

    return long_date(date.fromisoformat(value)) if value else ""


def akimat_phone(akimat_id: str) -> list[str]:
    body = directory.akimat(akimat_id)
    return list(body.phones) if body else []
