"""Language in the URL (`/kk/…`, `/ru/…`): the site is static, so no server negotiation.

Every localised route takes a `lang_code` in its path; the value is moved into `g` before the
view runs and added back to `url_for` calls automatically, so views and templates never pass it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, g, request
from flask_babel import force_locale as babel_force_locale
from flask_babel import get_locale, get_translations, refresh
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from qyzmet.config import LANGUAGE_NAMES, LANGUAGES
from qyzmet.urls import cached_url_for, can_carry


class LanguageConverter(BaseConverter):
    """Matches only the languages we publish, so `/en/…` is an ordinary 404."""

    regex = "|".join(LANGUAGES)


def current_language() -> str:
    return g.get("lang_code") or current_app.config["BABEL_DEFAULT_LOCALE"]


def select_locale() -> str:
    if lang := g.get("lang_code"):
        return lang
    # Before any route was matched (a request context made by hand, an error raised early):
    # the path's language, as `pull_language` takes it for a path no route matched.
    path_language = _language_of_path(request.path) if request else None
    return path_language or current_app.config["BABEL_DEFAULT_LOCALE"]


def _language_of_path(path: str) -> str | None:
    """The language a path starts with, for a path no route matched (`/ru/no-such-page/`)."""
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def alternate_url(lang: str) -> str | None:
    """The current page in another language, or None when the page has no language variant."""
    if request.endpoint is None or request.url_rule is None:
        return None
    if "lang_code" not in request.url_rule.arguments:
        return None
    values: dict[str, Any] = dict(request.view_args or {})
    values["lang_code"] = lang
    if "GET" not in request.url_rule.methods:
        # The reply to a form sent to an address that takes only forms (a staff action sent
        # back with an error): a link there would be "method not allowed". The page above.
        return _page_above(cached_url_for(request.endpoint, **values))
    # The query too: a form pre-filled from a guide page, a search. Never one that would
    # override the path's own values (`?lang_code=`), nor one url_for reads as its own.
    for name in request.args:
        if name not in values and can_carry(name):
            values[name] = request.args.getlist(name)
    return cached_url_for(request.endpoint, **values)


def _page_above(path: str) -> str:
    """The nearest page above `path` that a link can open (`/ru/staff/complaints/15/extend/`
    → `/ru/staff/complaints/15/`), at worst the language's home page."""
    adapter = request.url_rule.map.bind("")
    parts = path.strip("/").split("/")
    while len(parts) > 1:
        parts.pop()
        above = "/" + "/".join(parts) + "/"
        try:
            adapter.match(above, method="GET")
        except HTTPException:
            continue
        return above
    return "/" + parts[0] + "/"


_CATALOGUES: dict[tuple[int, str], Any] = {}
_NO_CATALOGUE = NullTranslations()


def catalogue() -> Any:
    """The compiled catalogue of the current language, looked up once per process and language.

    Flask-Babel resolves the translations through several context lookups on every string;
    templates call gettext dozens of times a page, and a catalogue never changes while the
    process runs. Kept on `g` until the language changes: a new request, or `force_locale`.
    """
    found = g.get("_catalogue") if g else None
    if found is None:
        if not g:  # no application context: messages stay as written
            return _NO_CATALOGUE
        key = (id(current_app._get_current_object()), str(get_locale()))  # type: ignore[attr-defined]
        found = _CATALOGUES.get(key)
        if found is None:
            found = _CATALOGUES[key] = get_translations()
        g._catalogue = found
    return found


@contextmanager
def force_locale(lang: str) -> Iterator[None]:
    """Flask-Babel's `force_locale` that also switches the cached catalogue (an email in the
    applicant's language, written while serving a page in another)."""
    saved = g.pop("_catalogue", None)
    try:
        with babel_force_locale(lang):
            yield
    finally:
        g.pop("_catalogue", None)
        if saved is not None:
            g._catalogue = saved


