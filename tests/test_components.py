"""The Python skip link, breadcrumbs and back link write the GOV.UK macros' markup exactly."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from qyzmet.components import back_link, breadcrumbs, skip_link

MACROS = {
    skip_link: ("skip-link", "govukSkipLink"),
    back_link: ("back-link", "govukBackLink"),
    breadcrumbs: ("breadcrumbs", "govukBreadcrumbs"),
}
NASTY = "Кызмет & <b>\"x\"</b> 'y'"

CASES = [
    (skip_link, {"href": "#main-content", "text": "Негізгі мазмұнға өту"}),
    (skip_link, {"text": NASTY}),
    (skip_link, {"href": "", "text": Markup("<em>safe</em>")}),
    (skip_link, {"href": '#a"b', "text": NASTY}),
    (back_link, {"href": "/staff/queue/?a=1&b=2", "text": "Все жалобы"}),
    (back_link, {"text": NASTY}),
    (back_link, {"href": "/x", "text": ""}),  # the macro's default text
    (back_link, {"href": "/x", "text": "x", "classes": "extra"}),  # the macro itself
    (skip_link, {"href": "#x", "text": "x", "attributes": {"data-x": "1"}}),  # the macro itself
    (
        breadcrumbs,
        {
            "items": [
                {"text": "Қызметтер", "href": "/kk/"},
                {"text": NASTY, "href": "/kk/topics/a&b/"},
            ],
            "classes": "qz-no-print",
            "labelText": "Навигация жолы",
        },
    ),
    (
        breadcrumbs,
        {
            "items": [
                {"text": "Services", "href": "/ru/"},
                {"text": "Offices", "href": "/ru/regions/"},
                {"text": NASTY},
            ],
            "labelText": NASTY,
        },
    ),
    (breadcrumbs, {"items": [{"text": "Only", "href": ""}], "classes": "", "labelText": "x"}),
    (breadcrumbs, {"items": [], "labelText": "Навигационная цепочка"}),
    (breadcrumbs, {"items": [{"text": "x", "href": "/"}], "collapseOnMobile": True}),
    (breadcrumbs, {"items": [{"html": "<b>x</b>", "href": "/"}]}),
]


@pytest.mark.parametrize(("function", "params"), CASES)
def test_plain_components_match_the_govuk_macros(guide_app, function, params):
    component, name = MACROS[function]
    source = (
        f'{{% from "govuk_frontend_jinja/components/{component}/macro.html" import {name} %}}'
        f"{{{{ {name}(params) }}}}"
    )
    with guide_app.test_request_context("/kk/"):
        expected = guide_app.jinja_env.from_string(source).render(params=params)
        written = function(params)
    assert isinstance(written, Markup)
    assert str(written) == expected


def test_templates_call_them_by_the_macros_names(guide_app):
    globals_ = guide_app.jinja_env.globals
    assert globals_["govukSkipLink"] is skip_link
    assert globals_["govukBackLink"] is back_link
    assert globals_["govukBreadcrumbs"] is breadcrumbs


@pytest.mark.parametrize(
    ("lang", "label"), [("kk", "Навигация жолы"), ("ru", "Навигационная цепочка")]
)
def test_breadcrumbs_are_labelled_in_the_pages_language_not_in_english(guide_client, lang, label):
    page = guide_client.get(f"/{lang}/akimats/").get_data(as_text=True)
    assert f'<nav class="govuk-breadcrumbs" aria-label="{label}">' in page
    assert 'aria-label="Breadcrumb"' not in page
