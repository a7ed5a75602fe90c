"""Every response carries the headers that make the browser enforce what the pages promise.

No inline script or style may run, no other site may frame a page, a response is never
reinterpreted as another type, and addresses do not leak to other sites. In production
(QYZMET_PRODUCTION=1) the browser is also told to use HTTPS only, and the cookies that carry a
staff member's session never travel over plain HTTP nor reach scripts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask_login import login_user
from helpers import hidden_fields, make_staff

from complaints.models import StaffUser
from complaints.staff.auth import SignedInStaff
from qyzmet import create_app
from qyzmet.extensions import db

PAGES = [
    "/",
    "/kk/",
    "/ru/akimats/",
    "/ru/complaints/new/",
    "/kk/complaints/track/",
    "/kk/staff/login/",
    "/kk/no-such-page/",
    "/healthz",
    "/static/css/qyzmet.css",
]
# Sources that would let injected markup run or style the page.
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"}
REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
HTTPS = "https://qyzmet.example"
CHEAP_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
STAFF_EMAIL = "head.taraz-city-akimat@example.kz"
STAFF_PASSWORD = "correct horse battery"
REMEMBER_COOKIE = "remember_token"  # Flask-Login's name; the app does not rename it
# In production the session cookie's name carries the __Host- prefix (see the test below).
PRODUCTION_SESSION_COOKIE = "__Host-session"
NGINX_STATIC_HEADERS = (
    Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "qyzmet-static-headers.conf"
)
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
)


def base_config(tmp_path: Path) -> dict[str, object]:
    """A test app's settings; the environment (QYZMET_PRODUCTION, SECRET_KEY) decides the rest."""
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "UPLOAD_ROOT": str(tmp_path / "attachments"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "RATELIMIT_ENABLED": False,
        "ARGON2_PROFILE": CHEAP_ARGON2,
    }


def content_security_policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def effective_sources(policy: dict[str, list[str]], *directives: str) -> list[str]:
    """The sources the browser applies: the first directive present, else default-src."""
    for directive in directives:
        if directive in policy:
            return policy[directive]
    return policy["default-src"]


def set_cookies(response) -> dict[str, set[str]]:
    """Each cookie the response sets, with its attributes lower-cased (`samesite=lax`)."""
    cookies = {}
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = (part.strip() for part in header.split(";"))
        cookies[name_value.split("=", 1)[0]] = {attribute.lower() for attribute in attributes}
    return cookies


@pytest.fixture(scope="module")
def responses(tmp_path_factory) -> dict[str, object]:
    """Each page of PAGES as served outside production; the headers do not depend on the data."""
    tmp_path = tmp_path_factory.mktemp("headers")
    with pytest.MonkeyPatch.context() as environment:
        environment.delenv("QYZMET_PRODUCTION", raising=False)
        app = create_app({**base_config(tmp_path), "SECRET_KEY": "headers-test-secret"})
    client = app.test_client()
    return {path: client.get(path) for path in PAGES}


@pytest.mark.parametrize("path", PAGES)
def test_the_content_security_policy_allows_no_inline_script_or_style(responses, path):
    policy = content_security_policy(responses[path])
    for kind in ("script", "style"):
        for element in ("elem", "attr"):
            sources = effective_sources(policy, f"{kind}-src-{element}", f"{kind}-src")
            assert not UNSAFE_SOURCES & set(sources), f"{kind}-src-{element}: {sources}"
    assert policy["object-src"] == ["'none'"]
    assert "base-uri" in policy


