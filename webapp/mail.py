"""Reminder e-mails for the worker: off unless JIXIAO_SMTP_URL names a server."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from flask import Flask
from flask_babel import force_locale

from models import Notification, User
from workflows.mailer import Mail, Render, Send
from workflows.messages import Msg

from .i18n import translate

SUBJECT_CHARS = 80


def renderer(app: Flask) -> Render:
    """Subject and body of a notification's e-mail, in Simplified Chinese, with a link."""
    base = app.config.get("BASE_URL", "").rstrip("/")

    def render(notification: Notification, user: User) -> tuple[str, str]:
        # an app context, not a request context: a request's teardown would close the session
        # that holds the notification being mailed
        with app.app_context(), force_locale("zh_CN"):
            text = translate(Msg.stored(notification.message, notification.params))
        link = ""
        if notification.entity == "rectification_item" and notification.entity_id:
            link = f"\n\n{base}/ledger/items/{notification.entity_id}"
        subject = f"[jixiao] {text}"
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 1] + "…"
        return subject, f"{user.name}：\n\n{text}{link}\n"
    return render


def sender(app: Flask) -> Send | None:
    """An SMTP sender for JIXIAO_SMTP_URL (smtp://user:pw@host:587?starttls=1, smtps://…),
    or None when e-mail is off (the default)."""
    url = app.config.get("SMTP_URL")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("JIXIAO_SMTP_URL must look like smtp://user:password@host:port")
    starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
    mail_from = app.config["MAIL_FROM"]

    def send(mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = mail_from, mail.to, mail.subject
        message.set_content(mail.body)
        connect = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
        with connect(parts.hostname, parts.port or (465 if parts.scheme == "smtps" else 25),
                     timeout=30) as smtp:
            if starttls:
                smtp.starttls()
            if parts.username:
                smtp.login(unquote(parts.username), unquote(parts.password or ""))
            smtp.send_message(message)
    return send
