"""Engagement pages: drafting one for a firm, its page, declaration, activation, closing and the
firm's quality score (R19–R22).

Each view loads and authorizes, calls one operation and renders; the request commits. A rule's
refusal (R19 eligibility, R20 independence) re-renders the page with the reason and a 409.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.firm import COMMISSIONING_PARTIES, PROCUREMENT_METHODS, QUALITY_COMPONENTS, SCOPE_KINDS
from workflows.errors import Conflict, InvalidInput
from workflows.firms import (
    activate_engagement,
    bureau_units,
    check_manager,
    close_engagement,
    create_engagement,
    eligibility_problems,
    engagement_view,
    firm_staff,
    record_coi,
    record_quality_score,
)

from .access import load_engagement, load_firm
from .blueprint import bp
from .forms import engagement_errors, engagement_payload, engagement_values, scope_rows_to_show
from .labels import FIRM_STATUS_LABELS

CHOICES = {"parties": COMMISSIONING_PARTIES, "methods": PROCUREMENT_METHODS,
           "kinds": SCOPE_KINDS}


def _render_form(firm, values: dict, errors: dict | None = None, refusal: str | None = None,
                 status: int = 200):
    return render_template(
        "firms/engagement_form.html", firm=firm, values=values, errors=errors or {},
        refusal=refusal, rows=scope_rows_to_show(values), staff=firm_staff(firm),
        units=bureau_units(firm.bureau_id), problems=eligibility_problems(firm),
        **CHOICES), status


@bp.route("/firms/<int:firm_id>/engagements/new", methods=["GET", "POST"])
@login_required
def new_engagement(firm_id: int):
    """Draft an engagement of the firm; field errors sit by their fields, a refusal by R19 or
    R20 is shown at the top, and nothing is saved."""
    firm = load_firm(firm_id, current_user)
    check_manager(current_user)
    if request.method == "GET":
        return _render_form(firm, {"commissioning_party": "finance_bureau", "scope": [],
                                   "team_user_ids": []})
    values = engagement_values(request.form)
    try:
        engagement = create_engagement(current_user, firm, engagement_payload(values))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_form(firm, values, engagement_errors(exc.errors, values), status=422)
    except Conflict as exc:
        return _render_form(firm, values, refusal=exc.message, status=409)
    flash(_("Engagement %(id)s has been drafted. Record the signed conflict-of-interest "
            "declaration, then start it.", id=engagement.id), "success")
    return redirect(url_for("firms.engagement", engagement_id=engagement.id))


def _render(engagement, *, refusal: str | None = None, eligibility: bool = False,
            errors: dict | None = None, values: dict | None = None, status: int = 200):
    """The engagement's page; a refusal on top, with the firm's R19 problems when asked."""
    view = engagement_view(engagement, current_user)
    return render_template("firms/engagement.html", view=view, engagement=engagement,
                           firm=engagement.firm, refusal=refusal, eligibility=eligibility,
                           errors=errors or {}, values=values or {},
                           components=QUALITY_COMPONENTS), status


@bp.route("/engagements/<int:engagement_id>")
@login_required
def engagement(engagement_id: int):
    """One engagement: terms, team, scope, declaration and, for the registry's readers, the
    firm's eligibility and quality score. Its team reads it while R18 allows (logged)."""
    return _render(load_engagement(engagement_id, current_user))


def _act(engagement_id: int, operation, done: str, eligibility: bool = False):
    engagement = load_engagement(engagement_id, current_user)
    try:
        operation(current_user, engagement)
    except Conflict as exc:
        return _render(engagement, refusal=exc.message, eligibility=eligibility, status=409)
    flash(done, "success")
    return redirect(url_for("firms.engagement", engagement_id=engagement.id))


@bp.route("/engagements/<int:engagement_id>/declaration", methods=["POST"])
@login_required
def declaration(engagement_id: int):
    """Record that the firm's signed conflict-of-interest declaration is in hand (R19)."""
    return _act(engagement_id, record_coi,
                _("The signed conflict-of-interest declaration has been recorded."))


@bp.route("/engagements/<int:engagement_id>/activate", methods=["POST"])
@login_required
def activate(engagement_id: int):
    """Start the engagement; an ineligible firm (R19) or a conflict (R20) is refused."""
    return _act(engagement_id, activate_engagement, _("The engagement is under way."),
                eligibility=True)


@bp.route("/engagements/<int:engagement_id>/close", methods=["POST"])
@login_required
def close(engagement_id: int):
    """Close the engagement; its team keeps read access for the grace period (R18)."""
    return _act(engagement_id, close_engagement, _("The engagement has been closed."))


@bp.route("/engagements/<int:engagement_id>/quality", methods=["POST"])
@login_required
def quality(engagement_id: int):
    """The section chief scores the firm's work on a finished engagement (R22)."""
    engagement = load_engagement(engagement_id, current_user)
    values = {key: request.form.get(key, "").strip() for key in QUALITY_COMPONENTS}
    values["remarks"] = request.form.get("remarks", "")
    firm, before = engagement.firm, engagement.firm.status
    try:
        row = record_quality_score(current_user, engagement, values, values["remarks"])
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render(engagement, errors=exc.errors, values=values, status=422)
    except Conflict as exc:
        return _render(engagement, refusal=exc.message, status=409)
    flash(_("The quality score %(total)s has been recorded.", total=row.total), "success")
    if firm.status != before:
        flash(_("By R22 the firm is now: %(status)s.",
                status=FIRM_STATUS_LABELS.get(firm.status, firm.status)), "warning")
    return redirect(url_for("firms.engagement", engagement_id=engagement.id))
