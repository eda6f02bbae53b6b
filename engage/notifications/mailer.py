"""Delivering the outbox by SMTP, with retries.

A message is claimed before it is sent (an atomic UPDATE), so several senders (one thread per app
process, or `engage notify send` workers) never deliver it twice; it is marked sent as soon as the
mail server accepts it. A server that is down, slow or refusing only moves the next attempt later
(doubling, at most an hour apart): nothing is dropped and no request ever waits for mail.
Uses the standard library's smtplib and email packages: maintained with Python itself, and all a
queue of plain-text messages needs.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import Flask
from sqlalchemy import select, update

from ..background import start_once
from ..extensions import db
from ..models_base import utcnow
from .models import OutboundMail

log = logging.getLogger(__name__)

CLAIM_FOR = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), LONGEST_WAIT)


def compose(mail: OutboundMail, settings: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr(("Engage", settings["MAIL_DEFAULT_SENDER"]))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(idstring=f"engage-{mail.id}")
    message.set_content(mail.body)
    message["Content-Language"] = mail.language  # after set_content, which resets Content-*
    return message


def send_one(message: EmailMessage, settings: dict) -> None:
    """Hand one message to the configured SMTP server; raises on any failure."""
    with smtplib.SMTP(
        settings["MAIL_SERVER"], settings["MAIL_PORT"], timeout=settings["MAIL_TIMEOUT"]
    ) as smtp:
        if settings.get("MAIL_USE_TLS"):
            smtp.starttls()
        if settings.get("MAIL_USERNAME"):
            smtp.login(settings["MAIL_USERNAME"], settings.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _claim(mail_id: int, now) -> bool:
    claimed = db.session.execute(
        update(OutboundMail)
        .where(
            OutboundMail.id == mail_id,
            OutboundMail.sent_at.is_(None),
            (OutboundMail.claimed_until.is_(None)) | (OutboundMail.claimed_until < now),
        )
        .values(claimed_until=now + CLAIM_FOR)
    )
    db.session.commit()
    return claimed.rowcount == 1


def deliver_due(settings: dict, now=None, limit: int = 100) -> dict:
    """Send every message that is due; returns how many were sent and how many failed.
    Commits as it goes (it runs outside any request)."""
    outcome = {"sent": 0, "failed": 0}
    if not settings.get("MAIL_SERVER"):
        return outcome  # mail not configured: messages wait in the outbox
    now = now or utcnow()
    due = list(
        db.session.scalars(
            select(OutboundMail.id)
            .where(OutboundMail.sent_at.is_(None), OutboundMail.next_attempt_at <= now)
            .order_by(OutboundMail.id)
            .limit(limit)
        )
    )
    for mail_id in due:
        if not _claim(mail_id, now):
            continue  # another sender has it
        mail = db.session.get(OutboundMail, mail_id)
        try:
            send_one(compose(mail, settings), settings)
        except (OSError, smtplib.SMTPException) as error:
            mail.attempts += 1
            mail.next_attempt_at = now + retry_delay(mail.attempts)
            mail.claimed_until = None
            mail.last_error = f"{type(error).__name__}: {error}"[:300]
            outcome["failed"] += 1
            log.warning("mail %s not delivered (attempt %s): %s", mail.id, mail.attempts, error)
        else:
            mail.attempts += 1
            mail.sent_at = utcnow()
            mail.next_attempt_at = None
            mail.claimed_until = None
            mail.last_error = None
            outcome["sent"] += 1
        db.session.commit()
    return outcome


def run_once(app: Flask) -> dict:
    """One round of the sender: queue what has been waiting too long, then deliver."""
    from .services import check_backlogs

    with app.app_context():
        try:
            check_backlogs()
            db.session.commit()
        except Exception:  # a failed check must not stop delivery of what is queued
            log.exception("notification checks failed")
            db.session.rollback()
        try:
            return deliver_due(app.config)
        finally:
            db.session.remove()


def start_sender_thread(app: Flask) -> None:
    """With MAIL_SENDER = "thread", one background sender per app process (started once)."""
    if app.config.get("MAIL_SENDER", "thread") == "thread":
        start_once(app, "engage-mail", _loop)


def _loop(app: Flask) -> None:
    while True:
        try:
            run_once(app)
        except Exception:  # keep the sender alive through a database outage
            log.exception("mail sender round failed")
        time.sleep(app.config.get("MAIL_POLL_SECONDS", 30))


def work_forever(app: Flask, once: bool = False) -> dict:
    """The `engage notify send` loop; with `once`, a single round."""
    while True:
        outcome = run_once(app)
        if once:
            return outcome
        time.sleep(app.config.get("MAIL_POLL_SECONDS", 30))
