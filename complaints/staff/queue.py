"""The queue: the akimat's complaints, counted by status, filtered, sorted by due date."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select
from wtforms.fields.choices import SelectChoice

from complaints import directory
from complaints.domain.calendar import WorkingCalendar
from complaints.domain.deadlines import DueStatus, due_soon_until
from complaints.domain.numbering import DASHES
from complaints.domain.workflow import CLOSED_STATES, OPEN_STATES, STATE_LABELS, State
from complaints.models import Complaint, RegistrationCounter, StaffUser
from complaints.staff import blueprint
from complaints.staff.auth import staff_required
from complaints.staff.forms import QueueFilters
from complaints.web import today_in_almaty, working_calendar
from qyzmet.extensions import db
from qyzmet.i18n import current_language
from qyzmet.urls import can_carry

PAGE_SIZE = 25
CHANNEL_LABELS = {
    "web": "Online",
    "paper": "On paper",
    "post": "By post",
    "in_person": "In person",
}
# What a row shows: not the whole complaint (its text and answer are long, and SQLite would
# read them from overflow pages for nothing).
ROW_COLUMNS = (
    Complaint.id,
    Complaint.registration_number,
    Complaint.akimat_id,
    Complaint.applicant_name,
    Complaint.subject,
    # The subject is marked with the applicant's language (WCAG 3.1.2).
    Complaint.language,
    Complaint.channel,
    Complaint.status,
    Complaint.due_on,
    Complaint.executor_id,
)
_OPEN_STATUSES = frozenset(state.value for state in OPEN_STATES)
_NUMBER_LIKE = re.compile(r"^[A-Za-z]{2,6}[-–]?\d{0,4}[-–]?\d{0,6}$")
# A number as staff read or type it, after dashes and spaces became "-": the sequence alone
# ("12", "000012"), with its year ("2026-12"), with the akimat code too ("TRZ-2026-12"), or
# all run together ("TRZ2026000012", "2026000012"). ASCII digits, as numbers are written.
_NUMBER_PARTS = re.compile(r"(?:([A-Z]{2,6})-?(?=[0-9]{4}-))?(?:([0-9]{4})-)?([0-9]{1,6})")
_NUMBER_RUN_TOGETHER = re.compile(r"([A-Z]{2,6})?-?([0-9]{4})([0-9]{6})")
_DASHES_TO_HYPHEN = str.maketrans(dict.fromkeys(DASHES, "-"))
_SPACES = re.compile(r"\s+")
# A staff id as a filter value: ASCII digits only ("²".isdigit() is True but int() refuses
# it), and few enough for the 32-bit column (SQLite refuses an int past 64 bits).
_STAFF_ID = re.compile(r"[0-9]{1,9}")


def channel_labels() -> dict[str, str]:
    """Each channel's name in the current language: looked up once per page, not per row."""
    return {
        "web": _("Online"),
        "paper": _("On paper"),
        "post": _("By post"),
        "in_person": _("In person"),
    }


def channel_label(channel: str) -> str:
    return channel_labels()[channel]


def complaint_links() -> Callable[[int], str]:
    """`url_for("staff.complaint", complaint_id=…)` for a page of rows: the address is built
    once and each row puts its id in (url_for costs about 20 µs; a report lists 200 rows)."""
    sample = url_for("staff.complaint", complaint_id=0)
    if not sample.endswith("/0/"):
        return lambda complaint_id: url_for("staff.complaint", complaint_id=complaint_id)
    prefix = sample.removesuffix("0/")
    return lambda complaint_id: f"{prefix}{complaint_id}/"


def row_due_status(today: date, calendar: WorkingCalendar) -> Callable[[Any], DueStatus | None]:
    """`complaint_due_status` for a page of rows: today and the last "due soon" date are
    worked out once, not with the calendar for every row."""
    soon_until = due_soon_until(today, calendar)

    def status(row) -> DueStatus | None:
        if row.status not in _OPEN_STATUSES:
            return None
        if row.due_on < today:
            return DueStatus.OVERDUE
        return DueStatus.DUE_SOON if row.due_on <= soon_until else DueStatus.LATER

    return status


