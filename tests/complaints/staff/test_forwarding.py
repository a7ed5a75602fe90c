"""A complaint forwarded on: where it went, under which number, and what each side is told."""

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from backoffice import BAIZAK, load, new_complaint
from helpers import Applicant, page, text_of

from complaints import directory, services
from complaints.domain.deadlines import deadline_rule
from complaints.models import Complaint, Notification
from qyzmet.extensions import db
from qyzmet.templating import long_date

TARAZ_HOUSING = "taraz-housing-department"
BAIZAK_HOUSING = "baizak-housing-department"


def office_of_the_forwarded(app, complaint_id: int) -> str | None:
    return load(app, load(app, complaint_id).forwarded_to_id).office_id


def test_an_office_the_new_akimat_does_not_serve_is_dropped_and_the_history_says_so(app, team):
    complaint_id = new_complaint(app, office_id=TARAZ_HOUSING)

    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)

    assert office_of_the_forwarded(app, complaint_id) is None
    forwarded_id = load(app, complaint_id).forwarded_to_id
    team["outsider"].lang = "ru"
    shown = text_of(team["outsider"].get(f"/complaints/{forwarded_id}/"))
    assert "не рассматривает жалобы на «" in shown
    assert "поэтому это учреждение в жалобе больше не указано" in shown


def test_an_office_the_new_akimat_serves_stays_with_the_complaint(app, team):
    # Filed with Taraz about Baizak's own department: Baizak is where it belongs.
    complaint_id = new_complaint(app, office_id=BAIZAK_HOUSING)

    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)

    assert office_of_the_forwarded(app, complaint_id) == BAIZAK_HOUSING
    forwarded_id = load(app, complaint_id).forwarded_to_id
    assert "больше не указано" not in text_of(team["outsider"].get(f"/complaints/{forwarded_id}/"))


def test_the_receiving_akimat_sees_which_akimat_and_number_the_complaint_came_from(app, team):
    complaint_id = new_complaint(app)
    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)
    original = load(app, complaint_id)

    shown = text_of(team["outsider"].get(f"/complaints/{original.forwarded_to_id}/"))

    assert f"Тараз қаласының әкімияты, {original.registration_number}" in shown
    assert (
        f"Тиесілілігі бойынша келіп түсті: Тараз қаласының әкімияты, "
        f"{original.registration_number} шағымы" in shown
    )


def filed_and_forwarded(app, client, team, lang: str, **forward) -> tuple[Applicant, str, str]:
    applicant = Applicant(client, lang=lang)
    number, code, _ = applicant.file_ok(language=lang)
    with app.app_context():
        complaint_id = db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()
    assert team["head"].act(complaint_id, "forward", **forward).status_code == 302
    return applicant, number, code


@pytest.mark.parametrize(
    ("lang", "akimat", "stays"),
    [
        ("kk", "Байзақ ауданының әкімияты", "Кіру кодыңыз өзгермейді."),
        ("ru", "Акимат Байзакского района", "Код доступа остаётся прежним."),
    ],
)
def test_the_old_numbers_page_names_the_akimat_and_opens_the_new_number_with_the_same_code(
    app, client, team, lang, akimat, stays
):
    applicant, number, code = filed_and_forwarded(app, client, team, lang, forward_akimat=BAIZAK)

    old_page = client.get(applicant.track(number, code).headers["Location"])

    row = page(old_page).select_one("#forwarded-to")
    assert akimat in row.get_text(" ")
    link = page(old_page).select_one("a[href*='/complaints/track/BZK-']")
    new_number = link.get_text(strip=True)
    assert new_number.startswith("BZK-")
    assert stays in text_of(old_page)
    # The same complaint, the same code: its page opens without asking for it again.
    new_page = client.get(link["href"])
    assert new_page.status_code == 200
    assert new_number in text_of(new_page)
    assert number in page(new_page).select_one("#forwarded-from").get_text(" ")


