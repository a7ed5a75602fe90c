"""The complaint's character count writes numbers as Kazakh and Russian do.

Chromium has no number data for Kazakh and would write 9,995: a comma that a Kazakh reader
takes for the decimal sign. qyzmet.js gives Kazakh the digits CLDR gives it (Russian's).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("lang", "remaining", "over"),
    [
        ("kk", "9\u00a0995 таңба қалды", "2 таңба артық"),
        ("ru", "Осталось 9\u00a0995 символов", "Лишних 2 символа"),
    ],
)
def test_the_count_of_characters_left_groups_thousands_with_a_space(
    page: Page, live_server, lang, remaining, over
):
    page.goto(f"{live_server.url}/{lang}/complaints/new/")
    status = page.locator(".govuk-character-count__status")
    page.locator("#text").fill("Сәлем")
    expect(status).to_have_text(remaining)
    assert "," not in status.inner_text()
    page.locator("#text").fill("ә" * 10_002)
    expect(status).to_have_text(over)


def test_numbers_in_other_languages_are_left_to_the_browser(page: Page, live_server):
    page.goto(f"{live_server.url}/kk/complaints/new/")
    assert page.evaluate("new Intl.NumberFormat('kk-KZ').format(1234.5)") == "1\u00a0234,5"
    assert page.evaluate("new Intl.NumberFormat('en').format(1234.5)") == "1,234.5"
    assert page.evaluate("new Intl.NumberFormat(['kk', 'en']).resolvedOptions().locale") == "ru"
