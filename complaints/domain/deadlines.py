"""When a complaint is registered, when it is due, and how close that is.

The rules table (kind → working days → legal basis) is data in `data/deadline_rules.yaml`, so
a change in the law is an edit to a file, not to code. Time is always passed in: nothing here
reads the clock, so the same inputs always give the same dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final
from zoneinfo import ZoneInfo

import yaml

from complaints.domain.calendar import WorkingCalendar
from complaints.domain.workflow import LANGUAGES

DEFAULT_RULES_PATH: Final = Path(__file__).parent / "data" / "deadline_rules.yaml"
DUE_SOON_WORKING_DAYS: Final = 2


def _almaty_zone() -> ZoneInfo:
    """Asia/Almaty, UTC+5 since 1 March 2024.

    Older time-zone data still says UTC+6; if the system's copy is that old, read the zone
    from the `tzdata` package instead of registering complaints on the wrong day.
    """
    zone = ZoneInfo("Asia/Almaty")
    if datetime(2024, 3, 2, 12, tzinfo=zone).utcoffset() == timedelta(hours=5):
        return zone
    source = resources.files("tzdata").joinpath("zoneinfo", "Asia", "Almaty")
    with source.open("rb") as data:
        return ZoneInfo.from_file(data, key="Asia/Almaty")


ALMATY: Final = _almaty_zone()


class CountedFrom(StrEnum):
    """The day a deadline is counted from (that day itself is not counted)."""

    REGISTRATION = "registration"
    DECISION = "decision"


@dataclass(frozen=True)
class LegalBasis:
    """Where the law sets a deadline: shown beside the date to applicants and staff."""

    act: Mapping[str, str]  # the act's name, by language
    act_genitive: Mapping[str, str]  # the same in the genitive, for citing an article of it
    article: int
    paragraph: int | None

    def citation(self, lang: str) -> str:
        """E.g. "пункт 2 статьи 25 Закона Республики Казахстан … «О государственных услугах»"."""
        _require_language(lang)
        act = self.act_genitive[lang]
        if lang == "kk":
            if self.paragraph is None:
                return f"{act} {self.article}-бабы"
            return f"{act} {self.article}-бабының {self.paragraph}-тармағы"
        if self.paragraph is None:
            return f"статья {self.article} {act}"
        return f"пункт {self.paragraph} статьи {self.article} {act}"


@dataclass(frozen=True)
class DeadlineRule:
    """One row of the rules table."""

    kind: str
    working_days: int
    counted_from: CountedFrom
    notify_applicant: bool
    description: Mapping[str, str]
    basis: LegalBasis


class DeadlineRulesFileError(ValueError):
    """The rules file is malformed; the message names the file and the field."""


class UnknownDeadlineRule(LookupError):
    """No rule of that kind in the rules table."""


@cache
def load_deadline_rules(path: Path | str = DEFAULT_RULES_PATH) -> Mapping[str, DeadlineRule]:
    """Read and check the rules table (read once per path, then kept)."""
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DeadlineRulesFileError(f"{path}: cannot read: {error}") from error
    _check(isinstance(document, dict), path, "", "must be a mapping with `acts` and `rules`")
    acts = document.get("acts")
    rules = document.get("rules")
    _check(isinstance(acts, dict) and acts, path, "acts", "must be a non-empty mapping")
    _check(isinstance(rules, dict) and rules, path, "rules", "must be a non-empty mapping")
    for act_key, act in acts.items():
        for field in ("name", "genitive"):
            _check_languages(
                act.get(field) if isinstance(act, dict) else None, path, f"acts.{act_key}.{field}"
            )
    return MappingProxyType(
        {kind: _read_rule(kind, entry, acts, path) for kind, entry in rules.items()}
    )


def _read_rule(kind: str, entry: Any, acts: dict, path: Path) -> DeadlineRule:
    where = f"rules.{kind}"
    expected = {"working_days", "counted_from", "notify_applicant", "description", "basis"}
    _check(
        isinstance(entry, dict) and set(entry) == expected,
        path,
        where,
        f"needs exactly {sorted(expected)}",
    )
    working_days = entry["working_days"]
    _check(
        type(working_days) is int and working_days > 0,
        path,
        f"{where}.working_days",
        "must be a positive whole number",
    )
    counted_from = [value.value for value in CountedFrom]
    _check(
        entry["counted_from"] in counted_from,
        path,
        f"{where}.counted_from",
        f"must be one of {counted_from}",
    )
    _check(
        isinstance(entry["notify_applicant"], bool),
        path,
        f"{where}.notify_applicant",
        "must be true or false",
    )
    _check_languages(entry["description"], path, f"{where}.description")
    basis = entry["basis"]
    _check(
        isinstance(basis, dict) and set(basis) == {"act", "article", "paragraph"},
        path,
        f"{where}.basis",
        "needs exactly act, article and paragraph",
    )
    _check(
        isinstance(basis["act"], str) and basis["act"] in acts,
        path,
        f"{where}.basis.act",
        f"must be one of {sorted(acts)}",
    )
    _check(
        type(basis["article"]) is int and basis["article"] > 0,
        path,
        f"{where}.basis.article",
        "must be a positive whole number",
    )
    _check(
        basis["paragraph"] is None or (type(basis["paragraph"]) is int and basis["paragraph"] > 0),
        path,
        f"{where}.basis.paragraph",
        "must be a positive whole number or null",
    )
    act = acts[basis["act"]]
    return DeadlineRule(
        kind=kind,
        working_days=working_days,
        counted_from=CountedFrom(entry["counted_from"]),
        notify_applicant=entry["notify_applicant"],
        description=MappingProxyType(dict(entry["description"])),
        basis=LegalBasis(
            act=MappingProxyType(dict(act["name"])),
            act_genitive=MappingProxyType(dict(act["genitive"])),
            article=basis["article"],
            paragraph=basis["paragraph"],
        ),
    )


def _check_languages(value: Any, path: Path, where: str) -> None:
    _check(
        isinstance(value, dict)
        and set(value) == set(LANGUAGES)
        and all(isinstance(text, str) and text.strip() for text in value.values()),
        path,
        where,
        "needs non-empty `kk` and `ru` texts",
    )


def _check(condition: object, path: Path, where: str, message: str) -> None:
    if not condition:
        raise DeadlineRulesFileError(
            f"{path}: {where}: {message}" if where else f"{path}: {message}"
        )


def deadline_rule(kind: str, rules: Mapping[str, DeadlineRule] | None = None) -> DeadlineRule:
    """The rule of `kind` from `rules` (the packaged table by default)."""
    table = load_deadline_rules() if rules is None else rules
    try:
        return table[kind]
    except KeyError:
        raise UnknownDeadlineRule(f"no deadline rule {kind!r}; known: {sorted(table)}") from None


def in_almaty(moment: datetime) -> datetime:
    """An aware moment as Kazakhstan's wall-clock time (what receipts show)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime (stored times are UTC)")
    return moment.astimezone(ALMATY)


