"""Every action by every role in every state, through the web layer, allowed or refused.

The page offers exactly the actions the workflow table allows, and the server enforces the
same table when a request is forged: a refused action changes nothing.
"""

from datetime import timedelta

import pytest
from backoffice import load, new_complaint, working_day_from
from bs4 import BeautifulSoup
from helpers import page, text_of

from complaints.domain.workflow import Action, Role, State, allowed_actions

STAFF_ROLES = [Role.REGISTRAR, Role.HEAD, Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN]
STAFF_ACTIONS = [action for action in Action if action != Action.WITHDRAW]


def put_in_state(app, state: State, executor_id: int) -> int:
    fields = {"status": state.value}
    if state != State.REGISTERED:
        fields["executor_id"] = executor_id
    if state in (State.ANSWER_DRAFTED, State.ANSWERED):
        fields.update(outcome="explained", answer="Разъяснение.")
    return new_complaint(app, **fields)


def valid_fields(app, action: Action, complaint, team) -> dict[str, str]:
    due = working_day_from(app, complaint.due_on + timedelta(days=10))
    return {
        Action.ASSIGN: {"executor_id": str(team["other_executor"].id)},
        Action.REASSIGN: {"executor_id": str(team["other_executor"].id)},
        Action.ADD_NOTE: {"note": "Запросили документы в отделе."},
        Action.DRAFT_ANSWER: {"outcome": "satisfied", "answer": "Жалоба удовлетворена."},
        Action.RETURN_DRAFT: {"reason": "Уточните срок."},
        Action.EXTEND: {
            "new_due_on-day": str(due.day),
            "new_due_on-month": str(due.month),
            "new_due_on-year": str(due.year),
            "reason": "Нужен запрос в другой орган.",
        },
        Action.FORWARD: {"forward_akimat": "baizak-district-akimat"},
        Action.LEAVE_WITHOUT_REVIEW: {"reason": "Повторная жалоба."},
        Action.ISSUE_ACCESS_CODE: {"identity_checked": "y"},
    }.get(action, {})


@pytest.mark.parametrize("role", STAFF_ROLES, ids=lambda role: role.value)
@pytest.mark.parametrize("state", list(State), ids=lambda state: state.value)
def test_each_role_can_take_exactly_the_actions_the_table_allows(app, team, state, role):
    member = team[role.value]
    allowed = set(allowed_actions(state, role))
    shown_id = put_in_state(app, state, executor_id=team["executor"].id)
    shown = page(member.get(f"/complaints/{shown_id}/"))
    offered = {
        action for action in STAFF_ACTIONS if shown.select_one(f"form[action$='/{action.value}/']")
    }
    assert offered == allowed, f"{role} on {state}: offered {offered}, table allows {allowed}"
    token = shown.select_one("input[name$=csrf_token]")["value"]
    for action in STAFF_ACTIONS:
        complaint_id = put_in_state(app, state, executor_id=team["executor"].id)
        before = load(app, complaint_id)
        valid = valid_fields(app, action, before, team)
        fields = {f"{action.value}-{k}": v for k, v in valid.items()}
        response = member.client.post(
            f"/kk/staff/complaints/{complaint_id}/{action.value}/",
            data={
                f"{action.value}-csrf_token": token,
                f"{action.value}-version": str(before.version),
                **fields,
            },
        )
        after = load(app, complaint_id)
        if action in allowed:
            # A new access code is shown on the page itself: a redirect would lose it.
            expected = 200 if action == Action.ISSUE_ACCESS_CODE else 302
            assert response.status_code == expected, text_of(response)[:500]
            assert after.version > before.version, f"{role} could not {action} on {state}"
            assert after.status == _target(action, state).value, f"{action} on {state}"
        else:
            assert response.status_code in (404, 409), (role, action, state, response.status_code)
            assert after.version == before.version, (
                f"{role} changed a {state} complaint by {action}"
            )
            assert after.status == before.status


def _target(action: Action, state: State) -> State:
    from complaints.domain.workflow import TRANSITIONS

    return TRANSITIONS[action].to_state or state


def test_an_executor_acts_only_on_the_complaints_assigned_to_them(app, team):
    complaint_id = new_complaint(app, status="assigned", executor_id=team["other_executor"].id)
    page_for_executor = page(team["executor"].get(f"/complaints/{complaint_id}/"))
    assert page_for_executor.select_one("form[action$='/start_review/']") is None
    team["executor"].act(complaint_id, "start_review", version=load(app, complaint_id).version)
    assert load(app, complaint_id).status == "assigned"
    team["other_executor"].act(complaint_id, "start_review")
    assert load(app, complaint_id).status == "in_review"


