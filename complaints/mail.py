"""Emails to applicants: rendered in their language, queued with the change, sent after commit.

Sending never blocks or breaks filing: the complaint and its queued email commit together,
delivery happens afterwards (in a background thread, or inline in tests), and a failure is
retried with back-off and finally shown to staff as failed. With no SMTP server configured,
messages are written to the outbox folder so nothing is lost.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import smtplib
import threading
import time
from email.header import Header
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from complaints import directory, services
from complaints.appeal import GUIDE_COMPLAINT_SECTION, appeal_route
from complaints.domain.access_code import unseal_access_code
from complaints.domain.deadlines import EXTENSION_RULE, deadline_rule
from complaints.models import Complaint, Notification
from qyzmet.database import DatabaseBusy, database_failure, is_unavailable
from qyzmet.extensions import db
from qyzmet.i18n import force_locale, translation_context

log = logging.getLogger(__name__)
_delivery_lock = threading.Lock()


# Emails that name the akimat and its phones (the receipt also the service, the office and the
# deadline's legal basis), as the web receipt does: where an applicant looks for whom to call.
ADDRESSED_KINDS = frozenset(
    {"receipt", "answer", "extension", "left_without_review", "access_code"}
)
# Emails that carry a decision, and so where to turn if the applicant disagrees with it.
DECISION_KINDS = frozenset({"answer", "left_without_review"})


class TemplateMessages:
    """`services.Messages` backed by the Jinja templates in templates/emails/."""

    def render(self, kind: str, complaint: Complaint, **context: Any) -> tuple[str, str]:
        # Straight from the Jinja environment: an email needs only its values and `_`, not
        # the context processors a page runs (the user, the CSRF token, the language links).
        environment = current_app.jinja_env
        with force_locale(complaint.language):
            values = {
                "complaint": complaint,
                # With the number filled in, as the web receipt's link has it. Written out,
                # not through url_for: a receipt is rendered with a stand-in for the number
                # that url_for would encode past recognition. Numbers need no escaping.
                "track_url": current_app.config["SITE_URL"]
                + url_for("complaints_public.track", lang_code=complaint.language)
                + "?number="
                + (context.get("new_number") or complaint.registration_number),
                **(self.addressee(complaint) if kind in ADDRESSED_KINDS else {}),
                # An extension is a reasoned decision under its own article, as the pages say.
                **(self.extension_basis(complaint) if kind == "extension" else {}),
                **(self.appeal(complaint) if kind in DECISION_KINDS else {}),
                **(self.receiver(context["forwarded"]) if context.get("forwarded") else {}),
                **context,
                **translation_context(),
            }
            subject = environment.get_template(f"emails/{kind}.subject.txt").render(values)
            body = environment.get_template(f"emails/{kind}.txt").render(values)
        return " ".join(subject.split()), body.strip() + "\n"

    def akimat_name(self, akimat_id: str, lang: str) -> str:
        body = directory.akimat(akimat_id, lang)
        return body.name if body else akimat_id

    def replaced_access_code(self, lang: str) -> str:
        with force_locale(lang):
            return _("replaced by a new one the akimat issued")

    def addressee(self, complaint: Complaint) -> dict[str, Any]:
        """Who reviews the complaint and under which rule, as the web receipt names them: an
        email read days later is where the applicant looks for the akimat's phone.

        Dictionary lookups in the content already in memory; the receipt email is rendered
        while filing, whose CPU is benchmarked.
        """
        lang = complaint.language
        body = directory.akimat(complaint.akimat_id, lang)
        return {
            "akimat_name": body.name if body else complaint.akimat_id,
            "akimat_phones": list(body.phones) if body else [],
            "service_title": directory.service_title(complaint.service_id, lang),
            "office_name": directory.body_name(complaint.office_id, lang),
            "basis": deadline_rule(complaint.deadline_rule).basis.citation(lang),
        }

    def receiver(self, forwarded: Complaint) -> dict[str, Any]:
        """The akimat a complaint was forwarded to, as a receipt names it: its phones and the
        rule its new due date is under (the dates are on the new complaint)."""
        lang = forwarded.language
        body = directory.akimat(forwarded.akimat_id, lang)
        return {
            "receiver_phones": list(body.phones) if body else [],
            "receiver_basis": deadline_rule(forwarded.deadline_rule).basis.citation(lang),
        }

    def extension_basis(self, complaint: Complaint) -> dict[str, Any]:
        """An extension is a reasoned decision under its own article, as the pages give it."""
        rule = deadline_rule(EXTENSION_RULE)
        return {"extension_basis": rule.basis.citation(complaint.language)}

    def appeal(self, complaint: Complaint) -> dict[str, Any]:
        """Where to turn after the decision (complaints.appeal), with the full address of the
        guide's "How to complain" section of the service: an email has no page to be relative to.
        """
        route = appeal_route(complaint.service_id, complaint.language)
        guide_url = None
        if route.service is not None:
            guide_url = current_app.config["SITE_URL"] + url_for(
                "guide.service",
                lang_code=complaint.language,
                service_id=route.service.service_id,
                _anchor=GUIDE_COMPLAINT_SECTION,
            )
        return {"appeal": route, "appeal_guide_url": guide_url}


def build_message(config: dict[str, Any], notification: Notification) -> MIMEText:
    """The email as the classic (compat32) message: a quarter of the CPU of `EmailMessage`.

    The modern policy parses every header it is given back into structured objects, which
    cost more than the rest of sending an email to the outbox. Nothing here needs them: the
    headers are ours, non-ASCII ones are RFC 2047-encoded and the body goes as base64.
    """
    body = notification.body
    if notification.sealed_access_code:
        access_code = unseal_access_code(
            notification.sealed_access_code, config["SECRET_KEY"].encode()
        )
        body = body.replace(services.ACCESS_CODE_MARK, access_code)
    message = MIMEText(body, "plain", "utf-8")
    sender = parseaddr(config["MAIL_FROM"])
    message["From"] = formataddr(sender, charset="utf-8")
    message["To"] = ascii_address(notification.recipient)
    message["Subject"] = Header(notification.subject, "utf-8", header_name="Subject")
    message["Date"] = formatdate(localtime=False)
    domain = sender[1].rsplit("@", 1)[-1] or "qyzmet.local"
    message["Message-ID"] = message_id(notification, config["SECRET_KEY"], domain)
    message["Content-Language"] = notification.language
    return message


def message_id(notification: Notification, secret: str, domain: str) -> str:
    """The same Message-ID each time this email is sent, and no other email's.

    Delivery is at least once: an email the server took but the database could not record is
    sent again. A mail service that folds duplicates by Message-ID (Gmail does) then shows the
    applicant one email. The keyed digest keeps another installation sending from the same
    domain (a test one, a restored copy) from ever giving another email the same Message-ID.
    """
    digest = hmac.new(
        secret.encode(),
        f"{notification.id}:{notification.created_at.isoformat()}".encode(),
        hashlib.sha256,
    ).hexdigest()[:20]
    return f"<{digest}.{notification.id}@{domain}>"


def ascii_address(address: str) -> str:
    """The address as mail servers take it: a national domain (user@мысал.қаз) in its ASCII
    form (user@xn--80awbu3c.xn--80ao21a), which every server accepts.

    A name before the @ in other than Latin letters needs SMTPUTF8, which not every server
    offers: such an address fails, and is retried and then shown to staff as failed, rather
    than being mangled into an encoded word no server can deliver to.
    """
    if address.isascii():
        return address
    try:
        ascii_form = validate_email(address, check_deliverability=False).ascii_email
    except EmailNotValidError as error:
        raise ValueError(f"cannot send to {address!r}: {error}") from None
    if ascii_form is None:
        raise ValueError(f"cannot send to {address!r}: its name before the @ is not ASCII")
    return ascii_form


class Postbox:
    """Hands a pass's emails to the SMTP server over one connection, or writes them to the
    outbox folder when no server is configured.

    One connection for the pass, not one per email: with STARTTLS each connection is a TLS
    handshake, and mail servers limit connections per minute. A connection that broke on a
    message is closed; the next message opens a new one. A server that cannot be reached is
    tried once per pass: the rest of the pass's emails wait for their retry with the same
    error, instead of each waiting for its own connection timeout.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.unreachable: str | None = None
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Postbox:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, notification: Notification) -> None:
        message = build_message(self.config, notification)
        if not self.config.get("SMTP_HOST"):
            outbox = Path(self.config["OUTBOX_DIR"])
            name = (
                f"{notification.created_at:%Y%m%dT%H%M%S}-{notification.id}-{notification.kind}.eml"
            )
            try:
                (outbox / name).write_bytes(message.as_bytes())
            except FileNotFoundError:  # the first email, or the folder was removed since
                outbox.mkdir(parents=True, exist_ok=True)
                (outbox / name).write_bytes(message.as_bytes())
            return
        kept = self._smtp is not None
        try:
            self._hand_over(message)
        except smtplib.SMTPServerDisconnected:
            if not kept:
                raise
            # The server closed the connection kept from the last email (an idle timeout, or
            # its limit of messages per connection): this email goes over a new one.
            self._hand_over(message)

    def _hand_over(self, message: MIMEText) -> None:
        smtp = self._connection()
        try:
            smtp.send_message(message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError):
            raise  # the server answered, and smtplib has reset the connection for the next
        except Exception:
            self.close()  # broken mid-message: not used again
            raise

    def _connection(self) -> smtplib.SMTP:
        if self.unreachable is not None:
            raise ConnectionError(self.unreachable)
        if self._smtp is None:
            try:
                self._smtp = _connect(self.config)
            except Exception as error:
                self.unreachable = f"{type(error).__name__}: {error}"
                raise
        return self._smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _connect(config: dict[str, Any]) -> smtplib.SMTP:
    host = config["SMTP_HOST"]
    port = int(config.get("SMTP_PORT") or 587)
    timeout = float(config.get("SMTP_TIMEOUT") or 10)
    smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
    smtp = smtp_class(host, port, timeout=timeout)
    try:
        if port != 465 and config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def deliver_pending(app: Flask) -> int:
    """Send every email that is due, in batches; return how many were sent."""
    sent = 0
    with _delivery_lock, app.app_context(), Postbox(app.config) as postbox:
        session = db.session
        try:
            while True:
                limit = services.CLAIM_BATCH
                batch = services.claim_notifications(session, services.utcnow(), limit)
                if not batch:
                    break
                results: list[tuple[int, str | None]] = []
                for notification in batch:
                    try:
                        postbox.send(notification)
                    except Exception as error:  # any failure is recorded and retried
                        log.warning(
                            "email %s to complaint %s failed: %s",
                            notification.id,
                            notification.complaint_id,
                            error,
                        )
                        results.append((notification.id, f"{type(error).__name__}: {error}"))
                    else:
                        results.append((notification.id, None))
                        sent += 1
                _record(session, results)
                if len(batch) < limit:
                    # Nothing was left behind. An email queued since then woke the courier
                    # again (or, inline, is its own request's to send).
                    break
        finally:
            db.session.remove()
    return sent


