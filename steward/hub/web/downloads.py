"""The page's downloads: findings, enterprises and ratings of a period as XLSX or CSV.

XLSX through the laptop's streaming writer, steward.reports.xlsx (rows stream to the file, memory stays flat for
tens of thousands of rows): real types (dates as dates, counts as numbers, rates as percentages), a frozen header
row, an auto-filter, widths that fit Chinese text, and a sheet stating the period, the "截至" date and the
definitions. CSV in UTF-8 with a BOM,
so Excel on Chinese Windows opens it without mojibake. The laptop's exports (steward export) follow the same rules;
this module takes plain rows and column specs and knows nothing of where they came from."""

from __future__ import annotations

import csv
import io
import itertools
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import IO, Any

from steward.domain.findings import percent
from steward.domain.labels import FindingStatus
from steward.domain.period import standing_at
from steward.hub.web.dashboard import Dashboard
from steward.hub.web.facts import HubFacts
from steward.reports.sheets import sheet_name
from steward.reports.xlsx import Style, XlsxBook

FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "text/csv"}
TABLES = {"findings": "问题清单", "enterprises": "企业汇总", "ratings": "三色码评级"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | int | date | percent
    width: float = 12


@dataclass(frozen=True)
class Rate:
    """Rectified over found: a percentage cell in XLSX, the page's rounding ("72.0%", "—") in CSV."""

    part: int
    whole: int

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def text(self) -> str:
        return percent(self.part, self.whole)


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    rows: Iterable[Sequence[Any]]
    notes: tuple[tuple[str, str], ...]  # (item, what it says), for the definitions sheet


FINDING_COLUMNS = (
    Column("企业", width=28),
    Column("统一社会信用代码", width=22),
    Column("巡查日期", "date", 12),
    Column("检查项", width=8),
    Column("类别", width=14),
    Column("位置", width=16),
    Column("问题描述", width=40),
    Column("依据", width=30),
    Column("等级", width=8),
    Column("整改要求", width=36),
    Column("整改期限", "date", 12),
    Column("状态", width=10),
    Column("整改日期", "date", 12),
    Column("逾期天数", "int", 10),
    Column("照片数", "int", 8),
    Column("环保管家", width=12),
)
ENTERPRISE_COLUMNS = (
    Column("企业", width=28),
    Column("统一社会信用代码", width=22),
    Column("行业", width=14),
    Column("园区", width=14),
    Column("地址", width=30),
    Column("三色码", width=8),
    Column("巡查次数", "int", 10),
    Column("发现问题", "int", 10),
    Column("已整改", "int", 8),
    Column("已豁免", "int", 8),
    Column("整改率", "percent", 8),
    Column("待整改", "int", 8),
    Column("逾期", "int", 8),
)
RATING_COLUMNS = (
    Column("企业", width=28),
    Column("统一社会信用代码", width=22),
    Column("三色码", width=8),
    Column("评级日期", "date", 12),
    Column("理由", width=80),
)


def _definitions(board: Dashboard, rules_name: str) -> tuple[tuple[str, str], ...]:
    p = board.period
    return (
        ("期间 Period", p.label),
        ("截至 As of", f"{p.last.isoformat()} 24:00(北京时间),所有数字按此时刻的状态计算"),
        ("发现问题 Found", "期间内巡查发现(创建)的问题数"),
        ("已整改 Rectified", "截至期末经复查确认已整改的问题数"),
        ("已豁免 Waived", "截至期末经说明理由豁免的问题数"),
        ("待整改 Open", "截至期末尚未整改、也未豁免的问题数"),
        ("逾期 Overdue", "待整改且期末日已超过整改期限的问题数"),
        ("整改率 Rate", "已整改 ÷ 发现问题,保留一位小数;未发现问题时为“—”"),
        ("三色码 Colour", f"按评级规则“{rules_name}”计算至期末日;每家企业的理由见“三色码评级”表"),
    )


def findings_table(facts: HubFacts, board: Dashboard, rules_name: str) -> Table:
    period = board.period

    def rows() -> Iterator[Sequence[Any]]:
        # The period's slice of the findings in order of creation, each row made as the writer asks for it.
        ordered = facts.findings_by_creation()
        begin = bisect_left(ordered, period.start, key=lambda f: f.created_at)
        for f in itertools.islice(ordered, begin, None):
            if f.created_at >= period.end:
                break
            ent = facts.enterprises.get(f.enterprise_id)
            visit = facts.visits[f.visit_id]
            s = standing_at(f.deadline, f.events, period.closing, period.last)
            yield (
                ent.name if ent else "",
                ent.credit_code if ent else "",
                visit.started_at.astimezone(period.zone).date(),
                f.item_code,
                f.category,
                f.location,
                f.description,
                f.basis,
                f.severity.zh if f.severity else "",
                f.requirement,
                f.deadline,
                s.status.zh,
                s.closed_at.astimezone(period.zone).date()
                if s.closed_at and s.status is FindingStatus.RECTIFIED
                else None,
                s.overdue_days,
                f.photos,
                f.steward,
            )

    return Table(TABLES["findings"], FINDING_COLUMNS, rows(), _definitions(board, rules_name))


def enterprises_table(facts: HubFacts, board: Dashboard, rules_name: str) -> Table:
    def rows() -> Iterator[Sequence[Any]]:
        for e in sorted(facts.enterprises.values(), key=lambda e: (e.order, e.id)):
            if e.archived:
                continue
            t, rating = board.tally(e.id), board.ratings.get(e.id)
            yield (
                e.name,
                e.credit_code,
                e.industry,
                e.park,
                e.address,
                rating.colour.zh if rating else "",
                t.visits,
                t.found,
                t.rectified,
                t.waived,
                Rate(t.rectified, t.found),
                t.open,
                t.overdue,
            )

    return Table(TABLES["enterprises"], ENTERPRISE_COLUMNS, rows(), _definitions(board, rules_name))


def ratings_table(facts: HubFacts, board: Dashboard, rules_name: str) -> Table:
    def rows() -> Iterator[Sequence[Any]]:
        for e in sorted(facts.enterprises.values(), key=lambda e: (e.order, e.id)):
            rating = board.ratings.get(e.id)
            if rating is not None:
                yield (e.name, e.credit_code, rating.colour.zh, rating.as_of, "\n".join(r.zh for r in rating.reasons))

    return Table(TABLES["ratings"], RATING_COLUMNS, rows(), _definitions(board, rules_name))


BUILDERS = {"findings": findings_table, "enterprises": enterprises_table, "ratings": ratings_table}


_STYLES = {"text": Style.PLAIN, "int": Style.PLAIN, "date": Style.DATE, "percent": Style.PERCENT}


def write_xlsx(table: Table, out: IO[bytes]) -> int:
    """The table on its own sheet and the definitions on a second; returns the number of data rows."""
    book = XlsxBook(out, [sheet_name(table.name), "说明"], datetime.now(UTC).replace(tzinfo=None))
    count = 0
    try:
        sheet = book.sheet(len(table.columns), [c.width for c in table.columns], frozen_header=True)
        sheet.append([c.header for c in table.columns], [Style.HEADER] * len(table.columns))
        append = sheet.appender([_STYLES[c.kind] for c in table.columns])
        for row in table.rows:
            append([v.value if isinstance(v, Rate) else v for v in row])
            count += 1
        sheet.auto_filter()
        notes = book.sheet(2, (20, 80))
        notes.append(["项目", "说明"], [Style.HEADER, Style.HEADER])
        for item, words in table.notes:
            notes.append([item, words], [Style.BOLD, Style.WRAP_TOP])
        book.close()
    except BaseException:
        book.abandon()
        raise
    return count


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Rate):
        return value.text
    return str(value)


def write_csv(table: Table, out: IO[bytes]) -> int:
    """UTF-8 with a BOM; one table only (CSV has no second sheet: the definitions are in the XLSX)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow([c.header for c in table.columns])
    count = 0
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
    text.flush()
    text.detach()
    return count
