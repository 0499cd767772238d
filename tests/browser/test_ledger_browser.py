"""A rectification ledger item (整改台账) from record to sign-off in headless Chromium, in Chinese.

The performance staff records a problem for unit U1; the unit's filer enters the plan and its
leader approves it; the filer uploads a PDF and submits; the liaison cadre returns it once, then
passes it; the performance section chief signs it off (销号); the ledger counts it closed. On the
way, the filer of another unit is refused the item (404) and the filer the problem form (403).

The interface strings are the Simplified Chinese catalog's; the English msgid is given alongside.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from .live_server import PASSWORD, USERS

pytestmark = pytest.mark.browser

NAMES = {username: user[1] for username, user in USERS.items()}

PROBLEM = "义务教育专项资金结余未及时清理，形成沉淀。"  # also the tasks' subject
MEASURES = "清理结余资金并按规定收回财政；建立月度资金核对制度。"
RESPONSIBLE = "刘会计"
RETURN_COMMENT = "佐证材料缺少资金收回凭证，请补充。"
ENTER_PLAN = "制定整改计划"  # Enter the rectification plan
APPROVE_PLAN = "审核整改计划"  # Approve the rectification plan
SUBMIT_EVIDENCE = "整改并提交佐证材料"  # Rectify and submit the evidence
VERIFY = "核验整改情况"  # Verify the rectification
SIGN_OFF = "台账事项销号"  # Sign off the ledger item


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)  # Username
    page.get_by_label("密码").fill(PASSWORD)  # Password
    page.get_by_role("button", name="登录", exact=True).click()  # Log in
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".jx-user-name")).to_contain_text(NAMES[username])


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()  # Log out
    expect(page).to_have_url(re.compile(r"/login$"))


def open_task(page: Page, task_label: str) -> None:
    """From the inbox, open the item's task at this step ("%(task)s：%(subject)s")."""
    title = f"{task_label}：{PROBLEM}"
    row = page.get_by_role("row").filter(has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="办理").click()  # Open
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def submit_task(page: Page, button: str, task_label: str) -> None:
    """Submit the task form; back in the inbox with the success message, the task gone."""
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.locator("form.jx-form button[type=submit]").filter(has_text=button).click()
    assert posted.value.status == 302
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".jx-flash-success")).to_contain_text(f"“{task_label}”已办结")
    expect(page.get_by_role("row").filter(has_text=f"{task_label}：{PROBLEM}")).to_have_count(0)


def decide(page: Page, decision: str, comment: str) -> None:
    page.locator(f'input[name="decision"][value="{decision}"]').check()
    page.locator('textarea[name="comment"]').fill(comment)


def kv(page: Page, term: str):
    """The <dd> of a <dt> of the item page's key-value lists."""
    return page.locator("dl.jx-kv dt", has_text=re.compile(f"^{term}$")).locator(
        "xpath=following-sibling::dd[1]")


def figure(page: Page, name: str):
    return page.locator(f'.jx-ledger-summary [data-figure="{name}"]')


def record_problem(page: Page, base: str, screenshot) -> str:
    """The perf staff records the problem from the ledger page; the item page's URL."""
    log_in(page, base, "perf")
    page.get_by_role("link", name="整改台账", exact=True).click()  # Rectification ledger
    expect(page.get_by_role("heading", level=1)).to_have_text("整改台账")
    expect(figure(page, "items")).to_have_text("0")
    page.get_by_role("link", name="录入问题").click()  # Record a problem
    expect(page).to_have_url(re.compile(r"/ledger/problems/new$"))
    form = page.locator('form[action$="/ledger/problems/new"]')
    form.locator('select[name="source"]').select_option("audit")
    form.locator('input[name="source_ref"]').fill("审计报告〔2026〕7号")
    form.locator('select[name="unit_id"]').select_option(label="区教育局 (U1)")
    form.locator('textarea[name="description"]').fill(PROBLEM)
    form.locator('select[name="category"]').select_option("funds")
    form.locator('input[name="deadline"]').fill((date.today() + timedelta(days=60)).isoformat())
    screenshot("ledger-01-perf-problem-form")
    form.get_by_role("button", name="录入", exact=True).click()  # Record the problem
    expect(page).to_have_url(re.compile(r"/ledger/items/\d+$"))
    item_id = page.url.rsplit("/", 1)[1]
    expect(page.locator(".jx-flash-success")).to_contain_text(  # ... as ledger item N
        f"问题已录入整改台账，台账事项编号为 {item_id}。")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"台账事项 {item_id} · 区教育局")
    expect(kv(page, "状态")).to_have_text("待制定计划")  # Status: Assigned
    expect(kv(page, "问题来源")).to_contain_text("审计")  # Source: Audit
    screenshot("ledger-02-perf-item-recorded")
    item_url = page.url
    log_out(page)
    return item_url


