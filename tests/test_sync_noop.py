"""A sync with nothing to do is one request (hello says where the change sequence ends and the tag of the steward's
re-check list), and skipping the rest never costs a laptop a record or a photo: what a colleague adds, even a
photo's file uploaded after its record, arrives at the next sync. Against a real uvicorn hub on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from steward.services import photos, visits
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.client import HubClient
from tests.hub_http import call
from tests.images import write_jpeg
from tests.prepared import Office, hub_engine, office_after  # noqa: F401 (the fixture)
from tests.test_sync import WHEN
from tests.test_sync_records import finished_visit, synced_to_both


class CountingClient(HubClient):
    """A laptop's client that notes each request it makes to the hub."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.asked.append(f"{method} {path}")
        return super()._send(method, path, **kwargs)

    def rendition(self, sha256: str) -> bytes:
        self.asked.append(f"GET /v1/renditions/{sha256[:8]}")
        return super().rendition(sha256)


def counting(of: Office, profile: Profile, name: str) -> CountingClient:
    return CountingClient(of.server.url, of.tokens[name], engine.profile_id(profile))


def wang_visited_there(made: Office, _scratch: Path) -> None:
    """Wang's routine visit at the enterprise of Li's finding, synced."""
    visit = made.extra["visit"]
    routine = visits.start(made.b, visit["enterprise_id"], "routine", item_codes=["B1"], steward="王芳", at=WHEN)
    visits.finish(made.b, routine["id"])
    engine.sync(made.b, made.wang())


@pytest.fixture
def office(request: pytest.FixtureRequest, tmp_path: Path, hub_engine: str) -> Iterator[Office]:  # noqa: F811
    """Li's visit with a finding and its photo on the hub; Wang has visited that enterprise and holds them
    (office.extra["visit"], ["finding"]). Each test's own copy of an office prepared so once (tests/prepared.py).
    """
    with office_after(request, tmp_path, hub_engine, finished_visit, synced_to_both, wang_visited_there) as made:
        yield made


def photo_of_new_finding(profile: Profile, visit: dict, tmp_path: Path, name: str) -> tuple[dict, str]:
    """A new visit of Li's at the same enterprise with a finding and a photo of it; (the finding, the photo's hash)."""
    again = visits.start(profile, visit["enterprise_id"], "routine", item_codes=["B1"], steward="李明", at=WHEN)
    finding = visits.create_finding(profile, again["id"], location="危废间", description="标识不全", at=WHEN)
    shot = write_jpeg(tmp_path / name, (1000, 750))
    photos.import_photos(profile, [shot], photos.LinkTarget(visit_id=again["id"], finding_id=finding["id"]))
    visits.finish(profile, again["id"])
    sha = profile.db.scalar("SELECT sha256 FROM photo_links WHERE finding_id = ?", [finding["id"]])
    return finding, str(sha)


def test_a_sync_with_nothing_to_do_is_only_hello_and_the_next_change_still_arrives(
    office: Office,
    tmp_path: Path,
) -> None:
    visit = office.extra["visit"]
    wang = counting(office, office.b, "王芳")
    report = engine.sync(office.b, wang)
    assert wang.asked == ["GET /v1/hello"] and report.pulled == 0 and not report.skipped

    # Li finds something new there, with a photo: Wang's next sync asks for the changes and the list again.
    finding, sha = photo_of_new_finding(office.a, visit, tmp_path, "second.jpg")
    engine.sync(office.a, office.li())
    wang.asked.clear()
    report = engine.sync(office.b, wang)
    assert wang.asked[0] == "GET /v1/hello" and "GET /v1/changes" in wang.asked
    assert "GET /v1/recheck-photos" in wang.asked and f"GET /v1/renditions/{sha[:8]}" in wang.asked
    assert office.b.db.scalar("SELECT status FROM findings WHERE id = ?", [finding["id"]]) == "open"
    target = photos.LinkTarget(visit_id=finding["visit_id"], finding_id=finding["id"])
    assert [link["sha256"] for link in photos.links(office.b, target)] == [sha]
    assert office.b.photos.rendition_path(sha).exists()

    wang.asked.clear()
    engine.sync(office.b, wang)
    assert wang.asked == ["GET /v1/hello"]


def test_a_photo_file_uploaded_after_its_record_still_reaches_the_rechecker(
    office: Office,
    tmp_path: Path,
) -> None:
    """Li's laptop pushed the photo's record but its file arrives later (a broken upload, resumed the next day): the
    list leaves the photo out until the hub holds the file, and then hands it to Wang although no record moved."""
    visit = office.extra["visit"]
    finding, sha = photo_of_new_finding(office.a, visit, tmp_path, "late.jpg")
    li = office.li()
    assert li.push(engine.outbox(office.a))["refused"] == []  # the records, without the files
    wang = counting(office, office.b, "王芳")
    engine.sync(office.b, wang)
    assert "GET /v1/recheck-photos" in wang.asked and not office.b.photos.rendition_path(sha).exists()
    wang.asked.clear()
    engine.sync(office.b, wang)
    assert wang.asked == ["GET /v1/hello"]  # nothing new yet

    assert engine.sync(office.a, li).blobs_sent >= 1  # the file arrives; no record moves
    wang.asked.clear()
    engine.sync(office.b, wang)
    assert "GET /v1/changes" not in wang.asked and "GET /v1/recheck-photos" in wang.asked
    assert office.b.photos.rendition_path(sha).exists()
    target = photos.LinkTarget(visit_id=finding["visit_id"], finding_id=finding["id"])
    assert [link["sha256"] for link in photos.links(office.b, target)] == [sha]


def test_the_recheck_list_is_tagged_as_hello_says_and_unchanged_is_answered_304(
    office: Office,
) -> None:
    token = office.tokens["王芳"]
    status, hello = call(office.server.url, "GET", "/v1/hello", token)
    assert status == 200 and isinstance(hello["cursor"], int) and hello["cursor"] > 0
    photos_list, tag = office.wang().recheck_list()
    assert len(photos_list) == 1 and tag == hello["recheck"]
    assert call(office.server.url, "GET", "/v1/recheck-photos", token, headers={"If-None-Match": f'"{tag}"'}) == (
        304,
        b"",
    )
    status, answer = call(office.server.url, "GET", "/v1/recheck-photos", token, headers={"If-None-Match": '"old"'})
    assert status == 200 and [p["sha256"] for p in answer["photos"]] == [p["sha256"] for p in photos_list]
    # Another steward's list has a tag of its own (the same hub moment, another list).
    assert call(office.server.url, "GET", "/v1/hello", office.tokens["李明"])[1]["recheck"] != tag
    # A page of the change feed from hello's cursor holds nothing: the laptop there has nothing to pull.
    page = call(office.server.url, "GET", "/v1/changes", token, params={"since": hello["cursor"]})[1]
    assert page == {"records": [], "cursor": hello["cursor"], "more": False}