@pytest.mark.parametrize(
    ("lang", "in_the_email", "on_the_page"),
    [
        (
            "kk",
            "Шағымды сол орган өзі қарап, сізге өзі жауап береді",
            "Шағымды осы орган өзі қарап, сізге өзі жауап береді",
        ),
        (
            "ru",
            "Этот орган сам рассматривает жалобу и сам вам отвечает; ход рассмотрения в Qyzmet",
            "Этот орган сам рассматривает жалобу и сам вам отвечает; ход рассмотрения на этом",
        ),
    ],
)
def test_an_applicant_whose_complaint_went_outside_is_told_that_body_answers_them(
    app, client, team, lang, in_the_email, on_the_page
):
    applicant, number, code = filed_and_forwarded(
        app, client, team, lang, forward_body="Департамент юстиции"
    )

    with app.app_context():
        body = db.session.execute(
            db.select(Notification.body).where(Notification.kind == "forwarding")
        ).scalar_one()
    assert in_the_email in " ".join(body.split())
    assert "You can follow" not in body
    assert "Қаралу барысын мына бетте бақылай аласыз" not in body
    assert "Следить за рассмотрением" not in body
    tracked = client.get(applicant.track(number, code).headers["Location"])
    assert "Департамент юстиции" in page(tracked).select_one("#forwarded-to").get_text(" ")
    assert on_the_page in text_of(tracked)


@pytest.mark.parametrize(("lang", "due_by"), [("kk", "Жауап мерзімі:"), ("ru", "Срок ответа:")])
def test_the_forwarding_email_gives_the_new_complaints_due_date_its_basis_and_phone(
    app, client, team, lang, due_by
):
    filed_and_forwarded(app, client, team, lang, forward_akimat=BAIZAK)
    with app.test_request_context(f"/{lang}/"):
        body = db.session.execute(
            db.select(Notification.body).where(Notification.kind == "forwarding")
        ).scalar_one()
        forwarded = db.session.execute(
            db.select(Complaint).where(Complaint.akimat_id == BAIZAK)
        ).scalar_one()
        due_on = long_date(forwarded.due_on)
        basis = deadline_rule(forwarded.deadline_rule).basis.citation(lang)
        phone = directory.akimat(BAIZAK, lang).phones[0]
    shown = " ".join(body.split())  # a narrow no-break space in a date counts as a space too
    assert " ".join(f"{due_by} {due_on}".split()) in shown
    assert basis in shown
    assert phone in shown


# Tuesday 31 March 2026, 10:00 in Almaty.
NOW = datetime(2026, 3, 31, 5, tzinfo=UTC)


def test_a_late_forwarding_is_marked_late_in_the_staff_history(app, client, team, monkeypatch):
    monkeypatch.setattr(services, "utcnow", lambda: NOW)
    # Registered Friday 20 March: to be forwarded by Monday 30 March.
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 20))

    team["head"].act(complaint_id, "forward", forward_body="Әділет департаменті")

    staff_page = text_of(team["head"].get(f"/complaints/{complaint_id}/"))
    assert "Мерзімі өткен соң жіберілді: соңғы күн 2026 ж. 30 наурыз болатын" in staff_page
    assert "кешіктірілген жұмыс күндері: 1" in staff_page


def test_a_forwarding_in_time_is_not_marked_late(app, team, monkeypatch):
    monkeypatch.setattr(services, "utcnow", lambda: NOW)
    complaint_id = new_complaint(app, registered_on=date(2026, 3, 26))

    team["head"].act(complaint_id, "forward", forward_body="Әділет департаменті")

    assert "Мерзімі өткен соң" not in text_of(team["head"].get(f"/complaints/{complaint_id}/"))


