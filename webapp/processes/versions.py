"""Version pages: one version on its diagram with where instances wait, two versions compared,
and moving waiting instances to a newer version."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workflows.process_catalog import version_detail
from workflows.process_compare import compare_versions
from workflows.process_migration import migrate_instances, migration_plan

from .views import bp


def _int_arg(name: str, default: int | None = None) -> int | None:
    value = request.values.get(name, type=int)
    return value if value is not None else default


@bp.route("/admin/processes/<path:key>/v<int:version>")
@login_required
def version(key: str, version: int):
    """A version's diagram with per-element counts of the instances waiting there."""
    entry, row = version_detail(current_user, key, version)
    return render_template("processes/version.html", entry=entry, row=row)


@bp.route("/admin/processes/<path:key>/compare")
@login_required
def compare(key: str):
    """Two versions side by side (default: the two newest)."""
    new = _int_arg("new", 0)
    old = _int_arg("old", 0)
    entry, row = version_detail(current_user, key, new or None)
    new = row.version
    old = old or max(new - 1, 1)
    comparison = compare_versions(current_user, key, old, new)
    return render_template("processes/compare.html", entry=entry, comparison=comparison)


@bp.route("/admin/processes/<path:key>/migrate", methods=["GET", "POST"])
@login_required
def migrate(key: str):
    """The dry run (GET) and the move (POST) of waiting instances to a newer version."""
    source, target = _int_arg("source", 0), _int_arg("target", 0)
    if request.method == "POST":
        chosen = [int(v) for v in request.form.getlist("instance") if v.isascii() and v.isdigit()]
        if not chosen:  # nothing ticked moves nothing: a move cannot be undone
            flash(_("Tick the instances to move."), "error")
            return redirect(url_for(".migrate", key=key, source=source, target=target))
        outcome = migrate_instances(current_user, key, source, target, chosen)
        flash(_("%(moved)s instances moved to version %(v)s; %(left)s could not move.",
                moved=len(outcome.moved), v=target, left=len(outcome.refused)),
              "success" if outcome.moved else "error")
        return redirect(url_for(".migrate", key=key, source=source, target=target))
    plan = migration_plan(current_user, key, source, target)
    return render_template("processes/migrate.html", plan=plan, key=key)
