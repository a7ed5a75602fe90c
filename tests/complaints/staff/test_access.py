"""Every staff route refuses anonymous visitors and staff of another akimat (404, not 403)."""

import re

import pytest
from backoffice import BAIZAK, TARAZ, new_complaint
from helpers import Staff, hidden_fields, make_staff, page, text_of

from complaints.models import Attachment
from qyzmet.extensions import db

PUBLIC_STAFF_ENDPOINTS = {"staff.login"}


def staff_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("staff.")]


def fill(rule, values) -> str:
    path = rule.rule.replace("<lang:lang_code>", "kk")
    return re.sub(r"<(?:int:)?(\w+)>", lambda m: str(values[m.group(1)]), path)


@pytest.fixture
def taraz_world(app, tmp_path):
    """A complaint with an attachment and a colleague in Taraz, to aim every route at."""
    complaint_id = new_complaint(app, TARAZ)
    colleague = make_staff(app, "executor", email="colleague@example.kz")
    (tmp_path / "attachments").mkdir(exist_ok=True)
    (tmp_path / "attachments" / ("a" * 32)).write_bytes(b"%PDF-1.4\n")
    with app.app_context():
        attachment = Attachment(
            complaint_id=complaint_id,
            original_name="doc.pdf",
            stored_name="a" * 32,
            content_type="application/pdf",
            size=9,
            sha256="0" * 64,
            uploaded_at=__import__("complaints.services", fromlist=["utcnow"]).utcnow(),
        )
        db.session.add(attachment)
        db.session.commit()
        values = {
            "complaint_id": complaint_id,
            "attachment_id": attachment.id,
            "staff_id": colleague,
            "action_name": "add_note",
        }
    return values


def test_the_walk_covers_every_staff_route(app):
    endpoints = {rule.endpoint for rule in staff_rules(app)}
    assert {
        "staff.queue",
        "staff.complaint",
        "staff.act",
        "staff.attachment",
        "staff.register",
    } <= endpoints


def unguarded_staff_routes(app, values) -> list[str]:
    """Every staff route and method an anonymous visitor is not sent to sign in from.

    Each request carries a valid CSRF token: without one, every POST is refused with 400 before
    its view runs, and an unprotected route would look refused too. With it, only the sign-in
    requirement stands between the visitor and the view. The views' staff_required marker is
    checked as well, so a route that refuses for another reason is still found.
    """
    client = app.test_client()
    token = hidden_fields(client.get("/kk/staff/login/").get_data(as_text=True))["csrf_token"]
    found = []
    for rule in staff_rules(app):
        if rule.endpoint in PUBLIC_STAFF_ENDPOINTS:
            continue
        if not getattr(app.view_functions[rule.endpoint], "staff_route", False):
            found.append(f"{rule.endpoint} is not wrapped in staff_required")
        url = fill(rule, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, headers={"X-CSRFToken": token})
            location = response.headers.get("Location", "")
            if response.status_code != 302 or not location.startswith("/kk/staff/login/"):
                found.append(f"{method} {url} answered {response.status_code} {location}".strip())
    return found


def test_every_staff_route_refuses_anonymous_visitors(app, taraz_world):
    assert unguarded_staff_routes(app, taraz_world) == []


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_the_walk_finds_a_staff_route_left_unprotected(app, taraz_world):
    def open_door(**_):
        return "anyone may post here"

    # Added before the app serves its first request, as a forgotten decorator would leave it.
    app.add_url_rule(
        "/<lang:lang_code>/staff/open-door/",
        endpoint="staff.open_door",
        view_func=open_door,
        methods=["POST"],
    )
    assert unguarded_staff_routes(app, taraz_world) == [
        "staff.open_door is not wrapped in staff_required",
        "POST /kk/staff/open-door/ answered 200",
    ]


def test_every_staff_route_refuses_staff_of_another_akimat(app, taraz_world):
    make_staff(app, "head", akimat_id=BAIZAK, email="head.baizak@example.kz")
    make_staff(app, "admin", akimat_id=BAIZAK, email="admin.baizak@example.kz")
    for email in ("head.baizak@example.kz", "admin.baizak@example.kz"):
        outsider = Staff(app, email)
        assert outsider.login().status_code == 302
        token = hidden_fields(outsider.get("/").get_data(as_text=True))["csrf_token"]
        for rule in staff_rules(app):
            if not set(rule.arguments) & {"complaint_id", "attachment_id", "staff_id"}:
                continue
            url = fill(rule, taraz_world)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                data = {
                    "csrf_token": token,
                    "add_note-csrf_token": token,
                    "add_note-version": "1",
                    "add_note-note": "x",
                    "role": "head",
                    "active": "0",
                }
                response = outsider.client.open(url, method=method, data=data)
                assert response.status_code == 404, (email, method, url, response.status_code)
        queue = text_of(outsider.get("/"))
        assert "TRZ-" not in queue


def test_a_supervisor_reads_every_akimat_of_the_region_but_acts_on_none(app, taraz_world):
    make_staff(
        app, "supervisor", akimat_id=None, region_id="zhambyl-oblast", email="sup@example.kz"
    )
    baizak_id = new_complaint(app, BAIZAK)
    supervisor = Staff(app, "sup@example.kz")
    supervisor.login()
    queue = text_of(supervisor.get("/"))
    assert "TRZ-" in queue and "BZK-" in queue
    soup = page(supervisor.get(f"/complaints/{baizak_id}/"))
    assert soup.select("form[action*='/complaints/']") == []
    response = supervisor.act(baizak_id, "add_note", note="x")
    assert response.status_code == 404


def test_a_supervisor_of_another_region_sees_nothing_here(app, taraz_world):
    make_staff(app, "supervisor", akimat_id=None, region_id="almaty-city", email="sup2@example.kz")
    supervisor = Staff(app, "sup2@example.kz")
    supervisor.login()
    assert supervisor.get(f"/complaints/{taraz_world['complaint_id']}/").status_code == 404


def test_attachments_are_served_only_to_staff_of_the_akimat(app, taraz_world):
    make_staff(app, "executor")
    insider = Staff(app, "executor.taraz-city-akimat@example.kz")
    insider.login()
    url = f"/complaints/{taraz_world['complaint_id']}/attachments/{taraz_world['attachment_id']}"
    response = insider.get(url)
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4\n"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert app.test_client().get(f"/kk/staff{url}").status_code == 302


@pytest.mark.parametrize(
    ("lang", "title"), [("kk", "Сервис уақытша қолжетімсіз"), ("ru", "Сервис временно недоступен")]
)
def test_an_attachment_the_folder_cannot_give_is_a_try_again_page_and_logged(
    app, taraz_world, tmp_path, lang, title, caplog
):
    """A shared attachments folder unmounted, or the file gone: not a failure page."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_staff(app, "executor")
    insider = Staff(app, "executor.taraz-city-akimat@example.kz", lang=lang)
    insider.login()
    (tmp_path / "attachments" / ("a" * 32)).unlink()
    url = f"/complaints/{taraz_world['complaint_id']}/attachments/{taraz_world['attachment_id']}"
    response = insider.get(url)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert title in text_of(response)
    assert (
        f"attachment {taraz_world['attachment_id']} of complaint "
        f"{taraz_world['complaint_id']} could not be read" in caplog.text
    )
