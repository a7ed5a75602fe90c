"""Widgets of the back office that stand in for GOV.UK Frontend's macros."""

import pytest
from flask import request
from govuk_frontend_wtf.gov_form_base import GovFormBase
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms.fields.choices import SelectChoice

from complaints.staff.forms import QueueFilters

CHOICES = [
    SelectChoice("", "Any <status>"),
    SelectChoice("in_review", "Қаралуда"),
    SelectChoice('a&b"c', 'Quote " & ampersand'),
]


@pytest.mark.parametrize(
    "params",
    [
        None,
        {"label": {"classes": "govuk-label--s"}},
        {"label": {"classes": "govuk-label--s"}, "classes": "qz-select--wide"},
        {"hint": {"text": "Left to the macro"}},
    ],
)
@pytest.mark.parametrize("query", ["", "?status=in_review", "?status=a%26b%22c"])
@pytest.mark.parametrize("choices", [CHOICES, []])
def test_the_plain_select_writes_what_the_govuk_macro_writes(fixture_app, params, query, choices):
    with fixture_app.test_request_context("/kk/staff/" + query):
        form = QueueFilters(request.args)
        form.status.choices = choices
        kwargs = {"params": params} if params else {}
        plain = form.status(**kwargs)
        expected = GovSelect()(form.status, **kwargs)
    assert str(plain) == str(expected)


def test_the_plain_select_leaves_an_error_to_the_govuk_macro(fixture_app):
    with fixture_app.test_request_context("/kk/staff/"):
        form = QueueFilters()
        form.due.choices = CHOICES
        form.due.errors = ["Choose a due date"]
        plain = form.due(params={"label": {"classes": "govuk-label--s"}})
        expected = GovSelect()(form.due, params={"label": {"classes": "govuk-label--s"}})
    assert 'aria-describedby="due-error"' in plain
    assert str(plain) == str(expected)


def test_the_queue_filters_do_not_go_through_the_macros(fixture_app, monkeypatch):
    def macro(*args, **kwargs):
        raise AssertionError("a GOV.UK macro was rendered")

    monkeypatch.setattr(GovFormBase, "render", macro)
    with fixture_app.test_request_context("/kk/staff/?due=overdue&q=TRZ"):
        form = QueueFilters(request.args)
        form.due.choices = [SelectChoice("", "Any"), SelectChoice("overdue", "Overdue")]
        due = form.due(params={"label": {"classes": "govuk-label--s"}})
        search = form.q(params={"label": {"classes": "govuk-label--s"}})
    assert '<option value="overdue" selected>Overdue</option>' in due
    assert 'value="TRZ"' in search


@pytest.mark.parametrize("params", [None, {"label": {"classes": "govuk-label--s"}}])
@pytest.mark.parametrize("query", ["", "?q=TRZ-2025", "?q=%22a%26b%3Cc%3E%27", "?q=%20"])
def test_the_plain_text_input_writes_what_the_govuk_macro_writes(fixture_app, params, query):
    with fixture_app.test_request_context("/kk/staff/" + query):
        form = QueueFilters(request.args)
        kwargs = {"params": params} if params else {}
        plain = form.q(**kwargs)
        expected = GovTextInput()(form.q, **kwargs)
    assert str(plain) == str(expected)


def test_the_plain_text_input_leaves_an_error_to_the_govuk_macro(fixture_app):
    with fixture_app.test_request_context("/kk/staff/?q=x"):
        form = QueueFilters(request.args)
        form.q.errors = ["Too long"]
        assert str(form.q()) == str(GovTextInput()(form.q))
        assert "govuk-input--error" in form.q()
