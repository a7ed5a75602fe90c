"""Language in the URL (`/kk/…`, `/ru/…`): the site is static, so no server negotiation.

Every localised route takes a `lang_code` in its path; the value is moved into `g` before the
view runs and added back to `url_for` calls automatically, so views and templates never pass it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import get_locale, get_translations, refresh
from werkzeug.routing import BaseConverter

from qyzmet.config import LANGUAGE_NAMES, LANGUAGES


class LanguageConverter(BaseConverter):
    """Matches only the languages we publish, so `/en/…` is an ordinary 404."""

    regex = "|".join(LANGUAGES)


def current_language() -> str:
    return g.get("lang_code") or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    if lang := g.get("lang_code"):
        return lang
    # Pages outside a language prefix (errors on unknown paths): take it from the path if we can.
    first = request.path.lstrip("/").split("/", 1)[0] if request else ""
    return first if first in LANGUAGES else current_app.config["BABEL_DEFAULT_LOCALE"]


def alternate_url(lang: str) -> str | None:
    """The current page in another language, or None when the page has no language variant."""
    if request.endpoint is None or request.url_rule is None:
        return None
    if "lang_code" not in request.url_rule.arguments:
        return None
    values: dict[str, Any] = dict(request.view_args or {})
    values["lang_code"] = lang
    return url_for(request.endpoint, **values)


_CATALOGUES: dict[tuple[int, str], Any] = {}


def catalogue() -> Any:
    """The compiled catalogue of the page's language, looked up once per process and language.

    Flask-Babel resolves the translations through several context lookups on every string;
    templates call gettext dozens of times a page, and a catalogue never changes while the
    process runs.
    """
    found = g.get("_catalogue")
    if found is None:
        key = (id(current_app._get_current_object()), str(get_locale()))  # type: ignore[attr-defined]
        found = _CATALOGUES.get(key)
        if found is None:
            found = _CATALOGUES[key] = get_translations()
        g._catalogue = found
    return found


def install_template_gettext(app: Flask) -> None:
    """Templates translate through `catalogue()`; call after Flask-Babel's init_app."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
        # Always reset: the static build runs many requests inside one application context,
        # where `g` and Flask-Babel's cached locale would otherwise leak between pages.
        g.lang_code = values.pop("lang_code", None) if values else None
        g.pop("_catalogue", None)
        refresh()

    @app.url_defaults
    def add_language(endpoint: str, values: dict[str, Any]) -> None:
        if "lang_code" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            return
        values["lang_code"] = current_language()

    @app.context_processor
    def language_helpers() -> dict[str, Any]:
        lang = str(get_locale() or current_language())
        return {
            "lang": lang,
            "other_languages": [code for code in LANGUAGES if code != lang],
            "language_names": LANGUAGE_NAMES,
            "alternate_url": alternate_url,
        }
