"""The service navigation: the same four destinations on every page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request

from qyzmet.i18n import current_language
from qyzmet.i18n import translate as _
from qyzmet.urls import cached_url_for


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    active: bool


def _url(endpoint: str, fallback: str) -> str:
    # The complaint pages are served by the app; the frozen guide links to their paths.
    if endpoint in current_app.view_functions:
        return cached_url_for(endpoint)
    return f"/{current_language()}/{fallback}"


def navigation_items() -> list[NavigationItem]:
    entries = [
        ("guide.home", "", _("Services")),
        ("complaints_public.new_complaint", "complaints/new/", _("File a complaint")),
        ("complaints_public.track", "complaints/track/", _("Track a complaint")),
        ("guide.search", "search/", _("Search")),
    ]
    current = request.endpoint or ""
    return [
        NavigationItem(label, _url(endpoint, fallback), current == endpoint)
        for endpoint, fallback, label in entries
    ]


def init_app(app: Flask) -> None:
    app.jinja_env.globals["navigation_items"] = navigation_items
