"""Domain messages in the interface language on pages, in English over the API, all translated."""

from __future__ import annotations

import ast
import re

import pytest

from models import db
from tests.conftest import GOOD_SHEET, ready_task
from tests.webapp.conftest import ROOT, read_catalog
from tests.webapp.test_pages import sheet_fields
from webapp import i18n
from webapp.i18n import translate
from workflows.goal_review import start_goal_declaration
from workflows.messages import Msg
from workflows.tasks import complete_user_task

EMPTY_GOAL = ("the overall goal is required (at most 2000 characters)",
              "须填写总体目标（不超过 2000 个字）")
NO_COMMENT = ("a return needs a comment giving the reasons",
              "退回修改时须填写审核意见，写明退回理由")
R9 = ("separation of duties: whoever filed or last edited a sheet cannot review it (R9)",
      "不相容职责分离：申报表的填报人或最后修改人不得审核本表（R9）")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def fill_task(bureau, filer: str = "filer1"):
    """The fill-sheet task of a new p1 declaration."""
    return ready_task(start_goal_declaration(bureau.projects["p1"], getattr(bureau, filer)).id)


def gate1_task(bureau, filer: str = "filer1"):
    """Gate 1 of a p1 declaration whose sheet `filer` submitted."""
    task = fill_task(bureau, filer)
    complete_user_task(task, getattr(bureau, filer), {"sheet": GOOD_SHEET})
    return ready_task(task.instance_id)


def field_block(page: str, field_id: str) -> str:
    """The markup of one form field, from its control to the end of its wrapper."""
    return page.split(f'id="{field_id}"', 1)[1].split("</div>", 1)[0]


# ------------------------------------------------------------- Chinese pages (default)


def test_sheet_errors_are_shown_in_chinese_next_to_their_fields(bureau, client, login):
    task = fill_task(bureau)
    login("filer1")
    weights = {f"indicators-{i}-weight": w for i, w in enumerate(("30", "30", "20", "10"))}
    resp = client.post(f"/tasks/{task.id}", data=sheet_fields(overall_goal="", **weights))
    assert resp.status_code == 422
    assert EMPTY_GOAL[1] in field_block(resp.text, "overall_goal")
    assert "权重合计须为 100（当前合计为 90）" in resp.text  # parameters survive translation
    assert "请修改标出的内容后重新提交。" in resp.text
    assert EMPTY_GOAL[0] not in resp.text and "they sum to" not in resp.text


def test_return_without_comment_is_refused_in_chinese(bureau, client, login):
    task = gate1_task(bureau)
    login("leader1")
    resp = client.post(f"/tasks/{task.id}", data={"decision": "return", "comment": " "})
    assert resp.status_code == 422
    assert NO_COMMENT[1] in field_block(resp.text, "comment")
    assert NO_COMMENT[0] not in resp.text


def test_r9_refusal_page_is_in_chinese(bureau, client, login):
    task = gate1_task(bureau, "both1")
    login("both1")
    resp = client.post(f"/tasks/{task.id}", data={"decision": "approve", "comment": "同意"})
    assert resp.status_code == 403
    assert R9[1] in resp.text and R9[0] not in resp.text


def test_english_pages_show_the_english_messages(bureau, client, login):
    task = gate1_task(bureau, "both1")
    login("both1")
    client.post("/lang/en", data={"next": "/inbox"})
    resp = client.post(f"/tasks/{task.id}", data={"decision": "approve", "comment": "ok"})
    assert resp.status_code == 403 and R9[0] in resp.text


# ----------------------------------------------------------------- the API stays English


@pytest.mark.parametrize("case", ["empty goal", "no comment", "R9"])
def test_api_answers_in_english_whatever_the_language(bureau, client, api_token, case):
    if case == "empty goal":
        task, username = fill_task(bureau), "filer1"
        body = {"sheet": {**GOOD_SHEET, "overall_goal": ""}}
    elif case == "no comment":
        task, username = gate1_task(bureau), "leader1"
        body = {"decision": "return", "comment": " "}
    else:
        task, username = gate1_task(bureau, "both1"), "both1"
        body = {"decision": "approve", "comment": "同意"}
    db.commit()  # the failing request rolls back its own changes, not the setup
    headers = {**api_token(username), "Accept-Language": "zh-CN,zh;q=0.9"}
    resp = client.post(f"/api/v1/tasks/{task.id}/complete", json=body, headers=headers)
    error = resp.get_json()["error"]
    if case == "empty goal":
        assert (resp.status_code, error["message"]) == (422, "the goal sheet has errors")
        assert error["errors"]["sheet.overall_goal"] == [EMPTY_GOAL[0]]
    elif case == "no comment":
        assert (resp.status_code, error["errors"]["comment"]) == (422, [NO_COMMENT[0]])
    else:
        assert (resp.status_code, error["message"]) == (403, R9[0])


# ------------------------------------------------------------------------ translation


def test_translate_formats_msgs_and_leaves_other_values_alone(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        three = Msg("at least %(n)s indicators are required", n=3)
        assert translate(three) == "至少须设置 3 个指标"
        assert translate(Msg("not in the catalog %(x)s", x=1)) == "not in the catalog 1"
        assert translate("plain text") == "plain text"
        assert translate(None) is None


def test_a_broken_translation_falls_back_to_english(app, monkeypatch):
    monkeypatch.setattr(i18n, "gettext", lambda template: "坏的译文 %(missing)s")
    with app.test_request_context():
        m = Msg("at least %(n)s indicators are required", n=3)
        assert translate(m) == "at least 3 indicators are required"


def msg_calls() -> list[tuple[str, ast.expr | None]]:
    """(file:line, first argument) of every Msg(...) call in workflows/."""
    calls = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (
                    getattr(node.func, "id", None) == "Msg"
                    or getattr(node.func, "attr", None) == "Msg"):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                calls.append((where, node.args[0] if node.args else None))
    return calls


def test_every_msg_is_a_literal_template():
    """A template built at run time (an f-string, a variable) could never be in the catalog."""
    offenders = [where for where, arg in msg_calls()
                 if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str))]
    assert offenders == []


def test_every_msg_template_is_translated():
    templates = {arg.value for _, arg in msg_calls() if isinstance(arg, ast.Constant)}
    assert NO_COMMENT[0] in templates and R9[0] in templates
    catalog = {m.id: m for m in read_catalog() if m.id}
    missing = sorted(t for t in templates if t not in catalog or not catalog[t].string
                     or catalog[t].fuzzy)
    assert missing == []
    mismatched = sorted(t for t in templates if sorted(PLACEHOLDER.findall(t))
                        != sorted(PLACEHOLDER.findall(catalog[t].string)))
    assert mismatched == []
