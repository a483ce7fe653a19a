"""A hub filled by hand through HubStore.push (the path the sync API takes after validation), so the web page's
figures can be counted by hand: every finding, its steward, dates and fate are known to the test."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from steward.domain.pinyin import name_keys
from steward.hub.app import create_app
from steward.hub.store import HubStore
from steward.hub.web import Viewers
from steward.sync.wire import content_hash
from tests.conftest import make_code
from tests.postgres import OPENED

VIEWER = "人保仙居"
TEMPLATE = "00000000-0000-7000-8000-000000000001"
PREFIXES = {"e": "a000", "v": "b000", "f": "c000", "ev": "d000"}
# Two characters of a name: what an insurer types to find an enterprise.
NAMES = ("仙居县源泉工艺品有限公司", "浙江白塔化工有限公司", "台州永安机械厂")


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def china(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """An instant given as the time in China (UTC+8)."""
    return datetime(y, m, d, hour, tzinfo=UTC) - timedelta(hours=8)


@dataclass
class HubData:
    data: Path
    store: HubStore
    password: str
    db: str | None  # the hub's PostgreSQL database; None: hub.db in `data`
    stewards: dict[str, dict[str, Any]] = field(default_factory=dict)
    enterprises: list[str] = field(default_factory=list)
    n: int = 0

    def _push(self, steward: str, entity: str, body: dict[str, Any], rid: str | None = None) -> None:
        rid = rid or body["id"]
        answer = self.store.push(
            self.stewards[steward],
            f"profile-{steward}",
            [{"entity": entity, "id": rid, "body": body, "hash": content_hash(body)}],
        )
        assert answer["accepted"] == [{"entity": entity, "id": rid}], answer

    def next_id(self, prefix: str) -> str:
        """A UUID-shaped id (the hub's models want UUIDs) whose group names what it is."""
        self.n += 1
        return f"00000000-0000-7000-{PREFIXES[prefix]}-{self.n:012d}"

    def enterprise(self, name: str, seed: int) -> str:
        eid = f"00000000-0000-7000-{PREFIXES['e']}-{seed:012d}"
        body = {
            "id": eid,
            "name": name,
            "credit_code": make_code(seed),
            "address": "仙居县白塔镇",
            "name_pinyin": name_keys(name),  # as the laptop or the hub's import writes it
            "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z",
        }
        assert self.store.put_reference("enterprise", eid, body)
        self.enterprises.append(eid)
        return eid

    def visit(self, steward: str, enterprise_id: str, at: datetime) -> str:
        vid = self.next_id("v")
        self._push(
            steward,
            "visit",
            {
                "id": vid,
                "enterprise_id": enterprise_id,
                "template_id": TEMPLATE,
                "steward": steward,
                "kind": "routine",
                "status": "finished",
                "started_at": stamp(at),
                "finished_at": stamp(at + timedelta(hours=1)),
            },
        )
        return vid

    def finding(
        self,
        steward: str,
        visit_id: str,
        enterprise_id: str,
        at: datetime,
        severity: str = "general",
        deadline: date | None = None,
        description: str = "危废间标识不全",
    ) -> str:
        fid = self.next_id("f")
        self._push(
            steward,
            "finding",
            {
                "id": fid,
                "enterprise_id": enterprise_id,
                "visit_id": visit_id,
                "location": "车间",
                "description": description,
                "basis": "《危险废物贮存污染控制标准》",
                "severity": severity,
                "requirement": "补全标识",
                "deadline": deadline.isoformat() if deadline else None,
                "created_at": stamp(at),
                "created_by": steward,
            },
        )
        return fid

    def event(self, steward: str, finding_id: str, kind: str, at: datetime) -> None:
        eid = self.next_id("ev")
        self._push(
            steward,
            "finding_event",
            {"id": eid, "finding_id": finding_id, "kind": kind, "at": stamp(at), "by": steward},
        )


def app_for(data: Path, db: str | None) -> FastAPI:
    """The hub's app on its data folder and engine (closed at the test's end)."""
    app = create_app(data, db)
    OPENED.append(app.state.store)
    return app


def store_for(data: Path, db: str | None) -> HubStore:
    """A store on the hub's data folder and engine (closed at the test's end)."""
    store = HubStore(data, db_url=db)
    OPENED.append(store)
    return store


def module_store(data: Path, db: str | None) -> HubStore:
    """A store on the hub's data folder and engine for a fixture shared by a module, which closes it itself."""
    return HubStore(data, db_url=db)


def make_hub(
    data: Path,
    stewards: tuple[str, ...] = ("李明", "王芳"),
    db: str | None = None,
    open_store: Callable[[Path, str | None], HubStore] = store_for,
) -> HubData:
    """open_store: store_for (closed at the test's end), or module_store for a fixture shared by a module."""
    store = open_store(data, db)
    hub = HubData(data, store, "", db)
    for name in stewards:
        store.add_steward(name)
        with store.connect() as conn:
            row = conn.execute("SELECT id, name FROM stewards WHERE name = ?", [name]).fetchone()
        hub.stewards[name] = dict(row)
    hub.password = Viewers(store).add(VIEWER)
    return hub
