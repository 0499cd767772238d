"""Issuance pages: the budget section records the approval day, sends sheets to the congress
and issues them; an open inquiry keeps its sheet back (R12) with the reason shown; the unit head
answers and the congress closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import CongressInquiry, GoalSheet, db
from tests.self_evaluation_data import issued_sheet
from workflows.cycle_steps import today

pytestmark = pytest.mark.usefixtures("english")
YEAR = (today() - timedelta(days=30)).year + 1


@pytest.fixture
def sheets(bureau, make_user):
    make_user("npc1", "congress")
    ids = [issued_sheet(bureau, n, status="approved", year=YEAR).id for n in ("p1", "p2")]
    db.commit()
    return ids


def test_issue_with_an_inquiry_open_on_one_sheet(sheets, as_user, get, post):
    first, second = sheets
    as_user("budget")
    page = get(f"/issuance?year={YEAR}")
    assert f'data-sheet="{first}"' in page and "not recorded yet" in page
    assert "data-sub-units-due" not in page
    post("/issuance/approval", {"year": YEAR, "approved_on": (today() - timedelta(days=3))
                                .isoformat()})
    assert f"data-sub-units-due>{(today() + timedelta(days=32)).isoformat()}" in get(
        f"/issuance?year={YEAR}")  # at the latest: 20 days, then 15
    post("/issuance/flag", {"year": YEAR, "sheet_ids": [first], "flag": "on"})
    assert db.get(GoalSheet, first).submit_to_congress
    as_user("npc1")
    page = get(f"/issuance?year={YEAR}")
    assert f'data-sheet="{first}"' in page and f'data-sheet="{second}"' not in page
    post(f"/sheets/{first}/inquiries", {"session": "三次会议", "delegate_name": "王代表",
                                        "question": "目标依据？"})
    inquiry = db.query(CongressInquiry).one()
    as_user("budget")
    resp = post("/issuance/issue", {"year": YEAR, "sheet_ids": [first, second]})
    page = get(resp.headers["Location"])
    assert "1 goal sheet(s) issued" in page and "a congress inquiry is still open (R12)" in page
    assert db.get(GoalSheet, second).status == "issued"
    # R13: sub-units within 15 days of the department's own issuance (today), not the deadline
    assert f"data-sub-units-due>{(today() + timedelta(days=15)).isoformat()}" in page
    as_user("leader1")
    assert "目标依据？" in get("/inquiries")
    post(f"/inquiries/{inquiry.id}/answer", {"answer": "依据在校生数测算"})
    as_user("npc1")
    post(f"/inquiries/{inquiry.id}/close", {"outcome": "accepted"})
    as_user("budget")
    post("/issuance/issue", {"year": YEAR, "sheet_ids": [first]})
    assert db.get(GoalSheet, first).status == "issued"


def test_others_cannot_issue_or_see_the_board(sheets, as_user, get, post):
    as_user("filer1")
    get(f"/issuance?year={YEAR}", status=404)
    as_user("perf")
    assert 'name="sheet_ids"' not in get(f"/issuance?year={YEAR}")
    post("/issuance/issue", {"year": YEAR, "sheet_ids": sheets}, status=403)
    as_user("leader2")
    inquiry_page = get("/inquiries")
    assert "data-inquiry" not in inquiry_page
