"""The pages work under their real Content-Security-Policy: scripts run, nothing is refused.

Every browser test fails on a console error, and Chromium reports each CSP violation there;
the last test here shows that safety net catching one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PAGES_WITH_SCRIPTS = [
    "/",
    "/kk/",
    "/ru/services/zhambyl-housing-registration-2008/",
    "/kk/regions/almaty-oblast/",
    "/ru/akimats/",
    "/kk/complaints/new/?akimat=taraz-city-akimat",
    "/ru/complaints/track/",
    "/ru/no-such-page/",
]


@pytest.mark.parametrize("path", PAGES_WITH_SCRIPTS)
def test_page_runs_its_scripts_under_the_policy(page: Page, live_server, path):
    response = page.goto(live_server.url + path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # qyzmet.js is an ES module file; these classes mean it ran and started GOV.UK Frontend.
    expect(page.locator("body")).to_have_class(re.compile(r"\bjs-enabled\b"))
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))


def test_an_inline_script_is_refused_and_reported(page: Page, live_server, console_log):
    page.goto(f"{live_server.url}/kk/")
    page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
        }"""
    )
    assert page.evaluate("() => window.injected") is None
    refused = [error for error in console_log.errors if "Content Security Policy" in error]
    assert refused, console_log.errors
    # Seen and expected: leave the log clean so the fixture's check passes.
    console_log.errors.clear()
