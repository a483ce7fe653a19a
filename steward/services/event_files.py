"""Complaints, penalties and hazardous-waste violations as a bureau or insurer lists them (CSV or XLSX), read into
checked rows for the hub to import. Every row is checked before anything is kept; all the problems are reported at
once, each with its row number (as Excel shows it) and column, in Chinese and English."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from steward.domain import credit_code
from steward.domain.errors import InvalidInput
from steward.domain.rating import RecordKind
from steward.services.table_files import column_letter, table_rows

EARLIEST = date(2000, 1, 1)  # before this a date is a typing slip
SHORT_TEXT = 100  # source, authority, document number
LONG_TEXT = 2000  # note
MAX_ERRORS_SHOWN = 50
# The same fact imported again (a corrected note, say) is the same record: its id follows what names it.
_ID_NAMESPACE = uuid.UUID("5f0c8a52-3f57-4a53-9b8e-0d2f7a6c1e41")

_HEADERS = {
    "统一社会信用代码": "credit_code",
    "信用代码": "credit_code",
    "credit_code": "credit_code",
    "类型": "kind",
    "记录类型": "kind",
    "kind": "kind",
    "日期": "on_date",
    "发生日期": "on_date",
    "date": "on_date",
    "on_date": "on_date",
    "来源": "source",
    "投诉来源": "source",
    "source": "source",
    "机关": "authority",
    "处罚机关": "authority",
    "立案机关": "authority",
    "authority": "authority",
    "文号": "number",
    "文书编号": "number",
    "number": "number",
    "是否查实": "substantiated",
    "查实": "substantiated",
    "substantiated": "substantiated",
    "说明": "note",
    "备注": "note",
    "note": "note",
}
_LABELS = {
    "credit_code": ("统一社会信用代码", "credit code"),
    "kind": ("类型", "kind"),
    "on_date": ("日期", "date"),
    "source": ("来源", "source"),
    "authority": ("处罚机关", "authority"),
    "number": ("文号", "document number"),
    "substantiated": ("是否查实", "substantiated"),
    "note": ("说明", "note"),
}
_KINDS = {
    "complaint": RecordKind.COMPLAINT,
    "信访投诉": RecordKind.COMPLAINT,
    "信访": RecordKind.COMPLAINT,
    "投诉": RecordKind.COMPLAINT,
    "penalty": RecordKind.PENALTY,
    "行政处罚": RecordKind.PENALTY,
    "处罚": RecordKind.PENALTY,
    "立案": RecordKind.PENALTY,
    "行政处罚/立案": RecordKind.PENALTY,
    "hazwaste": RecordKind.HAZWASTE,
    "危险废物违法": RecordKind.HAZWASTE,
    "危险废物": RecordKind.HAZWASTE,
    "危废": RecordKind.HAZWASTE,
}
_YES = {"是", "1", "yes", "y", "true", "查实", ""}
_NO = {"否", "0", "no", "n", "false", "未查实", "不属实"}
# What each kind cannot do without (the laptop's entry form asks the same).
_REQUIRED = {
    RecordKind.COMPLAINT: ("source", "缺少投诉来源", "the complaint's source is missing"),
    RecordKind.PENALTY: ("authority", "缺少处罚或立案机关", "the penalty's authority is missing"),
    RecordKind.HAZWASTE: ("note", "缺少违法情况说明", "the violation is not described"),
}


@dataclass(frozen=True)
class EventRow:
    id: str
    enterprise_id: str
    kind: str
    on_date: str
    source: str
    authority: str
    number: str
    substantiated: int
    note: str


class RowProblems(InvalidInput):
    """Every problem found in the file, one line per row and column."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        shown = problems[:MAX_ERRORS_SHOWN]
        more = len(problems) - len(shown)
        zh = f"{source}:{len(problems)} 处错误,未导入任何记录:\n" + "\n".join(z for z, _ in shown)
        en = f"{source}: {len(problems)} problems; nothing was imported:\n" + "\n".join(e for _, e in shown)
        if more:
            zh += f"\n……另有 {more} 处"
            en += f"\n... and {more} more"
        super().__init__(zh, en)
        self.problems = problems


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return date(int(parts[0]), int(parts[1]), int(parts[2]))  # 2026-3-5 as well as 2026-03-05
    raise ValueError(text)


