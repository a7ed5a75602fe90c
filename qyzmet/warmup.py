"""Readying a server process before its first request."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from complaints import directory
from complaints.public.filing import as_choices
from complaints.web import today_in_almaty, working_calendar
from guide.loader import ContentError
from guide.views import get_content
from qyzmet.config import LANGUAGES, MIGRATIONS
from qyzmet.database import migrations_missing
from qyzmet.extensions import db


def warm_up(app: Flask) -> None:
    """Load the guide content, build the complaint form's choice lists, work out this year's
    and next year's working days and compile every template now, as the worker starts,
    instead of in the first requests it serves.

    A worker's first citizen then does not wait for them (about 0.4 s), and what they make
    exists before `gc.freeze()` (deploy/wsgi.py), which keeps the collector from walking it.
    """
    _report_missing_migrations(app)
    environment = app.jinja_env
    for name in environment.list_templates():
        environment.get_template(name)
    with app.app_context():
        # Due dates near the year's end run into the next one.
        today = today_in_almaty()
        for year in (today.year, today.year + 1):
            working_calendar().is_working_day(date(year, 1, 1))
        try:
            get_content()
        except ContentError as error:
            # Served as before: the guide's pages fail, the rest of the site (staff, tracking)
            # keeps working. `guide check` is what should have caught it.
            app.logger.error("guide content not loaded at start: %s", error)
            return
        for lang in LANGUAGES:
            for groups in (
                directory.akimat_groups,
                directory.service_groups,
                directory.office_groups,
            ):
                as_choices(groups(lang))


def _report_missing_migrations(app: Flask) -> None:
    """Say at start, in the log, that `flask db upgrade` was not run: otherwise the first sign
    is requests failing on a column that does not exist yet. The worker starts all the same,
    and /healthz answers 503 until the migrations are applied."""
    try:
        with app.app_context():
            behind = migrations_missing(db.engine, MIGRATIONS)
    except SQLAlchemyError as error:
        app.logger.error("database not reachable at start: %s", error)
        return
    if behind is not None:
        app.logger.error(
            "the database is at migration %s, this code needs %s: run `flask db upgrade`",
            behind[0] or "(none)",
            behind[1],
        )
