"""One typed model per record the laptops push, checked at every door of the hub (the API and bundle import).

Derived from what the laptop sends (steward/sync/engine.py `_records`): the columns of its tables, with the types
and NOT NULL rules of its schema, so that a record the hub accepts can always be applied on every other laptop.
Fields the hub does not know are dropped (never stored, never handed on): a column name is never taken from data.
Values are kept as sent (a date stays the string the laptop wrote); only their type and form are checked.

No `from __future__ import annotations` here: Pydantic reads these annotations at run time.
"""

import json
import math
import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, Literal, TypedDict

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from steward.domain import credit_code
from steward.sync.wire import ENTITIES, content_hash

SHA256 = r"^[0-9a-f]{64}$"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
RECORD_ID = r"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64})$"  # UUID, or a photo's hash
MAX_DETAIL_CHARS = 200_000  # an audit entry's before/after, as JSON
_WESTMOST_OFFSET = timedelta(hours=12)  # UTC-12: where a day starts last


def _no_surrogates(value: str) -> str:
    """A lone surrogate (e.g. "\\ud800") is valid JSON but no text: it cannot be stored or hashed as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("text contains an invalid character (a lone surrogate)") from None
    return value


def _iso_datetime(value: str) -> str:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("not an ISO 8601 date and time, e.g. 2026-11-02T02:30:00.000Z") from None
    if len(value) < 16:
        raise ValueError("a date and time is needed, not only a date")
    return value


def _iso_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("not an ISO 8601 date, e.g. 2027-01-01") from None
    if len(value) != 10:
        raise ValueError("a date like 2027-01-01 is needed")
    return value


def _credit_code(value: str) -> str:
    if not credit_code.is_valid(value) or credit_code.normalize(value) != value:
        raise ValueError("not a valid unified social credit code (18 characters with its check character)")
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str, StringConstraints(min_length=min_length, max_length=max_length), AfterValidator(_no_surrogates)
    ]


Name = _text(200)
Required = _text(200, 1)
Note = _text(20_000)
Id = Annotated[str, Field(pattern=UUID)]
Sha = Annotated[str, Field(pattern=SHA256)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
Stamp = Annotated[
    str,
    StringConstraints(max_length=40),
    AfterValidator(_iso_datetime),
    WithJsonSchema({"type": "string", "format": "date-time", "maxLength": 40}),
]
Day = Annotated[str, AfterValidator(_iso_date), WithJsonSchema({"type": "string", "format": "date"})]
Count = Annotated[int, Field(ge=0, le=2**53)]
Flag = Literal[0, 1]
Severity = Literal["major", "serious", "general"]


class Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", allow_inf_nan=False)


class Enterprise(Body):
    id: Id
    name: Required
    credit_code: Annotated[str, AfterValidator(_credit_code)]
    industry: Name = ""
    address: Name = ""
    legal_representative: Name = ""
    contact_person: Name = ""
    contact_phone: Name = ""
    policy_number: Name = ""
    insurer: Name = ""
    park: Name = ""
    template_code: Annotated[str, Field(pattern=r"^([a-z0-9][a-z0-9_.-]{0,63})?$")] = ""
    archived: Flag = 0
    name_pinyin: _text(10_000) = ""
    created_at: Stamp
    updated_at: Stamp


class TemplateItem(Body):
    id: Id
    template_id: Id
    position: Count
    code: _text(40, 1)
    category_code: _text(40, 1)
    category_zh: Required
    category_en: Name = ""
    text_zh: _text(2000, 1)
    text_en: _text(2000) = ""
    basis: _text(2000) = ""
    severity: Severity
    guidance: Note = ""
    # What is wrong and what to do, as a notice states them (checklists from this version on carry them).
    problem: Note = ""
    problem_en: Note = ""
    requirement: Note = ""
    requirement_en: Note = ""


class Template(Body):
    id: Id
    code: Slug
    version: Annotated[int, Field(ge=1, le=1_000_000)]
    name_zh: Required
    name_en: Name = ""
    industry_zh: Name = ""
    industry_en: Name = ""
    deadline_major: Annotated[int, Field(ge=0, le=3650)]
    deadline_serious: Annotated[int, Field(ge=0, le=3650)]
    deadline_general: Annotated[int, Field(ge=0, le=3650)]
    content_hash: Sha
    source: Name = ""
    # Laptops leave imported_at out (every laptop ships the same bundled checklist, imported at a different moment).
    imported_at: Stamp | None = None
    items: Annotated[list[TemplateItem], Field(max_length=2000)] = []


class VisitItem(Body):
    item_id: Id
    position: Count


class Answer(Body):
    id: Id
    visit_id: Id
    item_id: Id
    result: Literal["compliant", "not_compliant", "not_applicable"] | None = None
    note: Note = ""
    updated_at: Stamp


class Visit(Body):
    id: Id
    enterprise_id: Id
    template_id: Id
    steward: Required
    kind: Literal["first", "routine", "special", "complaint", "recheck"]
    status: Literal["finished"]  # only finished visits travel: a record on the hub is never rewritten
    started_at: Stamp
    finished_at: Stamp
    summary: Note = ""
    items: Annotated[list[VisitItem], Field(max_length=2000)] = []
    answers: Annotated[list[Answer], Field(max_length=2000)] = []


class Finding(Body):
    id: Id
    enterprise_id: Id
    visit_id: Id
    item_id: Id | None = None
    location: Name = ""
    description: _text(20_000, 1)
    basis: _text(2000) = ""
    severity: Severity
    requirement: Note = ""
    deadline: Day | None = None
    created_at: Stamp
    created_by: Required


class FindingEvent(Body):
    id: Id
    finding_id: Id
    kind: Literal[
        "opened",
        "rectification_reported",
        "recheck_rectified",
        "recheck_partly",
        "recheck_not_rectified",
        "reopened",
        "waived",
    ]
    at: Stamp
    by: Required  # as typed on the laptop; the hub records the author from the token (see /v1/changes "author")
    note: Note = ""
    visit_id: Id | None = None  # the visit that re-checked it: a colleague may add events only through their own
    # 部分整改: the date agreed for the rest. Laptops before it leave it out (see wire.OPTIONAL_WHEN_EMPTY).
    new_deadline: Day | None = None

    @field_validator("new_deadline")
    @classmethod
    def _after_the_event(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None or "kind" not in info.data or "at" not in info.data:
            return value  # the kind or the time is wrong already, and said so
        if info.data["kind"] != "recheck_partly":
            raise ValueError("only a partial rectification (recheck_partly) sets a new deadline")
        # The event's date where the laptop was: the hub cannot know its zone, so the earliest date on Earth
        # (UTC-12) is the bound; a laptop checks its own date exactly.
        at = datetime.fromisoformat(info.data["at"].replace("Z", "+00:00"))
        utc = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        earliest_day = (utc - _WESTMOST_OFFSET).date()
        if date.fromisoformat(value) < earliest_day:
            raise ValueError(f"{value} is before the event's date")
        return value


class Photo(Body):
    sha256: Sha
    original_name: _text(255)
    original_ext: Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")]
    format: _text(20, 1)
    bytes: Count
    width: Annotated[int, Field(ge=0, le=1_000_000)]
    height: Annotated[int, Field(ge=0, le=1_000_000)]
    taken_at: Stamp | None = None
    gps_lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    gps_lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class PhotoLink(Body):
    id: Id
    sha256: Sha
    visit_id: Id | None = None
    item_id: Id | None = None
    finding_id: Id | None = None
    event_id: Id | None = None
    caption: _text(2000) = ""
    created_at: Stamp


class Signature(Body):
    id: Id
    visit_id: Id
    role: Literal["steward", "representative"]
    signer_name: Name = ""
    image_sha256: Sha | None = None
    refused: Flag = 0
    witness: Name = ""
    signed_at: Stamp


class Audit(Body):
    id: Id
    at: Stamp
    actor: Name
    entity: Slug
    entity_id: Annotated[str, Field(pattern=RECORD_ID)]
    action: Slug
    reason: Note = ""
    detail: dict[str, Any] = {}
    visit_id: Id | None = None


class Document(Body):
    id: Id
    visit_id: Id
    kind: Slug
    sha256: Sha
    bytes: Count
    name: _text(255, 1)
    notice_number: _text(100) | None = None
    created_at: Stamp


EARLIEST_EVENT = date(2000, 1, 1)  # before this a date is a typing slip (the laptop's own check says the same)


def _event_day(value: str) -> str:
    """A day that has happened: not before 2000, not after tomorrow (a laptop east of the hub is a day ahead)."""
    day = date.fromisoformat(_iso_date(value))
    if day < EARLIEST_EVENT:
        raise ValueError(f"a date before {EARLIEST_EVENT} is a typing slip")
    if day > date.today() + timedelta(days=1):
        raise ValueError("a date in the future: only what happened is recorded")
    return value


class EnterpriseEvent(Body):
    """A substantiated complaint (信访投诉), an administrative penalty or case, or a hazardous-waste violation found:
    what the three-colour rating counts besides findings. Revised in place by its author; a delete is the last
    revision, with deleted = 1."""

    id: Id
    enterprise_id: Id
    kind: Literal["complaint", "penalty", "hazwaste"]
    on_date: Annotated[str, AfterValidator(_event_day), WithJsonSchema({"type": "string", "format": "date"})]
    source: _text(100) = ""
    authority: _text(100) = ""
    number: _text(100) = ""
    substantiated: Flag = 1
    note: _text(2000) = ""
    created_at: Stamp
    created_by: Name  # as typed on the laptop; the hub records the author from the token (/v1/changes "author")
    revision: Annotated[int, Field(ge=1, le=1_000_000)] = 1
    updated_at: Stamp | None = None
    updated_by: Name = ""
    deleted: Flag = 0


MODELS: dict[str, type[Body]] = {
    "enterprise": Enterprise,
    "enterprise_event": EnterpriseEvent,
    "template": Template,
    "visit": Visit,
    "finding": Finding,
    "finding_event": FindingEvent,
    "photo": Photo,
    "photo_link": PhotoLink,
    "signature": Signature,
    "audit": Audit,
    "document": Document,
}
assert tuple(MODELS) == ENTITIES


class Record(BaseModel):
    """The envelope of one record: three strings and a body. Everything else (a known entity, an id of the right
    form, the hash, the body against its entity's model) is checked record by record in `clean_record`, so one bad
    record is refused on its own and never takes the rest of a push with it."""

    entity: str = Field(max_length=200, description="one of: " + ", ".join(ENTITIES))
    id: str = Field(max_length=200, description="a UUID, or a photo's SHA-256")
    hash: str = Field(max_length=200, description="SHA-256 of the canonical JSON of the body")
    body: Any = Field(description="an object, checked by the entity's model")


class InvalidRecord(ValueError):
    """A record the hub will not keep, naming it and the field at fault."""

    def __init__(self, entity: str, rid: str, field: str, problem: str, code: str = "invalid_record") -> None:
        super().__init__(f"{entity} {rid}: {field}: {problem}")
        self.entity, self.id, self.field, self.problem, self.code = entity, rid, field, problem, code


def _bad_text(body: Any) -> str | None:
    """The path of the first string (key or value) that is not text, or of a number JSON cannot carry. Asked of
    every record of every push: a body that encodes as UTF-8 JSON whole has none (one pass in C), and only one that
    does not is walked to name the place."""
    try:
        json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (ValueError, TypeError):  # UnicodeEncodeError is a ValueError
        return _bad_text_at(body)  # the place (as before: the walk alone decides)
    return None


def _bad_text_at(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path or "body"
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return path or "body"
    if isinstance(value, dict):
        for key, inner in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _bad_text_at(key) is not None:
                return path or "body"
            found = _bad_text_at(inner, where)
            if found:
                return found
    if isinstance(value, list):
        for index, inner in enumerate(value):
            found = _bad_text_at(inner, f"{path}[{index}]")
            if found:
                return found
    return None


class KeptRecord(TypedDict):
    """A record as the hub keeps it: checked by its entity's model, only known fields in its body, and the hash of
    that body."""

    entity: str
    id: str
    hash: str
    body: dict[str, Any]


def clean_record(entity: str, rid: str, claimed_hash: str, body: Any) -> KeptRecord:
    """The record as the hub keeps it: {entity, id, hash, body} with only known fields, or InvalidRecord.
    The claimed hash must match the body as sent; the kept hash is that of the kept body."""
    if entity not in MODELS:
        raise InvalidRecord(str(entity), rid, "entity", "unknown entity", code="unknown_entity")
    if not re.fullmatch(RECORD_ID, rid):
        raise InvalidRecord(entity, rid, "id", "not a record id (a UUID, or a photo's SHA-256)")
    if not re.fullmatch(SHA256, claimed_hash):
        raise InvalidRecord(entity, rid, "hash", "not a SHA-256 in lowercase hex", code="bad_hash")
    if not isinstance(body, dict):
        raise InvalidRecord(entity, rid, "body", "the body must be an object")
    bad = _bad_text(body)
    if bad is not None:
        raise InvalidRecord(entity, rid, bad, "text contains an invalid character (a lone surrogate) or number")
    if content_hash(body) != claimed_hash:
        raise InvalidRecord(entity, rid, "hash", "the hash does not match the body", code="bad_hash")
    try:
        model = MODELS[entity].model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidRecord(entity, rid, field, first["msg"]) from None
    kept = model.model_dump(exclude_unset=True)
    own_id = kept.get("sha256") if entity == "photo" else kept.get("id")
    if own_id != rid:
        raise InvalidRecord(entity, rid, "sha256" if entity == "photo" else "id", "differs from the record's id")
    if entity == "visit" and any(a["visit_id"] != rid for a in kept.get("answers", [])):
        raise InvalidRecord(entity, rid, "answers.visit_id", "an answer names another visit")
    if entity == "template" and any(i["template_id"] != rid for i in kept.get("items", [])):
        raise InvalidRecord(entity, rid, "items.template_id", "an item names another template")
    if entity == "photo_link" and not (kept.get("visit_id") or kept.get("finding_id") or kept.get("event_id")):
        raise InvalidRecord(entity, rid, "visit_id", "a photo link names a visit, a finding or an event")
    if entity == "audit" and len(str(kept.get("detail", ""))) > MAX_DETAIL_CHARS:
        raise InvalidRecord(entity, rid, "detail", "too long")
    return {"entity": entity, "id": rid, "hash": content_hash(kept), "body": kept}


def clean_records(records: list[Record]) -> tuple[list[KeptRecord], list[InvalidRecord]]:
    """The records the hub may keep, and the problem of each one it may not (in the order they came)."""
    kept: list[KeptRecord] = []
    invalid: list[InvalidRecord] = []
    for r in records:
        try:
            kept.append(clean_record(r.entity, r.id, r.hash, r.body))
        except InvalidRecord as exc:
            invalid.append(exc)
    return kept, invalid
