"""Rate limits hold across gunicorn workers when the workers share Redis, and only then.

gunicorn serves with several worker processes (and a deployment may run several servers), each
with its own memory. Flask-Limiter's default storage is that memory, so every worker counts a
limit on its own; with REDIS_URL set the counters live in Redis and every worker sees them.
Each server here is gunicorn with deploy/gunicorn.conf.py, two workers, on PostgreSQL, with
the rate limits on as in production.
"""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse_many
from serving import (
    HttpApplicant,
    ServerError,
    app_environment,
    receipt_of,
    running_gunicorn,
    running_redis,
)

from complaints.public.tracking import TRACKING_LIMIT_PER_ADDRESS, TRACKING_LIMIT_PER_NUMBER

pytestmark = pytest.mark.slow

WORKERS = 2
# The tightest window of each limit: what one minute allows.
ALLOWED_PER_NUMBER = min(limit.amount for limit in parse_many(TRACKING_LIMIT_PER_NUMBER))
ALLOWED_PER_ADDRESS = min(limit.amount for limit in parse_many(TRACKING_LIMIT_PER_ADDRESS))
# Three times the limit, and below the per-address limit, so only the per-number limit binds.
LOOKUPS = 3 * ALLOWED_PER_NUMBER
WRONG_CODE = "AAAA-AAAA-AA"
# Client addresses as nginx forwards them (documentation range, RFC 5737).
CITIZEN = "203.0.113.10"
NEIGHBOUR = "203.0.113.20"


@pytest.fixture(scope="module")
def shared_database_url(postgresql_server, postgresql_migrated):
    """One migrated PostgreSQL database for the servers of this module."""
    with postgresql_server.fresh_database(postgresql_migrated.template_dbname) as url:
        yield url


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    try:
        with running_redis(tmp_path_factory.mktemp("redis")) as url:
            yield url
    except ServerError as error:
        pytest.fail(str(error), pytrace=False)


def serve(database_url, log_dir, **environment):
    env = app_environment(database_url, log_dir, **environment)
    return running_gunicorn(env, log_dir, workers=WORKERS)


@pytest.fixture(scope="module")
def redis_server(shared_database_url, redis_url, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("with-redis")
    with serve(shared_database_url, log_dir, REDIS_URL=redis_url) as server:
        yield server


@pytest.fixture(scope="module")
def memory_server(shared_database_url, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("in-memory")
    with serve(shared_database_url, log_dir, REDIS_URL=None) as server:
        yield server


def file_one(applicant: HttpApplicant) -> str:
    response = applicant.post_filing(applicant.filing_form())
    assert response.status_code == 200, response.text[:2000]
    number, _code = receipt_of(response.text)
    return number


def look_up_many_times(server, lang: str) -> tuple[Counter, set[int]]:
    """LOOKUPS wrong-code lookups of one number, four at a time over fresh connections.

    Returns the statuses and the workers that served them.
    """
    applicant = HttpApplicant(server.url, lang)
    number = file_one(applicant)
    tokens = applicant.tracking_form()
    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(
            pool.map(lambda _: applicant.post_tracking(tokens, number, WRONG_CODE), range(LOOKUPS))
        )
    workers = set(server.served_by("POST", f"/{lang}/complaints/track/"))
    return Counter(response.status_code for response in responses), workers


def test_with_redis_the_per_number_tracking_limit_holds_across_both_workers(redis_server):
    statuses, workers = look_up_many_times(redis_server, "ru")
    assert len(workers) == WORKERS, f"the lookups were not spread over both workers: {workers}"
    assert statuses == {400: ALLOWED_PER_NUMBER, 429: LOOKUPS - ALLOWED_PER_NUMBER}


def test_without_redis_each_worker_counts_alone_and_more_lookups_get_through(memory_server):
    """Why production needs REDIS_URL: in memory the limit is multiplied by the workers."""
    statuses, workers = look_up_many_times(memory_server, "ru")
    assert len(workers) == WORKERS, f"the lookups were not spread over both workers: {workers}"
    assert ALLOWED_PER_NUMBER < statuses[400] <= WORKERS * ALLOWED_PER_NUMBER
    assert statuses[400] + statuses[429] == LOOKUPS


def test_behind_nginx_each_client_address_has_its_own_tracking_limit(redis_server):
    applicant = HttpApplicant(redis_server.url, "kk")
    tokens = applicant.tracking_form()

    def look_up(n: int, forwarded_for: str) -> int:
        # A different unknown number each time, so that only the per-address limit counts.
        number = f"TRZ-2026-{900_000 + n:06d}"
        headers = {"X-Forwarded-For": forwarded_for}
        return applicant.post_tracking(tokens, number, WRONG_CODE, headers).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        within = list(pool.map(lambda n: look_up(n, CITIZEN), range(ALLOWED_PER_ADDRESS)))
    assert within == [400] * ALLOWED_PER_ADDRESS
    assert look_up(ALLOWED_PER_ADDRESS, CITIZEN) == 429
    # nginx appends the real address; a forged one before it changes nothing.
    assert look_up(ALLOWED_PER_ADDRESS + 1, f"198.51.100.7, {CITIZEN}") == 429
    assert look_up(ALLOWED_PER_ADDRESS + 2, NEIGHBOUR) == 400
