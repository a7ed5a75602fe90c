"""Guide pages through the test client, on the fixture content whose values the tests know."""

from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from helpers import normalise, page

SERVICE_URL = "/{lang}/services/test-housing-registration-2008/"


@pytest.fixture
def client(fixture_app):
    return fixture_app.test_client()


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    "path",
    [
        "/{lang}/",
        SERVICE_URL,
        "/{lang}/topics/housing-queue/",
        "/{lang}/regions/",
        "/{lang}/regions/test-oblast/",
        "/{lang}/regions/test-district/",
        "/{lang}/bodies/test-akimat/",
        "/{lang}/akimats/",
        "/{lang}/search/",
    ],
)
def test_every_guide_page_renders_in_its_language_with_switcher_and_skip_link(client, path, lang):
    url = path.format(lang=lang)
    soup = page(client.get(url))
    assert soup.html["lang"] == lang
    skip = soup.select_one("a.govuk-skip-link")
    assert skip["href"] == "#main-content"
    assert soup.select_one("main#main-content")
    switcher = soup.select_one("nav.qz-language-switcher")
    assert switcher["aria-label"] == {"kk": "Тіл", "ru": "Язык"}[lang]
    other = "ru" if lang == "kk" else "kk"
    link = switcher.select_one("a")
    assert link["lang"] == other and link["hreflang"] == other
    assert link["href"] == path.format(lang=other)
    assert normalise(link.text) == {"kk": "Қазақша", "ru": "Русский"}[other]
    current = switcher.select_one("[aria-current]")
    assert current["lang"] == lang
    alternates = {tag["hreflang"]: tag["href"] for tag in soup.select("link[rel=alternate]")}
    assert alternates == {
        "kk": "https://qyzmet.example" + path.format(lang="kk"),
        "ru": "https://qyzmet.example" + path.format(lang="ru"),
    }


def test_the_header_carries_our_brand_and_no_crown(client):
    soup = page(client.get("/kk/"))
    header = soup.select_one("header")
    assert "Qyzmet" in header.text
    assert "GOV.UK" not in soup.text
    assert not soup.select(".govuk-header__logotype, svg.govuk-header__logotype")


def test_the_site_root_lets_the_visitor_choose_a_language(client):
    soup = page(client.get("/"))
    links = {a["hreflang"]: a["href"] for a in soup.select("main a[hreflang]")}
    assert links == {"kk": "/kk/", "ru": "/ru/"}


def test_the_service_page_shows_the_key_facts_in_russian(client):
    soup = page(client.get(SERVICE_URL.format(lang="ru")))
    box = normalise(soup.select_one(".qz-summary-box").text)
    assert "Отдел жилья: 30 дней" in box
    assert "Портал электронного правительства: 5 рабочих дней" in box
    assert "Бесплатно" in box
    assert "Уведомление о постановке на учёт." in box


def test_the_service_page_shows_the_key_facts_in_kazakh(client):
    soup = page(client.get(SERVICE_URL.format(lang="kk")))
    box = normalise(soup.select_one(".qz-summary-box").text)
    assert "Тұрғын үй бөлімі: 30 күн" in box
    assert "5 жұмыс күні" in box
    assert "Тегін" in box


def test_a_repealed_source_shows_a_notice_before_anything_else(client):
    soup = page(client.get(SERVICE_URL.format(lang="ru")))
    notice = soup.select_one(".qz-repealed-notice")
    assert "Этот акт утратил силу" in notice.text
    assert "№ 62" in notice.text
    heading = soup.select_one("h1")
    assert (
        heading.find_next(class_="qz-summary-box").find_previous(class_="qz-repealed-notice")
        is notice
    )


