"""Template filters that put structured facts (durations, hours, dates, phones) into words."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from flask import Flask
from flask_babel import get_locale
from markupsafe import Markup, escape

from guide.schema import WEEKDAYS, Duration, Hours
from qyzmet import kazakh
from qyzmet.i18n import catalogue
from qyzmet.i18n import translate as _
from qyzmet.i18n import translate_plural as ngettext

ALMATY = ZoneInfo("Asia/Almaty")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def duration(value: Duration | None) -> str:
    """`{30, calendar_days}` → "30 календарных дней" — plural forms come from the catalogue."""
    if value is None:
        return ""
    n = value.value
    count = int(n) if float(n).is_integer() else 2  # fractional counts take the "few/other" form
    shown = _number(n)
    unit = value.unit
    if unit == "minutes":
        return ngettext("%(value)s minute", "%(value)s minutes", count, value=shown)
    if unit == "hours":
        return ngettext("%(value)s hour", "%(value)s hours", count, value=shown)
    if unit == "calendar_days":
        return ngettext("%(value)s calendar day", "%(value)s calendar days", count, value=shown)
    if unit == "working_days":
        return ngettext("%(value)s working day", "%(value)s working days", count, value=shown)
    if unit == "months":
        return ngettext("%(value)s month", "%(value)s months", count, value=shown)
    return ngettext("%(value)s day", "%(value)s days", count, value=shown)


def _day_names(width: str = "wide") -> tuple[str, ...]:
    return _day_names_in(width, str(get_locale()))


@lru_cache(maxsize=16)
def _day_names_in(width: str, locale: str) -> tuple[str, ...]:
    names = get_day_names(width, locale=locale)
    return tuple(names[index] for index in range(7))


def _day_span(days: list[str]) -> str:
    """["mon", …, "fri"] → "Monday–Friday"; a broken run is listed with commas."""
    indexes = sorted(WEEKDAYS.index(day) for day in days)
    names = _day_names()
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[i] for i in run)
    return ", ".join(parts)


def _clock(value: Any) -> str:
    return value.strftime("%H:%M")


def hours_lines(hours: Hours | None) -> list[str]:
    """Opening hours as short sentences, one per rule."""
    if hours is None:
        return []
    if hours.around_the_clock:
        return [_("Around the clock")]
    lines = []
    for rule in hours.rules:
        line = _(
            "%(days)s: %(open)s–%(close)s",
            days=_day_span(rule.days).capitalize(),
            open=_clock(rule.open),
            close=_clock(rule.close),
        )
        for interval in rule.breaks:
            line += _(
                ", break %(start)s–%(end)s", start=_clock(interval.start), end=_clock(interval.end)
            )
        lines.append(line)
    closed = [WEEKDAYS[i] for i in range(7) if hours.rule_for(i) is None]
    if hours.rules and closed:
        lines.append(_("Closed: %(days)s", days=_day_span(closed)))
    if hours.closed_on_holidays:
        lines.append(_("Closed on public holidays"))
    return lines


def long_date(value: date | None) -> str:
    if not value:
        return ""
    locale = get_locale()
    return _long_date(value, str(locale)) if locale else babel_format_date(value, "long")


@lru_cache(maxsize=4096)
def _long_date(value: date, locale: str) -> str:
    """Cached: a date through Babel costs about 60 µs (locale data, pattern, month names),
    and a report or queue page writes the same few dozen dates over and over."""
    return babel_format_date(value, "long", locale=locale)


def local_datetime(value: datetime | None) -> str:
    """A stored UTC time shown as Almaty wall-clock time."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    local = value.astimezone(ALMATY)
    # The date as the language writes it (CLDR's long form), then the 24-hour time.
    return f"{long_date(local.date())}, {local:%H:%M}"


def almaty_moment(value: datetime, now: datetime) -> str:
    """A coming moment as Almaty wall-clock time: the time alone when it falls on `now`'s day
    there, else with its date ("08:00" this evening, "24 ноября 2026 г., 08:00" tomorrow)."""
    if almaty_date(value) == almaty_date(now):
        return f"{value.astimezone(ALMATY):%H:%M}"
    return local_datetime(value)


def almaty_date(value: datetime) -> date:
    """The calendar day in Kazakhstan of a stored UTC time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(ALMATY).date()


_DIGITS = re.compile(r"\D")


def tel_href(phone: str) -> str | None:
    """A tel: link for a full Kazakh number; short local numbers stay plain text."""
    digits = _DIGITS.sub("", phone)
    if len(digits) == 11 and digits[0] in "78":
        return "tel:+7" + digits[1:]
    return None


def phone_link(phone: str) -> Markup:
    href = tel_href(phone)
    if href is None:
        return Markup('<span class="qz-nowrap">{}</span>').format(phone)
    return Markup('<a class="govuk-link qz-nowrap" href="{}">{}</a>').format(href, phone)


def paragraphs(text: str) -> Markup:
    """Blank-line separated text as <p> elements, single line breaks kept."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    return Markup("").join(
        Markup('<p class="govuk-body">{}</p>').format(
            Markup("<br>").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
    )


# (catalogue, name, id of the item) -> (the item, the macro's markup for it)
_REMEMBERED: dict[tuple[Any, str, int], tuple[Any, Markup]] = {}


