"""The notifications page and marking notifications read."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required

from workflows.notifications import UNREAD_CAP, list_notifications, mark_read

from ..forms import safe_next
from ..ledger.labels import NOTIFICATION_LABELS

bp = Blueprint("notifications", __name__)

PAGE_SIZE = 100
# Entities a notification can link to: entity -> (endpoint, argument name).
TARGETS = {"rectification_item": ("ledger.item", "item_id"),
           "key_evaluation": ("evaluations.detail", "evaluation_id"),
           "self_evaluation": ("self_evaluations.detail", "evaluation_id")}


@bp.app_template_filter("unread")
def unread_label(value: int) -> str:
    """A capped unread count: the cap shows as 99+."""
    return f"{UNREAD_CAP - 1}+" if value >= UNREAD_CAP else str(value)


@bp.app_template_global()
def notification_url(entity: str, entity_id: int | None) -> str | None:
    """The page a notification is about, if it has one."""
    target = TARGETS.get(entity)
    if target is None or entity_id is None:
        return None
    endpoint, arg = target
    return url_for(endpoint, **{arg: entity_id})


@bp.route("/notifications")
@login_required
def index():
    """The user's newest notifications, unread ones highlighted."""
    unread_only = request.args.get("unread") == "1"
    items = list_notifications(current_user, limit=PAGE_SIZE, unread_only=unread_only)
    return render_template("notifications/index.html", items=items, unread_only=unread_only,
                           page_size=PAGE_SIZE, kind_labels=NOTIFICATION_LABELS)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def read():
    """Mark the posted notifications (`id`, repeated) read, or all of them when none posted."""
    ids = request.form.getlist("id", type=int) if "id" in request.form else None
    changed = mark_read(current_user, ids)
    flash(ngettext("%(num)s notification marked as read.",
                   "%(num)s notifications marked as read.", changed), "success")
    return redirect(safe_next(request.form.get("next"), url_for("notifications.index")))