def test_kazakh_pages_say_an_act_is_repealed_in_the_glossarys_words(client):
    """«күші жойылды» is the act's state; «күшін жойған» is what repealed it, not the act."""
    soup = page(client.get(SERVICE_URL.format(lang="kk")))
    notice = normalise(soup.select_one(".qz-repealed-notice").text)
    assert "Бұл актінің күші жойылды" in notice
    assert "Олардың күшін жойған акт:" in notice
    source = soup.select_one("#legal-basis").find_parent("section")
    assert "Күші жойылған" in [tag.text.strip() for tag in source.select(".govuk-tag")]
    footer = normalise(soup.select_one("footer").text)
    assert "күші жойылған акт қолданылмайды" in footer
    text = normalise(soup.text).lower().replace("олардың күшін жойған акт", "")
    assert "күшін жойған" not in text


def test_documents_are_a_checklist_per_channel_with_conditions(client):
    soup = page(client.get(SERVICE_URL.format(lang="kk")))
    group = soup.select_one(".qz-checklist-group")
    assert "Тұрғын үй бөлімі, Электрондық үкімет порталы" in group.select_one("h3").text
    items = [normalise(li.text) for li in group.select(".qz-checklist__item")]
    assert items[0].startswith("Есепке қою туралы өтініш")
    assert "қажет болса" in items[1]
    assert "салыстыру үшін түпнұсқасымен" in items[1]


def test_opening_hours_are_put_into_words(client):
    soup = page(client.get(SERVICE_URL.format(lang="ru")))
    hours = normalise(soup.select_one("#channel-provider").find_next("ul", class_="qz-hours").text)
    assert "Понедельник–пятница: 09:00–18:00, перерыв 13:00–14:00" in hours
    assert "Выходные: суббота, воскресенье" in hours


def test_offices_show_address_phones_and_hours(client):
    soup = page(client.get("/kk/bodies/test-akimat/"))
    text = normalise(soup.select_one("main").text)
    assert "Сынақ ауылы, Абай көшесі, 1" in text
    phone = soup.select_one('a[href="tel:+77263321217"]')
    assert phone.text == "8-72633-21217"
    assert "21218" in text  # a short local number stays as printed, without a link
    assert "Дүйсенбі–жұма: 09:00–18:00, түскі үзіліс 13:00–14:00" in text


def test_the_complaint_link_preselects_the_service_and_the_akimat(client):
    soup = page(client.get(SERVICE_URL.format(lang="kk")))
    link = soup.select_one("#complain").find_next("ul", class_="qz-complaint-links").select_one("a")
    assert link["href"].startswith("/kk/complaints/new/")
    assert "service=test-housing-registration-2008" in link["href"]
    assert "akimat=test-akimat" in link["href"]


def test_steps_show_actor_duration_and_outcome(client):
    soup = page(client.get(SERVICE_URL.format(lang="ru")))
    step = normalise(soup.select_one(".qz-steps__item").text)
    assert "Сотрудник канцелярии" in step
    assert "Срок: 15 минут" in step
    assert "Результат: Выдаёт расписку" in step


def test_the_source_section_names_the_act_its_registration_and_the_repeal(client):
    soup = page(client.get(SERVICE_URL.format(lang="ru")))
    source = normalise(soup.select_one("#legal-basis").find_parent("section").text)
    assert "Тестовый областной департамент юстиции, № 1705" in source
    assert "Утратил силу" in source
    assert "№ 305" in source
    assert "Страница обновлена" in normalise(soup.text)


