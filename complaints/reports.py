"""Reports on complaints: counts, deadlines kept, and the seed's quality indicators.

Every figure is about the complaints *registered* in a period (both dates inclusive) by the
given akimats: once a period is over, the set of complaints it counts is fixed, while their
states, answers and survey answers go on changing.

The counting is done by the database (GROUP BY), never by loading complaints: a year of a
region can hold hundreds of thousands of rows. Python only adds up the groups, and counts
working days per distinct pair of dates rather than per complaint.

Definitions (the report page explains them in the same words; keep the two in step):

- *answered*: the head approved and sent the answer (`answered_at` is set).
- *answered on time*: answered, and the Almaty date of the answer is on or before `due_on`
  (the due date after any extension; an extension is granted only before the due date
  passes). Its share is out of the complaints whose time has come (`_answered_on_time`):
  those answered, those still open past their due date, and those closed without an answer
  (forwarded, left without review, withdrawn) after the end of their due date in Almaty, which
  were late when they were closed. Closed without an answer on or before the due date, a
  complaint counts neither way.
- *working days to answer*: working days after `registered_on` up to and including the
  Almaty date of the answer (`WorkingCalendar.working_days_between`); an answer given before
  the registration day counts as 0.
- *forwarded*, *forwarded late*: the complaints of the period sent on to the competent body
  (`forwarded`), and those of them forwarded after the 3 working days the law allows (APPC
  art. 76). Whether a forwarding was late is what its history event recorded when it was made
  (`forwarded_late`, with the calendar of that day), not worked out again: the complaints
  table picks the period's forwarded complaints, and only their forwarding events are read.
  A forwarding recorded without that flag counts as forwarded, not as late.
- *overdue*: still open (registered, assigned, in review, answer drafted) with `due_on`
  before `today`.
- indicator 4.2, *justified complaints reviewed and satisfied on time* (seed 000, appendix 2):
  among answered complaints found justified (outcome satisfied or partly satisfied), the share
  answered on time. The indicator is about justified complaints, so rejected and explained
  ones are outside it — otherwise its normative value of 100 % would demand that every
  complaint be satisfied.
- indicators 4.3 and 4.4, *satisfaction with the complaint procedure* and *with its
  timeliness*: the applicants' survey answers (satisfied / partly / not satisfied) for the
  complaints of the period, with the number of answers.

A share with nothing to divide by has no value (`Share.ratio` is None): pages say "no data",
never 0 %.

Totals over several akimats (a region, all akimats) add up registrations: a complaint forwarded
from one akimat of the total to another is registered in each, under two numbers, and counted
in each (as forwarded in the first, in its own state in the second).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from sqlalchemy import (
    Date,
    DateTime,
    String,
    case,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from complaints.domain.calendar import WorkingCalendar
from complaints.domain.workflow import OPEN_STATES, Action, Outcome, State
from complaints.models import (
    CHANNELS,
    SURVEY_ANSWERS,
    Complaint,
    ComplaintEvent,
    StaffUser,
    SurveyResponse,
)

OVERDUE_LIST_LIMIT: Final = 200
_TENTH: Final = Decimal("0.1")
JUSTIFIED_OUTCOMES: Final = (Outcome.SATISFIED.value, Outcome.PARTLY_SATISFIED.value)
_OPEN_STATUSES: Final = tuple(state.value for state in State if state in OPEN_STATES)
# Closed without an answer. A withdrawal is the applicant's doing, not the akimat's delay, but
# a complaint withdrawn after its due date had been late already: it stays late.
_CLOSED_UNANSWERED_STATUSES: Final = (
    State.FORWARDED.value,
    State.LEFT_WITHOUT_REVIEW.value,
    State.WITHDRAWN.value,
)


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Period:
    """Registration dates from `first` to `last`, both included."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise ValueError(f"the period starts ({self.first}) after it ends ({self.last})")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Share:
    """`part` out of `whole`; with a `whole` of 0 there is no share to show."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def percent(self) -> Decimal | None:
        """In per cent to one decimal, halves up (1 of 80 is 1.3), from the exact fraction:
        a float's binary rounding would make 3 of 80 (3.75) 3.7. The page and the CSV both
        show this figure."""
        if not self.whole:
            return None
        return (Decimal(100 * self.part) / self.whole).quantize(_TENTH, ROUND_HALF_UP)

    def __add__(self, other: Share) -> Share:
        return Share(self.part + other.part, self.whole + other.whole)


@dataclass(frozen=True)
class Count:
    """How many complaints have `key` (a status, outcome, service, office or channel).

    `key` is None for complaints that do not name a service or an office.
    """

    key: str | None
    count: int


@dataclass(frozen=True)
class SurveyAnswers:
    """How applicants answered one survey question."""

    satisfied: int = 0
    partly_satisfied: int = 0
    not_satisfied: int = 0

    @property
    def responses(self) -> int:
        return self.satisfied + self.partly_satisfied + self.not_satisfied

    def share(self, answer: str) -> Share:
        if answer not in SURVEY_ANSWERS:
            raise ValueError(f"unknown survey answer {answer!r}")
        return Share(getattr(self, answer), self.responses)

    def __add__(self, other: SurveyAnswers) -> SurveyAnswers:
        return SurveyAnswers(
            *(getattr(self, answer) + getattr(other, answer) for answer in SURVEY_ANSWERS)
        )


@dataclass(frozen=True)
class QualityIndicators:
    """Rows 4.2–4.4 of the seed's indicator table (000, appendix 2)."""

    reviewed_and_satisfied_on_time: Share
    procedure: SurveyAnswers
    timeliness: SurveyAnswers


