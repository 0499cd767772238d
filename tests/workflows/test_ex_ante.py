"""Ex-ante assessment at the operations layer (DOMAIN process a): R5 gating the goal sheet,
the unit's application, the completeness check, the mode, scoring on the bands, approval by the
chief or the leader, and the three outcomes; R9 and R18 refusals."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import AuditLog, Engagement, db
from tests.cycle_data import (
    APPLICATION,
    APPROVE,
    act,
    assess,
    keys,
    new_project,
    ready,
    scores,
    to_mode,
)
from tests.firm_data import make_registry, user
from workflows import ex_ante
from workflows.errors import Conflict, Forbidden, InvalidInput, NotFound
from workflows.goal_review import start_goal_declaration
from workflows.rule_settings import save_rule_settings
from workflows.tasks import complete_user_task


def test_r5_a_new_project_above_the_threshold_needs_an_assessment_before_its_goals(bureau):
    project = new_project(amount=500_000)
    assert ex_ante.needs_assessment(project)
    with pytest.raises(Conflict, match="needs an ex-ante assessment"):
        start_goal_declaration(project, bureau.filer1)
    small = new_project("小额新增项目", amount="499999.99")
    assert not ex_ante.needs_assessment(small)
    start_goal_declaration(small, bureau.filer1)  # below the threshold: goals at once
    with pytest.raises(Conflict, match="does not need"):
        ex_ante.start_assessment(small, bureau.filer1)


def test_threshold_zero_means_every_new_project(bureau):
    save_rule_settings(bureau.admin, {"ex_ante_threshold": 0})
    assert ex_ante.needs_assessment(new_project("零门槛项目", amount=1))
    assert not ex_ante.needs_assessment(bureau.projects["p1"])  # continuing project


def test_expiring_renewals_when_the_bureau_says_so(bureau):
    project = bureau.projects["p1"]
    project.is_renewal = True
    assert not ex_ante.needs_assessment(project)
    save_rule_settings(bureau.admin, {"ex_ante_scope": "new_and_expiring_renewals"})
    assert ex_ante.needs_assessment(project)


def test_support_makes_the_project_arrangeable_and_lets_its_goals_be_declared(bureau):
    pending = new_project("在评项目", amount=3_000_000)
    assessment = ex_ante.start_assessment(pending, bureau.filer1)
    assert pending.status == "ex_ante_pending" and keys(assessment) == ["ex_ante_fill"]
    with pytest.raises(Conflict, match="not finished"):
        start_goal_declaration(pending, bureau.filer1)
    project = new_project(amount=3_000_000)
    assessment = assess(bureau, project, (18, 17, 16, 16, 17))  # 84: support
    assert assessment.total_score == Decimal(84) and assessment.conclusion == "support"
    assert not assessment.needs_leader  # 3,000,000 < 5,000,000: the chief approves
    assert assessment.status == "arrangeable" and project.status == "arrangeable"
    assert assessment.recommended_amount == project.year_amount  # left empty: as requested
    assert keys(assessment) == []
    start_goal_declaration(project, bureau.filer1)


def test_support_with_revision_caps_the_amount_and_sends_the_project_back(bureau):
    project = new_project(amount=6_000_000)
    assessment = assess(bureau, project, (14, 14, 14, 14, 14), recommended="4500000")  # 70
    assert assessment.conclusion == "support_with_revision" and assessment.needs_leader
    assert assessment.status == "revision" and keys(assessment) == ["ex_ante_revise"]
    assert project.year_amount == Decimal(4_500_000)
    assert assessment.reduction == Decimal(1_500_000)
    with pytest.raises(InvalidInput):
        act(assessment, "ex_ante_revise", bureau.filer1, {"revision_note": " "})
    act(assessment, "ex_ante_revise", bureau.filer1, {"revision_note": "压减设备采购规模"})
    assert project.status == "arrangeable" and assessment.status == "arrangeable"
    assert ex_ante.amount_cap(project) == Decimal(4_500_000)
    reductions = db.scalars(select(AuditLog).where(AuditLog.entity == "project",
                                                   AuditLog.action == "ex_ante.reduce")).all()
    assert reductions[0].after["reduction"] == "1500000.00"


def test_not_supported_blocks_the_project(bureau):
    project = new_project(amount=800_000)
    assessment = assess(bureau, project, (12, 11, 12, 12, "11.99"))  # 58.99
    assert assessment.conclusion == "not_support" and assessment.recommended_amount == 0
    assert project.status == "blocked" and assessment.status == "blocked"
    with pytest.raises(Conflict, match="did not support"):
        start_goal_declaration(project, bureau.filer1)
    with pytest.raises(Conflict, match="already been assessed"):
        ex_ante.start_assessment(project, bureau.filer1)


@pytest.mark.parametrize(("values", "conclusion"), [
    ((16, 16, 16, 16, 16), "support"),  # 80.00
    ((16, 16, 16, 16, "15.99"), "support_with_revision"),  # 79.99
    ((12, 12, 12, 12, 12), "support_with_revision"),  # 60.00
    ((12, 12, 12, 12, "11.99"), "not_support"),  # 59.99
])
def test_conclusion_bands_at_their_boundaries(bureau, values, conclusion):
    project = new_project(amount=900_000)
    recommended = "800000" if conclusion == "support_with_revision" else None
    assessment = assess(bureau, project, values, recommended=recommended)
    assert assessment.conclusion == conclusion


def test_the_leader_approves_at_or_above_the_leader_threshold(bureau):
    project = new_project(amount=5_000_000)
    assessment = to_mode(bureau, project)
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "expert_panel"})
    act(assessment, "ex_ante_score", bureau.perf, {"dimension_scores": scores(18, 18, 18, 18, 18),
                                                   "opinion": "专家组一致同意"})
    assert keys(assessment) == ["ex_ante_leader_approve"]
    task = ready(assessment)
    with pytest.raises(Forbidden):  # the chief's role is not the leader's
        complete_user_task(task, bureau.perfchief, APPROVE)
    act(assessment, "ex_ante_leader_approve", bureau.leader, APPROVE)
    assert assessment.status == "arrangeable"


def test_every_gate_can_return_and_the_application_keeps_its_text(bureau):
    project = new_project()
    assessment = ex_ante.start_assessment(project, bureau.filer1)
    act(assessment, "ex_ante_fill", bureau.filer1, APPLICATION)
    with pytest.raises(InvalidInput) as exc:
        act(assessment, "ex_ante_leader_review", bureau.leader1, {"decision": "return"})
    assert "comment" in exc.value.errors
    act(assessment, "ex_ante_leader_review", bureau.leader1,
        {"decision": "return", "comment": "补充预算明细"})
    assert keys(assessment) == ["ex_ante_fill"] and assessment.return_count == 1
    act(assessment, "ex_ante_fill", bureau.filer1, APPLICATION)
    act(assessment, "ex_ante_leader_review", bureau.leader1, APPROVE)
    act(assessment, "ex_ante_completeness", bureau.cadre1,
        {"decision": "return", "comment": "缺少立项依据文件"})
    assert keys(assessment) == ["ex_ante_fill"] and assessment.status == "draft"
    assert assessment.application["basis"] == APPLICATION["application"]["basis"]


def test_approval_returns_to_the_assessor(bureau):
    project = new_project(amount=900_000)
    assessment = to_mode(bureau, project)
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "finance"})
    act(assessment, "ex_ante_score", bureau.perf, {"dimension_scores": scores(18, 18, 18, 18, 18),
                                                   "opinion": "同意"})
    act(assessment, "ex_ante_chief_approve", bureau.perfchief,
        {"decision": "return", "comment": "经济性论证不足"})
    assert keys(assessment) == ["ex_ante_score"] and assessment.status == "assessing"


def test_bad_application_and_scores_are_refused_field_by_field(bureau):
    project = new_project()
    assessment = ex_ante.start_assessment(project, bureau.filer1)
    bad = {"application": {"basis": ""}, "self_scores": {"necessity": "21", "economy": "x",
                                                         "feasibility": "1.234"}}
    with pytest.raises(InvalidInput) as exc:
        act(assessment, "ex_ante_fill", bureau.filer1, bad)
    assert {"application.basis", "application.draft_goals", "self_scores.necessity",
            "self_scores.economy", "self_scores.feasibility",
            "self_scores.funding_compliance"} <= set(exc.value.errors)
    assert keys(assessment) == ["ex_ante_fill"] and assessment.status == "draft"


def test_recommended_amount_rules(bureau):
    project = new_project(amount=900_000)
    assessment = to_mode(bureau, project)
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "finance"})
    base = {"dimension_scores": scores(14, 14, 14, 14, 14), "opinion": "需压减"}
    for amount, message in ((None, "required"), ("950000", "must not exceed"), ("0", "above 0")):
        with pytest.raises(InvalidInput) as exc:
            act(assessment, "ex_ante_score", bureau.perf,
                {**base, **({"recommended_amount": amount} if amount else {})})
        assert message in str(exc.value.errors["recommended_amount"][0])
    with pytest.raises(InvalidInput):
        act(assessment, "ex_ante_score", bureau.perf,
            {"dimension_scores": scores(10, 10, 10, 10, 10), "opinion": "否",
             "recommended_amount": "5"})


def test_r9_the_filer_does_not_approve_nor_assess_and_the_assessor_does_not_approve(bureau):
    project = new_project(amount=900_000)
    assessment = ex_ante.start_assessment(project, bureau.both1)
    act(assessment, "ex_ante_fill", bureau.both1, APPLICATION)
    with pytest.raises(Forbidden, match="R9"):
        complete_user_task(ready(assessment), bureau.both1, APPROVE)
    act(assessment, "ex_ante_leader_review", bureau.leader1, APPROVE)
    act(assessment, "ex_ante_completeness", bureau.cadre1, APPROVE)
    act(assessment, "ex_ante_choose_mode", bureau.perfchief, {"mode": "finance"})
    act(assessment, "ex_ante_score", bureau.perfchief,
        {"dimension_scores": scores(18, 18, 18, 18, 18), "opinion": "同意"})
    with pytest.raises(Forbidden, match="R9"):
        complete_user_task(ready(assessment), bureau.perfchief, APPROVE)


def test_only_the_owning_section_checks_completeness(bureau):
    project = new_project()
    assessment = ex_ante.start_assessment(project, bureau.filer1)
    act(assessment, "ex_ante_fill", bureau.filer1, APPLICATION)
    act(assessment, "ex_ante_leader_review", bureau.leader1, APPROVE)
    with pytest.raises(Forbidden):
        complete_user_task(ready(assessment), bureau.cadre2, APPROVE)


def test_only_the_units_filer_applies_and_only_once(bureau):
    project = new_project()
    with pytest.raises(Forbidden):
        ex_ante.start_assessment(project, bureau.filer2)
    ex_ante.start_assessment(project, bureau.filer1)
    with pytest.raises(Conflict):
        ex_ante.start_assessment(project, bureau.filer1)
    assert [p.name for p in ex_ante.projects_to_assess(bureau.filer1)] == []


def test_third_party_mode_engages_a_firm_whose_lead_scores(bureau, make_user):
    make_registry(bureau, make_user)
    project = new_project(amount=2_000_000)
    assessment = to_mode(bureau, project)
    firm_a = user("lead_a").firm_id
    engage = {"mode": "third_party", "firm_id": firm_a, "coi_signed": True,
              "lead_evaluator_user_id": user("lead_a").id,
              "procurement_method": "inquiry", "contract_amount": "50000",
              "contract_date": "2027-03-01"}
    with pytest.raises(InvalidInput) as exc:
        act(assessment, "ex_ante_choose_mode", bureau.perf, {**engage, "coi_signed": False})
    assert "coi_signed" in exc.value.errors
    act(assessment, "ex_ante_choose_mode", bureau.perf, engage)
    assert keys(assessment) == ["ex_ante_firm_score"]
    engagement = db.get(Engagement, assessment.engagement_id)
    assert engagement.status == "active" and engagement.covers("ex_ante", assessment.id)
    with pytest.raises(Forbidden):  # the other firm's evaluator
        complete_user_task(ready(assessment), user("eva_b"), {})
    with pytest.raises(NotFound):
        ex_ante.get_assessment_or_404(assessment.id, user("eva_b"))
    assert ex_ante.get_assessment_or_404(assessment.id, user("lead_a")) is assessment
    act(assessment, "ex_ante_firm_score", user("lead_a"),
        {"dimension_scores": scores(17, 17, 17, 17, 17), "opinion": "第三方评估：予以支持"})
    act(assessment, "ex_ante_chief_approve", bureau.perfchief, APPROVE)
    assert assessment.status == "arrangeable" and engagement.status == "delivered"


def test_joint_assessments_need_their_parties_and_open_the_record_to_them(bureau, make_user):
    auditor = make_user("auditor", "audit_bureau")
    project = new_project(amount=900_000)
    assessment = to_mode(bureau, project)
    with pytest.raises(InvalidInput) as exc:
        act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "joint"})
    assert "joint_parties" in exc.value.errors
    with pytest.raises(NotFound):
        ex_ante.get_assessment_or_404(assessment.id, auditor)
    act(assessment, "ex_ante_choose_mode", bureau.perf,
        {"mode": "joint", "joint_parties": ["audit", "congress"]})
    assert keys(assessment) == ["ex_ante_score"]
    assert ex_ante.get_assessment_or_404(assessment.id, auditor) is assessment


def test_units_see_their_own_assessments_only(bureau):
    assessment = ex_ante.start_assessment(new_project(), bureau.filer1)
    assert ex_ante.get_assessment_or_404(assessment.id, bureau.leader1) is assessment
    assert ex_ante.get_assessment_or_404(assessment.id, bureau.cadre1) is assessment
    for outsider in (bureau.filer2, bureau.cadre2):
        with pytest.raises(NotFound):
            ex_ante.get_assessment_or_404(assessment.id, outsider)
    page = ex_ante.list_assessments(bureau.filer2, ex_ante.AssessmentFilters())
    assert page.total == 0
    assert ex_ante.list_assessments(bureau.perf, ex_ante.AssessmentFilters()).total == 1


def test_the_list_sums_what_was_cut(bureau):
    assess(bureau, new_project("甲", amount=6_000_000), (14, 14, 14, 14, 14),
           recommended="4500000")
    assess(bureau, new_project("乙", amount=800_000), (10, 10, 10, 10, 10))
    summary = ex_ante.list_assessments(bureau.perf, ex_ante.AssessmentFilters()).summary
    assert summary.by_conclusion == {"support_with_revision": 1, "not_support": 1}
    assert summary.reduction == Decimal(1_500_000 + 800_000)


def test_a_completed_step_cannot_be_completed_twice(bureau):
    assessment = ex_ante.start_assessment(new_project(), bureau.filer1)
    task = ready(assessment)
    act(assessment, "ex_ante_fill", bureau.filer1, APPLICATION)
    with pytest.raises(Conflict):
        complete_user_task(task, bureau.filer1, APPLICATION)
