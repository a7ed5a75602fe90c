"""Translation in templates and Python code: the cached catalogue must give what Flask-Babel and
Jinja's own i18n extension give, in the right language, also when an email switches it."""

from __future__ import annotations

import re

import pytest
from flask import g, render_template_string
from flask_babel import gettext as babel_gettext
from flask_babel import ngettext as babel_ngettext
from jinja2 import Environment

from qyzmet.i18n import catalogue, force_locale, translate, translate_plural


@pytest.fixture
def jinja_reference(guide_app):
    """Jinja's own new-style gettext over the same catalogue: what ours must match."""
    reference = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    reference.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
    )
    return reference


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize(
    "source",
    [
        '{{ _("Skip to main content") }}',
        '{{ gettext("Skip to main content") }}',
        # No variables, yet `%%` is still read as a format string.
        '{{ _("You can enter up to %%{count} characters") }}',
        # Variables are escaped into the translated markup.
        '{{ _("Complain to %(akimat)s", akimat="<script>x</script> & Co") }}',
        '{{ ngettext("%(num)s office: addresses, phones and hours", '
        '"%(num)s offices: addresses, phones and hours", 3) }}',
    ],
)
def test_templates_translate_as_jinjas_own_i18n_extension_does(
    guide_app, jinja_reference, lang, source
):
    with guide_app.test_request_context(f"/{lang}/"):
        g.lang_code = lang
        ours = [render_template_string(source) for _ in range(2)]  # the second from the memo
        expected = jinja_reference.from_string(source).render()
    assert ours == [expected, expected]
    assert "<script>" not in expected


def test_a_memoised_message_is_not_escaped_again_outside_html(guide_app):
    with guide_app.test_request_context("/ru/"):
        g.lang_code = "ru"
        html = render_template_string('{{ _("Complain to %(akimat)s", akimat="A & B") }}')
        text = guide_app.jinja_env.from_string(
            '{% autoescape false %}{{ _("Complain to %(akimat)s", akimat="A & B") }}'
            "{% endautoescape %}"
        ).render()
    assert html == "Подать жалобу: A &amp; B"
    assert text == "Подать жалобу: A & B"


def test_force_locale_switches_the_catalogue_a_page_already_cached(guide_app):
    """A staff member on a Kazakh page sends an email to a Russian-speaking applicant."""
    with guide_app.test_request_context("/kk/"):
        g.lang_code = "kk"
        page = render_template_string('{{ _("Skip to main content") }}')
        with force_locale("ru"):
            email = render_template_string('{{ _("Skip to main content") }}')
            python_side = translate("Skip to main content")
        after = render_template_string('{{ _("Skip to main content") }}')
    assert page == after == "Негізгі мазмұнға өту"
    assert email == python_side == "Перейти к основному содержанию"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_python_code_translates_as_flask_babel_does(guide_app, lang):
    with guide_app.test_request_context(f"/{lang}/"):
        g.lang_code = lang
        assert translate("Complain to %(akimat)s", akimat="X") == babel_gettext(
            "Complain to %(akimat)s", akimat="X"
        )
        for count in (1, 2, 5, 21):
            assert translate_plural(
                "%(value)s working day", "%(value)s working days", count, value=str(count)
            ) == babel_ngettext(
                "%(value)s working day", "%(value)s working days", count, value=str(count)
            )


def test_outside_an_application_the_message_stays_as_written():
    assert translate("Skip to main content") == "Skip to main content"


@pytest.mark.parametrize(("lang", "prefix"), [("kk", "Қате:"), ("ru", "Ошибка:")])
def test_the_govuk_widgets_announce_errors_in_the_pages_language(client, lang, prefix):
    page = client.get(f"/{lang}/staff/login/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/{lang}/staff/login/", data={"csrf_token": token})
    hidden = re.findall(r'govuk-visually-hidden">([^<]*)<', response.get_data(as_text=True))
    assert prefix in hidden
    assert "Error:" not in hidden


@pytest.mark.parametrize(
    ("lang", "required", "not_a_choice"),
    [
        ("kk", "Бұл өрісті толтырыңыз", "Тізімдегі нұсқалардың бірін таңдаңыз"),
        ("ru", "Заполните это поле", "Выберите один из вариантов списка"),
    ],
)
def test_a_check_without_a_message_of_its_own_speaks_in_the_catalogues_words(
    guide_app, lang, required, not_a_choice
):
    # WTForms' own translations would say "Бұл өріс міндетті түрде керек." or
    # "Неверный вариант.", in a register unlike the rest of the page.
    from werkzeug.datastructures import MultiDict
    from wtforms import RadioField, StringField
    from wtforms.validators import DataRequired

    from qyzmet.forms import Form

    class Bare(Form):
        name = StringField(validators=[DataRequired()])
        colour = RadioField(choices=[("red", "red")])

    with guide_app.test_request_context(f"/{lang}/", method="POST"):
        g.lang_code = lang
        form = Bare(MultiDict({"name": "", "colour": "blue"}), meta={"csrf": False})
        assert not form.validate()
    assert form.errors == {"name": [required], "colour": [not_a_choice]}


@pytest.mark.parametrize(
    ("days", "russian"),
    [
        (1, "1 рабочего дня"),
        (3, "3 рабочих дней"),
        (15, "15 рабочих дней"),
        (21, "21 рабочего дня"),
    ],
)
def test_a_period_of_working_days_agrees_with_its_number_in_russian(guide_app, days, russian):
    # "в течение 1 рабочих дней" was what a rule of one or 21 days would have read: the
    # sentences that take the number of days from the deadline rules go through ngettext.
    sentences = [
        "Within %(num)s working day of registration, with the applicant told",
        "A complaint on matters of state service provision can be filed with the authorised "
        "body for assessing and controlling the quality of state services. It is reviewed "
        "within %(num)s working day of its registration (%(basis)s).",
        "A complaint on matters of state service provision can also be filed with the "
        "authorised body for assessing and controlling the quality of state services. It is "
        "reviewed within %(num)s working day of its registration (%(basis)s).",
        "A complaint that is not the akimat's to review must be forwarded to the competent "
        "body within %(num)s working day of its registration (%(basis)s). Whether a "
        "forwarding was late is recorded when it is made, and counted here as it was recorded.",
    ]
    with guide_app.test_request_context("/ru/"):
        g.lang_code = "ru"
        for singular in sentences:
            plural = singular.replace("working day", "working days")
            text = render_template_string(
                "{{ ngettext(singular, plural, days, basis='статья 76') }}",
                singular=singular,
                plural=plural,
                days=days,
            )
            assert f"в течение {russian} со дня" in text.lower()