@dataclass(frozen=True)
class OverdueComplaint:
    id: int
    registration_number: str
    akimat_id: str
    status: str
    registered_on: date
    due_on: date
    executor_name: str | None


@dataclass(frozen=True)
class OverdueList:
    """The oldest overdue complaints, at most `OVERDUE_LIST_LIMIT`, and how many there are."""

    complaints: list[OverdueComplaint]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.complaints)


@dataclass(frozen=True)
class Report:
    """Everything the staff report page and its CSV show."""

    akimat_ids: tuple[str, ...]
    period: Period
    today: date
    registered: int
    answered: int
    by_status: list[Count]  # every state, in workflow order, zeros included
    by_outcome: list[Count]  # answered complaints only: a drafted outcome may still change
    by_service: list[Count]  # most complaints first; None (not named) last
    by_office: list[Count]
    by_channel: list[Count]  # every channel, zeros included
    answered_on_time: Share
    # Closed without an answer after the due date (forwarded, left without review,
    # withdrawn): late, and counted in the on-time share's whole, so the page says how many.
    closed_late: int
    forwarded: int  # to the competent body
    forwarded_late: int  # of those, after the forwarding deadline (APPC art. 76)
    average_working_days_to_answer: float | None
    overdue: OverdueList
    quality: QualityIndicators


@dataclass(frozen=True)
class AkimatSummary:
    """One akimat's line in the public statistics."""

    akimat_id: str
    registered: int
    answered: int
    answered_on_time: Share
    quality: QualityIndicators


# --------------------------------------------------------------------------------------------
# Queries


def report(
    session: Session,
    akimat_ids: Sequence[str],
    period: Period,
    *,
    today: date,
    calendar: WorkingCalendar,
) -> Report:
    """The full report for staff: every breakdown, the deadlines and the quality indicators.

    Four queries: the breakdowns with the deadline counts (one pass), the answer dates, the
    overdue list and the survey; and a fifth, over the forwarded complaints alone, when the
    period has any.
    """
    groups = _groups(
        session,
        akimat_ids,
        period,
        Complaint.status,
        Complaint.outcome,
        Complaint.service_id,
        Complaint.office_id,
        Complaint.channel,
        today=today,
    )
    status_counts: Counter[str] = Counter()
    outcome_counts: Counter[str] = Counter()
    service_counts: Counter[str | None] = Counter()
    office_counts: Counter[str | None] = Counter()
    channel_counts: Counter[str] = Counter()
    for group in groups:
        status, outcome, service_id, office_id, channel = group.keys
        status_counts[status] += group.complaints
        outcome_counts[outcome] += group.answered
        service_counts[service_id] += group.complaints
        office_counts[office_id] += group.complaints
        channel_counts[channel] += group.complaints
    procedure, timeliness = _sum_surveys(survey_answers(session, akimat_ids, period).values())
    forwarded = status_counts[State.FORWARDED.value]
    return Report(
        akimat_ids=tuple(akimat_ids),
        period=period,
        today=today,
        registered=sum(group.complaints for group in groups),
        answered=sum(group.answered for group in groups),
        by_status=[Count(state.value, status_counts[state.value]) for state in State],
        by_outcome=[Count(outcome.value, outcome_counts[outcome.value]) for outcome in Outcome],
        by_service=_largest_first(service_counts),
        by_office=_largest_first(office_counts),
        by_channel=[Count(channel, channel_counts[channel]) for channel in CHANNELS],
        answered_on_time=_answered_on_time(groups),
        closed_late=sum(group.closed_late for group in groups),
        forwarded=forwarded,
        forwarded_late=forwarded_late(session, akimat_ids, period) if forwarded else 0,
        average_working_days_to_answer=average_working_days_to_answer(
            session, akimat_ids, period, calendar=calendar
        ),
        overdue=overdue(
            session,
            akimat_ids,
            period,
            today=today,
            total=sum(group.overdue for group in groups),
        ),
        quality=QualityIndicators(
            reviewed_and_satisfied_on_time=_justified_on_time(groups, outcome_index=1),
            procedure=procedure,
            timeliness=timeliness,
        ),
    )


