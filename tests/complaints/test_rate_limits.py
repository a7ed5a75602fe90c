"""Floods and guessing are slowed down; the limits answer in the visitor's language."""

import contextlib
import logging
import socket
import threading
import time

import pytest
import redis as redis_client
from helpers import Applicant, hidden_fields, text_of
from serving import free_port, running_redis

from qyzmet import create_app
from qyzmet.extensions import db, limiter

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
    # The limit reached is a minute's: a few minutes' wait is the truth.
    assert "Подождите несколько минут" in text_of(blocked)


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


def test_wrong_codes_sent_from_elsewhere_do_not_lock_the_applicant_out(limited_app):
    """Numbers are sequential: if everyone's tries at a number counted together, anyone could
    keep its applicant out of their own complaint by sending 30 wrong codes a day."""
    applicant = Applicant(limited_app.test_client(), "kk")
    number, code, _ = applicant.file_ok()
    for n, address in enumerate(["198.51.100.1", "198.51.100.2", "198.51.100.3"]):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        intruder = Applicant(client, "kk")
        statuses = [intruder.track(number, f"AAAA-AAAA-{n}{m}").status_code for m in range(6)]
        assert statuses == [400] * 5 + [429]
    response = applicant.track(number, code)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/kk/complaints/track/{number}/")


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


def test_switching_the_receipts_language_is_not_held_to_the_filing_limit(limited_app):
    """Applicants in a service centre's hall share one address; a refusal here would replace
    the only page that shows the access code."""
    client = limited_app.test_client()
    _, code, receipt = Applicant(client, "kk").file_ok()
    tokens = hidden_fields(receipt.get_data(as_text=True))
    switches = [client.post("/ru/complaints/receipt/", data=tokens) for _ in range(30)]
    assert {response.status_code for response in switches} == {200}
    assert code in text_of(switches[-1])
    assert client.post("/ru/complaints/receipt/", data=tokens).status_code == 429


def test_mistakes_in_the_form_do_not_use_up_the_filing_limit(limited_app):
    applicant = Applicant(limited_app.test_client(), "kk")
    assert [applicant.file(phone="123").status_code for _ in range(5)] == [400] * 5
    assert applicant.file().status_code == 200


def test_a_flood_of_rejected_forms_is_stopped_too(limited_app):
    applicant = Applicant(limited_app.test_client(), "ru")
    statuses = [applicant.file(phone="123").status_code for _ in range(22)]
    assert statuses[:20] == [400] * 20
    assert statuses[20:] == [429, 429]


@pytest.fixture
def silent_port():
    """A TCP port that accepts connections and never answers: a hung Redis."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.fixture
def fresh_limiter_health():
    """Flask-Limiter keeps whether its storage is dead, and when to look again, on the
    extension object, which every test app shares (production has one app per process):
    each of these tests starts, and leaves the next test, with storage taken for alive."""

    def reset() -> None:
        limiter._storage_dead = False
        limiter._Limiter__check_backend_count = 0
        limiter._Limiter__last_check_backend = time.time()

    reset()
    yield
    reset()


def app_on_redis(app, url: str):
    return create_app(
        {key: app.config[key] for key in SHARED}
        | {
            "TESTING": True,
            "MAIL_DELIVERY": "inline",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": url,
        }
    )


@pytest.mark.parametrize("redis", ["unreachable", "hung"])
def test_without_redis_citizens_still_file_and_the_limits_count_in_memory(
    app, redis, silent_port, caplog, fresh_limiter_health
):
    port = silent_port if redis == "hung" else free_port()
    limited = app_on_redis(app, f"redis://127.0.0.1:{port}/0")
    applicant = Applicant(limited.test_client(), "kk")
    started = time.monotonic()
    applicant.file_ok()
    assert time.monotonic() - started < 5  # the socket timeout, not for ever
    assert "falling back to in-memory storage" in caplog.text
    # Filing's own limit, 5 a minute, still holds.
    statuses = [applicant.file().status_code for _ in range(5)]
    assert statuses == [200] * 4 + [429]
    with limited.app_context():
        db.engine.dispose()


def test_the_limits_go_back_to_redis_when_it_answers_again(
    app, tmp_path, caplog, fresh_limiter_health
):
    caplog.set_level(logging.INFO, logger="flask-limiter")
    port = free_port()
    limited = app_on_redis(app, f"redis://127.0.0.1:{port}/0")
    applicant = Applicant(limited.test_client(), "ru")
    applicant.file_ok()
    assert "falling back to in-memory storage" in caplog.text
    with running_redis(tmp_path / "redis", port=port) as url:
        time.sleep(1.1)  # Flask-Limiter's first check of the storage comes after a second
        applicant.file_ok()
        assert "Rate limit storage recovered" in caplog.text
        assert redis_client.Redis.from_url(url).keys("LIMITS:*")
    with limited.app_context():
        db.engine.dispose()
