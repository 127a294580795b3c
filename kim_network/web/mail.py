"""Outgoing e-mail: SMTP when SMTP_HOST is configured, otherwise the log; always the outbox.

`send_mail(to, subject, body)` is the one way the platform sends mail. Links in mails are built
with `public_url`/`public_base_url` from the configured KIM_BASE_URL, never from the
request's Host header (which a client chooses). Every message is
also kept in `app.extensions["kim_outbox"]`, a bounded in-memory list of the most recent
messages (newest last), so tests and a local demo can read what would have been sent
without a mail server. It is not a queue: nothing is retried from it.
"""
from __future__ import annotations

import logging
import smtplib
from collections import deque
from email.message import EmailMessage

from flask import current_app, url_for

from kim_network.core.clock import utcnow

log = logging.getLogger(__name__)

OUTBOX_SIZE = 50


def public_base_url() -> str:
    """The platform's public address (KIM_BASE_URL, without a trailing slash)."""
    return current_app.config["KIM_BASE_URL"].rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """An absolute link for a mail: the public address plus the endpoint's path."""
    return public_base_url() + url_for(endpoint, **values)


def outbox(app=None) -> deque:
    """The app's recent messages, each a dict `{to, subject, body, sent_at, delivered}`."""
    app = app or current_app
    box = app.extensions.get("kim_outbox")
    if box is None:
        box = app.extensions["kim_outbox"] = deque(maxlen=OUTBOX_SIZE)
    return box


def send_mail(to: str, subject: str, body: str) -> bool:
    """Send a plain-text message; return whether it was handed to a mail server.

    Without SMTP_HOST the message is written to the log (a local demo needs no mail
    server). An SMTP failure is logged and reported as False instead of raised, so a
    user's request never fails because mail is down; callers that must tell the user
    phrase their message so that it does not depend on delivery.
    """
    app = current_app
    config = app.config
    record = {
        "to": to,
        "subject": subject,
        "body": body,
        "sent_at": utcnow().isoformat(timespec="seconds"),
        "delivered": False,
    }
    outbox(app).append(record)
    host = config.get("SMTP_HOST")
    if not host:
        log.info("mail (no SMTP_HOST, not sent) to=%s subject=%s\n%s", to, subject, body)
        return False
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "netzwerk@ki-m.example"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    port = int(config.get("SMTP_PORT") or 587)
    try:
        smtp_class = smtplib.SMTP_SSL if port == 465 else smtplib.SMTP
        with smtp_class(host, port, timeout=10) as smtp:
            if port != 465:
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        log.error("mail to %s failed via %s:%s: %s", to, host, port, exc)
        return False
    record["delivered"] = True
    return True
