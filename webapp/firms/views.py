"""Firm registry pages: the list and the registration form (R19, R22).

Each view authorizes, calls one operation and renders; the request commits. Firm staff
(tp_evaluator) never reach these pages: they would show other firms and quality scores.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from models import User
from models.firm import FIRM_TYPES
from workflows.errors import Forbidden, InvalidInput
from workflows.firms import (
    REGISTRY_ROLES,
    can_manage_firms,
    check_manager,
    eligible_firms,
    list_firms,
    register_firm,
)
from workflows.ledger_settings import bureau_of
from workflows.messages import Msg

bp = Blueprint("firms", __name__)

READER_ROLES = (*REGISTRY_ROLES, "bureau_leader")
FORM_FIELDS = ("name", "credit_code", "firm_type", "staff_count")

FIRM_TYPE_LABELS = {
    "consulting": _l("Consulting firm"),
    "cpa": _l("Accounting firm"),
    "asset_appraisal": _l("Asset appraisal firm"),
    "law": _l("Law firm"),
    "research_institute": _l("Research institute"),
    "university": _l("University"),
}
FIRM_STATUS_LABELS = {
    "active": _l("Active"),
    "warned": _l("Warned"),
    "suspended": _l("Suspended"),
    "blacklisted": _l("Blacklisted"),
}
# Pill classes of the stylesheet, per firm status.
FIRM_STATUS_CLASSES = {
    "active": "jx-status-approved", "warned": "jx-tag jx-tag-due",
    "suspended": "jx-status-returned", "blacklisted": "jx-status-returned",
}


@bp.context_processor
def inject_labels() -> dict:
    """The registry's label tables, for its own pages only."""
    return {"FIRM_TYPE_LABELS": FIRM_TYPE_LABELS, "FIRM_STATUS_LABELS": FIRM_STATUS_LABELS,
            "FIRM_STATUS_CLASSES": FIRM_STATUS_CLASSES}


def may_read_registry(user: User) -> bool:
    """The performance section and the bureau's leaders read the registry and its scores."""
    return user.has_role(*READER_ROLES)


def require_reader(user: User) -> None:
    if not may_read_registry(user):
        raise Forbidden(Msg("only the performance section and bureau leaders see the firm "
                            "registry"))


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


def form_values(form) -> dict:
    """The posted form as the operation's raw input: one qualification per line."""
    values = {key: form.get(key, "").strip() for key in FORM_FIELDS}
    values["qualifications"] = [line.strip() for line in form.get("qualifications", "")
                                .splitlines() if line.strip()]
    values["major_violation_last_3y"] = form.get("major_violation_last_3y") == "yes"
    return values


def _render_form(values: dict, errors: dict | None = None, status: int = 200):
    return render_template("firms/form.html", values=values, errors=errors or {},
                           firm_types=FIRM_TYPES), status


@bp.route("/firms/new", methods=["GET", "POST"])
@login_required
def new():
    """Register a firm; bad fields re-render the form with their errors."""
    check_manager(current_user)  # the form itself is the performance section's
    if request.method == "GET":
        return _render_form({"qualifications": [], "major_violation_last_3y": False})
    values = form_values(request.form)
    try:
        firm = register_firm(current_user, values)
    except InvalidInput as exc:
        flash(_("Please correct the marked fields."), "error")
        return _render_form(values, exc.errors, 422)
    flash(_("The firm “%(name)s” has been registered.", name=firm.name), "success")
    return redirect(url_for("firms.index"))
