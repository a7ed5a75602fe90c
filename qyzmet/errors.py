"""Error pages in the visitor's language; a bad request never turns into a bare 500."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request, url_for
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from guide.loader import ContentError
from qyzmet.config import LANGUAGES
from qyzmet.database import is_unavailable, report_unavailable
from qyzmet.extensions import db, limiter, login_manager
from qyzmet.i18n import current_language
from qyzmet.templating import almaty_moment
from qyzmet.unavailable import TemporarilyUnavailable

# A wait longer than this is worth a time to come back at, not "a few minutes".
SAY_WHEN_AFTER = timedelta(minutes=5)


def render_error(
    status: int,
    title: str,
    message: str,
    error: HTTPException | None = None,
    links: list[tuple[str, str]] | None = None,
):
    """The error page, with the headers the error carries (`Allow` on a 405, `Retry-After`
    on a 429): our page replaces werkzeug's body, not what it tells the client. `links`
    (address, text) lead on from it, before the list of services."""
    headers = [
        (name, value)
        for name, value in (error.get_headers() if error is not None else [])
        if name.lower() != "content-type"
    ]
    _links_without_the_host()
    context = {"status": status, "title": title, "message": message, "links": links or []}
    try:
        page = render_template("error.html", **context)
    except SQLAlchemyError:
        # The page names the signed-in staff member, loaded from the database: when that is
        # what failed, the error page says so to an anonymous visitor rather than failing in
        # turn into the server's bare English "Internal Server Error".
        with suppress(SQLAlchemyError):
            db.session.rollback()
        g._login_user = login_manager.anonymous_user()
        page = render_template("error.html", **context)
    return page, status, headers


def _in_the_back_office() -> bool:
    """Whether the address is the akimat back office's (`/kk/staff/…`): its visitors are staff,
    who have an account and an administrator to turn to."""
    parts = request.path.strip("/").split("/")
    return len(parts) >= 2 and parts[0] in LANGUAGES and parts[1] == "staff"


def _page_to_start_from() -> str | None:
    """The page a form's address belongs to, if it opens: the address one level up
    (`/kk/staff/complaints/5/forward/` is sent from `/kk/staff/complaints/5/`)."""
    parent = request.path.rstrip("/").rpartition("/")[0] + "/"
    if parent.strip("/") in LANGUAGES or parent == "/":
        return None  # the language's home: the list of services, linked anyway
    try:
        current_app.create_url_adapter(request).match(parent, method="GET")
    except HTTPException:  # no such page, or not one that opens (a redirect included)
        return None
    return parent


def _links_without_the_host() -> None:
    """Let the error page build its links when the request's Host header could not be read.

    Werkzeug refuses a host it cannot encode (a label longer than 63 characters) with a 400,
    and Flask is then left without the URL adapter that `url_for` builds with: the page
    explaining the 400 would fail with a 500. Its links are paths, so the site's own host
    serves to build them.
    """
    if request_ctx.url_adapter is not None:
        return
    request_ctx.url_adapter = current_app.url_map.bind(
        urlsplit(current_app.config.get("SITE_URL") or "").hostname or "localhost",
        script_name=request.script_root or None,
        url_scheme=request.scheme,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(error: HTTPException):
        return render_error(
            404,
            _("Page not found"),
            _(
                "If you typed the web address, check it is correct. "
                "If you pasted it, check you copied the entire address."
            ),
        )

    @app.errorhandler(403)
    def forbidden(error: HTTPException):
        if not _in_the_back_office():
            return render_error(
                403,
                _("You do not have access to this page"),
                _(
                    "This page is not open to visitors. Go to the list of services to find what "
                    "you need."
                ),
                error,
            )
        return render_error(
            403,
            _("You do not have access to this page"),
            _(
                "Your account does not give access to this page. Sign in with an account that "
                "has it, or ask your akimat's administrator to give you access."
            ),
            error,
            links=[
                (
                    url_for("staff.login", lang_code=current_language()),
                    _("Sign in with another account"),
                )
            ]
            if "staff.login" in app.view_functions
            else None,
        )

    @app.errorhandler(405)
    def method_not_allowed(error: HTTPException):
        if request.method not in ("GET", "HEAD"):
            # Sent by a script or an odd client, not by a page of ours.
            return render_error(
                405,
                _("This address cannot be opened this way"),
                _(
                    "This address does not take this kind of request. Nothing was saved. "
                    "Start again from the list of services."
                ),
                error,
            )
        # A form's address opened directly (bookmarked, typed, or reopened from the history):
        # it takes only what the form sends.
        start = _page_to_start_from()
        if start is None:
            message = _(
                "This address receives a form; it is not a page to open. Nothing was saved. "
                "Start again from the list of services."
            )
        else:
            message = _(
                "This address receives a form; it is not a page to open. Nothing was saved. "
                "Start again from the page the form is on."
            )
        links = [(start, _("Go to the page the form is on"))] if start else None
        return render_error(
            405, _("This address cannot be opened this way"), message, error, links=links
        )

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):
        return render_error(
            400,
            _("The form has expired"),
            _(
                "For your security the form could not be accepted. Nothing was saved. "
                "Go back, reload the page and send the form again."
            ),
        )

    @app.errorhandler(413)
    def too_large(error: HTTPException):
        # Files are the usual cause, but a text pasted far past its limit is one too.
        return render_error(
            413,
            _("The form is too large"),
            _(
                "Nothing was saved. Attach at most 5 files of up to 10 MB each, keep the text "
                "within the limit shown under it, and send the form again."
            ),
            error,
        )

    @app.errorhandler(429)
    def too_many(error: HTTPException):
        return render_error(
            429,
            _("Too many attempts"),
            _too_many_attempts_message(),
            error,
        )

    @app.errorhandler(503)
    def busy(error: HTTPException):
        # Raised as DatabaseBusy when a write waited too long behind another: nothing was saved.
        return render_error(
            503,
            _("The service is busy"),
            _(
                "Nothing was saved. Wait a minute and send the form again. If you were sending a "
                "complaint and did not see a registration number, it was not received."
            ),
            error,
        )

    @app.errorhandler(TemporarilyUnavailable)
    def unavailable(error: HTTPException):
        return render_error(
            503,
            _("The service is temporarily unavailable"),
            _(
                "Try again in a few minutes. If you were sending a form, nothing was saved: if "
                "it was a complaint and you did not see a registration number, it was not "
                "received."
            ),
            error,
        )

    @app.errorhandler(ContentError)
    def content_missing(error: ContentError):
        # The guide content did not load when the server started and has not been put right
        # since: the complaint form has no akimats to offer. It is re-read within seconds of a
        # fix, so this passes like a database away.
        app.logger.error("guide content not loaded; the request was refused with 503: %s", error)
        return unavailable(TemporarilyUnavailable())

    @app.errorhandler(SQLAlchemyError)
    def database_failed(error: SQLAlchemyError):
        # A read outside a write transaction (tracking, the queue, signing in) meets the
        # database away just as a write does; a write's own failure comes as DatabaseUnavailable.
        if not is_unavailable(error):
            raise error  # a bug: Flask's own handling (its log, the 500 page, the debugger)
        with suppress(SQLAlchemyError):
            db.session.rollback()
        report_unavailable(error)
        return unavailable(TemporarilyUnavailable())

    @app.errorhandler(HTTPException)
    def other_http_error(error: HTTPException):
        if error.code == 500:
            return server_error(error)
        return render_error(
            error.code or 400,
            _("Something is wrong with the request"),
            _("The page could not handle this request. Go back and try again."),
            error,
        )

    @app.errorhandler(InternalServerError)
    def server_error(error: HTTPException):
        return render_error(
            500,
            _("Sorry, there is a problem with the service"),
            _(
                "Try again later. If you were sending a complaint and did not see a registration "
                "number, it was not received."
            ),
        )


def _too_many_attempts_message() -> str:
    """How long to wait, from the limit that was reached: a minute's limit passes in a few
    minutes, but a day's (tracking one number) or a quarter of an hour's (a staff account)
    would leave "a few minutes" untrue, and the visitor trying again in vain."""
    limit = limiter.current_limit
    if limit is not None and limit.breached:
        now = datetime.now(UTC)
        reset = datetime.fromtimestamp(limit.reset_at, UTC)
        if reset - now > SAY_WHEN_AFTER:
            return _(
                "You have made too many attempts. Nothing was saved. You can try again "
                "from %(time)s (Almaty time).",
                time=almaty_moment(reset, now),
            )
    return _("You have made too many attempts in a short time. Wait a few minutes and try again.")
