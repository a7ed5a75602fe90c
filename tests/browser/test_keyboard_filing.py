"""Filing a complaint with the keyboard alone: Tab, Shift+Tab, Space, Enter and typing.

A person who cannot use a mouse or a touch screen must reach every field in reading order,
hear about every mistake, and get from the list of mistakes straight to the field.
"""

from __future__ import annotations

import re

import pytest
from browser_support import CONTENT, focused, small_pdf, tab_stops, tab_until
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FORM_FIELDS_IN_ORDER = [
    "akimat",
    "service",
    "office",
    "subject",
    "text",
    "attachments",
    "full_name",
    "iin",
    "phone",
    "email",
    "address",
    "reply_channel",  # one stop for the radio group: its first radio
    "consent",
    "submit",
]


def press_tab_to(page: Page, field_id: str) -> None:
    """One Tab press must land on `field_id`: the next field in reading order."""
    page.keyboard.press("Tab")
    expect(page.locator(f"#{field_id}")).to_be_focused()


def test_complaint_filed_with_the_keyboard_alone(page: Page, live_server, screenshot):
    # Playwright turns on file-chooser interception without waiting for the browser to
    # confirm it; listening from the start means it is on long before Space opens the chooser,
    # instead of racing the key press on a busy machine.
    page.on("filechooser", lambda chooser: None)
    page.goto(f"{live_server.url}/kk/complaints/new/")

    stops = tab_stops(page, until=lambda element: element["id"] == "submit")
    assert stops[0]["href"] == "#main-content", "the first Tab reaches the skip link"
    in_form = [stop["id"] for stop in stops if stop["form"] == "qz-complaint-form"]
    # Every field in reading order, and never the hidden anti-bot field.
    assert in_form == FORM_FIELDS_IN_ORDER

    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    screenshot(page, "error-summary-focused")

    targets = [link.get_attribute("href") for link in summary.locator("a").all()]
    assert targets[:2] == ["#akimat", "#subject"]
    assert {"#text", "#full_name", "#reply_channel", "#consent"} <= set(targets)
    page.keyboard.press("Tab")
    for index, target in enumerate(targets):
        if index > 0:
            # Back up from the field into the summary, to the next link.
            tab_until(page, lambda element, href=target: element["href"] == href, backwards=True)
        assert focused(page)["href"] == target
        page.keyboard.press("Enter")
        expect(page.locator(target)).to_be_focused()

    # The first link of the summary leads back to the top of the form.
    tab_until(page, lambda element: element["href"] == "#akimat", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("#akimat")).to_be_focused()
    page.keyboard.press("ArrowDown")
    chosen = page.locator("#akimat").input_value()
    assert chosen in CONTENT["kk"].bodies

    press_tab_to(page, "service")
    press_tab_to(page, "office")
    press_tab_to(page, "subject")
    page.keyboard.type("Өтінішім қабылданбады")
    press_tab_to(page, "text")
    page.keyboard.type("Маман құжаттарымды қабылдаудан бас тартты.\nСебебін жазбаша бермеді.")
    press_tab_to(page, "attachments")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(
        {"name": "anyqtama.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Scan")}
    )
    press_tab_to(page, "full_name")
    page.keyboard.type("Ерлан Бекболатұлы")
    press_tab_to(page, "iin")
    press_tab_to(page, "phone")
    press_tab_to(page, "email")
    page.keyboard.type("erlan@example.kz")
    press_tab_to(page, "address")
    press_tab_to(page, "reply_channel")
    page.keyboard.press("Space")
    expect(page.locator("#reply_channel")).to_be_checked()
    press_tab_to(page, "consent")
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    press_tab_to(page, "submit")
    screenshot(page, "form-filled", full_page=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("#registration-number")).to_have_text(re.compile(r"[A-Z]+-\d{4}-\d{6}"))
    expect(page.locator("#access-code")).not_to_be_empty()
    expect(page.locator("#receipt")).to_contain_text("anyqtama.pdf")
    screenshot(page, "receipt", full_page=True)
