"""What each printed document says, as plain data: filled by steward.services.documents, drawn by steward.reports."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Letterhead:
    firm_name: str
    insurer_name: str
    logo_path: str | None
    title: str
    document_id: str
    generated_at: str  # local time, as printed
    author: str


@dataclass(frozen=True)
class EnterpriseBlock:
    name: str
    credit_code: str
    legal_representative: str
    address: str
    contact: str
    policy_number: str
    insurer: str


@dataclass(frozen=True)
class Photo:
    number: int
    path: str | None  # the stored report rendition; None when the file is missing
    sha256: str
    caption: str
    watermark: tuple[str, ...] = ()  # lines drawn over the picture: enterprise, time, steward, GPS
    aspect: float = 4 / 3  # width / height, as seen


@dataclass(frozen=True)
class Signature:
    role: str  # 检查人员 / 企业负责人
    name: str
    image_path: str | None
    refused: bool = False
    witness: str = ""
    signed_at: str = ""


@dataclass(frozen=True)
class NoticeFinding:
    number: int
    location: str
    description: str
    basis: str
    severity: str
    requirement: str
    deadline: str
    photo_numbers: tuple[int, ...]


@dataclass(frozen=True)
class Notice:
    letterhead: Letterhead
    notice_number: str
    enterprise: EnterpriseBlock
    visit_kind: str
    visit_time: str
    stewards: str
    findings: tuple[NoticeFinding, ...]
    photos: tuple[Photo, ...]
    signatures: tuple[Signature, ...]
    copies: tuple[str, ...] = ("",)  # e.g. ("第一联 企业留存", "第二联 服务机构留存", "第三联 保险公司留存")


@dataclass(frozen=True)
class ItemResult:
    code: str
    category: str
    text: str
    result: str  # 合格 / 不合格 / 不适用 / 未检查
    note: str


@dataclass(frozen=True)
class RecheckLine:
    description: str
    found_on: str
    deadline: str
    outcome: str  # 已整改 / 部分整改 / 未整改 / 未复查
    overdue_days: int
    note: str


@dataclass(frozen=True)
class VisitReport:
    letterhead: Letterhead
    enterprise: EnterpriseBlock
    visit_kind: str
    visit_time: str
    steward: str
    items: tuple[ItemResult, ...]
    new_findings: tuple[NoticeFinding, ...]
    rechecks: tuple[RecheckLine, ...]
    photos: tuple[Photo, ...]
    summary: tuple[str, ...]
    signatures: tuple[Signature, ...]


@dataclass(frozen=True)
class LedgerEntry:
    number: int
    found_on: str
    item_code: str
    location: str
    description: str
    severity: str
    deadline: str
    status: str
    closed_on: str
    days_to_close: str
    overdue_days: int
    before: tuple[Photo, ...]
    after: tuple[Photo, ...]


@dataclass(frozen=True)
class Ledger:
    letterhead: Letterhead
    enterprise: EnterpriseBlock
    period: str
    entries: tuple[LedgerEntry, ...]
    totals: str


@dataclass(frozen=True)
class SummaryRow:
    name: str
    visits: int
    major: int
    serious: int
    general: int
    found: int
    rectified: int
    rate: float
    open: int
    overdue: int


@dataclass(frozen=True)
class PeriodSummary:
    letterhead: Letterhead
    period: str
    rows: tuple[SummaryRow, ...]
    total: SummaryRow
    by_category: tuple[tuple[str, int], ...]  # (category name, findings)
    by_month: tuple[tuple[str, int, int], ...]  # (YYYY-MM, found, rectified)


@dataclass
class RenderResult:
    pdf: bytes
    warnings: list[str] = field(default_factory=list)
