"""What each printed document says, as plain data: filled by steward.services.documents, drawn by steward.reports."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from steward.domain.labels import AnswerResult

# An item's result as printed, in either language: the report shades these.
NOT_COMPLIANT_LABELS = frozenset({AnswerResult.NOT_COMPLIANT.zh, AnswerResult.NOT_COMPLIANT.en})


@dataclass(frozen=True)
class Letterhead:
    firm_name: str
    insurer_name: str
    logo_path: str | None
    title: str
    document_id: str
    generated_at: str  # local time, as printed: for a visit's documents, when the visit was finished
    author: str
    insurer_policy: str = ""


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
    stamp: tuple[str, ...] = ()  # lines printed under the picture: capture time and place, steward
    aspect: float = 4 / 3  # width / height, as seen
    marked_sha256: str | None = (
        None  # the marked copy printed instead of the photo as taken (sha256 stays the original's)
    )


@dataclass(frozen=True)
class Signature:
    role: str  # 检查人员 / 企业负责人
    name: str
    image_path: str | None
    refused: bool = False
    witness: str = ""
    signed_at: str = ""
    image_sha256: str = ""  # the stored signature image (its path is found again on a reprint)


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
    issued_on: str = ""  # the 落款 date: the day the visit was finished


@dataclass(frozen=True)
class ItemResult:
    code: str
    category: str
    text: str
    result: str  # 合格 / 不合格 / 不适用 / 未检查
    note: str
    category_en: str = ""  # the checklist's English wording, for a report printed in English
    text_en: str = ""


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
    as_of: str = ""  # the moment the report speaks of (the visit's finish), as printed
    heading: str = ""  # the title printed on the first page (the PDF's title also names the enterprise)
    language: str = "zh"  # what the fixed words are printed in; "en" only as made by documents_english
    # The summary's figures (items, answered, not compliant, new, re-checked, rectified here, still open), so the
    # summary can be said in another language; empty in reports kept before they were recorded.
    counts: tuple[int, ...] = ()


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
    waived: int
    open: int
    overdue: int

    @property
    def rate(self) -> str:
        from steward.domain.findings import percent

        return percent(self.rectified, self.found)


@dataclass(frozen=True)
class ColourChange:
    """One enterprise's colour changing within a period: on which day, from what to what, and the rules' reasons."""

    name: str
    on: str
    was: str  # 绿码
    now: str  # 黄码
    why: tuple[str, ...]


@dataclass(frozen=True)
class PeriodColours:
    """The park's three colours at the end of a period and the changes within it, both as of the period's end."""

    rules: str  # the rules file's name, so a reader knows which rules rated
    counts: tuple[tuple[str, int], ...]  # (红码, enterprises), red first
    changes: tuple[ColourChange, ...] = ()
    problem: str = ""  # why there are no colours (a malformed rules file), said instead of them


@dataclass(frozen=True)
class PeriodSummary:
    letterhead: Letterhead
    period: str
    rows: tuple[SummaryRow, ...]
    total: SummaryRow
    by_category: tuple[tuple[str, int], ...]  # (category name, findings)
    by_month: tuple[tuple[str, int, int], ...]  # (YYYY-MM, found that month, of those found: rectified that month)
    as_of: str = ""  # the period's last day: every status is as it stood at its end
    colours: PeriodColours | None = None


@dataclass
class RenderResult:
    pdf: bytes
    warnings: list[str] = field(default_factory=list)


def to_json(document: Any) -> str:
    """A document's data as JSON, to be kept as the record of what it said."""
    return json.dumps(dataclasses.asdict(document), ensure_ascii=False, sort_keys=True)


def from_json(cls: type, text: str) -> Any:
    return _decode(cls, json.loads(text))


@functools.cache
def _fields(cls: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's field types and names: evaluating the hints compiles each annotation (a tenth of a reprint)."""
    return typing.get_type_hints(cls), frozenset(f.name for f in dataclasses.fields(cls) if f.init)


def _decode(hint: Any, value: Any) -> Any:
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        hints, known = _fields(hint)
        return hint(**{k: _decode(hints[k], v) for k, v in value.items() if k in known})
    origin = typing.get_origin(hint)
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], v) for v in value)
        return tuple(_decode(a, v) for a, v in zip(args, value, strict=True))
    if origin in (typing.Union, types.UnionType):
        return value
    return value
