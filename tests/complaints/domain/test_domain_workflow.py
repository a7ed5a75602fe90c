"""The transition table, checked against the specification restated here independently."""

import itertools
from datetime import date

import pytest

from complaints.domain.workflow import (
    TRANSITIONS,
    Action,
    InvalidActionDetails,
    Outcome,
    Role,
    State,
    TransitionNotAllowed,
    allowed_actions,
    check_action_details,
    is_open,
    is_public_by_default,
    label,
    next_state,
)

S, A, R = State, Action, Role
OPEN = {S.REGISTERED, S.ASSIGNED, S.IN_REVIEW, S.ANSWER_DRAFTED}
BEFORE_ANSWER = {S.REGISTERED, S.ASSIGNED, S.IN_REVIEW}
STAYS = None

# (action) -> (from states, to state or STAYS, roles): the issue's words, not the code's table.
SPECIFICATION = {
    A.ASSIGN: ({S.REGISTERED}, S.ASSIGNED, {R.HEAD}),
    A.REASSIGN: ({S.ASSIGNED, S.IN_REVIEW}, S.ASSIGNED, {R.HEAD}),
    A.START_REVIEW: ({S.ASSIGNED}, S.IN_REVIEW, {R.EXECUTOR}),
    A.ADD_NOTE: (OPEN, STAYS, {R.REGISTRAR, R.HEAD, R.EXECUTOR}),
    A.DRAFT_ANSWER: ({S.IN_REVIEW}, S.ANSWER_DRAFTED, {R.EXECUTOR}),
    A.RETURN_DRAFT: ({S.ANSWER_DRAFTED}, S.IN_REVIEW, {R.HEAD}),
    A.APPROVE_ANSWER: ({S.ANSWER_DRAFTED}, S.ANSWERED, {R.HEAD}),
    A.EXTEND: (OPEN, STAYS, {R.HEAD}),
    A.FORWARD: (BEFORE_ANSWER, S.FORWARDED, {R.HEAD}),
    A.LEAVE_WITHOUT_REVIEW: (BEFORE_ANSWER, S.LEFT_WITHOUT_REVIEW, {R.HEAD}),
    A.WITHDRAW: (OPEN, S.WITHDRAWN, {R.APPLICANT}),
    # An answered or closed complaint still needs reading: a lost code is replaced in any state.
    A.ISSUE_ACCESS_CODE: (set(State), STAYS, {R.REGISTRAR, R.HEAD}),
}

EVERY_TRIPLE = list(itertools.product(State, Action, Role))
ALLOWED = [
    (state, action, role)
    for state, action, role in EVERY_TRIPLE
    if state in SPECIFICATION[action][0] and role in SPECIFICATION[action][2]
]
REFUSED = [triple for triple in EVERY_TRIPLE if triple not in ALLOWED]


def _id(triple):
    return "-".join(member.value for member in triple)


def test_the_product_is_split_into_allowed_and_refused_triples():
    assert len(EVERY_TRIPLE) == 8 * 12 * 6 == 576
    assert len(ALLOWED) == 33 + 8 * 2 == 49
    assert len(REFUSED) == 527


@pytest.mark.parametrize(("state", "action", "role"), ALLOWED, ids=map(_id, ALLOWED))
def test_an_allowed_triple_leads_to_the_specified_state(state, action, role):
    expected = SPECIFICATION[action][1] or state
    assert next_state(state, action, role) is expected


@pytest.mark.parametrize(("state", "action", "role"), REFUSED, ids=map(_id, REFUSED))
def test_a_refused_triple_raises_transition_not_allowed(state, action, role):
    with pytest.raises(TransitionNotAllowed) as refusal:
        next_state(state, action, role)
    assert (refusal.value.state, refusal.value.action, refusal.value.role) == (state, action, role)


def test_the_table_has_one_row_per_action_in_declaration_order():
    assert list(TRANSITIONS) == list(Action)


def test_the_table_itself_matches_the_specification():
    for action, (from_states, to_state, roles) in SPECIFICATION.items():
        row = TRANSITIONS[action]
        assert (set(row.from_states), row.to_state, set(row.roles)) == (
            from_states,
            to_state,
            roles,
        )


@pytest.mark.parametrize(("state", "role"), list(itertools.product(State, Role)))
def test_allowed_actions_lists_exactly_the_allowed_ones_in_table_order(state, role):
    expected = [action for action in Action if (state, action, role) in ALLOWED]
    assert allowed_actions(state, role) == expected


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisors_and_admins_only_read(role):
    assert all(allowed_actions(state, role) == [] for state in State)


def test_closed_complaints_accept_no_action_but_a_new_access_code_from_anyone():
    closed = set(State) - OPEN
    issuers = {R.REGISTRAR, R.HEAD}
    assert all(
        allowed_actions(state, role) == ([A.ISSUE_ACCESS_CODE] if role in issuers else [])
        for state in closed
        for role in Role
    )


@pytest.mark.parametrize("state", list(State), ids=lambda state: state.value)
def test_a_new_access_code_leaves_the_complaint_where_it_was(state):
    for role in (R.REGISTRAR, R.HEAD):
        assert next_state(state, A.ISSUE_ACCESS_CODE, role) is state
    for role in (R.EXECUTOR, R.SUPERVISOR, R.ADMIN, R.APPLICANT):
        with pytest.raises(TransitionNotAllowed):
            next_state(state, A.ISSUE_ACCESS_CODE, role)


@pytest.mark.parametrize("state", list(State))
def test_a_complaint_is_open_until_answered_forwarded_left_or_withdrawn(state):
    assert is_open(state) is (state in OPEN)


