"""The static build of the real content: every page in both languages, no broken links."""

import gzip
import json
import re

import pytest

from guide.freeze import build_site
from guide.linkcheck import check_site
from guide.loader import load_content
from qyzmet import create_app

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SITE_URL": "https://qyzmet.example",
        }
    )
    out = tmp / "out"
    report = build_site(app, out)
    return out, report


def _small_build_app():
    return create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture(scope="module")
def real_content():
    return load_content()


def test_the_build_reports_no_broken_link(site):
    _, report = site
    assert report.link_problems == []


def test_every_service_and_body_page_exists_in_both_languages(site, real_content):
    out, _ = site
    for lang in ("kk", "ru"):
        for service_id in real_content[lang].services:
            assert (out / lang / "services" / service_id / "index.html").is_file()
        for body_id in real_content[lang].bodies:
            assert (out / lang / "bodies" / body_id / "index.html").is_file()
        for name in ("index.html", "akimats/index.html", "regions/index.html", "search/index.html"):
            assert (out / lang / name).is_file()


def test_each_frozen_page_declares_its_language(site):
    out, _ = site
    for lang in ("kk", "ru"):
        for page in (out / lang).rglob("index.html"):
            assert f'<html lang="{lang}"' in page.read_text(encoding="utf-8"), page


def test_the_root_is_a_language_chooser_and_404_is_a_real_page(site):
    out, _ = site
    root = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="kk/"' in root and 'href="ru/"' in root
    assert "Бет табылмады" in (out / "404.html").read_text(encoding="utf-8")


