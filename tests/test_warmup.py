"""A server process readies the guide content and the templates before its first request."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from complaints.web import today_in_almaty, working_calendar
from guide import views
from qyzmet.warmup import warm_up


def test_a_warmed_app_serves_the_complaint_form_without_loading_content_again(
    fixture_app, monkeypatch
):
    monkeypatch.setattr(views, "_LOADED", {})
    warm_up(fixture_app)
    assert len(fixture_app.jinja_env.cache) == len(fixture_app.jinja_env.list_templates())
    with fixture_app.app_context():
        this_year = today_in_almaty().year
        assert {this_year, this_year + 1} <= set(working_calendar()._years)

    def no_second_load(root):
        raise AssertionError("the content was loaded again")

    monkeypatch.setattr(views, "load_content", no_second_load)
    assert fixture_app.test_client().get("/kk/complaints/new/").status_code == 200


def test_broken_content_at_start_is_logged_and_the_rest_of_the_site_still_starts(
    fixture_app, tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(views, "_LOADED", {})
    root = tmp_path / "content"
    shutil.copytree(Path(fixture_app.config["GUIDE_CONTENT_ROOT"]), root)
    broken = next((root / "kk" / "services").glob("*.yaml"))
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    fixture_app.config["GUIDE_CONTENT_ROOT"] = str(root)
    with caplog.at_level(logging.ERROR):
        warm_up(fixture_app)
    assert "guide content not loaded at start" in caplog.text
    assert broken.name in caplog.text
    assert len(fixture_app.jinja_env.cache) == len(fixture_app.jinja_env.list_templates())
