"""Requests no page of ours sends are refused before any form reads them: a JSON body (whose
fields the rate limits keyed on a form field never see), a file sent for a text field, an id
past what the database holds. Each gets a page in the visitor's language, never a 500."""

import io
import json

import pytest
from helpers import Applicant, Staff, hidden_fields, make_staff, text_of
from werkzeug.datastructures import FileStorage

from complaints.models import Complaint
from complaints.public.forms import clean_line, clean_text
from qyzmet.extensions import db


def complaints_filed(app) -> int:
    with app.app_context():
        return db.session.query(Complaint).count()


@pytest.fixture
def member(app):
    make_staff(app, "head")
    member = Staff(app, "head.taraz-city-akimat@example.kz")
    assert member.login().status_code == 302
    return member


def json_post(client, path: str, body: object, csrf_token: str):
    return client.post(
        path,
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": csrf_token},
    )


def test_a_sign_in_sent_as_json_is_refused_even_with_the_right_password(app, client):
    make_staff(app, "head")
    tokens = hidden_fields(client.get("/kk/staff/login/").get_data(as_text=True))
    response = json_post(
        client,
        "/kk/staff/login/",
        {"email": "head.taraz-city-akimat@example.kz", "password": "correct horse battery"},
        tokens["csrf_token"],
    )
    assert response.status_code == 415
    assert "Сұрауда қате бар" in text_of(response)
    assert client.get("/kk/staff/").status_code == 302  # not signed in


@pytest.mark.parametrize(
    "body", [{"registration_number": 123, "access_code": [1, 2]}, [1, 2], "text", 7]
)
def test_a_tracking_lookup_sent_as_json_is_refused_not_an_error(client, body):
    tokens = hidden_fields(client.get("/ru/complaints/track/").get_data(as_text=True))
    response = json_post(client, "/ru/complaints/track/", body, tokens["csrf_token"])
    assert response.status_code == 415
    assert "С запросом что-то не так" in text_of(response)


def test_a_complaint_sent_as_json_files_nothing(app, client):
    applicant = Applicant(client, "kk")
    tokens = applicant.form()
    response = json_post(
        client,
        "/kk/complaints/new/",
        {**tokens, "full_name": 5, "subject": {"a": 1}},
        tokens["csrf_token"],
    )
    assert response.status_code == 415
    assert complaints_filed(app) == 0


@pytest.mark.parametrize("field", ["full_name", "subject", "text"])
def test_a_file_sent_for_a_text_field_is_refused_and_files_nothing(app, client, field):
    applicant = Applicant(client, "ru")
    response = applicant.file(**{field: (io.BytesIO(b"%PDF-1.4"), "name.pdf")})
    assert response.status_code == 400
    assert "С запросом что-то не так" in text_of(response)
    assert complaints_filed(app) == 0


def test_a_file_for_a_text_field_reads_as_nothing_typed():
    upload = FileStorage(io.BytesIO(b"x"), filename="x.txt")
    assert clean_text(upload) is None
    assert clean_line(upload) is None


@pytest.mark.parametrize(
    "path",
    [
        "/complaints/99999999999999999999/",
        "/complaints/2147483648/",
        "/complaints/1/attachments/99999999999999999999",
    ],
)
def test_an_id_past_what_the_database_holds_is_not_found(member, path):
    response = member.get(path)
    assert response.status_code == 404
    assert "Бет табылмады" in text_of(response)


def test_an_action_on_an_id_past_what_the_database_holds_is_not_found(member):
    page_ = member.get("/")
    tokens = hidden_fields(page_.get_data(as_text=True))
    response = member.client.post(
        "/kk/staff/complaints/99999999999999999999/add_note/",
        data={"add_note-csrf_token": tokens.get("csrf_token", ""), "add_note-note": "x"},
    )
    assert response.status_code == 404
