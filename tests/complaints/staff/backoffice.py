"""Complaints in known states for the back-office tests (imported by the test modules)."""

import uuid
from datetime import timedelta
from pathlib import Path

from helpers import VALID, hidden_fields

from complaints import directory, services
from complaints.models import Complaint
from complaints.web import messages, today_in_almaty, working_calendar
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


def registration_form(registrar, **fields) -> dict[str, str]:
    """The registrar's form for a paper complaint received today, filled in and with its
    tokens: sent twice, it is the same form sent again."""
    tokens = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    with registrar.app.app_context():
        today = today_in_almaty()
    return {
        **VALID,
        **tokens,
        "channel": "paper",
        "received_on-day": str(today.day),
        "received_on-month": str(today.month),
        "received_on-year": str(today.year),
        "received_time": "00:00",
        **fields,
    }


def send_registration(registrar, form: dict[str, str]):
    return registrar.client.post(
        f"/{registrar.lang}/staff/register/", data=dict(form), content_type="multipart/form-data"
    )
