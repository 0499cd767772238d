"""Rectification task pages: a ledger item walked through plan, evidence, verification and
sign-off in the browser forms, and the bureau leader's interview proposal."""

from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import select

from models import InterviewRecord, RectificationItem, Task, User, db
from tests.conftest import ready_task
from workflows import evidence, rectification
from workflows.tasks import complete_user_task

pytestmark = pytest.mark.usefixtures("english")


DESCRIPTION = "专项资金未按规定用途使用"


def record(bureau, **over) -> RectificationItem:
    raw = {"source": "audit", "unit_id": bureau.filer1.unit_id, "description": DESCRIPTION,
           "category": "funds", "amount_involved": "125000"}
    raw.update(over)
    return rectification.record_problem(bureau.perf, raw)


def fresh(item: RectificationItem) -> RectificationItem:
    """The item as the last request left it."""
    return db.get(RectificationItem, item.id)


def task_url(item: RectificationItem, key: str) -> str:
    return f"/tasks/{ready_task(item.instance_id, key).id}"


def upload(item: RectificationItem, user, name: str = "a.pdf"):
    """One evidence file, uploaded by the user (loaded again: requests end the session)."""
    return evidence.upload_evidence(fresh(item), db.get(User, user.id), name,
                                    BytesIO(b"%PDF-1.4 x"))


def section(page: str, marker: str) -> str:
    """The HTML of the card that contains `marker`."""
    start = page.index(marker)
    return page[page.rindex("<section", 0, start):page.index("</section>", start)]


def to_verification(bureau, item: RectificationItem) -> None:
    """Plan, approval, one evidence file and the submission, through the operations layer."""
    def act(key, user, **payload):
        complete_user_task(ready_task(item.instance_id, key), user, payload)
    act("enter_plan", bureau.filer1, measures="收回资金", responsible_person="张三")
    act("approve_plan", bureau.leader1, decision="approve")
    upload(item, bureau.filer1)
    act("submit_evidence", bureau.filer1, comment="已整改")
    db.flush()


def test_item_walks_from_plan_to_sign_off(bureau, as_user, get, post):
    item = record(bureau)
    as_user("filer1")
    plan_url = task_url(item, "enter_plan")
    page = get(plan_url)
    summary = section(page, "Ledger item #")
    for text in (DESCRIPTION, "区教育局", "Audit", "Use of funds", "12.50 (10,000 yuan)",
                 item.deadline.isoformat(), f'href="/ledger/items/{item.id}"'):
        assert text in summary, text
    assert 'name="measures"' in page and 'name="planned_completion"' in page

    resp = post(plan_url, {"measures": " ", "responsible_person": "张三"}, status=422)
    measures = resp.text.split('name="measures"', 1)[1].split("</div>", 1)[0]
    assert "is required" in measures and 'value="张三"' in resp.text
    late = (item.deadline + timedelta(days=1)).isoformat()
    resp = post(plan_url, {"measures": "收回资金", "responsible_person": "张三",
                           "planned_completion": late}, status=422)
    assert "the planned completion date must not be after the deadline" in resp.text
    assert fresh(item).status == "assigned"
    resp = post(plan_url, {"measures": "收回资金并完善制度", "responsible_person": "张三"})
    assert resp.headers["Location"] == "/inbox"
    assert (fresh(item).status, fresh(item).measures) == ("plan_submitted", "收回资金并完善制度")

    as_user("leader1")
    review_url = task_url(item, "approve_plan")
    page = get(review_url)
    assert "收回资金并完善制度" in page and 'value="approve"' in page and 'value="return"' in page
    resp = post(review_url, {"decision": "return", "comment": ""}, status=422)
    assert "give the reason" in resp.text and re.search(r'value="return" checked', resp.text)
    post(review_url, {"decision": "approve", "comment": "同意"})
    assert fresh(item).status == "in_progress"

    as_user("filer1")
    evidence_url = task_url(item, "submit_evidence")
    page = get(evidence_url)
    assert "No evidence file has been uploaded yet." in section(page, 'id="evidence"')
    assert f'href="/ledger/items/{item.id}#evidence"' in page
    resp = post(evidence_url, {"comment": "已整改"}, status=422)
    assert "upload at least one evidence file before submitting" in section(
        resp.text, 'id="evidence"')
    assert fresh(item).status == "in_progress"
    doc = upload(item, bureau.filer1)
    assert f'href="/ledger/documents/{doc.id}">a.pdf</a>' in get(evidence_url)
    post(evidence_url, {"comment": "已收回资金"})
    item_now = fresh(item)
    assert (item_now.status, item_now.submitted_by_id) == ("evidence_submitted", bureau.filer1.id)

    as_user("cadre1")
    verify_url = task_url(item, "verify")
    page = get(verify_url)
    assert f"/ledger/documents/{doc.id}" in page and "已收回资金" in page
    resp = post(verify_url, {"decision": "return", "comment": "  "}, status=422)
    assert "give the reason" in resp.text
    post(verify_url, {"decision": "return", "comment": "缺少收款凭证"})
    assert (fresh(item).status, fresh(item).return_count) == ("returned", 1)

    as_user("filer1")
    resubmit_url = task_url(item, "submit_evidence")
    banner = get(resubmit_url).split('class="jx-return-banner"', 1)[1].split("</section>", 1)[0]
    assert "缺少收款凭证" in banner and "cadre1" in banner
    post(resubmit_url, {"comment": "已补充凭证"})

    as_user("cadre1")
    post(task_url(item, "verify"), {"decision": "pass", "comment": "佐证齐全"})
    assert (fresh(item).status, fresh(item).verify_result) == ("verified", "pass")

    as_user("perfchief")
    sign_url = task_url(item, "sign_off")
    page = get(sign_url)
    summary = section(page, "Ledger item #")
    assert "Passed" in summary and "佐证齐全" in summary and "cadre1" in summary
    assert "a.pdf" in section(page, 'id="evidence"')
    resp = post(sign_url, {"decision": "reject"}, status=422)
    assert "give the reason" in resp.text
    post(sign_url, {"decision": "sign_off"})
    item_now = fresh(item)
    assert (item_now.status, item_now.signed_off_by_id) == ("signed_off", bureau.perfchief.id)
    done = get(sign_url)
    assert "was completed by perfchief" in done and 'name="decision"' not in done


