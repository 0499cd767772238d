"""The browser tests' server process: migrate and seed a fresh database, then serve the app.

    python -m tests.browser.live_server PORT_FILE      (from the repository root)

Reads DATABASE_URL and JIXIAO_SECRET_KEY from the environment, like production. The app
commits, so it runs in its own process on its own database: the session registry of the test
process (rebound per test by tests/conftest.py) is never touched. Once it listens, the chosen
port is written to PORT_FILE; SIGTERM stops it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from werkzeug.serving import make_server

from models import transaction
from models.migrate import upgrade
from webapp import create_app
from workflows import firms, org
from workflows.deploy import BPMN_DIR, deploy_directory

PASSWORD = "browser-test-pw"
PROJECT = "义务教育薄弱环节改善"
# username: (roles, display name, unit, section)
USERS = {
    "cadre": (["section_cadre"], "李联络", None, "S-EDU"),
    "perf": (["perf_staff"], "王绩效", None, "S-PERF"),
    "chief": (["perf_chief"], "陈股长", None, "S-PERF"),
    "filer": (["unit_filer"], "张填报", "U1", None),
    "leader": (["unit_leader"], "赵局长", "U1", None),
    "filer2": (["unit_filer"], "孙填报", "U2", None),
    "auditor": (["audit_bureau"], "周审计", None, None),
    "boss": (["bureau_leader"], "钱局长", None, None),
    "firmlead": (["tp_evaluator"], "吴主评", None, None),
    "admin": (["admin"], "郑管理", None, None),
}
FIRM = "湘江会计师事务所"


def seed() -> None:
    """One expenditure section with two units and their liaison, the performance section (staff
    and chief), a filer and a leader of U1, a filer of U2, one project, the audit bureau's
    liaison, a bureau leader, a registered firm with its lead evaluator, an administrator; the
    bundled diagrams deployed, and tests/data/form_fields.bpmn."""
    with transaction():
        deploy_directory(BPMN_DIR)
        # a small process whose review step has generated form fields (the modeler's test)
        deploy_directory(Path(__file__).resolve().parents[1] / "data" / "form_fields.bpmn")
        org.add_section("S-EDU", "教科文股", "expenditure")
        org.add_section("S-PERF", "绩效股", "performance")
        for username in ("cadre", "perf", "chief", "auditor", "boss", "firmlead", "admin"):
            roles, name, _unit, section = USERS[username]
            org.add_user(username, PASSWORD, roles, name=name, section_code=section)
        org.add_unit("U1", "区教育局", "S-EDU", "cadre")
        org.add_unit("U2", "区卫生健康局", "S-EDU", "cadre")
        for username in ("filer", "leader", "filer2"):
            roles, name, unit, _section = USERS[username]
            org.add_user(username, PASSWORD, roles, name=name, unit_code=unit)
        org.add_project("U1", PROJECT, 3_200_000, fiscal_year=2027)
        firm = firms.add_firm({"name": FIRM, "credit_code": "91350100M000100Y43",
                               "firm_type": "cpa"}, bureau_id=org.default_bureau().id)
        firms.assign_firm_staff("firmlead", firm)


def seed_demo() -> None:
    """The small demo bureau (every phase of the cycle; password jixiao-demo)."""
    from workflows import demo
    with transaction():
        deploy_directory(BPMN_DIR)
        demo.load_demo("small")


def main(port_file: str) -> None:
    url = os.environ["DATABASE_URL"]
    upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": os.environ["JIXIAO_SECRET_KEY"],
                      "WTF_CSRF_ENABLED": True, "TESTING": False})
    with app.app_context():
        if os.environ.get("JIXIAO_LIVE_SEED") == "demo":
            seed_demo()
        else:
            seed()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    tmp = Path(port_file + ".tmp")
    tmp.write_text(str(server.port))
    tmp.rename(port_file)  # the reader never sees a half-written file
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
