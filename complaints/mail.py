"""Emails to applicants: rendered in their language, queued with the change, sent after commit.

Sending never blocks or breaks filing: the complaint and its queued email commit together,
delivery happens afterwards (in a background thread, or inline in tests), and a failure is
retried with back-off and finally shown to staff as failed. With no SMTP server configured,
messages are written to the outbox folder so nothing is lost.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template, url_for
from flask_babel import force_locale

from complaints import services
from complaints.models import Complaint, Notification
from qyzmet.extensions import db

log = logging.getLogger(__name__)
_delivery_lock = threading.Lock()


class TemplateMessages:
    """`services.Messages` backed by the Jinja templates in templates/emails/."""

    def render(self, kind: str, complaint: Complaint, **context: Any) -> tuple[str, str]:
        with force_locale(complaint.language):
            values = {
                "complaint": complaint,
                "track_url": current_app.config["SITE_URL"]
                + url_for("complaints_public.track", lang_code=complaint.language),
                **context,
            }
            subject = render_template(f"emails/{kind}.subject.txt", **values)
            body = render_template(f"emails/{kind}.txt", **values)
        return " ".join(subject.split()), body.strip() + "\n"

    def akimat_name(self, akimat_id: str, lang: str) -> str:
        from complaints import directory

        body = directory.akimat(akimat_id, lang)
        return body.name if body else akimat_id


def build_message(config: dict[str, Any], notification: Notification) -> EmailMessage:
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = notification.recipient
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    domain = parseaddr(config["MAIL_FROM"])[1].rsplit("@", 1)[-1] or "qyzmet.local"
    message["Message-ID"] = make_msgid(idstring=f"n{notification.id}", domain=domain)
    message.set_content(notification.body, charset="utf-8")
    # After set_content, which clears every Content-* header.
    message["Content-Language"] = notification.language
    return message


def send(config: dict[str, Any], notification: Notification) -> None:
    """Hand one email to the SMTP server, or to the outbox folder when none is configured."""
    message = build_message(config, notification)
    host = config.get("SMTP_HOST")
    if not host:
        outbox = Path(config["OUTBOX_DIR"])
        outbox.mkdir(parents=True, exist_ok=True)
        name = f"{notification.created_at:%Y%m%dT%H%M%S}-{notification.id}-{notification.kind}.eml"
        (outbox / name).write_bytes(message.as_bytes())
        return
    port = int(config.get("SMTP_PORT") or 587)
    timeout = float(config.get("SMTP_TIMEOUT") or 10)
    smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
    with smtp_class(host, port, timeout=timeout) as smtp:
        if port != 465 and config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        smtp.send_message(message)


def deliver_pending(app: Flask) -> int:
    """Send every email that is due; return how many were sent."""
    sent = 0
    with _delivery_lock, app.app_context():
        session = db.session
        try:
            for notification_id in services.pending_notifications(session, services.utcnow()):
                notification = services.claim_notification(
                    session, notification_id, services.utcnow()
                )
                if notification is None:
                    continue
                try:
                    send(app.config, notification)
                except Exception as error:
                    log.warning(
                        "email %s to complaint %s failed: %s",
                        notification.id,
                        notification.complaint_id,
                        error,
                    )
                    services.record_delivery(
                        session,
                        notification.id,
                        error=f"{type(error).__name__}: {error}",
                        now=services.utcnow(),
                    )
                else:
                    services.record_delivery(
                        session, notification.id, error=None, now=services.utcnow()
                    )
                    sent += 1
        finally:
            db.session.remove()
    return sent


def schedule_delivery(app: Flask) -> None:
    """Deliver after the response: inline when configured (tests), else in a daemon thread."""
    if app.config.get("MAIL_DELIVERY") == "inline":
        deliver_pending(app)
        return
    threading.Thread(target=deliver_pending, args=(app,), name="qyzmet-mail", daemon=True).start()
