"""A new access code for an applicant who lost theirs, issued in person at the akimat."""

import email
import socket

import pytest
from backoffice import BAIZAK, load, registration_form, send_registration
from bs4 import BeautifulSoup
from helpers import Applicant, Staff, normalise, page, text_of

from complaints.domain.access_code import verify_access_code
from complaints.mail import deliver_pending
from complaints.models import Complaint, Notification
from complaints.web import today_in_almaty
from qyzmet.extensions import db
from qyzmet.i18n import force_locale
from qyzmet.templating import long_date

NEW_CODE_TITLE = {"kk": "Жаңа кіру коды берілді", "ru": "Выдан новый код доступа"}


def filed_by(app, lang: str = "ru", **overrides) -> tuple[int, str, str, object]:
    """A complaint filed on the public form: its id, number, code and receipt page."""
    number, code, receipt = Applicant(app.test_client(), lang).file_ok(**overrides)
    return complaint_id_of(app, number), number, code, receipt


def closed_port() -> int:
    """A loopback port nothing listens on: a mail server that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def complaint_id_of(app, number: str) -> int:
    with app.app_context():
        return db.session.execute(
            db.select(Complaint.id).where(Complaint.registration_number == number)
        ).scalar_one()


def opens(app, number: str, code: str) -> bool:
    """Whether the tracking form takes this number and code (it redirects to the status)."""
    return Applicant(app.test_client(), "kk").track(number, code).status_code == 302


def parsed(response) -> BeautifulSoup:
    """A page whatever its status (a refusal's too)."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def issue(member: Staff, complaint_id: int, **fields):
    return member.act(complaint_id, "issue_access_code", **{"identity_checked": "y", **fields})


def emails_about(app, complaint_id: int) -> list[Notification]:
    with app.app_context():
        return list(
            db.session.execute(
                db.select(Notification).where(
                    Notification.complaint_id == complaint_id, Notification.kind == "access_code"
                )
            ).scalars()
        )


@pytest.mark.parametrize("role", ["registrar", "head"])
def test_the_registrar_and_the_head_issue_a_code_that_replaces_the_lost_one(app, team, role):
    complaint_id, number, old_code, _ = filed_by(app, "ru")
    before = load(app, complaint_id)

    response = issue(team[role], complaint_id)

    assert response.status_code == 200, text_of(response)[:500]
    assert "no-store" in response.headers["Cache-Control"]
    shown = page(response)
    new_code = shown.select_one("#access-code").get_text()
    assert new_code != old_code
    # The coupon is the applicant's paper, in the language of their letters.
    coupon = shown.select_one("#coupon")
    assert coupon["lang"] == "ru"
    assert "Талон жалобы" in coupon.get_text()
    assert shown.select_one("#registration-number").get_text() == number
    assert "Жаңа кіру коды тек қазір көрсетіледі; бұрынғысы енді жарамсыз." in text_of(response)
    assert opens(app, number, new_code)
    assert not opens(app, number, old_code)
    after = load(app, complaint_id)
    assert after.status == before.status
    assert after.version > before.version  # a page opened before is now stale


def test_the_new_code_is_shown_once_and_recorded_internally_not_on_the_public_timeline(app, team):
    complaint_id, number, _, _ = filed_by(app, "kk")
    new_code = page(issue(team["registrar"], complaint_id)).select_one("#access-code").get_text()

    staff_page = team["registrar"].get(f"/complaints/{complaint_id}/")
    history = page(staff_page).select(".qz-timeline__event")
    issued = [event for event in history if NEW_CODE_TITLE["kk"] in event.get_text()]
    assert len(issued) == 1
    assert "internal" in " ".join(issued[0]["class"])
    assert "Registrar taraz-city-akimat" in issued[0].get_text()  # who issued it
    assert new_code not in staff_page.get_data(as_text=True)

    applicant = Applicant(app.test_client(), "kk")
    status = applicant.client.get(applicant.track(number, new_code).headers["Location"])
    assert NEW_CODE_TITLE["kk"] not in text_of(status)


def test_an_answered_complaint_still_gets_a_new_code(app, team):
    complaint_id, number, _, _ = filed_by(app, "ru")
    with app.app_context():
        complaint = db.session.get(Complaint, complaint_id)
        complaint.status, complaint.outcome, complaint.answer = "answered", "explained", "Ответ."
        db.session.commit()

    response = issue(team["head"], complaint_id)

    assert response.status_code == 200
    assert opens(app, number, page(response).select_one("#access-code").get_text())
    assert load(app, complaint_id).status == "answered"


@pytest.mark.parametrize("where", ["first", "forwarded"])
def test_the_new_code_follows_the_complaint_along_its_forwarding_chain(app, team, where):
    first_id, first_number, old_code, _ = filed_by(app, "ru")
    assert team["head"].act(first_id, "forward", forward_akimat=BAIZAK).status_code == 302
    forwarded_id = load(app, first_id).forwarded_to_id
    forwarded_number = load(app, forwarded_id).registration_number

    if where == "first":
        response = issue(team["registrar"], first_id)
    else:
        response = issue(team["outsider"], forwarded_id)  # the Baizak akimat's head

    assert response.status_code == 200
    new_code = page(response).select_one("#access-code").get_text()
    for number in (first_number, forwarded_number):
        assert opens(app, number, new_code), number
        assert not opens(app, number, old_code), number
    first, forwarded = load(app, first_id), load(app, forwarded_id)
    assert first.access_code_hash == forwarded.access_code_hash
    secret = app.config["SECRET_KEY"].encode()
    assert verify_access_code(new_code, forwarded.access_code_hash, secret)
    # The other akimat's staff see why the applicant's code changed.
    other = team["outsider"] if where == "first" else team["registrar"]
    other_id = forwarded_id if where == "first" else first_id
    issued_at = first_number if where == "first" else forwarded_number
    other.lang = "ru"
    assert f"Выдан новый код доступа (вместе с жалобой {issued_at})" in text_of(
        other.get(f"/complaints/{other_id}/")
    )


@pytest.mark.parametrize(
    ("who", "statuses"),
    [("executor", {409}), ("outsider", {404}), ("supervisor", {403, 404}), ("admin", {403, 404})],
)
def test_others_cannot_issue_a_code_and_nothing_changes(app, team, who, statuses):
    complaint_id, number, old_code, _ = filed_by(app, "ru")
    before = load(app, complaint_id)

    shown = team[who].get(f"/complaints/{complaint_id}/")
    assert "/issue_access_code/" not in shown.get_data(as_text=True)
    # Forged as a signed-in member would: their own session's CSRF token, the right version.
    token = parsed(team[who].get("/")).select_one("input[name$=csrf_token]")["value"]
    response = team[who].client.post(
        f"/kk/staff/complaints/{complaint_id}/issue_access_code/",
        data={
            "issue_access_code-csrf_token": token,
            "issue_access_code-version": str(before.version),
            "issue_access_code-identity_checked": "y",
        },
    )

    assert response.status_code in statuses, response.status_code
    after = load(app, complaint_id)
    assert (after.access_code_hash, after.version) == (before.access_code_hash, before.version)
    assert opens(app, number, old_code)
    assert emails_about(app, complaint_id) == []


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Өтініш берушінің жеке басын куәландыратын құжатын тексергеніңізді растаңыз"),
        ("ru", "Подтвердите, что проверили документ, удостоверяющий личность заявителя"),
    ],
)
def test_an_unticked_identity_check_is_refused_in_the_pages_language(app, team, lang, message):
    complaint_id, number, old_code, _ = filed_by(app, "ru")
    before = load(app, complaint_id)
    registrar = team["registrar"]
    registrar.lang = lang

    for unticked in ("", "no"):
        response = registrar.act(complaint_id, "issue_access_code", identity_checked=unticked)
        assert response.status_code == 400
        shown = parsed(response)
        assert message in shown.select_one(".govuk-error-summary").get_text()
        assert shown.select_one("#action-issue_access_code").has_attr("open")
        assert shown.select_one("#access-code") is None

    after = load(app, complaint_id)
    assert (after.access_code_hash, after.version) == (before.access_code_hash, before.version)
    assert opens(app, number, old_code)


