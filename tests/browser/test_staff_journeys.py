"""Staff work a complaint in a real browser, and the applicant reads the answer in Russian.

log in → assign → review → draft → the head approves → the applicant's tracking page shows the
answer in the applicant's language (issue 6); axe on every back-office page in both languages.
"""

from __future__ import annotations

import re

import pytest
from browser_support import (
    NARROWEST_PHONE,
    assert_language_names_carry_their_lang,
    assert_no_axe_violations,
    assert_text_spacing_clips_nothing,
)
from helpers import make_staff
from playwright.sync_api import Page, expect

from complaints.domain.workflow import OUTCOME_LABELS, STATE_LABELS, State

pytestmark = pytest.mark.browser

PASSWORD = "a long browser passphrase"


@pytest.fixture(scope="module")
def staff_accounts(live_server):
    app = live_server.app
    accounts = {}
    for role in ("head", "executor", "registrar", "admin"):
        email = f"browser.{role}@example.kz"
        make_staff(app, role, email=email, password=PASSWORD, name=f"Browser {role.title()}")
        accounts[role] = email
    make_staff(
        app,
        "supervisor",
        akimat_id=None,
        region_id="zhambyl-oblast",
        email="browser.supervisor@example.kz",
        password=PASSWORD,
    )
    accounts["supervisor"] = "browser.supervisor@example.kz"
    # The first admin, made on the server without an akimat: it chooses one on the Staff page.
    make_staff(
        app,
        "admin",
        akimat_id=None,
        email="browser.system.admin@example.kz",
        password=PASSWORD,
        name="Browser System Admin",
    )
    accounts["system admin"] = "browser.system.admin@example.kz"
    return accounts


def sign_in(page: Page, base: str, email: str, lang: str = "kk") -> None:
    """Sign in on the `lang` pages and go on in `lang`. Signing in opens the back office in
    the account's own language, Kazakh for these accounts."""
    page.goto(f"{base}/{lang}/staff/login/")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/kk/staff/")
    if lang != "kk":
        page.goto(f"{base}/{lang}/staff/")


def file_in_russian(page: Page, base: str) -> tuple[str, str]:
    page.goto(f"{base}/ru/complaints/new/?akimat=taraz-city-akimat")
    page.locator("#subject").fill("Не выдали справку")
    page.locator("#text").fill("В отделе отказались принять заявление без объяснения причин.")
    page.locator("#full_name").fill("Ирина Ли")
    page.locator("#email").fill("irina@example.kz")
    page.locator("input[name=reply_channel][value=email]").check()
    page.locator("#consent").check()
    page.locator("#submit").click()
    number = page.locator("#registration-number").inner_text()
    code = page.locator("#access-code").inner_text()
    return number, code


def find_in_queue(page: Page, number: str) -> None:
    """Open the complaint from the queue by searching for its number, as staff do: the queue
    shows 25 a page, and other tests file complaints on the same server."""
    page.locator(".qz-filters > summary").click()
    page.locator("#q").fill(number)
    page.locator("#q").press("Enter")
    page.get_by_role("link", name=number).click()


def open_action(page: Page, action: str) -> None:
    page.locator(f"#action-{action} > summary").click()


def executor_starts_the_review(browser, base, staff_accounts, console_log, complaint_url) -> Page:
    """The executor signs in, starts the review and opens the answer's form."""
    executor = browser.new_context().new_page()
    console_log.watch(executor)
    sign_in(executor, base, staff_accounts["executor"])
    executor.goto(complaint_url)
    open_action(executor, "start_review")
    executor.locator("#action-start_review button[type=submit]").click()
    open_action(executor, "draft_answer")
    return executor


