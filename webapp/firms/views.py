"""Firm registry pages: the list, registration, one firm's page and its profile form (R19, R22).

Each view loads and authorizes, calls one operation and renders; the request commits. Firm
staff (tp_evaluator) never reach the registry; they read their own firm's profile only.
The engagement pages live in a sibling module on the same blueprint.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models.firm import FIRM_TYPES
from workflows.errors import InvalidInput
from workflows.firms import (
    can_manage_firms,
    can_mark_false_report,
    check_manager,
    eligible_firms,
    firm_view,
    list_firms,
    mark_false_report,
    register_firm,
    update_firm,
)
from workflows.ledger_settings import bureau_of

from . import engagement_views  # noqa: F401  (its routes join the blueprint)
from .access import load_firm, require_reader
from .blueprint import bp
from .forms import firm_form_values, firm_values

__all__ = ["bp"]


@bp.route("/firms")
@login_required
def index():
    """The bureau's registry: facts, status, average quality score and eligibility."""
    require_reader(current_user)
    bureau_id = bureau_of(current_user).id
    firms = list_firms(bureau_id)
    eligible = {firm.id for firm in eligible_firms(bureau_id)}
    return render_template("firms/index.html", firms=firms, eligible=eligible,
                           may_register=can_manage_firms(current_user))


def _render_form(values: dict, errors: dict | None = None, status: int = 200, firm=None):
    return render_template("firms/form.html", values=values, errors=errors or {},
                           firm_types=FIRM_TYPES, firm=firm), status


@bp.route("/firms/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a firm; bad fields re-render the form with their errors."""
    check_manager(current_user)  # the form itself is the performance section's
    if request.method == "GET":
        return _render_form({"qualifications": [], "major_violation_last_3y": False})
    values = firm_values(request.form)
    try:
        firm = register_firm(current_user, values)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_form(values, exc.errors, 422)
    flash(_("The firm “%(name)s” has been registered.", name=firm.name), "success")
    return redirect(url_for("firms.index"))


def _render_detail(firm, blacklist_errors: dict | None = None, status: int = 200):
    view = firm_view(firm, current_user)
    return render_template(
        "firms/detail.html", view=view, firm=firm, errors=blacklist_errors or {},
        may_manage=view.full and can_manage_firms(current_user),
        may_blacklist=view.full and firm.status != "blacklisted"
        and can_mark_false_report(current_user)), status


@bp.route("/firms/<int:firm_id>")
@login_required
def detail(firm_id: int):
    """One firm: its profile; for the registry's readers also eligibility, engagements and
    quality scores. Firm staff see their own firm's profile only; other firms are a 404."""
    return _render_detail(load_firm(firm_id, current_user))


@bp.route("/firms/<int:firm_id>/edit", methods=["GET", "POST"])
@login_required
def edit(firm_id: int):
    """Correct a firm's registered facts; its status changes only by the rules (R22)."""
    firm = load_firm(firm_id, current_user)
    check_manager(current_user)
    if request.method == "GET":
        return _render_form(firm_form_values(firm), firm=firm)
    values = firm_values(request.form)
    try:
        update_firm(current_user, firm, values)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_form(values, exc.errors, 422, firm=firm)
    flash(_("The firm’s profile has been saved."), "success")
    return redirect(url_for("firms.detail", firm_id=firm.id))


@bp.route("/firms/<int:firm_id>/false-report", methods=["POST"])
@login_required
def false_report(firm_id: int):
    """The section chief records a proven false report: the firm is blacklisted (R22)."""
    firm = load_firm(firm_id, current_user)
    try:
        mark_false_report(current_user, firm, request.form.get("reason", ""))
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_detail(firm, exc.errors, 422)
    flash(_("The firm has been blacklisted."), "success")
    return redirect(url_for("firms.detail", firm_id=firm.id))
