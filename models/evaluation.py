"""Performance evaluation: self-evaluations of a year, key evaluations and audit consultations."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Timestamps
from .org import BudgetUnit
from .project import Project

Score = Numeric(5, 2)
GRADES = ("excellent", "good", "fair", "poor")

OBJECT_TYPES = ("project", "overall", "special_fund", "policy", "transfer", "ppp",
                "enterprise_subsidy")
SELECTION_REASONS = ("large_amount", "broad_coverage", "public_concern", "poor_history",
                     "priority_area", "leader_assigned")
METHODS = ("goal_comparison", "document_review", "site_inspection", "survey", "interview",
           "recheck", "data_analysis", "cost_benefit", "benchmark")
# DOMAIN section 3 key_evaluation state machine.
KEY_EVALUATION_STATUSES = ("proposed", "audit_pre", "approved_list", "engaged", "plan_review",
                           "fieldwork", "draft_submitted", "unit_feedback", "perf_review",
                           "audit_prefinal", "leader_approval", "final", "results_issued",
                           "closed", "withdrawn")
CONSULTATION_STAGES = ("pre_evaluation", "pre_finalisation")
FEEDBACK_STATUSES = ("pending", "agreed", "disputed", "deemed_agreed")
SELF_EVALUATION_STATUSES = ("draft", "submitted", "unit_approved", "reviewed", "spot_checked",
                            "accepted")


class KeyEvaluation(Timestamps, Base):
    """A finance-led evaluation of one object (财政重点评价), run by a `key_evaluation` instance.

    The plan, fieldwork record, draft scores and problem list are documents of the evaluation's
    own shape (JSON); the scores are checked by the R2/R3 rules before they are stored.
    """

    __tablename__ = "key_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year_evaluated: Mapped[int] = mapped_column(Integer)
    object_type: Mapped[str] = mapped_column(String(24))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    selection_reason: Mapped[str] = mapped_column(String(24))
    selection_note: Mapped[str] = mapped_column(Text, default="")
    fee_budget: Mapped[Decimal | None]
    engagement_id: Mapped[int | None] = mapped_column(ForeignKey("engagement.id"), index=True)
    plan: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    fieldwork: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    draft: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    problems: Mapped[list] = mapped_column(JsonDoc, default=list)
    feedback_status: Mapped[str] = mapped_column(String(16), default="pending")
    unit_feedback: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    firm_response: Mapped[str] = mapped_column(Text, default="")
    # the performance section's proposed firm quality score, until the chief confirms it (R22)
    firm_score_draft: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    subtotals: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    final_score: Mapped[Decimal | None] = mapped_column(Score)
    grade: Mapped[str | None] = mapped_column(String(12))
    chief_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    finalised_at: Mapped[datetime | None]
    results_issued_at: Mapped[datetime | None]
    plan_returns: Mapped[int] = mapped_column(Integer, default=0)
    draft_returns: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()
    consultations: Mapped[list[AuditConsultation]] = relationship(
        order_by="AuditConsultation.id", viewonly=True)


class AuditConsultation(Base):
    """A consultation of the audit bureau on a key evaluation (R16): an opinion, or no opinion
    recorded once the due time passed without a reply."""

    __tablename__ = "audit_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_evaluation_id: Mapped[int] = mapped_column(ForeignKey("key_evaluation.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime]
    due_at: Mapped[datetime]
    opinion: Mapped[str] = mapped_column(Text, default="")
    no_opinion: Mapped[bool] = mapped_column(default=False)
    responded_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    responded_at: Mapped[datetime | None]

    @property
    def recorded(self) -> bool:
        """Whether the consultation has its outcome: an opinion or a lapsed no-opinion."""
        return self.responded_at is not None or self.no_opinion


class SelfEvaluationRound(Base):
    """The performance section's opening of one year's self-evaluation (DOMAIN d, step 1)."""

    __tablename__ = "self_evaluation_round"
    __table_args__ = (UniqueConstraint("bureau_id", "fiscal_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    fiscal_year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[date] = mapped_column(Date)
    spot_check_pct: Mapped[Decimal] = mapped_column(Score)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime]


class SelfEvaluation(Timestamps, Base):
    """A unit's self-evaluation of one issued goal sheet (R4), run by a `self_evaluation` instance.

    `results` holds one entry per indicator of the sheet: {indicator_id, actual_value,
    achievement, achieved_pct, deviation_reason}; the scores are computed, never typed in.
    """

    __tablename__ = "self_evaluation"
    __table_args__ = (UniqueConstraint("round_id", "sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    round_id: Mapped[int] = mapped_column(ForeignKey("self_evaluation_round.id"), index=True)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("goal_sheet.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("budget_unit.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"))
    kind: Mapped[str] = mapped_column(String(16))
    budget_full_year: Mapped[Decimal | None]
    executed: Mapped[Decimal | None]
    execution_score: Mapped[Decimal | None] = mapped_column(Score)
    results: Mapped[list] = mapped_column(JsonDoc, default=list)
    subtotals: Mapped[dict] = mapped_column(JsonDoc, default=dict)
    total_score: Mapped[Decimal | None] = mapped_column(Score)
    grade: Mapped[str | None] = mapped_column(String(12))
    report: Mapped[str] = mapped_column(Text, default="")
    filer_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    spot_check: Mapped[bool] = mapped_column(default=False)
    check_score: Mapped[Decimal | None] = mapped_column(Score)
    gap: Mapped[Decimal | None] = mapped_column(Score)
    gap_flagged: Mapped[bool] = mapped_column(default=False)
    check_comments: Mapped[str] = mapped_column(Text, default="")
    # problems found at the spot check, recorded as ledger items once the chief accepts (→ e)
    check_problems: Mapped[list] = mapped_column(JsonDoc, default=list)
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    checked_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    accepted_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))

    unit: Mapped[BudgetUnit] = relationship()
    project: Mapped[Project | None] = relationship()
