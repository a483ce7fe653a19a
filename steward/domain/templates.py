"""Checklist templates: the format (see resources/checklists/README.md) and its validation."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from steward.domain.errors import TemplateImportError
from steward.domain.labels import Severity

FORMAT = "steward-checklist/1"
DEFAULT_DEADLINE_DAYS = {Severity.MAJOR: 60, Severity.SERIOUS: 30, Severity.GENERAL: 7}
_LATER_ITEM_FIELDS = ("problem", "problem_en", "requirement", "requirement_en")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class TemplateItem:
    code: str
    category_code: str
    category_zh: str
    category_en: str
    text_zh: str
    text_en: str
    basis: str
    severity: Severity
    guidance: str = ""
    # What the steward writes when the item fails: the deficiency (问题描述, never the rule itself) and the default
    # 整改要求. Empty in older checklist files; the hash below leaves empty ones out so their identity is unchanged.
    problem: str = ""
    problem_en: str = ""
    requirement: str = ""
    requirement_en: str = ""


@dataclass(frozen=True)
class Template:
    code: str
    name_zh: str
    name_en: str
    industry_zh: str
    industry_en: str
    deadline_days: dict[Severity, int]
    items: tuple[TemplateItem, ...] = field(default_factory=tuple)

    def content_hash(self) -> str:
        """Identity of the content: importing the same content again makes no new version."""
        data = asdict(self)
        # Fields added after the first format leave the hash alone while empty: a checklist without them keeps the
        # id it has on every laptop and the hub; content that uses them is new content and a new version.
        for item in data["items"]:
            for key in _LATER_ITEM_FIELDS:
                if not item[key]:
                    del item[key]
        data["deadline_days"] = {str(k): v for k, v in sorted(self.deadline_days.items())}
        blob = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def categories(self) -> list[tuple[str, str, str]]:
        seen: dict[str, tuple[str, str, str]] = {}
        for item in self.items:
            seen.setdefault(item.category_code, (item.category_code, item.category_zh, item.category_en))
        return list(seen.values())


def _bilingual(value: Any, where: str) -> tuple[str, str]:
    if isinstance(value, str):
        return value.strip(), ""
    if isinstance(value, dict) and isinstance(value.get("zh"), str):
        return value["zh"].strip(), str(value.get("en") or "").strip()
    raise TemplateImportError(f"{where}:应为文字,或含 zh/en 的对象", f"{where}: expected text or an object with zh/en")


def _optional_bilingual(value: Any, where: str) -> tuple[str, str]:
    if value is None:
        return "", ""
    return _bilingual(value, where)


def _text(value: Any, where: str, required: bool = True) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise TemplateImportError(f"{where}:不能为空", f"{where}: must not be empty")
        return ""
    return str(value).strip()


def _severity(value: Any, where: str) -> Severity:
    try:
        return Severity.parse(str(value))
    except ValueError:
        raise TemplateImportError(
            f"{where}:无法识别的等级“{value}”(应为 重大/较重/一般)",
            f"{where}: unknown severity '{value}' (expected major/serious/general)",
        ) from None


_DOCUMENT_KEYS = {"format", "code", "name", "industry", "deadline_days", "categories"}
_CATEGORY_KEYS = {"code", "name", "items"}
_ITEM_KEYS = {"code", "zh", "en", "basis", "severity", "guidance", "problem", "requirement"}


def _refuse_unknown_keys(value: dict[str, Any], allowed: set[str], where: str) -> None:
    """A stray key is almost always a typo or text split by an unquoted comma; never ignore it silently. `value` is
    a mapping of the YAML (or spreadsheet) being read: free-form until checked."""
    unknown = [str(k) for k in value if k not in allowed]
    if unknown:
        raise TemplateImportError(
            f"{where}:无法识别的字段“{unknown[0]}”(文字中含逗号时请加引号)",
            f"{where}: unknown field '{unknown[0]}' (quote text that contains commas)",
        )


def _deadlines(value: Any) -> dict[Severity, int]:
    days = dict(DEFAULT_DEADLINE_DAYS)
    if value is None:
        return days
    if not isinstance(value, dict):
        raise TemplateImportError("deadline_days:应为对象", "deadline_days: expected an object")
    for key, raw in value.items():
        sev = _severity(key, f"deadline_days.{key}")
        if not isinstance(raw, int) or isinstance(raw, bool) or not 0 <= raw <= 365:
            raise TemplateImportError(
                f"deadline_days.{key}:应为0到365之间的整数天数", f"deadline_days.{key}: expected 0-365 days"
            )
        days[sev] = raw
    return days


def template_from_dict(data: Any) -> Template:
    """Validate a parsed template document; every error names where it is."""
    if not isinstance(data, dict):
        raise TemplateImportError("模板文件应为一个对象", "A template document must be an object")
    if data.get("format") != FORMAT:
        raise TemplateImportError(
            f"format:应为“{FORMAT}”,现为“{data.get('format')}”",
            f"format: expected '{FORMAT}', found '{data.get('format')}'",
        )
    _refuse_unknown_keys(data, _DOCUMENT_KEYS, "document")
    code = _text(data.get("code"), "code")
    if not _CODE.match(code):
        raise TemplateImportError(
            f"code:“{code}”只能含字母、数字、点、横线", f"code: '{code}' may hold only letters, digits, . _ -"
        )
    name_zh, name_en = _bilingual(data.get("name"), "name")
    industry_zh, industry_en = _bilingual(data.get("industry", ""), "industry")
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        raise TemplateImportError("categories:至少需要一个类别", "categories: at least one category is needed")
    items: list[TemplateItem] = []
    seen_codes: set[str] = set()
    for ci, cat in enumerate(categories, start=1):
        where_cat = f"categories[{ci}]"
        if not isinstance(cat, dict):
            raise TemplateImportError(f"{where_cat}:应为对象", f"{where_cat}: expected an object")
        _refuse_unknown_keys(cat, _CATEGORY_KEYS, where_cat)
        cat_code = _text(cat.get("code"), f"{where_cat}.code")
        cat_zh, cat_en = _bilingual(cat.get("name"), f"{where_cat}.name")
        raw_items = cat.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise TemplateImportError(f"{where_cat}.items:不能为空", f"{where_cat}.items: must not be empty")
        for ii, raw in enumerate(raw_items, start=1):
            where = f"{where_cat}.items[{ii}]"
            if not isinstance(raw, dict):
                raise TemplateImportError(f"{where}:应为对象", f"{where}: expected an object")
            _refuse_unknown_keys(raw, _ITEM_KEYS, where)
            item_code = _text(raw.get("code"), f"{where}.code")
            if item_code in seen_codes:
                raise TemplateImportError(
                    f"{where}.code:编号“{item_code}”重复", f"{where}.code: item code '{item_code}' is repeated"
                )
            seen_codes.add(item_code)
            problem, problem_en = _optional_bilingual(raw.get("problem"), f"{where}.problem")
            requirement, requirement_en = _optional_bilingual(raw.get("requirement"), f"{where}.requirement")
            items.append(
                TemplateItem(
                    code=item_code,
                    category_code=cat_code,
                    category_zh=cat_zh,
                    category_en=cat_en,
                    text_zh=_text(raw.get("zh"), f"{where}.zh"),
                    text_en=_text(raw.get("en"), f"{where}.en", required=False),
                    basis=_text(raw.get("basis"), f"{where}.basis", required=False),
                    severity=_severity(raw.get("severity"), f"{where}.severity"),
                    guidance=_text(raw.get("guidance"), f"{where}.guidance", required=False),
                    problem=problem,
                    problem_en=problem_en,
                    requirement=requirement,
                    requirement_en=requirement_en,
                )
            )
    return Template(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        industry_zh=industry_zh,
        industry_en=industry_en,
        deadline_days=_deadlines(data.get("deadline_days")),
        items=tuple(items),
    )
