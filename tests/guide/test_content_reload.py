"""A running app picks up an edited content file; a static build keeps the content it began with."""

from __future__ import annotations

from guide.freeze import build_site
from qyzmet import create_app

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
