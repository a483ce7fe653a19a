"""What the web page shows, computed from the records laptops pushed, and rendered with Jinja2 templates that escape
every value (steward/hub/templates/). Records are read defensively: a field of the wrong type shows as empty, it
never breaks the page for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from steward.domain.clock import STEWARDS_ZONE
from steward.domain.labels import Severity, VisitKind
from steward.hub.store import HubStore
from steward.hub.web.facts import HubFacts, instant

# Stewards and insurer staff work in China; the hub's own clock may be set to any zone.
CHINA = STEWARDS_ZONE
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


def china_today() -> date:
    return datetime.now(CHINA).date()


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


def visit_sections(store: HubStore, facts: HubFacts, enterprise_id: str) -> list[VisitSection]:
    """Each visit of the enterprise, newest first, with its findings, PDFs and photos that reached the hub."""
    visits = [v for v in store.bodies("visit") if _text(v.get("enterprise_id")) == enterprise_id]
    findings = [f for f in store.bodies("finding") if _text(f.get("enterprise_id")) == enterprise_id]
    stewards = {v.id: v.steward for v in facts.visits.values() if v.enterprise_id == enterprise_id}
    links = store.bodies("photo_link")
    documents = store.bodies("document")
    linked = {_text(link.get("sha256")) for link in links} | {_text(d.get("sha256")) for d in documents}
    absent = set(store.missing(sorted(linked - {""})))
    sections = []
    for visit in sorted(visits, key=lambda v: _text(v.get("started_at")), reverse=True):
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
                # Who pushed it (the token's steward); the name typed on the laptop only if the hub has no other.
                stewards.get(_text(visit.get("id"))) or _text(visit.get("steward")),
                rows,
                pdfs,
                photos,
            )
        )
    return sections


def _number(value: Any) -> str:
    return f" {value}" if isinstance(value, str) and value else ""


def _when(value: Any) -> str:
    try:
        return instant(value).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return _text(value)[:16].replace("T", " ")


def _label(kind: type[Severity] | type[VisitKind], value: Any) -> str:
    try:
        return kind(value).zh
    except ValueError:
        return ""
