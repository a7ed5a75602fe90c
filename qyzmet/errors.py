"""Error pages in the visitor's language; a bad request never turns into a bare 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template, request
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from qyzmet.extensions import limiter
from qyzmet.templating import almaty_moment

# A wait longer than this is worth a time to come back at, not "a few minutes".
SAY_WHEN_AFTER = timedelta(minutes=5)


def render_error(status: int, title: str, message: str, error: HTTPException | None = None):
    """The error page, with the headers the error carries (`Allow` on a 405, `Retry-After`
    on a 429): our page replaces werkzeug's body, not what it tells the client."""
    headers = [
        (name, value)
        for name, value in (error.get_headers() if error is not None else [])
        if name.lower() != "content-type"
    ]
    _links_without_the_host()
    page = render_template("error.html", status=status, title=title, message=message)
    return page, status, headers


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
