"""Checklist templates in a profile: import a file as a new version, list them, install the bundled ones."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from steward.domain import clock
from steward.domain.errors import NotFound
from steward.domain.labels import Severity
from steward.resources import checklists_dir
from steward.storage import records
from steward.storage import settings as settings_store
from steward.storage import templates as store
from steward.storage.profile import Profile

if TYPE_CHECKING:
    from steward.domain.templates import Template


@dataclass(frozen=True)
class ImportOutcome:
    template: records.Template
    created: bool  # False: the same content was already the latest version


def template_id_for(template: Template) -> str:
    """The id follows the content: every laptop (and the hub) that has the same checklist has the same id."""
    return str(uuid.uuid5(TEMPLATE_NAMESPACE, f"{template.code}:{template.content_hash()}"))


def template_rows(
    template: Template, version: int, source: str = ""
) -> tuple[records.Template, list[records.TemplateItem]]:
    template_id = template_id_for(template)
    row: records.Template = {
        "id": template_id,
        "code": template.code,
        "version": version,
        "name_zh": template.name_zh,
        "name_en": template.name_en,
        "industry_zh": template.industry_zh,
        "industry_en": template.industry_en,
        "deadline_major": template.deadline_days[Severity.MAJOR],
        "deadline_serious": template.deadline_days[Severity.SERIOUS],
        "deadline_general": template.deadline_days[Severity.GENERAL],
        "content_hash": template.content_hash(),
        "source": source,
        "imported_at": clock.to_text(clock.now()),
    }
    items: list[records.TemplateItem] = [
        {
            "id": str(uuid.uuid5(TEMPLATE_NAMESPACE, f"{template_id}:{item.code}")),
            "template_id": template_id,
            "position": pos,
            "code": item.code,
            "category_code": item.category_code,
            "category_zh": item.category_zh,
            "category_en": item.category_en,
            "text_zh": item.text_zh,
            "text_en": item.text_en,
            "basis": item.basis,
            "severity": item.severity.value,
            "guidance": item.guidance,
            "problem": item.problem,
            "problem_en": item.problem_en,
            "requirement": item.requirement,
            "requirement_en": item.requirement_en,
        }
        for pos, item in enumerate(template.items)
    ]
    return row, items


def save(profile: Profile, template: Template, source: str = "") -> ImportOutcome:
    """Store `template` as a new version unless the latest version has the same content."""
    content_hash = template.content_hash()
    latest = store.latest_version(profile.db, template.code)
    if latest is not None and latest["content_hash"] == content_hash:
        return ImportOutcome(latest, created=False)
    existing = store.get(profile.db, template_id_for(template))
    if existing is not None:
        return ImportOutcome(existing, created=False)
    with profile.db.write():
        row, items = template_rows(template, store.next_version_number(profile.db, template.code), source)
        store.insert_version(profile.db, row, items)
    return ImportOutcome(row, created=True)


def import_file(profile: Profile, path: Path) -> ImportOutcome:
    from steward.services.template_files import read_template_file  # only when a checklist file is read

    return save(profile, read_template_file(path), source=path.name)


_BUNDLED_FINGERPRINT = "bundled_checklists_sha256"
# The shipped checklists as read, by the fingerprint of their bytes: a process that makes several profiles (the demo,
# a second profile, the tests) parses the same files once. Templates are frozen, so sharing them is safe.
_bundled_read: dict[str, list[tuple[str, Template]]] = {}
TEMPLATE_NAMESPACE = uuid.UUID("5b7e2f0e-4b43-4c1e-9a3c-2f7d3e8a9c10")


def install_bundled(profile: Profile) -> list[ImportOutcome]:
    """The checklists shipped in resources/checklists, each stored once (a changed one as a new version).
    Skipped when the shipped files are byte for byte those installed last time."""
    files = sorted(checklists_dir().glob("*.yaml"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    fingerprint = digest.hexdigest()
    if settings_store.get(profile.db, _BUNDLED_FINGERPRINT) == fingerprint:
        return []
    if fingerprint not in _bundled_read:
        from steward.services.template_files import read_template_file  # only when a checklist file is read

        _bundled_read[fingerprint] = [(p.name, read_template_file(p)) for p in files]
    outcomes = [save(profile, template, source=name) for name, template in _bundled_read[fingerprint]]
    settings_store.put(profile.db, _BUNDLED_FINGERPRINT, fingerprint)
    return outcomes


def listing(profile: Profile) -> list[records.TemplateListed]:
    return store.list_all(profile.db)


def latest(profile: Profile, code: str) -> records.Template:
    row = store.latest_version(profile.db, code)
    if row is None:
        raise NotFound(f"没有编号为“{code}”的检查表模板。", f"No checklist template with code '{code}'.")
    return row


def version_items(
    profile: Profile, code: str, version: int | None = None
) -> tuple[records.Template, list[records.TemplateItem]]:
    """A template version (the latest unless `version` is given) and its items in order."""
    row = latest(profile, code) if version is None else store.version(profile.db, code, version)
    if row is None:
        raise NotFound(f"检查表“{code}”没有第{version}版。", f"Checklist '{code}' has no version {version}.")
    return row, store.items(profile.db, row["id"])


def deadline_days(template_row: Mapping[str, Any], severity: Severity) -> int:
    return int(template_row[f"deadline_{severity.value}"])
