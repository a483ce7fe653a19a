"""The rows storage hands to services and the UI, typed: one TypedDict per kind of row, named for what it is.

TypedDicts, not dataclasses: a row stays the dict it always was (`row["name"]`, `{**row, ...}`, JSON), so code that
still takes a plain dict keeps working, while mypy checks every key read from a record and its type. A record that
a query widens (a visit with its enterprise's name, a finding with its item's code) is the plain row's subclass, so
it goes wherever the plain row does. tests/test_records.py holds each record to its query's columns."""

from __future__ import annotations

from typing import Any, TypedDict


class Enterprise(TypedDict):
    """A row of `enterprises`."""

    id: str
    name: str
    credit_code: str
    industry: str
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    policy_number: str
    insurer: str
    park: str
    template_code: str
    archived: int
    created_at: str
    updated_at: str
    name_pinyin: str


class EnterpriseListed(Enterprise):
    """An enterprise in a list: its open and overdue findings and its latest visit."""

    open_findings: int
    overdue_findings: int
    last_visit_at: str | None


class EnterpriseName(TypedDict):
    id: str
    name: str


class Template(TypedDict):
    """A row of `templates`: one version of a checklist."""

    id: str
    code: str
    version: int
    name_zh: str
    name_en: str
    industry_zh: str
    industry_en: str
    deadline_major: int
    deadline_serious: int
    deadline_general: int
    content_hash: str
    source: str
    imported_at: str


class TemplateListed(Template):
    item_count: int
    visit_count: int


class TemplateItem(TypedDict):
    """A row of `template_items`: one item of a checklist version."""

    id: str
    template_id: str
    position: int
    code: str
    category_code: str
    category_zh: str
    category_en: str
    text_zh: str
    text_en: str
    basis: str
    severity: str
    guidance: str
    problem: str
    problem_en: str
    requirement: str
    requirement_en: str


class Visit(TypedDict):
    """A row of `visits`."""

    id: str
    enterprise_id: str
    template_id: str
    steward: str
    kind: str
    status: str
    started_at: str
    finished_at: str | None
    notice_number: str | None
    summary: str
    updated_at: str
    origin: str


class VisitOfEnterprise(Visit):
    """A visit with its enterprise's name (what every screen and document shows)."""

    enterprise_name: str


class VisitListed(VisitOfEnterprise):
    """A visit in a list: how far it got and what it found."""

    answered: int
    item_count: int
    new_findings: int


class VisitItem(TemplateItem):
    """An item of a visit's checklist with its answer, if it has one (the answer's columns are None then)."""

    answer_id: str | None
    result: str | None
    note: str | None
    answered_at: str | None


class Answer(TypedDict):
    """A row of `answers`: one visit's answer to one item."""

    id: str
    visit_id: str
    item_id: str
    result: str | None
    note: str
    updated_at: str


class Signature(TypedDict):
    """A row of `signatures`: a drawn signature, or a refusal to sign with its witness."""

    id: str
    visit_id: str
    role: str
    signer_name: str
    image_sha256: str | None
    refused: int
    witness: str
    signed_at: str


class Finding(TypedDict):
    """A row of `findings`. Its status, closed_at and deadline are a cache of its events' verdict."""

    id: str
    enterprise_id: str
    visit_id: str
    item_id: str | None
    location: str
    description: str
    basis: str
    severity: str
    requirement: str
    deadline: str | None
    created_at: str
    created_by: str
    status: str
    closed_at: str | None
    updated_at: str
    original_deadline: str | None
    description_confirmed_at: str | None


class FindingOfVisit(Finding):
    """A finding with the code of its checklist item (None for one raised outside the checklist)."""

    item_code: str | None


class FindingInContext(FindingOfVisit):
    """A finding with its enterprise's name and its item's category."""

    enterprise_name: str
    category_code: str | None
    category_zh: str | None


class FindingListed(FindingOfVisit):
    """A finding in the findings list: where, which category, and how many days overdue as of the day asked."""

    enterprise_name: str
    category_code: str | None
    overdue_days: int


class FindingEvent(TypedDict):
    """A row of `finding_events`, append-only: what happened to a finding (steward.domain.findings.FindingEvent is
    the same event parsed for the rules)."""

    id: str
    finding_id: str
    kind: str
    at: str
    by: str
    note: str
    visit_id: str | None
    new_deadline: str | None


class FigureCounts(TypedDict):
    """One enterprise's findings of finished visits, counted in SQL."""

    enterprise_id: str
    found: int
    rectified: int
    waived: int
    open: int
    overdue: int


class FindingFacts(TypedDict):
    """What the figures need of one finding of a finished visit."""

    id: str
    enterprise_id: str
    severity: str
    status: str
    deadline: str | None
    created_at: str
    closed_at: str | None
    category: str


class Photo(TypedDict):
    """A row of `photos`: one distinct picture (by content)."""

    sha256: str
    original_name: str
    original_ext: str
    format: str
    bytes: int
    width: int
    height: int
    taken_at: str | None
    gps_lat: float | None
    gps_lon: float | None
    imported_at: str
    original_present: int


class PhotoFile(TypedDict):
    sha256: str
    original_ext: str
    original_present: int


class PhotoMarkup(TypedDict):
    """A row of `photo_markup`: the shapes drawn on a photo (JSON) and the marked copy drawn from them (None: the
    markup was removed). Rows are only added; the newest is in force."""

    id: str
    sha256: str
    shapes: str
    marked_sha256: str | None
    created_at: str
    by: str


