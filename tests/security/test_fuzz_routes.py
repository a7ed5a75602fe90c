"""Every address of the app, asked anything by anyone, never answers with a server error.

The walk takes the routes from the app's own URL map, so a route added later is walked too,
and asks each of them as an anonymous visitor and as every staff role: every method, hand-made
path values, query strings hypothesis makes up (invalid percent-encoding, NUL bytes, lone
surrogates, numbers past any column, dates that do not exist, url_for's own argument names),
bodies of the wrong type, odd Host, Cookie and Accept-Language headers. Whatever comes back is
under 500, and nothing is stored. PostgreSQL refuses more than SQLite (NUL in text, integers
past 64 bits), so this runs on both like every test with `app`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from helpers import Applicant, Staff, hidden_fields, make_staff
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from complaints.models import Attachment, Complaint, ComplaintEvent, KeptForm, StaffUser
from qyzmet.extensions import db
from qyzmet.urls import can_carry

FUZZ_SETTINGS = settings(
    max_examples=200,
    deadline=None,
    # One app, its database and signed-in visitors for all the examples of a test.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Everyone the walk asks as: nobody, and every staff role (an admin with an akimat and one of
# the whole system, as their pages differ).
STAFF = {
    "registrar": {"role": "registrar"},
    "head": {"role": "head"},
    "executor": {"role": "executor"},
    "supervisor": {"role": "supervisor", "akimat_id": None, "region_id": "zhambyl-oblast"},
    "admin": {"role": "admin"},
    "system admin": {"role": "admin", "akimat_id": None, "email": "system.admin@example.kz"},
}
# Path and query text no page of ours sends, percent-encoded as it travels: NUL, a lone
# surrogate, bytes that are not UTF-8, broken escapes, numbers past every integer column.
HOSTILE = [
    "%00",
    "a%00b",
    "%ED%A0%80",
    "%FF%FE",
    "%",
    "%zz",
    "%C2%B2",
    "%D9%A1",
    "99999999999999999999",
    "2147483648",
    "-1",
    "0",
    "1e999",
    "NaN",
    "x" * 3000,
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "..%2F..%2Fetc%2Fpasswd",
    "trz-2026-000001",
    "TRZ%E2%80%932026%E2%80%93000001",
]
DATES = ["2026-02-30", "0000-01-01", "9999-12-31", "30.02.2026", "31.12.99999", "2026-13-01"]
# Query names: those the pages read, and those url_for takes as its own arguments.
QUERY_NAMES = [
    "page",
    "per_page",
    "sort",
    "status",
    "executor",
    "service",
    "channel",
    "due",
    "akimat",
    "office",
    "q",
    "date_from",
    "date_to",
    "kept",
    "next",
    "number",
    "lang_code",
    "endpoint",
    "_scheme",
    "_external",
    "_anchor",
    "_method",
]


@dataclass
class World:
    visitors: dict[str, object]  # name -> test client
    path_values: dict[str, str]
    tokens: dict[str, str]  # name -> a CSRF token of the visitor's session


@pytest.fixture
def world(app) -> World:
    anonymous = app.test_client()
    number, _code, _ = Applicant(anonymous, "kk").file_ok(files=[(io.BytesIO(PDF), "scan.pdf")])
    visitors = {"anonymous": anonymous}
    for name, account in STAFF.items():
        staff_id = make_staff(app, **account)
        with app.app_context():
            email = db.session.get(StaffUser, staff_id).email
        member = Staff(app, email)
        assert member.login().status_code == 302, name
        visitors[name] = member.client
    with app.app_context():
        complaint_id, attachment_id = db.session.execute(
            db.select(Attachment.complaint_id, Attachment.id)
        ).one()
    path_values = {
        "lang_code": "kk",
        "complaint_id": str(complaint_id),
        "attachment_id": str(attachment_id),
        "staff_id": str(staff_id),
        "action_name": "add_note",
        "number": number,
        "service_id": "zhambyl-housing-registration-2008",
        "category_id": "housing",
        "region_id": "zhambyl-oblast",
        "body_id": "taraz-city-akimat",
        "filename": "pagefind.js",
    }
    tokens = {
        name: hidden_fields(client.get("/kk/complaints/track/").get_data(as_text=True))[
            "csrf_token"
        ]
        for name, client in visitors.items()
    }
    return World(visitors, path_values, tokens)


def rules(app) -> list:
    # Signing out last: it would leave the rest of the walk to an anonymous visitor.
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint == "staff.logout",))


def address(rule, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda match: values[match.group(1)], rule.rule)


@dataclass(frozen=True)
class Stored:
    complaints: int
    events: int
    attachments: int
    kept_forms: int
    staff: tuple


def stored(app) -> Stored:
    with app.app_context():

        def count(model) -> int:
            return db.session.scalar(db.select(db.func.count()).select_from(model))

        return Stored(
            complaints=count(Complaint),
            events=count(ComplaintEvent),
            attachments=count(Attachment),
            kept_forms=count(KeptForm),
            staff=tuple(
                db.session.execute(
                    db.select(StaffUser.id, StaffUser.role, StaffUser.active).order_by(StaffUser.id)
                ).all()
            ),
        )


def assert_answered(response, what: str) -> None:
    """Under 500; a page in the address's language (an error page is one too)."""
    assert response.status_code < 500, what
    if response.mimetype == "text/html" and response.status_code >= 400 and response.data:
        assert re.search(r'<html lang="(kk|ru)"', response.get_data(as_text=True)), what