def test_the_evidence_submitter_cannot_verify(bureau, as_user, client, get):
    item = record(bureau)
    to_verification(bureau, item)
    item = fresh(item)
    item.submitted_by_id = bureau.cadre1.id  # as if the liaison had submitted it
    db.flush()
    verify = ready_task(item.instance_id, "verify")
    as_user("cadre1")
    page = get(f"/tasks/{verify.id}")
    assert "the submitter of the evidence cannot verify it (R9)" in page
    assert 'name="decision"' not in page
    resp = client.post(f"/tasks/{verify.id}", data={"decision": "pass"})
    assert resp.status_code == 403 and "R9" in resp.text
    assert fresh(item).status == "evidence_submitted"
    assert db.get(Task, verify.id).status == "ready"


def test_whoever_entered_the_plan_cannot_approve_it(bureau, as_user, client, get, post):
    item = record(bureau)
    as_user("both1")
    post(task_url(item, "enter_plan"), {"measures": "措施", "responsible_person": "李四"})
    review_url = task_url(item, "approve_plan")
    page = get(review_url)
    assert "whoever entered the plan cannot approve it (R9)" in page
    assert 'name="decision"' not in page
    assert client.post(review_url, data={"decision": "approve"}).status_code == 403
    as_user("leader1")
    assert 'name="decision"' in get(review_url)


def test_other_units_cannot_open_the_task(bureau, as_user, client, get):
    item = record(bureau)
    plan_url = task_url(item, "enter_plan")
    as_user("filer2")
    get(plan_url, status=404)
    assert client.post(plan_url, data={"measures": "x", "responsible_person": "y"}
                       ).status_code == 404


def test_serious_item_interview_can_be_replaced_by_an_extension(bureau, as_user, get, post):
    item = record(bureau, severity="serious")
    as_user("leader")
    url = task_url(item, "interview_serious")
    page = get(url)
    assert "Interview proposal: serious problem" in page and "Serious" in section(
        page, "Ledger item #")
    for name in ('value="interview"', 'value="extend"', 'name="commitments"',
                 'name="new_deadline"', 'name="follow_up_deadline"'):
        assert name in page, name
    old = item.deadline
    past = (rectification.today() - timedelta(days=1)).isoformat()
    resp = post(url, {"decision": "extend", "new_deadline": past, "comment": "汛期施工受阻"},
                status=422)
    field = resp.text.split('name="new_deadline"', 1)[1].split("</div>", 1)[0]
    assert "the new deadline must be later than the current one" in field
    assert 'value="extend" checked' in resp.text and "汛期施工受阻" in resp.text
    later = (old + timedelta(days=30)).isoformat()
    resp = post(url, {"decision": "extend", "new_deadline": later, "comment": ""}, status=422)
    assert "give the reason" in resp.text
    post(url, {"decision": "extend", "new_deadline": later, "comment": "汛期施工受阻"})
    item_now = fresh(item)
    assert item_now.deadline.isoformat() == later and item_now.original_deadline == old
    extensions = get(url).split("Extensions", 1)[1]
    assert f"{old.isoformat()} → {later}" in extensions and "汛期施工受阻" in extensions


def test_interview_record_needs_the_commitments(bureau, as_user, get, post):
    item = record(bureau, severity="serious")
    as_user("leader")
    url = task_url(item, "interview_serious")
    resp = post(url, {"decision": "interview", "interviewee_person": "张局长",
                      "commitments": ""}, status=422)
    field = resp.text.split('name="commitments"', 1)[1].split("</div>", 1)[0]
    assert "is required" in field and 'value="张局长"' in resp.text
    follow_up = (rectification.today() + timedelta(days=30)).isoformat()
    resp = post(url, {"decision": "interview", "interviewee_person": "张局长",
                      "commitments": "一个月内整改到位", "interviewer": "王副局长"}, status=422)
    assert "give the new deadline" in resp.text  # holding an interview sets a follow-up date
    post(url, {"decision": "interview", "interviewee_person": "张局长",
               "commitments": "一个月内整改到位", "interviewer": "王副局长",
               "follow_up_deadline": follow_up})
    interview = db.scalars(select(InterviewRecord)).one()
    assert (interview.interviewee_person, interview.interviewer, interview.item_ids) == (
        "张局长", "王副局长", [item.id])
    assert db.get(RectificationItem, item.id).deadline.isoformat() == follow_up
    assert db.get(Task, int(url.rsplit("/", 1)[1])).status == "completed"
