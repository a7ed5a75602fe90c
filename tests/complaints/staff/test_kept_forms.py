"""A form sent after the working day's session has ended is kept, not lost to the sign-in page.

The member signs in again and finds it filled in on the page it came from, once; nobody else
ever sees it, and a password is never kept.
"""

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from backoffice import load, new_complaint
from helpers import hidden_fields, page, text_of

from complaints import services
from complaints.models import Complaint, KeptForm
from qyzmet.extensions import db

TEXT = "Бөлім құжаттарды себепсіз қайтарды."
ANSWER = "Құжаттарыңыз қабылданды, кезекке қою туралы шешім 3 жұмыс күнінде жіберіледі."


def kept_rows(app) -> list[KeptForm]:
    with app.app_context():
        rows = db.session.execute(db.select(KeptForm)).scalars().all()
        db.session.expunge_all()
        return rows


def sign_in_from(member, location: str):
    """Sign in on the page the ended session was sent to (its `next` included)."""
    sign_in_page = member.client.get(location)
    assert sign_in_page.status_code == 200
    tokens = hidden_fields(sign_in_page.get_data(as_text=True))
    return member.client.post(
        location, data={**tokens, "email": member.email, "password": member.password}
    )


def answer_form(member, complaint_id: int) -> dict[str, str]:
    shown = page(member.get(f"/complaints/{complaint_id}/"))
    form = shown.select_one(f"form[action$='/{complaint_id}/draft_answer/']")
    return {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}


def send_answer_late(member, complaint_id: int, clock):
    """The executor writes an answer and sends it 13 hours after signing in."""
    fields = answer_form(member, complaint_id)
    clock(hours=22)
    return member.client.post(
        f"/kk/staff/complaints/{complaint_id}/draft_answer/",
        data={**fields, "draft_answer-outcome": "satisfied", "draft_answer-answer": ANSWER},
    )


@pytest.fixture
def in_review(app, team):
    return new_complaint(app, status="in_review", executor_id=team["executor"].id)


def test_an_answer_sent_after_the_session_ended_is_in_the_form_again_after_signing_in(
    app, team, clock, in_review
):
    executor = team["executor"]
    refused = send_answer_late(executor, in_review, clock)

    assert refused.status_code == 302
    location = refused.headers["Location"]
    assert location.startswith("/kk/staff/login/")
    back_to = parse_qs(urlsplit(location).query)["next"][0]
    assert back_to.startswith(f"/kk/staff/complaints/{in_review}/?kept=")
    assert load(app, in_review).status == "in_review"
    assert "Жіберген мәтініңіз сақталды" in text_of(executor.client.get(location))

    signed_in = sign_in_from(executor, location)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == back_to
    restored = executor.client.get(back_to)
    shown = page(restored)
    form = shown.select_one(f"form[action$='/{in_review}/draft_answer/']")
    assert form.select_one("textarea").get_text() == ANSWER
    assert form.select_one("input[value=satisfied]").has_attr("checked")
    assert shown.select_one("#action-draft_answer").has_attr("open")
    assert "тексеріп, қайта жіберіңіз" in text_of(restored)
    assert not shown.select(".govuk-error-summary")
    assert not shown.title.get_text().startswith("Қате")

    # Sent as it now stands, it is saved.
    fields = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    sent = executor.client.post(
        f"/kk/staff/complaints/{in_review}/draft_answer/",
        data={**fields, "draft_answer-outcome": "satisfied", "draft_answer-answer": ANSWER},
    )
    assert sent.status_code == 302
    complaint = load(app, in_review)
    assert (complaint.status, complaint.answer) == ("answer_drafted", ANSWER)
    assert kept_rows(app) == []


def test_a_kept_form_is_given_back_once_and_only_to_its_sender(app, team, clock, in_review):
    executor = team["executor"]
    location = send_answer_late(executor, in_review, clock).headers["Location"]
    back_to = parse_qs(urlsplit(location).query)["next"][0]

    # A colleague who gets hold of the link sees the page, not the text, and takes nothing.
    head = team["head"]
    assert head.login().status_code == 302
    assert ANSWER not in head.client.get(back_to).get_data(as_text=True)
    assert len(kept_rows(app)) == 1

    assert sign_in_from(executor, location).status_code == 302
    assert ANSWER in executor.client.get(back_to).get_data(as_text=True)
    assert ANSWER not in executor.client.get(back_to).get_data(as_text=True)
    assert kept_rows(app) == []


