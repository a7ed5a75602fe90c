"""Widgets of the back office that stand in for GOV.UK Frontend's macros."""

import pytest
from flask import request
from govuk_frontend_wtf.wtforms_widgets import GovSelect
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


def test_the_queue_filters_do_not_go_through_the_macro(fixture_app, monkeypatch):
    def macro(*args, **kwargs):
        raise AssertionError("the GOV.UK select macro was rendered")

    monkeypatch.setattr(GovSelect, "render", macro)
    with fixture_app.test_request_context("/kk/staff/?due=overdue"):
        form = QueueFilters(request.args)
        form.due.choices = [SelectChoice("", "Any"), SelectChoice("overdue", "Overdue")]
        html = form.due(params={"label": {"classes": "govuk-label--s"}})
    assert '<option value="overdue" selected>Overdue</option>' in html