@pytest.mark.parametrize(
    ("lang", "source", "head"),
    [
        (
            "kk",
            "Дереккөз: Сынақ облысы әкімдігінің 2008 жылғы 29 мамырдағы № 197 стандарты "
            "(күші жойылған)",
            "Сынақбаев Сынақ 2008 жылғы 29 мамырдағы актіде аталған; бұл актінің күші жойылды",
        ),
        (
            "ru",
            "Источник: акимат Тестовой области, стандарт от 29 мая 2008 г. № 197 (утратил силу)",
            "Сынақбаев Сынақ Указан в акте от 29 мая 2008 г., который утратил силу",
        ),
    ],
)
def test_a_body_page_names_its_act_and_dates_the_head_it_names(client, lang, source, head):
    text = normalise(page(client.get(f"/{lang}/bodies/test-department/")).select_one("main").text)
    assert source in text
    assert head in text
    assert ".txt" not in text  # never the seed's file name


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_form_of_the_service_is_said_once(client, lang):
    soup = page(client.get(SERVICE_URL.format(lang=lang)))
    (line,) = [
        p
        for p in soup.select("main p")
        if p.text.strip().startswith(("Қызмет көрсету нысаны", "Форма оказания"))
    ]
    assert " — " not in line.text


def test_the_home_page_groups_services_by_topic_and_by_region(client):
    soup = page(client.get("/ru/"))
    topics = soup.select_one("#by-topic").find_next("section")
    assert "Жилищная очередь" in topics.text
    assert "Учёт граждан, нуждающихся в жилище" in topics.text
    regions = normalise(soup.select_one("#by-region").find_next("ul").text)
    assert "Тестовая область" in regions
    assert "(Тестовый район)" in regions


@pytest.mark.parametrize(
    ("lang", "topic_link", "region_link"),
    [
        ("ru", "Все услуги по теме «Жилищная очередь» (1)", "Все услуги: Тестовая область (1)"),
        (
            "kk",
            "«Тұрғын үй кезегі» тақырыбы бойынша барлық қызметтер (1)",
            "Сынақ облысы бойынша барлық қызметтер (1)",
        ),
    ],
)
def test_the_home_page_lists_a_few_services_per_group_and_links_to_the_rest(
    client, monkeypatch, lang, topic_link, region_link
):
    """However many services the guide holds, the home page lists a few per topic and region."""
    from guide import views

    soup = page(client.get(f"/{lang}/"))
    assert soup.select_one("#by-topic").find_next("section").select("a[href*='/services/']")
    assert "(1)" not in normalise(soup.select_one("main").text)

    monkeypatch.setattr(views, "HOME_SERVICES_PER_GROUP", 0)
    soup = page(client.get(f"/{lang}/"))
    links = {normalise(a.text): a["href"] for a in soup.select("main a")}
    assert links[topic_link] == f"/{lang}/topics/housing-queue/"
    assert links[region_link] == f"/{lang}/regions/test-oblast/"
    assert not soup.select("main a[href*='/services/']")


def test_the_akimat_list_links_every_akimat_with_its_contacts(client):
    soup = page(client.get("/kk/akimats/"))
    row = normalise(soup.select_one("tbody tr").text)
    assert "Сынақ ауданының әкімдігі" in row and "8-72633-21217" in row