def test_a_kept_form_is_not_given_back_on_another_complaints_page(app, team, clock, in_review):
    executor = team["executor"]
    location = send_answer_late(executor, in_review, clock).headers["Location"]
    token = parse_qs(urlsplit(parse_qs(urlsplit(location).query)["next"][0]).query)["kept"][0]
    other = new_complaint(app, status="in_review", executor_id=executor.id)
    assert sign_in_from(executor, location).status_code == 302
    response = executor.get(f"/complaints/{other}/?kept={token}")
    assert response.status_code == 200
    assert ANSWER not in response.get_data(as_text=True)
    # Still kept for its own page.
    assert ANSWER in executor.get(f"/complaints/{in_review}/?kept={token}").get_data(as_text=True)


def test_an_answer_the_complaint_has_moved_past_is_shown_to_be_copied(app, team, clock, in_review):
    executor = team["executor"]
    location = send_answer_late(executor, in_review, clock).headers["Location"]
    back_to = parse_qs(urlsplit(location).query)["next"][0]
    with app.app_context():
        complaint = db.session.get(Complaint, in_review)
        complaint.status = "left_without_review"
        db.session.commit()

    assert sign_in_from(executor, location).status_code == 302
    restored = executor.client.get(back_to)
    shown = page(restored)
    assert shown.select_one(".qz-unsent").get_text(" ", strip=True) == ANSWER
    assert not shown.select(f"form[action$='/{in_review}/draft_answer/']")
    assert "бұл әрекет енді мүмкін емес" in text_of(restored)


def test_an_answer_for_a_complaint_gone_to_another_akimat_is_given_back_without_it(
    app, team, clock, in_review
):
    executor = team["executor"]
    location = send_answer_late(executor, in_review, clock).headers["Location"]
    back_to = parse_qs(urlsplit(location).query)["next"][0]
    with app.app_context():
        complaint = db.session.get(Complaint, in_review)
        complaint.akimat_id = "shu-district-akimat"  # forwarded meanwhile, out of reach
        number = complaint.registration_number
        db.session.commit()
    # Nobody else gets it, even with the link.
    head = team["head"]
    head.login()
    assert head.client.get(back_to).status_code == 404

    assert sign_in_from(executor, location).status_code == 302
    restored = executor.client.get(back_to)
    assert restored.status_code == 200
    shown = page(restored)
    assert shown.select_one(".qz-unsent").get_text(" ", strip=True) == ANSWER
    assert "шағым енді әкімдігіңіздің шағымдарының арасында жоқ" in text_of(restored)
    assert number not in restored.get_data(as_text=True)
    assert kept_rows(app) == []
    assert executor.client.get(back_to).status_code == 404  # given back once


def test_the_sign_in_message_speaks_russian_on_russian_pages(app, team, clock, in_review):
    executor = team["executor"]
    fields = answer_form(executor, in_review)
    clock(hours=22)
    refused = executor.client.post(
        f"/ru/staff/complaints/{in_review}/draft_answer/",
        data={**fields, "draft_answer-outcome": "satisfied", "draft_answer-answer": ANSWER},
    )
    sign_in_page = executor.client.get(refused.headers["Location"])
    assert "Отправленный текст сохранён" in text_of(sign_in_page)


