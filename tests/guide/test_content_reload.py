"""A running app picks up an edited content file; a static build keeps the content it began with."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from guide.freeze import build_site
from qyzmet import create_app

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
SERVICE = "ru/services/test-housing-registration-2008.yaml"
PAGE = "/ru/services/test-housing-registration-2008/"
TITLE = "Учёт граждан, нуждающихся в жилище"


def make_app(tmp_path, content, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SITE_URL": "https://qyzmet.example",
            "GUIDE_CONTENT_ROOT": str(content),
            **config,
        }
    )


def retitle(content, new_title):
    path = content / SERVICE
    path.write_text(path.read_text("utf-8").replace(TITLE, new_title), "utf-8")


def test_an_edited_service_shows_on_the_next_look_at_the_files(tmp_path, content_copy):
    client = make_app(tmp_path, content_copy, GUIDE_RECHECK_SECONDS=0).test_client()
    assert TITLE in client.get(PAGE).get_data(as_text=True)
    retitle(content_copy, "Учёт граждан (изменено редактором)")
    assert "изменено редактором" in client.get(PAGE).get_data(as_text=True)


def test_with_rechecks_off_the_app_serves_what_it_loaded(tmp_path, content_copy):
    client = make_app(tmp_path, content_copy, GUIDE_RECHECK_SECONDS=None).test_client()
    assert TITLE in client.get(PAGE).get_data(as_text=True)
    retitle(content_copy, "Учёт граждан (изменено редактором)")
    assert TITLE in client.get(PAGE).get_data(as_text=True)


def test_the_build_freezes_without_rechecks_and_restores_the_setting(tmp_path, content_copy):
    app = make_app(tmp_path, content_copy, GUIDE_RECHECK_SECONDS=0)
    seen = []

    @app.before_request
    def record_setting():
        seen.append(app.config["GUIDE_RECHECK_SECONDS"])

    report = build_site(app, tmp_path / "site", search_index=False, jobs=1)
    assert report.pages > 0
    assert report.link_problems == []
    assert set(seen) == {None}
    assert app.config["GUIDE_RECHECK_SECONDS"] == 0


def break_a_service(content) -> None:
    (content / SERVICE).write_text("id: [unclosed\n", "utf-8")


def test_a_broken_edit_leaves_the_site_on_the_content_it_had_and_is_logged(
    tmp_path, content_copy, caplog
):
    """A `git pull` of content nobody ran `guide check` on: the complaint form keeps its
    lists instead of every page failing until someone notices."""
    app = make_app(tmp_path, content_copy, GUIDE_RECHECK_SECONDS=0)
    client = app.test_client()
    assert TITLE in client.get(PAGE).get_data(as_text=True)
    break_a_service(content_copy)
    with caplog.at_level(logging.ERROR):
        assert TITLE in client.get(PAGE).get_data(as_text=True)
        assert client.get("/kk/complaints/new/").status_code == 200
    assert "guide content changed but could not be loaded" in caplog.text
    assert caplog.text.count("could not be loaded") == 1  # once per change, not per request
    retitle_whole(content_copy)
    assert "изменено редактором" in client.get(PAGE).get_data(as_text=True)


def retitle_whole(content) -> None:
    source = FIXTURE_CONTENT / SERVICE
    (content / SERVICE).write_text(
        source.read_text("utf-8").replace(TITLE, "Учёт граждан (изменено редактором)"), "utf-8"
    )


@pytest.mark.parametrize(
    ("lang", "title"),
    [("kk", "Сервис уақытша қолжетімсіз"), ("ru", "Сервис временно недоступен")],
)
def test_content_broken_from_the_start_gives_the_try_again_page_not_a_failure(
    tmp_path, content_copy, lang, title, caplog
):
    break_a_service(content_copy)
    app = make_app(tmp_path, content_copy, GUIDE_RECHECK_SECONDS=0)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get(f"/{lang}/complaints/new/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert title in response.get_data(as_text=True)
    assert "guide content not loaded; the request was refused with 503" in caplog.text
