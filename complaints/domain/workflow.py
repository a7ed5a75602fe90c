"""The life of a complaint: states, actions, who may take them, and their kk/ru labels.

Filing (registration) creates a complaint in `State.REGISTERED`; it is not a transition.
Everything that happens afterwards is an `Action` taken by someone in a `Role`, and the one
table `TRANSITIONS` below decides whether it is allowed and where it leads. Anything the
table does not allow raises `TransitionNotAllowed`, so the staff and public sides cannot
drift apart in what they permit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final

LANGUAGES: Final = ("kk", "ru")


class State(StrEnum):
    """Where a complaint is in its review."""

    REGISTERED = "registered"
    ASSIGNED = "assigned"
    IN_REVIEW = "in_review"
    ANSWER_DRAFTED = "answer_drafted"
    ANSWERED = "answered"
    FORWARDED = "forwarded"
    LEFT_WITHOUT_REVIEW = "left_without_review"
    WITHDRAWN = "withdrawn"


class Outcome(StrEnum):
    """What the answer decided; recorded when the executor drafts the answer."""

    SATISFIED = "satisfied"
    PARTLY_SATISFIED = "partly_satisfied"
    REJECTED = "rejected"
    EXPLAINED = "explained"


class Role(StrEnum):
    """Who is acting. Supervisors and admins read but never act on a complaint."""

    REGISTRAR = "registrar"
    HEAD = "head"
    EXECUTOR = "executor"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    APPLICANT = "applicant"


class Action(StrEnum):
    """Something done to a registered complaint (the order is the order of the buttons)."""

    ASSIGN = "assign"
    REASSIGN = "reassign"
    START_REVIEW = "start_review"
    ADD_NOTE = "add_note"
    DRAFT_ANSWER = "draft_answer"
    RETURN_DRAFT = "return_draft"
    APPROVE_ANSWER = "approve_answer"
    EXTEND = "extend"
    FORWARD = "forward"
    LEAVE_WITHOUT_REVIEW = "leave_without_review"
    WITHDRAW = "withdraw"
    ISSUE_ACCESS_CODE = "issue_access_code"


CLOSED_STATES: Final = frozenset(
    {State.ANSWERED, State.FORWARDED, State.LEFT_WITHOUT_REVIEW, State.WITHDRAWN}
)
OPEN_STATES: Final = frozenset(State) - CLOSED_STATES


@dataclass(frozen=True)
class Transition:
    """One row of the table: from which states, to which state, by whom, needing what.

    `to_state` is None when the action leaves the state as it is (a note, an extension).
    The `requires_*` flags are checked by `check_action_details`; `public_by_default` says
    whether the event's note appears on the applicant's timeline unless staff say otherwise.
    """

    from_states: frozenset[State]
    to_state: State | None
    roles: frozenset[Role]
    requires_outcome: bool = False
    requires_reason: bool = False
    requires_new_due_date: bool = False
    public_by_default: bool = False


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


_BEFORE_ANSWER = _states(State.REGISTERED, State.ASSIGNED, State.IN_REVIEW)

TRANSITIONS: Final = MappingProxyType(
    {
        Action.ASSIGN: Transition(_states(State.REGISTERED), State.ASSIGNED, _roles(Role.HEAD)),
        Action.REASSIGN: Transition(
            _states(State.ASSIGNED, State.IN_REVIEW), State.ASSIGNED, _roles(Role.HEAD)
        ),
        Action.START_REVIEW: Transition(
            _states(State.ASSIGNED), State.IN_REVIEW, _roles(Role.EXECUTOR)
        ),
        Action.ADD_NOTE: Transition(
            OPEN_STATES, None, _roles(Role.REGISTRAR, Role.HEAD, Role.EXECUTOR)
        ),
        Action.DRAFT_ANSWER: Transition(
            _states(State.IN_REVIEW),
            State.ANSWER_DRAFTED,
            _roles(Role.EXECUTOR),
            requires_outcome=True,
        ),
        Action.RETURN_DRAFT: Transition(
            _states(State.ANSWER_DRAFTED),
            State.IN_REVIEW,
            _roles(Role.HEAD),
            requires_reason=True,
        ),
        Action.APPROVE_ANSWER: Transition(
            _states(State.ANSWER_DRAFTED),
            State.ANSWERED,
            _roles(Role.HEAD),
            public_by_default=True,
        ),
        Action.EXTEND: Transition(
            _BEFORE_ANSWER | {State.ANSWER_DRAFTED},
            None,
            _roles(Role.HEAD),
            requires_reason=True,
            requires_new_due_date=True,
            public_by_default=True,
        ),
        Action.FORWARD: Transition(
            _BEFORE_ANSWER, State.FORWARDED, _roles(Role.HEAD), public_by_default=True
        ),
        Action.LEAVE_WITHOUT_REVIEW: Transition(
            _BEFORE_ANSWER,
            State.LEFT_WITHOUT_REVIEW,
            _roles(Role.HEAD),
            requires_reason=True,
            public_by_default=True,
        ),
        Action.WITHDRAW: Transition(
            OPEN_STATES, State.WITHDRAWN, _roles(Role.APPLICANT), public_by_default=True
        ),
        # An applicant who lost the code still needs to read an answered or closed complaint:
        # the akimat gives them a new one in person, after checking their identity document.
        Action.ISSUE_ACCESS_CODE: Transition(
            frozenset(State), None, _roles(Role.REGISTRAR, Role.HEAD)
        ),
    }
)


class TransitionNotAllowed(Exception):
    """Raised when `role` may not take `action` on a complaint in `state`."""

    def __init__(self, state: State, action: Action, role: Role) -> None:
        self.state = state
        self.action = action
        self.role = role
        super().__init__(f"{role.value} may not {action.value} a complaint that is {state.value}")


class InvalidActionDetails(ValueError):
    """An allowed action is missing what it needs (a reason, an outcome, a later due date).

    `field` names the missing or wrong input so a form can put the message next to it.
    """

    def __init__(self, action: Action, field: str, message: str) -> None:
        self.action = action
        self.field = field
        super().__init__(f"{action.value}: {message}")


def is_open(state: State) -> bool:
    """Open complaints still count against their deadline and accept actions."""
    return state in OPEN_STATES


def next_state(state: State, action: Action, role: Role) -> State:
    """The state after `role` takes `action`, or `TransitionNotAllowed`."""
    transition = TRANSITIONS[action]
    if state not in transition.from_states or role not in transition.roles:
        raise TransitionNotAllowed(state, action, role)
    return transition.to_state or state


def allowed_actions(state: State, role: Role) -> list[Action]:
    """What `role` may do now, in table order — the buttons a page shows."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if state in transition.from_states and role in transition.roles
    ]


