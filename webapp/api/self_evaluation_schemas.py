"""marshmallow schemas of the self-evaluation API: explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from models.evaluation import GRADES, SELF_EVALUATION_STATUSES
from workflows.self_evaluation.listing import MAX_PAGE, MAX_PER_PAGE

from ..converters import MAX_ID
from .ledger_schemas import ItemTaskSchema
from .schemas import PagedSchema, UnitRefSchema

SCORE = {"type": "string", "description": "two decimals, e.g. \"86.50\""}
YUAN = {"type": "string", "description": "yuan, two decimals, e.g. \"3200000.00\""}


def _score(**kwargs) -> fields.Decimal:
    return fields.Decimal(places=2, as_string=True, allow_none=True, metadata=SCORE, **kwargs)


# --- queries --------------------------------------------------------------------------------

class SelfEvaluationQuerySchema(Schema):
    """Filters and paging of the list (the summary always covers every matching row)."""

    round_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    fiscal_year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(validate=validate.OneOf(SELF_EVALUATION_STATUSES), metadata={
        "description": "units see every step after the liaison's approval as `accepted`"})
    grade = fields.String(validate=validate.OneOf(GRADES))
    flagged = fields.Boolean(metadata={
        "description": "finance only: the spot check's gap is above 10 points (or not)"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PER_PAGE))


# --- evaluations ----------------------------------------------------------------------------

class ProjectRefSchema(Schema):
    """The project a sheet is for (none for a unit's overall goals)."""

    id = fields.Integer()
    name = fields.String()


class SelfEvaluationSchema(Schema):
    """One line of the list; the spot-check fields are null for readers outside finance."""

    id = fields.Integer()
    round_id = fields.Integer()
    fiscal_year = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(ProjectRefSchema, allow_none=True)
    kind = fields.String(metadata={"enum": ["project", "overall"]})
    status = fields.String(metadata={"enum": list(SELF_EVALUATION_STATUSES)})
    total_score = _score()
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADES)})
    return_count = fields.Integer()
    instance_id = fields.Integer(allow_none=True)
    spot_check = fields.Boolean(allow_none=True, metadata={
        "description": "finance only: drawn for the spot check"})
    check_score = _score()
    gap = _score()
    gap_flagged = fields.Boolean(allow_none=True)


class SelfEvaluationSummarySchema(Schema):
    """Counts over every evaluation matching the filters."""

    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_grade = fields.Dict(keys=fields.String(), values=fields.Integer())
    spot_checks = fields.Integer(allow_none=True, metadata={"description": "finance only"})
    flagged = fields.Integer(allow_none=True, metadata={
        "description": "finance only: gaps above 10 points"})


class SelfEvaluationPageSchema(PagedSchema):
    """One page of the list with the summary."""

    items = fields.List(fields.Nested(SelfEvaluationSchema))
    summary = fields.Nested(SelfEvaluationSummarySchema)


class IndicatorLineSchema(Schema):
    """An indicator of the sheet: target, what the unit reported and the score earned."""

    id = fields.Integer(metadata={"description": "send it back as `indicator_id` when filling"})
    seq = fields.Integer()
    level1 = fields.String()
    level2 = fields.String()
    name = fields.String()
    operator = fields.String(metadata={"enum": ["eq", "ge", "le", "gt", "lt", "range",
                                                "qualitative"]})
    target_value = fields.Decimal(as_string=True, allow_none=True, metadata={"type": "string"})
    target_max = fields.Decimal(as_string=True, allow_none=True, metadata={"type": "string"})
    target_text = fields.String(allow_none=True)
    unit_of_measure = fields.String()
    sheet_weight = fields.Decimal(as_string=True, allow_none=True, metadata={"type": "string"})
    weight = _score()
    actual_value = fields.String(allow_none=True)
    achievement = fields.String(allow_none=True, metadata={
        "enum": ["achieved", "partly", "not_achieved"]})
    achieved_pct = fields.String(allow_none=True)
    score = _score()
    deviation_reason = fields.String()


class SpotCheckSchema(Schema):
    """The performance section's check (finance only)."""

    checked_by = fields.String(allow_none=True)
    checked_at = fields.DateTime(allow_none=True)
    check_score = _score()
    gap = _score()
    gap_flagged = fields.Boolean()
    comments = fields.String()
    problems = fields.List(fields.Dict(), metadata={
        "description": "problems found, recorded in the ledger on acceptance"})


class HistorySchema(Schema):
    """One change of the evaluation, oldest first."""

    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    action = fields.String()
    reason = fields.String(allow_none=True)


class SelfEvaluationDetailSchema(SelfEvaluationSchema):
    """One evaluation: execution, indicators, subtotals, report, history and open tasks."""

    due_date = fields.Date()
    budget_full_year = fields.Decimal(places=2, as_string=True, allow_none=True, metadata=YUAN)
    executed = fields.Decimal(places=2, as_string=True, allow_none=True, metadata=YUAN)
    execution_rate = _score()
    execution_score = _score()
    indicators = fields.List(fields.Nested(IndicatorLineSchema))
    subtotals = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "level-1 group → score: output, benefit, satisfaction"})
    report = fields.String()
    spot = fields.Nested(SpotCheckSchema, allow_none=True, metadata={
        "description": "finance only, and only when drawn for the spot check"})
    history = fields.List(fields.Nested(HistorySchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))


# --- rounds ---------------------------------------------------------------------------------

class Percent(fields.Field):
    """A percentage sent as a string ("12.5") or a number; kept as its text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("send the percentage as a string or a number")
        return str(value)


class RoundCreateSchema(Schema):
    """A year to open (performance section only)."""

    fiscal_year = fields.Integer(required=True, strict=True)
    due_date = fields.String(required=True, metadata={
        "format": "date", "description": "YYYY-MM-DD, after today and within a year"})
    spot_check_pct = Percent(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "0–100, two decimals; default 10. ceil(pct % × sheets) are drawn"})


class RoundSchema(Schema):
    """A year's self-evaluation round."""

    id = fields.Integer()
    fiscal_year = fields.Integer()
    due_date = fields.Date()
    spot_check_pct = fields.Decimal(places=2, as_string=True, metadata=SCORE)
    opened_at = fields.DateTime()
    evaluations = fields.Integer(metadata={"description": "within the caller's scope"})


class RoundListSchema(Schema):
    """The bureau's rounds, newest year first."""

    items = fields.List(fields.Nested(RoundSchema))


class RoundOpenedSchema(Schema):
    """The opened round, how many evaluations it started and how many were drawn."""

    round = fields.Nested(RoundSchema)
    evaluations = fields.Integer()
    spot_checks = fields.Integer()
