"""The remembered `url_for` must answer as Flask's own, whatever the language or the request."""

from __future__ import annotations

import pytest
from flask import url_for

from qyzmet.urls import cached_url_for

CALLS = [
    ("static", {"filename": "css/qyzmet.css"}),
    ("guide.home", {}),
    ("guide.home", {"lang_code": "ru"}),
    ("guide.service", {"service_id": "housing-registration"}),
    ("guide.body", {"body_id": "a b/c"}),
    ("guide.search", {"q": "жилье"}),
    ("complaints_public.new_complaint", {"service": "s", "akimat": "a"}),
    ("guide.home", {"_anchor": "x"}),
    ("guide.home", {"_external": True}),
    ("guide.regions", {"page": 1}),
    ("guide.regions", {"page": True}),
]


@pytest.mark.parametrize("base_url", ["http://localhost/", "https://example.kz/prefix/"])
@pytest.mark.parametrize("path", ["/kk/", "/ru/search/", "/healthz"])
def test_cached_url_for_answers_as_flask(guide_app, path, base_url):
    for _ in range(2):  # the second time from the cache
        with guide_app.test_request_context(path, base_url=base_url):
            guide_app.preprocess_request()
            for endpoint, values in CALLS:
                assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)


def test_the_language_and_the_host_are_part_of_the_key(guide_app):
    seen = []
    for path, base_url in [
        ("/kk/", "http://localhost/"),
        ("/ru/", "http://localhost/"),
        ("/kk/", "http://localhost/root/"),
        ("/kk/", "http://localhost/"),
    ]:
        with guide_app.test_request_context(path, base_url=base_url):
            guide_app.preprocess_request()
            seen.append(cached_url_for("guide.search"))
    assert seen == ["/kk/search/", "/ru/search/", "/root/kk/search/", "/kk/search/"]


def test_outside_a_request_it_is_flask_url_for(guide_app):
    guide_app.config["SERVER_NAME"] = "qyzmet.example"
    with guide_app.app_context():
        assert cached_url_for("guide.home", lang_code="kk") == "http://qyzmet.example/kk/"


def test_templates_use_it(guide_app):
    assert guide_app.jinja_env.globals["url_for"] is cached_url_for


def test_another_url_default_turns_the_cache_off(tmp_path):
    from qyzmet import create_app
    from tests.conftest import base_config

    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    calls = []

    @app.url_defaults
    def count(endpoint, values):
        calls.append(endpoint)

    for _ in range(2):
        with app.test_request_context("/kk/"):
            app.preprocess_request()
            assert cached_url_for("guide.search") == "/kk/search/"
    assert calls == ["guide.search", "guide.search"]


def test_without_flasks_private_request_handle_every_url_is_flasks_own(guide_app, monkeypatch):
    """`qyzmet.urls` reads a private name of Flask's; a Flask without it must still work."""
    import qyzmet.urls

    monkeypatch.setattr(qyzmet.urls, "_cv_request", None)
    with guide_app.test_request_context("/ru/"):
        guide_app.preprocess_request()
        for endpoint, values in CALLS:
            assert cached_url_for(endpoint, **values) == url_for(endpoint, **values)
        assert guide_app.extensions.get("qyzmet.urls") is None