def test_a_code_issued_from_a_stale_page_is_refused_and_changes_nothing(app, team):
    complaint_id, number, old_code, _ = filed_by(app, "ru")
    opened = load(app, complaint_id).version
    team["head"].act(complaint_id, "add_note", note="Звонил заявитель.")
    before = load(app, complaint_id)

    # The registrar's page was opened before the head's note: it carries the old version.
    response = issue(team["registrar"], complaint_id, version=str(opened))

    assert response.status_code == 409
    assert parsed(response).select_one("#access-code") is None
    after = load(app, complaint_id)
    assert (after.access_code_hash, after.version) == (before.access_code_hash, before.version)
    assert opens(app, number, old_code)


def test_the_form_needs_its_csrf_token(app, team):
    complaint_id, _, _, _ = filed_by(app, "ru")
    before = load(app, complaint_id)
    response = team["registrar"].client.post(
        f"/kk/staff/complaints/{complaint_id}/issue_access_code/",
        data={
            "issue_access_code-version": str(before.version),
            "issue_access_code-identity_checked": "y",
        },
    )
    assert response.status_code == 400
    assert load(app, complaint_id).access_code_hash == before.access_code_hash


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_applicant_is_told_by_email_in_their_language_without_the_code(app, team, lang):
    complaint_id, number, old_code, _ = filed_by(app, lang)

    issued = issue(team["registrar"], complaint_id)
    new_code = page(issued).select_one("#access-code").get_text()

    assert "Өтініш берушіге жаңа код берілгені туралы электрондық хат" in text_of(issued)
    (email,) = emails_about(app, complaint_id)
    assert email.language == lang
    assert number in email.subject
    body = " ".join(email.body.split())
    assert new_code not in body and old_code not in body
    assert new_code.replace("-", "") not in body.replace("-", "")
    expected = {
        "kk": ("жаңа кіру кодын берді", "Бұрынғы кіру коды енді жарамсыз", "әкімдікке хабар"),
        "ru": ("выдал новый код доступа", "Прежний код доступа больше не действует", "обратитесь"),
    }[lang]
    for phrase in expected:
        assert phrase in body, phrase


