"""The firm registry API (read only): the registry, one firm, one engagement (R18–R22).

The performance section and the bureau's leaders read everything of their bureau; firm staff
read their own firm's profile and their team's engagements while R18 allows, never a quality
score. Anything else is a 404, and a firm user's refused probe stays in the audit trail.
"""

from __future__ import annotations

from models import Engagement, FirmQualityScore, ThirdPartyFirm
from workflows.firms import (
    EngagementView,
    FirmView,
    eligibility_problems,
    engagement_view,
    firm_view,
    list_firms,
)
from workflows.ledger_settings import bureau_of

from ..firms.access import load_engagement, load_firm, require_reader
from .auth import current_api_user, protect
from .core import ApiBlueprint
from .firms_schemas import EngagementDetailSchema, FirmDetailSchema, FirmListSchema

blp = ApiBlueprint("api_firms", __name__, url_prefix="/api/v1",
                   description="Third-party firms (第三方机构) and their engagements.")
protect(blp)


def _person(user_id: int | None, people: dict[int, str]) -> dict | None:
    return None if user_id is None else {"id": user_id, "name": people.get(user_id)}


def _unit(unit_id: int | None, units: dict[int, str]) -> dict | None:
    return None if unit_id is None else {"id": unit_id, "name": units.get(unit_id)}


def _firm(firm: ThirdPartyFirm, full: bool) -> dict:
    body = {"id": firm.id, "name": firm.name, "credit_code": firm.credit_code,
            "firm_type": firm.firm_type, "staff_count": firm.staff_count,
            "qualifications": list(firm.qualifications or []),
            "major_violation_last_3y": firm.major_violation_last_3y, "status": firm.status}
    if full:
        problems = eligibility_problems(firm)
        body.update(avg_quality_score=firm.avg_quality_score, eligible=not problems,
                    eligibility_problems=[str(p) for p in problems])
    return body


def _score(score: FirmQualityScore, people: dict[int, str]) -> dict:
    return {"engagement_id": score.engagement_id, "plan_quality": score.plan_quality,
            "fieldwork_compliance": score.fieldwork_compliance,
            "evidence_sufficiency": score.evidence_sufficiency,
            "report_quality": score.report_quality, "timeliness": score.timeliness,
            "integrity_confidentiality": score.integrity_confidentiality,
            "total": score.total, "grade": score.grade, "remarks": score.remarks,
            "scorer": _person(score.scorer_id, people), "at": score.at}


def _engagement(e: Engagement, people: dict[int, str], units: dict[int, str]) -> dict:
    return {
        "id": e.id, "firm": {"id": e.firm.id, "name": e.firm.name}, "status": e.status,
        "commissioning_party": e.commissioning_party,
        "commissioner_unit": _unit(e.commissioner_unit_id, units),
        "procurement_method": e.procurement_method, "contract_amount": e.contract_amount,
        "contract_date": e.contract_date, "start_date": e.start_date, "end_date": e.end_date,
        "lead_evaluator": _person(e.lead_evaluator_user_id, people),
        "team": [_person(i, people) for i in e.team_user_ids or []],
        "coi_signed_at": e.coi_signed_at, "closed_at": e.closed_at,
        "scope": [{"kind": s.get("kind"), "id": s.get("id"),
                   "unit": _unit(s.get("unit_id"), units)} for s in e.scope or []],
    }


def _firm_detail(view: FirmView) -> dict:
    body = _firm(view.firm, view.full)
    if view.full:
        body["engagements"] = [_engagement(e, view.people, view.units)
                               for e in view.engagements]
        body["quality_scores"] = [_score(s, view.people) for s in view.scores]
    return body


def _engagement_detail(view: EngagementView) -> dict:
    body = _engagement(view.engagement, view.people, view.units)
    if view.full:
        body["eligibility_problems"] = [str(p) for p in view.problems]
        body["quality_score"] = _score(view.score, view.people) if view.score else None
    return body


@blp.route("/firms")
@blp.response(200, FirmListSchema)
@blp.errors(401, 403)
def get_firms():
    """The bureau's registry (performance section and bureau leaders; never firm staff)."""
    user = current_api_user()
    require_reader(user)
    return {"items": [_firm(firm, True) for firm in list_firms(bureau_of(user).id)]}


@blp.route("/firms/<int:firm_id>")
@blp.response(200, FirmDetailSchema)
@blp.errors(401, 404)
def get_firm(firm_id: int):
    """One firm; firm staff get their own firm's profile only (other firms are a 404)."""
    user = current_api_user()
    return _firm_detail(firm_view(load_firm(firm_id, user), user))


@blp.route("/engagements/<int:engagement_id>")
@blp.response(200, EngagementDetailSchema)
@blp.errors(401, 404)
def get_engagement(engagement_id: int):
    """One engagement; its team reads it while R18 allows (logged), never the quality score."""
    user = current_api_user()
    return _engagement_detail(engagement_view(load_engagement(engagement_id, user), user))
