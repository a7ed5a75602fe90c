"""Forms the applicant fills in. Every validator carries a plain-language message."""

from __future__ import annotations

import re
import secrets
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from complaints.domain.access_code import InvalidAccessCode, normalise_access_code
from complaints.domain.iin import is_valid_iin, normalise_iin
from complaints.domain.numbering import InvalidRegistrationNumber, parse_registration_number
from complaints.domain.phone import InvalidPhone, normalise_phone
from qyzmet.forms import CheckboxField, Form

MAX_TEXT = 10_000

# Browsers send a textarea's line breaks as CRLF, but the character counter counts one
# character per break: counting "\r" too would refuse a text the counter accepted.
_LINE_BREAK = re.compile(r"\r\n?|[\u2028\u2029]")
# C0 and C1 controls and DEL; tabs and line feeds are kept (single-line fields fold them).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Marks that show nothing on their own: a value made only of these and spaces is blank.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"})
# Letters and symbols that draw nothing, used to pass a required field with an empty look.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


# Unicode's format characters (category Cf, as of Unicode 15): zero-width spaces and joiners,
# bidi overrides, the BOM, soft hyphens, tags. One pattern rather than a category lookup per
# character, which cost a filing about half a millisecond of CPU; a test holds the list to
# `unicodedata`.
_FORMAT_CHARACTERS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]"
)


def _without_format_characters(value: str) -> str:
    """Drop Unicode format characters (zero-width spaces and joiners, bidi overrides, BOM).

    Kazakh and Russian text needs none of them; they only hide text or turn it around.
    """
    if value.isascii():
        return value
    return _FORMAT_CHARACTERS.sub("", value)


def _shows_something(value: str) -> bool:
    return any(
        ch not in _BLANK_LOOKING and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in value
    )


def clean_text(value: str | None) -> str | None:
    """Normalise line breaks, strip controls and invisible characters, normalise Unicode.

    A value with nothing visible left is empty, so a required field says "enter …" rather
    than registering a blank name or text.
    """
    if not isinstance(value, str):
        return None  # no browser sends anything but text for a text field
    value = _CONTROL.sub("", _LINE_BREAK.sub("\n", value))
    value = unicodedata.normalize("NFC", _without_format_characters(value)).strip()
    return value if _shows_something(value) else ""


def clean_line(value: str | None) -> str | None:
    value = clean_text(value)
    return re.sub(r"\s+", " ", value) if value else value


def sendable_email(form, field) -> None:
    """An address the mail code can send to, stored with its domain in ASCII (IDNA).

    A Cyrillic domain (мысал.қаз) is written as its xn-- form, which every mail server
    takes. A non-Latin name before the @ needs SMTPUTF8, which many servers lack, so the
    applicant is asked for another address rather than never getting the answer.
    """
    if field.errors:
        return
    try:
        checked = validate_email(field.data or "", check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_l("Enter an email address like name@example.kz")) from None
    if checked.ascii_email is None:
        raise ValidationError(
            _l("Use Latin letters before the @ in the email address, for example name@example.kz")
        )
    field.data = checked.ascii_email


