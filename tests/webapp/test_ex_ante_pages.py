"""Ex-ante pages: applying from the list, the task pages with their errors in place (money in
万元), the detail with the five dimensions, and the list's scope and summary."""

from __future__ import annotations

import re

import pytest

from models import ExAnteAssessment, db
from tests.cycle_data import APPLICATION, APPROVE, act, assess, new_project, ready
from workflows import ex_ante

pytestmark = pytest.mark.usefixtures("english")


def fill_form(**over) -> dict:
    form = {**APPLICATION["application"],
            **{f"self-{d}": v for d, v in APPLICATION["self_scores"].items()}}
    form.update(over)
    return form


def test_a_filer_applies_from_the_list_and_fills_the_application(bureau, as_user, get, post):
    project = new_project(amount=2_000_000)
    db.commit()
    as_user("filer1")
    page = get("/ex-ante")
    assert "Projects of your unit that need an assessment" in page and project.name in page
    resp = post(f"/projects/{project.id}/ex-ante", {})
    task_url = resp.headers["Location"]
    page = get(task_url)
    assert 'data-form="jixiao:ex_ante_fill"' in page and "200.00" in page  # 万元
    resp = post(task_url, fill_form(basis="", **{"self-economy": "25"}), status=422)
    assert 'data-field="application.basis"' in resp.text and "has-error" in resp.text
    assert "a score between 0 and 20" in resp.text
    post(task_url, fill_form())
    assessment = db.query(ExAnteAssessment).one()
    assert assessment.status == "submitted"


def test_the_other_units_filer_cannot_reach_it(bureau, as_user, get, post):
    project = new_project()
    assessment = ex_ante.start_assessment(project, bureau.filer1)
    db.commit()
    as_user("filer2")
    get(f"/ex-ante/{assessment.id}", status=404)
    get(f"/tasks/{ready(assessment).id}", status=404)
    post(f"/projects/{project.id}/ex-ante", {}, status=404)
    assert "data-assessment" not in get("/ex-ante")


def test_scoring_form_takes_the_recommended_amount_in_wan(bureau, as_user, get, post):
    from tests.cycle_data import to_mode
    project = new_project(amount=900_000)
    assessment = to_mode(bureau, project)
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "finance"})
    db.commit()
    as_user("perf")
    url = f"/tasks/{ready(assessment).id}"
    form = {f"score-{d}": "14" for d in ("necessity", "economy", "goal_rationality",
                                         "feasibility", "funding_compliance")}
    resp = post(url, {**form, "opinion": "需压减"}, status=422)
    assert 'data-field="recommended_amount"' in resp.text
    post(url, {**form, "opinion": "需压减", "recommended_wan": "75"})
    assessment = db.get(ExAnteAssessment, assessment.id)
    assert assessment.recommended_amount == 750_000
    assert assessment.conclusion == "support_with_revision"


def test_detail_shows_both_scores_the_conclusion_and_the_cut(bureau, as_user, get):
    assessment = assess(bureau, new_project(amount=6_000_000), (14, 14, 14, 14, 14),
                        recommended="4500000")
    db.commit()
    as_user("leader1")
    page = get(f"/ex-ante/{assessment.id}")
    assert 'data-conclusion="support_with_revision"' in page
    assert "450.00" in page and "cut by 150.00" in page
    assert re.search(r'data-total>70</th>', page)
    assert "Necessity of the project" in page
    assert 'data-action="score.submit"' in page and "scored the assessment" in page
    assert "data-open-tasks" in page  # the approval waits


def test_mode_form_lists_eligible_firms(bureau, as_user, get, make_user):
    from tests.cycle_data import to_mode
    from tests.firm_data import make_registry
    make_registry(bureau, make_user)
    assessment = to_mode(bureau, new_project())
    db.commit()
    as_user("perf")
    page = get(f"/tasks/{ready(assessment).id}")
    assert "data-engagement" in page and 'name="firm_id"' in page and "lead_a" in page


def test_list_summary_and_filters(bureau, as_user, get):
    assess(bureau, new_project("甲项目", amount=800_000), (10, 10, 10, 10, 10))
    assess(bureau, new_project("乙项目", amount=900_000), (18, 18, 18, 18, 18))
    db.commit()
    as_user("perf")
    page = get("/ex-ante")
    assert 'data-figure="total">2<' in page and 'data-figure="not_support">1<' in page
    assert 'data-figure="reduction">80.00<' in page
    filtered = get("/ex-ante?conclusion=not_support")
    assert "甲项目" in filtered and "乙项目" not in filtered
    get("/ex-ante?status=bogus", status=422)


def test_chinese_labels(bureau, client, as_user, get):
    assess(bureau, new_project(amount=800_000), (10, 10, 10, 10, 10))
    db.commit()
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    as_user("perf")
    page = get("/ex-ante")
    assert "事前绩效评估" in page and "不予支持" in page


def test_approve_step_for_the_leader(bureau, as_user, get, post):
    from tests.cycle_data import scores, to_mode
    assessment = to_mode(bureau, new_project(amount=5_000_000))
    act(assessment, "ex_ante_choose_mode", bureau.perf, {"mode": "finance"})
    act(assessment, "ex_ante_score", bureau.perf, {"dimension_scores": scores(18, 18, 18, 18, 18),
                                                   "opinion": "同意"})
    db.commit()
    url = f"/tasks/{ready(assessment).id}"
    as_user("perfchief")
    assert "your roles do not let you act" in get(url).lower() or "data-form" not in get(url)
    as_user("leader")
    post(url, APPROVE)
    assert db.get(ExAnteAssessment, assessment.id).status == "arrangeable"


def test_the_engaged_firms_lead_opens_and_scores_from_the_inbox(bureau, as_user, get, post,
                                                                make_user):
    from tests.cycle_data import to_mode
    from tests.firm_data import make_registry, user
    make_registry(bureau, make_user)
    assessment = to_mode(bureau, new_project(amount=2_000_000))
    act(assessment, "ex_ante_choose_mode", bureau.perf, {
        "mode": "third_party", "firm_id": user("lead_a").firm_id, "coi_signed": True,
        "lead_evaluator_user_id": user("lead_a").id, "procurement_method": "inquiry",
        "contract_amount": "50000", "contract_date": "2027-03-01"})
    db.commit()
    url = f"/tasks/{ready(assessment).id}"
    as_user("eva_b")  # the other firm's evaluator
    get(url, status=404)
    as_user("lead_a")
    assert f'href="{url}"' in get("/inbox")
    page = get(url)
    assert 'name="score-necessity"' in page
    post(url, {**{f"score-{d}": "17" for d in ("necessity", "economy", "goal_rationality",
                                               "feasibility", "funding_compliance")},
               "opinion": "第三方评估：予以支持"})
    assessment = db.get(ExAnteAssessment, assessment.id)
    assert assessment.scores["necessity"] == "17" and ready(assessment).task_key == \
        "ex_ante_chief_approve"
