"""A part of the infrastructure the request needs is away for now."""

from __future__ import annotations

from werkzeug.exceptions import ServiceUnavailable


class TemporarilyUnavailable(ServiceUnavailable):
    """The database, the attachments folder or the content is away; the request changed
    nothing. A 503 with Retry-After and the "temporarily unavailable, try again" page
    (qyzmet/errors.py): such failures pass, and the visitor is told so rather than shown
    that the service is broken. The operator learns the cause from the log line logged
    where it is raised."""

    def __init__(self) -> None:
        super().__init__(retry_after=60)
