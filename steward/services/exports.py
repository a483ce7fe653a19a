"""Excel/CSV exports of the profile's findings, enterprises, visits and ratings over a period, every figure as of the
period's end ("截至"), with the definitions the period summary PDF uses. The files are written by
steward.reports.sheets (rows in, file out), which the hub's downloads share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from steward import __version__
from steward.domain import clock
from steward.domain.errors import InvalidInput
from steward.domain.export_kinds import Format, What
from steward.domain.findings import FindingEvent, percent
from steward.domain.labels import FindingStatus, Severity, VisitKind
from steward.domain.period import Standing
from steward.domain.rating import Colour
from steward.reports.sheets import Cell, Column, Kind, Notes, Table, write_csv, write_xlsx
from steward.services import documents, findings, ratings, settings
from steward.storage import exports as store
from steward.storage import period_counts
from steward.storage.profile import Profile
from steward.storage.records import TemplateItem

Progress = Callable[[int, int], None]  # (rows written, rows in all)
EARLIEST = date(2000, 1, 1)  # "from the first record": before any steward used Steward
MONTHS_SHOWN = 12  # the ratings' month-end sheet without --from: the last twelve month ends


# The words of the period summary PDF (steward/reports/summary.py), so an export and the PDF of the same period say
# the same thing in the same words.
DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    (
        "统计范围 Scope",
        "仅统计已完成的巡查;进行中的巡查(草稿)不计入。",
        "Only finished visits count; a visit still in progress (a draft) is not a fact yet.",
    ),
    (
        "发现 Found",
        "“发现”按发现日期计入本期:本期内由已完成的巡查发现的问题。",
        "Found: findings recorded by finished visits during the period, counted by the day they were found.",
    ),
    (
        "已整改 Rectified",
        "截至期末,经复查确认已整改的问题。",
        "Rectified: confirmed rectified by a re-check by the end of the period.",
    ),
    (
        "已豁免 Waived",
        "截至期末,经说明理由免于整改的问题。",
        "Waived: excused from rectification, with a reason, by the end of the period.",
    ),
    (
        "待整改 Open",
        "截至期末尚未整改或豁免的问题(含待复查、部分整改)。",
        "Open: neither rectified nor waived by the end of the period (awaiting re-check and partly rectified included).",
    ),
    (
        "逾期 Overdue",
        "逾期:未整改且已过整改期限(截至期末);逾期天数 = 期末日期 − 整改期限。已整改或已豁免的问题不算逾期。",
        "Overdue: not rectified and past its deadline as of the period's end; days overdue = end date − deadline. "
        "A rectified or waived finding is not overdue.",
    ),
    (
        "整改率 Rate",
        "整改率 = 已整改 ÷ 发现问题;保留一位小数,四舍五入。",
        "Rectification rate = rectified ÷ found, one decimal, halves rounded up.",
    ),
    (
        "截至 As of",
        "“已整改”“已豁免”“待整改”“逾期”均为这些问题截至期末(结束日期当天结束时)的状态,之后的记录不计入。",
        "Statuses are as they stood at the end of the period's last day; anything recorded later does not count.",
    ),
)


@dataclass(frozen=True)
class Period:
    first: date | None  # None: from the first record
    last: date
    start: str  # UTC instant of first's local midnight
    end: str  # UTC instant of the local midnight after `last`

    @property
    def text(self) -> str:
        begin = self.first.isoformat() if self.first else "最早记录"
        return f"{begin} 至 {self.last.isoformat()}"

    @property
    def text_en(self) -> str:
        begin = self.first.isoformat() if self.first else "the first record"
        return f"{begin} to {self.last.isoformat()}"

    @property
    def end_moment(self) -> datetime:
        """The last instant of the period: statuses are taken as they stood then."""
        return clock.from_text(self.end) - timedelta(milliseconds=1)


def period(first: date | None, last: date | None) -> Period:
    """The period from `first` (default: the first record) to `last` (default: today), both whole local days."""
    last = last or clock.today()
    if first is not None and first > last:
        raise InvalidInput(
            f"开始日期 {first} 晚于结束日期 {last},请检查 --from 和 --to。",
            f"The start date {first} is after the end date {last}: check --from and --to.",
        )

    def utc(day: date) -> str:
        return clock.to_text(datetime(day.year, day.month, day.day).astimezone())

    return Period(first, last, utc(first or EARLIEST), utc(last + timedelta(days=1)))


@dataclass(frozen=True)
class Export:
    """What a file will hold: its tables and its notes sheet (XLSX only; a CSV holds the first table)."""

    what: What
    tables: Sequence[Table]
    notes: Notes
    counts: tuple[int, ...]  # rows of each table (a table's rows may be a generator, read once while writing)

    @property
    def rows(self) -> int:
        return self.counts[0]


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int


def _local_date(text: str | None) -> date | None:
    return clock.local_date(clock.from_text(text)) if text else None


def _local_time(text: str | None) -> datetime | None:
    """A stored instant as the local wall-clock time, without a zone (Excel has none)."""
    return clock.from_text(text).astimezone().replace(tzinfo=None) if text else None


# ---------------------------------------------------------------------------------------------------- findings


FINDING_COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "Enterprise", max_width=36),
    Column("统一社会信用代码", "Unified social credit code"),
    Column("巡查日期", "Visit date", Kind.DATE, "发现该问题的巡查的日期", "Date of the visit that found it"),
    Column("检查项", "Item code", meaning_zh="检查表中的检查项编号", meaning_en="The checklist item's code"),
    Column("检查类别", "Category", max_width=20),
    Column("位置", "Location", max_width=24),
    Column("问题描述", "Description", max_width=50),
    Column("依据", "Basis", max_width=40),
    Column("等级", "Severity", meaning_zh="重大、较重、一般", meaning_en="Major, serious, general"),
    Column("整改要求", "Requirement", max_width=50),
    Column("整改期限", "Deadline", Kind.DATE),
    Column("状态(截至期末)", "Status as of the end", meaning_zh="见“截至”", meaning_en="See 'As of'"),
    Column("整改日期", "Rectified on", Kind.DATE, "复查确认已整改的日期", "Day a re-check confirmed it rectified"),
    Column("逾期天数", "Days overdue", Kind.INTEGER, "见“逾期”;未逾期为 0", "See 'Overdue'; 0 when not overdue"),
    Column("照片数", "Photos", Kind.INTEGER, "期末前关联的整改前后照片", "Before/after photos linked by the end"),
    Column("环保管家", "Steward"),
)


def _kept_standing(f: store.ExportedFinding, last: date) -> Standing:
    """How a finding stood at the end of a period after which nothing was recorded about it: its kept state (the
    state after all its events, services.findings.refresh_state), as documents.standing_at would work it out."""
    status = FindingStatus(f["status"])
    due = date.fromisoformat(f["deadline"]) if f["deadline"] else None
    closed_at = clock.from_text(f["closed_at"]) if status.closed and f["closed_at"] else None
    late = 0 if status.closed or due is None else max(0, (last - due).days)
    return Standing(status, closed_at, late, due)


def _standings(profile: Profile, span: Period) -> Iterator[tuple[store.ExportedFinding, Standing]]:
    """Each finding of the period with its standing as of the period's end, streamed from SQLite in order of
    creation. A finding with an event recorded after the period is read from its events (read side by side with
    the findings, both in that order, never the whole table); every other one stands as its kept state says, as
    the dashboard counts it (storage.period_counts)."""
    later = period_counts.later(profile.db, span.start, span.end, clock.to_text(span.end_moment))
    rows = store.findings(profile.db, span.start, span.end)
    events = store.finding_events(profile.db, span.start, span.end, later)
    moment = span.end_moment
    pending = None
    started = False
    try:
        for f in rows:
            if not started:  # read once the findings' read has begun, so both see the same snapshot
                pending, started = next(events, None), True
            if f["id"] not in later:
                yield f, _kept_standing(f, span.last)
                continue
            key = (f["created_at"], f["id"])
            while pending is not None and (pending["finding_created_at"], pending["finding_id"]) < key:
                pending = next(events, None)  # of a finding this read does not hold (written in between)
            own: list[FindingEvent] = []
            while pending is not None and pending["finding_id"] == f["id"]:
                own.append(findings.event_from_row(pending))
                pending = next(events, None)
            yield f, documents.standing_at(f, own, moment, span.last)
    finally:  # also when the writing stopped half-way: both reads end now, not whenever they are collected
        events.close()
        rows.close()


@dataclass
class _Totals:
    """The period's figures, counted as the findings stream past."""

    found: int = 0
    rectified: int = 0
    waived: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, standing: Standing) -> None:
        self.found += 1
        setattr(self, standing.bucket, getattr(self, standing.bucket) + 1)
        self.overdue += standing.overdue_days > 0


