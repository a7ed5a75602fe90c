"""Mail delivery bookkeeping: claiming due emails for sending and recording what became of
them (the sending itself is in complaints.mail)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from complaints.models import Notification
from qyzmet.database import write_transaction

CLAIM_TIMEOUT = timedelta(minutes=10)
CLAIM_BATCH = 100


def _due_for_sending():
    """Pending emails whose (re)try time has come, and ones a crashed sender left half-done."""
    return (
        (Notification.status == "pending") & (Notification.next_attempt_at <= bindparam("now"))
    ) | ((Notification.status == "sending") & (Notification.next_attempt_at <= bindparam("stale")))


# Built once: the courier claims after every filing, and the statement never changes.
_CLAIM = (
    update(Notification)
    .where(
        Notification.id.in_(
            select(Notification.id)
            .where(_due_for_sending())
            .order_by(Notification.id)
            .limit(bindparam("limit"))
            # PostgreSQL: two couriers (one per worker) claiming at once would otherwise lock
            # the same rows in different orders and deadlock; each takes what the other has
            # not. SQLite has no row locks: its write transaction already runs one at a time.
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        ),
        _due_for_sending(),
    )
    .values(status="sending", next_attempt_at=bindparam("now"))
    .returning(Notification)
    # Every row it changes comes back and is loaded afresh: nothing else in the session to
    # bring up to date.
    .execution_options(populate_existing=True, synchronize_session=False)
)


def claim_notifications(
    session: Session, now: datetime, limit: int = CLAIM_BATCH
) -> list[Notification]:
    """Take the due emails for sending, in one statement, so no two senders send one twice.

    The same statement returns the claimed rows whole, so sending them reads nothing more.
    """
    with write_transaction(session):
        claimed = session.execute(
            _CLAIM, {"now": now, "stale": now - CLAIM_TIMEOUT, "limit": limit}
        ).scalars()
        return sorted(claimed, key=lambda notification: notification.id)


RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)


_RECORD_SENT = (
    update(Notification)
    .where(Notification.id.in_(bindparam("ids", expanding=True)))
    .values(
        status="sent",
        sent_at=bindparam("now"),
        sealed_access_code=None,
        last_error=None,
        attempts=Notification.attempts + 1,
    )
)


def record_deliveries(
    session: Session, results: Sequence[tuple[int, str | None]], now: datetime
) -> None:
    """Mark each email sent, or schedule its retry; after the last retry it is failed for staff."""
    with write_transaction(session):
        # Every email of a batch is usually sent: one statement for all of them.
        sent = [notification_id for notification_id, error in results if error is None]
        if sent:
            session.execute(_RECORD_SENT, {"ids": sent, "now": now})
        for notification_id, error in results:
            if error is None:
                continue
            notification = session.get(Notification, notification_id)
            notification.attempts += 1
            notification.last_error = error[:2000]
            if notification.attempts > len(RETRY_DELAYS):
                notification.status = "failed"
                notification.sealed_access_code = None  # nothing will send it now
            else:
                notification.status = "pending"
                notification.next_attempt_at = now + RETRY_DELAYS[notification.attempts - 1]