def registration_date(received_at: datetime, calendar: WorkingCalendar) -> date:
    """The day a complaint is registered: the Almaty date it arrived, or the next working day.

    A complaint sent at 01:30 on Saturday in Almaty is 20:30 UTC on Friday; it is registered on
    Monday, not Friday.
    """
    return calendar.next_working_day(in_almaty(received_at).date())


def due_date(
    registered_on: date,
    rule_kind: str,
    calendar: WorkingCalendar,
    *,
    rules: Mapping[str, DeadlineRule] | None = None,
) -> date:
    """The last day of the period: the rule's working days after `registered_on`.

    For a rule counted from a decision (`extension_notice`), pass the decision date.
    """
    rule = deadline_rule(rule_kind, rules)
    return calendar.add_working_days(registered_on, rule.working_days)


FORWARDING_RULE: Final = "forwarding"
# The rule an extension is decided under: a reasoned decision, the applicant told.
EXTENSION_RULE: Final = "extension_notice"


@dataclass(frozen=True)
class ForwardingDeadline:
    """The last day to send a complaint that is not the akimat's to review on to the body
    competent to review it, with the applicant told (`forwarding` in the rules table).

    Passing it does not forbid forwarding: the complaint must still reach the competent body,
    only late, and the lateness is recorded so that it can be counted.
    """

    due_on: date
    working_days: int
    basis: LegalBasis

    def passed(self, today: date) -> bool:
        return today > self.due_on

    def working_days_late(self, forwarded_on: date, calendar: WorkingCalendar) -> int:
        """Working days after the last day up to `forwarded_on`; 0 when in time."""
        return max(0, calendar.working_days_between(self.due_on, forwarded_on))


def forwarding_deadline(
    registered_on: date,
    calendar: WorkingCalendar,
    *,
    rules: Mapping[str, DeadlineRule] | None = None,
) -> ForwardingDeadline:
    """Counted in working days from the registration date, like the review's due date: a
    complaint forwarded in from another akimat counts from its registration there."""
    rule = deadline_rule(FORWARDING_RULE, rules)
    return ForwardingDeadline(
        due_on=due_date(registered_on, FORWARDING_RULE, calendar, rules=rules),
        working_days=rule.working_days,
        basis=rule.basis,
    )


class DueStatus(StrEnum):
    """How close a due date is; computed for `today`, never stored, so it is never stale."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"


DUE_STATUS_LABELS: Final = MappingProxyType(
    {
        DueStatus.OVERDUE: {"kk": "Мерзімі өтіп кетті", "ru": "Срок истёк"},
        DueStatus.DUE_SOON: {"kk": "Мерзімі аяқталуға жақын", "ru": "Срок истекает"},
        DueStatus.LATER: {"kk": "Мерзімі бар", "ru": "В пределах срока"},
    }
)


def due_status(due_on: date, today: date, calendar: WorkingCalendar) -> DueStatus:
    """Overdue after the due date; due soon when at most two working days are left, counting
    today; later otherwise. Only meaningful for complaints that are still open.
    """
    if today > due_on:
        return DueStatus.OVERDUE
    working_days_left = calendar.working_days_between(today - timedelta(days=1), due_on)
    if working_days_left <= DUE_SOON_WORKING_DAYS:
        return DueStatus.DUE_SOON
    return DueStatus.LATER


def due_soon_until(today: date, calendar: WorkingCalendar) -> date:
    """The latest due date that `due_status` calls due soon today: for filtering in SQL."""
    first_not_soon = calendar.add_working_days(today - timedelta(days=1), DUE_SOON_WORKING_DAYS + 1)
    return first_not_soon - timedelta(days=1)


def due_status_label(status: DueStatus, lang: str) -> str:
    """The Kazakh or Russian words for a due status."""
    _require_language(lang)
    return DUE_STATUS_LABELS[status][lang]


def _require_language(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