def _finding_table(profile: Profile, span: Period, totals: _Totals) -> Table:
    """The findings sheet; its rows are made while the file is written, counting `totals` as they go."""
    items: dict[str, TemplateItem | None] = {}

    def lines() -> Iterator[list[Cell]]:
        visit_started, visit_day = None, None  # a visit's findings come together: its date worked out once
        for f, standing in _standings(profile, span):
            totals.add(standing)
            description, basis, requirement = documents.printed_wording(profile, f, items)
            rectified = standing.status == FindingStatus.RECTIFIED and standing.closed_at is not None
            if f["visit_started_at"] != visit_started:
                visit_started, visit_day = f["visit_started_at"], _local_date(f["visit_started_at"])
            yield [
                f["enterprise_name"],
                f["credit_code"],
                visit_day,
                f["item_code"] or "",
                f["category"],
                f["location"],
                description,
                basis if basis != "—" else "",
                Severity(f["severity"]).zh,
                requirement,
                standing.deadline,
                standing.status.zh,
                clock.local_date(standing.closed_at) if rectified and standing.closed_at else None,
                standing.overdue_days,
                f["photos"],
                f["steward"],
            ]

    return Table(What.FINDINGS.zh, FINDING_COLUMNS, lines())


def _figures_lines(totals: _Totals, span: Period) -> list[tuple[str, str]]:
    found, rectified, waived, still_open, overdue = (
        totals.found,
        totals.rectified,
        totals.waived,
        totals.open,
        totals.overdue,
    )
    return [
        (
            "本期合计 Totals",
            f"发现问题 {found} 个;截至 {span.last}:已整改 {rectified} 个,已豁免 {waived} 个,尚待整改 {still_open} 个"
            f"(其中逾期 {overdue} 个);整改率 {percent(rectified, found)}(已整改 ÷ 发现问题)。\n"
            f"Found {found}; as of {span.last}: rectified {rectified}, waived {waived}, open {still_open} "
            f"({overdue} overdue); rate {percent(rectified, found)}.",
        )
    ]