def test_frozen_pages_link_relative_to_themselves_so_the_site_works_under_any_path(site):
    out, _ = site
    page = (out / "kk" / "services" / "zhambyl-housing-registration-2008" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'href="../../../static/css/qyzmet.css"' in page
    assert 'href="../../../ru/services/zhambyl-housing-registration-2008/"' in page
    assert 'href="../../bodies/taraz-housing-department/"' in page
    assert 'href="../../topics/housing-queue/"' in page
    for html in out.rglob("*.html"):
        if html.name != "404.html" and "pagefind" not in html.parts:
            found = re.findall(r'\s(?:href|src|action)="(/[^"]*)"', html.read_text("utf-8"))
            assert found == [], html


def test_complaint_links_of_the_frozen_site_go_to_the_application_at_its_address(site):
    out, _ = site
    page = (out / "ru" / "services" / "zhambyl-housing-registration-2008" / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        'href="https://qyzmet.example/ru/complaints/new/'
        '?service=zhambyl-housing-registration-2008&amp;akimat=taraz-city-akimat"'
    ) in page
    assert 'href="https://qyzmet.example/ru/complaints/track/"' in page


def test_the_404_page_links_from_the_root_as_it_answers_for_any_path(site):
    out, _ = site
    page = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="/static/css/qyzmet.css"' in page
    assert 'href="/kk/"' in page and 'href="/ru/"' in page


def test_the_sitemap_lists_every_page_with_its_alternates(site, real_content):
    out, _ = site
    xml = (out / "sitemap.xml").read_text(encoding="utf-8")
    locations = set(re.findall(r"<loc>(.*?)</loc>", xml))
    for lang in ("kk", "ru"):
        for service_id in real_content[lang].services:
            assert f"https://qyzmet.example/{lang}/services/{service_id}/" in locations
        for body_id in real_content[lang].bodies:
            assert f"https://qyzmet.example/{lang}/bodies/{body_id}/" in locations
    assert xml.count("<url>") == len(locations)
    assert xml.count("<xhtml:link") == 2 * len(locations)


def test_a_frozen_page_names_its_language_twins_as_the_sitemap_does(site):
    out, _ = site
    xml = (out / "sitemap.xml").read_text(encoding="utf-8")
    for lang in ("kk", "ru"):
        html = out / lang / "services" / "zhambyl-housing-registration-2008" / "index.html"
        alternates = re.findall(
            r'<link rel="alternate" hreflang="(\w+)" href="([^"]+)">',
            html.read_text(encoding="utf-8"),
        )
        assert alternates == [
            (other, f"https://qyzmet.example/{other}/services/zhambyl-housing-registration-2008/")
            for other in ("kk", "ru")
        ]
        for other, href in alternates:
            assert f'<xhtml:link rel="alternate" hreflang="{other}" href="{href}"/>' in xml


def test_no_frozen_file_refers_to_another_host_than_the_sites_own(site):
    out, _ = site
    problems = check_site(out, site_url="https://qyzmet.example")
    assert [p for p in problems if p.message == "refers to another host"] == []
    for css in out.rglob("*.css"):
        urls = re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8"))
        assert not [u for u in urls if "//" in u and not u.strip("'\"").startswith("data:")], css


def test_pagefind_builds_a_separate_index_for_each_language(site):
    out, _ = site
    entry = json.loads((out / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"kk", "ru"}
    for lang in ("kk", "ru"):
        assert entry["languages"][lang]["page_count"] > 0


def indexed_fragments(out, lang: str) -> dict[str, dict]:
    """What Pagefind stored for each page of a language, by URL (its fragments are gzipped
    JSON after a signature)."""
    found = {}
    for path in (out / "pagefind" / "fragment").glob(f"{lang}_*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))
        found[data["url"]] = data
    return found


def indexed_text(out, lang: str) -> dict[str, str]:
    """The text Pagefind stored for each page of a language, by URL."""
    return {url: data["content"] for url, data in indexed_fragments(out, lang).items()}


def test_kazakh_pages_are_indexed_with_their_words_folded_and_russian_pages_as_they_are(
    site, real_content
):
    out, _ = site
    url = "/kk/services/zhambyl-housing-registration-2008/"
    service = real_content["kk"].services["zhambyl-housing-registration-2008"]
    kazakh = indexed_fragments(out, "kk")[url]
    assert "тургын" in kazakh["meta"]["folded_title"].split()
    assert "кою" in kazakh["meta"]["folded_title"].split()
    assert "кордай" in kazakh["meta"]["folded"].split()
    # The excerpts come from the page's own text, which stays as written.
    assert service.title in kazakh["content"]
    assert "тургын" not in kazakh["content"]
    # Words Pagefind does not index (the offices' addresses) are not folded in either.
    office = real_content["kk"].bodies[service.channels[0].bodies[0]]
    assert "мөлтек ауданы" in office.address and "мөлтек" not in kazakh["content"]
    assert "молтек" not in kazakh["meta"]["folded"].split()
    for russian in indexed_fragments(out, "ru").values():
        assert not {"folded_title", "folded"} & set(russian["meta"]), russian["url"]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_search_finds_a_service_by_its_own_text_and_its_offices_by_their_own_pages(
    site, real_content, lang
):
    out, _ = site
    indexed = indexed_text(out, lang)
    service = real_content[lang].services["zhambyl-housing-registration-2008"]
    office = real_content[lang].bodies[service.channels[0].bodies[0]]
    page = indexed[f"/{lang}/services/{service.id}/"]
    assert service.title in page
    assert service.refusal_grounds.items[0].text in page
    # Twelve offices' addresses would make the service match every street they stand on.
    assert office.address not in page
    assert office.address in indexed[f"/{lang}/bodies/{office.id}/"]


def test_the_link_checker_finds_a_broken_link_and_an_external_reference(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<a href="/missing/">x</a><img src="https://cdn.example/x.png">'
        '<a href="#nowhere">y</a><a href="/kk/complaints/new/">ok</a>'
        '<a href="tel:+77001234567">t</a>'
        '<a href="https://qyzmet.example/kk/complaints/new/">app</a>'
        '<link rel="alternate" hreflang="kk" href="https://qyzmet.example/a/">'
        '<link rel="alternate" hreflang="ru" href="https://qyzmet.example/b/">',
        encoding="utf-8",
    )
    problems = {
        (p.target, p.message) for p in check_site(tmp_path, site_url="https://qyzmet.example")
    }
    assert problems == {
        ("/missing/", "no such file in the site"),
        ("https://cdn.example/x.png", "refers to another host"),
        ("#nowhere", "no element has this id"),
        # The site's own full address is checked as the page it names.
        ("/b/", "no such file in the site"),
    }


def test_a_build_leaves_the_apps_url_defaults_and_rate_limits_as_they_were(tmp_path):
    from guide.freeze import make_freezer
    from qyzmet.extensions import limiter

    app = _small_build_app()
    defaults = {key: list(value) for key, value in app.url_default_functions.items()}
    enabled = limiter.enabled
    make_freezer(app)
    build_site(app, tmp_path / "out", search_index=False, jobs=1)
    assert {key: list(value) for key, value in app.url_default_functions.items()} == defaults
    assert limiter.enabled == enabled


def test_a_failing_pagefind_fails_the_build(tmp_path, monkeypatch):
    import subprocess

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")
    with pytest.raises(subprocess.CalledProcessError):
        build_site(_small_build_app(), tmp_path / "out", jobs=1)