def test_no_email_goes_to_an_applicant_who_gets_replies_by_post(app, team):
    complaint_id, _, _, _ = filed_by(
        app, "ru", reply_channel="post", email="", address="Тараз, ул. Абая, 1"
    )
    response = issue(team["registrar"], complaint_id)
    assert response.status_code == 200
    assert emails_about(app, complaint_id) == []
    # The page does not promise an email that is not sent.
    assert "Өтініш берушіге жаңа код берілгені туралы" not in text_of(response)


@pytest.mark.parametrize(
    ("lang", "flash"),
    [
        ("kk", "Бұл қолхаттағы кіру кодының орнына әкімдік жаңасын берді."),
        ("ru", "Код доступа в этой расписке заменён новым, который выдал акимат."),
    ],
)
@pytest.mark.parametrize("form", ["receipt", "coupon"])
def test_a_receipt_whose_code_was_replaced_leads_to_the_tracking_form(app, team, lang, flash, form):
    client = app.test_client()
    # The receipt's language switcher posts to the other language's receipt; the coupon's
    # form to its own.
    filed_in = {"kk": "ru", "ru": "kk"}[lang] if form == "receipt" else lang
    number, _, receipt = Applicant(client, filed_in).file_ok()
    complaint_id = complaint_id_of(app, number)
    sent = page(receipt).select_one(f"form[action='/{lang}/complaints/{form}/']")
    data = {tag["name"]: tag["value"] for tag in sent.select("input[type=hidden]")}
    assert client.post(f"/{lang}/complaints/{form}/", data=data).status_code == 200

    issue(team["registrar"], complaint_id)
    response = client.post(f"/{lang}/complaints/{form}/", data=data)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/complaints/track/?number={number}")
    tracking = client.get(response.headers["Location"])
    assert flash in text_of(tracking)
    assert page(tracking).select_one("#registration_number")["value"] == number


