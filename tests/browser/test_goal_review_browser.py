"""A goal sheet through the three gates in headless Chromium, CSRF on, Chinese interface.

The filer declares and fills the sheet with the add-row button, the unit leader returns it with
a comment, the filer sees the return banner and resubmits, the three gates approve (gate 2 first
tries 中 + approve and is refused, R10), and the process ends completed with the sheet locked.
Screenshots go to test-artifacts/screenshots/. The interface strings below are the Simplified
Chinese catalog's; the English msgid is given alongside.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .live_server import PASSWORD, PROJECT, USERS

pytestmark = pytest.mark.browser

GATE1 = "单位负责人审核（一审）"  # Gate 1: unit sign-off
GATE2 = "支出股室审核（二审）"  # Gate 2: expenditure section review
GATE3 = "绩效股审核（三审）"  # Gate 3: performance section review
FILL = "申报绩效目标"  # Declare performance goals (the task, and the button on Projects)
RETURN_COMMENT = "请补充时效指标：写明项目完工时间。"

# level1, level2, level-3 name, operator, target value, unit of measure
INDICATORS = [
    ("output", "quantity", "改造学校数量", "ge", "12", "所"),
    ("output", "quality", "工程验收合格率", "ge", "100", "%"),
    ("benefit", "social", "受益学生人数", "ge", "8000", "人"),
]
TIMELINESS = ("output", "timeliness", "按期完工率", "ge", "100", "%")


def titled(task_label: str) -> str:
    """A task as the inbox and the task page name it ("%(task)s — %(subject)s")."""
    return f"{task_label}：{PROJECT}"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)  # Username
    page.get_by_label("密码").fill(PASSWORD)  # Password
    page.get_by_role("button", name="登录", exact=True).click()  # Log in
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".jx-user-name")).to_contain_text(USERS[username][1])


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()  # Log out
    expect(page).to_have_url(re.compile(r"/login$"))


def open_task(page: Page, task_label: str) -> None:
    """From the inbox, open the task of the project at this step."""
    row = page.get_by_role("row").filter(has_text=titled(task_label))
    expect(row).to_have_count(1)
    row.get_by_role("link", name="办理").click()  # Open
    expect(page.get_by_role("heading", level=1)).to_have_text(titled(task_label))


def fill_row(page: Page, index: int, row: tuple[str, ...]) -> None:
    level1, level2, name, operator, target, unit = row
    prefix = f"indicators-{index}-"
    page.locator(f'select[name="{prefix}level1"]').select_option(level1)
    page.locator(f'select[name="{prefix}level2"]').select_option(level2)
    page.locator(f'input[name="{prefix}name"]').fill(name)
    page.locator(f'select[name="{prefix}operator"]').select_option(operator)
    page.locator(f'input[name="{prefix}target_value"]').fill(target)
    page.locator(f'input[name="{prefix}unit_of_measure"]').fill(unit)


def add_row(page: Page, index: int, row: tuple[str, ...]) -> None:
    """Click the add-row button and fill the new row, which app.js numbers `index`."""
    page.get_by_role("button", name="添加指标").click()  # + Add an indicator
    expect(page.locator(f'select[name="indicators-{index}-level1"]')).to_have_count(1)
    fill_row(page, index, row)


def review(page: Page, decision: str, comment: str, rating: str | None = None) -> int:
    """Fill the review form (rating first, as app.js then may flip the decision) and submit it;
    the status of the POST."""
    if rating:
        page.get_by_label("评级").select_option(rating)  # Rating
    page.get_by_role("radio", name={"approve": "通过", "return": "退回修改"}[decision]).check()
    page.get_by_label("审核意见").fill(comment)  # Comments
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="提交审核意见").click()  # Submit the review
    return posted.value.status


def expect_done(page: Page, task_label: str) -> None:
    """Back in the inbox with the success message, the task gone from it."""
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(".jx-flash-success")).to_contain_text(f"“{task_label}”已办结")
    expect(page.get_by_role("row").filter(has_text=PROJECT)).to_have_count(0)


def test_goal_sheet_returned_then_approved_at_three_gates(live_server, page, screenshot,
                                                         page_problems):
    base = live_server

    # The filer declares the project's goals from the Projects page.
    log_in(page, base, "filer")
    assert page_problems == []  # styles and scripts load
    page.get_by_role("link", name="项目", exact=True).click()  # Projects
    project_row = page.get_by_role("row").filter(has_text=PROJECT)
    expect(project_row).to_contain_text("未申报")  # Not declared
    project_row.get_by_role("button", name=FILL).click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(titled(FILL))

    page.get_by_label("总体目标").fill("按期完成12所薄弱学校改造，改善办学条件。")  # Overall goal
    fill_row(page, 0, INDICATORS[0])
    for index, row in enumerate(INDICATORS[1:], start=1):
        add_row(page, index, row)
    expect(page.locator("table.jx-indicator-table > tbody > tr")).to_have_count(3)
    screenshot("01-filer-goal-sheet")
    page.get_by_role("button", name="提交单位负责人审核").click()  # Submit for the leader's
    expect_done(page, FILL)
    log_out(page)

    # Gate 1: the unit leader returns it with a comment.
    log_in(page, base, "leader")
    open_task(page, GATE1)
    expect(page.get_by_label("评级")).to_have_count(0)  # gate 1 does not rate
    expect(page.get_by_role("cell", name="受益学生人数")).to_be_visible()
    assert review(page, "return", RETURN_COMMENT) == 302
    expect_done(page, GATE1)
    log_out(page)

    # The filer finds it back in the inbox, with the return banner, and resubmits.
    log_in(page, base, "filer")
    expect(page.get_by_role("row").filter(has_text=titled(FILL))).to_have_count(1)
    expect(page.locator(".jx-badge").first).to_have_text("1")
    screenshot("02-filer-inbox-returned")
    open_task(page, FILL)
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("申报表已被退回修改")  # The sheet was returned for revision
    expect(banner).to_contain_text(RETURN_COMMENT)
    expect(banner).to_contain_text(USERS["leader"][1])
    expect(banner).to_contain_text(GATE1)
    expect(page.locator('input[name="indicators-2-name"]')).to_have_value("受益学生人数")
    screenshot("03-filer-task-returned-banner")
    add_row(page, 3, TIMELINESS)
    page.get_by_role("button", name="提交单位负责人审核").click()
    expect_done(page, FILL)
    log_out(page)

    # Gate 1 again: approved.
    log_in(page, base, "leader")
    open_task(page, GATE1)
    expect(page.get_by_role("cell", name="按期完工率")).to_be_visible()
    assert review(page, "approve", "同意。") == 302
    expect_done(page, GATE1)
    log_out(page)

    # Gate 2: the liaison cadre. 中 + approve is refused (R10); then 良 + approve.
    log_in(page, base, "cadre")
    open_task(page, GATE2)
    screenshot("04-cadre-task-review-form")
    page.get_by_label("评级").select_option("fair")
    expect(page.get_by_role("radio", name="退回修改")).to_be_checked()  # app.js steers to return
    expect(page.locator("[data-rating-hint]")).to_be_visible()
    assert review(page, "approve", "指标尚可。", rating="fair") == 422
    expect(page.locator(".jx-flash-error")).to_contain_text("请修改标出的内容")
    expect(page.locator("[data-review-form] .jx-field-error")).to_contain_text("R10")
    expect(page.get_by_label("评级")).to_have_value("fair")
    screenshot("05-cadre-fair-approve-refused")
    assert review(page, "approve", "指标完整，同意。", rating="good") == 302
    expect_done(page, GATE2)
    log_out(page)

    # Gate 3: the performance section (a claimable task) rates 优.
    log_in(page, base, "perf")
    screenshot("06-perf-inbox")
    open_task(page, GATE3)
    assert review(page, "approve", "同意。", rating="excellent") == 302
    expect_done(page, GATE3)
    log_out(page)

    # The filer's project: sheet approved and locked; the process completed.
    log_in(page, base, "filer")
    page.get_by_role("link", name="项目", exact=True).click()
    project_row = page.get_by_role("row").filter(has_text=PROJECT)
    expect(project_row.locator(".jx-status-approved")).to_have_text("审核通过")  # Approved
    expect(project_row.get_by_role("button", name=FILL)).to_have_count(0)
    project_row.get_by_role("link", name="查看流程").click()  # View the process
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    expect(page.locator(".jx-page-title .jx-status-completed")).to_have_text("已完成")
    expect(page.get_by_text("绩效目标已审核通过并锁定（R11）")).to_be_visible()
    timeline = page.locator(".jx-timeline").first
    expect(timeline.locator(".jx-timeline-item")).to_have_count(7)  # start, 2 fills, 4 gates
    expect(timeline).to_contain_text(RETURN_COMMENT)
    expect(page.locator(".jx-diagram-ready svg").first).to_be_visible()
    screenshot("07-filer-instance-completed")
    assert page_problems == []


def test_posts_without_the_csrf_token_are_refused(live_server, page):
    log_in(page, live_server, "filer")
    resp = page.request.post(f"{live_server}/logout")  # session cookie, but no token
    assert resp.status == 400
    page.reload()
    expect(page.locator(".jx-user-name")).to_contain_text(USERS["filer"][1])
