"""A complaint whose number the applicant has seen survives the server being killed.

gunicorn (two workers, deploy/gunicorn.conf.py) serves a filing load from several clients over
real HTTP, through the real form with its CSRF token. In the middle of the load the master and
the workers are killed with SIGKILL — no shutdown code runs, requests are cut off mid-way — and
gunicorn is started again on the same database, and the load goes on. Then the database must
hold every complaint any client saw a receipt for, with the data that client sent, and the
registration numbers must still be distinct and gapless.

SQLite runs as shipped (WAL, synchronous=FULL); PostgreSQL with fsync and synchronous commit on.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

import pytest
import requests
from serving import HttpApplicant, app_environment, receipt_of, running_gunicorn
from sqlalchemy import create_engine, select

from complaints.models import Complaint, RegistrationCounter

pytestmark = pytest.mark.slow

CLIENTS = 4
WORKERS = 2
RECEIPTS_BEFORE_KILL = 20
RECEIPTS_AFTER_RESTART = 20
AKIMATS = ("taraz-city-akimat", "baizak-district-akimat")
# Only a guard against a hung run; nothing here measures speed.
PATIENCE_SECONDS = 300
RETRY_PAUSE_SECONDS = 0.1


@dataclass(frozen=True)
class Sent:
    """What one client put in one complaint: unique, so the row can be told apart."""

    akimat: str
    subject: str
    text: str
    full_name: str


class FilingLoad:
    """Client threads filing complaints until stopped, retrying through a dead server.

    A filing cut off by the kill is sent again, unchanged (same form, same tokens), as a person
    would press the button again: it must give the first receipt if the first attempt was
    stored, and must not store the complaint twice.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.receipts: dict[str, Sent] = {}
        self.sent: list[Sent] = []
        self.cut_off: set[int] = set()  # attempts that got no answer: the server was dead
        self.refused: list[str] = []  # answers other than a receipt
        self.failure: BaseException | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._attempts = itertools.count()
        self.sent_at: dict[int, float] = {}  # attempt → when it was sent (time.monotonic)
        self._threads = [
            threading.Thread(target=self._run, args=(n,), name=f"client-{n}", daemon=True)
            for n in range(CLIENTS)
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=PATIENCE_SECONDS)

    def wait_for_receipts(self, count: int) -> None:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while len(self.receipts) < count:
            if self.failure is not None:
                raise AssertionError("a client failed") from self.failure
            if time.monotonic() > deadline:
                raise AssertionError(f"only {len(self.receipts)} of {count} receipts arrived")
            time.sleep(0.05)

    def cut_off_by_kill_at(self, moment: float) -> set[int]:
        """The attempts sent before `moment` that never got an answer: in flight at the kill.

        Judged afterwards, from when each attempt was sent: a snapshot of the attempts in
        flight taken just before the kill races with the answers still arriving.
        """
        with self._lock:
            return {attempt for attempt in self.cut_off if self.sent_at[attempt] < moment}

    def _until_answered(self, request):
        """Send until the server answers; a dead server is waited for, not given up on."""
        while not self._stop.is_set():
            attempt = next(self._attempts)
            with self._lock:
                self.sent_at[attempt] = time.monotonic()
            try:
                return request()
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # Refused, reset, or cut off in the middle of the answer's body: the server
                # died under this request, and what it did with it is known only afterwards.
                with self._lock:
                    self.cut_off.add(attempt)
                time.sleep(RETRY_PAUSE_SECONDS)
        return None

    def _run(self, client: int) -> None:
        try:
            applicant = HttpApplicant(self.base_url, "kk" if client % 2 else "ru")
            for n in range(1, 1_000_000):
                form = self._until_answered(applicant.filing_form)
                if form is None:
                    return
                sent = Sent(
                    akimat=AKIMATS[(client + n) % len(AKIMATS)],
                    subject=f"Durability {client}-{n}",
                    text=f"Complaint number {n} of client {client}, filed during the load.",
                    full_name=f"Applicant {client} {n}",
                )
                with self._lock:
                    self.sent.append(sent)
                form.update(
                    akimat=sent.akimat,
                    subject=sent.subject,
                    text=sent.text,
                    full_name=sent.full_name,
                )
                response = self._until_answered(lambda form=form: applicant.post_filing(form))
                if response is None:
                    return
                with self._lock:
                    if response.status_code == 200:
                        number, _code = receipt_of(response.text)
                        self.receipts[number] = sent
                    else:
                        self.refused.append(f"{response.status_code} for {sent}")
        except BaseException as error:
            self.failure = error


def stored_complaints(database_url: str):
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            complaints = connection.execute(
                select(
                    Complaint.registration_number,
                    Complaint.akimat_id,
                    Complaint.akimat_code,
                    Complaint.year,
                    Complaint.sequence,
                    Complaint.subject,
                    Complaint.text,
                    Complaint.applicant_name,
                )
            ).all()
            counters = {
                (row.akimat_code, row.year): row.last_sequence
                for row in connection.execute(select(RegistrationCounter)).all()
            }
    finally:
        engine.dispose()
    return complaints, counters


def test_every_receipt_survives_sigkill_of_gunicorn_and_numbers_stay_gapless(
    database_url, tmp_path
):
    env = app_environment(database_url, tmp_path, QYZMET_DISABLE_RATE_LIMITS="1")
    with running_gunicorn(env, tmp_path, workers=WORKERS, name="before-kill") as first:
        port = first.port
        load = FilingLoad(first.url)
        load.start()
        try:
            load.wait_for_receipts(RECEIPTS_BEFORE_KILL)
            workers = first.worker_pids()
            killed_at = time.monotonic()
            first.kill(workers)
            # The same port: the clients carry on against the address they know.
            with running_gunicorn(
                env, tmp_path, workers=WORKERS, port=port, name="after-restart"
            ) as second:
                load.wait_for_receipts(RECEIPTS_BEFORE_KILL + RECEIPTS_AFTER_RESTART)
                load.stop()
                assert second.process.poll() is None, second.log_tail()
        finally:
            load.stop()

    assert load.cut_off_by_kill_at(killed_at), "the kill cut off no request in flight"
    assert load.failure is None
    assert load.refused == []

    complaints, counters = stored_complaints(database_url)
    by_number = {row.registration_number: row for row in complaints}
    assert len(by_number) == len(complaints), "a registration number is used twice"

    for number, sent in load.receipts.items():
        row = by_number.get(number)
        assert row is not None, f"{number} was on a receipt but is not in the database"
        assert (row.akimat_id, row.subject, row.text, row.applicant_name) == (
            sent.akimat,
            sent.subject,
            sent.text,
            sent.full_name,
        )

    # A filing sent again after the kill was stored once, and nothing was stored unsent.
    subjects = [row.subject for row in complaints]
    assert len(subjects) == len(set(subjects)), "a resent filing was stored twice"
    assert set(subjects) <= {sent.subject for sent in load.sent}

    sequences = defaultdict(list)
    for row in complaints:
        sequences[(row.akimat_code, row.year)].append(row.sequence)
    assert set(counters) == set(sequences)
    for key, taken in sequences.items():
        assert sorted(taken) == list(range(1, len(taken) + 1)), f"a gap in {key}"
        assert counters[key] == len(taken), f"the counter of {key} is not the last number"
