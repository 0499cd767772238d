"""The jixiao console commands."""

from sqlalchemy import select

from models import BudgetUnit, Project, User, UserRole, db
from tests.conftest import DATA


def test_org_commands_build_a_bureau(runner, connection):
    assert runner.invoke(args=["section", "add", "S-EDU", "教科文股", "--kind",
                               "expenditure"]).exit_code == 0
    result = runner.invoke(args=["user", "add", "zhang", "--password", "long-enough-pw",
                                 "--role", "section_cadre", "--role", "section_chief",
                                 "--section", "S-EDU"])
    assert result.exit_code == 0, result.output
    roles = set(db.scalars(select(UserRole.role_code).join(User).where(User.username == "zhang")))
    assert roles == {"section_cadre", "section_chief"}
    result = runner.invoke(args=["unit", "add", "101001", "区教育局", "--section", "S-EDU",
                                 "--liaison", "zhang"])
    assert result.exit_code == 0, result.output
    assert db.scalar(select(BudgetUnit.name).where(BudgetUnit.code == "101001")) == "区教育局"
    result = runner.invoke(args=["project", "add", "--unit", "101001", "--name", "校舍维修",
                                 "--amount", "650000", "--new"])
    assert result.exit_code == 0, result.output
    project = db.get(Project, int(result.output.strip()))
    assert (project.name, project.is_new, str(project.year_amount)) == ("校舍维修", True,
                                                                        "650000.00")


def test_cli_errors_are_clean_messages(runner, connection):
    result = runner.invoke(args=["user", "add", "li", "--password", "long-enough-pw",
                                 "--role", "wizard"])
    assert result.exit_code != 0 and "unknown role" in result.output
    assert "Traceback" not in result.output
    result = runner.invoke(args=["unit", "add", "X", "x", "--section", "NOPE", "--liaison", "a"])
    assert result.exit_code != 0 and "section NOPE not found" in result.output
    result = runner.invoke(args=["user", "add", "li", "--password", "short", "--role", "admin"])
    assert result.exit_code != 0 and "at least 8" in result.output


def test_liaison_must_belong_to_the_owning_section(runner, bureau):
    result = runner.invoke(args=["unit", "add", "U9", "x", "--section", "S-EDU",
                                 "--liaison", "cadre2"])
    assert result.exit_code != 0 and "must be a cadre of section S-EDU" in result.output


def test_deploy_reports_versions(runner, connection):
    result = runner.invoke(args=["deploy", str(DATA / "approval.bpmn")])
    assert result.exit_code == 0 and "tiny_approval v1 deployed" in result.output
    result = runner.invoke(args=["deploy", str(DATA / "approval.bpmn")])
    assert "tiny_approval v1 unchanged" in result.output
    result = runner.invoke(args=["deploy", str(DATA / "unknown_role.bpmn")])
    assert result.exit_code != 0 and "unknown role 'wizard'" in result.output


def test_demo_loads_once(runner, connection):
    result = runner.invoke(args=["demo", "--profile", "small"])
    assert result.exit_code == 0, result.output
    assert "filer01" in result.output and "jixiao-demo" in result.output
    again = runner.invoke(args=["demo", "--profile", "small"]).output
    assert "demo data already loaded" in again and "filer01" in again


def test_worker_once_fires_due_timers(runner, bureau):
    from datetime import timedelta

    from workflows.deploy import deploy_definition
    from workflows.engine import clock, runtime
    definition = deploy_definition((DATA / "timer_escalation.bpmn").read_bytes())[0]
    runtime.start_instance(definition, data={}, actor_id=None, business_key="t:1",
                           subject="deadline", unit_id=None)
    assert runner.invoke(args=["worker", "--once"]).output.strip() == \
        "fired timers of 0 instance(s)\nsent 0 calendar warning(s)"
    clock.travel(timedelta(days=8))
    try:
        result = runner.invoke(args=["worker", "--once"])
    finally:
        clock.reset()
    assert result.exit_code == 0 and result.output.splitlines()[0] == \
        "fired timers of 1 instance(s)"


def test_user_add_keeps_an_email_address_and_refuses_a_bad_one(runner, bureau):
    from models import User, db
    ok = runner.invoke(args=["user", "add", "mailer", "--password", "long-enough-pw",
                             "--role", "perf_staff", "--email", "mailer@czj.example.gov.cn"])
    assert ok.exit_code == 0, ok.output
    assert db.scalar(select(User.email).where(User.username == "mailer")) == \
        "mailer@czj.example.gov.cn"
    bad = runner.invoke(args=["user", "add", "nomail", "--password", "long-enough-pw",
                              "--role", "perf_staff", "--email", "not-an-address"])
    assert bad.exit_code != 0 and "not an e-mail address" in bad.output
