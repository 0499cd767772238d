"""The inbox, the task page and claiming: load, authorize, call one operation, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_timedelta, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from models import ProcessInstance, Task, User
from models.base import utcnow
from workflows.errors import Forbidden, InvalidInput
from workflows.goal_review import sheet_for_instance
from workflows.instances import get_instance_or_404, instance_view
from workflows.ledger import item_view
from workflows.permissions import can_act_on
from workflows.projects import (
    names_for_tasks,
    process_keys,
    units_in_scope,
    user_names,
)
from workflows.rectification import item_for_instance
from workflows.tasks import (
    COUNT_CAP,
    claim_task,
    complete_user_task,
    get_task_or_404,
    guard_refusal,
    inbox_counts,
    list_inbox,
    task_form_fields,
    unclaim_task,
)

from ..forms import RECT_FORMS, rating_required, safe_next, task_form, task_payload
from ..generated_fields import keep_errors
from ..ledger.labels import ledger_globals
from .labels import task_label, template_globals

bp = Blueprint("inbox", __name__)

SCOPES = ("mine", "assigned", "claimable", "overdue")
DUE_SOON = timedelta(days=2)


@bp.app_context_processor
def inject_globals() -> dict:
    """Labels, the inbox badge (counted lazily, once per request) and locale helpers."""
    def inbox_badge() -> int:
        if not current_user.is_authenticated:
            return 0
        if "inbox_badge" not in g:
            counts = inbox_counts(current_user)
            g.inbox_badge = min(COUNT_CAP, counts["assigned"] + counts["claimable"])
        return g.inbox_badge

    def here_url() -> str:
        return request.full_path.rstrip("?") if request.method == "GET" else request.path

    return {"inbox_badge": inbox_badge, "here_url": here_url,
            "current_locale": current_language, "task_form_fields": task_form_fields,
            **template_globals()}


def current_language() -> str:
    """The code of the interface language in use: "en" or "zh_CN" (Babel says zh_Hans_CN)."""
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "zh_CN"


@bp.app_template_test("due_soon")
def is_due_soon(value: datetime | None) -> bool:
    """Due within two days and not yet overdue."""
    now = utcnow()
    return value is not None and now <= value < now + DUE_SOON


@bp.app_template_filter("count")
def count_label(value: int) -> str:
    """A capped inbox count: 1000 shows as 1000+."""
    return f"{COUNT_CAP}+" if value >= COUNT_CAP else str(value)


@bp.app_template_filter("plain_number")
def plain_number(value) -> str:
    """A stored decimal as people write it: 12 rather than 12.0000; nothing for None."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f")


@bp.app_template_filter("age")
def age(value: datetime | None) -> str:
    """How long ago, in words of the current language."""
    return format_timedelta(utcnow() - value, threshold=1.1) if value else ""


def _filters() -> dict:
    scope = request.args.get("scope", "mine")
    return {
        "scope": scope if scope in SCOPES else "mine",
        "process": request.args.get("process", "").strip() or None,
        "unit": request.args.get("unit", type=int),
        "q": request.args.get("q", "").strip()[:100] or None,
    }


@bp.route("/inbox")
@login_required
def index():
    """Tasks the user can act on, with scope tabs, filters and pages."""
    filters = _filters()
    page = list_inbox(current_user, scope=filters["scope"], process_key=filters["process"],
                      unit_id=filters["unit"], q=filters["q"],
                      page=max(request.args.get("page", 1, type=int), 1), per_page=20)
    if not (filters["process"] or filters["unit"] or filters["q"]):
        g.inbox_badge = min(COUNT_CAP, page.assigned + page.claimable)
    return render_template("inbox/index.html", page=page, filters=filters,
                           names=names_for_tasks(page.items), units=units_in_scope(current_user),
                           processes=process_keys())


def _back() -> str:
    return safe_next(request.form.get("next"), url_for("inbox.index"))


@bp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@login_required
def claim(task_id: int):
    """Take a claimable task."""
    task = get_task_or_404(task_id, current_user)
    claim_task(task, current_user)
    flash(_("You have claimed “%(task)s”.", task=task_label(task.task_key, task.name)), "success")
    return redirect(_back())


@bp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@login_required
def unclaim(task_id: int):
    """Release a held task to its candidate groups."""
    task = get_task_or_404(task_id, current_user)
    unclaim_task(task, current_user)
    flash(_("You have released “%(task)s”; colleagues can claim it now.",
            task=task_label(task.task_key, task.name)), "success")
    return redirect(_back())


