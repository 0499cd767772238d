"""marshmallow schemas of the cycle's APIs (ex-ante, monitoring, result application):
explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from models.ex_ante import CONCLUSIONS, EX_ANTE_STATUSES, MODES
from models.monitoring import DECISIONS, REPORT_STATUSES
from models.result_application import ACTIONS, APPLICATION_STATUSES, DISCRETIONARY_ACTIONS
from workflows.ex_ante.reading import MAX_PAGE
from workflows.results.reading import RULES

from ..converters import MAX_ID
from .ledger_schemas import ItemTaskSchema
from .schemas import PagedSchema, UnitRefSchema
from .self_evaluation_schemas import HistorySchema, ProjectRefSchema

YUAN = {"type": "string", "description": "yuan, two decimals, e.g. \"3200000.00\""}
SCORE = {"type": "string", "description": "two decimals, e.g. \"86.50\""}


def yuan(description: str | None = None) -> fields.Decimal:
    """An amount in yuan, sent as a two-decimal string."""
    meta = {**YUAN, "description": description} if description else YUAN
    return fields.Decimal(places=2, as_string=True, allow_none=True, metadata=meta)


def score(description: str | None = None) -> fields.Decimal:
    """A score or percentage with two decimals, sent as a string."""
    meta = {**SCORE, "description": description} if description else SCORE
    return fields.Decimal(places=2, as_string=True, allow_none=True, metadata=meta)


# --- ex-ante ---------------------------------------------------------------------------------

class AssessmentQuerySchema(Schema):
    """Filters and paging of the ex-ante list (the summary covers every matching row)."""

    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    status = fields.String(validate=validate.OneOf(EX_ANTE_STATUSES))
    conclusion = fields.String(validate=validate.OneOf(CONCLUSIONS))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class AssessmentStartSchema(Schema):
    """The project whose assessment a filer applies for."""

    project_id = fields.Integer(required=True, strict=True,
                                validate=validate.Range(min=1, max=MAX_ID))


class AssessmentSchema(Schema):
    """One line of the ex-ante list."""

    id = fields.Integer()
    fiscal_year = fields.Integer()
    status = fields.String(metadata={"enum": list(EX_ANTE_STATUSES)})
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(ProjectRefSchema)
    mode = fields.String(allow_none=True, metadata={"enum": list(MODES)})
    total_score = score()
    conclusion = fields.String(allow_none=True, metadata={
        "enum": list(CONCLUSIONS), "description": "the assessor's; final once approved"})
    requested_amount = yuan()
    recommended_amount = yuan()
    instance_id = fields.Integer(allow_none=True)


class AssessmentSummarySchema(Schema):
    """Counts and amounts over every matching assessment."""

    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_conclusion = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "approved conclusions only"})
    requested = yuan()
    recommended = yuan()
    reduction = yuan("Σ(requested − recommended), concluded")


class AssessmentPageSchema(PagedSchema):
    """A page of assessments with the summary."""

    items = fields.List(fields.Nested(AssessmentSchema))
    summary = fields.Nested(AssessmentSummarySchema)


class AssessmentDetailSchema(AssessmentSchema):
    """One assessment with its application, scores, history and open tasks."""

    joint_parties = fields.List(fields.String())
    engagement_id = fields.Integer(allow_none=True)
    application = fields.Dict(keys=fields.String(), values=fields.String())
    self_scores = fields.Dict(keys=fields.String(), values=fields.String())
    dimension_scores = fields.Dict(keys=fields.String(), values=fields.String())
    opinion = fields.String()
    needs_leader = fields.Boolean(metadata={
        "description": "the bureau leader approves (at or above the leader threshold)"})
    reduction = yuan()
    revision_note = fields.String()
    return_count = fields.Integer()
    history = fields.List(fields.Nested(HistorySchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))


# --- double monitoring ------------------------------------------------------------------------

class MonitoringRoundCreateSchema(Schema):
    """A round to open (performance section only)."""

    fiscal_year = fields.Integer(required=True, strict=True)
    period_label = fields.String(required=True, metadata={"description": "e.g. H1, Q3"})
    cutoff_date = fields.String(required=True, metadata={"format": "date"})
    due_date = fields.String(required=True, metadata={
        "format": "date", "description": "after today and within a year"})
    time_progress = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "percent; default: the share of the year elapsed at the cut-off"})
    executions = fields.Dict(keys=fields.String(), values=fields.Raw(), metadata={
        "description": "executed amounts prefilled from the integrated system: project code → "
                       "yuan"})
    key_monitoring_sheet_ids = fields.List(fields.Integer(), metadata={
        "description": "sheets marked for key monitoring"})


class MonitoringRoundSchema(Schema):
    """A round with its figures."""

    id = fields.Integer()
    fiscal_year = fields.Integer()
    period_label = fields.String()
    cutoff_date = fields.Date()
    due_date = fields.Date()
    time_progress = score()
    status = fields.String(metadata={"enum": ["open", "closed"]})
    reports = fields.Integer()
    submitted = fields.Integer()
    flagged = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_decision = fields.Dict(keys=fields.String(), values=fields.Integer())
    histogram = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "reports per execution-rate band, e.g. \"40-50\""})
    execution_rate = score()
    reduced = yuan()
    recovered = yuan()
    suspended = fields.Integer()
    stopped = fields.Integer()


class MonitoringRoundListSchema(Schema):
    """The bureau's rounds, newest first."""

    items = fields.List(fields.Nested(MonitoringRoundSchema))


