"""The administrators' modeler in headless Chromium (Chinese interface).

Every file of the BPMN MIWG conformance corpus imports without a console error; an administrator
opens a process, changes a candidate group and a form field in the properties panel, is refused
on an unknown role (marked on the element), saves, and sees version 2 listed and compared; a
filer's instance page draws the path taken. Screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .test_goal_review_browser import FILL, log_in, log_out

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bpmn-miwg"  # CC BY 3.0, see README
MODELER = "[data-bpmn-modeler]"


def console_errors(page: Page) -> list[str]:
    """Console errors of the page, except Chromium's own line for an HTTP error status (a 422
    answer is how a refused save arrives; the favicon is not served)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
            and not msg.text.startswith("Failed to load resource") else None)
    return errors


def element(page: Page, element_id: str):
    return page.locator(f'{MODELER} .djs-element[data-element-id="{element_id}"]').first


def test_every_corpus_file_imports_into_the_modeler(live_server, page, page_problems, screenshot):
    errors = console_errors(page)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/processes/new")
    modeler = page.locator(MODELER)
    expect(modeler).to_have_attribute("data-import-state", "done")
    files = sorted(CORPUS.glob("*.bpmn"))
    assert len(files) == 21
    results = {}
    for path in files:
        page.evaluate("document.querySelector('[data-bpmn-modeler]')"
                      ".setAttribute('data-import-state', 'pending')")
        page.locator("[data-modeler-open]").set_input_files(str(path))
        expect(modeler).to_have_attribute("data-import-state", re.compile("^(done|failed)$"),
                                          timeout=20_000)
        results[path.name] = modeler.get_attribute("data-import-state")
        expect(page.locator("[data-modeler-status]")).not_to_be_empty()
        if path.name == "C.4.0.bpmn":
            screenshot("modeler-corpus-C.4.0")
    assert results == {path.name: "done" for path in files}
    assert page.locator(f"{MODELER} .djs-element").count() > 10  # the last file is drawn
    assert errors == [] and page_problems == []


def test_edit_a_process_in_the_panel_and_deploy_version_2(live_server, page, page_problems,
                                                          screenshot):
    errors = console_errors(page)
    log_in(page, live_server, "admin")
    page.get_by_role("link", name="流程管理").click()  # Processes
    page.locator('section[data-process="tiny_form_ok"] [data-edit]').click()
    modeler = page.locator(MODELER)
    expect(modeler).to_have_attribute("data-import-state", "done")
    element(page, "review").click()

    groups = page.locator("#bio-properties-panel-candidateGroups")
    expect(groups).to_have_value("perf_staff")
    groups.fill("wizard")  # not a role code: flagged while editing...
    expect(element(page, "review")).to_have_class(re.compile(r"\bjx-warning\b"))
    expect(page.locator(".djs-overlays")).to_contain_text("未知角色：wizard")
    page.get_by_role("button", name="校验并部署").click()  # Check and deploy
    # ...and refused by the server, marked on the element
    expect(modeler).to_have_attribute("data-save-state", "invalid")
    expect(element(page, "review")).to_have_class(re.compile(r"\bjx-invalid\b"))
    expect(page.locator("[data-modeler-problems]")).to_contain_text("未知角色“wizard”")
    expect(page.locator("[data-modeler-status]")).to_contain_text("未部署")
    screenshot("modeler-refused-unknown-role")

    groups.fill("perf_chief")
    expect(element(page, "review")).not_to_have_class(re.compile(r"\bjx-warning\b"))
    label = page.locator("#bio-properties-panel-review-formField-0-formFieldLabel")
    if not label.is_visible():
        page.locator('[data-group-id="group-CamundaPlatform__FormData"] .bio-properties-panel'
                     '-group-header').click()
        page.locator(".bio-properties-panel-collapsible-entry-header").filter(
            has_text="Amount").first.click()
    label.fill("金额（元）")
    page.get_by_role("button", name="校验并部署").click()
    expect(modeler).to_have_attribute("data-save-state", "saved")
    expect(modeler).to_have_attribute("data-saved-version", "2")
    expect(page.locator("[data-modeler-status]")).to_contain_text("已部署第 2 版")
    expect(page.locator(f"{MODELER} .jx-invalid")).to_have_count(0)
    screenshot("modeler-saved-version-2")

    page.goto(f"{live_server}/admin/processes")
    section = page.locator('section[data-process="tiny_form_ok"]')
    expect(section.locator('tr[data-version="2"] [data-active]')).to_be_visible()
    expect(section.locator('tr[data-version="2"]')).to_contain_text("在线编辑")  # in the browser
    section.locator("[data-compare]").click()
    changes = page.locator("[data-changes]")
    expect(changes).to_contain_text("candidateGroups: perf_staff → perf_chief")
    expect(page.locator('[data-change="changed"][data-element="review"]')).to_have_count(1)
    expect(page.locator('[data-compare="new"] .djs-element.jx-changed')).not_to_have_count(0)
    expect(page.locator("[data-xml-diff]")).to_contain_text("金额（元）")
    screenshot("process-compare-v1-v2")
    assert errors == [] and page_problems == []