def test_only_an_executor_of_the_akimat_can_be_assigned(app, team):
    from helpers import make_staff

    foreign = make_staff(app, "executor", akimat_id="baizak-district-akimat", email="f@example.kz")
    complaint_id = new_complaint(app)
    for forged in (str(foreign), str(team["head"].id), "999999"):
        response = team["head"].act(complaint_id, "assign", executor_id=forged)
        assert response.status_code == 400
        assert load(app, complaint_id).status == "registered"
        assert load(app, complaint_id).executor_id is None


def test_a_missing_reason_is_refused_with_a_message_and_changes_nothing(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    response = team["head"].act(complaint_id, "leave_without_review", reason="")
    assert response.status_code == 400
    assert "Себебін жазыңыз" in text_of(response)
    assert load(app, complaint_id).status == "in_review"


def test_an_extension_must_move_the_due_date_later(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    earlier = load(app, complaint_id).due_on - timedelta(days=1)
    response = team["head"].act(
        complaint_id,
        "extend",
        **{
            "new_due_on-day": str(earlier.day),
            "new_due_on-month": str(earlier.month),
            "new_due_on-year": str(earlier.year),
            "reason": "Себеп",
        },
    )
    assert response.status_code == 400
    assert "Жаңа мерзім қазіргісінен кейін болуы керек" in text_of(response)
    assert load(app, complaint_id).due_on == earlier + timedelta(days=1)


def test_two_staff_acting_at_once_the_second_gets_a_clear_message(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    version = load(app, complaint_id).version
    first = team["head"].act(complaint_id, "leave_without_review", reason="Повтор", version=version)
    assert first.status_code == 302
    # The executor's page was loaded before the head acted: it still carries the old version.
    second = team["executor"].client.post(
        f"/kk/staff/complaints/{complaint_id}/add_note/",
        data={
            "add_note-csrf_token": page(team["executor"].get("/")).select_one(
                "input[name$=csrf_token]"
            )["value"],
            "add_note-version": str(version),
            "add_note-note": "Менің ескертпем",
        },
    )
    assert second.status_code == 409
    message = text_of(second)
    assert "Сіз жұмыс істеп жатқанда бұл шағымды басқа біреу өзгертті" in message
    assert (
        "ол қазір «Қараусыз қалдырылды» мәртебесінде, сондықтан «Ескертпе қосу» әрекеті енді "
        "мүмкін емес"
    ) in message
    # A note is no longer possible on a closed complaint: its text is there to copy.
    assert "Менің ескертпем" in message
    after = load(app, complaint_id)
    assert after.status == "left_without_review"
    assert after.version > version


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "kk",
            "Шағым қазір «Жауап берілді» мәртебесінде, сондықтан «Қарау мерзімін ұзарту» "
            "әрекеті енді мүмкін емес. Ештеңе сақталған жоқ. Жазған мәтініңізді көшіріп алу үшін "
            "ол төменде көрсетілген.",
        ),
        (
            "ru",
            "Жалоба сейчас в статусе «Дан ответ», поэтому действие «Продлить срок "
            "рассмотрения» больше невозможно. Ничего не сохранено. Ваш текст показан ниже, "
            "чтобы его можно было скопировать.",
        ),
    ],
)
def test_an_action_the_complaints_state_no_longer_allows_gives_the_typed_text_back_to_copy(
    app, team, lang, message
):
    complaint_id = put_in_state(app, State.ANSWERED, executor_id=team["executor"].id)
    before = load(app, complaint_id)
    reason = "Тұрғын үй инспекциясынан қосымша құжаттар сұралды."
    head = team["head"]
    head.lang = lang
    due = working_day_from(app, before.due_on + timedelta(days=10))

    # The extension form of a page opened before the answer, sent as the complaint is now.
    refused = head.act(
        complaint_id,
        "extend",
        version=before.version,
        reason=reason,
        **{
            "new_due_on-day": str(due.day),
            "new_due_on-month": str(due.month),
            "new_due_on-year": str(due.year),
        },
    )

    assert refused.status_code == 409
    assert message in text_of(refused)
    shown = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert [tag.get_text(strip=True) for tag in shown.select(".qz-unsent")] == [reason]
    assert shown.select_one(f"form[action$='/{complaint_id}/extend/']") is None
    after = load(app, complaint_id)
    assert (after.status, after.due_on, after.version) == (
        "answered",
        before.due_on,
        before.version,
    )