def remember(name: str, macro: Any, item: Any) -> Markup:
    """`macro(item)`, made once per item and language: `{{ remember("contacts", m.contacts,
    body) }}` writes what `{{ m.contacts(body) }}` writes.

    For macros whose markup depends only on the item (a content object, unchanged while it is
    loaded) and the language, such as an office's contacts, which recur on every page of its
    services. The item is kept with its markup, so its id names it while the entry lives.
    """
    key = (catalogue(), name, id(item))
    found = _REMEMBERED.get(key)
    if found is not None and found[0] is item:
        return found[1]
    markup = macro(item)
    if len(_REMEMBERED) >= 10_000:
        _REMEMBERED.clear()
    _REMEMBERED[key] = (item, markup)
    return markup


def N_(message: str) -> str:  # Babel's default marker for extraction
    """A message for the catalogue, translated where it is used."""
    return message


def NP_(context: str, message: str) -> tuple[str, str]:  # extracted with its context
    """A message with a context, for the catalogue, translated where it is used."""
    return context, message


# The kind as it ends an act's name: in Kazakh with the possessive, after the issuer in the
# genitive («…әкімдігінің … қаулысы»); in Russian as the noun itself («постановление»).
_ACT_KINDS = {
    "standard": NP_("cited act", "standard"),
    "regulation": NP_("cited act", "regulation"),
    "resolution": NP_("cited act", "resolution"),
    "decision": NP_("cited act", "decision"),
    "order": NP_("cited act", "order"),
    "law": NP_("cited act", "law"),
}
_ACT_KIND_OTHER = NP_("cited act", "code")
_ACT_NAME = N_("%(kind)s of %(issuer)s No %(number)s of %(date)s")
# (catalogue, kind, issuer, number, date) -> the act's name as the page shows it
_ACT_NAMES: dict[tuple[Any, ...], Markup] = {}


def act_name(act: Any) -> Markup:
    """`standard of Akimat No 12 of 1 May 2020`, escaped as a template would.

    A service page names its source act and every amendment, and the same acts recur on many
    pages: each name is made once per language (a `%` into Markup costs about 10 µs). The
    text is what `_()` gives in a template: Markup of the catalogue's message, `%` formatted.
    """
    translations = catalogue()
    key = (translations, act.kind, act.issuer, act.number, act.date)
    found = _ACT_NAMES.get(key)
    if found is None:
        context, kind_name = _ACT_KINDS.get(act.kind, _ACT_KIND_OTHER)
        kind = _template_text(translations.upgettext(context, kind_name))
        # «Алматы қаласының әкімдігінің 2020 жылғы 30 желтоқсандағы № 4/634 қаулысы»
        issuer = kazakh.genitive(act.issuer) if str(get_locale()) == "kk" else act.issuer
        found = _template_text(translations.ugettext(_ACT_NAME)) % {
            "kind": kind % {},
            "issuer": issuer,
            "number": act.number,
            "date": act_date(act.date),
        }
        if len(_ACT_NAMES) >= 4096:
            _ACT_NAMES.clear()
        _ACT_NAMES[key] = found
    return found


def act_date(day: date) -> str:
    """An act's date as it stands before the act: in Kazakh an attribute («2020 жылғы 30
    желтоқсандағы актіде»), in Russian the long date the catalogue puts after «от»."""
    if str(get_locale()) == "kk":
        return kazakh.attributive_date(day)
    return long_date(day)


# Russian keeps the register's list form: the body would need the prepositional case.
_STATE_REGISTRATION = N_("Registered with %(body)s on %(date)s as No %(number)s")


def state_registration(registration: Any) -> Markup:
    """The act's entry in the register of normative acts, as the act itself states it: in
    Kazakh «Алматы қаласы Әділет департаментінде 2018 жылғы 23 ақпанда № 1455 болып
    тіркелген», in Russian «Департамент юстиции города Алматы, № 1455 от 23 февраля 2018 г.»."""
    kazakh_page = str(get_locale()) == "kk"
    day = registration.date
    return _template_text(catalogue().ugettext(_STATE_REGISTRATION)) % {
        "body": kazakh.locative(registration.body) if kazakh_page else registration.body,
        "date": kazakh.locative_date(day) if kazakh_page else long_date(day),
        "number": registration.number,
    }


def _template_text(translated: str) -> Markup:
    # Our catalogue's text is trusted markup, as in templates (qyzmet.i18n).
    return Markup(translated)  # noqa: S704  # nosec B704  # our own catalogue


def pick(ids: list[str], mapping: dict[str, Any]) -> list[Any]:
    """`["provider", "psc"] | pick(channel_names)` → the names, in the given order."""
    return [mapping[key] for key in ids]


def optgroups(choices: list[Any]) -> list[tuple[str, list[Any]]]:
    """Select choices grouped by their optgroup, in the order they were given."""
    groups: dict[str, list[Any]] = {}
    for choice in choices or []:
        groups.setdefault(choice.optgroup or "", []).append(choice)
    return list(groups.items())


def init_app(app: Flask) -> None:
    # Live view of the registered endpoints: templates link only to pages that exist.
    app.jinja_env.globals["view_endpoints"] = app.view_functions
    app.jinja_env.globals["remember"] = remember
    app.jinja_env.filters.update(
        duration=duration,
        hours_lines=hours_lines,
        long_date=long_date,
        local_datetime=local_datetime,
        almaty_date=almaty_date,
        phone_link=phone_link,
        paragraphs=paragraphs,
        pick=pick,
        act_name=act_name,
        act_date=act_date,
        state_registration=state_registration,
        optgroups=optgroups,
    )
