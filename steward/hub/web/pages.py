"""What the web page shows, computed from the records laptops pushed, and rendered with Jinja2 templates that escape
every value (steward/hub/templates/). Records are read defensively: a field of the wrong type shows as empty, it
never breaks the page for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from steward.domain.clock import STEWARDS_ZONE
from steward.domain.period import Period, standing_at
from steward.hub.store import HubStore
from steward.hub.web.facts import Finding, HubFacts

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


def china_today() -> date:
    return datetime.now(CHINA).date()


@dataclass(frozen=True)
class FindingRow:
    location: str
    description: str
    severity: str
    deadline: str
    status: str  # as it stood at the end of the period shown ("已整改 2026-11-08", "待整改,逾期 3 天")
    late: bool


@dataclass(frozen=True)
class DocumentLink:
    sha256: str
    label: str


@dataclass(frozen=True)
class RevisionRow:
    when: str
    who: str
    what: str
    reason: str
    changes: list[str]  # "问题描述:旧 → 新"


@dataclass(frozen=True)
class VisitSection:
    when: str
    kind: str
    steward: str
    findings: list[FindingRow]
    documents: list[DocumentLink]
    photos: list[str]
    revisions: list[RevisionRow]


def visit_sections(store: HubStore, facts: HubFacts, enterprise_id: str, period: Period) -> list[VisitSection]:
    """Each visit of the enterprise, newest first, with its findings (each as it stood at the period's end), PDFs
    and photos that reached the hub."""
    visits = sorted(
        (v for v in facts.visits.values() if v.enterprise_id == enterprise_id),
        key=lambda v: (v.started_at, v.id),
        reverse=True,
    )
    findings: dict[str, list[Finding]] = {}
    for f in facts.findings:
        if f.enterprise_id == enterprise_id:
            findings.setdefault(f.visit_id, []).append(f)
    linked = {
        sha
        for v in visits
        for owner in (v.id, *(f.id for f in findings.get(v.id, ())))
        for sha in facts.photos.get(owner, ())
    } | {sha for v in visits for sha, _kind, _number in facts.documents.get(v.id, ())}
    absent = set(store.missing(sorted(linked)))
    sections = []
    for visit in visits:
        own = findings.get(visit.id, [])
        photos = sorted(
            {sha for owner in (visit.id, *(f.id for f in own)) for sha in facts.photos.get(owner, ())} - absent
        )
        pdfs = [
            DocumentLink(sha, DOCUMENT_LABELS.get(kind, "文书") + (f" {number}" if number else ""))
            for sha, kind, number in facts.documents.get(visit.id, ())
            if sha not in absent
        ]
        rows = [_row(f, period) for f in own]
        revisions = [
            RevisionRow(
                visit_time(r.at),
                r.steward + (f"(记为“{r.actor}”)" if r.actor and r.actor != r.steward else ""),
                r.what,
                r.reason,
                [f"{c.field}:{c.before} → {c.after}" for c in r.changes],
            )
            for r in facts.revisions.get(visit.id, ())
        ]
        sections.append(
            VisitSection(visit_time(visit.started_at), visit.kind, visit.steward, rows, pdfs, photos, revisions)
        )
    return sections


def _row(f: Finding, period: Period) -> FindingRow:
    s = standing_at(f.deadline, f.events, period.closing, period.last)
    if f.created_at >= period.end:
        status = "(期末后发现)"
    elif s.closed_at is not None:
        status = f"{s.status.zh} {s.closed_at.astimezone(CHINA).date().isoformat()}"
    else:
        status = s.status.zh + (f",逾期 {s.overdue_days} 天" if s.overdue_days else "")
    late = s.overdue_days > 0 and s.closed_at is None
    return FindingRow(f.location, f.description, f.severity.zh if f.severity else "", _day(f.deadline), status, late)


def visit_time(moment: datetime) -> str:
    """A visit's time as the steward saw it, in China, wherever the hub's server runs."""
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""
