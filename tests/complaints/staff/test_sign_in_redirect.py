"""After signing in, `next` leads only to a page of the back office, never to another site."""

from urllib.parse import quote

import pytest
from helpers import Staff, hidden_fields, make_staff

QUEUE = "/kk/staff/"


@pytest.fixture
def head(app):
    make_staff(app, "head")
    return Staff(app, "head.taraz-city-akimat@example.kz")


def signed_in_to(member: Staff, target: str) -> str:
    page_ = member.client.get("/kk/staff/login/")
    response = member.client.post(
        f"/kk/staff/login/?next={quote(target, safe='')}",
        data={
            **hidden_fields(page_.get_data(as_text=True)),
            "email": member.email,
            "password": member.password,
        },
    )
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize(
    "target",
    [
        "/kk/staff/complaints/1/",
        "/kk/staff/?status=registered&q=%D0%90",
        "/kk/staff/reports/?date_from=2026-01-01",
    ],
)
def test_next_leads_back_to_the_staff_page_asked_for(head, target):
    assert signed_in_to(head, target) == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/kk/staff/",
        "/\\evil.example",
        "\\\\evil.example",
        "https:evil.example",
        "https://evil.example/kk/staff/",
        "http://127.0.0.1/kk/staff/",
        "javascript:alert(1)//kk/staff/",
        "%2F%2Fevil.example",
        " //evil.example",
        "\t//evil.example",
        "/kk/complaints/track/",
        "/ru/staff/",
        # Inside /kk/staff/ only as written: the browser resolves them to other paths.
        "/kk/staff/../..//evil.example",
        "/kk/staff/../../kk/complaints/",
        "/kk/staff/./../x",
        "/kk/staff/%2e%2e/%2e%2e//evil.example",
        "/kk/staff//evil.example",
        "/kk/staff/\\evil.example",
    ],
)
def test_next_never_leads_off_the_back_office(head, target):
    assert signed_in_to(head, target) == QUEUE
