"""Random input to the public forms never gives a 500, and never stores half a complaint.

hypothesis fills the filing form starting from a valid complaint and replacing any of its
fields with arbitrary Unicode (control characters included), very long text, SQL, HTML or
template syntax, invalid choices for the selects and radios, forged or missing tokens, and
random files with random names. Whatever comes back, the database and the upload folder must
agree with the answer: a receipt means exactly one new complaint with its files, anything else
means nothing new at all. The tracking form gets the same treatment and must never write.
"""

from __future__ import annotations

import io
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers import VALID, Applicant, hidden_fields
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from complaints import directory
from complaints.models import Attachment, Complaint, ComplaintEvent
from complaints.public.forms import clean_line, clean_text
from qyzmet.extensions import db

FUZZ_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    # The app and its database are made once per test and shared by its examples on purpose:
    # each example compares the counts before and after itself.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

# Rendered raw, this would run: a page must only ever show it escaped.
SCRIPT = "<script>alert('qyzmet')</script>"
HOSTILE = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE complaints; --",
    "' OR '1'='1",
    "1; SELECT pg_sleep(10)",
    "{{ config.SECRET_KEY }}",
    "{% raw %}${7*7}",
    "../../../../etc/passwd",
    "\x00\x01\x1b[31m\x7f",
    "\u202eevil\u200b\ufeff",
    "TRZ-2026-000001",
]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
PDF = b"%PDF-1.4\n"
# Characters the form must never let into the database: C0 and C1 controls, DEL, carriage
# returns (line feeds and tabs are text) and format characters such as zero-width spaces.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_format_characters(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cf" for ch in text)


def shows_something(text: str) -> bool:
    """Whether anything in `text` but spaces, controls, format and combining marks."""
    return any(unicodedata.category(ch) not in SHOW_NOTHING for ch in text)


SHOW_NOTHING = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn", "Me"}


def texts() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(),  # any code point but surrogates, control characters included
        st.sampled_from(HOSTILE),
        # Very long: past every length limit of the form (10,000 characters at most).
        st.builds(str.__mul__, st.text(min_size=1, max_size=8), st.integers(1, 3000)),
    )


def choices(valid: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(valid), texts())


def uploads() -> st.SearchStrategy[list[tuple[bytes, str]]]:
    content = st.one_of(
        st.binary(max_size=512),
        st.builds(PNG.__add__, st.binary(max_size=256)),
        st.builds(PDF.__add__, st.binary(max_size=256)),
    )
    name = st.one_of(
        st.text(max_size=60),
        st.sampled_from(["scan.pdf", "фото.png", "../../etc/passwd", "C:\\boot.ini", ".png"]),
    )
    return st.one_of(st.just([]), st.lists(st.tuples(content, name), min_size=1, max_size=7))


@dataclass(frozen=True)
class Stored:
    complaints: int
    attachments: int
    events: int
    files: int
    last_complaint_id: int


def stored(app) -> Stored:
    upload_root = Path(app.config["UPLOAD_ROOT"])
    with app.app_context():

        def count(model) -> int:
            return db.session.scalar(db.select(db.func.count()).select_from(model))

        return Stored(
            complaints=count(Complaint),
            attachments=count(Attachment),
            events=count(ComplaintEvent),
            # The complaints' files; a refused form's checked files are kept apart, in `held/`,
            # for the form's next try (tests/complaints/test_kept_files.py).
            files=sum(1 for path in upload_root.iterdir() if path.name != "held")
            if upload_root.exists()
            else 0,
            last_complaint_id=db.session.scalar(db.select(db.func.max(Complaint.id))) or 0,
        )


@pytest.fixture
def form_choices(app) -> dict[str, list[str]]:
    with app.test_request_context("/kk/"):
        return {
            "akimat": directory.all_akimat_ids(),
            "service": [c.value for g in directory.service_groups("kk") for c in g.choices],
            "office": [c.value for g in directory.office_groups("kk") for c in g.choices],
            "reply_channel": ["email", "post"],
            "consent": ["y", ""],
            "website": [""],
        }


@pytest.fixture
def csrf_token(client) -> str:
    return hidden_fields(client.get("/kk/complaints/new/").get_data(as_text=True))["csrf_token"]