def _why_not(task: Task, user: User) -> str | None:
    """None when the user may work the task now, else the reason they may not."""
    if task.status != "ready":
        return "completed" if task.status == "completed" else "cancelled"
    if task.assignee_id not in (None, user.id):
        return "held"
    if not can_act_on(user, task):
        return "roles"
    return None


def blocked_state(task: Task, instance: ProcessInstance, locked: bool = False
             ) -> tuple[str | None, Forbidden | None]:
    """Why the user cannot work the task now (None if they can), and the domain rule refusing
    them when that is the reason."""
    blocked = _why_not(task, current_user)
    refusal = guard_refusal(task, instance, current_user) if blocked is None else None
    if blocked is None and locked:
        blocked = "locked"
    if blocked is None and refusal is not None:
        blocked = "refused"  # the same rule claim and complete enforce (R9, R8)
    return blocked, refusal


def _render_task(task: Task, form=None, status: int = 200):
    instance = get_instance_or_404(task.instance_id, current_user)
    if task.form_key in RECT_FORMS:
        return _render_rect_task(task, instance, form, status)
    view = instance_view(instance)
    sheet = sheet_for_instance(instance)
    names = names_for_tasks([task]).get(task.id)
    people = user_names({instance.started_by_id, task.completed_by_id})
    blocked, refusal = blocked_state(task, instance, locked=sheet is not None and sheet.locked)
    if form is None and blocked is None:
        form = task_form(task, sheet)
    returns = [h for h in view.history if h.decision == "return"]
    return render_template(
        "inbox/task.html", task=task, view=view, instance=instance, sheet=sheet,
        names=names, people=people, blocked=blocked, refusal=refusal, form=form,
        last_return=returns[-1] if returns and sheet is not None and sheet.status == "returned"
        else None, rating_required=rating_required(task)), status


# The unit's and the verifiers' steps; interview proposals run beside them.
RECT_MAIN_STEPS = ("enter_plan", "approve_plan", "submit_evidence", "verify", "sign_off")


def _render_rect_task(task: Task, instance: ProcessInstance, form, status: int):
    """A rectification task with its ledger item, evidence and, when the user may act, form."""
    ledger = item_view(item_for_instance(instance).id, current_user)
    item = ledger.item
    view = instance_view(instance)
    blocked, refusal = blocked_state(task, instance)
    if form is None and blocked is None:
        form = task_form(task, item)
    steps = [h for h in view.history if h.status == "completed" and h.task_key in RECT_MAIN_STEPS]
    last_return = steps[-1] if steps and steps[-1].decision in ("return", "reject") \
        and task.status == "ready" and task.task_key in ("enter_plan", "submit_evidence") else None
    people = user_names({instance.started_by_id, task.completed_by_id, item.filer_id,
                         item.submitted_by_id, item.verified_by_id,
                         *(doc.uploaded_by_id for doc in ledger.evidence)})
    return render_template(
        "inbox/rect_task.html", task=task, view=view, instance=instance, ledger=ledger,
        item=item, names=names_for_tasks([task]).get(task.id), people=people, blocked=blocked,
        refusal=refusal, form=form, last_return=last_return, **ledger_globals()), status


# process_key -> (show(task), submit(task)): processes whose task pages their own blueprint draws
TaskPage = tuple[Callable[[Task], ResponseReturnValue], Callable[[Task], ResponseReturnValue]]
TASK_PAGES: dict[str, TaskPage] = {}


@bp.route("/tasks/<int:task_id>")
@login_required
def task(task_id: int):
    """The task with its sheet, history and, when the user may act, its form."""
    task = get_task_or_404(task_id, current_user)
    if task.process_key in TASK_PAGES:
        return TASK_PAGES[task.process_key][0](task)
    return _render_task(task)


@bp.route("/tasks/<int:task_id>", methods=["POST"])
@login_required
def complete(task_id: int):
    """Complete the task with the posted form; invalid input re-renders it with the errors."""
    task = get_task_or_404(task_id, current_user)
    if task.process_key in TASK_PAGES:
        return TASK_PAGES[task.process_key][1](task)
    form = task_form(task, None, request.form)
    try:
        complete_user_task(task, current_user, task_payload(form, request.form, task))
    except InvalidInput as exc:
        own = keep_errors(exc.errors)
        if form is not None:
            form.attach_errors(own)
        flash(_("Please correct the marked fields."), "error")
        return _render_task(task, form, 422)
    flash(_("“%(task)s” is done: %(subject)s.", task=task_label(task.task_key, task.name),
            subject=task.subject), "success")
    return redirect(url_for("inbox.index"))
