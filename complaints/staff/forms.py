"""Forms of the back office. Each action form carries the complaint version it was drawn from."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup, escape
from wtforms import (
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from complaints.domain.workflow import OUTCOME_LABELS, Outcome
from complaints.public.forms import ComplaintForm, GroupedSelectField, clean_line, clean_text
from complaints.staff.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, STAFF_ROLES
from qyzmet.forms import CheckboxField, DateInputField, Form

_VERSION = re.compile(r"[0-9]{1,9}")

ROLE_LABELS = {
    "registrar": _l("Registrar"),
    "head": _l("Head"),
    "executor": _l("Executor"),
    "supervisor": _l("Supervisor"),
    "admin": _l("Administrator"),
}


class LoginForm(Form):
    email = StringField(
        _l("Email address"),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter your email address")),
            Length(max=254, message=_l("Enter an email address like name@example.kz")),
        ],
        widget=GovTextInput(),
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=MAX_PASSWORD_LENGTH, message=_l("The password is too long")),
        ],
        widget=GovPasswordInput(),
    )
    submit = SubmitField(_l("Sign in"), widget=GovSubmitInput())


def _password_rules(form: Form, field: PasswordField) -> None:
    if len(field.data or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _l("The password must be at least %(count)s characters long", count=MIN_PASSWORD_LENGTH)
        )


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password"))],
        widget=GovPasswordInput(),
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters. A few unrelated words make a strong password."),
        validators=[
            DataRequired(message=_l("Enter a new password")),
            _password_rules,
            Length(max=MAX_PASSWORD_LENGTH, message=_l("The password is too long")),
        ],
        widget=GovPasswordInput(),
    )
    submit = SubmitField(_l("Change the password"), widget=GovSubmitInput())


class VersionedForm(Form):
    version = HiddenField(
        validators=[DataRequired(message=_l("The page is out of date. Reload it and try again."))]
    )

    def validate_version(self, field) -> None:
        # ASCII digits, few enough for the database's integer: str.isdigit() also takes "²",
        # which int() then refuses, and twenty digits overflow the column on PostgreSQL.
        if not _VERSION.fullmatch(field.data or ""):
            raise ValidationError(_l("The page is out of date. Reload it and try again."))


class ConfirmForm(VersionedForm):
    """Actions that need nothing but a decision: start the review, approve the answer."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class IssueAccessCodeForm(VersionedForm):
    """A new access code, given only to the applicant in person: the box is the registrar's
    or head's word that they checked who is asking."""

    identity_checked = CheckboxField(
        _l("I have checked the applicant's identity document"),
        validators=[
            DataRequired(
                message=_l("Confirm that you have checked the applicant's identity document")
            )
        ],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Issue a new access code"), widget=GovSubmitInput())


def _staff_id(value: object) -> int | None:
    """A staff id in ASCII digits, or None: nothing chosen, or something no option sends
    (the service then says to choose an executor of this akimat)."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and _VERSION.fullmatch(value) else None


class AssignForm(VersionedForm):
    """Choosing the executor, first or instead of the one assigned.

    The list starts at "Choose an executor", not at whoever sorts first: a head who sends
    it as it comes would otherwise assign someone they never chose. Which executors may be
    chosen is the service's rule (active, of this akimat, not the one already assigned), so
    its clear messages are shown rather than WTForms' "Not a valid choice".
    """

    executor_id = SelectField(
        _l("Responsible executor"),
        coerce=_staff_id,
        validate_choice=False,
        validators=[InputRequired(message=_l("Choose an executor"))],
        widget=GovSelect(),
    )
    note = TextAreaField(
        _l("Instructions for the executor (optional, internal)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=5000, message=_l("The note must be 5,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Assign"), widget=GovSubmitInput())


class NoteForm(VersionedForm):
    note = TextAreaField(
        _l("Note"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Write the note")),
            Length(max=5000, message=_l("The note must be 5,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    public = CheckboxField(_l("Show this note to the applicant"), widget=GovCheckboxInput())
    submit = SubmitField(_l("Add the note"), widget=GovSubmitInput())


def outcome_choices(lang: str) -> list[SelectChoice]:
    return [SelectChoice(outcome.value, OUTCOME_LABELS[outcome][lang]) for outcome in Outcome]


class DraftAnswerForm(VersionedForm):
    outcome = RadioField(
        _l("Decision"),
        validators=[InputRequired(message=_l("Choose the decision"))],
        widget=GovRadioInput(),
    )
    answer = TextAreaField(
        _l("Answer to the applicant"),
        description=_l("The applicant reads this text on the tracking page and in the email."),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Write the answer")),
            Length(max=20000, message=_l("The answer must be 20,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Submit the draft to the head"), widget=GovSubmitInput())


class ReasonForm(VersionedForm):
    """Returning a draft or leaving a complaint without review: a reason is required."""

    reason = TextAreaField(
        _l("Reason"),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Give the reason")),
            Length(max=5000, message=_l("The reason must be 5,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


def _today() -> date:
    """Today in Kazakhstan, from the same clock the actions are dated by."""
    from complaints.web import today_in_almaty

    return today_in_almaty()


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class ExtendForm(VersionedForm):
    new_due_on = DateInputField(
        _l("New due date"),
        description=_l("For example, 27 3 2026."),
        validators=[InputRequired(message=_l("Enter the new due date as day, month and year"))],
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        description=_l("The applicant is told the new date and this reason."),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Give the reason for the extension")),
            Length(max=5000, message=_l("The reason must be 5,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Extend the deadline"), widget=GovSubmitInput())

    def validate_new_due_on(self, field) -> None:
        """From today to a year ahead. The applicant is told this date, so a slip (2999 for
        2026) must not reach them; the rules table sets no longest extension, hence a year.
        That it is later than the current due date is the workflow's rule, checked when the
        action is taken."""
        if field.data is None:
            return
        today = _today()
        if field.data < today:
            raise ValidationError(_l("The new due date cannot be in the past"))
        if field.data > _years_after(today, 1):
            raise ValidationError(_l("The new due date cannot be more than a year from today"))


class ForwardForm(VersionedForm):
    forward_akimat = GroupedSelectField(
        _l("Akimat in Qyzmet"),
        description=_l("The complaint gets a new number there; the applicant is told."),
        validators=[Optional()],
    )
    forward_body = StringField(
        _l("Or another body (name)"),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=500, message=_l("The name must be 500 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    reason = TextAreaField(
        _l("Reason (optional, shown to the applicant)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=5000, message=_l("The reason must be 5,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    submit = SubmitField(_l("Forward"), widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.forward_akimat.data and not self.forward_body.data:
            self.forward_akimat.errors.append(_l("Choose an akimat or name another body"))
            valid = False
        if self.forward_akimat.data and self.forward_body.data:
            self.forward_body.errors.append(_l("Choose an akimat or name a body, not both"))
            valid = False
        return valid


class RegisterForm(ComplaintForm):
    """A registrar enters a complaint that arrived on paper, by post or in person."""

    channel = RadioField(
        _l("How did the complaint arrive?"),
        choices=[
            SelectChoice("paper", _l("On paper, handed to the office")),
            SelectChoice("post", _l("By post")),
            SelectChoice("in_person", _l("In person, written down at the office")),
        ],
        validators=[InputRequired(message=_l("Choose how the complaint arrived"))],
        widget=GovRadioInput(),
    )
    received_on = DateInputField(
        _l("Date it was received"),
        validators=[
            InputRequired(message=_l("Enter the date it was received as day, month and year"))
        ],
    )
    received_time = TimeField(
        _l("Time it was received"),
        description=_l("For example, 14:30."),
        validators=[InputRequired(message=_l("Enter the time it was received, for example 14:30"))],
        # Said the same way whether the time is missing or written some other way ("9.30").
        invalid_value_message=_l("Enter the time it was received, for example 14:30"),
        widget=GovTextInput(),
    )
    language = RadioField(
        _l("Language of the letters to the applicant"),
        description=_l("The registration email and every later one are sent in this language."),
        # Each language named in itself, as on the language switcher.
        choices=[SelectChoice("kk", "Қазақша"), SelectChoice("ru", "Русский")],
        validators=[InputRequired(message=_l("Choose the language of the letters"))],
        widget=GovRadioInput(),
    )
    consent = CheckboxField(
        _l("The applicant agreed to the processing of their personal data"),
        validators=[DataRequired(message=_l("Confirm the applicant's consent"))],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Register the complaint"), widget=GovSubmitInput())

    # The page asks how and when the complaint arrived right after the akimat. Declared here,
    # these fields would follow the applicant's, and with them their errors in the summary.
    _ASKED_FIRST = ("akimat", "channel", "received_on", "received_time")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first = {name: self._fields[name] for name in self._ASKED_FIRST}
        self._fields = first | {n: f for n, f in self._fields.items() if n not in first}

    def validate_received_on(self, field) -> None:
        """Not in the future, and not more than a year back.

        A complaint is registered when it arrives (on the next working day at the latest), so
        a date far back is a slip (2000 for 2026) that would put it in an old year's numbering
        and make it overdue at once. A year still leaves room to enter a backlog with its true
        dates; the time of day is checked by the view.
        """
        if field.data is None:
            return
        today = _today()
        if field.data > today:
            raise ValidationError(_l("The date it was received cannot be in the future"))
        if field.data < _years_after(today, -1):
            raise ValidationError(_l("The date it was received cannot be more than a year ago"))


class StaffAccountForm(Form):
    full_name = StringField(
        _l("Full name"),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter the full name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    email = StringField(
        _l("Email address"),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter the email address")),
            Email(
                message=_l("Enter an email address like name@example.kz"),
                check_deliverability=False,
            ),
            Length(max=254, message=_l("Enter an email address like name@example.kz")),
        ],
        widget=GovTextInput(),
    )
    role = RadioField(
        _l("Role"),
        choices=[
            SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES if role != "supervisor"
        ],
        validators=[InputRequired(message=_l("Choose a role"))],
        widget=GovRadioInput(),
    )
    language = RadioField(
        _l("Language of the interface"),
        choices=[SelectChoice("kk", "Қазақша"), SelectChoice("ru", "Русский")],
        default="kk",
        validators=[InputRequired(message=_l("Choose a language"))],
        widget=GovRadioInput(),
    )
    password = PasswordField(
        _l("First password"),
        description=_l(
            "At least 10 characters. Give it to the person; they can change it after signing in."
        ),
        validators=[
            DataRequired(message=_l("Enter a password")),
            _password_rules,
            Length(max=MAX_PASSWORD_LENGTH, message=_l("The password is too long")),
        ],
        widget=GovPasswordInput(),
    )
    submit = SubmitField(_l("Add the member of staff"), widget=GovSubmitInput())


class StaffChangeForm(Form):
    role = RadioField(
        _l("Role"),
        choices=[
            SelectChoice(role, ROLE_LABELS[role]) for role in STAFF_ROLES if role != "supervisor"
        ],
        validators=[Optional()],
        widget=GovRadioInput(),
    )
    active = HiddenField("Active")
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())


_OPTION_START = Markup('        <option value="')
_OPTION_END_OF_TAG = Markup('">')
_OPTION_SELECTED = Markup('" selected>')
_OPTION_END = Markup("</option>\n")


def _needs_the_macro(field, kwargs: dict, written_params: set[str]) -> bool:
    """Whether a field asks for more than the plain widgets write (an error, a hint, a
    required mark, other parameters): then the GOV.UK macro renders it."""
    params = kwargs.get("params", {})
    return bool(
        field.errors
        or field.description
        or "required" in field.flags
        or set(kwargs) - {"id", "params"}
        or set(params) - written_params
        or set(params.get("label", {})) - {"classes"}
        or "\n" in str(field.label.text)
    )


def _group_and_label(field, kwargs: dict) -> Markup:
    """The form group's opening and the label, as the GOV.UK macros write them."""
    label = kwargs.get("params", {}).get("label", {})
    return Markup(
        '<div class="govuk-form-group">\n'
        '  <label class="govuk-label{classes}" for="{id}">\n'
        "    {text}\n"
        "  </label>\n"
    ).format(
        id=kwargs.get("id", field.id),
        text=field.label.text,
        classes=f" {label['classes']}" if label.get("classes") else "",
    )


class PlainSelect(GovSelect):
    """GOV.UK's select, written out in Python rather than through the Jinja macro.

    The markup is the macro's, character for character (a test compares the two). The queue
    draws five or six selects on every page, and the macro and its imports cost about 2 ms
    each. What this does not write (an error, a hint, other parameters) goes to the macro.
    """

    def __call__(self, field, **kwargs):
        params = kwargs.get("params", {})
        if _needs_the_macro(field, kwargs, {"label", "classes"}):
            return super().__call__(field, **kwargs)
        parts = [
            _group_and_label(field, kwargs),
            Markup('  <select class="govuk-select{classes}" id="{id}" name="{name}">\n').format(
                id=kwargs.get("id", field.id),
                name=field.name,
                classes=f" {params['classes']}" if params.get("classes") else "",
            ),
        ]
        # Joined rather than formatted: a select of services has dozens of options.
        for value, text, selected, _ in field.iter_choices():
            parts += (
                _OPTION_START,
                escape(value),
                _OPTION_SELECTED if selected else _OPTION_END_OF_TAG,
                escape(text),
                _OPTION_END,
            )
        parts.append(Markup("  </select>\n</div>\n"))
        return Markup("").join(parts)


class PlainTextInput(GovTextInput):
    """GOV.UK's text input written out in Python, like `PlainSelect` (the queue's search box)."""

    def __call__(self, field, **kwargs):
        if _needs_the_macro(field, kwargs, {"label"}):
            return super().__call__(field, **kwargs)
        return _group_and_label(field, kwargs) + Markup(
            '  <input class="govuk-input" id="{id}" name="{name}" type="text" value="{value}">\n'
            "</div>\n"
        ).format(id=kwargs.get("id", field.id), name=field.name, value=field._value())


def _executor_choice(value: str | None) -> str | None:
    """ "none" or a staff id in ASCII digits; anything else filters nothing.

    The queue turns an id into an int, and "²" passes str.isdigit() but not int().
    """
    if value == "none" or (value and _VERSION.fullmatch(value)):
        return value
    return None


class QueueFilters(Form):
    """The queue's filters travel in the query string; no CSRF on a GET."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], widget=PlainSelect())
    executor = SelectField(
        _l("Executor"),
        filters=[_executor_choice],
        validators=[Optional()],
        widget=PlainSelect(),
    )
    service = SelectField(_l("Service"), validators=[Optional()], widget=PlainSelect())
    channel = SelectField(_l("Channel"), validators=[Optional()], widget=PlainSelect())
    due = SelectField(_l("Due"), validators=[Optional()], widget=PlainSelect())
    akimat = SelectField(_l("Akimat"), validators=[Optional()], widget=PlainSelect())
    q = StringField(
        _l("Registration number, applicant's name or subject"),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(
                max=100,
                message=_l(
                    "Search for 100 characters or fewer: a registration number, a name or "
                    "words of the subject"
                ),
            ),
        ],
        widget=PlainTextInput(),
    )
    page = IntegerField(validators=[Optional()])
