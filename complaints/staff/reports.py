"""Reports for heads, supervisors and admins: the page and the same figures as a CSV file.

Both take the same filters from the query string (a period of registration dates and, for
someone who sees several akimats, one akimat or all of them) and show the same sections, so
what a head reads on screen is what they send on in Excel.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask import Response, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import SelectField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from complaints import directory
from complaints.charts import Bar, bar_chart, decimal, number, percent
from complaints.domain.deadlines import FORWARDING_RULE, deadline_rule
from complaints.domain.workflow import CLOSED_STATES, OUTCOME_LABELS, STATE_LABELS, Outcome, State
from complaints.models import SURVEY_ANSWERS
from complaints.reports import Period, Report, Share, SurveyAnswers, report
from complaints.staff import blueprint
from complaints.staff.auth import staff_required
from complaints.staff.queue import channel_label, complaint_links
from complaints.web import today_in_almaty, working_calendar
from qyzmet.extensions import db
from qyzmet.forms import Form
from qyzmet.i18n import current_language
from qyzmet.templating import long_date
from qyzmet.urls import can_carry

REPORT_ROLES = ("head", "supervisor", "admin")
ALL_AKIMATS = ""
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _parse_day(text: str) -> date:
    """A date as a date field sends it (2026-01-31) or as people write it (31.01.2026)."""
    text = text.strip()
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    return date.fromisoformat(text)


def _valid_day(form: Form, field: StringField) -> None:
    if not field.data:
        return
    try:
        day = _parse_day(field.data)
    except ValueError:
        raise ValidationError(_l("Enter a real date, for example 31.01.2026")) from None
    if not 2000 <= day.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100"))


class ReportFilters(Form):
    """The report's filters travel in the query string, so a report can be bookmarked."""

    class Meta:
        csrf = False

    date_from = StringField(
        _l("Start of the period"),
        description=_l("Registration date, for example 01.01.2026"),
        validators=[Optional(), _valid_day],
        widget=GovTextInput(),
    )
    date_to = StringField(
        _l("End of the period"),
        description=_l("Registration date, for example 31.12.2026"),
        validators=[Optional(), _valid_day],
        widget=GovTextInput(),
    )
    akimat = SelectField(
        _l("Akimat"), validators=[Optional()], validate_choice=False, widget=GovSelect()
    )

    def validate_akimat(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose an akimat from the list"))


@dataclass(frozen=True)
class Selection:
    period: Period
    akimat_ids: list[str]


def _filters(lang: str, scope: list[str]) -> ReportFilters:
    form = ReportFilters(request.args)
    form.akimat.choices = [SelectChoice(ALL_AKIMATS, _("All akimats"))] + [
        SelectChoice(akimat_id, directory.body_name(akimat_id, lang) or akimat_id)
        for akimat_id in scope
    ]
    return form


def _selection(form: ReportFilters, scope: list[str], today: date) -> Selection | None:
    """The period and akimats asked for; None (with the errors on the form) if they make no sense.

    A missing start is 1 January of the end's year, a missing end 31 December of the start's
    year, and with neither the report covers the current year.
    """
    first = _parse_day(form.date_from.data) if form.date_from.data else None
    last = _parse_day(form.date_to.data) if form.date_to.data else None
    first = first or date((last or today).year, 1, 1)
    last = last or date(first.year, 12, 31)
    if first > last:
        form.date_to.errors.append(_("The end of the period must not be before its start"))
        return None
    # Show the dates the report used, in the form the date field understands.
    form.date_from.data, form.date_to.data = first.isoformat(), last.isoformat()
    akimat_ids = [form.akimat.data] if form.akimat.data else list(scope)
    return Selection(Period(first, last), akimat_ids)


# --------------------------------------------------------------------------------------------
# The sections, in words: shared by the page and the CSV


@dataclass(frozen=True)
class Row:
    label: str
    count: int
    share: str | None  # of the section's base, as a percentage; None when the base is 0


@dataclass(frozen=True)
class Breakdown:
    slug: str
    title: str
    heading: str  # of the first column
    rows: list[Row]
    base_label: str  # what the shares are shares of


def _rows(items: list[tuple[str, int]], base: int) -> list[Row]:
    return [Row(label, count, percent(Share(count, base))) for label, count in items]


def breakdowns(figures: Report, lang: str) -> list[Breakdown]:
    registered = figures.registered
    return [
        Breakdown(
            "status",
            _("Complaints by status"),
            _("Status"),
            _rows(
                [(STATE_LABELS[State(c.key)][lang], c.count) for c in figures.by_status],
                registered,
            ),
            _("Share of registered complaints"),
        ),
        Breakdown(
            "outcome",
            _("Answered complaints by decision"),
            _("Decision"),
            _rows(
                [(OUTCOME_LABELS[Outcome(c.key)][lang], c.count) for c in figures.by_outcome],
                figures.answered,
            ),
            _("Share of answered complaints"),
        ),
        Breakdown(
            "service",
            _("Complaints by service"),
            _("Service"),
            _rows(
                [
                    (directory.service_title(c.key, lang) or _("No service named"), c.count)
                    for c in figures.by_service
                ],
                registered,
            ),
            _("Share of registered complaints"),
        ),
        Breakdown(
            "office",
            _("Complaints by office"),
            _("Office"),
            _rows(
                [
                    (directory.body_name(c.key, lang) or _("No office named"), c.count)
                    for c in figures.by_office
                ],
                registered,
            ),
            _("Share of registered complaints"),
        ),
        Breakdown(
            "channel",
            _("Complaints by channel"),
            _("Channel"),
            _rows([(channel_label(c.key), c.count) for c in figures.by_channel], registered),
            _("Share of registered complaints"),
        ),
    ]


@dataclass(frozen=True)
class SurveyLine:
    code: str  # the row of the seed's indicator table
    question: str
    answers: SurveyAnswers


def survey_lines(figures: Report) -> list[SurveyLine]:
    quality = figures.quality
    return [
        SurveyLine("4.3", _("Satisfaction with the complaint procedure"), quality.procedure),
        SurveyLine("4.4", _("Satisfaction with the complaint time limits"), quality.timeliness),
    ]


def status_chart(figures: Report, lang: str):
    closed = {state.value for state in CLOSED_STATES}
    return bar_chart(
        [
            Bar(STATE_LABELS[State(c.key)][lang], c.count, muted=c.key in closed)
            for c in figures.by_status
        ],
        title=_("Complaints by status"),
        description=_("Complaints registered in the period, by their status today."),
        chart_id="chart-status",
    )


def akimat_names(akimat_ids: Sequence[str], lang: str) -> dict[str, str]:
    """Names by id, looked up once: the overdue list would otherwise ask for each row."""
    return {
        akimat_id: directory.body_name(akimat_id, lang) or akimat_id for akimat_id in akimat_ids
    }


# --------------------------------------------------------------------------------------------
# Views


def _prepare():
    """The filters, and the report they ask for (None when the filters are wrong)."""
    lang = current_language()
    scope = g.staff_scope
    today = today_in_almaty()
    form = _filters(lang, scope)
    selection = _selection(form, scope, today) if form.validate() else None
    if selection is None:
        return lang, form, None
    figures = report(
        db.session,
        selection.akimat_ids,
        selection.period,
        today=today,
        calendar=working_calendar(),
    )
    return lang, form, figures


def _page(lang: str, form: ReportFilters, figures: Report | None):
    many_akimats = len(g.staff_scope) > 1
    if figures is None:
        return render_template(
            "staff/reports.html", form=form, figures=None, many_akimats=many_akimats
        ), 400
    forwarding = deadline_rule(FORWARDING_RULE)
    return render_template(
        "staff/reports.html",
        form=form,
        figures=figures,
        many_akimats=many_akimats,
        akimat_names=akimat_names(figures.akimat_ids, lang),
        state_label=lambda status: STATE_LABELS[State(status)][lang],
        breakdowns=breakdowns(figures, lang),
        survey_lines=survey_lines(figures),
        chart=status_chart(figures, lang),
        number=number,
        percent=percent,
        decimal=decimal,
        forwarding_days=forwarding.working_days,
        forwarding_basis=forwarding.basis.citation(lang),
        csv_args={key: value for key, value in request.args.items() if value and can_carry(key)},
        complaint_link=complaint_links(),
        # The overdue list repeats a few dozen dates over its 200 rows.
        day=cache(long_date),
    )


@blueprint.get("/reports/")
@staff_required(*REPORT_ROLES)
def reports():
    return _page(*_prepare())


@blueprint.get("/reports.csv")
@staff_required(*REPORT_ROLES)
def reports_csv():
    lang, form, figures = _prepare()
    if figures is None:
        # Wrong filters: the page with the errors, rather than a file of nothing.
        return _page(lang, form, None)
    period = figures.period
    response = Response(csv_bytes(figures, lang), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="qyzmet-report-{period.first}-{period.last}.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --------------------------------------------------------------------------------------------
# CSV


def csv_bytes(figures: Report, lang: str) -> bytes:
    """The report as Excel reads it: UTF-8 with a byte order mark, `;` between cells.

    Excel takes a file without the mark for the local 8-bit code page and turns Cyrillic into
    nonsense; with the comma-decimal locales of Kazakhstan it splits cells on `;`. Decimals
    are written with a comma, so Excel reads them as numbers.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    write = writer.writerow
    period = figures.period
    names = akimat_names(figures.akimat_ids, lang)
    write([_("Complaints report")])
    write(
        [
            _("Akimat"),
            *(_cell(name) for name in names.values()),
        ]
    )
    write([_("Start of the period"), _day(period.first)])
    write([_("End of the period"), _day(period.last)])
    write([_("Figures as of"), _day(figures.today)])

    no_data = _("No data")
    on_time = figures.answered_on_time
    justified = figures.quality.reviewed_and_satisfied_on_time
    write([])
    write([_("Summary")])
    write([_("Indicator"), _("Value")])
    write([_("Registered"), figures.registered])
    write([_("Answered"), figures.answered])
    write([_("Answered on time"), on_time.part])
    write([_("Share answered on time, %"), _csv_percent(on_time) or no_data])
    write(
        [
            _("Average working days to answer"),
            _csv_decimal(figures.average_working_days_to_answer) or no_data,
        ]
    )
    write([_("Overdue and still open"), figures.overdue.total])
    write([_("Closed without an answer after the due date"), figures.closed_late])
    write([_("Forwarded to the competent body"), figures.forwarded])
    write([_("Forwarded after the forwarding deadline"), figures.forwarded_late])
    write([_("Justified complaints answered (satisfied or partly satisfied)"), justified.whole])
    write(
        [
            "4.2 " + _("Share of justified complaints reviewed and satisfied on time, %"),
            _csv_percent(justified) or no_data,
        ]
    )

    for breakdown in breakdowns(figures, lang):
        write([])
        write([_cell(breakdown.title)])
        write([breakdown.heading, _("Complaints"), _("Share, %")])
        base = sum(row.count for row in breakdown.rows)
        for row in breakdown.rows:
            write([_cell(row.label), row.count, _csv_percent(Share(row.count, base)) or no_data])

    write([])
    write([_("Survey of applicants")])
    write(
        [
            _("Indicator"),
            _("Satisfied, %"),
            _("Partly satisfied, %"),
            _("Not satisfied, %"),
            _("Survey answers"),
        ]
    )
    for line in survey_lines(figures):
        write(
            [
                f"{line.code} {line.question}",
                *(_csv_percent(line.answers.share(answer)) or no_data for answer in SURVEY_ANSWERS),
                line.answers.responses,
            ]
        )

    write([])
    write([_("Overdue complaints")])
    write(
        [
            _("Registration number"),
            _("Akimat"),
            _("Status"),
            _("Registered on"),
            _("Due date"),
            _("Executor"),
        ]
    )
    for complaint in figures.overdue.complaints:
        write(
            [
                complaint.registration_number,
                _cell(names[complaint.akimat_id]),
                STATE_LABELS[State(complaint.status)][lang],
                _day(complaint.registered_on),
                _day(complaint.due_on),
                _cell(complaint.executor_name or ""),
            ]
        )
    if figures.overdue.truncated:
        write(
            [
                _(
                    "The first %(shown)s of %(total)s are listed, longest overdue first.",
                    shown=len(figures.overdue.complaints),
                    total=figures.overdue.total,
                )
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _day(day: date) -> str:
    # 31.01.2026: Excel in a Kazakh or Russian locale reads it as a date.
    return day.strftime("%d.%m.%Y")


def _csv_percent(share: Share) -> str | None:
    value = share.percent
    if value is None:
        return None
    return f"{value:.1f}".removesuffix(".0").replace(".", ",")


def _csv_decimal(value: float | None) -> str | None:
    """One decimal at most, with a decimal comma and no digit grouping Excel would trip on."""
    if value is None:
        return None
    return f"{round(value, 1):.1f}".removesuffix(".0").replace(".", ",")


def _cell(text: str) -> str:
    """Text that Excel must not run as a formula (CSV injection): a leading quote disarms it."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
