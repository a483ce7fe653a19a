"""Several hubs in one process (the suite runs two at once; a test hub restarts on the same data): every app serves
the same route objects, built once per process, and each answers from its own hub (app.state), never another's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from steward.hub.app import create_app
from steward.sync.wire import record
from tests.conftest import make_code
from tests.hub_web_data import VIEWER, app_for, make_hub
from tests.test_hub_web import log_in, sync_headers

OWN_RULES = (
    "version: 1\nname: 平安台州自定规则\nred:\n  - rule: penalty\nyellow:\n"
    "  - rule: open_finding\n    severity: general\ngreen:\n  last_visits: 2\n"
)


def _enterprise(seed: int, name: str) -> tuple[str, dict[str, Any]]:
    eid = f"00000000-0000-7000-a000-{seed:012d}"
    body = {
        "id": eid,
        "name": name,
        "credit_code": make_code(seed),
        "created_at": "2026-11-01T00:00:00Z",
        "updated_at": "2026-11-01T00:00:00Z",
    }
    return eid, body


def test_two_hubs_in_one_process_each_answer_with_their_own_data(tmp_path: Path) -> None:
    # Both apps made before either is asked anything: an app made later must not take over the earlier one's hub.
    a_hub = make_hub(tmp_path / "a", stewards=("李明",))
    b_hub = make_hub(tmp_path / "b", stewards=("王芳",))
    (b_hub.data / "rating_rules.yaml").write_text(OWN_RULES, encoding="utf-8")
    a_token, b_token = a_hub.store.add_steward("赵强"), b_hub.store.add_steward("孙丽")
    a = TestClient(app_for(a_hub.data, None))
    b = TestClient(app_for(b_hub.data, None))

    # -- the sync API: a token is known at its own hub only, and a push lands in that hub alone
    assert a.get("/v1/hello", headers=sync_headers(a_token)).json()["steward"] == "赵强"
    assert b.get("/v1/hello", headers=sync_headers(b_token)).json()["steward"] == "孙丽"
    assert a.get("/v1/hello", headers=sync_headers(b_token)).status_code == 401
    assert b.get("/v1/hello", headers=sync_headers(a_token)).status_code == 401
    eid, body = _enterprise(31, "仙居县甲厂")
    pushed = a.post("/v1/records", headers=sync_headers(a_token), json={"records": [record("enterprise", eid, body)]})
    assert pushed.json()["accepted"] == [{"entity": "enterprise", "id": eid}]
    assert [r["id"] for r in a.get("/v1/changes", headers=sync_headers(a_token)).json()["records"]] == [eid]
    assert b.get("/v1/changes", headers=sync_headers(b_token)).json()["records"] == []
    assert b.get("/v1/hello", headers=sync_headers(b_token)).json()["records"] == 0

    # -- the web page: each hub's viewer, enterprises and rules
    b_hub.enterprise("台州乙化工有限公司", 32)
    assert log_in(a, VIEWER, b_hub.password).status_code == 401  # B's password is not A's
    assert log_in(a, VIEWER, a_hub.password).status_code == 303
    assert log_in(b, VIEWER, b_hub.password).status_code == 303
    a_list, b_list = a.get("/enterprises").text, b.get("/enterprises").text
    assert "仙居县甲厂" in a_list and "台州乙化工有限公司" not in a_list
    assert "台州乙化工有限公司" in b_list and "仙居县甲厂" not in b_list
    assert "平安台州自定规则" in b.get("/").text and "平安台州自定规则" not in a.get("/").text
    assert a.get(f"/enterprise/{eid}").status_code == 200 and b.get(f"/enterprise/{eid}").status_code == 404
    # A session is its own hub's: A's cookie opens nothing at B.
    stranger = TestClient(b.app, cookies=dict(a.cookies))
    assert stranger.get("/", follow_redirects=False).headers["location"] == "/login"


def test_every_app_serves_the_same_route_objects(tmp_path: Path) -> None:
    """Building a route analyses its endpoint's signature (most of what create_app once cost): an app that built its
    own routes, or included a router (FastAPI analyses an included router's routes again per app), fails here."""
    first, second = create_app(tmp_path / "a"), create_app(tmp_path / "b")
    try:
        routes = [route for route in first.routes if isinstance(route, APIRoute)]
        assert {"/v1/hello", "/v1/records", "/login", "/enterprise/{enterprise_id}"} <= {r.path for r in routes}
        shared = [route for route in second.routes if isinstance(route, APIRoute)]
        assert len(shared) == len(routes) and all(mine is theirs for mine, theirs in zip(routes, shared, strict=True))
        # Nothing else but FastAPI's own documentation (an included router would be listed here, its path None).
        others = {route.path for route in second.routes if not isinstance(route, APIRoute)}
        assert others == {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
        assert first.state.store is not second.state.store and first.state.web is not second.state.web
    finally:
        first.state.store.close()
        second.state.store.close()
