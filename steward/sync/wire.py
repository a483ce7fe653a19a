"""What travels between laptop and hub, shared by both ends: protocol version, record envelope, hashing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

PROTOCOL_VERSION = 1
HEADER_PROTOCOL = "X-Steward-Protocol"
HEADER_PROFILE = "X-Steward-Profile"
HEADER_CHUNK_SHA256 = "X-Chunk-SHA256"
CHUNK_SIZE = 1024 * 1024

# Push order: what a record refers to travels before it, so the hub's change sequence is in dependency order.
ENTITIES = (
    "enterprise",
    "enterprise_event",
    "template",
    "visit",
    "finding",
    "finding_event",
    "photo",
    "photo_link",
    "signature",
    "audit",
    "document",
)
# What a hub that does not list its entities in /v1/hello takes (the first protocol's): a laptop sends it nothing
# else, so a record of a newer kind waits on the laptop instead of being refused by an older hub.
FIRST_ENTITIES = tuple(e for e in ENTITIES if e != "enterprise_event")
# Records a steward writes only for their own visits; the rest (enterprises, templates, finding events, photos and
# their links) merge from everyone. Owned records name their visit in body["visit_id"]. Enterprise events
# (complaints, penalties, hazardous-waste violations) are their author's: each edit or delete is a new revision.
OWNED_BY_VISIT = ("visit", "finding", "signature", "audit", "document")
# A checklist's id follows its content, and every laptop ships the same built-in ones: what says when this
# installation stored it stays home, so the same checklist is the same record on every laptop and on the hub.
TEMPLATE_LOCAL_FIELDS = ("imported_at",)
# Fields added to an entity after laptops had synced it: left out of the body while empty, so a record made before
# the field existed keeps its body and hash, and a hub or laptop that does not know the field reads it as before.
# A finding event's new_deadline is the date a 部分整改 agreed for the rest (a date, not before the event's own).
OPTIONAL_WHEN_EMPTY: dict[str, tuple[str, ...]] = {"finding_event": ("new_deadline",)}


# -- the bodies, one per entity: what this laptop sends (steward/sync/engine.py `_records`) and so what a colleague's
# laptop of this version sends too. The hub's models (steward/hub/models.py) check each at its door and keep the
# fields as sent; tests/test_wire_bodies.py holds these to those models and to the bodies a real outbox builds. They
# are the protocol, not the laptop's tables: a column added to a table stays home until a body names it.
class EnterpriseBody(TypedDict):
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
    name_pinyin: str
    created_at: str
    updated_at: str


class EnterpriseEventBody(TypedDict):
    """A complaint, penalty or hazardous-waste record; each edit or delete (deleted = 1) is a new revision."""

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


class TemplateItemBody(TypedDict):
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


class TemplateBody(TypedDict):
    """A checklist version with its items. When this installation stored it (imported_at) stays home: see
    TEMPLATE_LOCAL_FIELDS; an older laptop sent it, so the hub still takes it."""

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
    items: list[TemplateItemBody]
    imported_at: NotRequired[str | None]


class VisitItemBody(TypedDict):
    item_id: str
    position: int


class AnswerBody(TypedDict):
    id: str
    visit_id: str
    item_id: str
    result: str | None
    note: str
    updated_at: str


class VisitBody(TypedDict):
    """A finished visit with its checklist's items in order and its answers (only finished visits travel)."""

    id: str
    enterprise_id: str
    template_id: str
    steward: str
    kind: str
    status: str
    started_at: str
    finished_at: str
    summary: str
    items: list[VisitItemBody]
    answers: list[AnswerBody]


class FindingBody(TypedDict):
    """A finding as its visit recorded it: its own deadline (a later 部分整改's travels on that event)."""

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


class FindingEventBody(TypedDict):
    id: str
    finding_id: str
    kind: str
    at: str
    by: str
    note: str
    visit_id: str | None
    new_deadline: NotRequired[str | None]  # left out while empty: see OPTIONAL_WHEN_EMPTY


class PhotoBody(TypedDict):
    """A photo's facts; its file travels as a blob named by the hash."""

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


class PhotoLinkBody(TypedDict):
    id: str
    sha256: str
    visit_id: str | None
    item_id: str | None
    finding_id: str | None
    event_id: str | None
    caption: str
    created_at: str


class SignatureBody(TypedDict):
    """A drawn signature (its PNG travels as a blob named by image_sha256), or a refusal to sign with its witness."""

    id: str
    visit_id: str
    role: str
    signer_name: str
    image_sha256: str | None
    refused: int
    witness: str
    signed_at: str


class AuditBody(TypedDict):
    """An amendment of a finished visit, with the visit it belongs to (the hub's owner rule reads visit_id)."""

    id: str
    at: str
    actor: str
    entity: str
    entity_id: str
    action: str
    reason: str
    detail: dict[str, Any]  # free-form JSON: before/after of whichever fields the amendment changed
    visit_id: str | None


class DocumentBody(TypedDict):
    """A finished visit's PDF as the app made it; the file travels as a blob named by sha256."""

    id: str
    visit_id: str
    kind: str
    sha256: str
    bytes: int
    name: str
    notice_number: str | None
    created_at: str


Body = (
    EnterpriseBody
    | EnterpriseEventBody
    | TemplateBody
    | VisitBody
    | FindingBody
    | FindingEventBody
    | PhotoBody
    | PhotoLinkBody
    | SignatureBody
    | AuditBody
    | DocumentBody
)
BODIES: dict[str, type[Mapping[str, object]]] = {
    "enterprise": EnterpriseBody,
    "enterprise_event": EnterpriseEventBody,
    "template": TemplateBody,
    "visit": VisitBody,
    "finding": FindingBody,
    "finding_event": FindingEventBody,
    "photo": PhotoBody,
    "photo_link": PhotoLinkBody,
    "signature": SignatureBody,
    "audit": AuditBody,
    "document": DocumentBody,
}
assert tuple(BODIES) == ENTITIES


class Record(TypedDict):
    """The envelope of one record a push sends: its body and the SHA-256 of the body's canonical JSON."""

    entity: str
    id: str
    body: Body
    hash: str


class PulledRecord(TypedDict):
    """A record of the hub's change feed (/v1/changes, a bundle): a body is whatever JSON the hub handed on, read
    only through storage's schema check (sync_records.schema_row), never trusted to be of its entity's shape. The
    author is the steward the hub knows from the pushing token."""

    entity: str
    id: str
    hash: str
    body: object
    author: NotRequired[str | None]  # None: a record the hub itself imported; left out by a hub before authors


def without_empty_optional(entity: str, body: Mapping[str, object]) -> dict[str, object]:
    optional = OPTIONAL_WHEN_EMPTY.get(entity, ())
    return {k: v for k, v in body.items() if not (k in optional and v is None)}


def canonical(body: object) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def content_hash(body: object) -> str:
    return hashlib.sha256(canonical(body)).hexdigest()


def record(entity: str, record_id: str, body: Body) -> Record:
    return {"entity": entity, "id": record_id, "body": body, "hash": content_hash(body)}