def test_the_walk_knows_every_routes_path_arguments(app, world):
    """A route with an argument the walk cannot fill would be skipped without a word."""
    arguments = {name for rule in app.url_map.iter_rules() for name in rule.arguments}
    assert arguments <= world.path_values.keys()


def test_every_route_and_method_answers_every_visitor_without_an_error(app, world):
    before = stored(app)
    for name, client in world.visitors.items():
        for rule in rules(app):
            url = address(rule, world.path_values)
            for method in METHODS:
                # Only the CSRF token: every field missing, as a hand-made request may send.
                form = {"csrf_token": world.tokens[name]} if method == "POST" else None
                response = client.open(url, method=method, data=form)
                assert_answered(response, f"{name} {method} {url}")
    after = stored(app)
    assert after.complaints == before.complaints and after.attachments == before.attachments
    assert after.events == before.events and after.staff == before.staff


def test_every_query_name_with_a_nul_or_a_huge_number_is_answered_on_every_page(app, world):
    """What PostgreSQL refuses and SQLite takes (a NUL in text, an integer past 64 bits), in
    each name a page reads, on every page: the random walk below may not meet them all."""
    before = stored(app)
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = address(rule, world.path_values)
        names = ["registrar", "head", "system admin"] if "/staff/" in rule.rule else ["anonymous"]
        page_names = [name for name in QUERY_NAMES if can_carry(name)]
        # A NUL one name at a time (a page may stop at the first wrong value); numbers past
        # 64 bits and lone surrogates in every name at once.
        queries = [f"{name}=a%00b" for name in page_names] + [
            "&".join(f"{name}={value}" for name in page_names)
            for value in ("99999999999999999999", "%ED%A0%80")
        ]
        for name in names:
            for query in queries:
                response = world.visitors[name].get(f"{url}?{query}")
                assert_answered(response, f"{name} GET {url}?{query}")
    assert stored(app) == before


def path_segments() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.builds(quote, st.text(min_size=1, max_size=30), st.just("")),
    )


def query_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE + DATES + ["", "none", "all", "overdue"]),
        # Any text, as a browser would encode it (lone surrogates have no UTF-8: %ED%A0%80).
        st.builds(lambda text: quote(text, safe=""), st.text(max_size=40)),
    )


