"""Third-party firms (第三方机构), their engagements and the quality of their work (R18–R22)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, JsonDoc, Money, Timestamps, utcnow

# TP-Supervision-2021: the kinds of organisation that may take budget-performance work.
FIRM_TYPES = ("consulting", "cpa", "asset_appraisal", "law", "research_institute", "university")
# Ordered from good standing to excluded; R22 only ever moves a firm to the right.
FIRM_STATUSES = ("active", "warned", "suspended", "blacklisted")
COMMISSIONING_PARTIES = ("finance_bureau", "department")
PROCUREMENT_METHODS = ("open_tender", "competitive_consultation", "inquiry", "single_source",
                       "framework", "small_direct")
# R21: what an engagement may cover; self_evaluation is on the negative list and never allowed.
SCOPE_KINDS = ("key_evaluation", "ex_ante", "goal_review", "key_monitoring", "recheck",
               "indicator_system")
ENGAGEMENT_STATUSES = ("draft", "active", "delivered", "accepted", "closed")
# firm_quality_score components, in the order of DOMAIN section 3.
QUALITY_COMPONENTS = ("plan_quality", "fieldwork_compliance", "evidence_sufficiency",
                      "report_quality", "timeliness", "integrity_confidentiality")
Score = Numeric(5, 2)


class ThirdPartyFirm(Timestamps, Base):
    """A firm registered with the bureau; its status decides whether it may be engaged."""

    __tablename__ = "third_party_firm"
    __table_args__ = (UniqueConstraint("bureau_id", "credit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(18))  # 统一社会信用代码, GB 32100-2015
    firm_type: Mapped[str] = mapped_column(String(24))
    staff_count: Mapped[int | None] = mapped_column(Integer)
    qualifications: Mapped[list] = mapped_column(JsonDoc, default=list)
    major_violation_last_3y: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(12), default="active")
    avg_quality_score: Mapped[Decimal | None] = mapped_column(Score)


class Engagement(Timestamps, Base):
    """A contract under which a firm works on a list of objects (the scope) for a commissioner.

    `scope` holds {"kind", "id", "unit_id"} entries: the object and the budget unit it concerns.
    """

    __tablename__ = "engagement"

    id: Mapped[int] = mapped_column(primary_key=True)
    bureau_id: Mapped[int] = mapped_column(ForeignKey("finance_bureau.id"))
    firm_id: Mapped[int] = mapped_column(ForeignKey("third_party_firm.id"), index=True)
    commissioning_party: Mapped[str] = mapped_column(String(16))
    commissioner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("budget_unit.id"))
    procurement_method: Mapped[str] = mapped_column(String(32))
    contract_amount: Mapped[Decimal] = mapped_column(Money)
    contract_date: Mapped[date] = mapped_column(Date)
    lead_evaluator_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    team_user_ids: Mapped[list] = mapped_column(JsonDoc, default=list)
    coi_signed_at: Mapped[datetime | None]
    scope: Mapped[list] = mapped_column(JsonDoc, default=list)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    firm: Mapped[ThirdPartyFirm] = relationship(lazy="joined", innerjoin=True)

    @property
    def year(self) -> int:
        """The year the work belongs to (R20 compares years): the contract's."""
        return self.contract_date.year

    def on_team(self, user_id: int) -> bool:
        """Whether the user is the lead evaluator or on the team."""
        return user_id == self.lead_evaluator_user_id or user_id in (self.team_user_ids or [])

    def covers(self, kind: str, object_id: int) -> bool:
        """Whether the object lies in the scope."""
        return any(e.get("kind") == kind and e.get("id") == object_id for e in self.scope or [])


class FirmQualityScore(Base):
    """The performance section's score of a firm's work on one engagement (R22)."""

    __tablename__ = "firm_quality_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id"), unique=True)
    scorer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    plan_quality: Mapped[Decimal] = mapped_column(Score)
    fieldwork_compliance: Mapped[Decimal] = mapped_column(Score)
    evidence_sufficiency: Mapped[Decimal] = mapped_column(Score)
    report_quality: Mapped[Decimal] = mapped_column(Score)
    timeliness: Mapped[Decimal] = mapped_column(Score)
    integrity_confidentiality: Mapped[Decimal] = mapped_column(Score)
    total: Mapped[Decimal] = mapped_column(Score)
    grade: Mapped[str] = mapped_column(String(12))
    remarks: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    engagement: Mapped[Engagement] = relationship()
