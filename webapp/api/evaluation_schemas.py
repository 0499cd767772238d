"""marshmallow schemas of the key evaluation API: explicit field lists, no queries."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from models.evaluation import (
    FEEDBACK_STATUSES,
    GRADES,
    KEY_EVALUATION_STATUSES,
    OBJECT_TYPES,
    SELECTION_REASONS,
)
from models.ledger import PROBLEM_CATEGORIES, SEVERITIES
from workflows.evaluation.documents import KINDS
from workflows.evaluation.views import MAX_PAGE, MAX_PER_PAGE, PER_PAGE

from ..converters import MAX_ID
from .ledger_schemas import ItemTaskSchema, PersonSchema, YuanAmount
from .schemas import PagedSchema, UnitRefSchema

LEVEL1 = ["decision", "process", "output", "benefit"]


def _score(**metadata) -> fields.Decimal:
    return fields.Decimal(places=2, as_string=True, allow_none=True,
                          metadata={"type": "string", **metadata})


# --- queries --------------------------------------------------------------------------------

class EvaluationQuerySchema(Schema):
    """What the evaluation list is filtered and paged by."""

    year = fields.Integer(validate=validate.Range(min=2000, max=2100),
                          metadata={"description": "the year evaluated"})
    status = fields.String(validate=validate.OneOf(KEY_EVALUATION_STATUSES))
    grade = fields.String(validate=validate.OneOf(GRADES))
    unit_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "text in the title"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=PER_PAGE,
                              validate=validate.Range(min=1, max=MAX_PER_PAGE))


# --- the list -------------------------------------------------------------------------------

class EvaluationTaskRefSchema(Schema):
    """An open task of the evaluation (complete it through /tasks/{id}/complete)."""

    id = fields.Integer()
    task_key = fields.String()
    name = fields.String()


class EvaluationRowSchema(Schema):
    """One line of the list."""

    id = fields.Integer()
    title = fields.String()
    unit = fields.Nested(UnitRefSchema)
    object_type = fields.String(metadata={"enum": list(OBJECT_TYPES)})
    fiscal_year_evaluated = fields.Integer()
    status = fields.String(metadata={"enum": list(KEY_EVALUATION_STATUSES)})
    firm_name = fields.String(allow_none=True)
    final_score = _score(description="once final; two decimals")
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADES)})
    problem_count = fields.Integer()
    open_tasks = fields.List(fields.Nested(EvaluationTaskRefSchema))


class EvaluationCountsSchema(Schema):
    """Counts over the caller's scope: by status (ignoring the status filter) and by grade
    (ignoring the grade filter), each following the other filters."""

    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_grade = fields.Dict(keys=fields.String(), values=fields.Integer())


class EvaluationPageSchema(PagedSchema):
    """One page of the evaluations in the caller's scope."""

    items = fields.List(fields.Nested(EvaluationRowSchema))
    counts = fields.Nested(EvaluationCountsSchema)


# --- one evaluation -------------------------------------------------------------------------

class EvaluationRefSchema(Schema):
    """Something named, by id and name."""

    id = fields.Integer()
    name = fields.String()


class EvaluationEngagementSchema(Schema):
    """The engaged firm and its lead evaluator."""

    id = fields.Integer()
    status = fields.String()
    firm = fields.Nested(EvaluationRefSchema)
    lead_evaluator = fields.Nested(PersonSchema, allow_none=True)
    team = fields.List(fields.String(), metadata={"description": "names of the team"})


class EvaluationIndicatorSchema(Schema):
    """A level-3 indicator of the plan with its score (draft or final)."""

    number = fields.Integer()
    level1 = fields.String(metadata={"enum": LEVEL1})
    level2 = fields.String()
    name = fields.String()
    weight = _score()
    score = _score()


class EvaluationGroupSchema(Schema):
    """A level-1 group: weight, subtotal and its indicators."""

    level1 = fields.String(metadata={"enum": LEVEL1})
    weight = _score()
    subtotal = _score()
    indicators = fields.List(fields.Nested(EvaluationIndicatorSchema))


class EvaluationLedgerRefSchema(Schema):
    """The ledger item a problem became when the results were issued."""

    id = fields.Integer()
    status = fields.String()
    deadline = fields.Date()
    overdue_days = fields.Integer()


class EvaluationProblemSchema(Schema):
    """One problem of the evaluation's list."""

    number = fields.Integer()
    description = fields.String()
    category = fields.String(allow_none=True, metadata={"enum": list(PROBLEM_CATEGORIES)})
    severity = fields.String(metadata={"enum": list(SEVERITIES)})
    amount_involved = _score(description="yuan")
    suggested_measure = fields.String()
    ledger_item = fields.Nested(EvaluationLedgerRefSchema, allow_none=True, attribute="item",
                                metadata={"description": "null until the results are issued"})