@FUZZ_SETTINGS
@given(data=st.data())
def test_random_addresses_and_queries_never_fail_and_never_write(app, world, data):
    """GET and HEAD: the addresses a link or a typed URL can make."""
    rule = data.draw(
        st.sampled_from(
            [r for r in app.url_map.iter_rules() if "GET" in r.methods and "static" not in r.rule]
        ),
        label="route",
    )
    name = data.draw(st.sampled_from(sorted(world.visitors)), label="visitor")
    values = dict(world.path_values)
    for argument in sorted(rule.arguments - {"lang_code"}):
        if data.draw(st.booleans(), label=f"hostile {argument}"):
            values[argument] = data.draw(path_segments(), label=argument)
    values["lang_code"] = data.draw(st.sampled_from(["kk", "ru"]), label="lang")
    pairs = data.draw(
        st.lists(
            st.tuples(
                st.one_of(st.sampled_from(QUERY_NAMES), st.sampled_from(HOSTILE)), query_values()
            ),
            max_size=6,
        ),
        label="query",
    )
    query = "&".join(f"{key}={value}" for key, value in pairs)
    url = address(rule, values) + (f"?{query}" if query else "")
    method = data.draw(st.sampled_from(["GET", "HEAD"]), label="method")

    before = stored(app)
    response = world.visitors[name].open(url, method=method)
    event(f"answered {response.status_code}")
    assert_answered(response, f"{name} {method} {url}")
    assert stored(app) == before


def post_rules(app) -> Iterator:
    return (rule for rule in rules(app) if "POST" in rule.methods)


BODIES = {
    "JSON": ("application/json", b'{"csrf_token": "%(token)s", "note": 1}'),
    "multipart without boundary": ("multipart/form-data", b"--x\r\n"),
    "truncated multipart": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%(token)s',
    ),
    "a file for a text field": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%(token)s\r\n'
        b'--x\r\nContent-Disposition: form-data; name="add_note-note"; filename="a.txt"\r\n'
        b"\r\nabc\r\n--x--\r\n",
    ),
    "text for the file field": (
        "multipart/form-data; boundary=x",
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n%(token)s\r\n'
        b'--x\r\nContent-Disposition: form-data; name="attachments"\r\n\r\nscan.pdf\r\n--x--\r\n',
    ),
    "broken escapes, NUL and a lone surrogate": (
        "application/x-www-form-urlencoded",
        b"csrf_token=%(token)s&email=%%zz&note=a%%00b&q=%%ED%%A0%%80&version=99999999999999999999",
    ),
    "a charset that is not UTF-8": (
        "application/x-www-form-urlencoded; charset=latin1",
        b"csrf_token=%(token)s&email=%%FF",
    ),
    "fields sent twice": (
        "application/x-www-form-urlencoded",
        b"csrf_token=%(token)s&csrf_token=x&version=1&version=2&role=head&role=admin",
    ),
    "plain text": ("text/plain", b"hello"),
}


def test_a_body_no_form_sends_is_refused_by_every_form_and_stores_nothing(app, world):
    before = stored(app)
    for case, (content_type, template) in BODIES.items():
        for name in ("anonymous", "registrar", "head", "system admin"):
            client = world.visitors[name]
            payload = template % {b"token": world.tokens[name].encode()}
            for rule in post_rules(app):
                if rule.endpoint == "staff.logout":
                    continue
                url = address(rule, world.path_values)
                response = client.post(url, data=payload, content_type=content_type)
                assert_answered(response, f"{case}: {name} POST {url}")
    assert stored(app) == before


HEADERS = {
    "a host name too long for DNS": {"Host": "a" * 300},
    "a host label of 64 characters": {"Host": "a" * 64 + ".example"},
    "a host with an empty label": {"Host": "qyzmet..example"},
    "a host of Cyrillic letters": {"Host": "қызмет.example"},
    "an IPv6 host left open": {"Host": "[::1"},
    "a host with a port past 65535": {"Host": "qyzmet.example:99999"},
    "garbage Accept-Language": {"Accept-Language": "\x00;q=abc,,,;;zz-ZZ;q=2, *;q=-1"},
    "a session cookie that is garbage": {"Cookie": "session=garbage"},
    "a session cookie signed with another key": {
        "Cookie": "session=eyJfdXNlcl9pZCI6IjE6MSJ9.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"
    },
    "a very long cookie": {"Cookie": "session=" + "a" * 4000},
    "a date that is no date": {"If-Modified-Since": "2026-02-30", "If-None-Match": "\x00"},
    "a range past any file": {"Range": "bytes=99999999999999999999-"},
}


