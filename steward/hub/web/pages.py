"""What the web page shows, computed from the records laptops pushed, and rendered with Jinja2 templates that escape
every value (steward/hub/templates/). Records are read defensively: a field of the wrong type shows as empty, it
never breaks the page for everyone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from steward.domain.findings import FindingEvent, derive_state
from steward.domain.labels import EventKind, Severity, VisitKind
from steward.hub.store import HubStore

# Stewards and insurer staff work in China; the hub's own clock may be set to any zone.
CHINA = timezone(timedelta(hours=8), "UTC+8")
DOCUMENT_LABELS = {"visit_report": "巡查报告", "notice": "整改通知书"}

_templates = Environment(
    loader=PackageLoader("steward.hub", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, **context: Any) -> str:
    return _templates.get_template(template).render(**context)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _parse(text: Any) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA)


def china_today() -> date:
    return datetime.now(CHINA).date()


@dataclass
class EnterpriseSummary:
    id: str
    name: str
    credit_code: str
    address: str
    found: int = 0
    open: int = 0
    overdue: int = 0
    visits: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FindingRow:
    location: str
    description: str
    severity: str
    deadline: str


@dataclass(frozen=True)
class DocumentLink:
    sha256: str
    label: str


@dataclass(frozen=True)
class VisitSection:
    when: str
    kind: str
    steward: str
    findings: list[FindingRow]
    documents: list[DocumentLink]
    photos: list[str]


def overview(store: HubStore, today: date) -> dict[str, EnterpriseSummary]:
    enterprises = {
        e["id"]: EnterpriseSummary(e["id"], _text(e.get("name")), _text(e.get("credit_code")), _text(e.get("address")))
        for e in store.bodies("enterprise")
        if isinstance(e.get("id"), str)
    }
    events: dict[str, list[FindingEvent]] = {}
    for e in store.bodies("finding_event"):
        try:
            finding_id = _text(e["finding_id"])
            events.setdefault(finding_id, []).append(
                FindingEvent(_text(e["id"]), finding_id, EventKind(e["kind"]), _parse(e["at"]), _text(e.get("by")))
            )
        except (KeyError, TypeError, ValueError):
            continue
    for f in store.bodies("finding"):
        ent = enterprises.get(_text(f.get("enterprise_id")))
        if ent is None:
            continue
        state = derive_state(events.get(_text(f.get("id")), []))
        ent.found += 1
        if not state.closed:
            ent.open += 1
            deadline = _text(f.get("deadline"))
            if deadline and deadline < today.isoformat():
                ent.overdue += 1
    for v in store.bodies("visit"):
        ent = enterprises.get(_text(v.get("enterprise_id")))
        if ent is not None:
            ent.visits.append(v)
    return enterprises


def index_rows(store: HubStore) -> list[EnterpriseSummary]:
    """Most overdue first, then most open, then by name."""
    return sorted(overview(store, china_today()).values(), key=lambda e: (-e.overdue, -e.open, e.name))


def enterprise_detail(store: HubStore, enterprise_id: str) -> tuple[EnterpriseSummary, list[VisitSection]] | None:
    ent = overview(store, china_today()).get(enterprise_id)
    if ent is None:
        return None
    findings = [f for f in store.bodies("finding") if _text(f.get("enterprise_id")) == enterprise_id]
    links = store.bodies("photo_link")
    documents = store.bodies("document")
    linked = {_text(link.get("sha256")) for link in links} | {_text(d.get("sha256")) for d in documents}
    absent = set(store.missing(sorted(linked - {""})))
    sections = []
    for visit in sorted(ent.visits, key=lambda v: _text(v.get("started_at")), reverse=True):
        own = [f for f in findings if _text(f.get("visit_id")) == _text(visit.get("id"))]
        ids = ({_text(visit.get("id"))} | {_text(f.get("id")) for f in own}) - {""}
        photos = sorted(
            {
                sha
                for link in links
                if (_text(link.get("visit_id")) in ids or _text(link.get("finding_id")) in ids)
                and (sha := _text(link.get("sha256")))
                and sha not in absent
            }
        )
        pdfs = [
            DocumentLink(sha, DOCUMENT_LABELS.get(_text(d.get("kind")), "文书") + _number(d.get("notice_number")))
            for d in documents
            if _text(d.get("visit_id")) == _text(visit.get("id"))
            and (sha := _text(d.get("sha256")))
            and sha not in absent
        ]
        rows = [
            FindingRow(
                _text(f.get("location")),
                _text(f.get("description")),
                _label(Severity, f.get("severity")),
                _text(f.get("deadline")),
            )
            for f in own
        ]
        sections.append(
            VisitSection(
                _when(visit.get("started_at")),
                _label(VisitKind, visit.get("kind")),
                _text(visit.get("steward")),
                rows,
                pdfs,
                photos,
            )
        )
    return ent, sections


def _number(value: Any) -> str:
    return f" {value}" if isinstance(value, str) and value else ""


def _when(value: Any) -> str:
    try:
        return _parse(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return _text(value)[:16].replace("T", " ")


def _label(kind: type[Severity] | type[VisitKind], value: Any) -> str:
    try:
        return kind(value).zh
    except ValueError:
        return ""
