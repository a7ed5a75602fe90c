"""Public statistics: how each akimat handles complaints, this year and last.

Counts and shares only, never a complaint or an applicant. The figures are aggregates over
two years of every akimat, so they are kept for a few minutes rather than recounted on every
visit: a public page must not let anyone make the database count a million rows at will.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from flask import current_app, render_template
from flask_babel import gettext as _

from complaints import directory
from complaints.charts import number, percent
from complaints.public import blueprint
from complaints.reports import (
    AkimatSummary,
    Period,
    QualityIndicators,
    Share,
    SurveyAnswers,
    akimat_summaries,
)
from complaints.web import today_in_almaty
from qyzmet.extensions import db
from qyzmet.i18n import current_language

CACHE_SECONDS: Final = 600


@dataclass(frozen=True)
class RegionRows:
    name: str
    rows: list[tuple[str, AkimatSummary]]  # akimat name, its figures


@dataclass(frozen=True)
class YearStatistics:
    year: int
    regions: list[RegionRows]
    total: AkimatSummary


class _SummaryCache:
    """The last few computations, each kept for `CACHE_SECONDS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple, tuple[float, list[AkimatSummary]]] = {}

    def get(self, key: tuple, compute: Callable[[], list[AkimatSummary]]) -> list[AkimatSummary]:
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and now - entry[0] < CACHE_SECONDS:
            return entry[1]
        value = compute()
        with self._lock:
            # Old years and old lists of akimats are never asked for again: drop them.
            self._entries = {k: v for k, v in self._entries.items() if now - v[0] < CACHE_SECONDS}
            self._entries[key] = (now, value)
        return value


def _cache() -> _SummaryCache:
    # One per app, like its database: apps never see each other's figures.
    return current_app.extensions.setdefault("complaint_statistics", _SummaryCache())


def _summaries(akimat_ids: list[str], year: int) -> dict[str, AkimatSummary]:
    # Today is part of the key: a complaint becomes overdue at midnight, and counts from then.
    today = today_in_almaty()
    summaries = _cache().get(
        (year, tuple(akimat_ids), today),
        lambda: akimat_summaries(db.session, akimat_ids, Period.year(year), today=today),
    )
    return {summary.akimat_id: summary for summary in summaries}


def _total(summaries: list[AkimatSummary]) -> AkimatSummary:
    return AkimatSummary(
        akimat_id="",
        registered=sum(s.registered for s in summaries),
        answered=sum(s.answered for s in summaries),
        answered_on_time=sum((s.answered_on_time for s in summaries), Share(0, 0)),
        quality=QualityIndicators(
            reviewed_and_satisfied_on_time=sum(
                (s.quality.reviewed_and_satisfied_on_time for s in summaries), Share(0, 0)
            ),
            procedure=sum((s.quality.procedure for s in summaries), SurveyAnswers()),
            timeliness=sum((s.quality.timeliness for s in summaries), SurveyAnswers()),
        ),
    )


def year_statistics(year: int, lang: str) -> YearStatistics:
    groups = directory.akimat_groups(lang)
    akimat_ids = [choice.value for group in groups for choice in group.choices]
    summaries = _summaries(akimat_ids, year)
    return YearStatistics(
        year=year,
        regions=[
            RegionRows(
                group.label, [(choice.label, summaries[choice.value]) for choice in group.choices]
            )
            for group in groups
        ],
        total=_total(list(summaries.values())),
    )


@blueprint.get("/statistics/")
def statistics():
    lang = current_language()
    this_year = today_in_almaty().year
    return render_template(
        "complaints/statistics.html",
        years=[year_statistics(year, lang) for year in (this_year, this_year - 1)],
        number=number,
        percent=percent,
        no_data=_("No data"),
    )
