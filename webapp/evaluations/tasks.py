"""The key evaluation's task pages, drawn for the inbox's /tasks/<id> (TASK_PAGES)."""

from __future__ import annotations

from dataclasses import replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from models import KeyEvaluation, ProcessInstance, Task, db
from models.evaluation import METHODS, OBJECT_TYPES, SELECTION_REASONS
from models.firm import PROCUREMENT_METHODS, QUALITY_COMPONENTS
from models.ledger import PROBLEM_CATEGORIES, SEVERITIES
from workflows.errors import InvalidInput
from workflows.evaluation import evaluation_for_instance, get_evaluation_or_404
from workflows.evaluation.access import sees_firm_quality
from workflows.evaluation.choices import DEFAULT_PLAN, firm_choices
from workflows.evaluation.documents import documents_of
from workflows.evaluation.plan_forms import MAX_PLAN_ROWS
from workflows.evaluation.results import FEE_READERS
from workflows.evaluation.scores import plan_rows
from workflows.evaluation.work_forms import MAX_PROBLEMS
from workflows.evaluation_rules import EVAL_LEVEL2
from workflows.instances import instance_view
from workflows.projects import names_for_tasks, user_names
from workflows.tasks import complete_user_task

from ..firms.labels import firm_globals
from ..forms import engagement_payload, yuan_from_wan
from ..generated_fields import keep_errors, with_generated
from ..inbox.labels import task_label
from ..inbox.views import TASK_PAGES, blocked_state
from ..ledger.labels import ledger_globals
from . import bp  # noqa: F401 - the blueprint these pages belong to
from .labels import evaluation_globals

PROCESS_KEY = "key_evaluation"
PREFIX = "jixiao:ke_"
PLAN_FIELDS = ("level1", "level2", "name", "weight")
PROBLEM_FIELDS = ("description", "category", "severity", "amount_wan", "suggested_measure")
BLANK_PLAN_ROWS = 3
ROW_CAPS = {"indicators": MAX_PLAN_ROWS, "problems": MAX_PROBLEMS}
# Steps whose remarks are the finance side's own (the firm's quality score).
FINANCE_STEPS = ("score_firm", "confirm_firm_score")
BLANK_PROBLEM_ROWS = 3
DECISION_FORMS = ("list_approval", "plan_review", "unit_feedback", "firm_response",
                  "quality_review", "chief_approval", "final_approval", "firm_score_confirm")


def _indexes(form: MultiDict, prefix: str) -> list[int]:
    """Row numbers posted as `<prefix>-<i>-<field>`, below the form's cap (a forged number
    must not make the page draw a million rows)."""
    cap = ROW_CAPS[prefix]
    return sorted({int(k.split("-")[1]) for k in form if k.startswith(prefix + "-")
                   and k.count("-") == 2 and k.split("-")[1].isdecimal()
                   and int(k.split("-")[1]) < cap})