def akimat_summaries(
    session: Session, akimat_ids: Sequence[str], period: Period, *, today: date
) -> list[AkimatSummary]:
    """Per akimat, in the order given: registered, answered, on time, quality indicators.

    Made for the public statistics: nothing in it names or describes an applicant.
    """
    groups = _groups(
        session, akimat_ids, period, Complaint.akimat_id, Complaint.outcome, today=today
    )
    by_akimat: dict[str, list[_Group]] = defaultdict(list)
    for group in groups:
        by_akimat[group.keys[0]].append(group)
    surveys = survey_answers(session, akimat_ids, period)
    no_answers = (SurveyAnswers(), SurveyAnswers())
    summaries = []
    for akimat_id in akimat_ids:
        own = by_akimat.get(akimat_id, [])
        procedure, timeliness = surveys.get(akimat_id, no_answers)
        summaries.append(
            AkimatSummary(
                akimat_id=akimat_id,
                registered=sum(group.complaints for group in own),
                answered=sum(group.answered for group in own),
                answered_on_time=_answered_on_time(own),
                quality=QualityIndicators(
                    reviewed_and_satisfied_on_time=_justified_on_time(own, outcome_index=1),
                    procedure=procedure,
                    timeliness=timeliness,
                ),
            )
        )
    return summaries


def average_working_days_to_answer(
    session: Session, akimat_ids: Sequence[str], period: Period, *, calendar: WorkingCalendar
) -> float | None:
    """Mean working days from registration to the answer; None when nothing was answered."""
    answered_on = _almaty_date(session, Complaint.answered_at)
    pairs = session.execute(
        _in_scope(
            select(Complaint.registered_on, answered_on, func.count()),
            akimat_ids,
            period,
        )
        .where(Complaint.answered_at.is_not(None))
        .group_by(Complaint.registered_on, answered_on)
    ).all()
    if not pairs:
        return None
    counter = _WorkingDayCounter(
        calendar,
        min(min(registered, answered) for registered, answered, _ in pairs),
        max(max(registered, answered) for registered, answered, _ in pairs),
    )
    total_days = sum(
        max(0, counter.between(registered, answered)) * count
        for registered, answered, count in pairs
    )
    return total_days / sum(count for _, _, count in pairs)


def overdue(
    session: Session,
    akimat_ids: Sequence[str],
    period: Period,
    *,
    today: date,
    limit: int = OVERDUE_LIST_LIMIT,
    total: int | None = None,
) -> OverdueList:
    """Open complaints of the period past their due date, longest overdue first.

    `total` saves counting them again when the caller has counted already.
    """
    overdue_ids = (
        _in_scope(select(Complaint.id), akimat_ids, period)
        .where(_is_overdue(today))
        .order_by(Complaint.due_on, Complaint.id)
        .limit(limit)
    )
    rows = session.execute(
        select(
            Complaint.id,
            Complaint.registration_number,
            Complaint.akimat_id,
            Complaint.status,
            Complaint.registered_on,
            Complaint.due_on,
            StaffUser.full_name,
        )
        .outerjoin(StaffUser, StaffUser.id == Complaint.executor_id)
        # The ids first, then their rows: the first step needs only what an index holds.
        .where(Complaint.id.in_(overdue_ids.scalar_subquery()))
        .order_by(Complaint.due_on, Complaint.id)
    ).all()
    if total is None:
        total = session.scalar(
            _in_scope(select(func.count()).select_from(Complaint), akimat_ids, period).where(
                _is_overdue(today)
            )
        )
    return OverdueList([OverdueComplaint(*row) for row in rows], total or 0)


