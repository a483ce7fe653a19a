"""Checklist templates: the bundled ones, import from YAML/JSON/XLSX, versions that never change once used."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import yaml

from steward.domain.errors import TemplateImportError
from steward.domain.labels import Severity
from steward.resources import checklists_dir
from steward.services import templates, visits
from steward.services.template_files import read_template_file
from steward.storage import templates as template_store
from steward.storage.profile import Profile


def test_bundled_craft_checklist_is_complete() -> None:
    craft = read_template_file(checklists_dir() / "craft.yaml")
    assert len(craft.items) == 42  # every row of the domain checklist, A1 to J1
    assert [c[0] for c in craft.categories()] == list("ABCDEFGHIJ")
    codes = [i.code for i in craft.items]
    assert codes[:4] == ["A1", "A2", "A3", "A4"] and codes[-1] == "J1"
    for item in craft.items:
        assert item.text_zh and item.text_en and item.category_zh and item.category_en
    assert sum(i.severity == Severity.MAJOR for i in craft.items) == 8  # A1-A3, B1, B5, D6, D8, F1
    assert craft.deadline_days == {Severity.MAJOR: 60, Severity.SERIOUS: 30, Severity.GENERAL: 7}
    d1 = next(i for i in craft.items if i.code == "D1")
    assert "HW49 900-039-49" in d1.text_zh


@pytest.mark.parametrize("name", ["rubber-plastics.yaml", "machinery.yaml"])
def test_other_industries_ship_too(name: str) -> None:
    assert len(read_template_file(checklists_dir() / name).items) >= 10


def _doc(item_text: str = "喷漆在密闭喷漆房内") -> dict:
    return {
        "format": "steward-checklist/1",
        "code": "mini",
        "name": {"zh": "小检查表", "en": "Mini"},
        "deadline_days": {"major": 45, "一般": 3},
        "categories": [
            {
                "code": "B",
                "name": {"zh": "废气", "en": "Air"},
                "items": [{"code": "B1", "zh": item_text, "severity": "重大", "basis": "大气法"}],
            }
        ],
    }


def test_import_json_then_same_again_then_changed(profile: Profile, tmp_path: Path, enterprise: dict) -> None:
    path = tmp_path / "mini.json"
    path.write_text(json.dumps(_doc(), ensure_ascii=False), encoding="utf-8")
    first = templates.import_file(profile, path)
    assert first.created and first.template["version"] == 1
    assert first.template["deadline_major"] == 45 and first.template["deadline_general"] == 3
    again = templates.import_file(profile, path)
    assert not again.created and again.template["id"] == first.template["id"]

    visit = visits.start(profile, enterprise["id"], template_code="mini")
    path.write_text(json.dumps(_doc("喷漆在密闭喷漆房内进行"), ensure_ascii=False), encoding="utf-8")
    changed = templates.import_file(profile, path)
    assert changed.created and changed.template["version"] == 2
    # The version the visit used is as it was.
    assert visits.items(profile, visit["id"])[0]["text_zh"] == "喷漆在密闭喷漆房内"


def test_a_used_template_version_cannot_be_edited_even_by_sql(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"])
    with pytest.raises(sqlite3.IntegrityError, match="immutable"), profile.db.write() as conn:
        conn.execute("UPDATE template_items SET text_zh = 'x' WHERE template_id = ?", [visit["template_id"]])


def test_yaml_errors_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    doc = _doc()
    doc["categories"][0]["items"][0]["severity"] = "严重"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(TemplateImportError) as err:
        read_template_file(path)
    assert "categories[1].items[1].severity" in err.value.zh and "严重" in err.value.zh

    path.write_text("format: steward-checklist/1\ncode: [unclosed\n", encoding="utf-8")
    with pytest.raises(TemplateImportError, match=r"第[23]行"):
        read_template_file(path)


def test_unquoted_comma_splitting_text_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "split.yaml"
    path.write_text(
        "format: steward-checklist/1\ncode: x\nname: X\ncategories:\n  - code: B\n    name: 废气\n    items:\n"
        "      - {code: B1, severity: major, zh: 喷漆在密闭喷漆房内,无敞开/露天喷涂}\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateImportError, match="无法识别的字段“无敞开/露天喷涂”"):
        read_template_file(path)


def _workbook(path: Path, rows: list[list[str]], meta: list[list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "检查项"
    for row in rows:
        sheet.append(row)
    if meta:
        info = book.create_sheet("模板")
        for row in meta:
            info.append(row)
    book.save(path)
    return path


HEADER = ["编号", "类别", "类别英文", "检查项", "英文", "依据", "等级", "检查指引"]


def test_xlsx_import(profile: Profile, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "机械检查表.xlsx",
        [
            HEADER,
            ["M1", "机加工", "Machining", "废切削液专桶存放", "Cutting fluid in drums", "名录", "较重", ""],
            ["M2", "机加工", "Machining", "焊接烟尘收集", "Welding fume", "GB 16297", "一般", "看焊接工位"],
            [None] * 8,
            ["D1", "危废", "Hazardous waste", "电子转移联单", "Manifests", "固废法", "重大", ""],
        ],
        meta=[["模板编号", "machinery-x"], ["名称", "机械检查表(公司版)"], ["较重期限", "20"]],
    )
    outcome = templates.import_file(profile, path)
    t = outcome.template
    assert (t["code"], t["name_zh"], t["deadline_serious"], t["deadline_major"]) == (
        "machinery-x",
        "机械检查表(公司版)",
        20,
        60,
    )
    items = template_store.items(profile.db, t["id"])
    assert [(i["code"], i["category_code"], i["severity"]) for i in items] == [
        ("M1", "M", "serious"),
        ("M2", "M", "general"),
        ("D1", "D", "major"),
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEADER, ["M1", "机加工", "", "废切削液", "", "", "严重", ""]], "第2行 G列"),
        ([HEADER, ["M1", "机加工", "", "", "", "", "一般", ""]], "第2行 D列"),
        ([HEADER, ["M1", "a", "", "x", "", "", "一般", ""], ["M1", "a", "", "y", "", "", "一般", ""]], "第3行 A列"),
        ([["编号", "检查项"], ["M1", "x"]], "缺少列"),
    ],
)
def test_xlsx_errors_name_row_and_column(tmp_path: Path, rows: list, message: str) -> None:
    path = _workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(TemplateImportError) as err:
        read_template_file(path)
    assert message in err.value.zh
    assert err.value.en


def test_wrong_files_are_refused_clearly(tmp_path: Path) -> None:
    fake = tmp_path / "checklist.xlsx"
    fake.write_text("not a workbook")
    with pytest.raises(TemplateImportError, match="不是有效的 Excel"):
        read_template_file(fake)
    doc = tmp_path / "checklist.docx"
    doc.write_text("x")
    with pytest.raises(TemplateImportError, match="不支持的文件类型"):
        read_template_file(doc)
    with pytest.raises(TemplateImportError, match="找不到文件"):
        read_template_file(tmp_path / "missing.yaml")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("code: 检查".encode("gbk"))
    with pytest.raises(TemplateImportError, match="UTF-8"):
        read_template_file(gbk)


def test_bundled_checklists_are_read_only_when_they_changed(profile: Profile) -> None:
    assert templates.install_bundled(profile) == []  # the fixture installed them; the files are unchanged
    from steward.storage import settings as settings_store

    settings_store.put(profile.db, "bundled_checklists_sha256", "an older release")
    outcomes = templates.install_bundled(profile)
    assert len(outcomes) == 3 and not any(o.created for o in outcomes)  # same content: no new versions