class MonitoringReportQuerySchema(Schema):
    """Filters and paging of the reports."""

    round_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(validate=validate.OneOf(REPORT_STATUSES))
    decision = fields.String(validate=validate.OneOf(DECISIONS))
    flagged = fields.Boolean()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class MonitoringReportSchema(Schema):
    """One report of a round."""

    id = fields.Integer()
    round_id = fields.Integer()
    fiscal_year = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(ProjectRefSchema, allow_none=True)
    kind = fields.String()
    status = fields.String(metadata={"enum": list(REPORT_STATUSES)})
    budget_amount = yuan()
    executed_amount = yuan()
    execution_rate = score()
    gap_pp = score()
    flagged = fields.Boolean()
    propose_reduce = fields.Boolean()
    finance_decision = fields.String(metadata={"enum": list(DECISIONS)})
    decision_amount = yuan()
    instance_id = fields.Integer(allow_none=True)


class MonitoringReportPageSchema(PagedSchema):
    """A page of reports."""

    items = fields.List(fields.Nested(MonitoringReportSchema))


class FundActionSchema(Schema):
    """An executed fund action (append-only; a reversal points at what it reverses)."""

    id = fields.Integer()
    fiscal_year = fields.Integer()
    kind = fields.String()
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(ProjectRefSchema, allow_none=True)
    amount = yuan()
    basis_type = fields.String()
    basis_id = fields.Integer()
    note = fields.String()
    proposed_by_id = fields.Integer(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    executed_by_id = fields.Integer()
    executed_at = fields.DateTime()
    reversal_of_id = fields.Integer(allow_none=True)
    reversed = fields.Boolean()


class MonitoringReportDetailSchema(MonitoringReportSchema):
    """One report with its indicator rows, decision, fund actions, history, open tasks."""

    indicators = fields.List(fields.Dict())
    corrective_measures = fields.String()
    decision_note = fields.String()
    notice_due = fields.Date(allow_none=True)
    fund_actions = fields.List(fields.Nested(FundActionSchema))
    history = fields.List(fields.Nested(HistorySchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))


class FundActionListSchema(Schema):
    """Fund actions in the caller's scope, newest first."""

    items = fields.List(fields.Nested(FundActionSchema))


class FundActionQuerySchema(Schema):
    """Which fund actions."""

    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    round_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))


class ReversalSchema(Schema):
    """Why a fund action is reversed."""

    reason = fields.String(required=True)


# --- result application -----------------------------------------------------------------------

