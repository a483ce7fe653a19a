"""The records laptops pushed, parsed once into typed facts for the page's figures, ratings and downloads.

Records are read defensively: a record of the wrong shape (from a hub before validation at its door, or a damaged
one) is left out of the figures; it never breaks the page for everyone. The parse is kept while the records stay the
same (HubStore.data_version), and when a sync adds some, only those are parsed and added (FactsCache): the page after
a sync costs what the sync brought, not every record of three years again."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from steward.domain import pinyin
from steward.domain.clock import STEWARDS_ZONE
from steward.domain.findings import FindingEvent
from steward.domain.labels import AnswerResult, EventKind, Severity, VisitKind
from steward.domain.rating import Facts, RatedFinding, RatedRecord, RatedVisit, RecordKind
from steward.hub.store import HubStore

_LABEL_CHARS = 16
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


def text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def instant(value: Any) -> datetime:
    """A stored instant; one without a zone is taken as where the stewards are. Raises ValueError/TypeError."""
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00")) if isinstance(value, str) else None
    if moment is None:
        raise TypeError("not a time")
    return moment if moment.tzinfo else moment.replace(tzinfo=STEWARDS_ZONE)


def member(kind: type[E], value: Any) -> E | None:
    """The enum member a stored value names, or None for anything else (a list, a number, an unknown word)."""
    if not isinstance(value, str):
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def day(value: Any) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Enterprise:
    id: str
    name: str
    credit_code: str
    address: str
    industry: str
    park: str
    pinyin: str
    archived: bool

    order: tuple[str, ...]  # how Chinese readers order names: by pinyin (安 before 白 before 仙)

    def matches(self, query: str) -> bool:
        """The app's enterprise search: every term in the name or the credit code, by any part ("源泉": two
        characters are enough), or a term of Latin letters in the pinyin keys ("xjyq")."""
        return pinyin.matches(query, (self.name, self.credit_code), self.pinyin)


@dataclass(frozen=True)
class Visit:
    id: str
    enterprise_id: str
    steward: str  # the name of the steward whose token pushed it
    kind: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Finding:
    id: str
    enterprise_id: str
    visit_id: str
    steward: str
    severity: Severity | None
    created_at: datetime
    deadline: date | None
    location: str
    description: str
    basis: str
    requirement: str
    item_code: str
    category: str
    events: tuple[FindingEvent, ...]
    photos: int

    @property
    def label(self) -> str:
        words = " ".join(self.description.split())
        short = words if len(words) <= _LABEL_CHARS else words[:_LABEL_CHARS] + "…"
        return f"{self.item_code} {short}" if self.item_code else short


# The words of an amendment's fields on the page (the laptop's audit detail names them).
_FIELD_WORDS = {
    "result": "结论",
    "note": "备注",
    "location": "位置",
    "description": "问题描述",
    "basis": "依据",
    "severity": "等级",
    "requirement": "整改要求",
    "deadline": "整改期限",
}
_WHAT = {"answer": "检查项答案", "finding": "问题", "photo_markup": "照片标注"}
_ACTIONS = {"amend": "修改", "amend_create": "补充"}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class Revision:
    """One amendment of a finished visit, as its audit entry on the hub says it: who (the steward whose token
    pushed it, and the name typed on the laptop), when, why, and each field before and after."""

    visit_id: str
    at: datetime
    steward: str
    actor: str
    what: str
    reason: str
    changes: tuple[Change, ...]


def _word(field: str, value: Any) -> str:
    if value is None:
        return "(无)"
    if field == "result":
        result = member(AnswerResult, value)
        return result.zh if result else text(value)
    if field == "severity":
        severity = member(Severity, value)
        return severity.zh if severity else text(value)
    return value if isinstance(value, str) else str(value)


def _revision(steward: str, body: dict[str, Any], answer_items: dict[str, str]) -> Revision | None:
    detail = body.get("detail")
    if not isinstance(detail, dict) or not text(body.get("visit_id")):
        return None
    try:
        at = instant(body.get("at"))
    except (TypeError, ValueError):
        return None
    before: dict[str, Any] = detail["before"] if isinstance(detail.get("before"), dict) else {}
    after: dict[str, Any] = detail["after"] if isinstance(detail.get("after"), dict) else {}
    fields = [f for f in _FIELD_WORDS if f in before or f in after]
    changes = tuple(Change(_FIELD_WORDS[f], _word(f, before.get(f)), _word(f, after.get(f))) for f in fields)
    kind = text(body.get("entity"))
    item = answer_items.get(text(body.get("entity_id"))) or text(detail.get("item_id"))
    subject = f"检查项 {item} 的答案" if kind == "answer" and item else _WHAT.get(kind, kind)
    what = subject + _ACTIONS.get(text(body.get("action")), "")
    return Revision(
        text(body["visit_id"]), at, steward, text(body.get("actor")), what, text(body.get("reason")), changes
    )


@dataclass
class HubFacts:
    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    visits: dict[str, Visit] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    records: dict[str, list[RatedRecord]] = field(default_factory=dict)  # enterprise events, by enterprise
    photos: dict[str, list[str]] = field(default_factory=dict)  # visit or finding id -> photos' SHA-256
    documents: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)  # visit id -> (sha, kind, number)
    revisions: dict[str, list[Revision]] = field(default_factory=dict)  # visit id -> its amendments, oldest first
    # rated()'s answer, kept up to date by the builder: a sync rebuilds only the enterprises it touched, and an
    # enterprise's Facts stays the same object while nothing of it changes (ratings of it can be kept).
    rated_facts: dict[str, Facts] = field(default_factory=dict)
    # findings_by_creation()'s answer, made on first use: every update makes a new HubFacts, so it never goes stale.
    _by_creation: list[Finding] | None = field(default=None, repr=False, compare=False)

    def findings_by_creation(self) -> list[Finding]:
        """The findings in order of creation (then id), sorted once per version of the facts: a download of a
        period reads its slice of them (bisect), not a sort of every finding the hub holds."""
        ordered = self._by_creation
        if ordered is None:
            ordered = self._by_creation = sorted(self.findings, key=lambda f: (f.created_at, f.id))
        return ordered

    def rated(self) -> dict[str, Facts]:
        """Every enterprise's facts for the rating."""
        if self.rated_facts.keys() == self.enterprises.keys():
            return dict(self.rated_facts)
        return self.rated_anew()

    def rated_anew(self) -> dict[str, Facts]:
        """rated() from the parsed records (its definition)."""
        findings: dict[str, list[RatedFinding]] = defaultdict(list)
        for f in self.findings:
            if f.severity is not None:
                findings[f.enterprise_id].append(
                    RatedFinding(f.id, f.label, f.severity, f.created_at, f.deadline, f.visit_id, f.events)
                )
        visits: dict[str, list[RatedVisit]] = defaultdict(list)
        for v in self.visits.values():
            visits[v.enterprise_id].append(RatedVisit(v.id, v.finished_at))
        return {
            eid: Facts(findings.get(eid, []), self.records.get(eid, []), visits.get(eid, []))
            for eid in self.enterprises
        }