def test_an_action_with_no_text_refused_by_the_state_says_why_and_changes_nothing(app, team):
    complaint_id = put_in_state(app, State.LEFT_WITHOUT_REVIEW, executor_id=team["executor"].id)
    before = load(app, complaint_id)

    refused = team["head"].act(complaint_id, "approve_answer", version=before.version)

    assert refused.status_code == 409
    assert (
        "Шағым қазір «Қараусыз қалдырылды» мәртебесінде, сондықтан «Жауапты бекіту» әрекеті "
        "енді мүмкін емес. Ештеңе сақталған жоқ."
    ) in text_of(refused)
    shown = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert shown.select(".qz-unsent") == []
    after = load(app, complaint_id)
    assert (after.status, after.version, after.answered_at) == (
        "left_without_review",
        before.version,
        None,
    )


def test_a_refused_action_whose_form_is_on_the_page_again_is_filled_in_to_send_again(
    app, team, monkeypatch
):
    """The refusal and the page are two moments: by the time the page is drawn, the complaint
    may allow the action again; then the form is given back filled in, not a text to copy."""
    from complaints import services
    from complaints.domain.workflow import TransitionNotAllowed

    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)

    def refused_meanwhile(*args, **kwargs):
        raise TransitionNotAllowed(State.ANSWERED, Action.DRAFT_ANSWER, Role.EXECUTOR)

    monkeypatch.setattr(services, "take_action", refused_meanwhile)
    team["executor"].lang = "ru"
    refused = team["executor"].act(
        complaint_id, "draft_answer", outcome="explained", answer=LONG_ANSWER
    )

    assert refused.status_code == 409
    assert (
        "Действие не выполнено. Ничего не сохранено. Жалоба сейчас в статусе «На рассмотрении»: "
        "отправленный текст — в форме ниже; проверьте, в каком состоянии жалоба сейчас, "
        "и отправьте снова."
    ) in text_of(refused)
    form = BeautifulSoup(refused.get_data(as_text=True), "html.parser").select_one(
        f"form[action$='/{complaint_id}/draft_answer/']"
    )
    assert form.find_parent("details").has_attr("open")
    assert form.select_one("textarea[name='draft_answer-answer']").get_text() == LONG_ANSWER
    assert load(app, complaint_id).answer is None


def sent_as_it_comes(member, complaint_id: int, action: str) -> dict[str, str]:
    """What a browser sends from the action's form untouched: its hidden fields and, for the
    select, the option marked selected (or, with none marked, the first)."""
    form = page(member.get(f"/complaints/{complaint_id}/")).select_one(
        f"form[action$='/{complaint_id}/{action}/']"
    )
    data = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    select = form.select_one("select")
    option = select.select_one("option[selected]") or select.select_one("option")
    data[select["name"]] = option["value"]
    return data


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("kk", "Бұл орындаушы шағымға тағайындалып қойған: басқасын таңдаңыз"),
        ("ru", "Этот исполнитель уже назначен по жалобе: выберите другого"),
    ],
)
def test_changing_the_executor_to_the_one_already_assigned_is_refused_and_changes_nothing(
    app, team, lang, message
):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    before = load(app, complaint_id)
    team["head"].lang = lang
    response = team["head"].act(complaint_id, "reassign", executor_id=str(team["executor"].id))
    assert response.status_code == 400
    assert message in text_of(response)
    after = load(app, complaint_id)
    assert (after.status, after.executor_id, after.version) == (
        "in_review",
        team["executor"].id,
        before.version,
    )


