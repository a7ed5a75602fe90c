"""`flask complaints deliver-mail`: retry queued emails (run by a timer, see docs/deploy.md)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from complaints.mail import deliver_pending
from complaints.models import Notification
from qyzmet.database import DatabaseBusy
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
    counts = dict(
        db.session.execute(
            select(Notification.status, func.count()).group_by(Notification.status)
        ).all()
    )
    click.echo(
        f"sent {sent}; pending {counts.get('pending', 0)}; "
        f"failed for good {counts.get('failed', 0)}"
    )