@FUZZ_SETTINGS
@given(data=st.data())
def test_random_filings_never_fail_and_are_stored_whole_or_not_at_all(
    app, client, form_choices, csrf_token, data
):
    lang = data.draw(st.sampled_from(["kk", "ru"]), label="lang")
    # A fresh token each time: the same token with the same content is one complaint sent twice.
    form = {**VALID, "csrf_token": csrf_token, "submission_token": uuid.uuid4().hex}
    # A few fields at a time, so that some forms stay valid and the receipt path is exercised.
    fuzzed = data.draw(st.sets(st.sampled_from(sorted(form)), max_size=4), label="fuzzed fields")
    for field in fuzzed:
        valid = form_choices.get(field)
        value = data.draw(st.one_of(st.none(), choices(valid) if valid else texts()), label=field)
        if value is None:
            del form[field]  # left out, as a hand-made request may
        else:
            form[field] = value
    files = data.draw(uploads(), label="files")
    form["attachments"] = [(io.BytesIO(content), name) for content, name in files]

    before = stored(app)
    response = client.post(
        f"/{lang}/complaints/new/", data=form, content_type="multipart/form-data"
    )
    after = stored(app)

    event(f"answered {response.status_code}")  # shown by --hypothesis-show-statistics
    assert response.status_code < 500
    body = response.get_data(as_text=True)
    if any(SCRIPT in value for value in form.values() if isinstance(value, str)):
        assert SCRIPT not in body
    if response.status_code != 200:
        assert after == before
        return
    number = re.search(r'id="registration-number">([^<]+)<', body).group(1)
    with app.app_context():
        complaint = db.session.execute(
            db.select(Complaint).where(Complaint.registration_number == number)
        ).scalar_one()
    if complaint.id <= before.last_complaint_id:
        # The first receipt again: this form, token and content alike, was filed by an earlier
        # example. Only a token the fuzzer chose (one it drew before) can repeat.
        assert "submission_token" in fuzzed
        assert after == before
        return
    assert after.complaints == before.complaints + 1
    assert after.files - before.files == after.attachments - before.attachments <= len(files)
    for text in (complaint.subject, complaint.text, complaint.applicant_name):
        assert not CONTROL.search(text)
        assert not has_format_characters(text)
        assert shows_something(text)
    assert (complaint.applicant_email or "").isascii()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text())
def test_cleaned_text_keeps_no_controls_or_format_characters_and_cleans_to_itself(text):
    cleaned = clean_text(text)
    assert not CONTROL.search(cleaned)
    assert not has_format_characters(cleaned)
    assert clean_text(cleaned) == cleaned
    assert cleaned == "" or shows_something(cleaned)
    line = clean_line(text)
    assert "\n" not in line and "\t" not in line


@pytest.fixture
def filed(client) -> tuple[str, str]:
    number, code, _ = Applicant(client, "kk").file_ok()
    return number, code


@FUZZ_SETTINGS
@given(data=st.data())
def test_random_tracking_lookups_never_fail_and_never_write(app, client, filed, data):
    real_number, real_code = filed
    number = data.draw(
        st.one_of(
            st.just(real_number),
            st.from_regex(r"[A-Z]{3}-20[0-9]{2}-[0-9]{6}", fullmatch=True),
            texts(),
        ),
        label="number",
    )
    code = data.draw(
        st.one_of(
            st.just(real_code),
            st.from_regex(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}", fullmatch=True),
            texts(),
        ),
        label="code",
    )
    lang = data.draw(st.sampled_from(["kk", "ru"]), label="lang")
    tokens = hidden_fields(client.get(f"/{lang}/complaints/track/").get_data(as_text=True))

    before = stored(app)
    response = client.post(
        f"/{lang}/complaints/track/",
        data={**tokens, "registration_number": number, "access_code": code},
    )

    event(f"answered {response.status_code}")
    assert response.status_code < 500
    assert stored(app) == before
    if response.status_code == 302:
        assert (number, code) == (real_number, real_code)
        assert response.headers["Location"] == f"/{lang}/complaints/track/{real_number}/"
    else:
        assert response.status_code == 400
        if SCRIPT in number or SCRIPT in code:
            assert SCRIPT not in response.get_data(as_text=True)