# ---------------------------------------------------------------------------------------------------- enterprises


ENTERPRISE_COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "Enterprise", max_width=36),
    Column("统一社会信用代码", "Unified social credit code"),
    Column(
        "三色码(截至期末)", "Colour as of the end", meaning_zh="见“三色码评级”表", meaning_en="See the ratings export"
    ),
    Column("行业", "Industry", max_width=20),
    Column("地址", "Address", max_width=40),
    Column("法定代表人", "Legal representative"),
    Column("联系人", "Contact person"),
    Column("联系电话", "Contact phone"),
    Column("保单号", "Policy number"),
    Column("保险公司", "Insurer", max_width=24),
    Column("园区", "Park", max_width=24),
    Column("检查表", "Checklist code"),
    Column("本期巡查次数", "Visits in the period", Kind.INTEGER, "本期开始的已完成巡查", "Finished visits begun"),
    Column("本期发现问题", "Found", Kind.INTEGER, "见“发现”", "See 'Found'"),
    Column("已整改", "Rectified", Kind.INTEGER, "见“已整改”", "See 'Rectified'"),
    Column("已豁免", "Waived", Kind.INTEGER, "见“已豁免”", "See 'Waived'"),
    Column("待整改", "Open", Kind.INTEGER, "见“待整改”", "See 'Open'"),
    Column("逾期", "Overdue", Kind.INTEGER, "见“逾期”", "See 'Overdue'"),
    Column("整改率", "Rate", Kind.PERCENT, "见“整改率”;无问题时为空", "See 'Rate'; empty without findings"),
    Column("最近巡查日期", "Last visit", Kind.DATE, "期末前最近一次已完成巡查的日期", "Last finished visit by the end"),
    Column("已归档", "Archived", meaning_zh="已不再服务的企业", meaning_en="No longer served"),
)


