"""Enterprise lists as insurers keep them (CSV, Excel, JSON), read into validated rows. Errors name row and column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from steward.domain.credit_code import validate
from steward.domain.errors import InvalidInput
from steward.services.table_files import column_letter, table_rows

_HEADERS = {
    "名称": "name",
    "企业名称": "name",
    "name": "name",
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "credit_code": "credit_code",
    "行业": "industry",
    "industry": "industry",
    "地址": "address",
    "address": "address",
    "法定代表人": "legal_representative",
    "负责人": "legal_representative",
    "legal_representative": "legal_representative",
    "联系人": "contact_person",
    "contact_person": "contact_person",
    "联系电话": "contact_phone",
    "电话": "contact_phone",
    "contact_phone": "contact_phone",
    "保单号": "policy_number",
    "policy_number": "policy_number",
    "保险公司": "insurer",
    "insurer": "insurer",
    "园区": "park",
    "park": "park",
    "检查表": "template_code",
    "template_code": "template_code",
}


def _rows_from_table(rows: list[list[Any]], source: str) -> list[dict[str, str]]:
    if not rows:
        raise InvalidInput(f"{source} 是空的。", f"{source} is empty.")
    columns = {}
    for idx, header in enumerate(rows[0]):
        key = _HEADERS.get(str(header or "").strip().lower()) or _HEADERS.get(str(header or "").strip())
        if key and key not in columns:
            columns[key] = idx
    for required, label in (("name", "名称"), ("credit_code", "统一社会信用代码")):
        if required not in columns:
            raise InvalidInput(f"{source} 第1行缺少“{label}”列。", f"{source} row 1 lacks the column '{required}'.")
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v or "").strip() for v in row):
            continue
        record = {k: str(row[i] if i < len(row) and row[i] is not None else "").strip() for k, i in columns.items()}
        where = f"{source} 第{number}行 {column_letter(columns['credit_code'])}列"
        if not record["name"]:
            raise InvalidInput(
                f"{source} 第{number}行 {column_letter(columns['name'])}列:企业名称为空。",
                f"{source} row {number}: the name is empty.",
            )
        try:
            record["credit_code"] = validate(record["credit_code"])
        except InvalidInput as exc:
            raise InvalidInput(f"{where}:{exc.zh}", f"{source} row {number}: {exc.en}") from None
        out.append(record)
    return out


def read_enterprise_file(path: Path) -> list[dict[str, str]]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InvalidInput(f"找不到文件:{path}", f"No such file: {path}")
    if suffix in (".csv", ".xlsx"):
        return _rows_from_table(table_rows(path), path.name)
    if suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path.name}:JSON 格式错误。", f"{path.name}: invalid JSON ({exc}).") from None
        if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
            raise InvalidInput(f"{path.name}:应为企业对象的列表。", f"{path.name}: expected a list of enterprises.")
        keys = sorted({k for d in data for k in d})
        return _rows_from_table([keys] + [[d.get(k, "") for k in keys] for d in data], path.name)
    raise InvalidInput(f"{path.name}:请使用 .csv、.xlsx 或 .json 文件。", f"{path.name}: use .csv, .xlsx or .json.")
