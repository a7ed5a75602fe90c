"""A citizen on a phone reads a guide, complains to the akimat and follows the complaint.

The journey runs in Kazakh and again in Russian, against the live app with its CSP in force.
What the pages must show is taken from the guide content, so a wording change in the YAML does
not break the test while a missing fact does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from browser_support import CONTENT, small_pdf
from flask_babel import gettext
from playwright.sync_api import Page, expect

from complaints.web import state_label
from qyzmet.templating import hours_lines

pytestmark = pytest.mark.browser

REGISTRATION_NUMBER = re.compile(r"[A-Z]+-\d{4}-\d{6}")


@dataclass(frozen=True)
class Citizen:
    lang: str
    region: str
    service: str
    office: str
    akimat: str
    # Where a channel has many offices, they sit behind a folded "N offices: …" disclosure.
    offices_folded: bool
    name: str
    subject: str
    text: str


CITIZENS = [
    Citizen(
        lang="kk",
        region="karaganda-oblast",
        service="aktogay-housing-registration-2013",
        office="aktogay-housing-department",
        akimat="aktogay-district-akimat",
        offices_folded=False,
        name="Айгүл Сәрсенбаева",
        subject="Құжаттарым қабылданбады",
        text="Бөлімге 3 наурызда бардым, маман өтінішімді себебін айтпай қабылдамады.",
    ),
    Citizen(
        lang="ru",
        region="zhambyl-oblast",
        service="zhambyl-housing-registration-2008",
        office="taraz-housing-department",
        akimat="taraz-city-akimat",
        offices_folded=True,
        name="Ольга Ким",
        subject="Не приняли документы",
        text="Специалист отдела отказал в приёме заявления и не назвал причину отказа.",
    ),
]


def in_language(app, lang: str, render):
    """Run `render` with the app's locale set to `lang`, as a request to /<lang>/ would."""
    with app.test_request_context(f"/{lang}/"):
        return render()


@pytest.mark.parametrize("citizen", CITIZENS, ids=lambda c: c.lang)
def test_citizen_on_a_phone_finds_a_service_complains_and_tracks_it(
    phone_page: Page, live_server, screenshot, citizen: Citizen
):
    page = phone_page
    content = CONTENT[citizen.lang]
    service = content.services[citizen.service]
    office = content.bodies[citizen.office]
    akimat = content.bodies[citizen.akimat]

    page.goto(live_server.url + "/")
    screenshot(page, "language-chooser")
    page.get_by_role("link", name={"kk": "Қазақша", "ru": "Русский"}[citizen.lang]).tap()
    expect(page).to_have_url(f"{live_server.url}/{citizen.lang}/")
    expect(page.locator("html")).to_have_attribute("lang", citizen.lang)
    screenshot(page, "home")

    region_entry = page.locator(".qz-region-list > li").filter(
        has=page.get_by_role("link", name=content.regions[citizen.region].name, exact=True)
    )
    region_entry.get_by_role("link", name=service.title).tap()
    expect(page).to_have_url(f"{live_server.url}/{citizen.lang}/services/{service.id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)
    screenshot(page, "service")

    page.locator(".qz-contents a[href='#documents']").tap()
    expect(page).to_have_url(re.compile("#documents$"))
    checklist = page.locator("#documents-section .qz-checklist__item")
    expected_documents = [item.name for group in service.documents for item in group.items]
    expect(checklist).to_have_count(len(expected_documents))
    expect(checklist.first).to_contain_text(expected_documents[0])
    expect(page.locator("#documents")).to_be_in_viewport()
    screenshot(page, "documents-checklist")

    link_to_office = f"a[href$='/bodies/{office.id}/']"
    office_link = page.locator(f".qz-channel {link_to_office}").first
    expect(office_link).to_have_text(office.name)
    if citizen.offices_folded:
        expect(office_link).to_be_hidden()
        page.locator(f".qz-channel details:has({link_to_office}) > summary").first.tap()
    office_link.tap()
    expect(page).to_have_url(f"{live_server.url}/{citizen.lang}/bodies/{office.id}/")
    hours = in_language(live_server.app, citizen.lang, lambda: hours_lines(office.hours))
    hours_list = page.locator(".qz-hours").first
    for line in hours:
        expect(hours_list).to_contain_text(line)
    hours_list.scroll_into_view_if_needed()
    screenshot(page, "office-hours")

    page.go_back()
    expect(page).to_have_url(re.compile(f"/{citizen.lang}/services/{service.id}/"))
    page.locator(".qz-complaint-links").get_by_role("link", name=akimat.name).tap()
    expect(page).to_have_url(re.compile(f"/{citizen.lang}/complaints/new/"))
    expect(page.locator("#akimat")).to_have_value(akimat.id)
    expect(page.locator("#service")).to_have_value(service.id)
    screenshot(page, "complaint-form")

    page.locator("#subject").fill(citizen.subject)
    page.locator("#text").fill(citizen.text)
    page.locator("#attachments").set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": small_pdf("Letter")}
    )
    page.locator("#full_name").fill(citizen.name)
    page.locator("#phone").fill("8 701 123 45 67")
    page.locator("#email").fill("applicant@example.kz")
    page.locator("input[name=reply_channel][value=email]").tap()
    page.locator("#consent").tap()
    screenshot(page, "complaint-form-filled", full_page=True)
    page.locator("#submit").tap()

    number_shown = page.locator("#registration-number")
    expect(number_shown).to_have_text(REGISTRATION_NUMBER)
    number = number_shown.inner_text()
    # Shown once, here; that tracking accepts it below proves it is the right one.
    code = page.locator("#access-code").inner_text()
    expect(page.locator("#receipt")).to_contain_text("letter.pdf")
    expect(page.locator("#receipt")).to_contain_text(akimat.name)
    screenshot(page, "receipt", full_page=True)

    page.locator("main a[href*='/complaints/track/']").tap()
    page.locator("#registration_number").fill(number)
    page.locator("#access_code").fill(code)
    screenshot(page, "tracking-form")
    page.locator("main form button[type=submit]").tap()

    expect(page).to_have_url(f"{live_server.url}/{citizen.lang}/complaints/track/{number}/")
    status = state_label("registered", citizen.lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(status)
    expect(page.locator(".qz-status")).to_have_text(status)
    history = page.locator(".qz-timeline__event")
    expect(history).to_have_count(1)
    received = in_language(
        live_server.app, citizen.lang, lambda: gettext("Complaint received and registered")
    )
    expect(history.first).to_contain_text(received)
    screenshot(page, "tracked-complaint", full_page=True)
