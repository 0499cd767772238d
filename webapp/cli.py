"""The `jixiao` console script: a Flask CLI group with the administration commands."""

from __future__ import annotations

import functools
import logging
import os
import signal
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from models import transaction
from models.firm import FIRM_TYPES
from models.migrate import upgrade
from workflows import demo as demo_ops
from workflows import firms, mailer, org, timers
from workflows.deploy import BPMN_DIR, deploy_directory
from workflows.errors import JixiaoError

from . import mail


def _create_app(*_args):
    from . import create_app
    return create_app()


def in_transaction(fn):
    """Run the command as one transaction and turn domain errors into clean CLI errors."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with transaction():
                return fn(*args, **kwargs)
        except JixiaoError as exc:
            details = "; ".join(f"{k}: {', '.join(map(str, v))}"
                                for k, v in getattr(exc, "errors", {}).items())
            raise click.ClickException(
                exc.message + (f" ({details})" if details else "")) from None
    return wrapper


@click.group("db")
def db_group():
    """Database schema."""


@db_group.command("upgrade")
def db_upgrade():
    """Apply Alembic migrations up to the newest revision."""
    upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@click.command("deploy")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@in_transaction
def deploy(path: Path | None):
    """Deploy the BPMN files of PATH (default: the bundled bpmn/ folder)."""
    for definition, created in deploy_directory(path or BPMN_DIR):
        state = "deployed" if created else "unchanged"
        click.echo(f"{definition.key} v{definition.version} {state} "
                   f"({definition.content_hash[:12]})")


@click.group("section")
def section_group():
    """Bureau sections."""


@section_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(
    ["expenditure", "budget", "performance", "fiscal_supervision", "treasury",
     "investment_review", "other"]))
@in_transaction
def section_add(code, name, kind):
    """Add a section."""
    section = org.add_section(code, name, kind)
    click.echo(f"section {section.code} created (id {section.id})")


@click.group("user")
def user_group():
    """Users."""


@user_group.command("add")
@click.argument("username")
@click.option("--password", required=True)
@click.option("--role", "roles", multiple=True, required=True, help="may repeat")
@click.option("--unit", "unit_code")
@click.option("--section", "section_code")
@click.option("--name")
@click.option("--email", help="where reminder e-mails go (when e-mail is switched on)")
@in_transaction
def user_add(username, password, roles, unit_code, section_code, name, email):
    """Add a user with one or more roles."""
    user = org.add_user(username, password, list(roles), name=name, unit_code=unit_code,
                        section_code=section_code, email=email)
    click.echo(f"user {user.username} created (id {user.id}) roles: {', '.join(roles)}")


@click.group("unit")
def unit_group():
    """Budget units."""


@unit_group.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--section", "section_code", required=True)
@click.option("--liaison", required=True)
@click.option("--parent", "parent_code")
@in_transaction
def unit_add(code, name, section_code, liaison, parent_code):
    """Add a budget unit owned by an expenditure section."""
    unit = org.add_unit(code, name, section_code, liaison, parent_code=parent_code)
    click.echo(f"unit {unit.code} created (id {unit.id})")


@click.group("project")
def project_group():
    """Projects."""


@project_group.command("add")
@click.option("--unit", "unit_code", required=True)
@click.option("--name", required=True)
@click.option("--amount", required=True, help="yuan")
@click.option("--new", "is_new", is_flag=True)
@click.option("--year", type=int, default=lambda: date.today().year + 1)
@in_transaction
def project_add(unit_code, name, amount, is_new, year):
    """Add a project; prints its id."""
    project = org.add_project(unit_code, name, amount, is_new=is_new, fiscal_year=year)
    click.echo(project.id)


@click.group("firm")
def firm_group():
    """Third-party firm registry."""


@firm_group.command("add")
@click.argument("name")
@click.option("--credit-code", required=True, help="统一社会信用代码 (18 characters)")
@click.option("--type", "firm_type", required=True, type=click.Choice(FIRM_TYPES))
@click.option("--staff", "staff_count", type=click.IntRange(0))
@in_transaction
def firm_add(name, credit_code, firm_type, staff_count):
    """Register a firm (status active)."""
    firm = firms.add_firm({"name": name, "credit_code": credit_code, "firm_type": firm_type,
                           "staff_count": staff_count}, bureau_id=org.default_bureau().id)
    click.echo(f"firm {firm.credit_code} created (id {firm.id})")


@firm_group.command("list")
@in_transaction
def firm_list():
    """List the registry: id, credit code, type, status, average quality score, name."""
    for firm in firms.list_firms(org.default_bureau().id):
        score = "-" if firm.avg_quality_score is None else f"{firm.avg_quality_score}"
        click.echo(f"{firm.id:>5}  {firm.credit_code}  {firm.firm_type:<18} {firm.status:<11} "
                   f"{score:>6}  {firm.name}")


@firm_group.command("staff")
@click.argument("username")
@click.option("--credit-code", required=True, help="the firm's credit code")
@in_transaction
def firm_staff(username, credit_code):
    """Link a third-party evaluator's account to their firm (R18)."""
    firm = firms.firm_by_credit_code(org.default_bureau().id, credit_code)
    firms.assign_firm_staff(username, firm)
    click.echo(f"user {username} works for firm {firm.credit_code}")