def test_the_refusal_message_names_role_action_and_state():
    with pytest.raises(TransitionNotAllowed, match="executor may not assign a complaint that is"):
        next_state(State.REGISTERED, Action.ASSIGN, Role.EXECUTOR)


def test_a_draft_answer_needs_an_outcome():
    with pytest.raises(InvalidActionDetails) as missing:
        check_action_details(Action.DRAFT_ANSWER)
    assert missing.value.field == "outcome"
    check_action_details(Action.DRAFT_ANSWER, outcome=Outcome.EXPLAINED)


@pytest.mark.parametrize(
    "action", [Action.RETURN_DRAFT, Action.LEAVE_WITHOUT_REVIEW, Action.EXTEND]
)
@pytest.mark.parametrize("reason", [None, "", "   \n"])
def test_returning_a_draft_leaving_without_review_and_extending_need_a_reason(action, reason):
    with pytest.raises(InvalidActionDetails) as missing:
        check_action_details(
            action, reason=reason, new_due_on=date(2026, 2, 2), current_due_on=date(2026, 1, 26)
        )
    assert missing.value.field == "reason"


def test_an_extension_needs_a_new_due_date():
    with pytest.raises(InvalidActionDetails) as missing:
        check_action_details(Action.EXTEND, reason="expert opinion awaited")
    assert missing.value.field == "new_due_on"


@pytest.mark.parametrize("new_due_on", [date(2026, 1, 26), date(2026, 1, 23)])
def test_an_extension_must_move_the_due_date_later(new_due_on):
    with pytest.raises(InvalidActionDetails, match="later"):
        check_action_details(
            Action.EXTEND,
            reason="expert opinion awaited",
            new_due_on=new_due_on,
            current_due_on=date(2026, 1, 26),
        )
    check_action_details(
        Action.EXTEND,
        reason="expert opinion awaited",
        new_due_on=date(2026, 1, 27),
        current_due_on=date(2026, 1, 26),
    )


def test_a_reassignment_must_name_someone_other_than_the_executor_already_assigned():
    with pytest.raises(InvalidActionDetails) as same:
        check_action_details(Action.REASSIGN, executor_id=7, current_executor_id=7)
    assert same.value.field == "same_executor"
    check_action_details(Action.REASSIGN, executor_id=8, current_executor_id=7)


@pytest.mark.parametrize(
    "action",
    [
        Action.ASSIGN,
        Action.REASSIGN,
        Action.START_REVIEW,
        Action.ADD_NOTE,
        Action.FORWARD,
        Action.ISSUE_ACCESS_CODE,
    ],
)
def test_other_actions_need_no_details(action):
    check_action_details(action)


def test_decisions_the_applicant_must_learn_about_are_public_and_notes_internal():
    public = {action for action in Action if is_public_by_default(action)}
    assert public == {
        Action.APPROVE_ANSWER,
        Action.EXTEND,
        Action.FORWARD,
        Action.LEAVE_WITHOUT_REVIEW,
        Action.WITHDRAW,
    }
    assert not is_public_by_default(Action.ADD_NOTE)


GLOSSARY = {
    S.REGISTERED: ("Тіркелді", "Зарегистрирована"),
    S.ASSIGNED: ("Орындаушы тағайындалды", "Назначен исполнитель"),
    S.IN_REVIEW: ("Қаралуда", "На рассмотрении"),
    S.ANSWER_DRAFTED: ("Жауап жобасы дайындалды", "Подготовлен проект ответа"),
    S.ANSWERED: ("Жауап берілді", "Дан ответ"),
    S.FORWARDED: ("Басқа органға жіберілді", "Перенаправлена"),
    S.LEFT_WITHOUT_REVIEW: ("Қараусыз қалдырылды", "Оставлена без рассмотрения"),
    S.WITHDRAWN: ("Өтініш беруші кері қайтарып алды", "Отозвана заявителем"),
    Outcome.SATISFIED: ("Қанағаттандырылды", "Удовлетворена"),
    Outcome.PARTLY_SATISFIED: ("Ішінара қанағаттандырылды", "Удовлетворена частично"),
    Outcome.REJECTED: ("Қанағаттандырудан бас тартылды", "Отказано в удовлетворении"),
    Outcome.EXPLAINED: ("Түсіндірме берілді", "Дано разъяснение"),
    R.REGISTRAR: ("кеңсе қызметкері", "сотрудник канцелярии"),
    R.HEAD: ("басшы", "руководитель"),
    R.EXECUTOR: ("жауапты орындаушы", "ответственный исполнитель"),
    # Not in the glossary: as the back office's role list and docs/staff.md name them.
    R.SUPERVISOR: ("бақылаушы", "контролёр"),
    R.ADMIN: ("әкімші", "администратор"),
}


@pytest.mark.parametrize("member", list(GLOSSARY), ids=lambda member: member.value)
def test_labels_are_the_glossary_terms(member):
    assert (label(member, "kk"), label(member, "ru")) == GLOSSARY[member]


@pytest.mark.parametrize(
    "member", [*State, *Outcome, *Action, *Role], ids=lambda member: repr(member)
)
def test_every_member_has_distinct_kazakh_and_russian_labels(member):
    kazakh, russian = label(member, "kk"), label(member, "ru")
    assert kazakh.strip() and russian.strip()
    assert kazakh != russian


def test_an_unsupported_language_is_refused():
    with pytest.raises(ValueError, match="unsupported language"):
        label(State.REGISTERED, "en")
