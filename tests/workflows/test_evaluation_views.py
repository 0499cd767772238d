"""Reading key evaluations: who sees which (the R18 matrix for firm staff, every check logged),
filters and counts, scores by level-1 group, problems linked to their ledger items, history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models import AuditLog, Engagement, RectificationItem, db
from tests.evaluation_support import (
    GOOD,
    PLAN,
    SCORES,
    act,
    propose,
    to_fieldwork,
    to_final_step,
    to_plan,
    upload,
)
from workflows import firms
from workflows.engine import clock
from workflows.errors import InvalidInput, NotFound
from workflows.evaluation import get_evaluation_or_404
from workflows.evaluation.views import (
    EvaluationFilters,
    evaluation_view,
    list_evaluations,
)

EVERYONE = ("perf", "perfchief", "leader", "budget", "cadre1", "cadre2", "filer1", "filer2",
            "lead_a", "member_a", "other_a", "eva_b", "auditor", "delegate", "admin")
FINANCE = {"perf", "perfchief", "leader", "budget", "admin"}
UNIT_SIDE = {"cadre1", "filer1"}  # the evaluated unit (U1) and its expenditure section


def to_results(ke):
    """An evaluation whose results are issued (final status; the engagement is delivered)."""
    ev = to_final_step(ke)
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意定稿"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    return ev


def who(ke, name):
    return getattr(ke, name, None) or ke.o.users[name]


def close_engagement(ke, ev, days_ago: int) -> None:
    firms.close_engagement(ke.o.perf, db.get(Engagement, ev.engagement_id))
    clock.travel(timedelta(days=days_ago))


def consulting(ke):
    return propose(ke)


def engaged(ke):
    return to_plan(ke)


def fieldwork(ke):
    return to_fieldwork(ke)


def final(ke):
    return to_results(ke)


def closed_29_days_ago(ke):
    ev = to_results(ke)
    close_engagement(ke, ev, 29)
    return ev


def closed_31_days_ago(ke):
    ev = to_results(ke)
    close_engagement(ke, ev, 31)
    return ev


MATRIX = [
    # the audit bureau while consultation #1 is open; nobody of the firms yet; the unit's
    # section reads the list, the unit itself learns of it with the notice at fieldwork
    (consulting, FINANCE | {"cadre1", "auditor"}),
    # the engaged team (lead and member) while active; not the firm's other staff, not firm B;
    # audit bureau (consultation answered) and congress (not final) see nothing
    (engaged, FINANCE | {"cadre1", "lead_a", "member_a"}),
    (fieldwork, FINANCE | UNIT_SIDE | {"lead_a", "member_a"}),
    # final: the audit bureau and congress read it; the delivered engagement's team still reads
    (final, FINANCE | UNIT_SIDE | {"lead_a", "member_a", "auditor", "delegate"}),
    # engagement closed: read-only grace of 30 days, then nothing
    (closed_29_days_ago, FINANCE | UNIT_SIDE | {"lead_a", "member_a", "auditor", "delegate"}),
    (closed_31_days_ago, FINANCE | UNIT_SIDE | {"auditor", "delegate"}),
]


@pytest.mark.parametrize(("stage", "expected"), MATRIX, ids=[m[0].__name__ for m in MATRIX])
def test_who_sees_the_evaluation_in_the_list_and_on_its_own(ke, stage, expected):
    ev = stage(ke)
    in_list, alone = set(), set()
    for name in EVERYONE:
        user = who(ke, name)
        if [r.id for r in list_evaluations(user, EvaluationFilters()).rows] == [ev.id]:
            in_list.add(name)
        try:
            get_evaluation_or_404(ev.id, user)
            alone.add(name)
        except NotFound:
            pass
    assert in_list == expected
    assert alone == expected


def test_every_firm_check_of_the_list_is_logged(ke):
    ev = to_plan(ke)

    def reads(user) -> list[dict]:
        return [r.after for r in db.scalars(select(AuditLog).where(
            AuditLog.actor_id == user.id, AuditLog.action == "firm.read",
            AuditLog.entity == "key_evaluation", AuditLog.entity_id == str(ev.id)))]

    before = len(reads(ke.member_a))
    list_evaluations(ke.member_a, EvaluationFilters())
    logged = reads(ke.member_a)[before:]
    assert [(r["allowed"], r["access"]) for r in logged] == [(True, "write")]
    # firm B covers nothing: no candidate, nothing to check; a probe of the evaluation is logged
    assert list_evaluations(ke.eva_b, EvaluationFilters()).rows == []
    with pytest.raises(NotFound):
        get_evaluation_or_404(ev.id, ke.eva_b)
    assert [r["allowed"] for r in reads(ke.eva_b)] == [False]


def test_filters_paging_and_counts(ke):
    a = to_results(ke)  # p1, U1, 2027, good
    b = propose(ke, project_id=ke.o.projects["p2"].id, title="高标准农田建设项目重点评价",
                fiscal_year_evaluated=2026)
    c = propose(ke, object_type="overall", project_id=None, unit_id=ke.o.projects["p1"].unit_id,
                title="区教育局部门整体支出评价", fiscal_year_evaluated=2027)

    def ids(**kw) -> list[int]:
        page = kw.pop("page", 1)
        return [r.id for r in list_evaluations(ke.o.perf, EvaluationFilters(**kw), page,
                                               per_page=2).rows]

    assert ids() == [c.id, a.id] and ids(page=2) == [b.id]
    assert ids(year=2026) == [b.id]
    assert ids(status="results_issued") == [a.id]
    assert ids(grade="good") == [a.id] and ids(grade="poor") == []
    assert ids(unit_id=ke.o.projects["p2"].unit_id) == [b.id]
    assert ids(q="农田") == [b.id] and ids(q="%") == []
    page = list_evaluations(ke.o.perf, EvaluationFilters(status="audit_pre"), per_page=2)
    assert (page.total, page.pages) == (2, 1)
    # each count follows the other filters: the status counts ignore the status filter
    assert page.by_status == {"audit_pre": 2, "results_issued": 1}
    assert page.by_grade == {}
    assert list_evaluations(ke.o.perf, EvaluationFilters()).by_grade == {"good": 1}
    row = next(r for r in list_evaluations(ke.o.perf, EvaluationFilters()).rows if r.id == a.id)
    assert (row.firm_name, row.final_score, row.grade, row.problem_count) == (
        "甲会计师事务所", Decimal("88.00"), "good", 2)
    assert [t.task_key for t in row.open_tasks] == ["score_firm"]
    # units learn of their evaluation at fieldwork: U2's proposal is not in its list yet
    assert [r.id for r in list_evaluations(ke.o.filer2, EvaluationFilters()).rows] == []
    assert [r.id for r in list_evaluations(ke.o.filer1, EvaluationFilters()).rows] == [a.id]


def test_bad_filters_name_the_argument():
    with pytest.raises(InvalidInput) as err:
        EvaluationFilters.parse({"year": "20x6", "status": "lost", "grade": "A+",
                                 "unit_id": "0"})
    assert set(err.value.errors) == {"year", "status", "grade", "unit_id"}
    assert EvaluationFilters.parse({"year": "2027", "q": "  农田 "}) == EvaluationFilters(
        year=2027, q="农田")


def test_scores_by_indicator_and_level1_group(ke):
    ev = to_plan(ke)
    assert evaluation_view(ev, ke.o.perf).groups == ()
    act(ke.lead_a, ev, "submit_plan", PLAN)
    view = evaluation_view(ev, ke.o.perf)
    assert view.score_stage is None and view.total is None
    assert [(g.level1, g.weight) for g in view.groups] == [
        ("decision", 20), ("process", 20), ("output", 30), ("benefit", 30)]
    assert all(i.score is None for i in view.indicators)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    act(ke.o.filer1, ev, "supply_data", {"note": "资料"})
    upload(ke.lead_a, ev, "working_paper")
    act(ke.lead_a, ev, "record_fieldwork", {"methods": ["survey"], "notes": "问卷"})
    act(ke.lead_a, ev, "submit_draft", {"scores": SCORES, "problems": [], "summary": "初稿"})
    view = evaluation_view(ev, ke.o.filer1)
    assert view.score_stage == "draft" and (view.total, view.grade) == (Decimal("88.00"), "good")
    assert [i.score for i in view.indicators] == [Decimal(s) for s in SCORES]
    assert {g.level1: g.subtotal for g in view.groups} == {
        "decision": Decimal("17.00"), "process": Decimal("18.00"), "output": Decimal("27.00"),
        "benefit": Decimal("26.00")}
    assert [i.name for i in view.groups[3].indicators] == ["社会效益", "师生满意度"]


def test_problems_link_to_their_ledger_items_once_issued(ke):
    ev = to_final_step(ke)
    view = evaluation_view(ev, ke.o.perf)
    assert [p.item for p in view.problems] == [None, None]
    assert view.problems[1].amount_involved == Decimal("125000.00")
    act(ke.o.perfchief, ev, "chief_approval", {"decision": "approve"})
    act(ke.auditor, ev, "consult_final", {"opinion": "同意"})
    act(ke.o.leader, ev, "leader_approval", {"decision": "approve"})
    view = evaluation_view(ev, ke.o.perf)
    items = db.scalars(select(RectificationItem).order_by(RectificationItem.id)).all()
    assert [(p.item.id, p.item.status, p.item.deadline) for p in view.problems] == [
        (i.id, "assigned", i.deadline) for i in items]
    assert view.score_stage == "final" and view.grade == "good" and view.ledger_visible
    assert not evaluation_view(ev, ke.delegate).ledger_visible  # congress: no ledger scope


def test_what_each_reader_is_shown(ke):
    ev = to_results(ke)
    act(ke.o.perf, ev, "score_firm", {"components": GOOD, "remarks": "工作规范"})
    act(ke.o.perfchief, ev, "confirm_firm_score", {"decision": "return",
                                                   "comment": "报告质量分偏高"})
    perf = evaluation_view(ev, ke.o.perf)
    assert [c.stage for c in perf.consultations] == ["pre_evaluation", "pre_finalisation"]
    assert perf.consultations[1].opinion == "同意定稿" and perf.fee_budget == Decimal("180000")
    assert perf.engagement.firm_name == "甲会计师事务所" and perf.engagement.lead_name == "lead_a"
    assert perf.engagement.team == ("member_a",)
    assert perf.feedback.status == "agreed" and perf.feedback.by == "leader1"
    actions = [h.action for h in perf.history]
    assert "propose" in actions[:2] and "results.issue" in actions and "firm.read" not in actions
    returned = next(h for h in perf.history if h.action == "firm_score.return")
    assert (returned.actor, returned.reason) == ("perfchief", "报告质量分偏高")
    assert all("components" not in h.after for h in perf.history)
    data = next(h for h in perf.history if h.action == "unit_data.submit")
    assert data.after == {}  # the status did not change: no arrow
    approved = next(h for h in perf.history if h.action == "final.approve")
    assert approved.after == {"status": "final", "score": "88.00", "grade": "good"}
    # firm staff and units: no audit opinions, no fee, never the firm's quality score
    for user in (ke.lead_a, ke.o.filer1):
        view = evaluation_view(ev, user)
        assert view.consultations is None and view.fee_budget is None
        hidden = next(h for h in view.history if h.action == "firm_score.return")
        assert hidden.reason is None and hidden.after == {}
    assert evaluation_view(ev, ke.auditor).consultations is not None
    assert [t.task_key for t in perf.open_tasks] == ["score_firm"]


def test_upload_kinds_follow_the_documents_rule(ke):
    ev = to_plan(ke)
    assert evaluation_view(ev, ke.o.perf).upload_kinds == ()  # the final report comes last
    act(ke.lead_a, ev, "submit_plan", PLAN)
    act(ke.o.perf, ev, "review_plan", {"decision": "approve"})
    assert evaluation_view(ev, ke.lead_a).upload_kinds == ("plan", "working_paper",
                                                           "draft_report")
    assert evaluation_view(ev, ke.o.filer1).upload_kinds == ("unit_data", "feedback")
    assert evaluation_view(ev, ke.o.perf).upload_kinds == ()
    assert evaluation_view(ev, ke.o.cadre1).upload_kinds == ()
    assert evaluation_view(ev, ke.o.admin).upload_kinds == ()
    doc = upload(ke.o.filer1, ev, "unit_data", "预算批复.pdf")
    view = evaluation_view(ev, ke.member_a)
    assert [(d.id, d.kind, d.filename, d.uploaded_by) for d in view.documents] == [
        (doc.id, "unit_data", "预算批复.pdf", "filer1")]


def test_the_list_of_a_firm_user_after_the_grace_logs_refusals(ke):
    ev = closed_31_days_ago(ke)
    assert list_evaluations(ke.lead_a, EvaluationFilters()).rows == []
    refused = db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.actor_id == ke.lead_a.id, AuditLog.action == "firm.read",
        AuditLog.entity_id == str(ev.id)))
    assert refused >= 1
