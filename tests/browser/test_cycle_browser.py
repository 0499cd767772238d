"""The performance cycle in headless Chromium, in Chinese, on the small demo bureau: the bureau
leader's dashboard draws every chart from the bundled ECharts (no console or asset errors),
drills from the sections to a section's units, and hands out a chart's figures as .xlsx; the
performance section's monitoring round and result-application pages show their figures."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser
DEMO_PASSWORD = "jixiao-demo"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)  # Username
    page.get_by_label("密码").fill(DEMO_PASSWORD)  # Password
    page.get_by_role("button", name="登录", exact=True).click()  # Log in
    expect(page).to_have_url(re.compile(r"/inbox$"))


def test_the_leaders_dashboard_draws_drills_and_exports(demo_server, page, screenshot,
                                                        page_problems):
    log_in(page, demo_server, "leader")
    page.get_by_role("link", name="驾驶舱").click()  # Dashboard
    expect(page.get_by_role("heading", level=1)).to_contain_text("绩效管理驾驶舱")
    charts = page.locator("figure[data-chart]")
    expect(charts.first).to_have_attribute("data-chart-state", re.compile("ready|empty"))
    count = charts.count()
    assert count >= 12
    for i in range(count):
        expect(charts.nth(i)).to_have_attribute("data-chart-state", re.compile("ready|empty"))
    assert page.locator("figure[data-chart-state=ready] svg").count() >= 10
    screenshot("dashboard")
    with page.expect_download() as download:
        page.locator("[data-export=goal_coverage]").click()
    assert download.value.suggested_filename.startswith("goal_coverage-")
    figure = page.locator("#chart-goal_coverage")
    figure.get_by_role("button", name="查看数据表").click()  # Show data table
    figure.locator(".jx-chart-table").get_by_role("link").first.click()  # a section
    expect(page).to_have_url(re.compile(r"/dashboard\?year=\d+&section=\d+"))
    expect(page.locator("nav.jx-breadcrumbs")).to_have_attribute("data-level", "unit")
    assert page_problems == []


def test_monitoring_and_result_pages_show_their_figures(demo_server, page, page_problems):
    log_in(page, demo_server, "perf01")
    page.get_by_role("link", name="绩效监控").click()  # Monitoring
    expect(page.get_by_role("heading", level=1)).to_have_text("绩效运行双监控")
    expect(page.locator("[data-figure=submitted]")).to_contain_text("/")
    expect(page.locator("[data-fund-actions]")).to_be_visible()
    page.get_by_role("link", name="结果应用").first.click()  # Results
    expect(page.get_by_role("heading", level=1)).to_have_text("结果应用")
    expect(page.locator("tr[data-application]").first).to_be_visible()
    assert page_problems == []
