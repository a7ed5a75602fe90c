"""`url_for`, remembered: a page links to the same few dozen URLs as every other page.

Building a URL costs Flask and Werkzeug 8–13 µs (URL defaults, the rule's converters, quoting);
a guide page builds about 20, and the static build renders thousands of pages. Inside a
request, the URL of an endpoint and its values depends only on the language (the one URL
default, `qyzmet.i18n`) and the request's URL adapter (host, script root, scheme), so the answer
is kept under those, per app. Anything else (`_external`, `_anchor`, …, blueprint-relative
endpoints, values other than strings, no request, other URL defaults) goes to Flask.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, url_for
from werkzeug.routing import IntegerConverter

try:  # Flask's own handle on the request context: private, so a later Flask may move it
    from flask.globals import _cv_request
except ImportError:  # pragma: no cover - then every URL is built by Flask, only not remembered
    _cv_request = None

# Enough for every page of a large site; the cache starts again past it.
MAX_URLS = 50_000
_EXTENSION = "qyzmet.urls"
_UNCHECKED: Any = object()


def cached_url_for(endpoint: str, **values: Any) -> str:
    """`flask.url_for`, with the answer remembered (see the module's docstring)."""
    req_ctx = _cv_request.get(None) if _cv_request is not None else None
    if req_ctx is None or req_ctx.url_adapter is None:
        return url_for(endpoint, **values)
    app = req_ctx.app
    cache = app.extensions.get(_EXTENSION, _UNCHECKED)
    if cache is _UNCHECKED:
        cache = app.extensions[_EXTENSION] = _new_cache(app)
    if cache is None or endpoint[:1] == "." or not _plain(values):
        return url_for(endpoint, **values)
    adapter = req_ctx.url_adapter
    key = (
        endpoint,
        g.get("lang_code"),
        adapter.server_name,
        adapter.script_name,
        adapter.subdomain,
        adapter.url_scheme,
        *values.items(),
    )
    found = cache.get(key)
    if found is None:
        found = url_for(endpoint, **values)
        if len(cache) >= MAX_URLS:
            cache.clear()
        cache[key] = found
    return found


def _plain(values: dict[str, Any]) -> bool:
    """Only strings (1, 1.0 and True are equal keys but different URLs), and no `_…` option."""
    return all(type(value) is str and name[:1] != "_" for name, value in values.items())


def _new_cache(app: Flask) -> dict[tuple[Any, ...], str] | None:
    """An empty cache, or None when a URL default other than the language's is registered
    (a blueprint's, or one added later): URLs then could change in ways the key does not see.
    Checked on first use, once every blueprint is registered."""
    known = app.url_default_functions
    only_language = list(known) == [None] and len(known[None]) == 1
    return {} if only_language else None


def can_carry(name: str) -> bool:
    """Whether a query parameter of this request may be carried into a link url_for builds
    (the language switcher, the queue's pages, the report's CSV): never a name url_for takes
    as its own argument (`endpoint`, `_scheme`, `_anchor`, `_method`, …), which a hand-made
    address would turn into a server error on the page, nor the language, which the path gives.
    """
    return name not in ("endpoint", "lang_code") and not name.startswith("_")


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route, bounded to what an INTEGER column holds: a larger number
    is no row's id, and handed to the database it is an overflow error (a 500), not a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max=2**31 - 1):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=False)


def init_app(app: Flask) -> None:
    # Before any blueprint is registered: a rule takes its converters when it is added.
    app.url_map.converters["int"] = RowIdConverter
    app.jinja_env.globals["url_for"] = cached_url_for
