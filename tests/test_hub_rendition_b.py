"""Whether a steward may read a photo's report rendition (/v1/renditions/{sha256}) is decided by the files on their
re-check list, kept with the list (a set, not the list's JSON parsed again for every request) and dropped with it
when the hub's moment moves, whichever worker moved it: a rendition whose finding was just closed is refused at once
by every worker, and handed out again once the finding is reopened, on either engine, with 1 worker or 2."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from steward.hub import store as hub_store
from steward.hub.store import HubStore
from steward.sync.wire import content_hash
from tests.hub_http import call
from tests.hub_process import Hub
from tests.images import jpeg_bytes
from tests.test_hub_push_batch import AT, LI, V1, V_WANG, WANG, E, enterprise, event, finding, rec, uid, visit

F1, LINK, OPENED, RECTIFIED, REOPENED = (uid("f000", n) for n in range(1, 6))
ASKS = 6  # more requests than workers: uvicorn's workers take turns accepting connections, each is asked


def wire(entity: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"entity": entity, "id": body["id"], "hash": content_hash(body), "body": body}


def a_photo_wang_may_compare(store: HubStore) -> tuple[str, str, str]:
    """Li's finding at E with his photo (its file on the hub), and Wang's visit to E: (Li's token, Wang's token,
    the photo's sha256)."""
    tokens = {name: store.add_steward(name) for name in (LI, WANG)}
    stewards = {name: store.steward_for(token) for name, token in tokens.items()}
    assert store.put_reference("enterprise", E, enterprise(E, 7))
    content = jpeg_bytes()
    sha = hashlib.sha256(content).hexdigest()
    upload = store.begin_upload(sha, 0, len(content), stewards[LI]["id"])
    assert upload is not None
    upload.write(content)
    upload.finish(None)
    photo = {"sha256": sha, "original_name": "a.jpg", "original_ext": "jpg", "format": "JPEG", "bytes": len(content)}
    link = {"id": LINK, "sha256": sha, "finding_id": F1, "visit_id": V1, "caption": "危废间", "created_at": AT}
    records = [
        rec("visit", visit(V1, E, LI)),
        rec("finding", finding(F1, V1, E, LI)),
        rec("finding_event", event(OPENED, F1, "opened")),
        rec("photo", {**photo, "width": 640, "height": 480}, sha),
        rec("photo_link", link),
    ]
    assert len(store.push(stewards[LI], "laptop-li", records)["accepted"]) == len(records)
    assert store.push(stewards[WANG], "laptop-wang", [rec("visit", visit(V_WANG, E, WANG))])["accepted"]
    return tokens[LI], tokens[WANG], sha


def statuses(hub: Hub, token: str, sha: str) -> set[int]:
    return {call(hub.url, "GET", f"/v1/renditions/{sha}", token)[0] for _ in range(ASKS)}


@pytest.mark.parametrize("workers", [1, 2])
def test_a_rendition_is_refused_by_every_worker_as_soon_as_its_finding_is_closed(
    tmp_path: Path, hub_db: str | None, workers: int
) -> None:
    data = tmp_path / "hub"
    store = HubStore(data, db_url=hub_db)
    try:
        li, wang, sha = a_photo_wang_may_compare(store)
    finally:
        store.close()
    args = ("--workers", str(workers)) if workers > 1 else ()
    hub = Hub(data, db_url=hub_db, args=args, process=workers > 1).start()
    try:
        assert statuses(hub, wang, sha) == {200}  # every worker keeps what Wang may read
        assert statuses(hub, li, sha) == {404}  # his own photo is never on his own list
        closed = wire("finding_event", event(RECTIFIED, F1, "recheck_rectified"))
        status, answer = call(hub.url, "POST", "/v1/records", li, payload={"records": [closed]})
        assert (status, answer["accepted"]) == (200, [{"entity": "finding_event", "id": RECTIFIED}])
        assert statuses(hub, wang, sha) == {404}  # at once, whichever worker took the event
        reopened = wire("finding_event", {**event(REOPENED, F1, "reopened"), "at": "2026-11-21T02:00:00.000Z"})
        status, answer = call(hub.url, "POST", "/v1/records", li, payload={"records": [reopened]})
        assert (status, answer["accepted"]) == (200, [{"entity": "finding_event", "id": REOPENED}])
        assert statuses(hub, wang, sha) == {200}
    finally:
        hub.stop()


def test_the_files_a_steward_may_read_are_kept_with_their_list_not_parsed_from_it(
    tmp_path: Path, hub_db: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = HubStore(tmp_path / "hub", db_url=hub_db)
    try:
        li, wang, sha = a_photo_wang_may_compare(store)
        reader = store.steward_for(wang)["id"]
        tag, body, _gzipped = store.recheck_answer(reader)
        assert [p["sha256"] for p in json.loads(body)["photos"]] == [sha]

        def no_parsing(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the kept list was parsed again")

        with monkeypatch.context() as patched:
            patched.setattr(hub_store.json, "loads", no_parsing)
            assert store.recheck_files(reader) == {sha}
            assert store.recheck_files(store.steward_for(li)["id"]) == frozenset()
        owner = store.steward_for(li)
        assert store.push(owner, "laptop-li", [rec("finding_event", event(RECTIFIED, F1, "recheck_rectified"))])[
            "accepted"
        ]
        assert store.recheck_files(reader) == frozenset()  # the hub moved: made again
        assert store.recheck_answer(reader)[0] != tag
    finally:
        store.close()
