"""Checklist templates: the bundled ones, import from YAML/JSON/XLSX, versions that never change once used."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import yaml

from steward.domain.errors import TemplateImportError
from steward.domain.labels import Severity
from steward.domain.templates import template_from_dict
from steward.resources import checklists_dir
from steward.services import enterprises, templates, visits
from steward.services.template_files import read_template_file
from steward.storage import templates as template_store
from steward.storage.profile import Profile
from tests.conftest import make_code


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


BUNDLED = ["craft.yaml", "rubber-plastics.yaml", "machinery.yaml"]
# A law, regulation or ministry order is cited at its article (第…条, and 第…款 where the article has several
# paragraphs), never as a whole: a notice that says "《…法》" tells the enterprise nothing it can look up.
_LAW = re.compile(r"《[^》]*(法|条例|办法|规定)》")
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零]+条")
_STANDARD = re.compile(r"(GB|HJ|DB\d+)(/T)? ?[\d.]+-\d{2,4}")
_CLAUSE = re.compile(r"第\d+(\.\d+)*[条章]")
_WASTE_CODE = re.compile(r"HW\d\d \d{3}-\d{3}-\d\d")
_BY_NUMBER = re.compile(r"\w*〔\d{4}〕\d+号")
# Cited by document number only, always beside an article of law that states the duty: the circular's own item
# numbers were not confirmed from its text, and a wrong item on a signed notice is worse than none.
_CITED_BY_NUMBER_ONLY = {"环大气〔2021〕65号": "activated carbon (iodine value) and low-efficiency treatment"}


def _exact_parts(basis: str) -> list[str]:
    """The parts of a basis that name a law/standard together with its article/clause (or a waste list's code)."""
    return [
        part
        for part in basis.split("；")
        if (_LAW.search(part) and _ARTICLE.search(part))
        or (_STANDARD.search(part) and _CLAUSE.search(part))
        or ("《国家危险废物名录》" in part and _WASTE_CODE.search(part))
    ]


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_item_says_what_is_wrong_what_to_do_and_why(name: str) -> None:
    template = read_template_file(checklists_dir() / name)
    assert len(template.items) >= 10
    for item in template.items:
        assert item.problem and item.requirement and item.basis, item.code
        assert item.problem_en and item.requirement_en, item.code
        assert item.problem != item.text_zh and item.requirement != item.text_zh, item.code
        assert "地方规定" not in item.basis and "相关规定" not in item.basis, item.code
        assert "整改到位" not in item.requirement, item.code  # a concrete action, not boilerplate
        assert _exact_parts(item.basis), f"{item.code}: '{item.basis}' names no law or standard with its article"
        for part in item.basis.split("；"):
            if _LAW.search(part):
                assert _ARTICLE.search(part), f"{item.code}: '{part}' cites a law without its article"
            if number := _BY_NUMBER.search(part):
                assert number.group() in _CITED_BY_NUMBER_ONLY, f"{item.code}: '{part}' names no item of it"


def test_the_documents_cited_by_number_only_are_the_listed_ones() -> None:
    cited = {
        number.group()
        for name in BUNDLED
        for item in read_template_file(checklists_dir() / name).items
        if (number := _BY_NUMBER.search(item.basis))
    }
    assert cited == set(_CITED_BY_NUMBER_ONLY)


def _doc_with_wording() -> dict:
    doc = _doc()
    doc["categories"][0]["items"][0].update(
        problem={"zh": "喷漆房门窗未密闭，有破损", "en": "Booth doors not closed, damaged"},
        requirement="修复喷漆房门窗，保持密闭，作业时关闭",
    )
    return doc


def test_problem_and_requirement_are_imported_stored_and_given_to_visits(
    profile: Profile, tmp_path: Path, enterprise: dict
) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(_doc_with_wording(), allow_unicode=True), encoding="utf-8")
    outcome = templates.import_file(profile, path)
    [item] = template_store.items(profile.db, outcome.template["id"])
    assert (item["problem"], item["problem_en"]) == ("喷漆房门窗未密闭，有破损", "Booth doors not closed, damaged")
    assert (item["requirement"], item["requirement_en"]) == ("修复喷漆房门窗，保持密闭，作业时关闭", "")
    visit = visits.start(profile, enterprise["id"], template_code="mini")
    [shown] = visits.items(profile, visit["id"])
    assert shown["problem"] == "喷漆房门窗未密闭，有破损" and shown["requirement"].startswith("修复喷漆房门窗")