class ResultRoundCreateSchema(Schema):
    """Run the rules for a target year (performance section)."""

    target_year = fields.Integer(required=True, strict=True)
    source_year = fields.Integer(allow_none=True, metadata={
        "description": "the year whose results apply; default by the setting (R33)"})
    compilation_date = fields.String(allow_none=True, metadata={
        "format": "date", "description": "the budget-compilation date (R28); default today"})


class ResultRoundSchema(Schema):
    """A target year's round."""

    id = fields.Integer()
    target_year = fields.Integer()
    source_year = fields.Integer()
    compilation_date = fields.Date()
    county_ratio = fields.Decimal(places=4, as_string=True, allow_none=True, metadata={
        "type": "string", "description": "the county's balance ratio, percent (R25)"})
    added = fields.Integer(metadata={"description": "proposals this run added"})


class ResultRoundListSchema(Schema):
    """The bureau's rounds, newest first."""

    items = fields.List(fields.Nested(ResultRoundSchema))


class ResultQuerySchema(Schema):
    """Filters and paging of the proposals."""

    round_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    status = fields.String(validate=validate.OneOf(APPLICATION_STATUSES))
    action = fields.String(validate=validate.OneOf(ACTIONS))
    rule_id = fields.String(validate=validate.OneOf(RULES))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))


class ResultSchema(Schema):
    """One proposal: its rule, action and the figures it came from."""

    id = fields.Integer()
    round_id = fields.Integer()
    target_year = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(ProjectRefSchema, allow_none=True)
    special_fund_id = fields.Integer(allow_none=True)
    rule_id = fields.String()
    action = fields.String(metadata={"enum": list(ACTIONS)})
    source_type = fields.String()
    source_id = fields.Integer()
    pct = score()
    base_amount = yuan()
    budget_effect = yuan("proposed change to the budget (negative: a cut)")
    applied_effect = yuan()
    basis = fields.Dict()
    basis_text = fields.String()
    status = fields.String(metadata={"enum": list(APPLICATION_STATUSES)})
    instance_id = fields.Integer(allow_none=True)


class ResultSummarySchema(Schema):
    """Counts and effects over every matching proposal."""

    total = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_action = fields.Dict(keys=fields.String(), values=fields.Integer())
    cancelled = fields.Integer()
    special_fund_cut = yuan()
    balance_units = fields.Integer()
    balance_cut = yuan()
    proposed_effect = yuan()
    applied_effect = yuan()


class ResultPageSchema(PagedSchema):
    """A page of proposals with the summary."""

    items = fields.List(fields.Nested(ResultSchema))
    summary = fields.Nested(ResultSummarySchema)


class ResultDetailSchema(ResultSchema):
    """One proposal with the comments, history and open tasks."""

    review_note = fields.String()
    section_comment = fields.String()
    leader_comment = fields.String()
    apply_note = fields.String()
    history = fields.List(fields.Nested(HistorySchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))


class ProposalCreateSchema(Schema):
    """A discretionary proposal."""

    action = fields.String(required=True, validate=validate.OneOf(DISCRETIONARY_ACTIONS))
    unit_id = fields.Integer(allow_none=True)
    project_id = fields.Integer(allow_none=True)
    pct = fields.Raw(allow_none=True, metadata={"oneOf": [{"type": "string"},
                                                          {"type": "number"}]})
    base_amount = fields.Raw(allow_none=True, metadata={"oneOf": [{"type": "string"},
                                                                  {"type": "number"}]})
    basis_text = fields.String(required=True)


class FinalAccountsSchema(Schema):
    """A year's final accounts and project balances (amounts in yuan)."""

    fiscal_year = fields.Integer(required=True, strict=True)
    accounts = fields.List(fields.Dict(), load_default=list, metadata={
        "description": "[{unit_code, expenditure, carryover, balance, operating_funds}]"})
    balances = fields.List(fields.Dict(), load_default=list, metadata={
        "description": "[{project_code, unspent, last_spent_on (YYYY-MM-DD)}]"})


class FinalAccountsRecordedSchema(Schema):
    """How many rows were recorded."""

    accounts = fields.Integer()
    balances = fields.Integer()
