"""The result application API: rounds (running the rules), proposals, final accounts.

Tasks are completed through POST /api/v1/tasks/{id}/complete (see CompleteTaskSchema): the
review `{decision: confirm | withdraw, comment, pct}`, the section chief `{comment}`, the leader
`{decision: approve | return | reject, comment}`, the budget section `{applied_effect, note}`.
"""

from __future__ import annotations

from workflows import results

from .auth import current_api_user, protect
from .core import ApiBlueprint
from .cycle_schemas import (
    FinalAccountsRecordedSchema,
    FinalAccountsSchema,
    ProposalCreateSchema,
    ResultDetailSchema,
    ResultPageSchema,
    ResultQuerySchema,
    ResultRoundCreateSchema,
    ResultRoundListSchema,
    ResultRoundSchema,
)
from .presenters import task_cards

blp = ApiBlueprint("api_results", __name__, url_prefix="/api/v1",
                   description="Result application (结果应用) to next year's budget (R23–R28).")
protect(blp)


def _round(found, added: int | None = None) -> dict:
    return {"id": found.id, "target_year": found.target_year, "source_year": found.source_year,
            "compilation_date": found.compilation_date, "county_ratio": found.county_ratio,
            "added": added}


def _item(a, unit_name: str, project_name: str | None) -> dict:
    return {"id": a.id, "round_id": a.round_id, "target_year": a.target_year,
            "unit": {"id": a.unit_id, "name": unit_name},
            "project": {"id": a.project_id, "name": project_name} if a.project_id else None,
            "special_fund_id": a.special_fund_id, "rule_id": a.rule_id, "action": a.action,
            "source_type": a.source_type, "source_id": a.source_id, "pct": a.pct,
            "base_amount": a.base_amount, "budget_effect": a.budget_effect,
            "applied_effect": a.applied_effect, "basis": a.basis, "basis_text": a.basis_text,
            "status": a.status, "instance_id": a.instance_id}


def _detail(view) -> dict:
    a = view.application
    return {**_item(a, a.unit.name, a.project.name if a.project else None),
            "review_note": a.review_note, "section_comment": a.section_comment,
            "leader_comment": a.leader_comment, "apply_note": a.apply_note,
            "history": view.history, "open_tasks": task_cards(view.open_tasks)}


@blp.route("/result-application-rounds")
@blp.response(200, ResultRoundListSchema)
@blp.errors(401)
def list_result_rounds():
    """The bureau's rounds, newest target year first."""
    return {"items": [_round(r) for r in results.list_rounds(current_api_user())]}


@blp.route("/result-application-rounds", methods=["POST"])
@blp.arguments(ResultRoundCreateSchema)
@blp.response(201, ResultRoundSchema)
@blp.errors(401, 403, 409, 422)
def generate_result_round(body: dict):
    """Run the rules on the source year's results (performance section); a re-run adds only
    new proposals, each with its own instance."""
    done = results.generate_proposals(current_api_user(), body)
    return _round(done.round, done.added)


@blp.route("/result-application-rounds/<int:round_id>/proposals", methods=["POST"])
@blp.arguments(ProposalCreateSchema)
@blp.response(201, ResultDetailSchema)
@blp.errors(401, 403, 404, 422)
def add_result_proposal(body: dict, round_id: int):
    """A discretionary proposal of the performance section."""
    user = current_api_user()
    application = results.add_proposal(user, results.get_round_or_404(round_id, user), body)
    return _detail(results.application_view(application.id, user))


@blp.route("/result-applications")
@blp.arguments(ResultQuerySchema, location="query")
@blp.response(200, ResultPageSchema)
@blp.errors(401, 422)
def list_result_applications(query: dict):
    """A page of proposals in the caller's scope, with the round's figures."""
    page = results.list_applications(current_api_user(), results.ApplicationFilters(**query))
    return {"items": [_item(r.application, r.unit_name, r.project_name) for r in page.rows],
            "total": page.total, "page": page.page, "per_page": page.per_page,
            "pages": page.pages, "summary": page.summary}


@blp.route("/result-applications/<int:application_id>")
@blp.response(200, ResultDetailSchema)
@blp.errors(401, 404)
def get_result_application(application_id: int):
    """One proposal with its figures, comments, history and open tasks."""
    return _detail(results.application_view(application_id, current_api_user()))


@blp.route("/final-accounts", methods=["POST"])
@blp.arguments(FinalAccountsSchema)
@blp.response(201, FinalAccountsRecordedSchema)
@blp.errors(401, 403, 422)
def record_final_accounts(body: dict):
    """Record a year's final accounts and project balances: every row valid, or nothing."""
    done = results.record_accounts(current_api_user(), body["fiscal_year"], body["accounts"],
                                   body["balances"])
    return {"accounts": done.accounts, "balances": done.balances}
