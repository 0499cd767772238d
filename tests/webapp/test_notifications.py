"""In-app notifications: the page, the header badge and marking them read, per user."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from models import Notification, db
from workflows import rectification
from workflows.messages import Msg
from workflows.notifications import UNREAD_CAP, notify

pytestmark = pytest.mark.usefixtures("english")


def overdue(user_ids, item_id: int) -> None:
    notify(user_ids, "overdue", Msg("Ledger item %(item)s is overdue", item=item_id),
           entity="rectification_item", entity_id=item_id)
    db.flush()


def badge(page: str) -> str | None:
    """The unread count the header shows, if any."""
    link = re.search(r"<a [^>]*data-notifications.*?</a>", page, re.S)
    assert link, "no notifications link in the header"
    count = re.search(r"data-unread-count>([^<]*)<", link.group(0))
    return count.group(1) if count else None


def unread(user_id: int) -> int:
    return len(db.scalars(select(Notification.id).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))).all())


def test_page_lists_own_notifications_newest_first(bureau, as_user, client):
    overdue([bureau.filer1.id], 7)
    overdue([bureau.filer1.id], 8)
    notify([bureau.filer2.id], "notice", Msg("Notice meant for unit two only"),
           entity="rectification_item", entity_id=9)
    notify([bureau.filer1.id], "notice", Msg("A notice about nothing in particular"))
    db.flush()
    as_user("filer1")
    page = client.get("/notifications").text
    rows = re.findall(r'<tr data-unread id="notification-\d+">(.*?)</tr>', page, re.S)
    assert len(rows) == 3
    assert "A notice about nothing in particular" in rows[0] and "href" not in rows[0]
    assert 'href="/ledger/items/8">Ledger item 8 is overdue</a>' in rows[1]
    assert 'href="/ledger/items/7">Ledger item 7 is overdue</a>' in rows[2]
    assert "unit two" not in page
    assert badge(page) == "3"


def test_badge_counts_unread_on_every_page_and_caps(bureau, as_user, client):
    as_user("filer1")
    assert badge(client.get("/inbox").text) is None
    overdue([bureau.filer1.id, bureau.leader1.id], 5)
    assert badge(client.get("/inbox").text) == "1"
    for i in range(UNREAD_CAP):
        overdue([bureau.filer1.id], i)
    assert badge(client.get("/projects").text) == f"{UNREAD_CAP - 1}+"


def test_anonymous_pages_have_no_bell_and_the_page_needs_login(client, bureau):
    assert "data-notifications" not in client.get("/login").text
    resp = client.get("/notifications")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")


def test_mark_all_read_touches_only_the_users_own(bureau, as_user, client):
    overdue([bureau.filer1.id, bureau.filer2.id], 3)
    overdue([bureau.filer1.id], 4)
    as_user("filer1")
    resp = client.post("/notifications/read", data={"next": "/inbox"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/inbox"
    page = client.get("/notifications").text
    assert badge(page) is None and "<tr data-unread" not in page
    assert "Ledger item 3 is overdue" in page  # still listed, no longer highlighted
    assert (unread(bureau.filer1.id), unread(bureau.filer2.id)) == (0, 1)


def test_mark_some_read_never_reaches_another_users(bureau, as_user, client):
    overdue([bureau.filer1.id], 1)
    overdue([bureau.filer1.id], 2)
    overdue([bureau.filer2.id], 3)
    ids = {n.entity_id: n.id for n in db.scalars(select(Notification))}
    as_user("filer1")
    resp = client.post("/notifications/read", data={"id": [ids[1], ids[3]], "next": "//evil"})
    assert resp.headers["Location"] == "/notifications"
    assert (unread(bureau.filer1.id), unread(bureau.filer2.id)) == (1, 1)
    client.post("/notifications/read", data={"id": "not-a-number"})
    assert unread(bureau.filer1.id) == 1  # ids were posted, none valid: nothing marked
    assert badge(client.get("/notifications").text) == "1"
    as_user("filer2")
    page = client.get("/notifications").text
    assert "Ledger item 3 is overdue" in page and "Ledger item 1 " not in page


def test_marking_read_needs_the_csrf_token(bureau, as_user, app, client):
    overdue([bureau.filer1.id], 1)
    as_user("filer1")
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/notifications/read").status_code == 400
    assert unread(bureau.filer1.id) == 1
    page = client.get("/notifications").text
    token = re.search(r'action="/notifications/read">\s*<input type="hidden" '
                      r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/notifications/read", data={"csrf_token": token}).status_code == 302
    assert unread(bureau.filer1.id) == 0


def test_the_ladders_interview_proposal_reaches_the_bureau_leader(bureau, as_user, client):
    item = rectification.record_problem(bureau.perf, {
        "source": "audit", "unit_id": bureau.filer1.unit_id, "description": "资金闲置",
        "category": "funds", "severity": "serious"})  # serious: an interview is proposed at once
    as_user("leader")
    page = client.get("/notifications").text
    assert badge(page) == "1"
    assert (f'href="/ledger/items/{item.id}">An accountability interview is proposed for ledger '
            f"item {item.id} of 区教育局</a>") in page
    as_user("filer2")
    assert "accountability interview" not in client.get("/notifications").text