def read_event_file(
    path: Path, enterprise_for: Callable[[str], str | None], today: date | None = None
) -> list[EventRow]:
    """The file's rows, each checked: a valid credit code of an enterprise the hub lists (`enterprise_for` maps a
    credit code to its id), a known kind, a date that has happened, texts within bounds, what the kind needs.
    Raises RowProblems naming every bad row; returns nothing half-read."""
    today = today or date.today()
    rows = table_rows(path)
    source = path.name
    if not rows:
        raise InvalidInput(f"{source} 是空的。", f"{source} is empty.")
    columns: dict[str, int] = {}
    for index, header in enumerate(rows[0]):
        text = str(header or "").strip()
        key = _HEADERS.get(text) or _HEADERS.get(text.lower())
        if key and key not in columns:
            columns[key] = index
    missing = [name for name in ("credit_code", "kind", "on_date") if name not in columns]
    if missing:
        zh = "、".join(_LABELS[m][0] for m in missing)
        en = ", ".join(_LABELS[m][1] for m in missing)
        raise InvalidInput(f"{source} 第1行缺少列:{zh}。", f"{source} row 1 lacks the column(s): {en}.")
    problems: list[tuple[str, str]] = []
    out: list[EventRow] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(v if v is not None else "").strip() for v in row):
            continue

        def cell(name: str, row: list[Any] = row) -> Any:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) and row[index] is not None else ""

        def problem(name: str, zh: str, en: str, number: int = number) -> None:
            letter = column_letter(columns[name]) if name in columns else "-"
            problems.append((f"第{number}行 {letter}列({_LABELS[name][0]}):{zh}", f"row {number} {name}: {en}"))

        before = len(problems)
        code = str(cell("credit_code")).strip()
        enterprise_id = None
        if not credit_code.is_valid(code):
            problem("credit_code", f"“{code}”不是有效的统一社会信用代码", f"'{code}' is not a valid credit code")
        else:
            enterprise_id = enterprise_for(credit_code.normalize(code))
            if enterprise_id is None:
                problem(
                    "credit_code",
                    f"服务器上没有信用代码为 {code} 的企业(请先导入企业名单)",
                    f"no enterprise with credit code {code} on the hub (import the enterprise list first)",
                )
        kind = _KINDS.get(str(cell("kind")).strip()) or _KINDS.get(str(cell("kind")).strip().lower())
        if kind is None:
            problem(
                "kind",
                f"“{cell('kind')}”不是已知类型(信访投诉、行政处罚、危险废物违法)",
                f"'{cell('kind')}' is not a known kind (complaint, penalty, hazwaste)",
            )
        on = None
        try:
            on = _day(cell("on_date"))
        except ValueError:
            problem("on_date", f"“{cell('on_date')}”不是日期(如 2026-03-05)", f"'{cell('on_date')}' is not a date")
        if on is not None and on > today:
            problem("on_date", f"{on} 在今天之后", f"{on} is in the future")
        elif on is not None and on < EARLIEST:
            problem("on_date", f"{on} 早于 {EARLIEST},请检查年份", f"{on} is before {EARLIEST}; check the year")
        texts = {name: str(cell(name)).strip() for name in ("source", "authority", "number", "note")}
        for name, value in texts.items():
            limit = LONG_TEXT if name == "note" else SHORT_TEXT
            if len(value) > limit:
                problem(name, f"过长({len(value)} 字,最多 {limit} 字)", f"too long ({len(value)}; at most {limit})")
        flag = str(cell("substantiated")).strip().lower()
        if flag not in _YES and flag not in _NO:
            problem("substantiated", f"“{flag}”应为“是”或“否”", f"'{flag}' should be yes or no")
        if kind is not None:
            needed, zh, en = _REQUIRED[kind]
            if not texts[needed]:
                problem(needed, zh, en)
        if len(problems) > before or enterprise_id is None or kind is None or on is None:
            continue
        identity = "|".join([enterprise_id, kind.value, on.isoformat(), texts["number"], texts["source"]])
        event_id = str(uuid.uuid5(_ID_NAMESPACE, identity))
        if event_id in seen:
            problems.append(
                (
                    f"第{number}行:与第{seen[event_id]}行是同一条记录(企业、类型、日期、文号、来源相同)",
                    f"row {number}: the same record as row {seen[event_id]}",
                )
            )
            continue
        seen[event_id] = number
        out.append(
            EventRow(
                id=event_id,
                enterprise_id=enterprise_id,
                kind=kind.value,
                on_date=on.isoformat(),
                substantiated=0 if flag in _NO and kind is RecordKind.COMPLAINT else 1,
                **texts,
            )
        )
    if problems:
        raise RowProblems(source, problems)
    return out
