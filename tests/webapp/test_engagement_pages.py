"""Engagement pages: drafting one (field errors, R20 and R19 refusals), the declaration,
activation, closing, the chief's quality score, and what firm staff may read (R18)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Engagement, FirmQualityScore, KeyEvaluation, ThirdPartyFirm, db
from tests.firm_data import (
    GOOD,
    POOR,
    engage,
    engagements,
    firm_reads,
    key_eval,
    make_registry,
    score,
    user,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def reg(bureau, make_user):
    """Firms A and B with their staff, committed."""
    return make_registry(bureau, make_user)


def form(reg, **over) -> dict:
    """A good engagement form: 18 万元, a key evaluation of unit U1, lead and one member."""
    data = {"commissioning_party": "finance_bureau", "procurement_method": "open_tender",
            "contract_amount_wan": "18", "contract_date": "2028-03-01",
            "start_date": "2028-03-15", "end_date": "2028-09-30",
            "lead_evaluator_user_id": str(user("lead_a").id),
            "team_user_ids": [str(user("member_a").id)],
            "scope-0-kind": "key_evaluation", "scope-0-id": "7", "scope-0-unit_id": str(reg.u1)}
    return {**data, **over}


def set_firm(firm_id: int, **facts) -> None:
    firm = db.get(ThirdPartyFirm, firm_id)
    for key, value in facts.items():
        setattr(firm, key, value)
    db.commit()


# ---------------------------------------------------------------- drafting an engagement

def test_the_form_offers_the_firms_staff_and_the_allowed_kinds_only(reg, as_user, get):
    as_user("perf")
    html = get(f"/firms/{reg.a}/engagements/new")
    for name in ("lead_a", "member_a", "outsider_a"):
        assert f'value="{user(name).id}"' in html
    assert f'value="{user("eva_b").id}"' not in html  # another firm's evaluator
    assert 'value="key_evaluation"' in html and 'value="ex_ante"' in html
    assert 'value="self_evaluation"' not in html  # R21: never offered
    assert "data-ineligible" not in html


def test_perf_drafts_an_engagement_in_wan(reg, as_user, get, post):
    as_user("perf")
    resp = post(f"/firms/{reg.a}/engagements/new", form(reg))
    engagement = db.scalars(select(Engagement)).one()
    assert resp.headers["Location"].endswith(f"/engagements/{engagement.id}")
    assert (engagement.status, engagement.contract_amount) == ("draft", Decimal("180000.00"))
    assert engagement.lead_evaluator_user_id == user("lead_a").id
    assert engagement.team_user_ids == [user("member_a").id]
    assert engagement.scope == [{"kind": "key_evaluation", "id": 7, "unit_id": reg.u1}]
    html = get(f"/engagements/{engagement.id}")
    assert "has been drafted" in html and 'data-engagement-status="draft"' in html
    assert "18.00 (10,000 yuan)" in html and 'data-declaration="missing"' in html
    assert "区教育局" in html and 'data-scope="key_evaluation:7"' in html


def test_bad_input_names_each_field_and_saves_nothing(reg, as_user, post):
    as_user("perf")
    bad = form(reg, procurement_method="", contract_amount_wan="abc", contract_date="2028-13-01",
               start_date="2028-09-30", end_date="2028-03-01",
               lead_evaluator_user_id=str(user("eva_b").id), **{
                   "scope-0-kind": "self_evaluation",
                   "scope-1-kind": "ex_ante", "scope-1-id": "", "scope-1-unit_id": str(reg.u2)})
    html = post(f"/firms/{reg.a}/engagements/new", bad, status=422).text
    for field in ("procurement_method", "contract_amount_wan", "contract_date", "end_date",
                  "lead_evaluator_user_id", "scope-0", "scope-1"):
        assert f'id="f-{field}-error"' in html, field
    assert "self-evaluation may never be given to a third party (R21)" in html
    assert "Enter the amount in 10,000 yuan" in html
    assert 'value="abc"' in html  # the form keeps what was typed
    assert engagements() == 0


def test_an_empty_scope_is_named(reg, as_user, post):
    as_user("perf")
    html = post(f"/firms/{reg.a}/engagements/new", form(reg, **{"scope-0-kind": "",
                "scope-0-id": "", "scope-0-unit_id": ""}), status=422).text
    assert 'id="f-scope-error"' in html and "list at least one object" in html
    assert engagements() == 0


def test_an_r20_refusal_is_shown_and_nothing_is_saved(reg, as_user, post):
    advice = engage(reg.a, [{"kind": "ex_ante", "id": 3, "unit_id": reg.u1}])
    as_user("perf")
    html = post(f"/firms/{reg.a}/engagements/new", form(reg), status=409).text
    assert "data-refusal" in html and "not independent of this unit" in html
    assert f"engagement {advice}" in html and "(R20)" in html
    assert 'value="18"' in html  # the form keeps what was typed
    assert engagements() == 1
    # another unit is fine
    post(f"/firms/{reg.a}/engagements/new", form(reg, **{"scope-0-unit_id": str(reg.u2)}))
    assert engagements() == 2


def test_an_ineligible_firm_is_flagged_and_refused(reg, as_user, get, post):
    set_firm(reg.a, major_violation_last_3y=True)
    as_user("perf")
    html = get(f"/firms/{reg.a}/engagements/new")
    assert "data-ineligible" in html and "major violation" in html
    html = post(f"/firms/{reg.a}/engagements/new", form(reg), status=409).text
    assert "data-refusal" in html and "the firm had a major violation" in html
    assert engagements() == 0


@pytest.mark.parametrize("who, status", [("leader", 403), ("lead_a", 403), ("eva_b", 404),
                                         ("filer1", 404), ("admin", 404)])
def test_only_the_performance_section_drafts_engagements(reg, as_user, get, post, who, status):
    as_user(who)
    get(f"/firms/{reg.a}/engagements/new", status=status)
    post(f"/firms/{reg.a}/engagements/new", form(reg), status=status)
    assert engagements() == 0


# ---------------------------------------------------------------- declaration, start, close

def test_the_declaration_comes_before_the_start(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1), state="draft")
    as_user("perf")
    html = post(f"/engagements/{eid}/activate", {}, status=409).text
    assert "data-refusal" in html and "declaration has not been signed (R19)" in html
    assert db.get(Engagement, eid).status == "draft"
    post(f"/engagements/{eid}/declaration", {})
    html = get(f"/engagements/{eid}")
    assert 'data-declaration="signed"' in html and "data-record-declaration" not in html
    post(f"/engagements/{eid}/activate", {})
    html = get(f"/engagements/{eid}")
    assert "is under way" in html and 'data-engagement-status="active"' in html
    assert "data-close" in html and "data-activate" not in html


@pytest.mark.parametrize("facts, reasons", [
    ({"status": "suspended"}, ["the firm is suspended and may not be engaged (R22)"]),
    ({"major_violation_last_3y": True}, ["the firm had a major violation"]),
    ({"status": "blacklisted", "major_violation_last_3y": True},
     ["the firm is blacklisted", "the firm had a major violation"]),
])
def test_an_ineligible_firm_is_refused_on_activation(reg, as_user, get, post, facts, reasons):
    eid = engage(reg.a, key_eval(reg.u1), state="declared")
    set_firm(reg.a, **facts)
    as_user("perf")
    assert "data-ineligible" in get(f"/engagements/{eid}")  # said before anyone tries
    html = post(f"/engagements/{eid}/activate", {}, status=409).text
    assert "data-refusal" in html and reasons[0] in html
    assert html.count("data-refusal-problem") == len(reasons)  # every R19 problem listed
    assert db.get(Engagement, eid).status == "draft"


def test_perf_closes_an_engagement(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1))
    as_user("perf")
    post(f"/engagements/{eid}/close", {})
    engagement = db.get(Engagement, eid)
    assert engagement.status == "closed" and engagement.closed_at is not None
    html = get(f"/engagements/{eid}")
    assert "has been closed" in html and "data-close" not in html
    set_firm(reg.a, status="suspended")
    html = post(f"/engagements/{eid}/close", {}, status=409).text
    assert "only an engagement under way can be closed" in html
    assert "data-refusal-problem" not in html  # eligibility is activation's business


@pytest.mark.parametrize("who, status", [("leader", 403), ("member_a", 403),
                                         ("outsider_a", 404), ("filer1", 404)])
def test_only_the_performance_section_acts_on_an_engagement(reg, as_user, get, post, who,
                                                            status):
    eid = engage(reg.a, key_eval(reg.u1), team=("member_a",))
    as_user(who)
    post(f"/engagements/{eid}/close", {}, status=status)
    assert db.get(Engagement, eid).status == "active"
    if status == 403:
        assert "data-engagement-actions" not in get(f"/engagements/{eid}")


# ---------------------------------------------------------------- the quality score (R22)

def test_the_chief_scores_a_closed_engagement(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1), state="closed")
    as_user("perf")
    html = get(f"/engagements/{eid}")
    assert "data-quality-form" not in html and "data-awaiting-score" in html
    post(f"/engagements/{eid}/quality", GOOD, status=403)
    as_user("perfchief")
    assert "data-quality-form" in get(f"/engagements/{eid}")
    html = post(f"/engagements/{eid}/quality", {**GOOD, "timeliness": "101",
                                                 "report_quality": ""}, status=422).text
    assert 'id="f-timeliness-error"' in html and 'id="f-report_quality-error"' in html
    assert 'id="f-plan_quality-error"' not in html
    assert db.scalar(select(FirmQualityScore.id)) is None
    post(f"/engagements/{eid}/quality", {**GOOD, "remarks": "按期交付"})
    row = db.scalars(select(FirmQualityScore)).one()
    assert (row.total, row.grade, row.scorer_id) == (Decimal("85.00"), "good",
                                                     user("perfchief").id)
    html = get(f"/engagements/{eid}")
    assert "has been recorded" in html and 'data-grade="good"' in html
    assert "按期交付" in html and "data-quality-form" not in html
    assert db.get(ThirdPartyFirm, reg.a).avg_quality_score == Decimal("85.00")
    html = post(f"/engagements/{eid}/quality", GOOD, status=409).text
    assert "already been scored" in html


def test_a_poor_score_warns_the_firm(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1), state="closed")
    as_user("perfchief")
    post(f"/engagements/{eid}/quality", POOR)
    assert db.get(ThirdPartyFirm, reg.a).status == "warned"
    assert "By R22 the firm is now: Warned." in get(f"/engagements/{eid}")


def test_an_engagement_under_way_is_not_scored(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1))
    as_user("perfchief")
    assert "data-quality-form" not in get(f"/engagements/{eid}")
    html = post(f"/engagements/{eid}/quality", GOOD, status=409).text
    assert "scored once the engagement is delivered" in html


def test_an_open_key_evaluation_scores_its_engagement_itself(reg, as_user, get, post):
    eid = engage(reg.a, key_eval(reg.u1), state="closed")
    db.add(KeyEvaluation(bureau_id=db.get(Engagement, eid).bureau_id, fiscal_year_evaluated=2027,
                         object_type="project", unit_id=reg.u1, title="薄弱环节改善重点评价",
                         selection_reason="large_amount", engagement_id=eid,
                         status="results_issued"))
    db.commit()
    as_user("perfchief")
    html = get(f"/engagements/{eid}")
    assert "data-scored-in-process" in html and "data-quality-form" not in html
    post(f"/engagements/{eid}/quality", GOOD, status=409)
    assert db.scalar(select(FirmQualityScore.id)) is None


# ---------------------------------------------------------------- who reads an engagement

def test_the_leader_reads_everything_but_acts_on_nothing(reg, as_user, get):
    eid = engage(reg.a, key_eval(reg.u1), state="closed")
    score(eid, GOOD, remarks="REMARK-SEEN")
    as_user("leader")
    html = get(f"/engagements/{eid}")
    assert 'data-grade="good"' in html and "REMARK-SEEN" in html
    assert "data-engagement-actions" not in html and "data-quality-form" not in html


@pytest.mark.parametrize("who", ["lead_a", "member_a"])
def test_the_team_reads_its_engagement_but_never_the_score(reg, as_user, get, who):
    eid = engage(reg.a, key_eval(reg.u1), team=("member_a",), state="closed")
    score(eid, GOOD, remarks="REMARK-HIDDEN")
    as_user(who)
    html = get(f"/engagements/{eid}")  # closed today: the read-only grace period (R18)
    assert "区教育局" in html and 'data-engagement-status="closed"' in html
    for hidden in ("data-quality", "REMARK-HIDDEN", "85.00", "data-engagement-actions",
                   "data-firm-status"):
        assert hidden not in html, hidden
    rows = firm_reads(who)
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in rows] == [
        ("engagement", str(eid), True)]


@pytest.mark.parametrize("who, state", [("outsider_a", "active"), ("eva_b", "active"),
                                        ("member_a", "draft")])
def test_firm_staff_off_the_engagement_get_a_404_and_the_probe_is_logged(reg, as_user, get,
                                                                        who, state):
    eid = engage(reg.a, key_eval(reg.u1), team=("member_a",), state=state)
    as_user(who)
    get(f"/engagements/{eid}", status=404)
    rows = firm_reads(who)
    assert [(r.entity, r.entity_id, r.after["allowed"]) for r in rows] == [
        ("engagement", str(eid), False)]


@pytest.mark.parametrize("who", ["filer1", "admin", "cadre1"])
def test_others_get_a_404_for_an_engagement(reg, as_user, get, who):
    eid = engage(reg.a, key_eval(reg.u1))
    as_user(who)
    get(f"/engagements/{eid}", status=404)


def test_the_pages_render_in_chinese(reg, client, as_user, get):
    eid = engage(reg.a, key_eval(reg.u1), state="closed")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    as_user("perfchief")
    assert "18.00 万元" in get(f"/engagements/{eid}")
    assert "区教育局" in get(f"/firms/{reg.a}")
    assert 'lang="zh-CN"' in get(f"/firms/{reg.a}/engagements/new")