def test_ledger_item_recorded_rectified_returned_and_signed_off(live_server, page, screenshot,
                                                               page_problems, tmp_path):
    base = live_server
    item_url = record_problem(page, base, screenshot)

    # The filer enters the plan from the inbox (a claimable task of the unit's filers).
    log_in(page, base, "filer")
    assert page_problems == []  # styles and scripts load
    open_task(page, ENTER_PLAN)
    page.locator('textarea[name="measures"]').fill(MEASURES)
    page.locator('input[name="responsible_person"]').fill(RESPONSIBLE)
    screenshot("ledger-03-filer-plan-form")
    submit_task(page, "提交单位负责人审核", ENTER_PLAN)  # Submit the plan for the leader's ...
    log_out(page)

    # The unit leader approves the plan.
    log_in(page, base, "leader")
    open_task(page, APPROVE_PLAN)
    expect(page.get_by_text(MEASURES)).to_be_visible()
    decide(page, "approve", "同意。")
    submit_task(page, "提交", APPROVE_PLAN)  # Submit the decision
    log_out(page)

    # The filer uploads a PDF on the item page, then submits the evidence task.
    log_in(page, base, "filer")
    page.goto(item_url)
    expect(kv(page, "状态")).to_have_text("整改中")  # Rectifying
    expect(kv(page, "整改措施")).to_have_text(MEASURES)  # Measures
    pdf = tmp_path / "资金收回说明.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    upload = page.locator('form[action$="/evidence"]')
    upload.locator('input[name="file"]').set_input_files(pdf)
    upload.get_by_role("button", name="上传").click()  # Upload
    expect(page).to_have_url(re.compile(r"/ledger/items/\d+#evidence$"))
    expect(page.locator(".jx-flash-success")).to_have_text(f"已上传“{pdf.name}”。")
    expect(page.locator("#evidence").get_by_role("link", name=pdf.name)).to_be_visible()
    screenshot("ledger-04-filer-evidence-uploaded")
    page.locator("header").get_by_role("link", name="收件箱").click()  # Inbox
    open_task(page, SUBMIT_EVIDENCE)
    expect(page.locator("#evidence").get_by_role("link", name=pdf.name)).to_be_visible()
    page.locator('textarea[name="comment"]').fill("结余资金已收回，附凭证说明。")
    submit_task(page, "提交核验", SUBMIT_EVIDENCE)  # Submit for verification
    log_out(page)

    # The liaison cadre returns it with a comment.
    log_in(page, base, "cadre")
    open_task(page, VERIFY)
    decide(page, "return", RETURN_COMMENT)
    screenshot("ledger-05-cadre-verify-return")
    submit_task(page, "提交核验意见", VERIFY)  # Submit the verification
    page.goto(item_url)
    expect(kv(page, "退回次数")).to_have_text("1")  # Returns
    expect(kv(page, "状态")).to_have_text("已退回")  # Returned
    log_out(page)

    # The filer sees why and resubmits.
    log_in(page, base, "filer")
    open_task(page, SUBMIT_EVIDENCE)
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("整改情况已被退回")  # The rectification was returned
    expect(banner).to_contain_text(RETURN_COMMENT)
    expect(banner).to_contain_text(NAMES["cadre"])
    screenshot("ledger-06-filer-evidence-returned")
    page.locator('textarea[name="comment"]').fill("已补充资金收回凭证。")
    submit_task(page, "提交核验", SUBMIT_EVIDENCE)
    log_out(page)

    # The cadre passes it.
    log_in(page, base, "cadre")
    open_task(page, VERIFY)
    decide(page, "pass", "凭证齐全，整改到位。")
    submit_task(page, "提交核验意见", VERIFY)
    log_out(page)

    # Another unit's filer can neither see the item nor record a problem.
    log_in(page, base, "filer2")
    response = page.goto(item_url)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("未找到")  # Not found
    screenshot("ledger-07-other-unit-filer-404")
    response = page.goto(f"{base}/ledger/problems/new")
    assert response is not None and response.status == 403
    expect(page.get_by_text("只有绩效股可以录入问题")).to_be_visible()
    page.goto(f"{base}/ledger")
    expect(figure(page, "items")).to_have_text("0")
    log_out(page)

    # The performance section chief signs it off (销号), after the confirm dialog.
    log_in(page, base, "chief")
    open_task(page, SIGN_OFF)
    expect(page.locator(".jx-card h2", has_text="台账事项 #")).to_contain_text(
        "已核验待销号")  # Ledger item #N, Verified
    decide(page, "sign_off", "同意销号。")
    screenshot("ledger-08-chief-sign-off")
    page.once("dialog", lambda dialog: dialog.accept())  # Submit this sign-off decision?
    submit_task(page, "提交", SIGN_OFF)
    log_out(page)

    # The filer's ledger: the item is signed off and the closure rate counts it.
    log_in(page, base, "filer")
    expect(page.locator("header [data-notifications]")).to_be_visible()  # the bell
    page.get_by_role("link", name="整改台账", exact=True).click()
    row = page.locator(f'tr[data-item="{item_url.rsplit("/", 1)[1]}"]')
    expect(row).to_contain_text("已销号")  # Signed off
    expect(row.locator("td").last).to_have_text("1")  # Returns
    expect(figure(page, "items")).to_have_text("1")
    expect(figure(page, "signed_off")).to_have_text("1")
    expect(figure(page, "closure_rate")).to_have_text("100.0%")
    expect(page.locator(".jx-ledger-summary")).to_contain_text("销号率")  # Closure rate
    screenshot("ledger-09-filer-ledger-signed-off")
    row.get_by_role("link").first.click()
    expect(kv(page, "状态")).to_have_text("已销号")
    expect(kv(page, "销号")).to_contain_text(NAMES["chief"])  # Sign-off: who, when, on time
    expect(kv(page, "销号")).to_contain_text("按期")
    expect(page.locator('form[action$="/evidence"]')).to_have_count(0)  # closed for uploads
    screenshot("ledger-10-filer-item-signed-off")
    assert page_problems == []