@click.command("demo")
@click.option("--profile", type=click.Choice(sorted(demo_ops.PROFILES)), default="district",
              show_default=True, help="district: the demo (111 units); load: the load-test "
                                      "tenant (236 units, 740 projects); small: a quick one")
def demo(profile: str):
    """Load the demo bureau (once) and print the logins worth trying."""
    loaded = _load_demo(profile)
    # Printed after the commit: a closed pipe must not roll the demo back.
    click.echo("demo loaded" if loaded else "demo data already loaded")
    click.echo(f"demo logins (password for all: {demo_ops.DEMO_PASSWORD}):")
    for username, roles, hint, _placement in demo_ops.demo_accounts():
        click.echo(f"  {username:<12} {'+'.join(roles):<16} {hint}")


@in_transaction
def _load_demo(profile: str) -> bool:
    if demo_ops.demo_exists():
        return False
    deploy_directory(BPMN_DIR)
    demo_ops.load_demo(profile)
    return True


@click.command("worker")
@with_appcontext
@click.option("--once", is_flag=True, help="fire what is due now, then exit")
@click.option("--interval", default=5.0, show_default=True, help="seconds to sleep when idle")
def worker(once: bool, interval: float):
    """Fire due BPMN timers; run as many workers as you like against one PostgreSQL."""
    app = current_app._get_current_object()
    send = mail.sender(app)
    render = mail.renderer(app)

    def mail_round() -> int:
        return mailer.send_pending(render, send) if send is not None else 0
    if once:
        click.echo(f"fired timers of {timers.run_once()} instance(s)")
        click.echo(f"sent {timers.run_calendar_checks()} calendar warning(s)")
        if send is not None:
            click.echo(f"sent {mail_round()} reminder e-mail(s)")
        return
    # the worker's own log lines (fired timers, failures and retries) go to stderr
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(True))
    click.echo(f"worker started (pid {os.getpid()}); Ctrl-C stops it")
    if send is None:
        click.echo("reminder e-mails are off (set JIXIAO_SMTP_URL to send them)")
    timers.run_worker(lambda: bool(stopping), interval=interval, after_round=mail_round)
    click.echo("worker stopped")


def register_cli(app) -> None:
    """Attach the command groups to the app's CLI."""
    for command in (db_group, deploy, section_group, user_group, unit_group, project_group,
                    firm_group, demo, worker):
        app.cli.add_command(command)


main = FlaskGroup(create_app=_create_app, name="jixiao", help="jixiao administration.")