def test_the_executor_list_chooses_nobody_and_leaves_out_the_one_already_assigned(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    form = page(team["head"].get(f"/complaints/{complaint_id}/")).select_one(
        "form[action$='/reassign/']"
    )
    options = [(o["value"], o.has_attr("selected")) for o in form.select("option")]
    assert options == [("", True), (str(team["other_executor"].id), False)]


@pytest.mark.parametrize(("action", "state"), [("assign", "registered"), ("reassign", "in_review")])
def test_an_executor_form_sent_as_it_comes_assigns_nobody(app, team, action, state):
    executor_id = team["executor"].id if state != "registered" else None
    complaint_id = new_complaint(app, status=state, executor_id=executor_id)
    head = team["head"]
    response = head.client.post(
        f"/kk/staff/complaints/{complaint_id}/{action}/",
        data=sent_as_it_comes(head, complaint_id, action),
    )
    assert response.status_code == 400
    assert "Орындаушыны таңдаңыз" in text_of(response)
    after = load(app, complaint_id)
    assert (after.status, after.executor_id) == (state, executor_id)


# 1,100 characters: an answer an executor would not want to type twice.
LONG_ANSWER = ("Сіздің шағымыңыз қаралды. Тұрғын үй бөлімі құжаттарыңызды қайта тексерді. " * 15)[
    :1099
] + "."


def test_a_draft_answer_refused_by_a_colleagues_change_is_given_back_to_send_again(app, team):
    assert len(LONG_ANSWER) == 1100
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    executor = team["executor"]
    shown = page(executor.get(f"/complaints/{complaint_id}/"))
    form = shown.select_one(f"form[action$='/{complaint_id}/draft_answer/']")
    hidden = {tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")}
    # While the executor writes, the head adds a note: the complaint's version moves on.
    noted = team["head"].act(complaint_id, "add_note", note="Құжаттарды тексеріңіз")
    assert noted.status_code == 302

    refused = executor.client.post(
        f"/kk/staff/complaints/{complaint_id}/draft_answer/",
        data={**hidden, "draft_answer-outcome": "satisfied", "draft_answer-answer": LONG_ANSWER},
    )

    assert refused.status_code == 409
    assert load(app, complaint_id).status == "in_review"  # nothing saved
    assert load(app, complaint_id).answer is None
    message = text_of(refused)
    assert "Сіз жұмыс істеп жатқанда бұл шағымды басқа біреу өзгертті. Ештеңе сақталған жоқ." in (
        message
    )
    assert "шағымның қазіргі күйін тексеріп, оны қайта жіберіңіз" in message
    again = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert "Құжаттарды тексеріңіз" in again.get_text()  # the head's note, to check against
    form = again.select_one(f"form[action$='/{complaint_id}/draft_answer/']")
    assert form.find_parent("details").has_attr("open")
    assert form.select_one("textarea[name='draft_answer-answer']").get_text() == LONG_ANSWER
    assert form.select_one("input[name='draft_answer-outcome'][value=satisfied]").has_attr(
        "checked"
    )
    # Sent again as given back, it carries the version the executor has now seen.
    resent = executor.client.post(
        f"/kk/staff/complaints/{complaint_id}/draft_answer/",
        data={
            **{tag["name"]: tag.get("value", "") for tag in form.select("input[type=hidden]")},
            "draft_answer-outcome": "satisfied",
            "draft_answer-answer": LONG_ANSWER,
        },
    )
    assert resent.status_code == 302
    after = load(app, complaint_id)
    assert (after.status, after.answer) == ("answer_drafted", LONG_ANSWER)


def test_the_conflict_message_speaks_russian_on_russian_pages(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    version = load(app, complaint_id).version
    team["head"].act(complaint_id, "add_note", note="Примечание")
    team["executor"].lang = "ru"

    refused = team["executor"].act(complaint_id, "add_note", note="Моя заметка", version=version)

    assert refused.status_code == 409
    assert "Пока вы работали, эту жалобу изменил другой сотрудник. Ничего не сохранено." in (
        text_of(refused)
    )


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        (
            "kk",
            "Сіз жұмыс істеп жатқанда бұл шағымды басқа біреу өзгертті: ол қазір «Жауап берілді» "
            "мәртебесінде, сондықтан «Жобаны пысықтауға қайтару» әрекеті енді мүмкін емес. "
            "Ештеңе сақталған жоқ.",
        ),
        (
            "ru",
            "Пока вы работали, эту жалобу изменил другой сотрудник: она сейчас в статусе «Дан "
            "ответ», поэтому действие «Вернуть проект на доработку» больше невозможно. Ничего "
            "не сохранено.",
        ),
    ],
)
def test_an_action_a_colleague_made_impossible_names_the_status_and_the_action(
    app, team, lang, message
):
    complaint_id = put_in_state(app, State.ANSWER_DRAFTED, executor_id=team["executor"].id)
    opened = load(app, complaint_id).version  # both tabs show the draft
    head = team["head"]
    head.lang = lang
    assert head.act(complaint_id, "approve_answer", version=opened).status_code == 302

    reason = "Жауапқа мекенжай мен мерзімді қосыңыз."
    refused = head.act(complaint_id, "return_draft", version=opened, reason=reason)

    assert refused.status_code == 409
    assert message in text_of(refused)
    shown = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert [tag.get_text(strip=True) for tag in shown.select(".qz-unsent")] == [reason]
    assert load(app, complaint_id).status == "answered"


def test_an_incomplete_form_for_an_action_no_longer_possible_says_why_and_keeps_the_text(app, team):
    """The form's own errors could not be shown: the form is no longer on the page."""
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    opened = load(app, complaint_id).version
    head = team["head"]
    assert head.act(complaint_id, "leave_without_review", reason="Повтор").status_code == 302

    reason = "Тұрғын үй инспекциясынан қосымша құжаттар сұралды."
    refused = head.act(complaint_id, "extend", version=opened, reason=reason)  # no date

    assert refused.status_code == 409
    message = text_of(refused)
    assert (
        "ол қазір «Қараусыз қалдырылды» мәртебесінде, сондықтан «Қарау мерзімін ұзарту» "
        "әрекеті енді мүмкін емес"
    ) in message
    assert "Жаңа мерзімді" not in message  # no error for a field the page does not have
    shown = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert shown.select(".govuk-error-summary a") == []
    assert [tag.get_text(strip=True) for tag in shown.select(".qz-unsent")] == [reason]


@pytest.mark.parametrize(
    ("lang", "title"),
    [("kk", "Жоба пысықтауға қайтарылды"), ("ru", "Проект возвращён на доработку")],
)
def test_a_returned_draft_is_named_so_in_the_history_not_as_a_review_started(
    app, team, lang, title
):
    complaint_id = put_in_state(app, State.ANSWER_DRAFTED, executor_id=team["executor"].id)
    head = team["head"]
    head.lang = lang
    assert head.act(complaint_id, "return_draft", reason="Уточните срок.").status_code == 302

    shown = page(head.get(f"/complaints/{complaint_id}/"))
    titles = [tag.get_text(" ", strip=True) for tag in shown.select(".qz-timeline__title")]
    assert titles[-1].startswith(title), titles


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("leave_without_review", {"reason": "Повторная жалоба."}),
        # A forwarding's letter says where the complaint went: test_forwarding.py.
    ],
)
def test_a_decision_on_a_complaint_answered_by_post_reminds_the_head_to_send_a_letter(
    app, team, action, fields
):
    # No email goes to such an applicant; the law still has them told (a forwarding within 3
    # working days), so the member who decided is told to see to a letter.
    complaint_id = new_complaint(
        app,
        status="in_review",
        executor_id=team["executor"].id,
        reply_channel="post",
        applicant_email=None,
        applicant_address="Тараз, ул. Абая, 1, кв. 5",
    )
    response = team["head"].act(complaint_id, action, **fields)
    assert response.status_code == 302
    shown = text_of(team["head"].get(f"/complaints/{complaint_id}/"))
    assert (
        "Өтініш беруші жауапты электрондық поштамен емес, поштамен алады: бұл шешімді оған "
        "поштамен жіберіңіз, мекенжайы: Тараз, ул. Абая, 1, кв. 5." in shown
    )