def _executors(scope: list[str]) -> list[tuple[int, str]]:
    return [
        (staff_id, name)
        for staff_id, name in db.session.execute(
            select(StaffUser.id, StaffUser.full_name)
            .where(StaffUser.akimat_id.in_(scope), StaffUser.role == "executor")
            .order_by(StaffUser.full_name)
        )
    ]


def _filters(lang: str, scope: list[str], executors: list[tuple[int, str]]) -> QueueFilters:
    form = QueueFilters(request.args)
    form.status.choices = [SelectChoice("", _("Any status"))] + [
        SelectChoice(state.value, STATE_LABELS[state][lang]) for state in State
    ]
    form.executor.choices = [
        SelectChoice("", _("Any executor")),
        SelectChoice("none", _("Not assigned")),
    ] + [SelectChoice(str(staff_id), name) for staff_id, name in executors]
    services = [c for group in directory.service_groups(lang) for c in group.choices]
    form.service.choices = [SelectChoice("", _("Any service"))] + [
        SelectChoice(c.value, c.label) for c in services
    ]
    form.channel.choices = [SelectChoice("", _("Any channel"))] + [
        SelectChoice(value, label) for value, label in channel_labels().items()
    ]
    form.due.choices = [
        SelectChoice("", _("Any due date")),
        SelectChoice("overdue", _("Overdue")),
        SelectChoice("soon", _("Due within 2 working days")),
        SelectChoice("later", _("Due later")),
    ]
    form.akimat.choices = [SelectChoice("", _("All akimats"))] + [
        SelectChoice(akimat_id, directory.body_name(akimat_id, lang) or akimat_id)
        for akimat_id in scope
    ]
    # Only the search box can be wrong in a way worth saying (the lists ignore what they do
    # not offer): a search longer than any number, name or subject finds nothing, and says why.
    form.q.validate(form)
    return form


def _apply(statement, form: QueueFilters, scope: list[str], *, with_status: bool):
    akimats = [form.akimat.data] if form.akimat.data in scope else scope
    statement = statement.where(Complaint.akimat_id.in_(akimats))
    if with_status and form.status.data in {s.value for s in State}:
        statement = statement.where(Complaint.status == form.status.data)
    if form.executor.data == "none":
        statement = statement.where(Complaint.executor_id.is_(None))
    elif _STAFF_ID.fullmatch(form.executor.data or ""):
        statement = statement.where(Complaint.executor_id == int(form.executor.data))
    # Like the other lists, only a service the list offers filters: anything else (a NUL in
    # it is an error from PostgreSQL) is ignored.
    if form.service.data and form.service.data in {choice.value for choice in form.service.choices}:
        statement = statement.where(Complaint.service_id == form.service.data)
    if form.channel.data in CHANNEL_LABELS:
        statement = statement.where(Complaint.channel == form.channel.data)
    if form.due.data in {"overdue", "soon", "later"}:
        today = today_in_almaty()
        soon_until = due_soon_until(today, working_calendar())
        open_states = [s.value for s in OPEN_STATES]
        statement = statement.where(Complaint.status.in_(open_states))
        if form.due.data == "overdue":
            statement = statement.where(Complaint.due_on < today)
        elif form.due.data == "soon":
            statement = statement.where(Complaint.due_on >= today, Complaint.due_on <= soon_until)
        else:
            statement = statement.where(Complaint.due_on > soon_until)
    query = (form.q.data or "").strip()
    if query:
        statement = statement.where(_search(query, akimats))
    return statement


def _search(query: str, akimats: list[str]):
    """What `q` matches: a registration number by its start, or words in the folded name
    and subject. A word of Latin letters alone ("TRZ", "Anna") may be either, so it is
    looked for as both; with a digit in it, it is a number and only the number's index
    is searched. Digits alone, or a year and digits, are the end of a number whose akimat
    code was left out (staff read numbers aloud without it)."""
    number = _number(query, akimats)
    if number is not None:
        return number
    pattern = "%" + query.casefold().replace("%", "").replace("_", "") + "%"
    text = or_(
        Complaint.applicant_name_folded.like(pattern), Complaint.subject_folded.like(pattern)
    )
    if not _NUMBER_LIKE.match(query):
        return text
    number = Complaint.registration_number.like(query.upper().replace("–", "-") + "%")
    if any(character.isdigit() for character in query):
        return number
    return or_(number, text)


