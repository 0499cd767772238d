"""marshmallow schemas of the firm registry API: explicit field lists, no queries.

Fields only the performance section and the bureau's leaders see (eligibility, engagements,
quality scores, the average score) are absent, not null, in what firm staff receive.
"""

from __future__ import annotations

from marshmallow import Schema, fields

from models.firm import (
    COMMISSIONING_PARTIES,
    ENGAGEMENT_STATUSES,
    FIRM_STATUSES,
    FIRM_TYPES,
    PROCUREMENT_METHODS,
    SCOPE_KINDS,
)
from workflows.grading import GRADES

from .ledger_schemas import PersonSchema
from .schemas import UnitRefSchema

READERS_ONLY = "performance section and bureau leaders only; absent for firm staff"


def _score(description: str, **kwargs) -> fields.Decimal:
    return fields.Decimal(places=2, as_string=True, metadata={
        "type": "string", "description": description}, **kwargs)


class FirmRefSchema(Schema):
    """A firm, by id and name."""

    id = fields.Integer()
    name = fields.String()


class FirmSchema(Schema):
    """A registered firm (第三方机构)."""

    id = fields.Integer()
    name = fields.String()
    credit_code = fields.String(metadata={"description": "统一社会信用代码, 18 characters"})
    firm_type = fields.String(metadata={"enum": list(FIRM_TYPES)})
    staff_count = fields.Integer(allow_none=True)
    qualifications = fields.List(fields.String())
    major_violation_last_3y = fields.Boolean()
    status = fields.String(metadata={"enum": list(FIRM_STATUSES)})
    avg_quality_score = _score(f"average quality score ({READERS_ONLY})", allow_none=True)
    eligible = fields.Boolean(metadata={"description": f"may be engaged now, R19/R22 "
                                                       f"({READERS_ONLY})"})
    eligibility_problems = fields.List(fields.String(), metadata={
        "description": f"why it may not be engaged now ({READERS_ONLY})"})


class FirmListSchema(Schema):
    """The bureau's registry, by name."""

    items = fields.List(fields.Nested(FirmSchema))


class ScopeEntrySchema(Schema):
    """One object the engagement covers (R21: never a self-evaluation)."""

    kind = fields.String(metadata={"enum": list(SCOPE_KINDS)})
    id = fields.Integer(metadata={"description": "the object's id"})
    unit = fields.Nested(UnitRefSchema, metadata={"description": "the unit it concerns"})


class QualityScoreSchema(Schema):
    """The performance section's score of the firm's work on one engagement (R22)."""

    engagement_id = fields.Integer()
    plan_quality = _score("weight 15")
    fieldwork_compliance = _score("weight 20")
    evidence_sufficiency = _score("weight 20")
    report_quality = _score("weight 25")
    timeliness = _score("weight 10")
    integrity_confidentiality = _score("weight 10")
    total = _score("weighted total")
    grade = fields.String(metadata={"enum": list(GRADES), "description": "R1 grade"})
    remarks = fields.String()
    scorer = fields.Nested(PersonSchema)
    at = fields.DateTime()


class EngagementSchema(Schema):
    """An engagement of a firm: terms, team, declaration and scope."""

    id = fields.Integer()
    firm = fields.Nested(FirmRefSchema)
    status = fields.String(metadata={"enum": list(ENGAGEMENT_STATUSES)})
    commissioning_party = fields.String(metadata={"enum": list(COMMISSIONING_PARTIES)})
    commissioner_unit = fields.Nested(UnitRefSchema, allow_none=True)
    procurement_method = fields.String(metadata={"enum": list(PROCUREMENT_METHODS)})
    contract_amount = fields.Decimal(places=2, as_string=True, metadata={
        "type": "string", "description": "yuan, two decimals, e.g. \"180000.00\""})
    contract_date = fields.Date()
    start_date = fields.Date(allow_none=True)
    end_date = fields.Date(allow_none=True)
    lead_evaluator = fields.Nested(PersonSchema, allow_none=True)
    team = fields.List(fields.Nested(PersonSchema))
    coi_signed_at = fields.DateTime(allow_none=True, metadata={
        "description": "when the signed conflict-of-interest declaration was recorded (R19)"})
    closed_at = fields.DateTime(allow_none=True)
    scope = fields.List(fields.Nested(ScopeEntrySchema))


class EngagementDetailSchema(EngagementSchema):
    """An engagement with, for the registry's readers, the firm's eligibility and the score."""

    eligibility_problems = fields.List(fields.String(), metadata={
        "description": f"why the firm may not be engaged now ({READERS_ONLY})"})
    quality_score = fields.Nested(QualityScoreSchema, allow_none=True, metadata={
        "description": f"null until scored ({READERS_ONLY})"})


class FirmDetailSchema(FirmSchema):
    """A firm's page: the profile; for the registry's readers also its engagements (newest
    first) and quality scores (R22 history, newest first)."""

    engagements = fields.List(fields.Nested(EngagementSchema), metadata={
        "description": READERS_ONLY})
    quality_scores = fields.List(fields.Nested(QualityScoreSchema), metadata={
        "description": READERS_ONLY})
