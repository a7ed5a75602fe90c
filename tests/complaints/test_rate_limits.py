"""Floods and guessing are slowed down; the limits answer in the visitor's language."""

import pytest
from helpers import Applicant, text_of

from qyzmet import create_app
from qyzmet.extensions import db

SHARED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "UPLOAD_ROOT", "OUTBOX_DIR", "SITE_URL")


@pytest.fixture
def limited_app(app):
    """The same app and database with rate limits on, as in production."""
    limited = create_app(
        {key: app.config[key] for key in SHARED}
        | {"TESTING": True, "MAIL_DELIVERY": "inline", "RATELIMIT_ENABLED": True}
    )
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_guessing_a_tracking_code_twenty_times_in_a_minute_is_stopped(limited_app):
    client = limited_app.test_client()
    applicant = Applicant(client, "ru")
    number, code, _ = applicant.file_ok()
    statuses = [
        applicant.track(number, f"AAAA-AAAA-{n:02d}".replace("0", "A")[:12]).status_code
        for n in range(20)
    ]
    assert statuses[:5] == [400] * 5
    assert set(statuses[5:]) == {429}
    blocked = applicant.track(number, code)
    assert blocked.status_code == 429
    assert "Слишком много попыток" in text_of(blocked)


def test_spelling_the_number_another_way_does_not_buy_more_guesses(limited_app):
    client = limited_app.test_client()
    applicant = Applicant(client, "ru")
    number, code, _ = applicant.file_ok()
    spellings = [
        number,
        number + "\x00",
        number.replace("-", "\u2013"),
        number.lower().replace("-", "\u2212"),
        "\x00".join(number),
        f"  {number.replace('-', chr(0x2011))}\x7f",
    ]
    statuses = [applicant.track(spelling, "AAAA-AAAA-AA").status_code for spelling in spellings]
    assert statuses == [400] * 5 + [429]
    assert applicant.track(number, code).status_code == 429


def test_guessing_many_numbers_from_one_address_is_stopped(limited_app):
    client = limited_app.test_client()
    applicant = Applicant(client, "kk")
    statuses = [
        applicant.track(f"TRZ-2026-{n:06d}", "AAAA-AAAA-AA").status_code for n in range(1, 23)
    ]
    assert 429 in statuses
    assert statuses[:20].count(400) == 20


def test_filing_in_a_flood_is_stopped(limited_app):
    client = limited_app.test_client()
    applicant = Applicant(client, "kk")
    statuses = [applicant.file(subject=f"Тақырып {n}").status_code for n in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]
    assert "Әрекеттер тым көп" in text_of(applicant.file(subject="тағы"))


def test_mistakes_in_the_form_do_not_use_up_the_filing_limit(limited_app):
    applicant = Applicant(limited_app.test_client(), "kk")
    assert [applicant.file(phone="123").status_code for _ in range(5)] == [400] * 5
    assert applicant.file().status_code == 200


def test_a_flood_of_rejected_forms_is_stopped_too(limited_app):
    applicant = Applicant(limited_app.test_client(), "ru")
    statuses = [applicant.file(phone="123").status_code for _ in range(22)]
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429, 429]