@pytest.mark.parametrize("path", PAGES)
def test_no_page_can_be_framed_or_sniffed_and_addresses_stay_on_the_site(responses, path):
    response = responses[path]
    assert content_security_policy(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in REFERRER_POLICIES


@pytest.mark.parametrize("path", PAGES)
def test_without_the_production_setting_no_hsts_is_sent(responses, path):
    assert "Strict-Transport-Security" not in responses[path].headers


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("QYZMET_PRODUCTION", "1")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(base_config(tmp_path))


def test_production_refuses_to_start_without_its_public_address(monkeypatch, tmp_path):
    monkeypatch.setenv("QYZMET_PRODUCTION", "1")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.delenv("SITE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SITE_URL"):
        create_app(base_config(tmp_path))


@pytest.fixture
def production_app(database_url, tmp_path, monkeypatch):
    """The app as QYZMET_PRODUCTION=1 and SECRET_KEY in the environment configure it."""
    monkeypatch.setenv("QYZMET_PRODUCTION", "1")
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-secret")
    monkeypatch.setenv("SITE_URL", "https://qyzmet.example")
    app = create_app({**base_config(tmp_path), "SQLALCHEMY_DATABASE_URI": database_url})
    make_staff(app, "head", email=STAFF_EMAIL, password=STAFF_PASSWORD)
    yield app
    with app.app_context():
        db.engine.dispose()


def sign_in(client):
    form = client.get("/kk/staff/login/", base_url=HTTPS)
    return client.post(
        "/kk/staff/login/",
        base_url=HTTPS,
        # Over HTTPS Flask-WTF also checks that the form came from this site, as browsers say.
        headers={"Referer": f"{HTTPS}/kk/staff/login/"},
        data={
            **hidden_fields(form.get_data(as_text=True)),
            "email": STAFF_EMAIL,
            "password": STAFF_PASSWORD,
        },
    )


def test_in_production_hsts_tells_browsers_to_use_https_for_a_year_and_more(production_app):
    response = production_app.test_client().get("/kk/", base_url=HTTPS)
    hsts = response.headers["Strict-Transport-Security"]
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= 365 * 24 * 3600


def test_in_production_the_staff_session_cookie_is_secure_http_only_and_same_site(
    production_app,
):
    response = sign_in(production_app.test_client())
    assert response.status_code == 302
    session = set_cookies(response)[PRODUCTION_SESSION_COOKIE]
    assert {"secure", "httponly", "samesite=lax"} <= session


def test_in_production_no_other_host_can_set_or_replace_the_session_cookie(production_app):
    """A site on a sibling or parent domain (another *.gov.kz) could otherwise plant its own
    `session` cookie for Domain=.gov.kz. Browsers accept a __Host- cookie only from this very
    host, over HTTPS, for the whole site (Secure, Path=/, no Domain)."""
    response = sign_in(production_app.test_client())
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert set(cookies) == {PRODUCTION_SESSION_COOKIE}
    attributes = cookies[PRODUCTION_SESSION_COOKIE]
    assert "secure" in attributes and "path=/" in attributes
    assert not any(attribute.startswith("domain=") for attribute in attributes)


def test_signing_in_sets_no_long_lived_remember_cookie(production_app):
    assert set(set_cookies(sign_in(production_app.test_client()))) == {PRODUCTION_SESSION_COOKIE}


def test_in_production_a_remember_cookie_would_be_secure_http_only_and_same_site(
    production_app,
):
    """Flask-Login's "remember me" cookie, should a sign-in ever ask for it."""
    with production_app.test_request_context("/kk/staff/", base_url=HTTPS):
        staff = db.session.execute(
            db.select(StaffUser).where(StaffUser.email == STAFF_EMAIL)
        ).scalar_one()
        login_user(SignedInStaff(staff), remember=True)
        response = production_app.process_response(production_app.make_response(""))
    remember = set_cookies(response)[REMEMBER_COOKIE]
    assert {"secure", "httponly", "samesite=lax"} <= remember


def test_outside_production_cookies_still_refuse_scripts_and_cross_site_posts(app):
    app.config["ARGON2_PROFILE"] = CHEAP_ARGON2
    make_staff(app, "head", email=STAFF_EMAIL, password=STAFF_PASSWORD)
    session = set_cookies(sign_in(app.test_client()))["session"]
    assert {"httponly", "samesite=lax"} <= session


def test_nginx_gives_the_static_guide_the_same_security_headers_as_the_app(production_app):
    """The frozen guide is served by nginx (deploy/nginx/), not by the app: same promises."""
    configured = dict(
        re.findall(
            r'^add_header\s+(\S+)\s+"([^"]*)"\s+always;$',
            NGINX_STATIC_HEADERS.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )
    served = production_app.test_client().get("/kk/", base_url=HTTPS).headers
    assert configured == {name: served[name] for name in SECURITY_HEADERS}
