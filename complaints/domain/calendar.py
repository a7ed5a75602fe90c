"""Kazakhstan's working days: the `holidays` package plus the government's day-transfer decrees.

The `holidays` package knows the public holidays, the days off that move to the next working
day when a holiday falls on a weekend (Labour Code art. 85 p. 3; "observed" in its terms) and
the Government's day-transfer decrees up to the year it was released (its "substituted" days
off, with the weekend days they made working in `weekend_workdays`). Decrees it does not know
yet go into `data/day_transfers.yaml`, which editors change without touching code (see
docs/calendar.md). An entry in the file wins over the package.

Deadlines are counted on the five-day week that state bodies work: Saturday and Sunday off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import holidays
import yaml

from complaints.domain.workflow import LANGUAGES

DEFAULT_TRANSFERS_PATH: Final = Path(__file__).parent / "data" / "day_transfers.yaml"
_ONE_DAY: Final = timedelta(days=1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class TransferKind(StrEnum):
    """What a decree made of a day."""

    DAY_OFF = "day_off"  # an extra non-working day (usually a weekday)
    WORKING_DAY = "working_day"  # a weekend day made working


@dataclass(frozen=True)
class Decree:
    """The act that moved a day: the source an editor cites for every entry."""

    number: str
    signed_on: date
    title: str
    url: str | None = None


@dataclass(frozen=True)
class DayTransfer:
    """One day changed by a decree."""

    day: date
    kind: TransferKind
    decree: Decree


class DayTransferFileError(ValueError):
    """The day-transfer file is malformed; the message names the file and the entry."""


def load_day_transfers(path: Path | str = DEFAULT_TRANSFERS_PATH) -> dict[date, DayTransfer]:
    """Read and check the decree file; every problem names the file and the entry."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.load(text, Loader=_DatesAsTextLoader)  # noqa: S506  # nosec B506  # a SafeLoader subclass
    except (OSError, yaml.YAMLError) as error:
        raise DayTransferFileError(f"{path}: cannot read: {error}") from error
    if document is None:
        document = {}
    _require(isinstance(document, dict), path, "", "the file must be a mapping with `decrees`")
    _require(set(document) <= {"decrees"}, path, "", "the only top-level key is `decrees`")
    decrees = document.get("decrees")
    decrees = [] if decrees is None else decrees
    _require(isinstance(decrees, list), path, "decrees", "must be a list")

    transfers: dict[date, DayTransfer] = {}
    for decree_index, entry in enumerate(decrees):
        where = f"decrees[{decree_index}]"
        decree = _read_decree(entry, path, where)
        days = entry.get("days") or []
        _require(isinstance(days, list) and days, path, f"{where}.days", "list at least one day")
        for day_index, day_entry in enumerate(days):
            day_where = f"{where}.days[{day_index}]"
            _require(
                isinstance(day_entry, dict) and set(day_entry) == {"date", "kind"},
                path,
                day_where,
                "each day needs exactly `date` and `kind`",
            )
            day = _read_date(day_entry["date"], path, f"{day_where}.date")
            kinds = [kind.value for kind in TransferKind]
            _require(
                day_entry["kind"] in kinds, path, f"{day_where}.kind", f"must be one of {kinds}"
            )
            _require(
                day not in transfers,
                path,
                f"{day_where}.date",
                f"{day} is already listed; edit the existing entry instead",
            )
            transfers[day] = DayTransfer(day, TransferKind(day_entry["kind"]), decree)
    return transfers