def test_a_decision_on_a_complaint_answered_by_email_needs_no_reminder(app, team):
    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)
    team["head"].act(complaint_id, "leave_without_review", reason="Повторная жалоба.")
    shown = text_of(team["head"].get(f"/complaints/{complaint_id}/"))
    assert "Орындалды:" in shown
    assert "бұл шешімді оған" not in shown


@pytest.mark.parametrize(
    ("lang", "not_saved"),
    [
        ("kk", "Ештеңе сақталған жоқ: сервис қазір бос емес немесе уақытша қолжетімсіз."),
        ("ru", "Ничего не сохранено: сервис занят или временно недоступен."),
    ],
)
def test_an_answer_a_busy_database_turns_away_is_given_back_to_send_again(
    app, team, monkeypatch, lang, not_saved
):
    """A write stuck behind another: the executor's long answer stays in the form."""
    from complaints import services
    from qyzmet.database import DatabaseBusy

    complaint_id = new_complaint(app, status="in_review", executor_id=team["executor"].id)

    def busy(*args, **kwargs):
        raise DatabaseBusy()

    monkeypatch.setattr(services, "take_action", busy)
    team["executor"].lang = lang
    refused = team["executor"].act(
        complaint_id, "draft_answer", outcome="explained", answer=LONG_ANSWER
    )
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "60"
    assert not_saved in text_of(refused)
    form = BeautifulSoup(refused.get_data(as_text=True), "html.parser").select_one(
        f"form[action$='/{complaint_id}/draft_answer/']"
    )
    assert form.select_one("textarea[name='draft_answer-answer']").get_text() == LONG_ANSWER
    assert load(app, complaint_id).answer is None
