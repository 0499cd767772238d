"""marshmallow schemas of the API: explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..converters import MAX_ID

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
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
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
    # self-evaluation tasks (the form handlers validate them; errors keyed by path, e.g.
    # evaluation.indicators.2.actual_value counts the sheet's indicators in their order)
    evaluation = fields.Dict(metadata={
        "description": "self-evaluation fill: {execution: {full_year_budget, executed} (yuan), "
                       "indicators: [{indicator_id, actual_value | achievement (achieved, "
                       "partly, not_achieved) + achieved_pct, deviation_reason (required "
                       "below full marks)}], report}"})
    spot_check = fields.Dict(metadata={
        "description": "self-evaluation spot check: {check_score (0–100), comments (required "
                       "when the gap exceeds 10), problems: [{description, category, severity?, "
                       "amount_involved? (yuan), suggested_measure?, responsible_person?, "
                       "deadline?}]}"})
    # key evaluation tasks (workflows/evaluation validates them; `decision`/`comment` as above)
    opinion = fields.String(metadata={
        "description": "key evaluation, audit consultation: the audit bureau's opinion"})
    no_opinion = fields.Boolean(metadata={
        "description": "key evaluation, audit consultation: true for an explicit no opinion"})
    title = fields.String(metadata={"description": "key evaluation, revision: the title"})
    object_type = fields.String(metadata={
        "description": "key evaluation, revision: unchanged (the object cannot change)"})
    fiscal_year_evaluated = fields.Raw(metadata={
        "type": "integer", "description": "key evaluation, revision: the year evaluated"})
    selection_reason = fields.String(metadata={
        "description": "key evaluation, revision: large_amount, broad_coverage, public_concern, "
                       "poor_history, priority_area or leader_assigned"})
    selection_note = fields.String(metadata={"description": "key evaluation, revision"})
    fee_budget = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "key evaluation, revision: the fee budget in yuan"})
    firm_id = fields.Raw(metadata={
        "type": "integer", "description": "key evaluation, engagement: an eligible firm"})
    procurement_method = fields.String(metadata={
        "description": "key evaluation, engagement: open_tender, competitive_consultation, "
                       "inquiry, single_source, framework or small_direct"})
    contract_amount = fields.Raw(metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "key evaluation, engagement: yuan"})
    contract_date = fields.String(metadata={"description": "key evaluation, engagement: date"})
    start_date = fields.String(allow_none=True, metadata={
        "description": "key evaluation, engagement: date"})
    end_date = fields.String(allow_none=True, metadata={
        "description": "key evaluation, engagement: date"})
    lead_evaluator_user_id = fields.Raw(metadata={
        "type": "integer", "description": "key evaluation, engagement: a staff member of the "
                                          "firm, who then works the firm's steps"})
    team_user_ids = fields.List(fields.Raw(), metadata={
        "description": "key evaluation, engagement: further staff of the firm (user ids)"})
    coi_signed = fields.Boolean(metadata={
        "description": "key evaluation, engagement: the firm's conflict-of-interest declaration "
                       "is signed (required, R19)"})
    indicators = fields.List(fields.Dict(), metadata={
        "description": "key evaluation, plan: [{level1 (decision, process, output, benefit), "
                       "level2, name, weight}]; weights sum to 100, output + benefit ≥ 60 "
                       "(R2, R3)"})
    methods = fields.List(fields.String(), metadata={
        "description": "key evaluation, plan and fieldwork: goal_comparison, document_review, "
                       "site_inspection, survey, interview, recheck, data_analysis, "
                       "cost_benefit, benchmark"})
    survey_sample_size = fields.Raw(allow_none=True, metadata={
        "type": "integer", "description": "key evaluation, plan and fieldwork"})
    data_list = fields.String(metadata={
        "description": "key evaluation, plan: the data requested of the unit"})
    summary = fields.String(metadata={"description": "key evaluation, plan and draft"})
    note = fields.String(metadata={
        "description": "key evaluation, the unit's data: what was supplied (files are "
                       "uploaded to /evaluations/{id}/documents)"})
    notes = fields.String(metadata={
        "description": "key evaluation, fieldwork: what was done (≥ 1 working paper uploaded)"})
    scores = fields.List(fields.Raw(), metadata={
        "description": "key evaluation, draft: one score per plan indicator, 0 to its weight"})
    problems = fields.List(fields.Dict(), metadata={
        "description": "key evaluation, draft: [{description, category, severity?, "
                       "amount_involved? (yuan), suggested_measure?}]"})
    components = fields.Dict(metadata={
        "description": "key evaluation, firm quality score: {plan_quality, "
                       "fieldwork_compliance, evidence_sufficiency, report_quality, timeliness, "
                       "integrity_confidentiality}, each 0–100 (R22)"})
    remarks = fields.String(metadata={"description": "key evaluation, firm quality score"})
    # ex-ante assessment tasks (workflows/ex_ante validates them; the engagement fields of the
    # mode step are those of the key evaluation's engagement)
    application = fields.Dict(metadata={
        "description": "ex-ante application: {basis, implementation_plan, budget_breakdown, "
                       "draft_goals}, each required text"})
    self_scores = fields.Dict(metadata={
        "description": "ex-ante application: the unit's self-assessment {necessity, economy, "
                       "goal_rationality, feasibility, funding_compliance}, each 0–20"})
    mode = fields.String(metadata={
        "description": "ex-ante mode: finance, expert_panel, third_party (engages a firm) or "
                       "joint"})
    joint_parties = fields.List(fields.String(), metadata={
        "description": "ex-ante mode, joint: congress, audit, third_party (engages a firm)"})
    dimension_scores = fields.Dict(metadata={
        "description": "ex-ante scoring: the five dimensions as in self_scores, each 0–20; the "
                       "total gives the conclusion on the bureau's bands"})
    recommended_amount = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "ex-ante scoring: yuan, at most the requested amount (required when "
                       "supported with revision)"})
    revision_note = fields.String(metadata={
        "description": "ex-ante revision: how the unit revised the project"})
    # double monitoring tasks (workflows/monitoring validates them)
    report = fields.Dict(metadata={
        "description": "monitoring fill: {executed_amount (yuan, ≤ the budget), indicators: "
                       "[{indicator_id, progress_value, expected_year_end, achievable (bool), "
                       "cause (policy_change, funds_not_arrived, progress_delay, bad_indicator, "
                       "external, other; required when not achievable), measure (required when "
                       "not achievable)}], corrective_measures (required when flagged, R14)}"})
    finance_decision = fields.String(metadata={
        "description": "monitoring decision: notice, goal_adjust, suspend, stop, reduce, "
                       "recover (the last four go to the bureau leader, R15)"})
    amount = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "monitoring decision and execution: yuan, at most the unspent budget "
                       "(R15) / the approved amount"})
    notice_due = fields.String(allow_none=True, metadata={
        "description": "monitoring decision, notice: the date to correct by (YYYY-MM-DD)"})
    # result application tasks (workflows/results validates them)
    pct = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "result review, a cut: a revised percentage (the effect follows)"})
    applied_effect = fields.Raw(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": "result application: the effect applied, yuan (negative for a cut); "
                       "default the proposed effect"})


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
