"""The hub keeps its files behind one interface, BlobStore: a second implementation (one held in memory, as an
S3-compatible store would hold them in a bucket) serves a whole sync, the web page's photos and documents, the
originals' downloads and the colleagues' renditions, and the hub's data directory holds no file of any of them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import httpx
import pytest
from PIL import Image

from steward.hub.app import create_app
from steward.hub.blobs import BlobStore, LocalStaging
from steward.hub.web import Viewers
from steward.services import visits
from steward.sync import engine
from steward.sync.client import HubClient
from tests.hub_http import call
from tests.hub_thread import ThreadHub
from tests.prepared import new_laptop
from tests.test_hub_web import log_in
from tests.test_sync import WHEN, finished_visit_with_finding


class MemoryBlobs(LocalStaging, BlobStore):
    """Files and renditions in dictionaries; uploads staged in a folder of their own (as an object store's would be)."""

    def __init__(self, staging: Path) -> None:
        super().__init__(staging)
        self.files: dict[str, bytes] = {}
        self.renditions: dict[str, bytes] = {}

    def open(self, sha256: str) -> BinaryIO:
        if sha256 not in self.files:
            raise FileNotFoundError(sha256)
        return io.BytesIO(self.files[sha256])

    def exists(self, sha256: str) -> bool:
        return sha256 in self.files

    def size(self, sha256: str) -> int | None:
        return len(self.files[sha256]) if sha256 in self.files else None

    def commit(self, sha256: str, staged: Path) -> None:
        self.files[sha256] = staged.read_bytes()
        staged.unlink()

    def remove(self, sha256: str) -> None:
        self.files.pop(sha256, None)

    def open_rendition(self, sha256: str) -> BinaryIO | None:
        return io.BytesIO(self.renditions[sha256]) if sha256 in self.renditions else None

    def keep_rendition(self, sha256: str, jpeg: bytes) -> None:
        self.renditions[sha256] = jpeg


@pytest.fixture
def memory_hub(tmp_path: Path, hub_db: str | None) -> Iterator[tuple[ThreadHub, MemoryBlobs, Path]]:
    data = tmp_path / "hub"
    blobs = MemoryBlobs(tmp_path / "staging")
    app = create_app(data, hub_db, blobs=blobs)
    try:
        with ThreadHub(app) as server:
            yield server, blobs, data
    finally:
        app.state.store.close()


def test_a_hub_whose_files_are_kept_elsewhere_serves_sync_pages_and_renditions_from_there(
    memory_hub: tuple[ThreadHub, MemoryBlobs, Path], tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    server, blobs, data = memory_hub
    store = server.server.config.app.state.store
    tokens = {name: store.add_steward(name) for name in ("李明", "王芳")}
    with (
        new_laptop(request, tmp_path / "a", "li", "李明") as a,
        new_laptop(request, tmp_path / "b", "wang", "王芳") as b,
    ):
        visit, _finding = finished_visit_with_finding(a, tmp_path)
        report = engine.sync(a, HubClient(server.url, tokens["李明"], engine.profile_id(a)))
        assert report.blobs_sent == 4 and not report.refused  # photo, signature, report and notice
        sha = a.db.scalar("SELECT sha256 FROM photos")
        original = a.photos.original_path(sha, "jpg").read_bytes()
        assert blobs.files[sha] == original
        documents = [r["sha256"] for r in store.bodies("document")]
        assert len(documents) == 2 and all(blobs.files[d][:5] == b"%PDF-" for d in documents)

        # A colleague re-checking there gets the photo's rendition, made from the kept original and kept.
        wang = HubClient(server.url, tokens["王芳"], engine.profile_id(b))
        engine.sync(b, wang)  # the enterprise and Li's visit
        routine = visits.start(b, visit["enterprise_id"], "routine", item_codes=["B1"], steward="王芳", at=WHEN)
        visits.finish(b, routine["id"])
        pulled = engine.sync(b, wang)
        assert not pulled.refused and not pulled.skipped
        rendition = b.photos.rendition_path(sha).read_bytes()
        assert blobs.renditions[sha] == rendition and rendition != original
        with Image.open(io.BytesIO(rendition)) as img:
            assert img.format == "JPEG" and img.size == (1200, 900)

    # The original to the steward who sent it; to a colleague, nothing.
    assert call(server.url, "GET", f"/v1/blobs/{sha}", tokens["李明"]) == (200, original)
    assert call(server.url, "GET", f"/v1/blobs/{sha}", tokens["王芳"])[0] == 404

    # The insurer's page shows the photo and the PDFs, read from the blob store.
    password = Viewers(store).add("人保仙居")
    with httpx.Client(base_url=server.url, timeout=60) as browser:
        assert log_in(browser, "人保仙居", password).status_code == 303
        assert f"/photo/{sha}" in browser.get(f"/enterprise/{visit['enterprise_id']}").text
        shot = browser.get(f"/photo/{sha}")
        assert shot.status_code == 200 and shot.content == original
        assert shot.headers["content-type"] == "image/jpeg" and shot.headers["content-length"] == str(len(original))
        pdf = browser.get(f"/document/{documents[0]}")
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content == blobs.files[documents[0]]
        assert browser.get(f"/photo/{'0' * 64}").status_code == 404

    # Nothing of the files is in the data directory: only the database (SQLite's hub.db; nothing on PostgreSQL) and
    # the web page's session key.
    kept = {p.relative_to(data).as_posix() for p in data.rglob("*")}
    assert kept <= {"hub.db", "hub.db-wal", "hub.db-shm", "session.key"}, kept
    assert not any((tmp_path / "staging").iterdir())  # every upload was committed out of its staging file