def check_action_details(
    action: Action,
    *,
    reason: str | None = None,
    outcome: Outcome | None = None,
    new_due_on: date | None = None,
    current_due_on: date | None = None,
    executor_id: int | None = None,
    current_executor_id: int | None = None,
) -> None:
    """Refuse an action whose required details are missing, before anything is saved.

    An extension must move the deadline later: an "extension" to the same or an earlier
    day would shorten the applicant's wait without telling them why. A reassignment must
    name someone else: "reassigning" the executor already assigned would change nobody yet
    send a complaint under review back to `assigned`, as if its review had not started.
    """
    transition = TRANSITIONS[action]
    if transition.requires_reason and not (reason or "").strip():
        raise InvalidActionDetails(action, "reason", "a reason is required")
    if transition.requires_outcome and outcome is None:
        raise InvalidActionDetails(action, "outcome", "an outcome is required")
    if transition.requires_new_due_date:
        if new_due_on is None:
            raise InvalidActionDetails(action, "new_due_on", "a new due date is required")
        if current_due_on is not None and new_due_on <= current_due_on:
            raise InvalidActionDetails(
                action, "new_due_on", "the new due date must be later than the current one"
            )
    if action == Action.REASSIGN and executor_id is not None and executor_id == current_executor_id:
        raise InvalidActionDetails(
            action, "same_executor", "the complaint is already assigned to this executor"
        )


def is_public_by_default(action: Action) -> bool:
    """Whether the note of this action is shown to the applicant unless staff hide it.

    Decisions the applicant must learn about (answer, extension, forwarding, leaving without
    review, withdrawal) are public; internal steps and staff notes are not.
    """
    return TRANSITIONS[action].public_by_default


