"""Pages that show personal data are never kept in a cache: the browser's, a proxy's.

A staff page shows applicants' names, IINs, phones and the text of their complaints; left in
the browser's cache it is shown again by the Back button after signing out, or read from the
disk of a shared computer. The registrar's page after registering shows the access code.
"""

import re

from backoffice import TARAZ, new_complaint
from helpers import VALID, Staff, hidden_fields, make_staff

from complaints.web import today_in_almaty


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def test_every_staff_page_is_sent_with_no_store(app, team):
    complaint_id = new_complaint(app, TARAZ)
    pages = {
        "head": ["/", f"/complaints/{complaint_id}/", "/reports/", "/password/"],
        "admin": ["/admin/staff/"],
        "registrar": ["/register/"],
    }
    for role, paths in pages.items():
        for path in paths:
            response = team[role].get(path)
            assert response.status_code == 200, (role, path)
            assert never_stored(response), (role, path, response.headers.get("Cache-Control"))


def test_a_staff_form_sent_back_with_errors_is_sent_with_no_store(app, team):
    complaint_id = new_complaint(app, TARAZ)
    response = team["head"].act(complaint_id, "add_note", note="")
    assert response.status_code == 400
    assert never_stored(response)


def test_the_registrars_page_with_the_access_code_is_sent_with_no_store(app):
    make_staff(app, "registrar")
    registrar = Staff(app, "registrar.taraz-city-akimat@example.kz")
    registrar.login()
    form = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    with app.app_context():
        today = today_in_almaty()
    response = registrar.client.post(
        "/kk/staff/register/",
        data={
            **VALID,
            **form,
            "channel": "paper",
            "received_on-day": str(today.day),
            "received_on-month": str(today.month),
            "received_on-year": str(today.year),
            "received_time": "00:00",
            "language": "kk",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert re.search(r'id="access-code">[^<]+<', response.get_data(as_text=True))
    assert never_stored(response)


def test_the_complaint_form_sent_back_with_what_the_applicant_typed_is_sent_with_no_store(
    client,
):
    form = hidden_fields(client.get("/kk/complaints/new/").get_data(as_text=True))
    response = client.post(
        "/kk/complaints/new/",
        data={**VALID, **form, "iin": "123", "subject": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert never_stored(response)


def test_guide_pages_may_still_be_cached(client):
    assert not never_stored(client.get("/kk/"))