def forwarded_late(session: Session, akimat_ids: Sequence[str], period: Period) -> int:
    """The period's complaints forwarded after their forwarding deadline, as their forwarding
    events recorded it.

    The complaints' covering index picks the forwarded ones; only their events are read (by
    `complaint_id`), never the year's events. Working days cannot be counted in SQL, and the
    event holds the answer the calendar of the day gave.
    """
    late = ComplaintEvent.details["forwarded_late"].as_boolean()
    return (
        session.scalar(
            _in_scope(
                select(func.count())
                .select_from(Complaint)
                .join(ComplaintEvent, ComplaintEvent.complaint_id == Complaint.id),
                akimat_ids,
                period,
            ).where(
                Complaint.status == State.FORWARDED.value,
                ComplaintEvent.action == Action.FORWARD.value,
                late.is_(True),
            )
        )
        or 0
    )


def survey_answers(
    session: Session, akimat_ids: Sequence[str], period: Period
) -> dict[str, tuple[SurveyAnswers, SurveyAnswers]]:
    """Per akimat, how applicants rated the procedure and its timeliness (4.3 and 4.4).

    Akimats without a single survey answer are left out.
    """
    rows = session.execute(
        _in_scope(
            select(
                Complaint.akimat_id,
                SurveyResponse.procedure,
                SurveyResponse.timeliness,
                func.count(),
            ).join(Complaint, Complaint.id == SurveyResponse.complaint_id),
            akimat_ids,
            period,
        ).group_by(Complaint.akimat_id, SurveyResponse.procedure, SurveyResponse.timeliness)
    ).all()
    procedure: dict[str, Counter[str]] = defaultdict(Counter)
    timeliness: dict[str, Counter[str]] = defaultdict(Counter)
    for akimat_id, procedure_answer, timeliness_answer, count in rows:
        procedure[akimat_id][procedure_answer] += count
        timeliness[akimat_id][timeliness_answer] += count
    return {
        akimat_id: (_answers(procedure[akimat_id]), _answers(timeliness[akimat_id]))
        for akimat_id in procedure
    }


# --------------------------------------------------------------------------------------------
# Helpers


@dataclass(frozen=True)
class _Group:
    keys: tuple[Any, ...]
    complaints: int
    answered: int
    answered_on_time: int
    overdue: int
    closed_late: int  # closed without an answer after the due date


def _groups(
    session: Session,
    akimat_ids: Sequence[str],
    period: Period,
    *columns: Any,
    today: date | None = None,
) -> list[_Group]:
    """One pass over the period's complaints, counted per combination of `columns`.

    Each group also counts its answered, answered on time, closed late without an answer and
    (given `today`) overdue complaints, so the deadlines cost no second pass.
    """
    on_time = case((_before_end_of_due_date(session, Complaint.answered_at), 1), else_=0)
    overdue_now = case((_is_overdue(today), 1), else_=0) if today else literal_column("0")
    closed_late = case(
        (
            Complaint.status.in_(_CLOSED_UNANSWERED_STATUSES)
            & ~_before_end_of_due_date(session, Complaint.closed_at),
            1,
        ),
        else_=0,
    )
    statement = _in_scope(
        select(
            *columns,
            func.count(),
            func.count(Complaint.answered_at),
            func.sum(on_time),
            func.sum(overdue_now),
            func.sum(closed_late),
        ),
        akimat_ids,
        period,
    ).group_by(*columns)
    return [
        _Group(tuple(row[: len(columns)]), *(int(value or 0) for value in row[len(columns) :]))
        for row in session.execute(statement)
    ]


def _answered_on_time(groups: Iterable[_Group]) -> Share:
    """Answered on time, out of the complaints whose time has come: those answered, those
    still open past their due date, which are late already, and those closed without an answer
    once late. Counting the answered alone would let an akimat look better by not answering,
    and leaving out the closed ones would let it look better by forwarding an overdue complaint
    or leaving it without review. Complaints not yet due, open or closed, count neither way.
    """
    groups = list(groups)
    return Share(
        sum(group.answered_on_time for group in groups),
        sum(group.answered + group.overdue + group.closed_late for group in groups),
    )


