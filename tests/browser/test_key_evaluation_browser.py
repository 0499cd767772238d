"""A key evaluation's first steps in headless Chromium, in Chinese: the performance section
proposes the project, the audit bureau answers the consultation from its inbox, the bureau
leader approves, the performance section engages the registered firm (with the signed
declaration), and the firm's lead evaluator submits the plan from the framework the form starts
with. The filer of another unit is refused the evaluation (404).

The interface strings are the Simplified Chinese catalog's; the English msgid is given alongside.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .live_server import FIRM, PROJECT
from .test_ledger_browser import log_in, log_out

pytestmark = pytest.mark.browser

TITLE = f"{PROJECT}项目重点绩效评价"
CONSULT = "评价前征求审计意见"  # Audit consultation before evaluation
APPROVE_LIST = "审定评价对象和评价经费"  # Approve the evaluation object and fee
ENGAGE = "委托第三方机构"  # Engage a third-party firm
PLAN = "提交评价方案"  # Submit the evaluation plan


def open_task(page: Page, task_label: str) -> None:
    """From the inbox, open the evaluation's task at this step ("%(task)s：%(subject)s")."""
    title = f"{task_label}：{TITLE}"
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="办理").click()  # Open
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def submit_task(page: Page, button: str, task_label: str) -> None:
    """Submit the form; back in the inbox with the success message."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form.jx-form button[type=submit]").filter(has_text=button).click()
    assert posted.value.status == 302
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".jx-flash-success")).to_contain_text(f"“{task_label}”已办结")


def test_key_evaluation_proposed_consulted_approved_engaged_and_planned(
        live_server, page, screenshot, page_problems):
    base = live_server
    log_in(page, base, "perf")
    assert page_problems == []
    page.get_by_role("link", name="重点评价", exact=True).click()  # Evaluations
    page.get_by_role("link", name="提出重点评价对象").click()  # Propose a key evaluation
    form = page.locator("form.jx-form")
    project = form.locator('select[name="project_id"] option', has_text=PROJECT)
    form.locator('select[name="project_id"]').select_option(project.get_attribute("value"))
    form.locator('input[name="title"]').fill(TITLE)
    form.locator('select[name="selection_reason"]').select_option("large_amount")
    form.locator('input[name="fee_budget_wan"]').fill("18")
    screenshot("key-eval-01-proposal")
    form.get_by_role("button", name="提出并征求审计意见").click()
    expect(page).to_have_url(re.compile(r"/evaluations/\d+$"))
    evaluation_url = page.url
    expect(page.locator(".jx-flash-success")).to_contain_text(f"“{TITLE}”已列入重点绩效评价对象")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    log_out(page)

    # The audit bureau's liaison (a role of no data scope) finds the consultation in the inbox.
    log_in(page, base, "auditor")
    open_task(page, CONSULT)
    page.locator('textarea[name="opinion"]').fill("近两年未对该项目开展专项审计，同意评价。")
    screenshot("key-eval-02-audit-opinion")
    submit_task(page, "反馈意见", CONSULT)  # Send the opinion
    log_out(page)

    log_in(page, base, "boss")
    open_task(page, APPROVE_LIST)
    page.locator('input[name="decision"][value="approve"]').check()
    submit_task(page, "提交", APPROVE_LIST)  # Submit the decision
    log_out(page)

    # The performance section engages the firm; without the declaration it is refused.
    log_in(page, base, "perf")
    open_task(page, ENGAGE)
    page.locator('select[name="firm_id"]').select_option(label=FIRM)
    page.locator('select[name="lead_evaluator_user_id"]').select_option(label="吴主评")
    page.locator('select[name="procurement_method"]').select_option("competitive_consultation")
    page.locator('input[name="contract_amount_wan"]').fill("16")
    page.locator('input[name="contract_date"]').fill("2028-04-01")
    page.locator("form.jx-form button[type=submit]").click()
    expect(page.locator('[data-field="coi_signed"] .jx-field-error, [data-field="coi_signed"]')
           .first).to_contain_text("利益冲突回避承诺书")
    page.locator('input[name="coi_signed"]').check()
    screenshot("key-eval-03-engage")
    submit_task(page, "确定委托", ENGAGE)  # Engage the firm
    log_out(page)

    # The lead evaluator submits the plan from the default framework (weights 20/20/30/30).
    log_in(page, base, "firmlead")
    open_task(page, PLAN)
    expect(page.locator('input[name="indicators-0-name"]')).to_have_value("立项依据充分性")
    page.locator('input[name="methods"][value="site_inspection"]').check()
    page.locator('input[name="methods"][value="survey"]').check()
    page.locator('textarea[name="data_list"]').fill("预算批复文件、资金拨付凭证、验收资料")
    screenshot("key-eval-04-plan")
    submit_task(page, "提交评价方案", PLAN)
    log_out(page)

    log_in(page, base, "perf")
    page.goto(evaluation_url)
    expect(page.get_by_text("评价方案审核中").first).to_be_visible()  # Plan under review
    expect(page.get_by_text(FIRM).first).to_be_visible()
    screenshot("key-eval-05-evaluation-page")
    log_out(page)

    log_in(page, base, "filer2")
    response = page.goto(evaluation_url)
    assert response.status == 404
