"""Complaints in known states for the back-office tests (imported by the test modules)."""

import uuid
from datetime import timedelta
from pathlib import Path

from complaints import directory, services
from complaints.models import Complaint
from complaints.web import messages, working_calendar
from qyzmet.extensions import db

TARAZ = "taraz-city-akimat"
BAIZAK = "baizak-district-akimat"


def new_complaint(app, akimat_id: str = TARAZ, **fields) -> int:
    """A complaint filed through the service, then put in whatever state the test needs."""
    with app.test_request_context("/kk/"):
        akimat = directory.akimat(akimat_id)
        filed = services.file_complaint(
            db.session,
            services.NewComplaint(
                akimat_id=akimat.id,
                akimat_code=akimat.code,
                channel="web",
                language=fields.pop("language", "ru"),
                applicant=services.Applicant(
                    name="Асанов Асан", reply_channel="email", email="asan@example.kz"
                ),
                subject="Документы не приняли",
                text="Отдел не принял заявление.",
                # A fresh token each time: a repeated one returns the first complaint.
                submission_token=f"token-{uuid.uuid4()}",
            ),
            [],
            now=services.utcnow(),
            calendar=working_calendar(),
            secret=app.config["SECRET_KEY"].encode(),
            upload_root=Path(app.config["UPLOAD_ROOT"]),
            messages=messages,
        )
        complaint = db.session.get(Complaint, filed.complaint.id)
        for name, value in fields.items():
            setattr(complaint, name, value)
        db.session.commit()
        return complaint.id


def load(app, complaint_id: int) -> Complaint:
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        db.session.expunge(complaint)
        return complaint


def working_day_from(app, day):
    """`day` or, when it is a day off, the next working day: a due date is always one."""
    with app.app_context():
        return working_calendar().next_working_day(day)


def day_off_from(app, day):
    """The first day off on or after `day`."""
    with app.app_context():
        calendar = working_calendar()
        while calendar.is_working_day(day):
            day += timedelta(days=1)
        return day
