"""A complaint from the registrar's desk to the applicant reading the answer."""

import email
import re
from datetime import timedelta
from email.header import decode_header, make_header

from babel.dates import format_date
from backoffice import BAIZAK, load, new_complaint, working_day_from
from helpers import APPEAL, Applicant, hidden_fields, normalise, page, text_of

from complaints.models import Complaint, Notification
from complaints.web import today_in_almaty
from qyzmet.extensions import db


def test_a_paper_complaint_goes_from_registration_to_the_applicants_answer(app, team, tmp_path):
    registrar, head, executor = team["registrar"], team["head"], team["executor"]

    # The registrar registers a letter that arrived on paper two days ago and prints the
    # coupon. (Relative, as a received date may be at most a year back.)
    with app.app_context():
        received = today_in_almaty() - timedelta(days=2)
    form = page(registrar.get("/register/"))
    tokens = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    response = registrar.client.post(
        "/kk/staff/register/",
        data={
            **tokens,
            "akimat": "taraz-city-akimat",
            "channel": "paper",
            "received_on-day": str(received.day),
            "received_on-month": str(received.month),
            "received_on-year": str(received.year),
            "received_time": "10:15",
            "subject": "Кезекке қоюдан бас тартылды",
            "text": "Бөлім құжаттарды себепсіз қайтарды.",
            "full_name": "Серікова Айжан",
            "phone": "87071234567",
            "email": "aizhan@example.kz",
            "reply_channel": "email",
            "language": "kk",
            "consent": "y",
            "website": "",
        },
    )
    assert response.status_code == 200, text_of(response)[:800]
    coupon = text_of(response)
    number = re.search(r"TRZ-\d{4}-\d{6}", coupon).group(0)
    code = re.search(r'id="access-code">([^<]+)<', response.get_data(as_text=True)).group(1)
    # As Kazakh writes a date, for example "2026 ж. 20 қараша, 10:15".
    assert f"{normalise(format_date(received, 'long', locale='kk'))}, 10:15" in coupon
    assert f"{received.year} ж." in coupon
    assert registrar_name(app, registrar) in coupon
    with app.app_context():
        complaint_id = db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()

    # The head assigns the executor; the executor reviews, notes and drafts.
    head.act(complaint_id, "assign", executor_id=str(executor.id), note="Тексеріңіз.")
    executor.act(complaint_id, "start_review")
    executor.act(complaint_id, "add_note", note="Бөлімнен түсініктеме сұралды.")
    executor.act(complaint_id, "draft_answer", outcome="partly_satisfied", answer="Бірінші жоба.")
    # The head sends the draft back once, then approves the second draft.
    head.act(complaint_id, "return_draft", reason="Мерзімді көрсетіңіз.")
    assert load(app, complaint_id).status == "in_review"
    executor.act(
        complaint_id,
        "draft_answer",
        outcome="partly_satisfied",
        answer="Құжаттарыңыз 25 қарашаға дейін қайта қабылданады.",
    )
    head.act(complaint_id, "approve_answer")
    complaint = load(app, complaint_id)
    assert complaint.status == "answered"
    assert complaint.outcome == "partly_satisfied"
    with app.app_context():
        events = [e.action for e in db.session.get(Complaint, complaint_id).events]
    assert events == [
        "filed",
        "assign",
        "start_review",
        "add_note",
        "draft_answer",
        "return_draft",
        "draft_answer",
        "approve_answer",
    ]

    # The applicant, who wrote in Kazakh, reads the answer on the tracking page…
    applicant = Applicant(app.test_client(), "kk")
    location = applicant.track(number, code).headers["Location"]
    tracked = text_of(applicant.client.get(location))
    assert "Жауап берілді" in tracked
    assert "Ішінара қанағаттандырылды" in tracked
    assert "Құжаттарыңыз 25 қарашаға дейін қайта қабылданады." in tracked
    assert "Бөлімнен түсініктеме сұралды." not in tracked  # internal notes stay internal
    assert "Мерзімді көрсетіңіз." not in tracked

    # …and in the email, in Kazakh.
    outbox = sorted((tmp_path / "outbox").glob("*-answer.eml"))
    assert len(outbox) == 1
    message = email.message_from_bytes(outbox[0].read_bytes())
    assert str(make_header(decode_header(message["Subject"]))) == f"{number} шағымыңызға жауап"
    body = normalise(message.get_payload(decode=True).decode())
    assert "Шешім: Ішінара қанағаттандырылды" in body  # the decision in words, not its code
    assert "Әкімдік: Тараз қаласының әкімияты" in body  # whom to call about it
    assert "Құжаттарыңыз 25 қарашаға дейін қайта қабылданады." in body

    # After the answer the applicant may answer the two-question survey, once.
    tracked_page = applicant.client.get(location)
    tokens = hidden_fields(tracked_page.get_data(as_text=True))
    survey = applicant.client.post(
        f"/kk/complaints/track/{number}/survey/",
        data={**tokens, "procedure": "satisfied", "timeliness": "partly_satisfied"},
    )
    assert survey.status_code == 302
    assert "Рақмет" in text_of(applicant.client.get(location))
    assert page(applicant.client.get(location)).select_one("form[action$='/survey/']") is None


