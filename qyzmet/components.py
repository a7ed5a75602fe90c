"""The GOV.UK Frontend components of every page (skip link, breadcrumbs, back link) in Python.

The layout imported the three GOV.UK macros on every render, and a macro call costs tens of
microseconds; the static build renders thousands of pages. These functions write the macros'
own markup, character for character, for the parameters the templates pass (`text` and `href`,
breadcrumb `items` and `classes`); any other parameter goes to the GOV.UK macro itself.
`tests/test_components.py` compares the two. Templates call them by the macros' names.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import gettext
from markupsafe import Markup, escape

_MACROS = "govuk_frontend_jinja/components/{}/macro.html"


def _markup(html: str) -> Markup:
    """Markup written here, every value in it passed through `escape` (`Markup.format`, the
    obvious way, costs as much as the macro it replaces)."""
    return Markup(html)  # noqa: S704  # nosec B704  # constant markup and escaped values


def _govuk_macro(component: str, name: str, params: Any) -> Markup:
    """The GOV.UK macro itself, as `{% from … import … %}` would call it."""
    template = current_app.jinja_env.get_template(_MACROS.format(component))
    return getattr(template.module, name)(params)


def _only(params: Any, allowed: set[str]) -> bool:
    return isinstance(params, dict) and params.keys() <= allowed


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def skip_link(params: Any) -> Markup:
    """`govukSkipLink` for `href` and `text`."""
    return _link(
        params,
        "skip-link",
        "govukSkipLink",
        "#content",
        'class="govuk-skip-link" data-module="govuk-skip-link"',
    )


def back_link(params: Any) -> Markup:
    """`govukBackLink` for `href` and `text`."""
    return _link(params, "back-link", "govukBackLink", "#", 'class="govuk-back-link"')


def _link(params: Any, component: str, name: str, default_href: str, attributes: str) -> Markup:
    """The one-link components: `<a href=… attributes>text</a>`, as their macros write it."""
    if not _only(params, {"href", "text"}) or not _text(params.get("text")):
        return _govuk_macro(component, name, params)
    href = params.get("href") or default_href
    return _markup(f'<a href="{escape(href)}" {attributes}>{escape(params["text"])}</a>\n')


def breadcrumbs(params: Any) -> Markup:
    """`govukBreadcrumbs` for `items` (each with `text`, and `href` but for the last),
    `classes` and `labelText`.

    Without `labelText` the navigation's label is ours, in the page's language: the GOV.UK
    macro's default is the English "Breadcrumb", which a screen reader would read out on a
    Kazakh or Russian page.
    """
    items = params.get("items") if isinstance(params, dict) else None
    if (
        not _only(params, {"items", "classes", "labelText"})
        or not isinstance(items, list)
        or not isinstance(params.get("classes") or "", str)
        or not isinstance(params.get("labelText") or "", str)
        or not all(_only(item, {"text", "href"}) and _text(item.get("text")) for item in items)
    ):
        return _govuk_macro("breadcrumbs", "govukBreadcrumbs", params)
    classes = params.get("classes")
    class_names = f"govuk-breadcrumbs {classes}" if classes else "govuk-breadcrumbs"
    label = params.get("labelText") or gettext("Breadcrumb")
    parts = [
        f'<nav class="{escape(class_names)}" aria-label="{escape(label)}">\n'
        '  <ol class="govuk-breadcrumbs__list">\n'
    ]
    for item in items:
        if item.get("href"):
            parts.append(
                '    <li class="govuk-breadcrumbs__list-item">\n'
                f'      <a class="govuk-breadcrumbs__link" href="{escape(item["href"])}">'
                f"{escape(item['text'])}</a>\n"
                "    </li>\n"
            )
        else:
            parts.append(
                '    <li class="govuk-breadcrumbs__list-item" aria-current="page">'
                f"{escape(item['text'])}</li>\n"
            )
    parts.append("  </ol>\n</nav>\n")
    return _markup("".join(parts))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        govukSkipLink=skip_link, govukBackLink=back_link, govukBreadcrumbs=breadcrumbs
    )
