"""The 3 working days to forward a complaint that is not the akimat's (APPC art. 76): shown on
the staff page while forwarding is possible, said plainly once passed, recorded when late."""

from datetime import UTC, date, datetime

import pytest
from backoffice import new_complaint
from helpers import page, text_of

from complaints import services
from complaints.models import ComplaintEvent
from qyzmet.extensions import db

# Tuesday 31 March 2026, 10:00 in Almaty: after Nauryz (23 March) and its moved days off.
NOW = datetime(2026, 3, 31, 5, tzinfo=UTC)


@pytest.fixture
def on_31_march(monkeypatch):
    monkeypatch.setattr(services, "utcnow", lambda: NOW)


def forwarding_row(member, complaint_id: int) -> str:
    row = page(member.get(f"/complaints/{complaint_id}/")).select_one("#forwarding-deadline")
    return " ".join(row.get_text(" ").split()) if row else ""


def forward_event(app, complaint_id: int) -> ComplaintEvent:
    with app.app_context():
        event = db.session.execute(
            db.select(ComplaintEvent).where(
                ComplaintEvent.complaint_id == complaint_id, ComplaintEvent.action == "forward"
            )
        ).scalar_one()
        db.session.expunge(event)
        return event


def test_the_page_says_by_when_a_complaint_not_the_akimats_is_to_be_forwarded(
    app, team, on_31_march
):
    # Registered Thursday 26 March: Friday 27th, (weekend), Monday 30th, Tuesday 31st.
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 26))
    team["registrar"].lang = "ru"

    row = forwarding_row(team["registrar"], complaint_id)

    assert "Срок перенаправления, если жалоба не относится к ведению акимата" in row
    assert "31 марта 2026" in row
    assert "В течение 3 рабочих дней со дня регистрации, с уведомлением заявителя" in row
    assert "статья 76 Административного процедурно-процессуального кодекса" in row
    assert "истёк" not in row


def test_a_passed_forwarding_deadline_is_said_plainly_in_kazakh(app, team, on_31_march):
    # Registered Friday 20 March: the weekend, Nauryz and its two moved days off, then
    # Thursday 26th, Friday 27th and Monday 30th, the last day.
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 20))

    row = forwarding_row(team["head"], complaint_id)

    assert "2026 ж. 30 наурыз" in row
    assert "Жіберу мерзімі өтіп кетті" in row
    assert "оны дереу жіберіңіз" in row
    assert "Әкімшілік рәсімдік-процестік кодексінің 76-бабы" in row


def test_a_late_forwarding_is_still_done_and_its_event_records_the_delay(app, team, on_31_march):
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 20))

    sent = team["head"].act(complaint_id, "forward", forward_body="Әділет департаменті")

    assert sent.status_code == 302
    details = forward_event(app, complaint_id).details
    assert details["forwarding_due_on"] == "2026-03-30"
    assert details["forwarded_late"] is True
    assert details["working_days_late"] == 1
    assert forwarding_row(team["head"], complaint_id) == ""  # forwarded: nothing more to show


def test_a_forwarding_in_time_is_recorded_as_in_time(app, team, on_31_march):
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 26))

    sent = team["head"].act(complaint_id, "forward", forward_akimat="baizak-district-akimat")

    assert sent.status_code == 302
    details = forward_event(app, complaint_id).details
    assert details["forwarding_due_on"] == "2026-03-31"
    assert details["forwarded_late"] is False
    assert details["working_days_late"] == 0


def test_an_answered_complaint_shows_no_forwarding_deadline(app, team, on_31_march):
    complaint_id = new_complaint(
        app, registered_on=date(2026, 3, 20), status="answered", outcome="explained", answer="Ж."
    )
    shown = team["head"].get(f"/complaints/{complaint_id}/")

    assert shown.status_code == 200
    assert forwarding_row(team["head"], complaint_id) == ""
    assert "Жіберу мерзімі" not in text_of(shown)