def _enterprise_table(profile: Profile, span: Period) -> Table:
    from steward.storage import documents as document_store

    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(("found", "rectified", "waived", "open"), 0))
    overdue: dict[str, int] = defaultdict(int)
    for f, s in _standings(profile, span):
        counts[f["enterprise_id"]]["found"] += 1
        counts[f["enterprise_id"]][s.bucket] += 1
        overdue[f["enterprise_id"]] += s.overdue_days > 0
    visits = {v["enterprise_id"]: v["visits"] for v in document_store.period_visits(profile.db, span.start, span.end)}
    colours = {r.enterprise_id: r.rating.colour for r in ratings.ratings(profile, span.last)}

    def lines() -> Iterator[list[Cell]]:
        for e in store.enterprises(profile.db, span.end):
            c = counts[e["id"]]
            colour = colours.get(e["id"])
            yield [
                e["name"],
                e["credit_code"],
                colour.zh if colour else "",
                e["industry"],
                e["address"],
                e["legal_representative"],
                e["contact_person"],
                e["contact_phone"],
                e["policy_number"],
                e["insurer"],
                e["park"],
                e["template_code"],
                visits.get(e["id"], 0),
                c["found"],
                c["rectified"],
                c["waived"],
                c["open"],
                overdue[e["id"]],
                c["rectified"] / c["found"] if c["found"] else None,
                _local_date(e["last_visit_at"]),
                "是" if e["archived"] else "否",
            ]

    return Table(What.ENTERPRISES.zh, ENTERPRISE_COLUMNS, list(lines()))


# ---------------------------------------------------------------------------------------------------- visits


VISIT_COLUMNS: tuple[Column, ...] = (
    Column("巡查日期", "Visit date", Kind.DATE),
    Column("开始时间", "Started at", Kind.DATETIME),
    Column("完成时间", "Finished at", Kind.DATETIME),
    Column("企业名称", "Enterprise", max_width=36),
    Column("统一社会信用代码", "Unified social credit code"),
    Column("巡查类型", "Kind", meaning_zh="首次全面检查、日常巡查、专项检查、投诉核查、复查"),
    Column("环保管家", "Steward"),
    Column("检查表", "Checklist", max_width=30, meaning_zh="检查表名称、编号和版本", meaning_en="Name, code, version"),
    Column("已检查项", "Items answered", Kind.INTEGER),
    Column("合格", "Compliant", Kind.INTEGER),
    Column("不合格", "Not compliant", Kind.INTEGER),
    Column("不适用", "Not applicable", Kind.INTEGER),
    Column("新发现问题", "New findings", Kind.INTEGER, "本次巡查发现的问题", "Findings recorded in this visit"),
    Column("复查问题", "Re-checked", Kind.INTEGER, "本次巡查复查的以往问题", "Earlier findings re-checked"),
    Column("整改通知书编号", "Notice number"),
)


def _visit_table(profile: Profile, span: Period) -> Table:
    def lines() -> Iterator[list[Cell]]:
        for v in store.visits(profile.db, span.start, span.end):
            yield [
                _local_date(v["started_at"]),
                _local_time(v["started_at"]),
                _local_time(v["finished_at"]),
                v["enterprise_name"],
                v["credit_code"],
                VisitKind(v["kind"]).zh,
                v["steward"],
                f"{v['template_name']}({v['template_code']} 第{v['template_version']}版)",
                v["answered"],
                v["compliant"],
                v["not_compliant"],
                v["not_applicable"],
                v["new_findings"],
                v["rechecked"],
                v["notice_number"] or "",
            ]

    return Table(What.VISITS.zh, VISIT_COLUMNS, list(lines()))


# ---------------------------------------------------------------------------------------------------- ratings


RATING_COLUMNS: tuple[Column, ...] = (
    Column("企业名称", "Enterprise", max_width=36),
    Column("统一社会信用代码", "Unified social credit code"),
    Column("三色码", "Colour", meaning_zh="红码:重点监管;黄码:抽查;绿码:无事不扰", meaning_en="Red, yellow, green"),
    Column(
        "评级日期", "As of", Kind.DATE, "按截至该日结束时已知的记录评级", "Rated on what was known by that day's end"
    ),
    Column("触发规则数", "Reasons", Kind.INTEGER),
    Column("原因", "Why (Chinese)", max_width=80, meaning_zh="触发的每条规则及其问题、投诉或处罚"),
    Column("原因(英文)", "Why (English)", max_width=80),
)
MONTH_COLUMNS: tuple[Column, ...] = (
    Column("月末", "Month end", Kind.DATE, "每月最后一天;当月为结束日期", "Last day of each month; the end date"),
    Column("红码", "Red", Kind.INTEGER),
    Column("黄码", "Yellow", Kind.INTEGER),
    Column("绿码", "Green", Kind.INTEGER),
    Column("合计", "Total", Kind.INTEGER),
)