class AuditConsultationSchema(Schema):
    """An audit consultation (R16): an opinion, or no opinion."""

    id = fields.Integer()
    stage = fields.String(metadata={"enum": ["pre_evaluation", "pre_finalisation"]})
    sent_at = fields.DateTime()
    due_at = fields.DateTime()
    opinion = fields.String()
    no_opinion = fields.Boolean()
    responded_by = fields.String(allow_none=True)
    responded_at = fields.DateTime(allow_none=True)


class EvaluationFeedbackSchema(Schema):
    """The unit's feedback on the draft (R17) and the firm's answer."""

    status = fields.String(metadata={"enum": list(FEEDBACK_STATUSES)})
    decision = fields.String(allow_none=True)
    text = fields.String()
    by = fields.String(allow_none=True)
    at = fields.String(allow_none=True)
    firm_response = fields.String()


class EvaluationDocumentSchema(Schema):
    """A document of the evaluation."""

    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(KINDS)})
    filename = fields.String()
    size = fields.Integer(metadata={"description": "bytes"})
    sha256 = fields.String()
    content_type = fields.String()
    uploaded_by = fields.String(allow_none=True)
    uploaded_at = fields.DateTime()
    download_url = fields.String(metadata={"description": "the web page's download route"})


class EvaluationHistorySchema(Schema):
    """One step of the evaluation, oldest first."""

    at = fields.DateTime()
    actor = fields.String(allow_none=True)
    action = fields.String()
    reason = fields.String(allow_none=True)
    after = fields.Dict(metadata={"description": "status, score, grade, filename... of the step"})


class EvaluationDetailSchema(Schema):
    """One evaluation's results: scores by group, problems, documents, history, open tasks."""

    id = fields.Integer()
    title = fields.String()
    object_type = fields.String(metadata={"enum": list(OBJECT_TYPES)})
    fiscal_year_evaluated = fields.Integer()
    selection_reason = fields.String(metadata={"enum": list(SELECTION_REASONS)})
    selection_note = fields.String()
    status = fields.String(metadata={"enum": list(KEY_EVALUATION_STATUSES)})
    unit = fields.Nested(UnitRefSchema)
    project = fields.Nested(EvaluationRefSchema, allow_none=True)
    fee_budget = _score(description="yuan; for the finance roles only")
    engagement = fields.Nested(EvaluationEngagementSchema, allow_none=True)
    methods = fields.List(fields.String(), metadata={"description": "of the plan"})
    survey_sample_size = fields.Integer(allow_none=True)
    score_stage = fields.String(allow_none=True, metadata={
        "enum": ["draft", "final"], "description": "null before the firm's draft"})
    total = _score()
    grade = fields.String(allow_none=True, metadata={"enum": list(GRADES)})
    finalised_at = fields.DateTime(allow_none=True)
    results_issued_at = fields.DateTime(allow_none=True)
    groups = fields.List(fields.Nested(EvaluationGroupSchema))
    feedback = fields.Nested(EvaluationFeedbackSchema)
    consultations = fields.List(fields.Nested(AuditConsultationSchema), allow_none=True, metadata={
        "description": "only for the performance section, leaders and the audit bureau"})
    problems = fields.List(fields.Nested(EvaluationProblemSchema))
    documents = fields.List(fields.Nested(EvaluationDocumentSchema))
    upload_kinds = fields.List(fields.String(), metadata={
        "description": "document kinds the caller may add now"})
    history = fields.List(fields.Nested(EvaluationHistorySchema))
    open_tasks = fields.List(fields.Nested(ItemTaskSchema))


# --- proposing ------------------------------------------------------------------------------

class EvaluationProposalSchema(Schema):
    """An object for the key evaluation list (performance section): a project, or a unit's
    overall spending; it goes to the audit bureau first (R16)."""

    object_type = fields.String(required=True, metadata={"enum": list(OBJECT_TYPES)})
    title = fields.String(required=True)
    fiscal_year_evaluated = fields.Integer(required=True, strict=True)
    selection_reason = fields.String(required=True, metadata={"enum": list(SELECTION_REASONS)})
    selection_note = fields.String()
    fee_budget = YuanAmount(allow_none=True, metadata={
        "oneOf": [{"type": "string"}, {"type": "number"}], "description": "yuan"})
    project_id = fields.Integer(allow_none=True, strict=True, metadata={
        "description": "required for object_type project; the unit follows from it"})
    unit_id = fields.Integer(allow_none=True, strict=True, metadata={
        "description": "the evaluated unit when no project is named"})
