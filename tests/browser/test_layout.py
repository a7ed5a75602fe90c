"""Kazakh and Russian text lays out whole: labels wrap between words, a table's caption fits the
phone while the table scrolls, and the receipt prints on one A4 page with the tracking address.

Measured in Chromium: each word's Range has its client rects on one line, a caption's box ends
inside the viewport, and the printed PDF is read back with pypdf.
"""

from __future__ import annotations

import io
import re

import pytest
from browser_support import CONTENT, file_a_complaint, small_pdf, words_split_across_lines
from pypdf import PdfReader

pytestmark = pytest.mark.browser

LANGUAGES = ("kk", "ru")
# A service with many offices, their contacts in cards, and a quality-indicator table.
OFFICES_SERVICE = "zhambyl-housing-registration-2008"
# A service with an alternative path, tagged beside its title.
ALTERNATIVE_PATH_SERVICE = "almaty-city-housing-registration-2013"
WIDTHS = (1280, 360)
# The labels the audit found split: summary list keys and tags.
LABELS = "main .govuk-summary-list__key, main .govuk-tag"


def file_an_ordinary_complaint(page, base: str, lang: str) -> tuple[str, str]:
    """A complaint about a service and its office, with one letter attached: every row the
    receipt can show."""
    return file_a_complaint(
        page,
        f"{base}/{lang}/complaints/new/?akimat=taraz-city-akimat"
        f"&service={OFFICES_SERVICE}&office=taraz-housing-department",
        "Құжаттар қабылданбады",
        "Бөлім маманы өтінішті себепсіз қабылдамады.",
        "Асқар Жұмабаев",
        "askar@example.kz",
        [{"name": "хат.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Letter")}],
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_receipt_prints_on_one_a4_page_with_the_tracking_address(page, live_server, lang):
    number, code = file_an_ordinary_complaint(page, live_server.url, lang)

    printed = PdfReader(io.BytesIO(page.pdf(format="A4")))

    assert len(printed.pages) == 1
    text = printed.pages[0].extract_text()
    unbroken = re.sub(r"\s+", "", text)
    assert number in unbroken
    assert code in unbroken
    track_url = f"{live_server.app.config['SITE_URL']}/{lang}/complaints/track/"
    assert track_url in unbroken
    # Only of use on screen: the warning to write the code down before leaving, and buttons
    warning = re.sub(r"\s+", "", page.locator(".qz-receipt .govuk-warning-text").inner_text())
    assert warning[-40:] not in unbroken
    assert "PDF" not in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_receipts_labels_keep_their_words_whole(page, live_server, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    file_an_ordinary_complaint(page, live_server.url, lang)

    assert words_split_across_lines(page, LABELS) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "path",
    [
        f"kk/services/{OFFICES_SERVICE}/",
        f"ru/services/{OFFICES_SERVICE}/",
        f"kk/services/{ALTERNATIVE_PATH_SERVICE}/",
        f"ru/services/{ALTERNATIVE_PATH_SERVICE}/",
    ],
)
def test_office_contacts_and_tags_keep_their_words_whole(page, live_server, path, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/{path}")
    # "Where to apply" folds long lists of offices away; open them as a reader would.
    page.locator("main details").evaluate_all("all => all.forEach(d => { d.open = true; })")

    assert page.locator("main .qz-contacts").first.is_visible()
    assert words_split_across_lines(page, LABELS) == []


@pytest.mark.parametrize(
    "path",
    [
        "ru/complaints/statistics/",
        "kk/complaints/statistics/",
        f"kk/services/{OFFICES_SERVICE}/",
    ],
)
def test_table_captions_wrap_within_a_phone_screen_while_the_table_scrolls(page, live_server, path):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server.url}/{path}")
    regions = page.locator("main .qz-table-scroll:has(caption:not(.govuk-visually-hidden))")
    assert regions.count() > 0

    for region in regions.all():
        caption = region.locator("caption")
        assert caption.bounding_box()["x"] + caption.bounding_box()["width"] <= 360
        # The table is wider than the screen; scrolled to its end, the caption stays in view.
        assert region.evaluate("box => box.scrollWidth > box.clientWidth")
        region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
        box = caption.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_printed_service_page_holds_the_offices_the_screen_folds_away_and_no_navigation(
    page, live_server, lang
):
    service = CONTENT[lang].services[ALTERNATIVE_PATH_SERVICE]
    psc = next(channel for channel in service.channels if channel.kind == "psc")
    office = CONTENT[lang].bodies[psc.bodies[-1]]
    page.goto(f"{live_server.url}/{lang}/services/{service.id}/")
    assert not page.get_by_text(office.address).first.is_visible()  # folded on screen

    page.emulate_media(media="print")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages)
    unbroken = re.sub(r"\s+", "", text)

    assert re.sub(r"\s+", "", office.address) in unbroken
    assert re.sub(r"\s+", "", service.title) in unbroken
    for chrome in ("nav.qz-language-switcher", ".govuk-breadcrumbs", ".qz-contents", "footer"):
        shown = page.locator(chrome).first.inner_text()
        assert re.sub(r"\s+", "", shown)[:30] not in unbroken, chrome
