"""axe-core finds no WCAG 2.2 AA violation on any page type, and no page scrolls sideways at 320 px.

Guide pages are checked on the live app, so its Content-Security-Policy is in force; the search
page is checked on the frozen site, the only place where Pagefind's index exists. See
docs/accessibility.md for what to do when one of these fails.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    CONTENT,
    NARROWEST_PHONE,
    assert_focus_is_visible_and_unobscured,
    assert_no_axe_violations,
    assert_radio_groups_ask_their_question,
    assert_reflows_at_320_px,
    assert_targets_are_at_least_24_px,
    assert_text_spacing_clips_nothing,
    file_a_complaint,
    small_pdf,
)
from playwright.sync_api import expect

from guide.views import guide_pages

pytestmark = pytest.mark.browser

LANGUAGES = ("kk", "ru")


def _richest_body_of_each_kind() -> list[str]:
    """One office per kind: the one with the most contact details, so every row is rendered;
    and, of those part of an akimat, one more, whose page offers a complaint about it."""
    content = CONTENT["kk"]
    best: dict[str, tuple[int, str]] = {}
    for body in sorted(content.bodies.values(), key=lambda b: b.id):
        filled = sum(
            bool(value)
            for value in (body.head, body.address, body.phones, body.emails, body.websites)
        ) + (2 if body.hours else 0)
        if body.kind not in best or filled > best[body.kind][0]:
            best[body.kind] = (filled, body.id)
        part_of_an_akimat = body.kind != "akimat" and content.akimat_over(body.id)
        if part_of_an_akimat and filled > best.get("part of an akimat", (-1, ""))[0]:
            best["part of an akimat"] = (filled, body.id)
    return sorted({body_id for _filled, body_id in best.values()})


# A new page type in guide_pages() fails here until it is given its path and checked.
PATHS = {
    "guide.home": "",
    "guide.regions": "regions/",
    "guide.akimats": "akimats/",
    "guide.service": "services/{service_id}/",
    "guide.topic": "topics/{category_id}/",
    "guide.region": "regions/{region_id}/",
    "guide.body": "bodies/{body_id}/",
}


def _guide_paths() -> list[str]:
    """Every page type: every service, topic and region, one office per kind, the lists."""
    sampled_bodies = set(_richest_body_of_each_kind())
    return [
        PATHS[endpoint].format(**values)
        for endpoint, values in guide_pages(CONTENT)
        # Search is checked on the frozen site, where its index exists.
        if endpoint != "guide.search"
        and (endpoint != "guide.body" or values["body_id"] in sampled_bodies)
    ]


GUIDE_PATHS = _guide_paths()


@pytest.mark.parametrize("path", GUIDE_PATHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_guide_page_is_accessible(page, live_server, lang, path):
    response = page.goto(f"{live_server.url}/{lang}/{path}")
    assert response.status == 200
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/", 200), ("/404.html", 200), ("/kk/no-such-page/", 404), ("/ru/no-such-page/", 404)],
)
def test_page_outside_a_language_is_accessible(page, live_server, path, status):
    response = page.goto(live_server.url + path)
    assert response.status == status
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)


SEARCH_WORDS = {"kk": "жекешелендіру", "ru": "приватизация"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_search_page_with_results_is_accessible(page, static_server, lang):
    page.goto(f"{static_server}/{lang}/search/?q={SEARCH_WORDS[lang]}")
    page.locator("#search-results li").first.wait_for()
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_complaint_statistics_are_accessible(page, live_server, lang):
    response = page.goto(f"{live_server.url}/{lang}/complaints/statistics/")
    assert response.status == 200
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_complaint_form_is_accessible_empty_and_with_errors(page, live_server, lang):
    page.goto(f"{live_server.url}/{lang}/complaints/new/")
    expect(page.locator(".qz-honeypot")).to_be_hidden()
    assert_no_axe_violations(page)
    assert_radio_groups_ask_their_question(page)
    assert_reflows_at_320_px(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        page.locator("form.qz-complaint-form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    assert_radio_groups_ask_their_question(page)
    assert_reflows_at_320_px(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_receipt_and_tracking_pages_are_accessible(page, live_server, lang):
    number, code = file_a_complaint(
        page,
        f"{live_server.url}/{lang}/complaints/new/?akimat=taraz-city-akimat",
        "Құжаттар қабылданбады",
        "Бөлім маманы өтінішті себепсіз қабылдамады.",
        "Асқар Жұмабаев",
        "askar@example.kz",
        [{"name": "хат.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Letter")}],
    )
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{6}", number)
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)

    # WCAG 3.3.7: the receipt's link to tracking brings the number it has just shown along.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("main a[href*='/complaints/track/']").click()
    expect(page.locator("#registration_number")).to_have_value(number)
    assert_no_axe_violations(page)
    page.locator("#lost-access-code > summary").click()  # "Lost your access code?" open
    expect(page.locator("#lost-access-code .govuk-details__text")).to_be_visible()
    assert_no_axe_violations(page)
    page.fill("#access_code", "WRONG-CODE")
    page.locator("form button[type=submit]").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("#registration_number", number)
    page.fill("#access_code", code)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(re.compile(f"/track/{number}/$"))
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)


def test_a_refused_withdrawal_is_announced_like_a_done_one(context, live_server):
    """WCAG 4.1.3: the message after a withdrawal, done or refused, is an alert that takes focus.

    Both answer what the applicant has just done, so both follow GOV.UK's notification banner
    for an outcome: role="alert", focused on load. A refusal shown as a plain region was read
    only by someone who went looking for it.
    """
    base = live_server.url
    filing = context.new_page()
    _number, code = file_a_complaint(
        filing,
        f"{base}/ru/complaints/new/?akimat=taraz-city-akimat",
        "Не выдали справку",
        "В отделе отказались принять заявление без объяснения причин.",
        "Ирина Ли",
        "irina@example.kz",
    )
    filing.locator("main a[href*='/complaints/track/']").click()
    filing.fill("#access_code", code)
    filing.locator("main form button[type=submit]").click()
    filing.wait_for_url(re.compile(r"/track/[A-Z]+-\d{4}-\d{6}/$"))

    # The same status page in two tabs: the complaint is withdrawn in the second one first.
    tabs = [filing, context.new_page()]
    tabs[1].goto(filing.url)
    for tab in reversed(tabs):
        tab.locator("details.govuk-details > summary").click()
        tab.locator("input[name=confirm]").check()
        tab.locator("details form button[type=submit]").click()
        tab.wait_for_load_state("load")
        banner = tab.locator("main .govuk-notification-banner")
        expect(banner).to_have_count(1)
        expect(banner).to_have_attribute("role", "alert")
        expect(banner).to_be_focused()


# A guide page rich in parts (contents list, steps, repealed-act notice, office details).
RICH_SERVICE = "almaty-city-housing-privatisation-2018"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_spacing_targets_and_focus_hold_on_the_citizens_main_pages(page, live_server, lang):
    """What axe does not judge, measured on the pages a citizen goes through: 1.4.12 text
    spacing and 2.5.8 target size at 1280 and 320 px, and 2.4.7 / 2.4.11 focus at 320 px."""
    for path in (
        "",
        f"services/{RICH_SERVICE}/",
        "complaints/new/",
        "complaints/track/",
    ):
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/{lang}/{path}")
        if path == "complaints/new/":
            with page.expect_navigation():
                page.locator("form.qz-complaint-form button[type=submit]").click()
            expect(page.locator(".govuk-error-summary")).to_be_focused()
        page.wait_for_load_state("load")
        assert_targets_are_at_least_24_px(page)
        assert_text_spacing_clips_nothing(page)
        page.set_viewport_size(NARROWEST_PHONE)
        assert_targets_are_at_least_24_px(page)
        assert_text_spacing_clips_nothing(page)
        assert assert_focus_is_visible_and_unobscured(page) > 5


@pytest.mark.parametrize("lang", LANGUAGES)
def test_files_kept_after_an_error_stay_attached_on_a_phone_and_are_filed(page, live_server, lang):
    """WCAG 3.3.7 on a phone: a wrong phone number does not send the applicant looking for the
    scans again; the page showing them is accessible, "Remove" works without JavaScript's
    help, and Enter in a field sends the form rather than pressing the first "Remove"."""
    page.set_viewport_size(NARROWEST_PHONE)
    page.goto(f"{live_server.url}/{lang}/complaints/new/?akimat=taraz-city-akimat")
    page.fill("#subject", "Құжаттар қабылданбады")
    page.fill("#text", "Бөлім маманы өтінішті себепсіз қабылдамады.")
    page.fill("#full_name", "Асқар Жұмабаев")
    page.fill("#phone", "123")
    page.fill("#address", "Тараз, Төле би 1")
    page.locator("input[name=reply_channel][value=post]").check()
    page.set_input_files(
        "#attachments",
        [
            {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Scan")},
            {"name": "extra.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Extra")},
        ],
    )
    page.locator("#consent").check()
    with page.expect_navigation():
        page.locator("form.qz-complaint-form button[name=submit]").click()
    kept = page.locator(".qz-kept-file")
    expect(kept).to_have_count(2)
    expect(kept.first).to_contain_text("scan.pdf")
    assert_no_axe_violations(page)
    assert_reflows_at_320_px(page)

    with page.expect_navigation():
        kept.nth(1).locator("button[name=remove_file]").click()
    expect(page.locator(".qz-kept-file")).to_have_count(1)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("extra.pdf")
    assert_no_axe_violations(page)

    page.fill("#phone", "8 701 123 45 67")
    with page.expect_navigation():
        page.locator("#phone").press("Enter")
    expect(page.locator("#registration-number")).to_be_visible()
