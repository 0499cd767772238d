"""The rule settings page: administrators only, defaults shown, errors beside their fields."""

from __future__ import annotations

import pytest

from workflows.rule_settings import rule_settings

pytestmark = pytest.mark.usefixtures("english")


def test_the_page_shows_every_group_and_saves(bureau, as_user, get, post, client):
    as_user("admin")
    page = get("/admin/settings")
    for group in ("ex_ante", "goals", "monitoring", "results"):
        assert f'data-group="{group}"' in page
    assert 'name="ex_ante_threshold"' in page and 'value="500000"' in page
    assert "Default: 500000 yuan" in page
    form = {**{k: str(v) for k, v in rule_settings().items()}, "gap_threshold_pp": "15"}
    post("/admin/settings", form)
    assert rule_settings()["gap_threshold_pp"] == 15
    resp = client.post("/admin/settings", data={**form, "poor_cut_pct": "120"})
    assert resp.status_code == 422
    assert 'data-field="poor_cut_pct"' in resp.text and "must be between 0 and 100" in resp.text
    assert 'value="120"' in resp.text  # what was typed is shown again
    assert rule_settings()["poor_cut_pct"] == 20


def test_other_users_are_refused(bureau, as_user, get):
    as_user("perfchief")
    get("/admin/settings", 403)