def test_the_instance_page_highlights_the_path_taken(live_server, page, page_problems):
    errors = console_errors(page)
    log_in(page, live_server, "filer")
    page.get_by_role("link", name="项目", exact=True).click()  # Projects
    page.get_by_role("row").filter(has_text="义务教育").get_by_role("button", name=FILL).click()
    expect(page).to_have_url(re.compile(r"/tasks/\d+$"))
    page.get_by_role("link", name="查看流程").click()  # View the process
    expect(page).to_have_url(re.compile(r"/instances/\d+$"))
    diagram = page.locator("[data-bpmn-diagram]")
    expect(diagram.locator('.djs-element.jx-completed[data-element-id="start_declaration"]')) \
        .to_have_count(1)
    expect(diagram.locator('.djs-element.jx-active[data-element-id="fill_sheet"]')) \
        .to_have_count(1)
    expect(diagram.locator('.djs-element.jx-path[data-element-id="flow_start"]')).to_have_count(1)
    expect(diagram.locator('.djs-element.jx-completed[data-element-id="gate1_unit_review"]')) \
        .to_have_count(0)
    expect(page.get_by_role("cell", name=USERS_FILER)).not_to_have_count(0)  # holder of the task
    log_out(page)
    assert errors == [] and page_problems == []


USERS_FILER = "张填报"


def test_a_decision_table_is_tried_in_the_browser(live_server, page, page_problems):
    errors = console_errors(page)
    log_in(page, live_server, "admin")
    page.goto(f"{live_server}/admin/processes")
    page.locator('section[data-process="dmn:grade"] [data-edit]').click()
    editor = page.locator("[data-dmn-modeler]")
    expect(editor).to_have_attribute("data-import-state", "done")
    trial = page.locator("[data-dmn-test]")
    trial.locator('input[name="score"]').fill("89.99")
    trial.get_by_role("button").first.click()
    expect(trial).to_have_attribute("data-test-state", "matched")
    expect(trial).to_contain_text("good")
    expect(page.locator('[data-row-id="rule_good"].jx-matched-row').first).to_be_visible()
    score = trial.locator('input[name="score"]')
    score.fill("100.5")  # outside every band: no grade (R1)
    expect(score).to_have_value("100.5")
    trial.get_by_role("button").first.click()
    expect(trial).to_have_attribute("data-test-state", "failed")
    save = page.get_by_role("button", name="校验并部署")
    save.click()  # the editor's own formatting...
    expect(editor).to_have_attribute("data-saved-version", "2")
    expect(editor).to_have_attribute("data-save-state", "saved")
    expect(save).to_be_enabled()
    save.click()  # ...then nothing new
    expect(page.locator("[data-modeler-status]")).to_contain_text("内容未变化")  # unchanged
    assert errors == [] and page_problems == []