def test_staff_process_a_complaint_and_the_applicant_reads_the_answer(
    browser, live_server, staff_accounts, screenshot, console_log
):
    base = live_server.url
    applicant = browser.new_context().new_page()
    console_log.watch(applicant)
    number, code = file_in_russian(applicant, base)

    head = browser.new_context().new_page()
    console_log.watch(head)
    sign_in(head, base, staff_accounts["head"])
    screenshot(head, "head-queue")
    find_in_queue(head, number)
    expect(head.get_by_role("heading", level=1)).to_contain_text(number)
    open_action(head, "assign")
    head.locator("#assign-executor_id").select_option(label="Browser Executor")
    screenshot(head, "head-assigns", full_page=True)
    head.locator("#action-assign button[type=submit]").click()
    expect(head.locator(".govuk-notification-banner--success")).to_be_visible()
    complaint_url = head.url

    executor = executor_starts_the_review(browser, base, staff_accounts, console_log, complaint_url)
    executor.locator("input[name='draft_answer-outcome'][value=satisfied]").check()
    executor.locator("#draft_answer-answer").fill("Справка будет выдана в течение 2 рабочих дней.")
    screenshot(executor, "executor-drafts", full_page=True)
    executor.locator("#action-draft_answer button[type=submit]").click()
    expect(executor.locator(".qz-status")).to_have_text(STATE_LABELS[State.ANSWER_DRAFTED]["kk"])

    head.reload()
    open_action(head, "approve_answer")
    head.locator("#action-approve_answer button[type=submit]").click()
    expect(head.locator(".qz-status")).to_have_text(STATE_LABELS[State.ANSWERED]["kk"])
    screenshot(head, "head-approved", full_page=True)

    applicant.goto(f"{base}/ru/complaints/track/")
    applicant.locator("#registration_number").fill(number)
    applicant.locator("#access_code").fill(code)
    applicant.locator("main form button[type=submit]").click()
    expect(applicant.get_by_role("heading", level=1)).to_have_text("Дан ответ")
    answer = applicant.locator(".qz-answer")
    expect(answer).to_contain_text(OUTCOME_LABELS["satisfied"]["ru"])
    expect(answer).to_contain_text("Справка будет выдана в течение 2 рабочих дней.")
    screenshot(applicant, "applicant-reads-answer", full_page=True)
    assert_no_axe_violations(applicant)  # the survey form shows after the answer


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_back_office_pages_pass_axe(browser, live_server, staff_accounts, console_log, lang):
    base = live_server.url
    page = browser.new_context().new_page()
    console_log.watch(page)
    page.goto(f"{base}/{lang}/staff/login/")
    assert_no_axe_violations(page)
    page.locator("main form button[type=submit]").click()  # empty: errors shown
    assert_no_axe_violations(page)

    file_in_russian(browser.new_context().new_page(), base)
    for role in ("registrar", "head", "admin", "supervisor", "system admin"):
        page.context.clear_cookies()
        sign_in(page, base, staff_accounts[role], lang)
        assert_no_axe_violations(page)  # the queue
        first = page.locator("table.qz-queue tbody a").first
        if first.count():
            first.click()
            for summary in page.locator("details.qz-action > summary").all():
                summary.click()
            assert_no_axe_violations(page)  # the complaint page with every action form open
            assert_language_names_carry_their_lang(page)  # "Answer by: … · Русский"
            page.set_viewport_size(NARROWEST_PHONE)  # the timeline's tags at 320 px
            assert_text_spacing_clips_nothing(page)
            page.set_viewport_size({"width": 1280, "height": 720})
            if role == "registrar":
                # A new access code: refused without the identity check, then shown once.
                issuing = page.locator("#action-issue_access_code")
                issuing.locator("button[type=submit]").click()
                expect(page.locator(".govuk-error-summary")).to_be_visible()
                assert_no_axe_violations(page)
                page.locator("#action-issue_access_code input[type=checkbox]").check()
                page.locator("#action-issue_access_code button[type=submit]").click()
                expect(page.locator("#coupon #access-code")).to_be_visible()
                assert_no_axe_violations(page)
        for path in {
            "registrar": ["register/"],
            "head": ["reports/"],
            "admin": ["admin/staff/"],
            "supervisor": ["reports/"],
            "system admin": ["admin/staff/", "admin/staff/?akimat=taraz-city-akimat"],
        }[role] + ["password/"]:
            page.goto(f"{base}/{lang}/staff/{path}")
            assert_no_axe_violations(page)
            assert_language_names_carry_their_lang(page)  # the new account's language radios
            submit = page.locator("main form[method=post] button[type=submit]").last
            if path in {"register/", "password/"}:
                submit.click()  # sent empty: the error summary and field errors
                assert_no_axe_violations(page)
        page.goto(f"{base}/{lang}/staff/?due=overdue&q=%D0%90")
        assert_no_axe_violations(page)
    assert re.match(r"http://127\.0\.0\.1:\d+", base)


def test_an_answer_sent_after_the_session_ended_elsewhere_comes_back_after_signing_in(
    browser, live_server, staff_accounts, console_log, screenshot
):
    """The executor signs out on another computer while an answer is open here: sending it
    leads to the sign-in page, and signing in leads back to the answer, filled in."""
    base = live_server.url
    filing = browser.new_context().new_page()
    number, _code = file_in_russian(filing, base)
    head = browser.new_context().new_page()
    sign_in(head, base, staff_accounts["head"])
    find_in_queue(head, number)
    open_action(head, "assign")
    head.locator("#assign-executor_id").select_option(label="Browser Executor")
    head.locator("#action-assign button[type=submit]").click()
    complaint_url = head.url

    executor = executor_starts_the_review(browser, base, staff_accounts, console_log, complaint_url)
    executor.locator("input[name='draft_answer-outcome'][value=explained]").check()
    answer = "Анықтаманы 2 жұмыс күні ішінде береміз."
    executor.locator("#draft_answer-answer").fill(answer)

    elsewhere = browser.new_context().new_page()
    sign_in(elsewhere, base, staff_accounts["executor"])
    elsewhere.locator(".qz-signout button[type=submit]").click()  # signs out every session

    executor.locator("#action-draft_answer button[type=submit]").click()
    expect(executor.locator(".govuk-notification-banner")).to_contain_text(
        "Жіберген мәтініңіз сақталды"
    )
    assert_no_axe_violations(executor)
    screenshot(executor, "sign-in-says-the-answer-was-kept")
    executor.locator("#email").fill(staff_accounts["executor"])
    executor.locator("#password").fill(PASSWORD)
    executor.locator("main form button[type=submit]").click()

    expect(executor.locator("#draft_answer-answer")).to_have_value(answer)
    expect(executor.locator("input[name='draft_answer-outcome'][value=explained]")).to_be_checked()
    assert_no_axe_violations(executor)
    screenshot(executor, "the-answer-is-back-in-its-form", full_page=True)
    executor.locator("#action-draft_answer button[type=submit]").click()
    expect(executor.locator(".qz-status")).to_have_text(STATE_LABELS[State.ANSWER_DRAFTED]["kk"])
