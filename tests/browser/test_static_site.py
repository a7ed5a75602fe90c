"""The frozen guide as any static host serves it: Pagefind search and the language switcher.

The site is built once per session (with its Pagefind index) and served by Python's plain
http.server, which knows nothing of Flask, so only what was frozen can answer.
"""

from __future__ import annotations

import re

import pytest
from browser_support import CONTENT
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OTHER_LANGUAGE = {"kk": "ru", "ru": "kk"}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский"}


@pytest.mark.parametrize(
    ("lang", "service_id", "word"),
    [
        pytest.param(
            "kk", "almaty-city-housing-privatisation-2018", "жекешелендіру", id="kk-privatisation"
        ),
        pytest.param(
            "kk", "almaty-oblast-housing-assistance-2012", "тағайындау", id="kk-assistance"
        ),
        pytest.param(
            "ru", "almaty-city-housing-privatisation-2018", "приватизация", id="ru-privatisation"
        ),
        pytest.param(
            "ru", "almaty-oblast-housing-assistance-2012", "назначение", id="ru-assistance"
        ),
    ],
)
def test_search_finds_a_service_by_a_word_from_its_title(
    page: Page, static_server, screenshot, lang, service_id, word
):
    service = CONTENT[lang].services[service_id]
    assert word in service.title.lower()

    page.goto(f"{static_server}/{lang}/search/")
    page.locator("#search-query").fill(word)
    page.locator("#search-query").press("Enter")
    result = page.locator(f"#search-results a[href='/{lang}/services/{service_id}/']")
    expect(result).to_have_text(service.title)
    expect(page.locator("#search-status")).not_to_be_empty()
    screenshot(page, "results")

    result.click()
    expect(page).to_have_url(f"{static_server}/{lang}/services/{service_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(service.title)


@pytest.mark.parametrize(
    ("typed", "path", "spelled"),
    [
        pytest.param("Кордай", "bodies/korday-district-akimat/", "Қордай", id="korday"),
        pytest.param(
            "тургын уй", "services/zhambyl-housing-registration-2008/", "тұрғын үй", id="housing"
        ),
        pytest.param(
            "кезекке кою",
            "services/zhambyl-housing-registration-2008/",
            "кезекке қою",
            id="queue",
        ),
        # Kazakh letters in one word and not in the next, or one letter of a word left out.
        pytest.param(
            "тұргын үй", "services/zhambyl-housing-registration-2008/", "тұрғын үй", id="mixed"
        ),
        pytest.param(
            "тұрғын уй",
            "services/zhambyl-housing-registration-2008/",
            "тұрғын үй",
            id="mixed-words",
        ),
    ],
)
def test_kazakh_typed_without_kazakh_letters_finds_the_page_under_its_kazakh_title(
    page: Page, static_server, screenshot, typed, path, spelled
):
    # A keyboard without Kazakh letters writes "кезекке кою" for "кезекке қою".
    title = heading_of("kk", path)
    assert spelled.lower() in title.lower()

    page.goto(f"{static_server}/kk/search/")
    page.locator("#search-query").fill(typed)
    page.locator("#search-query").press("Enter")
    result = page.locator(f"#search-results a[href='/kk/{path}']")
    expect(result).to_have_text(title)
    # Its excerpt marks each word searched for as the page writes it.
    item = page.locator("#search-results li").filter(has=page.locator(f"a[href='/kk/{path}']"))
    marked = item.locator("mark")
    marked_words = [text.strip("«»").lower() for text in marked.all_text_contents()]
    for word in spelled.lower().split():
        assert any(marked_word.startswith(word) for marked_word in marked_words), marked_words
    # The folded words the index holds never show.
    results = page.locator("#search-results")
    for word, written in zip(typed.split(), spelled.split(), strict=True):
        if word.lower() != written.lower():
            expect(results).not_to_contain_text(word, ignore_case=True)
    screenshot(page, "results")


def heading_of(lang: str, path: str) -> str | None:
    """The h1 the content gives the page at `path`, for the pages named by content."""
    kind, _, item = path.rstrip("/").partition("/")
    content = CONTENT[lang]
    if kind == "services":
        return content.services[item].title
    if kind == "bodies":
        return content.bodies[item].name
    if kind == "regions":
        return content.regions[item].name
    return None


@pytest.mark.parametrize(
    "path",
    [
        "services/zhambyl-housing-registration-2008/",
        "bodies/aktogay-psc-1/",
        "regions/almaty-city/",
        "search/",
    ],
)
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_language_switcher_lands_on_the_same_page_in_the_other_language(
    page: Page, static_server, lang, path
):
    other = OTHER_LANGUAGE[lang]
    page.goto(f"{static_server}/{lang}/{path}")
    switcher = page.locator("nav.qz-language-switcher")
    expect(switcher.locator("[aria-current=true]")).to_have_text(LANGUAGE_NAMES[lang])

    switcher.get_by_role("link", name=LANGUAGE_NAMES[other]).click()

    # Relative links, and clean: the address is the one the sitemap gives.
    expect(page).to_have_url(f"{static_server}/{other}/{path}")
    expect(page.locator("html")).to_have_attribute("lang", other)
    expect(switcher.locator("[aria-current=true]")).to_have_text(LANGUAGE_NAMES[other])
    if (heading := heading_of(other, path)) is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_an_unknown_path_gets_the_bilingual_404_page(page: Page, static_server, frozen_site):
    # The static server answers like nginx's `error_page 404 /404.html` (docs/deploy.md).
    response = page.goto(f"{static_server}/kk/no-such-page/")
    assert response.status == 404
    expect(page.locator('[lang="kk"] h1')).to_have_text("Бет табылмады")
    expect(page.locator('[lang="ru"] h2')).to_have_text("Страница не найдена")
    page.locator('[lang="ru"] a[hreflang="ru"]').click()
    expect(page).to_have_url(f"{static_server}/ru/")


def test_search_works_when_the_frozen_site_is_served_under_a_path(
    page: Page, static_server_under_a_path
):
    # A copy on any static host, in a folder of its own: results link inside that folder.
    base = static_server_under_a_path
    service_id = "almaty-city-housing-privatisation-2018"
    page.goto(f"{base}/kk/search/index.html")
    page.locator("#search-query").fill("жекешелендіру")
    page.locator("#search-query").press("Enter")
    page.locator(f"#search-results a[href$='/kk/services/{service_id}/']").click()
    expect(page).to_have_url(f"{base}/kk/services/{service_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        CONTENT["kk"].services[service_id].title
    )


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("kk", "Іздейтін сөзді жазыңыз: қызметтің, құжаттың немесе елді мекеннің атауын."),
        ("ru", "Введите слово для поиска: название услуги, документа или населённого пункта."),
    ],
)
def test_searching_with_nothing_typed_says_what_to_type(page: Page, static_server, lang, hint):
    page.goto(f"{static_server}/{lang}/search/")
    page.locator("#search-query").fill("   ")
    page.get_by_role("button", name={"kk": "Іздеу", "ru": "Поиск"}[lang]).click()
    expect(page.locator("#search-status")).to_have_text(hint)
    expect(page.locator("#search-results li")).to_have_count(0)