def test_a_checklist_without_the_new_fields_keeps_its_identity() -> None:
    """The hash the release before this field existed gave to _doc(): same content, same id everywhere."""
    assert template_from_dict(_doc()).content_hash() == (
        "72bd74f91c265a60c94b24bacb22f4982bdc13c4e7e4e2b05fba1e62689030c3"
    )
    assert template_from_dict(_doc_with_wording()).content_hash() != template_from_dict(_doc()).content_hash()


def test_new_wording_of_a_bundled_checklist_is_a_new_version_and_old_visits_keep_theirs(tmp_path: Path) -> None:
    older = yaml.safe_load((checklists_dir() / "craft.yaml").read_text(encoding="utf-8"))
    for category in older["categories"]:
        for item in category["items"]:
            del item["problem"], item["requirement"]
    older_file = tmp_path / "craft.yaml"
    older_file.write_text(yaml.safe_dump(older, allow_unicode=True), encoding="utf-8")
    with Profile(tmp_path / "p") as profile:
        first = templates.import_file(profile, older_file)  # what the previous release installed
        company = enterprises.create(
            profile, name="仙居县旧版工艺品有限公司", credit_code=make_code(7), template_code="craft"
        )
        old_visit = visits.start(profile, company["id"])
        outcomes = {o.template["code"]: o for o in templates.install_bundled(profile)}
        assert outcomes["craft"].created and outcomes["craft"].template["version"] == 2
        assert template_store.get(profile.db, first.template["id"])["version"] == 1
        assert {i["problem"] for i in visits.items(profile, old_visit["id"])} == {""}
        visits.finish(profile, old_visit["id"])  # one visit in progress per enterprise
        new_visit = visits.start(profile, company["id"], template_code="craft", item_codes=["B2"])
        assert new_visit["template_id"] == outcomes["craft"].template["id"] != old_visit["template_id"]
        [b2] = visits.items(profile, new_visit["id"])
        assert b2["problem"].startswith("喷漆房门窗未密闭")
        assert templates.install_bundled(profile) == []


def test_xlsx_problem_and_requirement_columns(profile: Profile, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "wording.xlsx",
        [
            [*HEADER, "问题描述", "整改要求", "整改要求英文"],
            [
                "M1",
                "机加工",
                "",
                "废切削液专桶存放",
                "",
                "GB 18597-2023 第6章",
                "较重",
                "",
                "废切削液未用专桶收集",
                "用专用密闭桶收集废切削液",
                "Collect it in closed drums",
            ],
            ["M2", "机加工", "", "焊接烟尘收集", "", "GB 16297-1996", "一般", "", "", "", ""],
        ],
    )
    outcome = templates.import_file(profile, path)
    m1, m2 = template_store.items(profile.db, outcome.template["id"])
    assert (m1["problem"], m1["requirement"], m1["requirement_en"]) == (
        "废切削液未用专桶收集",
        "用专用密闭桶收集废切削液",
        "Collect it in closed drums",
    )
    assert (m2["problem"], m2["requirement"]) == ("", "")  # optional: a row without them still imports


def test_an_older_profile_gets_empty_wording_columns(tmp_path: Path) -> None:
    import sqlite_utils

    from steward.storage.database import Database
    from steward.storage.migrations import _STEPS, MIGRATION_SET

    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    migrations = sqlite_utils.Migrations(MIGRATION_SET)
    for name, fn in _STEPS:
        if name != "0009_template_item_problem":
            migrations(name=name)(fn)
    migrations.apply(old)
    old.execute(
        "INSERT INTO templates (id, code, version, name_zh, deadline_major, deadline_serious, deadline_general, "
        "content_hash, imported_at) VALUES ('t', 'x', 1, 'X', 60, 30, 7, 'h', '2025-01-01T00:00:00Z')"
    )
    old.execute(
        "INSERT INTO template_items (id, template_id, position, code, category_code, category_zh, text_zh, severity) "
        "VALUES ('i', 't', 0, 'A1', 'A', '手续', '环评齐全', 'major')"
    )
    old.conn.commit()
    old.close()
    db = Database(path)
    row = db.query_one("SELECT * FROM template_items WHERE id = 'i'")
    assert row is not None and (row["problem"], row["requirement"], row["problem_en"], row["requirement_en"]) == (
        "",
        "",
        "",
        "",
    )
    db.close()