# Seconds between tries to record a batch the mail server has already taken.
RECORD_RETRY_DELAYS = (1.0, 5.0)


def _record(session: Session, results: list[tuple[int, str | None]]) -> None:
    """Record what the mail server took, trying again while the database is busy or away:
    a batch sent but not recorded is claimed again after `services.CLAIM_TIMEOUT`, and each
    applicant gets the email twice."""
    for delay in (*RECORD_RETRY_DELAYS, None):
        try:
            services.record_deliveries(session, results, services.utcnow())
            return
        except (DatabaseBusy, SQLAlchemyError) as error:
            if delay is None:
                log.error(
                    "emails %s were handed to the mail server but could not be recorded (%s); "
                    "they will be sent again once their claim expires",
                    [notification_id for notification_id, _ in results],
                    error,
                )
                raise
            log.warning("recording sent emails failed (%s); trying again in %g s", error, delay)
            time.sleep(delay)


# How long the courier lets a burst of filings gather before it claims their emails. Each pass
# takes the database's write lock twice (claim, then record); under load, passes of one
# email each were nearly half of all write transactions. An email leaves this much later.
GATHER_SECONDS = 0.05


class Courier:
    """One background sender per app and process; a request only wakes it.

    A thread per request would race its siblings for the database's write lock; one courier
    sends whatever has queued up since it last looked, in one pass.
    """

    def __init__(self, app: Flask, gather_seconds: float = GATHER_SECONDS) -> None:
        self.app = app
        self.gather_seconds = gather_seconds
        self._wake = threading.Event()
        self._guard = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def wake(self) -> None:
        with self._guard:
            # After a fork (gunicorn workers) the parent's thread does not exist here.
            if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
                self._pid = os.getpid()
                self._thread = threading.Thread(target=self._run, name="qyzmet-mail", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(self.gather_seconds)
            # Wakes that came while it gathered are answered by this pass.
            self._wake.clear()
            self.deliver_once()

    def deliver_once(self) -> None:
        """One pass; whatever fails, the next wake or the timer retries: never let the
        courier die."""
        try:
            deliver_pending(self.app)
        except DatabaseBusy:
            log.warning("delivering queued emails waits: the database is busy")
        except SQLAlchemyError as error:
            if not is_unavailable(error):
                log.exception("delivering queued emails failed")
                return
            # The requests failing meanwhile log the same cause: one line here, no traceback.
            log.error("delivering queued emails waits: %s", database_failure(error))
        except Exception:
            log.exception("delivering queued emails failed")


def schedule_delivery(app: Flask) -> None:
    """Deliver after the response: inline when configured (tests), else by the courier."""
    if app.config.get("MAIL_DELIVERY") == "inline":
        deliver_pending(app)
        return
    courier = app.extensions.get("qyzmet_courier")
    if courier is None:
        courier = app.extensions.setdefault("qyzmet_courier", Courier(app))
    courier.wake()
