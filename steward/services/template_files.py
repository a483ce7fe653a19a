"""Reading checklist files (YAML, JSON, XLSX) into the template document of domain/templates.py.

XLSX is read cell by cell so that every error names the sheet, row and column a person must fix.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

from steward.domain.errors import TemplateImportError
from steward.domain.labels import Severity
from steward.domain.templates import FORMAT, Template, template_from_dict

# Header names accepted in an XLSX items sheet, Chinese or English, mapped to our field names.
_HEADERS = {
    "编号": "code",
    "code": "code",
    "类别编号": "category_code",
    "category_code": "category_code",
    "类别": "category",
    "category": "category",
    "类别英文": "category_en",
    "category_en": "category_en",
    "检查项": "zh",
    "检查内容": "zh",
    "text": "zh",
    "text_zh": "zh",
    "英文": "en",
    "text_en": "en",
    "english": "en",
    "依据": "basis",
    "basis": "basis",
    "等级": "severity",
    "severity": "severity",
    "检查指引": "guidance",
    "guidance": "guidance",
    "问题描述": "problem",
    "problem": "problem",
    "问题描述英文": "problem_en",
    "problem_en": "problem_en",
    "整改要求": "requirement",
    "requirement": "requirement",
    "整改要求英文": "requirement_en",
    "requirement_en": "requirement_en",
}
_REQUIRED = ("code", "category", "zh", "severity")
# A checklist read from a spreadsheet into the YAML's shape: free-form input until domain.templates checks it.
YamlShaped = dict[str, Any]
_META = {
    "模板编号": "code",
    "code": "code",
    "名称": "name",
    "name": "name",
    "名称英文": "name_en",
    "name_en": "name_en",
    "行业": "industry",
    "industry": "industry",
    "行业英文": "industry_en",
    "industry_en": "industry_en",
    "重大期限": "major",
    "deadline_major": "major",
    "较重期限": "serious",
    "deadline_serious": "serious",
    "一般期限": "general",
    "deadline_general": "general",
}


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _xlsx_document(path: Path) -> YamlShaped:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TemplateImportError(
            f"{path.name}:不是有效的 Excel(.xlsx)文件。", f"{path.name}: not a valid Excel (.xlsx) file ({exc})."
        ) from None
    try:
        meta_sheet = next((book[n] for n in book.sheetnames if n.strip().lower() in ("模板", "template")), None)
        items_sheet = next(
            (book[n] for n in book.sheetnames if n.strip().lower() in ("检查项", "items")),
            None,
        ) or next(book[n] for n in book.sheetnames if book[n] is not meta_sheet)
        meta: dict[str, str] = {}
        if meta_sheet is not None:
            for row in meta_sheet.iter_rows(values_only=True):
                if row and row[0] is not None and _cell_text(row[0]).lower() in _META:
                    meta[_META[_cell_text(row[0]).lower()]] = _cell_text(row[1] if len(row) > 1 else "")
        rows = list(items_sheet.iter_rows(values_only=True))
        sheet = items_sheet.title
    finally:
        book.close()
    if not rows:
        raise TemplateImportError(f"工作表“{sheet}”是空的。", f"Sheet '{sheet}' is empty.")
    columns: dict[str, int] = {}
    for idx, header in enumerate(rows[0]):
        key = _HEADERS.get(_cell_text(header).lower())
        if key and key not in columns:
            columns[key] = idx
    missing = [k for k in _REQUIRED if k not in columns]
    if missing:
        names = {"code": "编号", "category": "类别", "zh": "检查项", "severity": "等级"}
        raise TemplateImportError(
            f"工作表“{sheet}”第1行缺少列:{'、'.join(names[m] for m in missing)}",
            f"Sheet '{sheet}' row 1 lacks the columns: {', '.join(missing)}",
        )
    categories: dict[str, YamlShaped] = {}  # the YAML's categories, each with its items
    seen: dict[str, int] = {}
    for row_no, row in enumerate(rows[1:], start=2):

        def cell(key: str, row: tuple[Any, ...] = row) -> str:
            idx = columns.get(key)
            return _cell_text(row[idx]) if idx is not None and idx < len(row) else ""

        if not any(_cell_text(v) for v in row):
            continue

        def where(key: str, row_no: int = row_no) -> tuple[str, str]:
            letter = _column_letter(columns[key])
            return f"工作表“{sheet}”第{row_no}行 {letter}列", f"sheet '{sheet}' row {row_no} column {letter}"

        for key in _REQUIRED:
            if not cell(key):
                zh, en = where(key)
                raise TemplateImportError(f"{zh}:不能为空。", f"{en}: must not be empty.")
        code = cell("code")
        if code in seen:
            zh, en = where("code")
            raise TemplateImportError(
                f"{zh}:编号“{code}”与第{seen[code]}行重复。", f"{en}: code '{code}' repeats row {seen[code]}."
            )
        seen[code] = row_no
        try:
            severity = Severity.parse(cell("severity"))
        except ValueError:
            zh, en = where("severity")
            raise TemplateImportError(
                f"{zh}:无法识别的等级“{cell('severity')}”(应为 重大/较重/一般)。",
                f"{en}: unknown severity '{cell('severity')}' (expected 重大/较重/一般 or major/serious/general).",
            ) from None
        cat_code = cell("category_code") or (re.match(r"[A-Za-z]+", code) or [cell("category")])[0]
        category = categories.setdefault(
            cat_code, {"code": cat_code, "name": {"zh": cell("category"), "en": cell("category_en")}, "items": []}
        )
        category["items"].append(
            {
                "code": code,
                "zh": cell("zh"),
                "en": cell("en"),
                "basis": cell("basis"),
                "severity": severity.value,
                "guidance": cell("guidance"),
                "problem": {"zh": cell("problem"), "en": cell("problem_en")},
                "requirement": {"zh": cell("requirement"), "en": cell("requirement_en")},
            }
        )
    if not categories:
        raise TemplateImportError(f"工作表“{sheet}”没有检查项。", f"Sheet '{sheet}' has no items.")
    deadlines: dict[str, int] = {}
    for key in ("major", "serious", "general"):
        if meta.get(key):
            try:
                deadlines[key] = int(float(meta[key]))
            except ValueError:
                raise TemplateImportError(
                    f"工作表“模板”:{key} 期限“{meta[key]}”应为天数。", f"Sheet 'template': deadline {key} must be days."
                ) from None
    return {
        "format": FORMAT,
        "code": meta.get("code") or re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip("-") or "imported",
        "name": {"zh": meta.get("name") or path.stem, "en": meta.get("name_en", "")},
        "industry": {"zh": meta.get("industry", ""), "en": meta.get("industry_en", "")},
        "deadline_days": deadlines or None,
        "categories": list(categories.values()),
    }


def read_template_file(path: Path) -> Template:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TemplateImportError(f"找不到文件:{path}", f"No such file: {path}")
    if suffix == ".xlsx":
        return template_from_dict(_xlsx_document(path))
    if suffix not in (".json", ".yaml", ".yml"):
        raise TemplateImportError(
            f"{path.name}:不支持的文件类型,请使用 .yaml、.json 或 .xlsx。",
            f"{path.name}: unsupported file type; use .yaml, .json or .xlsx.",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise TemplateImportError(
            f"{path.name}:文件不是 UTF-8 编码。", f"{path.name}: the file is not UTF-8."
        ) from None
    import yaml  # loaded when a checklist file is actually read

    try:
        # libyaml's loader when PyYAML has it: the bundled checklists are read into every new profile, and the pure
        # Python loader takes most of a second for them.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = json.loads(text) if suffix == ".json" else yaml.load(text, Loader=loader)
    except json.JSONDecodeError as exc:
        raise TemplateImportError(
            f"{path.name} 第{exc.lineno}行第{exc.colno}列:JSON 格式错误({exc.msg})。",
            f"{path.name} line {exc.lineno} column {exc.colno}: invalid JSON ({exc.msg}).",
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at_zh = f" 第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        at_en = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise TemplateImportError(
            f"{path.name}{at_zh}:YAML 格式错误。", f"{path.name}{at_en}: invalid YAML ({exc})."
        ) from None
    try:
        return template_from_dict(data)
    except TemplateImportError as exc:
        raise TemplateImportError(f"{path.name}:{exc.zh}", f"{path.name}: {exc.en}") from None