class GroupedSelectField(SelectField):
    """A select whose choices carry optgroups (akimats by region); rendered by our macro.

    `empty_message` says what to choose when nothing was (a required select); a value that is
    not in the list, which only a forged form sends, gets the general message.
    """

    def __init__(self, *args, empty_message: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.empty_message = empty_message

    def process_formdata(self, valuelist: list[str]) -> None:
        # Blanks are no choice. `Optional()` takes them for empty and ends the checks, so
        # unstripped they would reach the directory as an office named " ".
        super().process_formdata([value.strip() for value in valuelist])

    def pre_validate(self, form) -> None:
        if not self.data and self.empty_message:
            raise ValidationError(self.empty_message)
        if self.data not in {choice.value for choice in self.choices or []}:
            raise ValidationError(_l("Choose one of the options in the list"))


class ComplaintForm(Form):
    """The applicant's complaint. Fields are declared in the order the page shows them: the
    error summary lists its errors in this order (GOV.UK: the order of the fields)."""

    akimat = GroupedSelectField(
        _l("Which akimat is the complaint to?"),
        description=_l("Choose the akimat of the district or city where the service was provided."),
        validate_choice=True,
        empty_message=_l("Choose the akimat the complaint is to"),
    )
    service = GroupedSelectField(
        _l("Which service is it about? (optional)"),
        validators=[Optional()],
    )
    office = GroupedSelectField(
        _l("Which office provided the service? (optional)"),
        validators=[Optional()],
    )
    subject = StringField(
        _l("Subject of the complaint"),
        description=_l("In a few words, for example: documents were not accepted."),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter the subject of the complaint")),
            Length(max=200, message=_l("The subject must be 200 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    text = TextAreaField(
        _l("What happened"),
        description=_l(
            "Describe the official's action or inaction: when and where it happened, who was "
            "involved and what you ask the akimat to do."
        ),
        filters=[clean_text],
        validators=[
            DataRequired(message=_l("Describe what happened")),
            Length(max=MAX_TEXT, message=_l("The description must be 10,000 characters or fewer")),
        ],
        widget=GovCharacterCount(),
    )
    attachments = MultipleFileField(
        _l("Attach documents (optional)"),
        description=_l("Up to 5 files: PDF, JPEG or PNG, each up to 10 MB."),
        widget=GovFileInput(multiple=True),
    )
    full_name = StringField(
        _l("Full name"),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter your full name")),
            Length(max=200, message=_l("Your name must be 200 characters or fewer")),
        ],
        widget=GovTextInput(),
    )
    iin = StringField(
        _l("IIN (optional)"),
        description=_l("Your individual identification number: 12 digits."),
        filters=[clean_line],
        validators=[Optional()],
        widget=GovTextInput(),
    )
    phone = StringField(
        _l("Phone number (optional)"),
        description=_l("For example, 8 701 123 45 67 or +7 701 123 45 67."),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=40, message=_l("Enter a phone number like 8 701 123 45 67")),
        ],
        widget=GovTextInput(),
    )
    email = StringField(
        # Needed only for the answer by email (`validate`): the label says when, as the
        # other fields say "(optional)", so that it does not read as always required.
        _l("Email address (needed for the answer by email)"),
        description=_l(
            "We send the receipt and the answer here if you choose to get replies by email."
        ),
        filters=[clean_line],
        validators=[
            Optional(),
            Length(max=254, message=_l("Enter an email address like name@example.kz")),
            sendable_email,
        ],
        widget=GovTextInput(),
    )
    address = TextAreaField(
        _l("Postal address (needed for the answer by post)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=500, message=_l("The address must be 500 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    reply_channel = RadioField(
        _l("How do you want to receive the answer?"),
        choices=[SelectChoice("email", _l("By email")), SelectChoice("post", _l("By post"))],
        validators=[InputRequired(message=_l("Choose how you want to receive the answer"))],
        widget=GovRadioInput(),
    )
    consent = CheckboxField(
        _l("I agree to the processing of my personal data for the review of this complaint"),
        validators=[
            DataRequired(message=_l("You must agree to the processing of your personal data"))
        ],
        widget=GovCheckboxInput(),
    )
    # A field people never see; bots that fill every input fill this one too.
    website = StringField(_l("Leave this field empty"))
    # Labelled: WTForms would translate a missing label, loading its catalogue from disk.
    submission_token = HiddenField("Submission Token")
    submit = SubmitField(_l("Send the complaint"), widget=GovSubmitInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.submission_token.data:
            self.submission_token.data = secrets.token_urlsafe(24)

    def validate_iin(self, field) -> None:
        if field.data:
            from complaints.web import today_in_almaty

            if not is_valid_iin(field.data, on=today_in_almaty()):
                raise ValidationError(_l("Enter a valid IIN: 12 digits with a correct check digit"))
            field.data = normalise_iin(field.data)

    def validate_phone(self, field) -> None:
        if field.data:
            try:
                field.data = normalise_phone(field.data)
            except InvalidPhone:
                raise ValidationError(
                    _l("Enter a Kazakhstan phone number like 8 701 123 45 67")
                ) from None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends a field's own checks when it is empty, so needs that depend on
        # another field (the reply channel) are checked here, after every field.
        reply = self.reply_channel.data
        if reply == "email" and not self.email.data and not self.email.errors:
            self.email.errors.append(_l("Enter your email address to receive the answer by email"))
            valid = False
        if reply == "post" and not self.address.data and not self.address.errors:
            message = _l("Enter your postal address to receive the answer by post")
            self.address.errors.append(message)
            valid = False
        same_region = self._same_region_as_the_akimat()
        return self._office_of_the_akimat() and same_region and valid

    def _office_of_the_akimat(self) -> bool:
        """Within the akimat's oblast the office must still be one the akimat answers for: a
        district's department is its district akimat's, not the city's next door (a link from
        one office's page, the akimat changed afterwards)."""
        from complaints import directory
        from qyzmet.i18n import current_language

        if not (self.akimat.data and self.office.data) or self.akimat.errors or self.office.errors:
            return True
        if directory.serves(self.akimat.data, self.office.data):
            return True
        over = directory.akimat_over(self.office.data)
        if over is not None:
            message = _l(
                "This office is part of the akimat: %(akimat)s. Choose that akimat, another "
                "office or leave the office empty"
            ) % {"akimat": directory.body_name(over.id, current_language())}
        else:
            message = _l(
                "This office does not serve the akimat's district or city: choose another "
                "office or leave it empty"
            )
        self.office.errors.append(message)
        return False

    def _same_region_as_the_akimat(self) -> bool:
        """The service and the office, when chosen, are of the akimat's oblast or city: an
        akimat reviews complaints about its own region's services, and a pair from two
        regions (a link from one region's page, the akimat changed afterwards) is a slip."""
        from complaints import directory
        from qyzmet.i18n import current_language

        if not self.akimat.data or self.akimat.errors:
            return True
        home = directory.top_region_of_akimat(self.akimat.data)
        valid = True
        for field, region, message in (
            (
                self.service,
                directory.top_region_of_service(self.service.data) if self.service.data else None,
                _l(
                    "The service is provided in %(region)s, not in the akimat's region: choose "
                    "another service or leave it empty"
                ),
            ),
            (
                self.office,
                directory.top_region_of_body(self.office.data) if self.office.data else None,
                _l(
                    "The office is in %(region)s, not in the akimat's region: choose another "
                    "office or leave it empty"
                ),
            ),
        ):
            if region is not None and home is not None and region != home and not field.errors:
                field.errors.append(
                    message % {"region": directory.region_name(region, current_language())}
                )
                valid = False
        return valid

    def validate_submission_token(self, field) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", field.data or ""):
            raise ValidationError(_l("The form has expired. Reload the page and send it again."))


class TrackForm(Form):
    registration_number = StringField(
        _l("Registration number"),
        description=_l("For example, TRZ-2026-000042."),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter the registration number")),
            Length(max=40, message=_l("Enter the registration number like TRZ-2026-000042")),
        ],
        widget=GovTextInput(),
    )
    access_code = StringField(
        _l("Access code"),
        description=_l("The code from your receipt, for example K7Q2-9XRM-3B."),
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter the access code")),
            Length(max=40, message=_l("Enter the access code like K7Q2-9XRM-3B")),
        ],
        widget=GovTextInput(),
    )
    submit = SubmitField(_l("Find my complaint"), widget=GovSubmitInput())

    def validate_registration_number(self, field) -> None:
        try:
            field.data = str(parse_registration_number(field.data))
        except InvalidRegistrationNumber:
            raise ValidationError(
                _l("Enter the registration number like TRZ-2026-000042")
            ) from None

    def validate_access_code(self, field) -> None:
        try:
            normalise_access_code(field.data)
        except InvalidAccessCode:
            raise ValidationError(_l("Enter the access code like K7Q2-9XRM-3B")) from None


class WithdrawForm(Form):
    version = HiddenField("Version")

    reason = TextAreaField(
        _l("Why are you withdrawing the complaint? (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=2000, message=_l("The reason must be 2,000 characters or fewer")),
        ],
        widget=GovTextArea(),
    )
    confirm = CheckboxField(
        _l("I understand that a withdrawn complaint is no longer reviewed"),
        validators=[DataRequired(message=_l("Confirm that you want to withdraw the complaint"))],
        widget=GovCheckboxInput(),
    )
    submit = SubmitField(_l("Withdraw the complaint"), widget=GovSubmitInput())

    def validate_version(self, field) -> None:
        # Hidden and filled in by the page: anything but its digits is a damaged or forged form.
        if not re.fullmatch(r"[0-9]{1,9}", field.data or ""):
            raise ValidationError(_l("The form has expired. Reload the page and send it again."))


SURVEY_CHOICES = [
    SelectChoice("satisfied", _l("Satisfied")),
    SelectChoice("partly_satisfied", _l("Partly satisfied")),
    SelectChoice("not_satisfied", _l("Not satisfied")),
]


class SurveyForm(Form):
    procedure = RadioField(
        _l("Are you satisfied with how your complaint was handled?"),
        choices=SURVEY_CHOICES,
        validators=[
            InputRequired(message=_l("Choose an answer about how the complaint was handled"))
        ],
        widget=GovRadioInput(),
    )
    timeliness = RadioField(
        _l("Are you satisfied with how quickly your complaint was answered?"),
        choices=SURVEY_CHOICES,
        validators=[
            InputRequired(message=_l("Choose an answer about how quickly it was answered"))
        ],
        widget=GovRadioInput(),
    )
    submit = SubmitField(_l("Send my answers"), widget=GovSubmitInput())