def _number(query: str, akimats: list[str]):
    """The condition for a registration number however staff wrote it, or None if `query`
    is not one: the sequence with or without its year and akimat code, dashes or spaces
    between the parts or none.

    The number is stored in parts too, and the unique index on (akimat code, year, sequence)
    finds it: the codes are the akimats', the years those they have numbered in (their
    counters, a row per akimat and year), so the database looks up a handful of index
    entries rather than reading every registration number of the akimats.
    """
    typed = _SPACES.sub("-", query.strip().translate(_DASHES_TO_HYPHEN)).upper()
    parts = _NUMBER_PARTS.fullmatch(typed) or _NUMBER_RUN_TOGETHER.fullmatch(typed)
    if parts is None:
        return None
    code, year, sequence = parts.groups()
    codes = sorted(
        {body.code for body in map(directory.akimat, akimats) if body is not None and body.code}
    )
    if code is not None:
        codes = [c for c in codes if c == code]
    if year is not None:
        in_year = Complaint.year == int(year)
    else:
        in_year = Complaint.year.in_(
            select(RegistrationCounter.year)
            .where(RegistrationCounter.akimat_code.in_(codes))
            .distinct()
        )
    parts_match = and_(
        Complaint.akimat_code.in_(codes), in_year, Complaint.sequence == int(sequence)
    )
    if code is not None and len(sequence) < 6:
        # "TRZ-2026-0001" may also be the start of a number typed so far.
        typed_so_far = f"{code}-{year}-{sequence}%"
        return or_(Complaint.registration_number.like(typed_so_far), parts_match)
    return parts_match


@blueprint.get("/")
@staff_required()
def queue():
    lang = current_language()
    scope = g.staff_scope
    executors = _executors(scope)
    form = _filters(lang, scope, executors)
    counts = dict(
        db.session.execute(
            _apply(
                select(Complaint.status, func.count()).group_by(Complaint.status),
                form,
                scope,
                with_status=False,
            )
        ).all()
    )
    # The counts apply every filter but the status, so the total is among them: no second
    # count over the akimat's complaints.
    if form.status.data in counts:
        total = counts[form.status.data]
    elif form.status.data in {s.value for s in State}:
        total = 0
    else:
        total = sum(counts.values())
    pages = max(1, math.ceil(total / PAGE_SIZE))
    page_number = min(max(form.page.data or 1, 1), pages)
    # Page first, rows after: the OFFSET walks only the (akimat, due date, id) index, and
    # whole rows are read for the 25 shown, not for every row skipped on the way to page 1,000.
    page_ids = (
        _apply(select(Complaint.id), form, scope, with_status=True)
        .order_by(Complaint.due_on, Complaint.id)
        .offset((page_number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
        .subquery()
    )
    rows = db.session.execute(
        select(*ROW_COLUMNS)
        .join(page_ids, Complaint.id == page_ids.c.id)
        .order_by(Complaint.due_on, Complaint.id)
    ).all()
    # The rows' executors are nearly always among the akimat's, read for the filter already;
    # only someone who is no longer an executor is looked up.
    executor_names = dict(executors)
    others = {row.executor_id for row in rows if row.executor_id} - executor_names.keys()
    if others:
        executor_names |= dict(
            db.session.execute(
                select(StaffUser.id, StaffUser.full_name).where(StaffUser.id.in_(others))
            ).all()
        )
    args = {
        key: value
        for key, value in request.args.items()
        if key != "page" and value and can_carry(key)
    }
    return render_template(
        "staff/queue.html",
        form=form,
        counts=[(state, STATE_LABELS[state][lang], counts.get(state.value, 0)) for state in State],
        open_total=sum(counts.get(s.value, 0) for s in OPEN_STATES),
        closed_total=sum(counts.get(s.value, 0) for s in CLOSED_STATES),
        complaints=rows,
        total=total,
        page_number=page_number,
        pages=pages,
        args=args,
        executor_names=executor_names,
        state_labels={state.value: STATE_LABELS[state][lang] for state in State},
        due_status=row_due_status(today_in_almaty(), working_calendar()),
        complaint_link=complaint_links(),
        channel_label=channel_labels().__getitem__,
        akimat_name=lambda akimat_id: directory.body_name(akimat_id, lang),
        many_akimats=len(scope) > 1,
    )