class PhotoLink(TypedDict):
    """A row of `photo_links`: a photo shown in a visit, on an item, a finding or an event."""

    id: str
    sha256: str
    visit_id: str | None
    item_id: str | None
    finding_id: str | None
    event_id: str | None
    caption: str
    created_at: str


class LinkedPhoto(PhotoLink):
    """A link with what the strip and the documents need of its photo."""

    original_ext: str
    width: int
    height: int
    taken_at: str | None
    gps_lat: float | None
    gps_lon: float | None
    original_name: str


class EnterpriseAddress(TypedDict):
    id: str
    address: str


class FindingOfLedger(FindingOfVisit):
    """A finding of a finished visit in an enterprise's ledger, with when its visit finished."""

    visit_finished_at: str | None


class PeriodFindingRow(TypedDict):
    """What the period's figures (the summary, the dashboard) need of a finding of a finished visit: its enterprise,
    checklist category ('其他' outside the checklist), item code ('' outside it) and what groups it."""

    id: str
    enterprise_id: str
    severity: str
    deadline: str | None
    original_deadline: str | None
    created_at: str
    enterprise_name: str
    category: str
    category_code: str
    description: str
    location: str
    item_code: str
    steward: str
    industry: str
    park: str
    address: str


class VisitCount(TypedDict):
    """How many finished visits an enterprise had in a period."""

    enterprise_id: str
    enterprise_name: str
    visits: int


class PhotoOfFinding(Photo):
    """A photo with its link to a finding ('before'), or to one of its events ('after': event_id is set)."""

    link_id: str
    finding_id: str | None
    event_id: str | None
    linked_at: str


class PhotoOfVisit(PhotoOfFinding):
    """A photo shown in a visit, with the item it was taken at (code None outside the checklist) and its caption."""

    item_id: str | None
    caption: str
    item_code: str | None


class Document(TypedDict):
    """A row of `documents`: a finished visit's PDF as archived for the hub (content-addressed by sha256)."""

    id: str
    visit_id: str
    kind: str
    sha256: str
    bytes: int
    name: str
    notice_number: str | None
    created_at: str


class EnterpriseEventFields(TypedDict):
    """A complaint, penalty or hazardous-waste record as it travels (sync pushes a revision of one entered here)."""

    id: str
    enterprise_id: str
    kind: str
    on_date: str
    source: str
    authority: str
    number: str
    substantiated: int
    note: str
    created_at: str
    created_by: str
    revision: int
    updated_at: str | None
    updated_by: str
    deleted: int


class EnterpriseEvent(EnterpriseEventFields):
    """A row of `enterprise_events`: a complaint, penalty or hazardous-waste violation the rating weighs. Edited in
    place with its revision raised; deleted by a tombstone (deleted = 1). Its origin says where it was entered."""

    origin: str


class EnterpriseEventOfEnterprise(EnterpriseEvent):
    """A record with its enterprise's name."""

    enterprise_name: str


class AuditRow(TypedDict):
    """A row of `audit_log`: one amendment (of a finished visit, or of a complaint/penalty record), its detail the
    JSON text of what changed."""

    id: str
    at: str
    actor: str
    entity: str
    entity_id: str
    action: str
    reason: str
    detail: str


class AuditEntry(TypedDict):
    """An audit row with its detail read: free-form JSON (before/after of whichever fields changed, the visit)."""

    id: str
    at: str
    actor: str
    entity: str
    entity_id: str
    action: str
    reason: str
    detail: dict[str, Any]


# -- the rows sync reads and writes (steward/storage/sync_records.py) -----------------------------------------------
class TemplateWithItems(Template):
    """A checklist version with its items, as sync sends it."""

    items: list[TemplateItem]


class ItemPosition(TypedDict):
    """A row of `visit_items` without its visit: an item of the visit's checklist and where it stands."""

    item_id: str
    position: int


class VisitParts(TypedDict):
    """What a visit's record carries besides its own row: its checklist's items in order and its answers."""

    items: list[ItemPosition]
    answers: list[Answer]


class FindingAsRecorded(TypedDict):
    """A finding as its visit recorded it (what sync sends): its own deadline, never one a later 部分整改 agreed."""

    id: str
    enterprise_id: str
    visit_id: str
    item_id: str | None
    location: str
    description: str
    basis: str
    severity: str
    requirement: str
    deadline: str | None
    created_at: str
    created_by: str


class PhotoOriginal(TypedDict):
    """Where a photo's original is: its hash and extension."""

    sha256: str
    original_ext: str


class PhotoUpload(PhotoOriginal):
    """A photo's original to upload: its size and whether it is still on this laptop."""

    bytes: int
    original_present: int


class RefusalToKeep(TypedDict):
    """A record the hub would not keep, as remembered: which content (hash) and why (the hub's code and words)."""

    entity: str
    id: str
    hash: str
    code: str
    zh: str
    en: str


class Refusal(RefusalToKeep):
    """A remembered refusal: when, and whether it waits for another record (retry 1: tried again once something new
    has been acknowledged)."""

    refused_at: str
    retry: int


class EnterpriseMerge(TypedDict):
    """An enterprise of this laptop merged into the hub's at a pull: its old id, when, and its own values the hub's
    replaced (column -> value, as JSON kept them)."""

    old_id: str
    merged_at: str
    replaced: dict[str, str | int]
