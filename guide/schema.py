"""The content model of the guide: what a service definition and a directory of bodies hold.

Plain pydantic, no Flask: content editors' tools, the checker and the site all share it.
Every fact comes from a seed act. Free text in the page's language is `LocalText`; every other
value (ids, numbers, phones, emails, dates, durations, hours) is a fact that a Kazakh file and
its Russian twin must share exactly — `guide.checks` enforces that parity.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

LANGUAGES = ("kk", "ru")

# --------------------------------------------------------------------------------------------
# Text


class LocalText(str):
    """Prose in the file's language. Parity compares only the numbers inside it."""

    __slots__ = ()


_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_WORD = re.compile(r"[^\W\d_]+")
# Latin letters that scanned Cyrillic text picks up inside otherwise Cyrillic words.
_HOMOGLYPHS = str.maketrans(
    "aeopcxyAEOPCXBHKMT",
    "аеорсхуАЕОРСХВНКМТ",
)
_KAZAKH_I = str.maketrans("iI", "іІ")
# Every letter the two tables above change: a line without one has no word to fix.
_LOOKALIKE = re.compile("[aeopcxyAEOPCXBHKMTiI]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" +([,.;:!?)»])")
_SPACE_AFTER_OPENING = re.compile(r"([(«]) +")
_BLANK_LINES = re.compile(r"\n{3,}")


def _fix_word(match: re.Match[str], lang: str | None) -> str:
    word = match.group(0)
    if not _CYRILLIC.search(word):
        return word
    word = word.translate(_HOMOGLYPHS)
    if lang == "kk":
        word = word.translate(_KAZAKH_I)
    return word


# Anything `normalise_text` would change: most values are one tidy line of Cyrillic prose,
# and the content holds about ninety thousand of them.
_UNTIDY = re.compile(
    r"[\r\t\u00a0]|  | [,.;:!?)»]|[(«] |\n\n\n|^\s|\s$|[^\S\n]\n|\n[^\S\n]|[aeopcxyAEOPCXBHKMTiI]"
)


def normalise_text(value: str, lang: str | None = None) -> str:
    """Tidy scanned text without touching facts: stray spaces, Latin look-alikes in Cyrillic words.

    In Kazakh a Latin `i` inside a Cyrillic word is the letter `і` that the scan lost.
    Line breaks survive (application forms are laid out in lines).
    """
    return _tidy(value, lang) if _UNTIDY.search(value) else value


