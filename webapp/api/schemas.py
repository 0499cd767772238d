"""marshmallow schemas of the API: explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

SCOPES = ("mine", "assigned", "claimable", "overdue")
MAX_PER_PAGE = 100


# --- errors ---------------------------------------------------------------------------------

class ApiErrorBodySchema(Schema):
    """What went wrong."""

    code = fields.Integer(required=True, metadata={"description": "HTTP status"})
    message = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                         metadata={"description": "field path → messages, e.g. "
                                                  "sheet.indicators.0.target_value"})
    element = fields.String(metadata={"description": "BPMN element a workflow error names"})


class ApiErrorSchema(Schema):
    """The error document of every failed API call."""

    error = fields.Nested(ApiErrorBodySchema, required=True)


# --- auth -----------------------------------------------------------------------------------

class TokenRequestSchema(Schema):
    """Credentials exchanged for a bearer token."""

    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200),
                             load_only=True)


class TokenSchema(Schema):
    """A bearer token."""

    token = fields.String(required=True)
    token_type = fields.String(dump_default="Bearer")
    expires_in = fields.Integer(metadata={"description": "seconds"})


# --- tasks ----------------------------------------------------------------------------------

class UnitRefSchema(Schema):
    """A budget unit, by id and name."""

    id = fields.Integer()
    name = fields.String()


class UserRefSchema(Schema):
    """A user, by id, username and name."""

    id = fields.Integer()
    username = fields.String()
    name = fields.String()


class TaskSchema(Schema):
    """A human task as inboxes show it."""

    id = fields.Integer()
    name = fields.String()
    task_key = fields.String(metadata={"description": "BPMN id of the user task"})
    process_key = fields.String()
    instance_id = fields.Integer()
    subject = fields.String()
    status = fields.String(metadata={"description": "ready, completed or cancelled"})
    unit = fields.Nested(UnitRefSchema, allow_none=True)
    assignee = fields.Nested(UserRefSchema, allow_none=True)
    candidate_groups = fields.List(fields.String())
    due_at = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    priority = fields.Integer()
    created_at = fields.DateTime()


class TaskDetailSchema(TaskSchema):
    """One task with what a client needs to render its form."""

    form_key = fields.String()
    business_key = fields.String()
    completed_at = fields.DateTime(allow_none=True)


class TaskQuerySchema(Schema):
    """Inbox filters and paging."""

    scope = fields.String(load_default="mine", validate=validate.OneOf(SCOPES))
    process_key = fields.String(validate=validate.Length(max=64))
    unit_id = fields.Integer(validate=validate.Range(min=1))
    q = fields.String(validate=validate.Length(max=100))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class InboxCountsSchema(Schema):
    """Counts over all the caller's actionable tasks (after the filters, before scope)."""

    assigned = fields.Integer()
    claimable = fields.Integer()
    overdue = fields.Integer()


class PagedSchema(Schema):
    """What every paged answer carries besides its items."""

    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()
    pages = fields.Integer()


class TaskPageSchema(PagedSchema):
    """One page of an inbox."""

    items = fields.List(fields.Nested(TaskSchema))
    counts = fields.Nested(InboxCountsSchema)


class CompleteTaskSchema(Schema):
    """The outer shape of a completion; the task's form decides which keys it accepts."""

    sheet = fields.Dict(metadata={
        "description": "fill task: {overall_goal, amount? (yuan), indicators: [...]}"})
    decision = fields.String(metadata={"description": "review task: approve or return"})
    comment = fields.String(allow_none=True, metadata={
        "description": "review task: at most 2000 characters; required to return"})
    rating = fields.String(allow_none=True, metadata={
        "description": "review task: excellent, good, fair or poor (gates 2 and 3 must rate)"})
    score = fields.Float(allow_none=True, allow_nan=False, metadata={
        "description": "review task: a 0–100 score graded into a rating when none is given"})
    data = fields.Dict(metadata={"description": "generic task: the form fields"})
    # ledger tasks (the form handlers validate them, dates as YYYY-MM-DD)
    measures = fields.String(metadata={"description": "ledger plan: the rectification measures"})
    responsible_person = fields.String(metadata={"description": "ledger plan: who answers"})
    planned_completion = fields.String(allow_none=True, metadata={
        "description": "ledger plan: when the unit expects to finish (≤ the deadline)"})
    held_at = fields.String(allow_none=True, metadata={"description": "interview: date held"})
    interviewee_person = fields.String(metadata={"description": "interview: who was heard"})
    interviewer = fields.String(allow_none=True, metadata={"description": "interview: by whom"})
    commitments = fields.String(metadata={"description": "interview: what the unit committed"})
    follow_up_deadline = fields.String(allow_none=True, metadata={
        "description": "interview: follow-up date"})
    new_deadline = fields.String(allow_none=True, metadata={
        "description": "extension (decision extend): the new deadline; comment = the reason"})


# --- process instances ----------------------------------------------------------------------

class StartProcessSchema(Schema):
    """Which business process to start, and on what."""

    process_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(load_default=dict, metadata={
        "description": 'goal_declaration: {"project_id": N}'})


class HistoryEntrySchema(Schema):
    """One finished step of an instance."""

    task_id = fields.Integer()
    task = fields.String(metadata={"description": "task name"})
    task_key = fields.String()
    user = fields.String(allow_none=True, metadata={"description": "name of who completed it"})
    user_id = fields.Integer(allow_none=True)
    decision = fields.String(allow_none=True)
    rating = fields.String(allow_none=True)
    comment = fields.String(allow_none=True)
    at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "completed or cancelled"})


class InstanceSchema(Schema):
    """A process instance with its ready tasks and history."""

    id = fields.Integer()
    process_key = fields.String()
    version = fields.Integer(attribute="view.version",
                             metadata={"description": "definition version it is pinned to"})
    status = fields.String(metadata={"description": "running, completed, suspended, terminated"})
    business_key = fields.String()
    subject = fields.String()
    tasks = fields.List(fields.Nested(TaskSchema), metadata={"description": "ready tasks"})
    history = fields.List(fields.Nested(HistoryEntrySchema))


class CompletionSchema(Schema):
    """A completed task and the instance it advanced."""

    task = fields.Nested(TaskDetailSchema)
    instance = fields.Nested(InstanceSchema)


# --- process definitions --------------------------------------------------------------------

class DefinitionSchema(Schema):
    """A deployed, immutable process definition version."""

    id = fields.Integer()
    key = fields.String()
    version = fields.Integer()
    name = fields.String()
    content_hash = fields.String()
    source_name = fields.String()
    deployed_at = fields.DateTime()


class DeployedSchema(DefinitionSchema):
    """The outcome of an upload: created is false when the content was already deployed."""

    created = fields.Boolean()


class DefinitionListSchema(Schema):
    """Every deployed version, newest first within each key."""

    items = fields.List(fields.Nested(DefinitionSchema))