def _rating_tables(profile: Profile, span: Period) -> list[Table]:
    rated = ratings.ratings(profile, span.last)
    codes = {e["id"]: e["credit_code"] for e in store.enterprises(profile.db, span.end)}
    rows: list[list[Cell]] = [
        [
            r.name,
            codes.get(r.enterprise_id, ""),
            r.rating.colour.zh,
            r.rating.as_of,
            len(r.rating.reasons),
            "\n".join(reason.zh for reason in r.rating.reasons),
            "\n".join(reason.en for reason in r.rating.reasons),
        ]
        for r in rated
    ]
    first = span.first or _months_before(span.last, MONTHS_SHOWN - 1)
    months: list[list[Cell]] = []
    for day, counts in ratings.monthly_distribution(profile, first, span.last):
        months.append([day, counts[Colour.RED], counts[Colour.YELLOW], counts[Colour.GREEN], sum(counts.values())])
    return [Table(What.RATINGS.zh, RATING_COLUMNS, rows), Table("月末分布", MONTH_COLUMNS, months)]


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


# ---------------------------------------------------------------------------------------------------- the file


def build(profile: Profile, what: What | str, first: date | None = None, last: date | None = None) -> Export:
    """Gather what the export of `what` holds for the period (nothing is written yet)."""
    what = What(what)
    span = period(first, last)
    later: Callable[[], list[tuple[str, str]]] | None = None
    if what is What.FINDINGS:
        totals = _Totals()
        tables: list[Table] = [_finding_table(profile, span, totals)]  # its lines are made while the file is written
        counts: tuple[int, ...] = (store.count_findings(profile.db, span.start, span.end),)

        def later() -> list[tuple[str, str]]:
            return _figures_lines(totals, span)  # counted by then: the notes sheet follows the findings'
    else:
        if what is What.ENTERPRISES:
            tables = [_enterprise_table(profile, span)]
        elif what is What.VISITS:
            tables = [_visit_table(profile, span)]
        else:
            tables = _rating_tables(profile, span)
        counts = tuple(len(t.rows) for t in tables)  # type: ignore[arg-type]  # lists: only the findings stream
    return Export(what, tables, _notes(profile, what, span, tables, counts[0], later), counts)


def _notes(
    profile: Profile,
    what: What,
    span: Period,
    tables: Sequence[Table],
    rows: int,
    later: Callable[[], list[tuple[str, str]]] | None,
) -> Notes:
    made = clock.now().astimezone().strftime("%Y-%m-%d %H:%M")
    lines = [
        ("内容 Contents", f"{what.zh} {what.en}"),
        ("统计期间 Period", f"{span.text}(含首尾两日)\n{span.text_en}, both days included"),
        (
            "截至 As of",
            f"各项状态、逾期天数和三色码均截至 {span.last} 当天结束时。\n"
            f"Statuses, days overdue and colours are as of the end of {span.last}.",
        ),
        ("行数 Rows", f"{rows}"),
        ("环保管家 Steward", str(settings.get(profile, settings.STEWARD_NAME))),
        ("服务机构 Firm", str(settings.get(profile, settings.FIRM_NAME))),
        ("导出时间 Exported", f"{made}(环保管家 Steward {__version__},档案 profile “{profile.name}”)"),
    ]
    definitions = list(DEFINITIONS)
    for table in tables:
        for c in table.columns:
            definitions.append((f"{table.name} · {c.zh}", c.meaning_zh, f"{c.en}. {c.meaning_en}".strip(". ") + "."))
    return Notes("说明", lines, definitions, later)


def export(
    profile: Profile,
    what: What | str,
    fmt: Format | str,
    path: Path,
    first: date | None = None,
    last: date | None = None,
    progress: Progress | None = None,
) -> Written:
    """Write the export to `path` whole or not at all: XLSX (every table, then the notes sheet) or CSV (the first
    table, UTF-8 with a BOM). A bad period is refused before anything is touched."""
    fmt = Format(fmt)
    made = build(profile, what, first, last)
    total = made.counts[0] if fmt is Format.CSV else sum(made.counts)

    def counted(done: int) -> None:
        if progress:
            progress(done, total)

    if fmt is Format.CSV:
        rows = write_csv(Path(path), made.tables[0], counted)
    else:
        rows = write_xlsx(Path(path), made.tables, made.notes, counted)
    if progress:
        progress(total, total)
    # The findings stream from the database: what was written is the count (the count query only sized progress).
    return Written(Path(path), rows if len(made.tables) == 1 or fmt is Format.CSV else made.rows)
