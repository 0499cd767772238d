"""marshmallow schemas of the ledger API: explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from models.ledger import PROBLEM_CATEGORIES, PROBLEM_SOURCES, SEVERITIES
from workflows.ledger import MAX_PAGE, MAX_PER_PAGE, SORTS, STATUS_FILTERS

from ..converters import MAX_ID
from .schemas import PagedSchema, UnitRefSchema, UserRefSchema

# --- queries --------------------------------------------------------------------------------


class LedgerFilterSchema(Schema):
    """What the ledger is filtered and sorted by (the list and the export)."""

    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    source = fields.String(validate=validate.OneOf(PROBLEM_SOURCES))
    status = fields.String(validate=validate.OneOf(STATUS_FILTERS), metadata={
        "description": "an item status, or `open` for anything not signed off"})
    overdue = fields.Boolean(metadata={
        "description": "true: past the deadline and not signed off; false: the others"})
    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "fiscal year of the problem"})
    q = fields.String(validate=validate.Length(max=100), metadata={
        "description": "text in the description, the problem-list number or the unit name"})
    sort = fields.String(load_default="deadline",
                         validate=validate.OneOf([*SORTS, *(f"-{s}" for s in SORTS)]),
                         metadata={"description": "a prefix `-` sorts descending"})


class LedgerQuerySchema(LedgerFilterSchema):
    """Filters, paging, and whether to add the closure summary."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=50,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE))
    summary = fields.Boolean(load_default=False, metadata={
        "description": "add the closure summary of every row matching the filters"})


# --- items ----------------------------------------------------------------------------------

class YuanAmount(fields.Field):
    """An amount in yuan sent as a string ("125000.50") or a number; kept as its text."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError("send the amount in yuan as a string or a number")
        return str(value)


class ProblemRefSchema(Schema):
    """The problem a ledger item rectifies."""

    id = fields.Integer()
    description = fields.String()
    source = fields.String(metadata={"enum": list(PROBLEM_SOURCES)})
    category = fields.String(metadata={"enum": list(PROBLEM_CATEGORIES)})
    severity = fields.String(metadata={"enum": list(SEVERITIES)})
    amount_involved = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={
        "type": "string", "description": "yuan, two decimals, e.g. \"125000.50\""})
    problem_list_no = fields.String()


class LedgerItemSchema(Schema):
    """One line of the ledger."""

    id = fields.Integer()
    unit = fields.Nested(UnitRefSchema)
    problem = fields.Nested(ProblemRefSchema)
    deadline = fields.Date()
    original_deadline = fields.Date(metadata={"description": "before any extension"})
    status = fields.String(metadata={"description": "assigned, plan_submitted, in_progress, "
                                                    "evidence_submitted, returned, verified or "
                                                    "signed_off"})
    overdue_days = fields.Integer()
    escalation_level = fields.String(metadata={"enum": ["none", "reminder", "notice",
                                                        "interview"]})
    return_count = fields.Integer()
    signed_off_at = fields.DateTime(allow_none=True)


class LedgerSummarySchema(Schema):
    """Closure figures of every row matching the filters (not only the page)."""

    items = fields.Integer()
    signed_off = fields.Integer()
    due = fields.Integer(metadata={"description": "deadline passed, or signed off"})
    on_time = fields.Integer(metadata={"description": "signed off by the deadline"})
    overdue = fields.Integer()
    closure_rate = fields.Float(allow_none=True, metadata={"description": "signed_off ÷ items"})
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "on_time ÷ due"})
    ageing = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "open overdue items by days overdue: 1-15, 16-30, 31-60, >60"})
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())


class LedgerPageSchema(PagedSchema):
    """One page of the ledger; `summary` only when asked for with ?summary=1."""

    items = fields.List(fields.Nested(LedgerItemSchema))
    summary = fields.Nested(LedgerSummarySchema)


class DocumentSchema(Schema):
    """An evidence file."""

    id = fields.Integer()
    filename = fields.String()
    size = fields.Integer(metadata={"description": "bytes"})
    sha256 = fields.String()
    content_type = fields.String()
    uploaded_at = fields.DateTime()
    download_url = fields.String(metadata={"description": "the web page's download route"})


class PersonSchema(Schema):
    """Who did something, by id and name."""

    id = fields.Integer()
    name = fields.String(allow_none=True)


class ItemTaskSchema(Schema):
    """An open task of the item's workflow."""

    id = fields.Integer()
    task_key = fields.String()
    name = fields.String()
    assignee = fields.Nested(UserRefSchema, allow_none=True)
    due_at = fields.DateTime(allow_none=True)


class ReminderSchema(Schema):
    """A rung of the escalation ladder the item reached."""

    level = fields.String(metadata={"enum": ["prewarning", "overdue", "notice", "interview"]})
    channel = fields.String()
    sent_at = fields.DateTime()
    recipients = fields.Integer(metadata={"description": "how many users were notified"})


class ItemHistorySchema(Schema):
    """One change of the item, oldest first."""

    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    action = fields.String()
    reason = fields.String(allow_none=True)


class LedgerItemDetailSchema(LedgerItemSchema):
    """One item with its plan, verification, evidence, open tasks, reminders and history."""

    fiscal_year = fields.Integer()
    measures = fields.String()
    responsible_person = fields.String()
    plan_due = fields.Date(allow_none=True, metadata={"description": "when the plan is due"})
    planned_completion = fields.Date(allow_none=True, metadata={
        "description": "when the unit plans to finish"})
    suggested_measure = fields.String()
    verify_result = fields.String(allow_none=True, metadata={"description": "pass or fail"})
    verify_comment = fields.String()
    verified_at = fields.DateTime(allow_none=True)
    verified_by = fields.Nested(PersonSchema, allow_none=True)
    signed_off_by = fields.Nested(PersonSchema, allow_none=True)
    extension_history = fields.List(fields.Dict(), metadata={
        "description": "[{from, to, reason, granted_by, granted_by_name, at}]"})
    evidence = fields.List(fields.Nested(DocumentSchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))
    reminders = fields.List(fields.Nested(ReminderSchema))
    history = fields.List(fields.Nested(ItemHistorySchema))


# --- problems -------------------------------------------------------------------------------

class ProblemCreateSchema(Schema):
    """A problem to record; its ledger item and workflow start at once (perf section only)."""

    source = fields.String(required=True, metadata={"enum": list(PROBLEM_SOURCES)})
    source_ref = fields.String(metadata={"description": "which report or check it comes from"})
    problem_list_no = fields.String()
    unit_id = fields.Integer(required=True, strict=True,
                             metadata={"description": "the responsible budget unit"})
    project_id = fields.Integer(allow_none=True, strict=True)
    description = fields.String(required=True)
    category = fields.String(required=True, metadata={"enum": list(PROBLEM_CATEGORIES)})
    severity = fields.String(metadata={"enum": list(SEVERITIES), "description": "default normal"})
    amount_involved = YuanAmount(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "yuan, as a string (\"125000.50\") or a number"})
    suggested_measure = fields.String()
    responsible_person = fields.String()
    deadline = fields.Date(allow_none=True, metadata={
        "description": "after today; default 90 days (60 when serious)"})
    fiscal_year = fields.Integer(allow_none=True, strict=True)
