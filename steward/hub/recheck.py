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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypedDict

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
    """The hub's open findings, their events and photo links, and who visited which enterprise, as of `seq` (the
    last record applied).

    Bounded by what is open, not by the hub's history: a finding found closed once a batch of records is applied
    is retired (its events and links dropped; a province's year is 100,000 findings, 90% of them closed, and an
    index of all of them held 335 MB in every worker). A record naming a finding the index does not hold can only
    name a retired one (the hub refuses an event or a link whose finding it lacks, and a replaced finding moves to
    the end of the sequence with the records naming it): a link to it is dropped (a closed finding's photos are not
    handed out), an event may reopen it, so its finding is `wanted` and the store reads that finding's records
    again (reload)."""

    seq: int = 0
    visited: dict[int, set[str]] = field(default_factory=dict)  # owner -> enterprises they have visited
    findings: dict[str, tuple[str, str]] = field(default_factory=dict)  # finding id -> (enterprise id, visit id)
    events: dict[str, dict[str, FindingEvent]] = field(default_factory=dict)  # finding id -> its events by id
    event_finding: dict[str, str] = field(default_factory=dict)  # event id -> finding id
    links: dict[str, _Link] = field(default_factory=dict)  # photo link id -> the link (those naming a finding)
    links_of: dict[str, set[str]] = field(default_factory=dict)  # finding id -> ids of the links naming it
    present: set[str] = field(default_factory=set)  # photos' files the hub holds
    wanted: set[str] = field(default_factory=set)  # retired findings an event named since: to be read again
    _open: dict[str, bool] = field(default_factory=dict)  # finding id -> open (derived when first asked)

    def apply(self, rows: list[tuple[int, str, str, int, str]]) -> None:
        """Records after `seq`, in sequence order: (seq, entity, id, owner, body as JSON text)."""
        self._take(rows)

    def reload(self, finding_ids: set[str], rows: list[tuple[int, str, str, int, str]]) -> None:
        """Every record of these `wanted` findings (the findings, their events and links; any order), read again.
        A finding the hub does not hold (nor any event naming it) is not asked for again."""
        self._take(sorted(rows, key=lambda row: (row[1] != "finding", row[0])), reloading=True)
        self.wanted -= finding_ids

    def _take(self, rows: list[tuple[int, str, str, int, str]], reloading: bool = False) -> None:
        touched: set[str] = set()
        for seq, entity, rid, owner, text in rows:
            if not reloading:
                self.seq = max(self.seq, seq)
            body = json.loads(text)
            if not isinstance(body, dict):
                continue
            if entity == "visit":
                self.visited.setdefault(owner, set()).add(str(body.get("enterprise_id")))
            elif entity == "finding":
                self.findings[rid] = (str(body.get("enterprise_id")), str(body.get("visit_id")))
                self.wanted.discard(rid)
                touched.add(rid)
            elif entity == "finding_event":
                touched.add(self._event(rid, body))
            elif entity == "photo_link":
                self._drop_link(rid)
                finding_id = body.get("finding_id")
                if isinstance(finding_id, str) and finding_id in self.findings and isinstance(body.get("sha256"), str):
                    self.links[rid] = _Link(seq, owner, finding_id, body["sha256"], body)
                    self.links_of.setdefault(finding_id, set()).add(rid)
        for finding_id in touched:
            if finding_id in self.findings and not self.is_open(finding_id):
                self._retire(finding_id)

    def _event(self, rid: str, body: dict[str, Any]) -> str:
        """Apply a finding event; the finding it names."""
        before = self.event_finding.pop(rid, None)
        if before is not None:
            self.events.get(before, {}).pop(rid, None)
            self._open.pop(before, None)
        finding_id = str(body.get("finding_id"))
        if finding_id not in self.findings:
            self.wanted.add(finding_id)  # a retired finding: this event may reopen it
            return finding_id
        try:  # as the laptop reads an event: one it cannot read does not count
            moment = datetime.fromisoformat(str(body["at"]).replace("Z", "+00:00"))
            event = FindingEvent(rid, finding_id, EventKind(body["kind"]), moment, str(body.get("by", "")), "", None)
        except (KeyError, ValueError):
            return finding_id
        self.event_finding[rid] = finding_id
        self.events.setdefault(finding_id, {})[rid] = event
        self._open.pop(finding_id, None)
        return finding_id

    def _drop_link(self, rid: str) -> None:
        link = self.links.pop(rid, None)
        if link is not None:
            self.links_of.get(link.finding_id, set()).discard(rid)
            self.present.discard(link.sha256)  # asked again if another link names the same file

    def _retire(self, finding_id: str) -> None:
        """A closed finding leaves the index with its events and links."""
        del self.findings[finding_id]
        self._open.pop(finding_id, None)
        for event_id in self.events.pop(finding_id, {}):
            self.event_finding.pop(event_id, None)
        for link_id in list(self.links_of.pop(finding_id, ())):
            self._drop_link(link_id)

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
        the links arrived."""
        visited = self.visited.get(reader, set())
        out = []
        for link in sorted(self.links.values(), key=lambda link: link.seq):  # a reloaded finding's links: in place
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


class RecheckItem(TypedDict):
    """One photo of a steward's re-check list, as /v1/recheck-photos answers it."""

    sha256: str
    finding_id: str
    visit_id: str
    caption: str
    created_at: str
    photo: dict[str, Any]  # the photo's record


def listed(chosen: list[tuple[str, str, str, dict[str, Any]]], photos: dict[str, str]) -> list[RecheckItem]:
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
