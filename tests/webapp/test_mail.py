"""Reminder e-mails: off by default; when an SMTP server is named, each notification of a user
with an address is mailed once, in Chinese, with a link to the item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Notification, db
from models.base import utcnow
from webapp import mail
from workflows import mailer
from workflows.messages import Msg
from workflows.notifications import notify


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what would have been sent."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout=None):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        self.user = user

    def send_message(self, message):
        if FakeSMTP.fail:
            raise OSError("connection refused")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail = [], False
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    app.config["SMTP_URL"] = "smtp://jixiao:secret@mail.example:587?starttls=1"
    app.config["BASE_URL"] = "https://jixiao.example"
    return FakeSMTP


def overdue(user, item_id=7):
    notify([user.id], "overdue", Msg("Ledger item %(item)s of %(unit)s is overdue since "
                                     "%(deadline)s", item=item_id, unit="区教育局",
                                     deadline="2026-12-01"),
           entity="rectification_item", entity_id=item_id)
    db.flush()


def test_email_is_off_by_default(app, runner, bureau):
    assert app.config["SMTP_URL"] is None and mail.sender(app) is None
    bureau.filer1.email = "filer1@unit.example"
    overdue(bureau.filer1)
    result = runner.invoke(args=["worker", "--once"])
    assert "e-mail" not in result.output
    assert db.scalar(select(Notification.emailed_at)) is None


def test_each_notification_is_mailed_once_in_chinese(app, runner, bureau, smtp):
    bureau.filer1.email = "filer1@unit.example"  # filer2 has no address: in-app only
    overdue(bureau.filer1)
    overdue(bureau.filer2)
    result = runner.invoke(args=["worker", "--once"])
    assert "sent 1 reminder e-mail(s)" in result.output
    assert len(smtp.sent) == 1
    message = smtp.sent[0]
    assert message["To"] == "filer1@unit.example" and message["From"] == "jixiao@localhost"
    assert "逾期" in message["Subject"] and message["Subject"].startswith("[jixiao]")
    assert "https://jixiao.example/ledger/items/7" in message.get_content()
    assert "sent 0 reminder e-mail(s)" in runner.invoke(args=["worker", "--once"]).output
    assert len(smtp.sent) == 1


def test_a_failing_server_leaves_the_mail_pending(app, bureau, smtp):
    bureau.filer1.email = "filer1@unit.example"
    overdue(bureau.filer1)
    db.commit()
    smtp.fail = True
    send, render = mail.sender(app), mail.renderer(app)
    with app.app_context():
        assert mailer.send_pending(render, send) == 0
        smtp.fail = False
        assert mailer.send_pending(render, send) == 1
    assert len(smtp.sent) == 1


def test_old_notifications_are_not_mailed_when_email_is_switched_on(app, bureau, smtp):
    bureau.filer1.email = "filer1@unit.example"
    overdue(bureau.filer1)
    db.commit()
    with app.app_context():
        assert mailer.send_pending(mail.renderer(app), mail.sender(app),
                                   now=utcnow() + timedelta(days=2)) == 0
    assert smtp.sent == []


def test_a_bad_smtp_url_is_refused(app):
    app.config["SMTP_URL"] = "http://mail.example"
    with pytest.raises(ValueError):
        mail.sender(app)