def _tidy(value: str, lang: str | None) -> str:
    lines = []
    for line in value.replace("\r\n", "\n").split("\n"):
        line = _SPACES.sub(" ", line).strip()
        line = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", line)
        line = _SPACE_AFTER_OPENING.sub(r"\1", line)
        if _LOOKALIKE.search(line):  # most lines of Cyrillic prose have none
            line = _WORD.sub(lambda m: _fix_word(m, lang), line)
        lines.append(line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _to_local_text(value: str, info: ValidationInfo) -> LocalText:
    lang = (info.context or {}).get("lang")
    text = normalise_text(value, lang)
    if not text:
        raise ValueError("must not be empty")
    return LocalText(text)


def _must_be_string(value: Any) -> Any:
    # YAML turns `yes`, `12:30` or `2008-05-29` into other types; prose must be a string.
    if isinstance(value, bool | int | float | date):
        raise ValueError("must be text; put it in quotes")
    return value


Text = Annotated[str, BeforeValidator(_must_be_string), AfterValidator(_to_local_text)]

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80),
]
"""ASCII id used in URLs and cross-references: lowercase letters, digits, single hyphens."""

Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,6}$")]
Phone = Annotated[
    str,
    BeforeValidator(_must_be_string),
    StringConstraints(pattern=r"^\+?[0-9][0-9 ()\-]*[0-9]$", max_length=40),
]
Email = Annotated[
    str,
    StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$", max_length=120),
]
Website = Annotated[
    str,
    StringConstraints(pattern=r"^(https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}(/\S*)?$", max_length=200),
]
Percent = Annotated[int, Field(ge=0, le=100)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# --------------------------------------------------------------------------------------------
# Durations and hours


DurationUnit = Literal["minutes", "hours", "days", "calendar_days", "working_days", "months"]


class Duration(Model):
    """A time limit exactly as the act states it (`days` when the act does not say which)."""

    value: Annotated[float, Field(gt=0)]
    unit: DurationUnit
    note: Text | None = None


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _parse_clock(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\d{2}:\d{2}", value):
        raise ValueError('write the time in quotes as "HH:MM", e.g. "09:00"')
    return value


Clock = Annotated[time, BeforeValidator(_parse_clock)]


class Interval(Model):
    start: Clock
    end: Clock

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class HoursRule(Model):
    """Opening hours on some weekdays: open–close with optional breaks."""

    days: list[Weekday] = Field(min_length=1)
    open: Clock
    close: Clock
    breaks: list[Interval] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> HoursRule:
        if self.close <= self.open:
            raise ValueError("close must be after open")
        for interval in self.breaks:
            if not (self.open < interval.start and interval.end < self.close):
                raise ValueError("a break must fall inside the opening hours")
        if len(set(self.days)) != len(self.days):
            raise ValueError("a weekday is listed twice")
        return self


class Hours(Model):
    """Structured opening hours; `note` carries what the act adds in words."""

    rules: list[HoursRule] = Field(default_factory=list)
    around_the_clock: bool = False
    # None when the act does not say: the page must not claim what the act does not.
    closed_on_holidays: bool | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _something(self) -> Hours:
        if not self.rules and not self.around_the_clock and self.note is None:
            raise ValueError("give rules, around_the_clock or a note")
        seen: set[str] = set()
        for rule in self.rules:
            if seen & set(rule.days):
                raise ValueError("a weekday appears in two rules")
            seen |= set(rule.days)
        return self

    def rule_for(self, weekday: int) -> HoursRule | None:
        """The rule for a weekday (0 = Monday), if the place opens that day."""
        name = WEEKDAYS[weekday]
        return next((rule for rule in self.rules if name in rule.days), None)

    def is_open(self, weekday: int, clock: time) -> bool:
        if self.around_the_clock:
            return True
        rule = self.rule_for(weekday)
        if rule is None or not (rule.open <= clock < rule.close):
            return False
        return not any(b.start <= clock < b.end for b in rule.breaks)


# --------------------------------------------------------------------------------------------
# Provenance


ActKind = Literal["standard", "regulation", "resolution", "decision", "order", "law", "code"]


class ActRef(Model):
    """Another normative act: who issued it, its number and date."""

    kind: ActKind
    issuer: Text
    number: str
    date: date
    title: Text | None = None


class JusticeRegistration(Model):
    body: Text
    number: str
    date: date


class Amendment(Model):
    act: ActRef
    note: Text


class Source(Model):
    """The act a service definition is taken from, and whether it still applies."""

    seed: str = Field(pattern=r"^\d{3}_[0-9a-f]{16}\.txt$")
    kind: ActKind
    title: Text
    issuer: Text
    number: str
    date: date
    approved_document: Text | None = None
    justice_registration: JusticeRegistration | None = None
    status: Literal["in_force", "repealed"]
    repealed_by: ActRef | None = None
    repeal_note: Text | None = None
    amendments: list[Amendment] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _repeal_named(self) -> Source:
        if self.status == "repealed" and self.repealed_by is None:
            raise ValueError("a repealed source must name the act that repealed it (repealed_by)")
        if self.status == "in_force" and self.repealed_by is not None:
            raise ValueError("repealed_by is set but status is in_force")
        return self


# --------------------------------------------------------------------------------------------
# Building blocks


class Item(Model):
    """A list entry as the act numbers it, with sub-entries."""

    number: str | None = None
    text: Text
    items: list[Item] = Field(default_factory=list)


class ItemList(Model):
    intro: Text | None = None
    items: list[Item] = Field(default_factory=list)
    outro: Text | None = None


ChannelKind = Literal["provider", "psc", "portal", "mobile", "post", "courier"]


class Channel(Model):
    """One way to apply: the provider's office, a public service centre, the e-gov portal…"""

    id: Slug
    kind: ChannelKind
    name: Text
    description: Text | None = None
    bodies: list[Slug] = Field(default_factory=list)
    processing_time: Duration | None = None
    max_wait_submit: Duration | None = None
    max_wait_collect: Duration | None = None
    hours: Hours | None = None
    notes: list[Text] = Field(default_factory=list)


DocumentForm = Literal[
    "original",
    "copy",
    "copy_with_original",
    "notarised_copy",
    "electronic",
    "scan",
]


class Document(Model):
    number: str | None = None
    name: Text
    condition: Text | None = None
    form: DocumentForm | None = None
    note: Text | None = None


class DocumentGroup(Model):
    """Documents the act lists for some channels (e.g. "to the provider or the centre")."""

    channels: list[Slug] = Field(min_length=1)
    intro: Text | None = None
    items: list[Document] = Field(min_length=1)
    notes: list[Text] = Field(default_factory=list)


class ChannelTexts(Model):
    """Statements that hold for some channels: the receipt, how the result is delivered."""

    channels: list[Slug] = Field(min_length=1)
    intro: Text | None = None
    items: list[Text] = Field(default_factory=list)


class Actor(Model):
    """A structural-functional unit that takes part in the process."""

    id: Slug
    name: Text


class Step(Model):
    number: str
    kind: Literal["action", "condition"] = "action"
    actor: Slug | None = None
    action: Text
    duration: Duration | None = None
    frequency: Text | None = None
    outcome: Text | None = None
    condition: Text | None = None
    next: list[str] = Field(default_factory=list)


class ProcessPath(Model):
    id: Slug
    kind: Literal["main", "alternative"]
    title: Text
    channel: Slug | None = None
    steps: list[Step] = Field(min_length=1)


class Process(Model):
    intro: Text | None = None
    actors: list[Actor] = Field(default_factory=list)
    paths: list[ProcessPath] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)


class FormTemplate(Model):
    """An application form as the act gives it; lines kept as written."""

    id: Slug
    title: Text
    body: Text


class Indicator(Model):
    number: str
    title: Text
    normative: Percent | None = None
    target: Percent | None = None
    current: Percent | None = None


class IndicatorGroup(Model):
    number: str
    title: Text
    indicators: list[Indicator] = Field(min_length=1)


class IndicatorColumns(Model):
    """The act's own headings for the three value columns."""

    normative: Text
    target: Text
    current: Text


class QualityTable(Model):
    title: Text
    columns: IndicatorColumns | None = None
    groups: list[IndicatorGroup] = Field(min_length=1)
    notes: list[Text] = Field(default_factory=list)


class SurveyQuestion(Model):
    text: Text
    options: list[Text] = Field(default_factory=list)


class Survey(Model):
    title: Text
    intro: Text | None = None
    questions: list[SurveyQuestion] = Field(min_length=1)
    notes: list[Text] = Field(default_factory=list)


class ComplaintProcedure(Model):
    """How to complain: where, by when, and what the applicant receives."""

    paragraphs: list[Text] = Field(min_length=1)
    bodies: list[Slug] = Field(default_factory=list)
    akimats: list[Slug] = Field(default_factory=list)
    review_time: Duration | None = None
    receipt: Text | None = None


class Definition(Model):
    term: Text
    meaning: Text


class Section(Model):
    """A part of the act that has no field of its own (principles, responsibility…)."""

    id: Slug
    title: Text
    paragraphs: list[Text] = Field(default_factory=list)
    items: list[Item] = Field(default_factory=list)


class Cost(Model):
    # None when the act does not say whether the service is free.
    free: bool | None = None
    text: Text


class IncomeRule(Model):
    """The need test: average monthly income per family member below a multiple of the minimum."""

    multiplier: float = Field(gt=0)
    period_months: int | None = Field(default=None, gt=0)
    text: Text


class Change(Model):
    date: date
    note: Text


ServiceForm = Literal["paper", "electronic", "partly_automated", "automated"]


class Service(Model):
    """One state service in one region, as one act defines it."""

    id: Slug
    service: Slug
    region: Slug
    category: Slug
    title: Text
    summary: Text
    source: Source
    legal_basis: list[Text] = Field(min_length=1)
    provider: ItemList
    provider_bodies: list[Slug] = Field(default_factory=list)
    channels: list[Channel] = Field(min_length=1)
    form: ServiceForm
    form_text: Text | None = None
    result: Text
    result_forms: list[Literal["paper", "electronic"]] = Field(default_factory=list)
    eligibility: ItemList
    need_criteria: ItemList | None = None
    income_rule: IncomeRule | None = None
    cost: Cost | None = None
    documents: list[DocumentGroup] = Field(min_length=1)
    receipts: list[ChannelTexts] = Field(default_factory=list)
    result_delivery: list[ChannelTexts] = Field(default_factory=list)
    refusal_grounds: ItemList
    process: Process | None = None
    forms: list[FormTemplate] = Field(default_factory=list)
    quality_indicators: QualityTable | None = None
    complaints: ComplaintProcedure
    survey: Survey | None = None
    definitions: list[Definition] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    updated: date
    changes: list[Change] = Field(default_factory=list)

    def channel(self, channel_id: str) -> Channel:
        return next(channel for channel in self.channels if channel.id == channel_id)

    def documents_for(self, channel_id: str) -> list[DocumentGroup]:
        return [group for group in self.documents if channel_id in group.channels]


# --------------------------------------------------------------------------------------------
# Bodies and catalogue


BodyKind = Literal[
    "akimat",
    "department",
    "authorised_body",
    "enterprise",
    "psc",
    "psc_branch",
    "commission",
    "other",
]


class Body(Model):
    """A government body, office or centre as an act's appendix lists it."""

    id: Slug
    kind: BodyKind
    name: Text
    short_name: Text | None = None
    code: Code | None = None
    head: str | None = None
    head_title: Text | None = None
    address: Text | None = None
    phones: list[Phone] = Field(default_factory=list)
    emails: list[Email] = Field(default_factory=list)
    websites: list[Website] = Field(default_factory=list)
    hours: Hours | None = None
    parent: Slug | None = None
    district: Text | None = None
    seeds: list[str] = Field(min_length=1)
    notes: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _akimat_has_code(self) -> Body:
        if self.kind == "akimat" and self.code is None:
            raise ValueError("an akimat needs a code (letters of its registration numbers)")
        if self.kind != "akimat" and self.code is not None:
            raise ValueError("only akimats have a code")
        return self


class BodyDirectory(Model):
    """`bodies/<region>.yaml`: the bodies of one region."""

    region: Slug
    bodies: list[Body] = Field(min_length=1)


class Region(Model):
    id: Slug
    kind: Literal["oblast", "city", "district"]
    name: Text
    parent: Slug | None = None


class Category(Model):
    id: Slug
    name: Text
    description: Text | None = None


class NationalService(Model):
    """A service from the national register, which several regional acts implement."""

    id: Slug
    name: Text


class Catalogue(Model):
    """`catalogue.yaml`: regions, topics and national services, named in one language."""

    regions: list[Region] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    services: list[NationalService] = Field(min_length=1)


Item.model_rebuild()