@pytest.mark.parametrize(
    ("address", "reminder"),
    [
        (
            "Тараз, ул. Абая, 1, кв. 5",
            "оған Тараз, ул. Абая, 1, кв. 5 мекенжайы бойынша хат жазып, шағымның жіберілгенін "
            "хабарлаңыз. Шағым жіберілген орган: Байзақ ауданының әкімияты, жаңа нөмірі "
            "{number}; кіру коды өзгермейді.",
        ),
        (
            None,
            "шағымның жіберілгенін оған поштамен немесе телефонмен хабарлаңыз. Шағым жіберілген "
            "орган: Байзақ ауданының әкімияты, жаңа нөмірі {number}; кіру коды өзгермейді.",
        ),
    ],
)
def test_after_a_forwarding_the_letter_reminder_says_where_and_under_which_number(
    app, team, address, reminder
):
    complaint_id = new_complaint(
        app, reply_channel="post", applicant_email=None, applicant_address=address
    )

    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)

    new_number = load(app, load(app, complaint_id).forwarded_to_id).registration_number
    shown = text_of(team["head"].get(f"/complaints/{complaint_id}/"))
    assert reminder.format(number=new_number) in shown
    assert "бұл шешімді оған" not in shown


def test_after_forwarding_outside_the_letter_reminder_names_the_body(app, team):
    complaint_id = new_complaint(
        app, reply_channel="post", applicant_email=None, applicant_address="Тараз, Абая, 1"
    )
    team["head"].lang = "ru"

    team["head"].act(complaint_id, "forward", forward_body="Департамент юстиции")

    shown = text_of(team["head"].get(f"/complaints/{complaint_id}/"))
    assert (
        "напишите ему по адресу Тараз, Абая, 1, что жалоба перенаправлена: Департамент юстиции."
        in shown
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def attachment_links(member, complaint_id: int) -> list[str]:
    shown = page(member.get(f"/complaints/{complaint_id}/"))
    return [link["href"] for link in shown.select("a[href*='/attachments/']")]


def test_the_files_go_with_the_complaint_and_the_first_akimat_keeps_its_own_copy(app, client, team):
    applicant = Applicant(client, lang="ru")
    response = applicant.file(files=[(io.BytesIO(PDF), "справка.pdf")])
    assert response.status_code == 200
    with app.app_context():
        complaint_id = db.session.execute(db.select(Complaint.id)).scalar_one()

    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)

    forwarded_id = load(app, complaint_id).forwarded_to_id
    # The akimat the complaint now belongs to reads the file under its own complaint…
    [theirs] = attachment_links(team["outsider"], forwarded_id)
    assert team["outsider"].client.get(theirs).data == PDF
    # …and the one that forwarded it still has the file it registered, in its own record.
    [ours] = attachment_links(team["head"], complaint_id)
    assert team["head"].client.get(ours).data == PDF
    # Neither reaches the other's.
    assert team["head"].client.get(theirs).status_code == 404
    assert team["outsider"].client.get(ours).status_code == 404


def _filed_with_a_file(app, client) -> int:
    response = Applicant(client, lang="ru").file(files=[(io.BytesIO(PDF), "справка.pdf")])
    assert response.status_code == 200
    with app.app_context():
        return db.session.execute(db.select(Complaint.id)).scalar_one()


def _files_in(app) -> list[str]:
    return sorted(p.name for p in Path(app.config["UPLOAD_ROOT"]).iterdir() if p.is_file())


def test_a_forwarding_whose_file_is_missing_is_a_try_again_page_and_changes_nothing(
    app, client, team, caplog
):
    complaint_id = _filed_with_a_file(app, client)
    for name in _files_in(app):
        (Path(app.config["UPLOAD_ROOT"]) / name).unlink()

    response = team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)
    assert response.status_code == 503
    assert load(app, complaint_id).status == "registered"
    assert load(app, complaint_id).forwarded_to_id is None
    assert f"attachments of complaint {complaint_id} could not be read" in caplog.text


def test_a_forwarding_that_does_not_commit_leaves_no_copies_of_the_files(
    app, client, team, monkeypatch
):
    complaint_id = _filed_with_a_file(app, client)
    before = _files_in(app)

    def refuse(*args, **kwargs):
        raise services.StaleComplaint()

    # The forwarding is refused after its copies are written (a colleague acted first).
    monkeypatch.setattr(services.actions, "attach", refuse)
    team["head"].act(complaint_id, "forward", forward_akimat=BAIZAK)
    assert load(app, complaint_id).forwarded_to_id is None
    assert _files_in(app) == before