def test_a_paper_complaint_sent_after_the_session_ended_is_in_the_register_form_again(
    app, team, clock
):
    registrar = team["registrar"]
    tokens = hidden_fields(registrar.get("/register/").get_data(as_text=True))
    clock(hours=22)
    refused = registrar.client.post(
        "/kk/staff/register/",
        data={
            **tokens,
            "channel": "paper",
            "subject": "Кезекке қоюдан бас тартылды",
            "text": TEXT,
            "full_name": "Серікова Айжан",
            "attachments": [(io.BytesIO(b"%PDF-1.4 a letter"), "letter.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert refused.status_code == 302
    location = refused.headers["Location"]
    assert "Файлдарды қайта тіркеңіз" in text_of(registrar.client.get(location))
    with app.app_context():
        assert db.session.execute(db.select(Complaint)).first() is None

    signed_in = sign_in_from(registrar, location)
    restored = registrar.client.get(signed_in.headers["Location"])
    shown = page(restored)
    assert shown.select_one("input[name=full_name]")["value"] == "Серікова Айжан"
    assert shown.select_one("textarea[name=text]").get_text() == TEXT
    # The same submission key: sending it twice still registers one complaint.
    assert shown.select_one("input[name=submission_token]")["value"] == tokens["submission_token"]
    assert "файлдар сақталмайды" in text_of(restored)


def test_a_password_change_sent_after_the_session_ended_is_not_kept(app, team, clock):
    head = team["head"]
    tokens = hidden_fields(head.get("/password/").get_data(as_text=True))
    clock(hours=22)
    refused = head.client.post(
        "/kk/staff/password/",
        data={**tokens, "current_password": head.password, "new_password": "another passphrase"},
    )
    assert parse_qs(urlsplit(refused.headers["Location"]).query)["next"] == ["/kk/staff/password/?"]
    assert kept_rows(app) == []


def test_a_post_only_address_does_not_become_the_page_to_return_to(app, team, clock, in_review):
    """Signing in again must not land on a GET of an address that only takes forms (405)."""
    head = team["head"]
    tokens = hidden_fields(head.get("/").get_data(as_text=True))
    clock(hours=22)
    refused = head.client.post("/kk/staff/logout/", data=tokens)
    assert "next" not in parse_qs(urlsplit(refused.headers["Location"]).query)
    assert sign_in_from(head, refused.headers["Location"]).headers["Location"] == "/kk/staff/"


def test_kept_forms_last_four_days_and_only_the_newest_twenty_are_kept(app, team):
    executor_id = team["executor"].id
    start = services.utcnow()
    with app.app_context():
        tokens = [
            services.keep_form(
                db.session,
                executor_id,
                endpoint="staff.act",
                view_args={"complaint_id": 1, "action_name": "add_note"},
                fields=[("add_note-note", f"note {n}")],
                now=start + timedelta(minutes=n),
            )
            for n in range(25)
        ]
        assert len(kept_rows(app)) == services.KEPT_FORMS_PER_STAFF == 20

        def take(token, now, **page):
            page = {"endpoint": "staff.act", "view_args": {"complaint_id": 1}, **page}
            return services.take_kept_form(db.session, token, executor_id, now=now, **page)

        assert take(tokens[0], start) is None
        late = start + services.KEPT_FORM_LIFETIME + timedelta(hours=1)
        assert take(tokens[-1], late) is None
        # Asked for on another page, it stays kept for its own.
        assert take(tokens[-2], start, view_args={"complaint_id": 2}) is None
        assert take(tokens[-2], start, endpoint="staff.register", view_args={}) is None
        kept = take(tokens[-2], start)
        assert kept.fields == [("add_note-note", "note 23")]
        # A form kept after the lifetime has passed drops the old ones it finds.
        services.keep_form(
            db.session, executor_id, endpoint="staff.act", view_args={}, fields=[], now=late
        )
        assert len(kept_rows(app)) == 1


def test_a_decision_the_complaint_has_moved_past_offers_nothing_to_copy(app, team, clock):
    executor = team["executor"]
    assigned = new_complaint(app, status="assigned", executor_id=executor.id)
    shown = page(executor.get(f"/complaints/{assigned}/"))
    form = shown.select_one(f"form[action$='/{assigned}/start_review/']")
    fields = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    clock(hours=22)
    refused = executor.client.post(f"/kk/staff/complaints/{assigned}/start_review/", data=fields)
    back_to = parse_qs(urlsplit(refused.headers["Location"]).query)["next"][0]
    with app.app_context():
        db.session.get(Complaint, assigned).status = "left_without_review"
        db.session.commit()

    assert sign_in_from(executor, refused.headers["Location"]).status_code == 302
    restored = executor.client.get(back_to)
    assert not page(restored).select(".qz-unsent")
    assert "бұл әрекет енді мүмкін емес." in text_of(restored)
    assert "көшіріп алу" not in text_of(restored)