def _rows(form: MultiDict, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """Posted rows `<prefix>-<i>-<field>` in index order; fully blank rows are dropped."""
    indexes = _indexes(form, prefix)
    rows = [{f: (form.get(f"{prefix}-{i}-{f}") or "").strip() for f in fields} for i in indexes]
    return [r for r in rows if any(r.values())]


def _checked(form: MultiDict, name: str) -> bool:
    return form.get(name) in ("on", "true", "1")


def _draft(form: MultiDict) -> dict:
    count = sum(1 for k in form if k.startswith("scores-"))
    problems = [{**{k: v for k, v in row.items() if k != "amount_wan"},
                 "amount_involved": yuan_from_wan(row["amount_wan"])}
                for row in _rows(form, "problems", PROBLEM_FIELDS)]
    return {"scores": [form.get(f"scores-{i}", "") for i in range(count)],
            "problems": problems, "summary": form.get("summary", "")}


def _plain(*names: str):
    return lambda form: {name: form.get(name, "") for name in names}


PAYLOADS = {
    "audit_opinion": lambda form: {"opinion": form.get("opinion", ""),
                                   "no_opinion": _checked(form, "no_opinion")},
    "revise": lambda form: {**_plain("title", "selection_reason", "selection_note")(form),
                            "fee_budget": yuan_from_wan(form.get("fee_budget_wan"))},
    "engage": engagement_payload,
    "plan": lambda form: {"indicators": _rows(form, "indicators", PLAN_FIELDS),
                          "methods": form.getlist("methods"),
                          **_plain("survey_sample_size", "data_list", "summary")(form)},
    "unit_data": _plain("note"),
    "fieldwork": lambda form: {"methods": form.getlist("methods"),
                               **_plain("survey_sample_size", "notes")(form)},
    "draft": _draft,
    "firm_score": lambda form: {"components": {c: form.get(f"components-{c}", "")
                                               for c in QUALITY_COMPONENTS},
                                "remarks": form.get("remarks", "")},
    **{key: _plain("decision", "comment") for key in DECISION_FORMS},
}


def payload_of(form_key: str, form: MultiDict) -> dict:
    """The posted page as the payload of the task form's handler in workflows.evaluation."""
    build = PAYLOADS.get(form_key.removeprefix(PREFIX))
    return build(form) if build else {}


def _wan(yuan) -> str:
    return "" if yuan in (None, "") else format(float(yuan) / 10000, "g")


def _revise_defaults(evaluation: KeyEvaluation, values: MultiDict) -> None:
    values.update({"title": evaluation.title, "selection_reason": evaluation.selection_reason,
                   "selection_note": evaluation.selection_note,
                   "fee_budget_wan": _wan(evaluation.fee_budget)})


def _plan_defaults(evaluation: KeyEvaluation, values: MultiDict) -> None:
    plan = evaluation.plan or {}
    rows = plan.get("indicators") or [dict(zip(PLAN_FIELDS, r, strict=True))
                                      for r in DEFAULT_PLAN]
    for i, row in enumerate(rows):
        for field in PLAN_FIELDS:
            values[f"indicators-{i}-{field}"] = row.get(field, "")
    for method in plan.get("methods", []):
        values.add("methods", method)
    for field in ("survey_sample_size", "data_list", "summary"):
        values[field] = plan.get(field) if plan.get(field) is not None else ""


def _draft_defaults(evaluation: KeyEvaluation, values: MultiDict) -> None:
    for i, score in enumerate((evaluation.draft or {}).get("scores", [])):
        values[f"scores-{i}"] = score
    for i, problem in enumerate(evaluation.problems or []):
        for field in PROBLEM_FIELDS:
            value = _wan(problem.get("amount_involved")) if field == "amount_wan" \
                else problem.get(field, "")
            values[f"problems-{i}-{field}"] = value or ""
    values["summary"] = (evaluation.draft or {}).get("summary", "")


def _fieldwork_defaults(evaluation: KeyEvaluation, values: MultiDict) -> None:
    for method in (evaluation.plan or {}).get("methods", []):
        values.add("methods", method)


DEFAULTS = {"revise": _revise_defaults, "plan": _plan_defaults, "draft": _draft_defaults,
            "fieldwork": _fieldwork_defaults}


def defaults_of(task: Task, evaluation: KeyEvaluation) -> MultiDict:
    """What a form shows before anything is posted: the evaluation's current contents."""
    values = MultiDict()
    fill = DEFAULTS.get(task.form_key.removeprefix(PREFIX))
    if fill:
        fill(evaluation, values)
    return values


def _row_count(values: MultiDict, prefix: str, blank: int) -> int:
    indexes = _indexes(values, prefix)
    return min((max(indexes) + 1 if indexes else 0) + blank, ROW_CAPS[prefix])


def render_task(task: Task, values: MultiDict | None = None, errors: dict | None = None,
                status: int = 200):
    """The task with its evaluation and, when the user may act, its form."""
    instance = db.get(ProcessInstance, task.instance_id)
    evaluation = get_evaluation_or_404(evaluation_for_instance(instance).id, current_user)
    blocked, refusal = blocked_state(task, instance, locked=evaluation.status in (
        "closed", "withdrawn"))
    values = values if values is not None else defaults_of(task, evaluation)
    view = instance_view(instance)
    if not sees_firm_quality(current_user):
        view = replace(view, history=[h for h in view.history if h.task_key not in FINANCE_STEPS])
    people = user_names({instance.started_by_id, task.completed_by_id, evaluation.created_by_id})
    return render_template(
        "evaluations/task.html", task=task, instance=instance, evaluation=evaluation,
        view=view, names=names_for_tasks([task]).get(task.id), people=people, blocked=blocked,
        refusal=refusal, values=values, errors=errors or {},
        show_fee=current_user.has_role(*FEE_READERS), form_name=task.form_key.removeprefix(
            PREFIX), plan=plan_rows(evaluation), documents=documents_of(evaluation.id),
        firms=firm_choices(evaluation.bureau_id) if task.task_key == "engage_firm" else [],
        plan_rows_shown=_row_count(values, "indicators", BLANK_PLAN_ROWS),
        problem_rows_shown=_row_count(values, "problems", BLANK_PROBLEM_ROWS),
        choices={"methods": METHODS, "reasons": SELECTION_REASONS, "object_types": OBJECT_TYPES,
                 "procurement": PROCUREMENT_METHODS, "components": QUALITY_COMPONENTS,
                 "categories": PROBLEM_CATEGORIES, "severities": SEVERITIES,
                 "level2": EVAL_LEVEL2},
        **ledger_globals(), **firm_globals(), **evaluation_globals()), status


def submit_task(task: Task):
    """Complete the task with the posted page; invalid input re-renders it with the errors."""
    try:
        complete_user_task(task, current_user, with_generated(
            payload_of(task.form_key, request.form), task, request.form))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return render_task(task, request.form, keep_errors(exc.errors), 422)
    flash(_("“%(task)s” is done: %(subject)s.", task=task_label(task.task_key, task.name),
            subject=task.subject), "success")
    return redirect(url_for("inbox.index"))


TASK_PAGES[PROCESS_KEY] = (render_task, submit_task)
