"""Report figures for people: numbers in the page's locale and server-rendered SVG bar charts.

The charts need no script and no inline style (the CSP forbids both): colours come from the
`qz-chart__*` classes, sizes from attributes. There is no `viewBox`, so nothing is scaled:
bar lengths are percentages of the chart's width and the text keeps its 16px on a phone.
Each bar's label and value sit above the bar, wrapped to fit a phone, so a long Kazakh label
never collides with its bar or runs off the screen. A chart is an image to assistive
technology, described by its `<title>` and `<desc>`; pages put the same numbers in a table
beside it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from babel import Locale
from babel.numbers import format_decimal, format_percent
from flask_babel import get_locale
from markupsafe import Markup

if TYPE_CHECKING:
    from complaints.reports import Share

LINE_HEIGHT: Final = 20  # px between lines of 16px text
BAR_HEIGHT: Final = 20
GAP: Final = 6  # px between a label and its bar
ROW_GAP: Final = 12  # px between one bar and the next label
# A 320px phone holds a line of about 30 characters of 16px text; the value needs the rest.
LABEL_WIDTH: Final = 24


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    muted: bool = False  # drawn in the lighter brand colour, e.g. closed complaints


def bar_chart(bars: Sequence[Bar], *, title: str, description: str, chart_id: str) -> Markup:
    """A horizontal bar chart in a `<figure>`; `description` says what the numbers count."""
    largest = max((bar.value for bar in bars), default=0)
    values = "; ".join(f"{bar.label}: {number(bar.value)}" for bar in bars)
    rows = []
    top = 0
    for bar in bars:
        lines = textwrap.wrap(bar.label, LABEL_WIDTH) or [""]
        rows.append(_bar(bar, lines, top=top, largest=largest))
        top += len(lines) * LINE_HEIGHT + GAP + BAR_HEIGHT + ROW_GAP
    height = top - ROW_GAP if bars else 0
    return Markup(
        '<figure class="qz-chart" id="{id}">'
        '<figcaption class="qz-chart__caption">{title}</figcaption>'
        '<svg class="qz-chart__svg" xmlns="http://www.w3.org/2000/svg" width="100%" '
        'height="{height}" role="img" aria-labelledby="{id}-title {id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title>'
        '<desc id="{id}-desc">{description} {values}</desc>'
        '<line class="qz-chart__axis" x1="1" y1="0" x2="1" y2="{height}"/>'
        "{rows}"
        "</svg></figure>"
    ).format(
        id=chart_id,
        title=title,
        description=description,
        values=values,
        height=height,
        rows=Markup("").join(rows),
    )


def _bar(bar: Bar, lines: list[str], *, top: int, largest: int) -> Markup:
    width = 100 * bar.value / largest if largest else 0
    bar_class = "qz-chart__bar qz-chart__bar--muted" if bar.muted else "qz-chart__bar"
    label = Markup("").join(
        Markup('<tspan x="8" dy="{dy}">{line}</tspan>').format(
            line=line, dy=LINE_HEIGHT if index else 0
        )
        for index, line in enumerate(lines)
    )
    text_bottom = top + len(lines) * LINE_HEIGHT
    return Markup(
        '<text x="8" y="{baseline}">{label}'
        '<tspan class="qz-chart__value" dx="8">{value}</tspan></text>'
        '<rect class="{bar_class}" x="1" y="{bar_top}" width="{width}%" height="{bar_height}"/>'
    ).format(
        baseline=top + LINE_HEIGHT - 3,
        label=label,
        value=number(bar.value),
        bar_class=bar_class,
        bar_top=text_bottom + GAP,
        width=f"{width:.2f}".rstrip("0").rstrip("."),
        bar_height=BAR_HEIGHT,
    )


def number(value: int) -> str:
    """A count with the locale's digit grouping (a no-break space in kk and ru)."""
    return format_decimal(value, locale=_locale())


def decimal(value: float | None, digits: int = 1) -> str | None:
    """A mean or similar with at most `digits` decimals ("3,5"), or None for no value."""
    if value is None:
        return None
    return format_decimal(round(value, digits), locale=_locale(), decimal_quantization=False)


def percent(share: Share) -> str | None:
    """A share as a percentage with at most one decimal ("66,7 %"), or None for no data."""
    value = share.percent
    if value is None:
        return None
    return format_percent(value / 100, locale=_locale(), decimal_quantization=False)


def _locale() -> Locale | str:
    """The request's Locale as it is: Babel would parse its name again on every number."""
    return get_locale() or "kk"
