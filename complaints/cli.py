"""`flask complaints deliver-mail`: retry queued emails (run by a timer, see docs/deploy.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from complaints.mail import deliver_pending
from complaints.models import Notification
from qyzmet.database import DatabaseBusy, database_failure, is_unavailable
from qyzmet.extensions import db


@click.group()
def complaints() -> None:
    """Complaint tracker maintenance."""


@complaints.command("deliver-mail")
@with_appcontext
def deliver_mail_command() -> None:
    """Send every email that is due, retrying failures with back-off; print what remains."""
    try:
        sent = deliver_pending(current_app._get_current_object())  # type: ignore[attr-defined]
    except DatabaseBusy:
        # One line for the timer's journal, not a traceback: the next run tries again.
        raise click.ClickException(
            "the database is busy: another write has not finished within "
            f"{current_app.config['DATABASE_LOCK_TIMEOUT']:g} s; emails still due wait for the "
            "next run"
        ) from None
    except SQLAlchemyError as error:
        if not is_unavailable(error):
            raise
        raise click.ClickException(
            f"the database did not answer ({database_failure(error)}); emails still due wait "
            "for the next run"
        ) from None
    counts = dict(
        db.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    )
    click.echo(
        f"sent {sent}; pending {counts.get('pending', 0)}; "
        f"failed for good {counts.get('failed', 0)}"
    )


@complaints.command("drop-kept-files")
@with_appcontext
def drop_kept_files_command() -> None:
    """Remove attachments kept for forms that came back with an error and were never filed
    within a day (run by a timer, see docs/deploy.md)."""
    from complaints import services
    from complaints.kept_files import kept_root

    try:
        removed = services.drop_expired_kept_files(
            db.session, root=kept_root(), now=services.utcnow()
        )
    except DatabaseBusy:
        raise click.ClickException(
            "the database is busy: expired kept files wait for the next run"
        ) from None
    click.echo(f"removed {removed} kept file(s) older than {services.HELD_FILE_LIFETIME}")
