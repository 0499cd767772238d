"""Applying for an ex-ante assessment (DOMAIN a step 1) and R5 as the goal sheet sees it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from models import ExAnteAssessment, FinanceBureau, Project, User, db

from ..audit import record
from ..cycle_steps import due_in
from ..deploy import latest_definition
from ..engine import runtime
from ..errors import Conflict, Forbidden
from ..messages import Msg
from ..rule_settings import rule_settings
from .access import CONCLUDED, KIND, PROCESS_KEY, can_start, needs_assessment

SUPPORTED = ("support", "support_with_revision")


def latest_assessment(project: Project) -> ExAnteAssessment | None:
    """The project's newest assessment of its year, if any."""
    return db.scalar(select(ExAnteAssessment).where(
        ExAnteAssessment.project_id == project.id,
        ExAnteAssessment.fiscal_year == project.fiscal_year)
        .order_by(ExAnteAssessment.id.desc()).limit(1))


def start_assessment(project: Project, user: User) -> ExAnteAssessment:
    """The unit's filer opens the project's assessment: the application task is theirs."""
    if not can_start(user, project):
        raise Forbidden(Msg("only a filer of the project's unit applies for its ex-ante "
                            "assessment"))
    bureau = db.get(FinanceBureau, project.bureau_id)
    if not needs_assessment(project, rule_settings(bureau)):
        raise Conflict(Msg("this project does not need an ex-ante assessment (R5)"))
    # one application at a time per project: a second request waits here, then sees the first
    db.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    if latest_assessment(project) is not None:
        raise Conflict(Msg("this project has already been assessed or is being assessed"))
    definition = latest_definition(PROCESS_KEY)
    if definition is None:
        raise Conflict(Msg("the ex-ante assessment process has not been deployed"))
    assessment = ExAnteAssessment(
        bureau_id=project.bureau_id, fiscal_year=project.fiscal_year, project_id=project.id,
        unit_id=project.unit_id, requested_amount=project.year_amount, application={},
        self_scores={}, scores={}, joint_parties=[], status="draft", created_by_id=user.id)
    db.add(assessment)
    db.flush()
    unit = project.unit
    instance = runtime.start_instance(
        definition, actor_id=user.id, business_key=f"{PROCESS_KEY}:{assessment.id}",
        subject=project.name, unit_id=unit.id,
        data={"assessment_id": assessment.id, "filer": user.username,
              "liaison_user": unit.liaison.username if unit.liaison else None,
              "assessor": "", "fill_due_at": due_in(bureau, "ex_ante_fill_days")})
    assessment.instance_id = instance.id
    before = project.status
    project.status = "ex_ante_pending"
    record(user.id, "project", project.id, "ex_ante.start", before={"status": before},
           after={"status": project.status, "assessment_id": assessment.id})
    record(user.id, KIND, assessment.id, "create",
           after={"status": "draft", "project_id": project.id})
    return assessment


def goal_sheet_refusal(project: Project) -> Msg | None:
    """R5 before a goal sheet: why this project may not declare goals yet, or None."""
    if not needs_assessment(project, rule_settings(db.get(FinanceBureau, project.bureau_id))):
        return None
    assessment = latest_assessment(project)
    if assessment is None:
        return Msg("this project needs an ex-ante assessment before its goals can be declared "
                   "(R5)")
    if assessment.status not in CONCLUDED:
        return Msg("the project's ex-ante assessment is not finished yet (R5)")
    if assessment.conclusion not in SUPPORTED:
        return Msg("the ex-ante assessment did not support this project: it cannot be "
                   "arranged in the budget (R5)")
    return None


def amount_cap(project: Project) -> Decimal | None:
    """R5: a supported project's amount cannot exceed the recommended amount."""
    assessment = latest_assessment(project)
    if assessment is None or assessment.conclusion not in SUPPORTED:
        return None
    return assessment.recommended_amount


def projects_to_assess(user: User) -> list[Project]:
    """The filer's unit's projects that need an assessment and have none yet (R5)."""
    if not user.has_role("unit_filer") or user.unit_id is None:
        return []
    settings = rule_settings(db.get(FinanceBureau, user.unit.bureau_id))
    assessed = select(ExAnteAssessment.project_id).where(
        ExAnteAssessment.unit_id == user.unit_id)
    candidates = db.scalars(select(Project).where(
        Project.unit_id == user.unit_id, Project.id.not_in(assessed),
        Project.status.not_in(("cancelled",))).order_by(Project.fiscal_year.desc(),
                                                         Project.code))
    return [p for p in candidates if needs_assessment(p, settings)]