def translate(message: str, **variables: Any) -> str:
    """`gettext` for Python code, through the cached catalogue (Flask-Babel's own, faster)."""
    text = catalogue().ugettext(message)
    return text % variables if variables else text


def translate_plural(singular: str, plural: str, count: int, **variables: Any) -> str:
    """`ngettext` for Python code; like Flask-Babel's, `%(num)s` is the count."""
    variables.setdefault("num", count)
    return catalogue().ungettext(singular, plural, count) % variables


# (catalogue, message, autoescape) -> the finished string of a message without variables
_PLAIN_MESSAGES: dict[tuple[int, str, bool], str] = {}


def make_template_gettext(translations: Any = None) -> Any:
    """Jinja's new-style `gettext`/`_`, with messages that take no variables memoised.

    A service page translates about 90 messages; Jinja's own callable goes through its alias,
    two context calls and a `%` format each time, a quarter of the page's rendering. The
    result is the same: Markup when autoescaping, and `%%` always read as a format string.
    Bound to `translations` for one render, or looking the catalogue up on every call.
    """

    @pass_eval_context
    def template_gettext(eval_context: EvalContext, message: str, **variables: Any) -> str:
        found_translations = translations if translations is not None else catalogue()
        if variables:
            text = found_translations.ugettext(message)
            return _as_template_text(text, eval_context) % variables
        key = (id(found_translations), message, eval_context.autoescape)
        found = _PLAIN_MESSAGES.get(key)
        if found is None:
            text = _as_template_text(found_translations.ugettext(message), eval_context)
            found = _PLAIN_MESSAGES[key] = text % {}
        return found

    return template_gettext


def make_template_ngettext(translations: Any = None) -> Any:
    """Jinja's new-style `ngettext` (`%(num)s` is the count), bound as `make_template_gettext`.

    Taking only the evaluation context, not the whole template context, spares a call inside a
    loop the copy of the context that Jinja makes for context functions there.
    """

    @pass_eval_context
    def template_ngettext(
        eval_context: EvalContext, singular: str, plural: str, count: int, **variables: Any
    ) -> str:
        found_translations = translations if translations is not None else catalogue()
        variables.setdefault("num", count)
        text = found_translations.ungettext(singular, plural, count)
        return _as_template_text(text, eval_context) % variables

    return template_ngettext


def _as_template_text(translated: str, eval_context: EvalContext) -> str:
    # Our own catalogue's text is trusted markup, as in Jinja's i18n extension; `%` escapes
    # the variables put into it.
    if not eval_context.autoescape:
        return translated
    return Markup(translated)  # noqa: S704  # nosec B704  # our catalogue, as Jinja's i18n does


def install_template_gettext(app: Flask) -> None:
    """Templates translate through `catalogue()`; call after Flask-Babel's init_app."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalogue().ugettext(s),
        ngettext=lambda s, p, n: catalogue().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: catalogue().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalogue().unpgettext(c, s, p, n),
    )
    # `_` bound straight to the function, not to Jinja's alias that looks `gettext` up by name.
    looking_up = make_template_gettext()
    app.jinja_env.globals.update(
        gettext=looking_up, _=looking_up, ngettext=make_template_ngettext()
    )

    app.context_processor(translation_context)


def translation_context() -> dict[str, Any]:
    """`_`, `gettext` and `ngettext` bound to the current language's catalogue, for one render.

    Each render gets the catalogue once; templates (and macros imported with context) then
    translate without a context lookup per message.
    """
    translations = catalogue()
    bound = make_template_gettext(translations)
    return {"gettext": bound, "_": bound, "ngettext": make_template_ngettext(translations)}


def init_app(app: Flask) -> None:
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
        # Always reset: the static build runs many requests inside one application context,
        # where `g` and Flask-Babel's cached locale would otherwise leak between pages.
        # A path no route matched has no `lang_code`, but its error page is in the path's
        # language: so are its links (a Russian 404 led to the Kazakh guide and complaint form).
        lang = values.pop("lang_code", None) if values else None
        g.lang_code = lang or _language_of_path(request.path)
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