def _justified_on_time(groups: Iterable[_Group], *, outcome_index: int) -> Share:
    """Row 4.2: of the answered complaints found justified, those answered on time (an open
    complaint's drafted decision may still change, so it is not counted)."""
    justified = [group for group in groups if group.keys[outcome_index] in JUSTIFIED_OUTCOMES]
    return Share(
        sum(group.answered_on_time for group in justified),
        sum(group.answered for group in justified),
    )


def _answers(counts: Counter[str]) -> SurveyAnswers:
    return SurveyAnswers(*(counts[answer] for answer in SURVEY_ANSWERS))


def _sum_surveys(
    surveys: Iterable[tuple[SurveyAnswers, SurveyAnswers]],
) -> tuple[SurveyAnswers, SurveyAnswers]:
    procedure, timeliness = SurveyAnswers(), SurveyAnswers()
    for akimat_procedure, akimat_timeliness in surveys:
        procedure += akimat_procedure
        timeliness += akimat_timeliness
    return procedure, timeliness


def _is_overdue(today: date) -> Any:
    return Complaint.status.in_(_OPEN_STATUSES) & (Complaint.due_on < today)


def _in_scope(statement, akimat_ids: Sequence[str], period: Period):
    return statement.where(
        Complaint.akimat_id.in_(list(akimat_ids)),
        Complaint.registered_on >= period.first,
        Complaint.registered_on <= period.last,
    )


def _before_end_of_due_date(session: Session, moment: Any) -> Any:
    """`moment` (a stored UTC time) before midnight in Almaty at the end of the due date.

    Comparing the stored UTC time with that moment, rather than converting every one to a
    local date, leaves the database one comparison per row. NULL (no such moment) is neither
    before nor after.
    """
    if session.get_bind().dialect.name == "postgresql":
        end_of_due_date = func.timezone(
            literal_column("'Asia/Almaty'"), cast(Complaint.due_on + 1, DateTime)
        )
        return moment < end_of_due_date
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" in UTC, which sorts as text; midnight at
    # UTC+5 (see `_almaty_date`) is 19:00 UTC the evening before.
    return moment < type_coerce(Complaint.due_on, String) + " 19:00:00"


def _almaty_date(session: Session, moment: Any) -> Any:
    """The calendar day in Kazakhstan of a stored UTC time, computed by the database.

    The zone name is written into the SQL rather than bound: PostgreSQL accepts a grouped
    expression only if it is the same text in SELECT and GROUP BY, and two bound parameters
    are two different texts.
    """
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(literal_column("'Asia/Almaty'"), moment), Date)
    # SQLite knows no time zones. Kazakhstan has kept UTC+5 since 1 March 2024, before the
    # first complaint Qyzmet holds, so the day in Almaty is the stored UTC day ("YYYY-MM-DD
    # HH:…") until 19:00 and the next day from then on. The hour is compared as text: date()
    # on every answer cost a quarter of the statement, and only evening answers need it.
    utc_day = func.substr(moment, 1, 10)
    return type_coerce(
        case(
            (func.substr(moment, 12, 2) < "19", utc_day),
            else_=func.date(utc_day, literal_column("'+1 day'")),
        ),
        Date,
    )


def _largest_first(counts: Counter[str | None]) -> list[Count]:
    named = sorted(
        ((key, count) for key, count in counts.items() if key is not None and count),
        key=lambda item: (-item[1], item[0]),
    )
    result = [Count(key, count) for key, count in named]
    if counts.get(None):
        result.append(Count(None, counts[None]))
    return result


class _WorkingDayCounter:
    """`working_days_between` for any two dates of a range, after one pass over the range.

    Thousands of distinct (registration, answer) pairs each walking their days one by one
    would repeat the same work; a running count per day answers each pair by subtraction.
    """

    def __init__(self, calendar: WorkingCalendar, first: date, last: date) -> None:
        self._first = first
        self._running: list[int] = []
        worked = 0
        for offset in range((last - first).days + 1):
            if calendar.is_working_day(first + timedelta(days=offset)):
                worked += 1
            self._running.append(worked)

    def between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
        return self._running[(end - self._first).days] - self._running[(start - self._first).days]
