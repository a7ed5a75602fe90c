"""Response headers that make the browser enforce what the pages promise, and requests
that only a browser's form would send."""

from __future__ import annotations

from flask import Flask, Response, abort, request

# No inline script or style anywhere: every script and stylesheet is a file under /static.
# 'wasm-unsafe-eval' lets Pagefind's search run its WebAssembly; it does not allow eval().
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# What a cache may not keep: the browser's (the Back button after signing out, the disk of a
# shared computer) nor any proxy's.
NO_STORE = "private, no-store"
# Every back-office page shows personal data (names, IINs, complaint texts), and the page a
# registrar gets after registering shows the access code.
PRIVATE_BLUEPRINTS = frozenset({"staff"})


def is_private(method: str, blueprint: str | None) -> bool:
    """Whether a response must not be cached: a back-office page, or the answer to a form
    (a form sent back with its errors shows what was typed: a name, an IIN, a phone)."""
    return blueprint in PRIVATE_BLUEPRINTS or method not in ("GET", "HEAD")


# What our forms send. Flask-WTF would also read a JSON body, which the rate limits keyed on a
# form field (the sign-in address, the tracked number) never see, and whose numbers and lists
# no form field expects.
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
# The only inputs that take files; a file sent for any other field would reach a text field.
FILE_FIELDS = frozenset({"attachments"})


def refuse_what_no_form_sends() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.mimetype not in FORM_TYPES and (request.content_length or request.mimetype):
        abort(415)
    if request.mimetype == "multipart/form-data" and not FILE_FIELDS.issuperset(request.files):
        abort(400)


def init_app(app: Flask) -> None:
    # First of all, before the CSRF check reads the token from a header or the body.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_what_no_form_sends)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if is_private(request.method, request.blueprint):
            headers.setdefault("Cache-Control", NO_STORE)
        if app.config.get("PRODUCTION"):
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