def test_an_unknown_page_answers_404_in_the_language_of_its_prefix(client):
    response = client.get("/ru/services/no-such-service/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)
    response = client.get("/kk/bodies/no-such-body/")
    assert response.status_code == 404
    assert "Бет табылмады" in response.get_data(as_text=True)


def test_an_unpublished_language_is_not_found(client):
    assert client.get("/en/").status_code == 404


def test_the_static_404_page_speaks_both_languages(client):
    soup = page(client.get("/404.html"))
    assert soup.select_one('[lang="kk"] h1').text == "Бет табылмады"
    assert "Страница не найдена" in soup.select_one('[lang="ru"]').text


def test_the_sitemap_lists_each_page_with_both_language_alternates(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    assert "<loc>https://qyzmet.example/kk/services/test-housing-registration-2008/</loc>" in xml
    assert (
        '<xhtml:link rel="alternate" hreflang="ru" '
        'href="https://qyzmet.example/ru/services/test-housing-registration-2008/"/>'
    ) in xml
    assert xml.count("<url>") == 2 * xml.count('hreflang="kk"') // 2


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_guide_page_names_its_language_twins_with_the_sitemaps_full_addresses(client, lang):
    soup = page(client.get(SERVICE_URL.format(lang=lang)))
    alternates = {tag["hreflang"]: tag["href"] for tag in soup.select("link[rel=alternate]")}
    sitemap = BeautifulSoup(client.get("/sitemap.xml").get_data(as_text=True), "html.parser")
    entry = next(
        url
        for url in sitemap.find_all("url")
        if url.loc.text == f"https://qyzmet.example{SERVICE_URL.format(lang=lang)}"
    )
    listed = {link["hreflang"]: link["href"] for link in entry.find_all("xhtml:link")}
    assert alternates == listed
    assert all(href.startswith("https://qyzmet.example/") for href in alternates.values())


def test_the_language_chooser_names_both_home_pages_with_full_addresses(client):
    soup = page(client.get("/"))
    alternates = {tag["hreflang"]: tag["href"] for tag in soup.select("link[rel=alternate]")}
    assert alternates == {"kk": "https://qyzmet.example/kk/", "ru": "https://qyzmet.example/ru/"}


def test_robots_points_at_the_sitemap_and_keeps_crawlers_off_complaints(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: https://qyzmet.example/sitemap.xml" in text
    assert "Disallow: /kk/complaints/" in text


def test_every_response_carries_the_security_headers(client):
    response = client.get("/kk/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_script_or_style(client):
    for url in ["/", "/kk/", SERVICE_URL.format(lang="ru"), "/404.html"]:
        soup = page(client.get(url))
        assert all(script.get("src") for script in soup.select("script")), url
        assert not soup.select("style"), url
        assert not soup.select("[style]"), url
        assert not [
            tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)
        ]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("kk", "Осы мекеменің жұмысына шағым беру"),
        ("ru", "Подать жалобу на работу этого учреждения"),
    ],
)
def test_each_office_of_a_service_offers_a_complaint_with_service_akimat_and_office_filled_in(
    client, lang, text
):
    soup = page(client.get(SERVICE_URL.format(lang=lang)))
    card = soup.select_one("#where").find_next("li", class_="qz-body-card")
    link = card.find("a", string=text)
    assert link["href"].startswith(f"/{lang}/complaints/new/?")
    for value in ("service=test-housing-registration-2008", "akimat=test-akimat"):
        assert value in link["href"]
    assert "office=test-department" in link["href"]


def test_an_office_in_no_akimat_sends_its_complaint_to_the_services_only_akimat():
    from guide.loader import load_content
    from guide.views import office_complaint_akimats

    content = load_content()["ru"]
    service = content.services["aktogay-housing-registration-2013"]
    assert content.akimat_over("aktogay-psc-1") is None
    assert office_complaint_akimats(content, service)["aktogay-psc-1"] == "aktogay-district-akimat"
    zhambyl = content.services["zhambyl-housing-registration-2008"]
    assert office_complaint_akimats(content, zhambyl)["merki-housing-department"] == (
        "merki-district-akimat"
    )


@pytest.mark.parametrize(
    ("lang", "heading", "akimat"),
    [
        ("kk", "Осы мекеменің жұмысына шағым", "Сынақ ауданының әкімдігі"),
        ("ru", "Жалобы на работу этого учреждения", "Акимат Тестового района"),
    ],
    ids=["kk", "ru"],
)
def test_an_office_page_offers_a_complaint_about_it_to_the_akimat_it_is_part_of(
    client, lang, heading, akimat
):
    soup = page(client.get(f"/{lang}/bodies/test-department/"))
    section = soup.find("h2", string=heading)
    assert section is not None
    link = section.find_next("a", class_="govuk-button")
    assert link["href"].startswith(f"/{lang}/complaints/new/?")
    assert "akimat=test-akimat" in link["href"] and "office=test-department" in link["href"]
    assert akimat in normalise(section.find_next("p").text)


def test_an_akimat_page_offers_a_complaint_to_it_not_about_it(client):
    soup = page(client.get("/kk/bodies/test-akimat/"))
    assert soup.find("h2", string="Осы мекеменің жұмысына шағым") is None
    link = soup.select_one("main a.govuk-button")
    assert "office=" not in link["href"] and "akimat=test-akimat" in link["href"]


def breadcrumbs(soup) -> list[tuple[str, str | None]]:
    return [
        (normalise(item.text), link["href"] if (link := item.find("a")) else None)
        for item in soup.select(".govuk-breadcrumbs li")
    ]


def test_a_districts_breadcrumbs_lead_up_through_its_oblast(client):
    soup = page(client.get("/kk/regions/test-district/"))
    assert breadcrumbs(soup) == [
        ("Қызметтер", "/kk/"),
        ("Өңірлер бойынша мекемелер", "/kk/regions/"),
        ("Сынақ облысы", "/kk/regions/test-oblast/"),
        ("Сынақ ауданы", None),
    ]


def test_an_offices_breadcrumbs_lead_up_through_its_district_and_oblast(client):
    soup = page(client.get("/ru/bodies/test-department/"))
    crumbs = breadcrumbs(soup)
    assert [href for _, href in crumbs[:-1]] == [
        "/ru/",
        "/ru/regions/test-oblast/",
        "/ru/regions/test-district/",
    ]
    assert crumbs[-1][1] is None


def test_every_office_link_on_a_service_page_names_an_akimat_the_form_accepts_for_it():
    from guide.loader import load_content
    from guide.views import office_complaint_akimats

    # The form judges with the Kazakh content, whichever language its page is in.
    loaded = load_content()
    form_rule = loaded["kk"].serves
    for lang, content in loaded.languages.items():
        for service in content.services.values():
            for office_id, akimat_id in office_complaint_akimats(content, service).items():
                assert form_rule(akimat_id, office_id), (lang, service.id, office_id)
        for body in content.bodies.values():
            if (over := content.akimat_over(body.id)) is not None:
                assert form_rule(over.id, body.id), (lang, body.id)


def test_an_akimat_serves_the_offices_of_its_district_and_the_ones_of_its_whole_region():
    from guide.loader import load_content

    content = load_content()["kk"]
    assert not content.serves("taraz-city-akimat", "korday-housing-department")
    assert content.serves("korday-district-akimat", "korday-housing-department")
    assert content.serves("almaty-oblast-akimat", "aksu-employment-department")
    assert content.serves("almaty-oblast-akimat", "almaty-oblast-psc")
    assert content.serves("almaty-city-akimat", "almaty-psc-turksib")
    assert not content.serves("almaty-city-akimat", "aksu-psc")


@pytest.mark.parametrize(("lang", "lead"), [("kk", "Қандай құжаттар"), ("ru", "Какие документы")])
def test_the_home_page_describes_itself_to_search_engines_in_its_lead(client, lang, lead):
    soup = page(client.get(f"/{lang}/"))
    description = soup.select_one("meta[name=description]")["content"]
    assert description == normalise(soup.select_one("main .govuk-body-l").text)
    assert description.startswith(lead)


def test_a_topic_without_a_description_gets_no_empty_one(client):
    assert (
        page(client.get("/ru/topics/housing-queue/")).select_one("meta[name=description]") is None
    )


@pytest.mark.parametrize(
    "query",
    ["_scheme=ftp", "_anchor=top", "_method=POST", "_external=1&_scheme=ftp", "endpoint=x"],
)
def test_a_query_naming_url_fors_own_arguments_leaves_the_language_switcher_as_it_was(
    client, query
):
    """A hand-made address must not turn the page into an error: the switcher carries the
    query over, and these names are url_for's own arguments, not the page's."""
    soup = page(client.get(f"/ru/search/?q=паспорт&{query}"))
    link = soup.select_one("nav.qz-language-switcher a[hreflang=kk]")["href"]
    assert link == "/kk/search/?q=" + quote("паспорт")