def registrar_name(app, member) -> str:
    from complaints.models import StaffUser

    with app.app_context():
        return db.session.get(StaffUser, member.id).full_name


def test_forwarding_to_another_akimat_gives_a_linked_new_number_and_tells_the_applicant(
    app, team, tmp_path
):
    complaint_id = new_complaint(app, language="ru")
    team["head"].act(
        complaint_id, "forward", forward_akimat=BAIZAK, reason="По подведомственности."
    )
    original = load(app, complaint_id)
    assert original.status == "forwarded"
    forwarded = load(app, original.forwarded_to_id)
    assert forwarded.akimat_id == BAIZAK
    assert forwarded.registration_number.startswith("BZK-")
    assert forwarded.forwarded_from_id == original.id
    assert forwarded.access_code_hash == original.access_code_hash
    assert forwarded.status == "registered"
    # The head of the other akimat sees it in their queue; Taraz's head does not.
    assert forwarded.registration_number in text_of(team["outsider"].get("/"))
    assert forwarded.registration_number not in text_of(team["head"].get("/?status=registered"))
    mail = queued_email(app, "forwarding")
    assert forwarded.registration_number in mail.body
    # Its link opens the tracking form with the new number, which the code now opens.
    assert f"/ru/complaints/track/?number={forwarded.registration_number}\n" in mail.body
    assert "код доступа остаётся прежним" in mail.body.lower()