def test_odd_headers_never_give_an_error(app, world):
    pages = ["/kk/", "/ru/complaints/new/", "/kk/staff/", "/ru/staff/reports/", "/nowhere"]
    pages += ["/robots.txt", "/static/no-such-file.css", "/kk/staff/reports.csv"]
    # Without a cookie jar for the anonymous visitor: its cookies would replace the header.
    visitors = {"anonymous": app.test_client(use_cookies=False), "head": world.visitors["head"]}
    for case, headers in HEADERS.items():
        for name, client in visitors.items():
            for path in pages:
                response = client.get(path, headers=headers)
                assert_answered(response, f"{case}: {name} GET {path}")


@dataclass(frozen=True)
class SentForm:
    action: str
    fields: tuple[tuple[str, str], ...]  # as the page fills them in, tokens included


def forms_on(client, path: str) -> list[SentForm]:
    soup = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    found = []
    for form in soup.select("form[method=post]"):
        fields = []
        for tag in form.select("input[name], select[name], textarea[name]"):
            if tag.name == "select":
                option = tag.select_one("option[value]:not([value=''])") or tag.select_one("option")
                value = option.get("value", "") if option else ""
            elif tag.get("type") in ("radio", "checkbox"):
                value = tag.get("value", "y")
            else:
                value = tag.get("value", "") or tag.text
            fields.append((tag["name"], value))
        found.append(SentForm(form.get("action") or path, tuple(fields)))
    return found


def staff_pages(world: World) -> list[str]:
    complaint = f"/kk/staff/complaints/{world.path_values['complaint_id']}/"
    return [
        complaint,
        "/kk/staff/register/",
        "/kk/staff/admin/staff/",
        "/kk/staff/admin/staff/?akimat=taraz-city-akimat",
        "/kk/staff/password/",
    ]


@pytest.fixture
def staff_forms(app, world) -> list[tuple[str, SentForm]]:
    """Every form the staff pages show their roles, read once: the examples choose among the
    same forms however earlier ones changed the complaint (a stale form is refused, not a 500).

    The administrators' forms change one colleague made for the purpose: disabled, or given
    another role, a visitor would be signed out for the rest of the examples.
    """
    target = make_staff(app, "executor", email="changed.by.the.fuzzer@example.kz")
    changes_someone_else = re.compile(rf"/admin/staff/(?!{target}/)[0-9]+/")
    return [
        (name, form)
        for name, client in world.visitors.items()
        if name != "anonymous"
        for path in staff_pages(world)
        for form in forms_on(client, path)
        if not form.action.endswith("/logout/") and not changes_someone_else.search(form.action)
    ]


@FUZZ_SETTINGS
@given(data=st.data())
def test_random_values_in_every_staff_form_never_fail(app, world, staff_forms, data):
    name, form = data.draw(st.sampled_from(staff_forms), label="form")
    client = world.visitors[name]
    fields = []
    for field, value in form.fields:
        if field.endswith("csrf_token") or not data.draw(st.booleans(), label=f"fuzz {field}"):
            fields.append((field, quote(value, safe="")))
        elif data.draw(st.booleans(), label=f"keep {field}"):
            fields.append((field, data.draw(query_values(), label=field)))
    body = "&".join(f"{field}={value}" for field, value in fields)
    response = client.post(form.action, data=body, content_type="application/x-www-form-urlencoded")
    event(f"{form.action.split('/')[-2]} answered {response.status_code}")
    assert_answered(response, f"{name} POST {form.action} {body[:500]}")