def _enterprise(body: dict[str, Any]) -> Enterprise | None:
    eid = body.get("id")
    if not isinstance(eid, str) or not eid:
        return None
    return Enterprise(
        eid,
        text(body.get("name")),
        text(body.get("credit_code")),
        text(body.get("address")),
        text(body.get("industry")),
        text(body.get("park")),
        text(body.get("name_pinyin")).lower(),
        body.get("archived") in (1, True),
        pinyin.sort_key(text(body.get("name"))),
    )


def _visit(steward: str, body: dict[str, Any]) -> Visit | None:
    try:
        finished = body.get("finished_at")
        return Visit(
            text(body["id"]),
            text(body["enterprise_id"]),
            steward,
            kind.zh if (kind := member(VisitKind, body.get("kind"))) else "",
            instant(body["started_at"]),
            instant(finished) if finished else None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _event(body: dict[str, Any]) -> FindingEvent | None:
    try:
        return FindingEvent(
            text(body["id"]),
            text(body["finding_id"]),
            EventKind(body["kind"]),
            instant(body["at"]),
            text(body.get("by")),
            text(body.get("note")),
            text(body.get("visit_id")) or None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def _record(body: dict[str, Any]) -> RatedRecord | None:
    """An enterprise event (complaint, penalty, hazardous-waste violation) as the laptop keeps it; a deleted one
    (a tombstone) no longer counts."""
    on = day(body.get("on_date"))
    if on is None or not text(body.get("id")) or body.get("deleted") or body.get("deleted_at"):
        return None
    kind = member(RecordKind, body.get("kind"))
    if kind is None:
        return None
    return RatedRecord(
        text(body["id"]),
        kind,
        on,
        substantiated=body.get("substantiated", 1) in (1, True),
        source=text(body.get("source")),
        authority=text(body.get("authority")),
        number=text(body.get("number")),
        note=text(body.get("note")),
    )


def _items(templates: Iterable[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Checklist item id -> (code, category) from every template version on the hub."""
    found: dict[str, tuple[str, str]] = {}
    for t in templates:
        items = t.get("items")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                found[item["id"]] = (text(item.get("code")), text(item.get("category_zh")))
    return found


_LAST = "enterprise_event"
Row = tuple[str, str, str, dict[str, Any]]  # (entity, id, the pushing steward's name or "", body)


class _Builder:
    """HubFacts made from the records, then kept up to date as later records arrive (a sync adds a few hundred to
    tens of thousands): each later batch is applied to a shallow copy of the facts, so a request still reading the
    facts it was handed never sees them change. A batch that could make a full parse come out otherwise (a new or
    replaced enterprise or checklist, a visit some finding was waiting for, a record replaced that only the full
    parse knows how to place) asks for the full parse instead; so the facts always equal read_facts' of the same
    records (tests/test_hub_facts.py)."""

    def __init__(self) -> None:
        self.facts = HubFacts()
        self.version = (0, 0)  # HubStore.data_version() of the records applied
        self._events: dict[str, list[FindingEvent]] = defaultdict(list)
        self._photo_counts: dict[str, int] = defaultdict(int)
        self._items: dict[str, tuple[str, str]] = {}
        self._finding_at: dict[str, list[int]] = defaultdict(list)  # finding id -> its place(s) in facts.findings
        self._waiting: set[str] = set()  # visits that findings left out for want of them name
        self._event_records: set[str] = set()  # every enterprise_event record's id
        self._findings_of: dict[str, list[int]] = defaultdict(list)  # enterprise id -> places in facts.findings
        self._visits_of: dict[str, list[str]] = defaultdict(list)  # enterprise id -> its visits' ids
        self._answer_items: dict[str, str] = {}  # answer id -> its checklist item's id (for revisions' wording)

    def add(self, rows: list[Row], version: tuple[int, int], first: bool = False) -> bool:
        """Apply the records after those applied so far, in the order of the change sequence. False: these records
        need the full parse (nothing of this builder is to be used then)."""
        by_entity: dict[str, list[Row]] = defaultdict(list)
        for row in rows:
            by_entity[row[0]].append(row)
        if not first and (by_entity.get("enterprise") or by_entity.get("template")):
            return False
        old = self.facts
        facts = HubFacts(
            enterprises=dict(old.enterprises),
            visits=dict(old.visits),
            findings=list(old.findings),
            records=dict(old.records),
            photos=dict(old.photos),
            documents=dict(old.documents),
            revisions=dict(old.revisions),
            rated_facts=dict(old.rated_facts),
        )
        touched: set[str] = set()  # enterprises whose facts for the rating change
        changed: set[str] = set()  # findings already listed whose events or photos grew
        for row in by_entity.get("enterprise", ()):
            ent = _enterprise(row[3])
            if ent is not None:
                facts.enterprises[ent.id] = ent
        for _entity, _rid, steward, body in by_entity.get("visit", ()):
            visit = _visit(steward, body)
            if visit is not None and visit.id and visit.enterprise_id in facts.enterprises:
                if not first and (visit.id in facts.visits or visit.id in self._waiting):
                    return False
                facts.visits[visit.id] = visit
                self._visits_of[visit.enterprise_id].append(visit.id)
                touched.add(visit.enterprise_id)
                answers = body.get("answers")
                for a in answers if isinstance(answers, list) else []:
                    if isinstance(a, dict) and text(a.get("id")):
                        self._answer_items[a["id"]] = text(a.get("item_id"))
        for row in by_entity.get("finding_event", ()):
            event = _event(row[3])
            if event is not None:
                self._events[event.finding_id].append(event)
                changed.add(event.finding_id)
        for row in by_entity.get("photo_link", ()):
            link = row[3]
            sha = text(link.get("sha256"))
            if isinstance(link.get("finding_id"), str):
                self._photo_counts[link["finding_id"]] += 1
                changed.add(link["finding_id"])
            for owner in {text(link.get("visit_id")), text(link.get("finding_id"))} - {""}:
                if sha:
                    facts.photos[owner] = [*facts.photos.get(owner, ()), sha]
        for row in by_entity.get("document", ()):
            d = row[3]
            if (visit_id := text(d.get("visit_id"))) and (sha := text(d.get("sha256"))):
                kept = (sha, text(d.get("kind")), text(d.get("notice_number")))
                facts.documents[visit_id] = [*facts.documents.get(visit_id, ()), kept]
        self._items.update(_items(row[3] for row in by_entity.get("template", ())))
        for _entity, _rid, steward, body in by_entity.get("audit", ()):
            revision = _revision(steward, body, self._item_codes(body))
            if revision is None:
                continue
            if revision.visit_id not in facts.visits:
                self._waiting.add(revision.visit_id)  # the full parse would list it once its visit is here
                continue
            revisions = [*facts.revisions.get(revision.visit_id, ()), revision]
            facts.revisions[revision.visit_id] = sorted(revisions, key=lambda r: r.at)
        for fid in changed & self._finding_at.keys():
            for at in self._finding_at[fid]:
                facts.findings[at] = replace(
                    facts.findings[at], events=tuple(self._events[fid]), photos=self._photo_counts.get(fid, 0)
                )
                touched.add(facts.findings[at].enterprise_id)
        for _entity, _rid, steward, body in by_entity.get("finding", ()):
            try:
                fid, visit_id = text(body["id"]), text(body["visit_id"])
                created = instant(body["created_at"])
            except (KeyError, TypeError, ValueError):
                continue
            visit = facts.visits.get(visit_id)
            if visit is None:
                self._waiting.add(visit_id)
                continue
            # The summary's definition: findings of finished visits (every visit on the hub is one) there.
            if not fid or visit.enterprise_id != text(body.get("enterprise_id")):
                continue
            code, category = self._items.get(text(body.get("item_id")), ("", ""))
            self._finding_at[fid].append(len(facts.findings))
            self._findings_of[visit.enterprise_id].append(len(facts.findings))
            touched.add(visit.enterprise_id)
            facts.findings.append(
                Finding(
                    fid,
                    visit.enterprise_id,
                    visit.id,
                    steward,
                    member(Severity, body.get("severity")),
                    created,
                    day(body.get("deadline")),
                    text(body.get("location")),
                    text(body.get("description")),
                    text(body.get("basis")),
                    text(body.get("requirement")),
                    code,
                    category or "其他",
                    tuple(self._events.get(fid, ())),
                    self._photo_counts.get(fid, 0),
                )
            )
        replaced = 0
        for _entity, rid, _steward, body in by_entity.get(_LAST, ()):
            if rid in self._event_records:  # a revision: the old one leaves, the new one comes last (as stored)
                replaced += 1
                for eid, kept_records in facts.records.items():
                    if any(r.id == rid for r in kept_records):
                        facts.records[eid] = [r for r in kept_records if r.id != rid]
                        touched.add(eid)
            self._event_records.add(rid)
            record = _record(body)
            if record is not None and text(body.get("enterprise_id")) in facts.enterprises:
                eid = text(body["enterprise_id"])
                facts.records[eid] = [*facts.records.get(eid, ()), record]
                touched.add(eid)
        if not first and self.version[1] + len(rows) - replaced != version[1]:
            return False  # a record replaced or removed some other way: only the full parse places it
        for eid in facts.enterprises if first else touched & facts.enterprises.keys():
            facts.rated_facts[eid] = self._rated(facts, eid)
        self.facts, self.version = facts, version
        return True

    def _item_codes(self, audit: dict[str, Any]) -> dict[str, str]:
        """answer id -> the checklist code an amended answer's revision names (the item's id when unknown)."""
        answer = text(audit.get("entity_id"))
        item = self._answer_items.get(answer)
        return {answer: self._items.get(item, ("", ""))[0] or item[:8]} if item else {}

    def _rated(self, facts: HubFacts, eid: str) -> Facts:
        """One enterprise's facts for the rating, as HubFacts.rated_anew makes them."""
        findings = [facts.findings[at] for at in self._findings_of.get(eid, ())]
        visits = [facts.visits[vid] for vid in self._visits_of.get(eid, ())]
        return Facts(
            [
                RatedFinding(f.id, f.label, f.severity, f.created_at, f.deadline, f.visit_id, f.events)
                for f in findings
                if f.severity is not None
            ],
            facts.records.get(eid, []),
            [RatedVisit(v.id, v.finished_at) for v in visits],
        )


def _full(store: HubStore) -> _Builder:
    builder = _Builder()
    version, rows = store.records_after(0)
    builder.add(rows, version, first=True)
    return builder


def read_facts(store: HubStore) -> HubFacts:
    """Every record of the hub parsed into facts."""
    return _full(store).facts


class FactsCache:
    """The parsed facts, brought up to date with the records added since (or parsed again when that cannot be
    done); and what was computed from them (a period's figures and ratings), kept for the few periods asked last
    while the records stay the same, so paging through the list of a period computes it once."""

    def __init__(self, store: HubStore, keep: int = 8) -> None:
        self.store = store
        self.keep = keep
        self._lock = threading.Lock()
        self._builder: _Builder | None = None
        self._derived: OrderedDict[Hashable, Any] = OrderedDict()
        self.full_parses = 0  # how often every record was parsed (the first time, and when a batch could not be added)

    def get(self) -> HubFacts:
        version = self.store.data_version()
        with self._lock:
            builder = self._builder
            if builder is None or version != builder.version:
                if builder is not None:
                    latest, rows = self.store.records_after(builder.version[0])
                    if not builder.add(rows, latest):
                        builder = None
                if builder is None:
                    builder = _full(self.store)
                    self.full_parses += 1
                self._builder = builder
                self._derived.clear()
            return builder.facts

    def derived(self, key: Hashable, make: Callable[[HubFacts], T]) -> tuple[T, HubFacts]:
        """make(facts), computed once per key while the records stay the same."""
        facts = self.get()
        with self._lock:
            if self._builder is not None and facts is self._builder.facts and key in self._derived:
                self._derived.move_to_end(key)
                return self._derived[key], facts
        value = make(facts)
        with self._lock:
            if self._builder is not None and facts is self._builder.facts:
                self._derived[key] = value
                while len(self._derived) > self.keep:
                    self._derived.popitem(last=False)
        return value, facts
