"""After signing in, `next` leads only to a page of the back office, never to another site,
and the back office opens in the member's own language."""

from urllib.parse import quote

import pytest
from helpers import Staff, hidden_fields, make_staff

QUEUE = "/kk/staff/"


@pytest.fixture
def head(app):
    make_staff(app, "head")
    return Staff(app, "head.taraz-city-akimat@example.kz")


def signed_in_to(member: Staff, target: str | None, at: str = "kk") -> str:
    page_ = member.client.get(f"/{at}/staff/login/")
    response = member.client.post(
        f"/{at}/staff/login/" + (f"?next={quote(target, safe='')}" if target else ""),
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
        "/ru/complaints/track/",
        "/en/staff/",
        # Inside /kk/staff/ only as written: the browser resolves them to other paths.
        "/kk/staff/../..//evil.example",
        "/kk/staff/../../kk/complaints/",
        "/kk/staff/./../x",
        "/kk/staff/%2e%2e/%2e%2e//evil.example",
        "/kk/staff//evil.example",
        "/kk/staff/\\evil.example",
        # Not an address at all (an IPv6 host left open): the queue, not an error.
        "//[",
        "http://[::1/kk/staff/",
    ],
)
def test_next_never_leads_off_the_back_office(head, target):
    assert signed_in_to(head, target) == QUEUE


@pytest.fixture
def russian_speaking_head(app):
    make_staff(app, "head", email="ru.head@example.kz", language="ru")
    return Staff(app, "ru.head@example.kz")


@pytest.mark.parametrize("at", ["kk", "ru"])
def test_signing_in_opens_the_back_office_in_the_members_own_language(
    head, russian_speaking_head, at
):
    assert signed_in_to(russian_speaking_head, None, at=at) == "/ru/staff/"
    assert signed_in_to(head, None, at=at) == "/kk/staff/"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/kk/staff/complaints/1/", "/ru/staff/complaints/1/"),
        ("/kk/staff/?status=registered&q=%D0%90", "/ru/staff/?status=registered&q=%D0%90"),
        ("/ru/staff/reports/?date_from=2026-01-01", "/ru/staff/reports/?date_from=2026-01-01"),
    ],
)
def test_next_leads_back_to_the_page_asked_for_in_the_members_own_language(
    russian_speaking_head, target, expected
):
    assert signed_in_to(russian_speaking_head, target) == expected


def test_a_back_office_page_in_the_other_language_opens_in_the_members_own(head):
    assert signed_in_to(head, "/ru/staff/complaints/1/", at="ru") == "/kk/staff/complaints/1/"


@pytest.mark.parametrize("target", ["//evil.example", "/kk/complaints/track/", "/kk/staff/../.."])
def test_next_off_the_back_office_leads_to_the_queue_in_the_members_own_language(
    russian_speaking_head, target
):
    assert signed_in_to(russian_speaking_head, target) == "/ru/staff/"
