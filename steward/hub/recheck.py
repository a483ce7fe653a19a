"""What /v1/recheck-photos hands each steward, kept up to date instead of read again for every request.

A steward's list is their colleagues' photos of findings still open at the enterprises the steward has visited
(see README: who may read what). Reading it straight from the records meant parsing every finding and finding
event at those enterprises and deriving each finding's state, for every request of every laptop: 0.3 to 0.7 s of
the hub's CPU per sync on a year of an office's records, more than everything else of a sync together. Whether a
finding is open, which photos point at it and which enterprises a steward has visited are the same for every
reader, so the hub keeps them once, in memory, and adds only the records that arrived since it last looked (the
change sequence only grows: a replaced record is deleted and inserted anew at its end). A steward's list is then a
walk over the photos of open findings.

The reads are HubStore's (steward/hub/store.py); this module holds no SQL and does no I/O.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from steward.domain.findings import FindingEvent, derive_state
from steward.domain.labels import EventKind

# The kinds of record the index keeps (a list also needs each photo's record, read when a list is made: kept here,
# every photo of a province's hub would be held in memory).
ENTITIES = ("visit", "finding", "finding_event", "photo_link")


@dataclass
class _Link:
    seq: int
    owner: int
    finding_id: str
    sha256: str
    body: dict[str, Any]


@dataclass
class RecheckIndex:
    """The hub's findings, their events, visits and photo links, as of `seq` (the last record applied)."""

    seq: int = 0
    visits: dict[str, tuple[int, str]] = field(default_factory=dict)  # visit id -> (owner, enterprise id)
    visited: dict[int, Counter[str]] = field(default_factory=dict)  # owner -> their visits per enterprise
    findings: dict[str, tuple[str, str]] = field(default_factory=dict)  # finding id -> (enterprise id, visit id)
    events: dict[str, dict[str, FindingEvent]] = field(default_factory=dict)  # finding id -> its events by id
    event_finding: dict[str, str] = field(default_factory=dict)  # event id -> finding id
    links: dict[str, _Link] = field(default_factory=dict)  # photo link id -> the link (those naming a finding)
    present: set[str] = field(default_factory=set)  # photos' files the hub holds
    _open: dict[str, bool] = field(default_factory=dict)  # finding id -> open (derived when first asked)

    def apply(self, rows: list[tuple[int, str, str, int, str]]) -> None:
        """Records after `seq`, in sequence order: (seq, entity, id, owner, body as JSON text)."""
        for seq, entity, rid, owner, text in rows:
            self.seq = max(self.seq, seq)
            body = json.loads(text)
            if not isinstance(body, dict):
                continue
            if entity == "visit":
                self._visit(rid, owner, body)
            elif entity == "finding":
                self.findings[rid] = (str(body.get("enterprise_id")), str(body.get("visit_id")))
            elif entity == "finding_event":
                self._event(rid, body)
            elif entity == "photo_link":
                self.links.pop(rid, None)
                if isinstance(body.get("finding_id"), str) and isinstance(body.get("sha256"), str):
                    self.links[rid] = _Link(seq, owner, body["finding_id"], body["sha256"], body)

    def _visit(self, rid: str, owner: int, body: dict[str, Any]) -> None:
        before = self.visits.get(rid)
        if before is not None:  # replaced (an amendment): counted once
            self.visited[before[0]][before[1]] -= 1
        enterprise = str(body.get("enterprise_id"))
        self.visits[rid] = (owner, enterprise)
        self.visited.setdefault(owner, Counter())[enterprise] += 1

    def _event(self, rid: str, body: dict[str, Any]) -> None:
        before = self.event_finding.pop(rid, None)
        if before is not None:
            self.events.get(before, {}).pop(rid, None)
            self._open.pop(before, None)
        try:  # as the laptop reads an event: one it cannot read does not count
            moment = datetime.fromisoformat(str(body["at"]).replace("Z", "+00:00"))
            event = FindingEvent(
                rid, str(body["finding_id"]), EventKind(body["kind"]), moment, str(body.get("by", "")), "", None
            )
        except (KeyError, ValueError):
            return
        self.event_finding[rid] = event.finding_id
        self.events.setdefault(event.finding_id, {})[rid] = event
        self._open.pop(event.finding_id, None)

    def is_open(self, finding_id: str) -> bool:
        known = self._open.get(finding_id)
        if known is None:
            known = self._open[finding_id] = not derive_state(self.events.get(finding_id, {}).values()).closed
        return known

    def unseen_files(self) -> list[str]:
        """Photos linked to a finding whose file the hub did not hold when last asked."""
        return sorted({link.sha256 for link in self.links.values()} - self.present)

    def photos_for(self, reader: int) -> list[tuple[str, str, str, dict[str, Any]]]:
        """`reader`'s list but for the photos' records: (sha256, finding id, visit id, link) of colleagues' links,
        whose file the hub holds, to findings still open at the enterprises the reader has visited, in the order
        the links arrived (`links` keeps that order: a link is only ever added at the end of the sequence)."""
        visited = {e for e, n in self.visited.get(reader, Counter()).items() if n > 0}
        out = []
        for link in self.links.values():
            finding = self.findings.get(link.finding_id)
            if (
                link.owner == reader
                or finding is None
                or finding[0] not in visited
                or link.sha256 not in self.present
                or not self.is_open(link.finding_id)
            ):
                continue
            out.append((link.sha256, link.finding_id, finding[1], link.body))
        return out


def listed(chosen: list[tuple[str, str, str, dict[str, Any]]], photos: dict[str, str]) -> list[dict[str, Any]]:
    """The list as /v1/recheck-photos answers it, from photos_for and the photos' records (sha256 -> stored JSON);
    a link whose photo has no record is left out."""
    return [
        {
            "sha256": sha,
            "finding_id": finding_id,
            "visit_id": visit_id,
            "caption": link.get("caption", ""),
            "created_at": link["created_at"],
            "photo": json.loads(photos[sha]),
        }
        for sha, finding_id, visit_id, link in chosen
        if sha in photos
    ]