@pytest.mark.parametrize(
    ("lang", "hint"),
    [
        ("kk", "Іздейтін сөзді жазыңыз: қызметтің, құжаттың немесе елді мекеннің атауын."),
        ("ru", "Введите слово для поиска: название услуги, документа или населённого пункта."),
    ],
)
def test_the_home_pages_search_sent_with_nothing_typed_says_what_to_type(
    page: Page, static_server, lang, hint
):
    page.goto(f"{static_server}/{lang}/")
    page.get_by_role("button", name={"kk": "Іздеу", "ru": "Поиск"}[lang]).click()
    page.wait_for_url("**/search/?q=")
    expect(page.locator("#search-status")).to_have_text(hint)
    expect(page.locator("#search-results li")).to_have_count(0)


@pytest.mark.parametrize(
    ("lang", "query", "status"),
    [
        (
            "kk",
            "тургын уй",
            r"^\d+ бет табылды, оның ең сәйкес 20 беті көрсетілді\. "
            r"Іздеуді нақтылау үшін тағы бір сөз қосыңыз\.$",
        ),
        (
            "ru",
            "жилище",
            r"^Найдено страниц: \d+, показаны 20 наиболее подходящих\. "
            r"Чтобы сузить поиск, добавьте ещё одно слово\.$",
        ),
    ],
)
def test_a_search_with_more_pages_than_listed_says_only_the_closest_are_shown(
    page: Page, static_server, lang, query, status
):
    page.goto(f"{static_server}/{lang}/search/?q={query}")
    expect(page.locator("#search-status")).to_have_text(re.compile(status))
    expect(page.locator("#search-results li")).to_have_count(20)
