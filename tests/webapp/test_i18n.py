"""Simplified Chinese by default, English on request, and a complete zh_CN catalog."""

from __future__ import annotations

import re

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from tests.conftest import ready_task
from tests.webapp.conftest import ROOT, read_catalog
from workflows.goal_review import start_goal_declaration


def test_default_language_is_simplified_chinese(client, bureau, login):
    page = client.get("/login").text
    assert '<html lang="zh-CN">' in page and "登录" in page
    login("filer1")
    page = client.get("/inbox").text
    assert "收件箱" in page and "全部待办" in page and "Inbox" not in page


def test_switching_to_english_and_back(client, bureau, login):
    login("filer1")
    resp = client.post("/lang/en", data={"next": "/projects?q=x"})
    assert resp.headers["Location"] == "/projects?q=x"
    page = client.get("/inbox").text
    assert '<html lang="en">' in page and "Inbox" in page and "收件箱" not in page
    client.post("/lang/zh_CN", data={"next": "/inbox"})
    assert "收件箱" in client.get("/inbox").text


def test_browser_language_is_honoured(client, bureau):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert "Log in" in page and "登录" not in page


def test_task_names_and_codes_are_shown_in_chinese(client, bureau, login):
    instance = start_goal_declaration(bureau.projects["p1"], bureau.filer1)
    login("filer1")
    assert "申报绩效目标：义务教育薄弱环节改善" in client.get("/inbox").text
    page = client.get(f"/tasks/{ready_task(instance.id).id}").text
    for text in ("绩效目标申报表", "总体目标", "一级指标", "二级指标", "三级指标", "指标值",
                 "计量单位", "权重", "产出", "效益", "满意度", "数量", "时效", "区间", "定性",
                 "草稿", "320.00 万元"):
        assert text in page, text


def test_catalog_is_complete_and_matches_the_sources():
    catalog = read_catalog()
    # a plural entry's id is (singular, plural); the extractor reports the singular
    translated = {m.id if isinstance(m.id, str) else m.id[0]
                  for m in catalog if m.id and m.string and not m.fuzzy}
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None,
                "ngettext": (1, 2), "Msg": None}
    used = {msg[2] for msg in extract_from_dir(str(ROOT), method_map, options_map,
                                               keywords=keywords)}
    used = {m if isinstance(m, str) else m[0] for m in used}
    assert used - translated == set()
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_template_translations_survive_jinja_formatting():
    """Jinja's newstyle gettext formats every string, with or without variables: a lone "%"
    in a translation used by a template must be written "%%"."""
    catalog = read_catalog()
    broken = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple) or not message.string:
            continue
        if not any(path.endswith(".html") for path, _line in message.locations):
            continue
        names = {name: "x" for name in re.findall(r"%\((\w+)\)s", message.id)}
        try:
            message.string % names
        except (ValueError, TypeError, KeyError):
            broken.append(message.id)
    assert broken == []