STATE_LABELS: Final = MappingProxyType(
    {
        State.REGISTERED: {"kk": "Тіркелді", "ru": "Зарегистрирована"},
        State.ASSIGNED: {"kk": "Орындаушы тағайындалды", "ru": "Назначен исполнитель"},
        State.IN_REVIEW: {"kk": "Қаралуда", "ru": "На рассмотрении"},
        State.ANSWER_DRAFTED: {
            "kk": "Жауап жобасы дайындалды",
            "ru": "Подготовлен проект ответа",
        },
        State.ANSWERED: {"kk": "Жауап берілді", "ru": "Дан ответ"},
        State.FORWARDED: {"kk": "Басқа органға жіберілді", "ru": "Перенаправлена"},
        State.LEFT_WITHOUT_REVIEW: {
            "kk": "Қараусыз қалдырылды",
            "ru": "Оставлена без рассмотрения",
        },
        State.WITHDRAWN: {
            "kk": "Өтініш беруші кері қайтарып алды",
            "ru": "Отозвана заявителем",
        },
    }
)

OUTCOME_LABELS: Final = MappingProxyType(
    {
        Outcome.SATISFIED: {"kk": "Қанағаттандырылды", "ru": "Удовлетворена"},
        Outcome.PARTLY_SATISFIED: {
            "kk": "Ішінара қанағаттандырылды",
            "ru": "Удовлетворена частично",
        },
        Outcome.REJECTED: {
            "kk": "Қанағаттандырудан бас тартылды",
            "ru": "Отказано в удовлетворении",
        },
        Outcome.EXPLAINED: {"kk": "Түсіндірме берілді", "ru": "Дано разъяснение"},
    }
)

# Button texts: Kazakh interfaces use the verbal noun, Russian ones the infinitive.
ACTION_LABELS: Final = MappingProxyType(
    {
        Action.ASSIGN: {"kk": "Орындаушы тағайындау", "ru": "Назначить исполнителя"},
        Action.REASSIGN: {"kk": "Орындаушыны ауыстыру", "ru": "Сменить исполнителя"},
        Action.START_REVIEW: {"kk": "Қарауды бастау", "ru": "Приступить к рассмотрению"},
        Action.ADD_NOTE: {"kk": "Ескертпе қосу", "ru": "Добавить примечание"},
        Action.DRAFT_ANSWER: {
            "kk": "Жауап жобасын дайындау",
            "ru": "Подготовить проект ответа",
        },
        Action.RETURN_DRAFT: {
            "kk": "Жобаны пысықтауға қайтару",
            "ru": "Вернуть проект на доработку",
        },
        Action.APPROVE_ANSWER: {"kk": "Жауапты бекіту", "ru": "Утвердить ответ"},
        Action.EXTEND: {
            "kk": "Қарау мерзімін ұзарту",
            "ru": "Продлить срок рассмотрения",
        },
        Action.FORWARD: {
            "kk": "Тиесілілігі бойынша жіберу",
            "ru": "Перенаправить по подведомственности",
        },
        Action.LEAVE_WITHOUT_REVIEW: {
            "kk": "Қараусыз қалдыру",
            "ru": "Оставить без рассмотрения",
        },
        Action.WITHDRAW: {"kk": "Шағымды кері қайтарып алу", "ru": "Отозвать жалобу"},
        Action.ISSUE_ACCESS_CODE: {
            "kk": "Жаңа кіру кодын беру",
            "ru": "Выдать новый код доступа",
        },
    }
)

# Role names in running text (lower case), as in GLOSSARY.md.
ROLE_LABELS: Final = MappingProxyType(
    {
        Role.REGISTRAR: {"kk": "кеңсе қызметкері", "ru": "сотрудник канцелярии"},
        Role.HEAD: {"kk": "басшы", "ru": "руководитель"},
        Role.EXECUTOR: {"kk": "жауапты орындаушы", "ru": "ответственный исполнитель"},
        # Not in the glossary: the names the back office gives them (docs/staff.md).
        Role.SUPERVISOR: {"kk": "бақылаушы", "ru": "контролёр"},
        Role.ADMIN: {"kk": "әкімші", "ru": "администратор"},
        Role.APPLICANT: {"kk": "өтініш беруші", "ru": "заявитель"},
    }
)

_LABELS_BY_TYPE: Final = MappingProxyType(
    {
        State: STATE_LABELS,
        Outcome: OUTCOME_LABELS,
        Action: ACTION_LABELS,
        Role: ROLE_LABELS,
    }
)


def label(member: State | Outcome | Action | Role, lang: str) -> str:
    """The Kazakh or Russian name of a state, outcome, action or role."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return _LABELS_BY_TYPE[type(member)][member][lang]
