"""Registration numbers stay distinct and gapless when many processes file at once.

Separate OS processes, not threads: each has its own application, engine and connections, as
gunicorn workers do, so the only thing keeping two filings from taking the same number is the
database — the counter row's lock on PostgreSQL, `BEGIN IMMEDIATE` on SQLite in WAL mode.
"""

from __future__ import annotations

import multiprocessing
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from complaints import services
from complaints.domain.deadlines import registration_date
from complaints.domain.numbering import format_registration_number
from complaints.models import Complaint, ComplaintEvent, RegistrationCounter
from complaints.web import messages, working_calendar
from qyzmet import create_app
from qyzmet.extensions import db

PROCESSES = 8
FILINGS_PER_PROCESS = 200
AKIMAT_ID = "taraz-city-akimat"
AKIMAT_CODE = "TRZ"
# A Monday that is a working day, so every complaint is registered the same day and year.
NOW = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
YEAR = 2026
# Only a guard against a hung child; nothing here measures speed.
PATIENCE_SECONDS = 600


def file_one(app, token: str) -> services.Filed:
    """File one complaint to the Taraz akimat as a web request would, in its own context."""
    with app.test_request_context():
        new = services.NewComplaint(
            akimat_id=AKIMAT_ID,
            akimat_code=AKIMAT_CODE,
            channel="web",
            language="kk",
            applicant=services.Applicant(
                name="Асанов Асан Асанұлы",
                reply_channel="email",
                phone="+77011234567",
                email="asan@example.kz",
            ),
            subject="Құжаттар қабылданбады",
            text=f"Өтініш {token}",
            submission_token=token,
        )
        filed = services.file_complaint(
            db.session,
            new,
            [],
            now=NOW,
            calendar=working_calendar(),
            secret=app.config["SECRET_KEY"].encode(),
            upload_root=Path(app.config["UPLOAD_ROOT"]),
            messages=messages,
        )
        # Read inside the context: the session closes with it.
        filed.complaint.registration_number  # noqa: B018
        return filed


def file_many(worker: int, config: dict, start, results) -> None:
    """One process: build its own app, wait for the others, then file without pause."""
    try:
        app = create_app(config)
        with app.app_context():
            # Connect and fill the calendar's cache first, so that the barrier lets go of
            # processes ready to contend for numbers rather than ones still starting up.
            db.session.execute(select(1))
            registration_date(NOW, working_calendar())
        start.wait(timeout=PATIENCE_SECONDS)
        numbers = [
            file_one(app, f"w{worker}-{i}").complaint.registration_number
            for i in range(FILINGS_PER_PROCESS)
        ]
        with app.app_context():
            db.engine.dispose()
        results.put((worker, numbers, None))
    except BaseException:
        results.put((worker, [], traceback.format_exc()))


def file_from_processes(app) -> list[str]:
    """Every registration number the processes were given, in no particular order."""
    config = {
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "UPLOAD_ROOT": app.config["UPLOAD_ROOT"],
        "OUTBOX_DIR": app.config["OUTBOX_DIR"],
        "SITE_URL": app.config["SITE_URL"],
        "RATELIMIT_ENABLED": False,
    }
    # spawn: fresh interpreters like gunicorn's workers, nothing inherited from this one.
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(target=file_many, args=(n, config, start, results), daemon=True)
        for n in range(PROCESSES)
    ]
    for process in workers:
        process.start()
    try:
        reports = [results.get(timeout=PATIENCE_SECONDS) for _ in workers]
    except BaseException:
        # Interrupted or timed out: stop the others now rather than wait for their filings.
        for process in workers:
            process.kill()
        raise
    finally:
        for process in workers:
            process.join(timeout=PATIENCE_SECONDS)
    failures = [error for _, _, error in reports if error]
    assert not failures, failures[0]
    return [number for _, numbers, _ in reports for number in numbers]


@pytest.mark.slow
def test_eight_processes_filing_at_once_get_1600_distinct_gapless_numbers(app, database):
    if database == "sqlite":
        with app.app_context():
            mode = db.session.execute(text("PRAGMA journal_mode")).scalar_one()
        assert mode == "wal"

    given = file_from_processes(app)

    expected = {
        format_registration_number(AKIMAT_CODE, YEAR, n)
        for n in range(1, PROCESSES * FILINGS_PER_PROCESS + 1)
    }
    assert len(given) == len(expected)
    assert set(given) == expected
    with app.app_context():
        complaints = db.session.execute(select(Complaint)).scalars().all()
        assert len(complaints) == len(expected)
        assert {c.registration_number for c in complaints} == expected
        assert sorted(
            c.sequence for c in complaints if (c.akimat_code, c.year) == (AKIMAT_CODE, YEAR)
        ) == list(range(1, len(expected) + 1))
        counter = db.session.get(RegistrationCounter, (AKIMAT_CODE, YEAR))
        assert counter.last_sequence == len(expected)
        filed_events = dict(
            db.session.execute(
                select(ComplaintEvent.complaint_id, func.count())
                .where(ComplaintEvent.action == "filed")
                .group_by(ComplaintEvent.complaint_id)
            ).all()
        )
        assert filed_events == {c.id: 1 for c in complaints}


class Interrupted(Exception):
    """Stands for anything that breaks a filing after its number was taken."""


def test_a_filing_that_fails_after_taking_a_number_gives_the_number_back(app, monkeypatch):
    first = file_one(app, "first")

    take_number = services.filing.next_sequence

    def take_number_then_fail(*args, **kwargs):
        take_number(*args, **kwargs)
        raise Interrupted

    monkeypatch.setattr(services.filing, "next_sequence", take_number_then_fail)
    with pytest.raises(Interrupted):
        file_one(app, "broken")
    monkeypatch.undo()

    following = file_one(app, "following")

    assert first.complaint.registration_number == "TRZ-2026-000001"
    assert following.complaint.registration_number == "TRZ-2026-000002"
    with app.app_context():
        assert db.session.get(RegistrationCounter, (AKIMAT_CODE, YEAR)).last_sequence == 2
        assert db.session.execute(select(func.count()).select_from(Complaint)).scalar_one() == 2


def test_the_same_form_sent_from_eight_threads_at_once_files_one_complaint(app):
    """A double click races two requests; on PostgreSQL nothing serialises them before the
    INSERT, so the second must meet the first's key there, not fail on it."""
    threads = 8
    start = threading.Barrier(threads)

    def send(_: int) -> tuple[str, bool]:
        start.wait(timeout=PATIENCE_SECONDS)
        filed = file_one(app, "one-form")
        return filed.complaint.registration_number, filed.created

    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(send, range(threads)))

    assert {number for number, _ in answers} == {"TRZ-2026-000001"}
    assert sorted(created for _, created in answers) == [False] * (threads - 1) + [True]
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Complaint)).scalar_one() == 1
        assert db.session.get(RegistrationCounter, (AKIMAT_CODE, YEAR)).last_sequence == 1
        assert (
            db.session.execute(select(func.count()).select_from(ComplaintEvent)).scalar_one() == 1
        )