class _DatesAsTextLoader(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so a bad one is reported with its place."""


_DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_decree(entry: Any, path: Path, where: str) -> Decree:
    allowed = {"number", "date", "title", "url", "days"}
    _require(isinstance(entry, dict), path, where, "must be a mapping")
    _require(set(entry) <= allowed, path, where, f"unknown keys {sorted(set(entry) - allowed)}")
    for key in ("number", "date", "title"):
        _require(entry.get(key) not in (None, ""), path, f"{where}.{key}", "is required")
    url = entry.get("url")
    _require(url is None or isinstance(url, str), path, f"{where}.url", "must be text")
    return Decree(
        number=str(entry["number"]),
        signed_on=_read_date(entry["date"], path, f"{where}.date"),
        title=str(entry["title"]),
        url=url,
    )


def _read_date(value: Any, path: Path, where: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise DayTransferFileError(f"{path}: {where}: must be a date written as YYYY-MM-DD")


def _require(condition: object, path: Path, where: str, message: str) -> None:
    if not condition:
        raise DayTransferFileError(f"{path}: {where}: {message}" if where else f"{path}: {message}")


@dataclass(frozen=True)
class _Year:
    non_working: frozenset[date]
    names: Mapping[date, str]  # Kazakh names from the `holidays` package


class WorkingCalendar:
    """Working days in Kazakhstan, computed once per year and kept."""

    def __init__(self, transfers_path: Path | str = DEFAULT_TRANSFERS_PATH) -> None:
        self.transfers: Mapping[date, DayTransfer] = MappingProxyType(
            load_day_transfers(transfers_path)
        )
        self._years: dict[int, _Year] = {}

    def is_working_day(self, day: date) -> bool:
        """Whether state bodies work on `day`."""
        _require_date(day)
        return day not in self._year(day.year).non_working

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, otherwise the first working day after it."""
        _require_date(day)
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted)."""
        _require_date(day)
        if count < 0:
            raise ValueError(f"count must not be negative, not {count}")
        while count:
            day += _ONE_DAY
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative if `end` is earlier.

        The inverse of `add_working_days`: `working_days_between(d, add_working_days(d, n))`
        is `n`.
        """
        _require_date(start)
        _require_date(end)
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for day in _days(start + _ONE_DAY, end) if self.is_working_day(day))

    def holiday_name(self, day: date, lang: str) -> str | None:
        """Why `day` is not worked (holiday or moved day off), or None for ordinary days."""
        _require_date(day)
        if lang not in LANGUAGES:
            raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
        if self.is_working_day(day):
            return None
        transfer = self.transfers.get(day)
        if transfer is not None:
            return _decree_day_off_name(transfer.decree, lang)
        name = self._year(day.year).names.get(day)
        if name is None:
            return None  # an ordinary weekend
        return name if lang == "kk" else _russian_holiday_name(name)

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = self._compute_year(year)
        return cached

    def _compute_year(self, year: int) -> _Year:
        public_holidays = holidays.country_holidays("KZ", years=year, language="kk")
        non_working = set()
        for day in _days(date(year, 1, 1), date(year, 12, 31)):
            transfer = self.transfers.get(day)
            if transfer is not None:
                working = transfer.kind is TransferKind.WORKING_DAY
            else:
                working = public_holidays.is_working_day(day)
            if not working:
                non_working.add(day)
        names = {day: name for day, name in public_holidays.items() if day.year == year}
        return _Year(frozenset(non_working), MappingProxyType(names))


def _require_date(value: object) -> None:
    # A datetime is a date too, but its calendar day depends on the time zone: convert first.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise TypeError(f"expected a date, not {type(value).__name__}")


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


def _decree_day_off_name(decree: Decree, lang: str) -> str:
    signed = decree.signed_on.strftime("%d.%m.%Y")
    if lang == "kk":
        return f"Демалыс күні (Үкіметтің {signed} № {decree.number} қаулысымен ауыстырылды)"
    return f"Выходной день (перенесён постановлением Правительства от {signed} № {decree.number})"


# The `holidays` package has no Russian for Kazakhstan; these are the names in the
# Law "On holidays in the Republic of Kazakhstan", keyed by the package's Kazakh names.
_RUSSIAN_NAMES: Final = MappingProxyType(
    {
        "Жаңа жыл": "Новый год",
        "Православиелік Рождество": "Православное Рождество",
        "Халықаралық әйелдер күні": "Международный женский день",
        "Наурыз мейрамы": "Наурыз мейрамы",
        "Қазақстан халқының бірлігі мерекесі": "Праздник единства народа Казахстана",
        "Отан Қорғаушы күні": "День защитника Отечества",
        "Жеңіс күні": "День Победы",
        "Астана күні": "День столицы",
        "Қазақстан Республикасының Конституциясы күні": "День Конституции Республики Казахстан",
        "Қазақстан Республикасы күні": "День Республики",
        "Республика күні": "День Республики",
        "Қазақстан Республикасының Тұңғыш Президенті күні": (
            "День Первого Президента Республики Казахстан"
        ),
        "Тәуелсіздік күні": "День Независимости",
        "Құрбан айт": "Курбан айт",
    }
)
_KAZAKH_SUFFIXES: Final = (
    (
        " (қайта белгіленген демалыс, бағаланған)",
        " (перенесённый выходной день, дата ориентировочная)",
    ),
    (" (қайта белгіленген демалыс)", " (перенесённый выходной день)"),
    (" (бағаланған)", " (дата ориентировочная)"),
)
_SUBSTITUTED = re.compile(r"Демалыс күні \((\d{2}\.\d{2}\.\d{4}) бастап ауыстырылды\)")


def _russian_holiday_name(kazakh: str) -> str:
    """Translate the package's Kazakh name; an unknown name is shown in Kazakh, not guessed."""
    return "; ".join(_russian_single_name(part) for part in kazakh.split("; "))


def _russian_single_name(kazakh: str) -> str:
    substituted = _SUBSTITUTED.fullmatch(kazakh)
    if substituted:
        return f"Выходной день (перенесён с {substituted.group(1)})"
    for kazakh_suffix, russian_suffix in _KAZAKH_SUFFIXES:
        if kazakh.endswith(kazakh_suffix):
            base = kazakh.removesuffix(kazakh_suffix)
            return _RUSSIAN_NAMES.get(base, base) + russian_suffix
    return _RUSSIAN_NAMES.get(kazakh, kazakh)