def test_sending_the_filed_form_again_after_a_new_code_shows_no_stale_code(app, team):
    applicant = Applicant(app.test_client(), "ru")
    tokens = applicant.form()
    first = applicant.file(tokens=tokens)
    number = page(first).select_one("#registration-number").get_text()
    issue(team["registrar"], complaint_id_of(app, number))

    again = applicant.file(tokens=tokens)

    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/ru/complaints/track/?number={number}")


def test_the_registrars_form_sent_again_after_a_new_code_prints_no_stale_coupon(app, team):
    registrar = team["registrar"]
    form = registration_form(registrar, language="kk")

    def send():
        return send_registration(registrar, form)

    first = send()
    number = page(first).select_one("#registration-number").get_text()
    complaint_id = complaint_id_of(app, number)
    issue(team["head"], complaint_id)

    again = send()

    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/staff/complaints/{complaint_id}/")
    shown = text_of(registrar.client.get(again.headers["Location"]))
    assert "алғашқы талоны қайта басып шығарылмайды" in shown
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Complaint)) == 1


@pytest.mark.parametrize(
    ("lang", "says"),
    [
        ("kk", "Бұл кодты {day} күні Registrar taraz-city-akimat бұрынғы кодтың орнына берді"),
        ("ru", "Выдан {day} сотрудником Registrar taraz-city-akimat взамен прежнего кода"),
    ],
)
def test_the_new_coupon_says_when_and_by_whom_it_replaced_the_lost_code(app, team, lang, says):
    complaint_id, *_ = filed_by(app, lang)
    coupon = page(issue(team["registrar"], complaint_id)).select_one("#coupon")
    with app.app_context(), force_locale(lang):
        day = long_date(today_in_almaty())
    assert says.format(day=normalise(day)) in normalise(coupon.get_text())


def test_a_first_coupon_says_nothing_of_a_replaced_code(team):
    registrar = team["registrar"]
    form = registration_form(registrar, language="ru")
    coupon = page(send_registration(registrar, form)).select_one("#coupon")
    assert coupon.select_one("#access-code") is not None
    assert coupon.select_one("#access-code-replaces") is None


@pytest.mark.parametrize(
    ("lang", "replaced"),
    [
        ("kk", "Кіру коды: әкімдік берген жаңа кодпен ауыстырылды"),
        ("ru", "Код доступа: заменён новым, который выдал акимат"),
    ],
)
def test_a_receipt_email_still_unsent_goes_without_the_code_that_was_replaced(
    app, team, tmp_path, lang, replaced
):
    # The mail server is down while the complaint is filed and the new code issued.
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=closed_port(), SMTP_STARTTLS=False)
    complaint_id, number, old_code, _ = filed_by(app, lang)
    new_code = page(issue(team["registrar"], complaint_id)).select_one("#access-code").get_text()

    app.config["SMTP_HOST"] = None  # back, to the outbox folder
    with app.app_context():
        for notification in db.session.execute(db.select(Notification)).scalars():
            assert notification.sealed_access_code is None  # no code waits to be sent
            notification.next_attempt_at = notification.created_at  # the retry is due
        db.session.commit()
    assert deliver_pending(app) == 2

    (receipt,) = (tmp_path / "outbox").glob("*-receipt.eml")
    body = normalise(
        email.message_from_bytes(receipt.read_bytes()).get_payload(decode=True).decode()
    )
    assert number in body  # the registration details still go
    assert replaced in body
    for code in (old_code, new_code):
        assert code not in body
        assert code.replace("-", "") not in body.replace("-", "")
