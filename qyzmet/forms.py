"""Form pieces shared by the public and staff sides that the libraries lack or get wrong."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_translations
from govuk_frontend_wtf.gov_form_base import GovFormBase
from wtforms import BooleanField, Field

_DIGITS = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")

# WTForms' own messages, for the checks where a field sets none: a choice that is not in the
# list (only a forged form sends one) or a hidden field left out. Said in this site's words
# from its catalogue, as every other message on the page, rather than in WTForms' own
# translations ("Жарамды таңдау емес.", "Неверный вариант.").
_WTFORMS_MESSAGES = {
    "Not a valid choice.": _l("Choose one of the options in the list"),
    "Invalid Choice: could not coerce.": _l("Choose one of the options in the list"),
    "This field is required.": _l("Fill in this field"),
}


class _CatalogueTranslations:
    def gettext(self, string: str) -> str:
        ours = _WTFORMS_MESSAGES.get(string)
        return str(ours) if ours is not None else wtforms_translations.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return wtforms_translations.ngettext(singular, plural, n)


_CATALOGUE_TRANSLATIONS = _CatalogueTranslations()


class Form(FlaskForm):
    """Every form of the site: a FlaskForm whose library messages come from our catalogue."""

    class Meta:
        def get_translations(self, form):
            return _CATALOGUE_TRANSLATIONS


class CheckboxField(BooleanField):
    """A checkbox that counts as ticked only when it sends its own value, as a browser's box
    does: WTForms' BooleanField takes anything but "false" or nothing as ticked, so a form
    made by hand with consent=no or public=0 would agree, or publish a staff note."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.data = bool(valuelist) and valuelist[0] == "y"

    def _value(self) -> str:
        # The box's value whatever came back with the form, or ticking it would send that.
        return "y"


class GovDateWidget(GovFormBase):
    """GOV.UK's day/month/year inputs, each with its own name and a label in the page language."""

    template = "govuk_frontend_wtf/date.html"

    def __call__(self, field: DateInputField, **kwargs):
        kwargs.setdefault("id", field.id)
        return super().__call__(field, **kwargs)

    def map_gov_params(self, field: DateInputField, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        error = " govuk-input--error" if field.errors else ""
        parts = field.parts()
        params.setdefault("fieldset", {"legend": {"text": field.label.text}})
        params["items"] = [
            {
                "label": str(label),
                "id": f"{field.id}-{part}",
                "name": f"{field.name}-{part}",
                "classes": f"govuk-input--width-{width}{error}",
                "value": parts[part],
                "inputmode": "numeric",
            }
            for part, label, width in (
                ("day", _l("Day"), 2),
                ("month", _l("Month"), 2),
                ("year", _l("Year"), 4),
            )
        ]
        return params


class DateInputField(Field):
    """A date typed as day, month and year, with plain-language messages."""

    widget = GovDateWidget()

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self._typed: dict[str, str] = {}

    def parts(self) -> dict[str, str]:
        if self._typed:
            return self._typed
        if isinstance(self.data, date):
            return {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }
        return {"day": "", "month": "", "year": ""}

    def process(self, formdata, data=None, extra_filters=None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is None:
            return
        typed = {
            part: (formdata.get(f"{self.name}-{part}") or "").strip()
            for part in ("day", "month", "year")
        }
        if not any(typed.values()):
            self.raw_data = []
            self.data = None
            return
        self._typed = typed
        self.raw_data = [typed["day"], typed["month"], typed["year"]]
        # ASCII digits only: int() also reads other scripts' digits, and a year of twenty
        # digits makes date() overflow rather than refuse.
        if not (
            _DIGITS.fullmatch(typed["day"])
            and _DIGITS.fullmatch(typed["month"])
            and _YEAR.fullmatch(typed["year"])
        ):
            self.data = None
            self.process_errors.append(_l("Enter a real date, for example 27 3 2026"))
            return
        try:
            self.data = date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
        except (ValueError, OverflowError):
            self.data = None
            self.process_errors.append(_l("Enter a real date, for example 27 3 2026"))
            return
        if not 2000 <= self.data.year <= 2999:
            self.data = None
            self.process_errors.append(_l("Enter a real date, for example 27 3 2026"))

    def process_formdata(self, valuelist) -> None:
        """Parsing happens in `process`, which sees the three named parts."""

    def _value(self) -> str:
        return ""