def test_forwarding_to_an_outside_body_records_it(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    team["head"].act(complaint_id, "forward", forward_body="Департамент юстиции")
    complaint = load(app, complaint_id)
    assert complaint.status == "forwarded"
    assert complaint.forwarded_to_body == "Департамент юстиции"


def extend_by_a_month(app, head, complaint_id: int, reason: str):
    """The head extends the complaint's deadline to about a month later; the new date."""
    due = load(app, complaint_id).due_on
    # About a month later, on a working day: a due date is never a day off.
    month_later = due.replace(
        day=min(due.day, 28), month=due.month % 12 + 1, year=due.year + (due.month == 12)
    )
    later = working_day_from(app, month_later)
    head.act(
        complaint_id,
        "extend",
        **{
            "new_due_on-day": str(later.day),
            "new_due_on-month": str(later.month),
            "new_due_on-year": str(later.year),
            "reason": reason,
        },
    )
    return later


def test_an_extension_moves_the_due_date_and_emails_the_applicant(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    later = extend_by_a_month(app, team["head"], complaint_id, "Нужен ответ департамента.")
    assert load(app, complaint_id).due_on == later
    mail = queued_email(app, "extension")
    assert "Нужен ответ департамента." in mail.body
    assert "Акимат: Акимат города Тараз" in mail.body
    # Its basis, as the pages give it after the law's article.
    assert (
        "Продление срока — мотивированное решение акимата (статья 76 Административного "
        "процедурно-процессуального кодекса Республики Казахстан)."
    ) in normalise(mail.body)
    assert mail.language == "ru"
    # Russian long dates end in "г.": the sentence adds no second full stop.
    assert f"продлён до {normalise(format_date(later, 'long', locale='ru'))}\n" in normalise_lines(
        mail.body
    )


EXTENDED_BASIS = {
    "kk": "мерзім әкімдіктің дәлелді шешімімен ұзартылды (Қазақстан Республикасының Әкімшілік "
    "рәсімдік-процестік кодексінің 76-бабы)",
    "ru": "срок продлён мотивированным решением акимата (статья 76 Административного "
    "процедурно-процессуального кодекса Республики Казахстан)",
}


def test_an_extended_due_date_names_the_extensions_basis_beside_the_laws(app, team):
    applicant = Applicant(app.test_client(), "kk")
    number, code, _ = applicant.file_ok()
    status_page = applicant.track(number, code).headers["Location"]
    with app.app_context():
        complaint_id = db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()
    assert EXTENDED_BASIS["kk"] not in text_of(applicant.client.get(status_page))

    extend_by_a_month(app, team["head"], complaint_id, "Бөлімнің жауабы керек.")
    for text in (
        text_of(applicant.client.get(status_page)),
        text_of(team["head"].get(f"/complaints/{complaint_id}/")),
    ):
        # The review's own basis stays named: the extension adds to it.
        assert "25-бабының 2-тармағы; " + EXTENDED_BASIS["kk"] in text
    ru_page = text_of(team["head"].client.get(f"/ru/staff/complaints/{complaint_id}/"))
    assert "пункт 2 статьи 25 " in ru_page and EXTENDED_BASIS["ru"] in ru_page


def test_the_left_without_review_email_says_where_the_decision_is_shown(app, team):
    complaint_id = new_complaint(app, language="kk")
    team["head"].act(complaint_id, "leave_without_review", reason="Қайталанған шағым.")
    mail = queued_email(app, "left_without_review")
    assert "Себебі: Қайталанған шағым." in mail.body
    assert "Әкімдік: Тараз қаласының әкімияты" in mail.body
    assert "Шешім мына бетте де көрсетілген:\nhttp" in mail.body
    # A decision like an answer: the same route onwards, as the sources make no difference.
    assert APPEAL["kk"]["heading"] in mail.body
    assert APPEAL["kk"]["quality_alone"] in normalise(mail.body)  # no service chosen


def normalise_lines(text: str) -> str:
    return "\n".join(normalise(line) for line in text.splitlines()) + "\n"


def test_a_draft_sent_back_stays_in_the_staff_history_and_never_reaches_the_applicant(app, team):
    head, executor = team["head"], team["executor"]
    applicant = Applicant(app.test_client(), "ru")
    number, code, _ = applicant.file_ok()
    with app.app_context():
        complaint_id = db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()
    head.act(complaint_id, "assign", executor_id=str(executor.id))
    executor.act(complaint_id, "start_review")
    executor.act(complaint_id, "draft_answer", outcome="rejected", answer="FIRST DRAFT")
    head.act(complaint_id, "return_draft", reason="too harsh")
    executor.act(complaint_id, "draft_answer", outcome="satisfied", answer="SECOND DRAFT")

    # Staff read every draft in the history, in the order they were written.
    history = page(head.get(f"/complaints/{complaint_id}/")).select_one("ol.qz-timeline")
    text = history.get_text(" ")
    assert text.index("FIRST DRAFT") < text.index("too harsh") < text.index("SECOND DRAFT")
    with app.app_context():
        drafts = [
            (event.details["answer"], event.public)
            for event in db.session.get(Complaint, complaint_id).events
            if event.action == "draft_answer"
        ]
    assert drafts == [("FIRST DRAFT", False), ("SECOND DRAFT", False)]

    # The applicant sees no draft, and once the answer is approved, only that answer.
    location = applicant.track(number, code).headers["Location"]
    tracked = text_of(applicant.client.get(location))
    assert "FIRST DRAFT" not in tracked
    assert "SECOND DRAFT" not in tracked
    head.act(complaint_id, "approve_answer")
    tracked = text_of(applicant.client.get(location))
    assert "SECOND DRAFT" in tracked
    assert "FIRST DRAFT" not in tracked


def queued_email(app, kind: str) -> Notification:
    """The one email of this kind the complaint's actions queued."""
    with app.app_context():
        return db.session.execute(
            db.select(Notification).where(Notification.kind == kind)
        ).scalar_one()
