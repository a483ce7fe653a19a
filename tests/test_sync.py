"""Laptops syncing with a real Steward Hub on 127.0.0.1."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward.domain.numbering import local_number_code
from steward.hub.store import HubStore
from steward.services import documents, enterprises, findings, photos, templates, visits
from steward.services.findings import get as get_finding
from steward.services.profiles import open_profile
from steward.storage.profile import Profile
from steward.sync import engine
from steward.sync.client import HubClient, SyncError
from steward.sync.wire import HEADER_CHUNK_SHA256, record
from tests import processes
from tests.conftest import make_code
from tests.hub_process import Hub, plant_raw
from tests.images import write_jpeg
from tests.postgres import ENGINES
from tests.prepared import HubCopy, _issuer, client_for, copy_of, hub_copy, laptop_copy

WHEN = datetime(2026, 11, 2, 2, 30, tzinfo=UTC)


STEWARDS = ("李明", "王芳")


def own_hub_copy(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> HubCopy:
    """A hub's data (and PostgreSQL database) of the test's own on the engine `request.param` names, copied from one
    prepared with the two stewards (tests/prepared.py)."""
    cluster = request.getfixturevalue("postgres_cluster") if request.param == "postgres" else None
    copy = hub_copy(tmp_path_factory, cluster, STEWARDS, tmp_path / "hub")
    if cluster is not None and copy.db_url is not None:
        db_url = copy.db_url
        request.addfinalizer(lambda: cluster.drop_database(db_url))  # after the fixture's own teardown
    return copy


@contextmanager
def _serving(copy: HubCopy) -> Iterator[tuple[Hub, dict, HubStore]]:
    """The copied hub served, with its tokens and a store of the test's own on it."""
    store = HubStore(copy.data, db_url=copy.db_url)
    try:
        server = Hub(copy.data, db_url=copy.db_url).start()
        yield server, copy.tokens, store
        server.stop()
    finally:
        store.close()


@pytest.fixture(params=ENGINES)
def hub(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """A hub of the test's own on each engine (tests/postgres.py): SQLite, and PostgreSQL."""
    with _serving(own_hub_copy(request, tmp_path, tmp_path_factory)) as served:
        yield served


@pytest.fixture(params=ENGINES)
def hub_at_rest(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """As `hub`, but not served: for a test that serves it itself (as a child process it kills)."""
    copy = own_hub_copy(request, tmp_path, tmp_path_factory)
    store = HubStore(copy.data, db_url=copy.db_url)
    try:
        yield copy, store
    finally:
        store.close()


@pytest.fixture(scope="module", params=ENGINES)
def shared_hub(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """One hub per engine for the module's tests that only send it what it must refuse (each compares the hub's
    counts before and after itself); a test that writes has a `hub` of its own."""
    with _serving(own_hub_copy(request, tmp_path_factory.mktemp("shared"), tmp_path_factory)) as served:
        yield served


def _laptop_with_a_finished_visit(big_photo: bool) -> Callable[[Path], tuple[dict, dict]]:
    def build(data_dir: Path) -> tuple[dict, dict]:
        with open_profile(data_dir, "li") as profile:
            visit, finding = finished_visit_with_finding(_issuer(profile, "李明"), data_dir.parent)
            if big_photo:
                big = write_jpeg(data_dir.parent / "big.jpg", (3000, 2200), quality=98)
                photos.import_photos(profile, [big], photos.LinkTarget(finding_id=finding["id"]))
        return visit, finding

    return build


@contextmanager
def copied_laptop(
    factory: pytest.TempPathFactory, data_dir: Path, name: str, steward: str | None = None
) -> Iterator[Profile]:
    """A new laptop profile `name` in data_dir (its steward, firm and insurer set when `steward` is given): a copy of
    one made so once (tests/prepared.py)."""
    laptop_copy(factory, data_dir, name, steward)
    with open_profile(data_dir, name) as profile:
        yield profile


@pytest.fixture
def laptop_a(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    with copied_laptop(tmp_path_factory, tmp_path / "a", "li", "李明") as profile:
        yield profile


@pytest.fixture
def laptop_b(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    with copied_laptop(tmp_path_factory, tmp_path / "b", "wang", "王芳") as profile:
        yield profile


def copy_li_after_a_visit(
    factory: pytest.TempPathFactory, data_dir: Path, big_photo: bool = False
) -> tuple[dict, dict]:
    """Li's laptop (profile "li" in data_dir) after finished_visit_with_finding, with one more photo of ~1 MB on the
    finding if `big_photo`: a copy of one made so once (tests/prepared.py). The visit and the finding."""
    return copy_of(factory, f"laptop:li:visit:{big_photo}", _laptop_with_a_finished_visit(big_photo), data_dir)


@contextmanager
def li_after_a_visit(
    factory: pytest.TempPathFactory, data_dir: Path, big_photo: bool = False
) -> Iterator[tuple[Profile, dict, dict]]:
    """Li's laptop open (copy_li_after_a_visit), the visit and the finding."""
    visit, finding = copy_li_after_a_visit(factory, data_dir, big_photo)
    with open_profile(data_dir, "li") as profile:
        yield profile, visit, finding


@pytest.fixture
def li_visit(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """Li's laptop after finished_visit_with_finding (laptop_a's profile, data folder and steward): (profile, visit,
    finding)."""
    with li_after_a_visit(tmp_path_factory, tmp_path / "a") as made:
        yield made


def finished_visit_with_finding(profile: Profile, tmp_path: Path) -> tuple[dict, dict]:
    ent = enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(77), template_code="craft")
    visit = visits.start(profile, ent["id"], "first", at=WHEN)
    item = visits.items(profile, visit["id"])[4]
    visits.answer(profile, visit["id"], item["id"], "not_compliant")
    finding = visits.create_finding(profile, visit["id"], item["id"], location="喷漆车间", at=WHEN)
    shot = write_jpeg(tmp_path / "finding.jpg", (1200, 900))
    photos.import_photos(
        profile, [shot], photos.LinkTarget(visit_id=visit["id"], item_id=item["id"], finding_id=finding["id"])
    )
    visits.sign(profile, visit["id"], "steward", "李明", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
    visits.finish(profile, visit["id"])
    documents.archive_visit(profile, visit["id"])  # the app renders the report and notice when a visit is finished
    return visit, finding


def test_two_laptops_share_through_the_hub(hub, li_visit, laptop_b: Profile) -> None:
    server, tokens, store = hub
    laptop_a, visit, finding = li_visit
    report = engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    # The photo, the signature, and the visit's report and notice as PDF.
    assert report.pushed > 0 and report.blobs_sent == 4 and not report.conflicts
    kinds = {d["kind"]: d for d in store.bodies("document")}
    assert set(kinds) == {"visit_report", "notice"}
    # Printed before the first sync: the firm's prefix and the profile's own code.
    assert kinds["notice"]["notice_number"] == f"XJ-{local_number_code(engine.profile_id(laptop_a))}-2026-0001"
    assert store.blobs.read(kinds["notice"]["sha256"])[:5] == b"%PDF-"
    assert engine.pending(laptop_a).records == 0

    # Wang's laptop pulls the enterprise, the template, Li's visit and finding, and re-checks it.
    pulled = engine.sync(laptop_b, client_for(laptop_b, server, tokens["王芳"]))
    assert pulled.pulled >= 4
    assert get_finding(laptop_b, finding["id"])["status"] == "open"
    recheck = visits.start(laptop_b, visit["enterprise_id"], "recheck", item_codes=["B1"], steward="王芳")
    visits.recheck(laptop_b, recheck["id"], finding["id"], "recheck_rectified", "已整改到位")
    visits.finish(laptop_b, recheck["id"])
    engine.sync(laptop_b, client_for(laptop_b, server, tokens["王芳"]))

    # Li's laptop gets Wang's event; both see the finding rectified.
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    assert get_finding(laptop_a, finding["id"])["status"] == "rectified"
    assert get_finding(laptop_b, finding["id"])["status"] == "rectified"
    sha = laptop_a.db.scalar("SELECT sha256 FROM photos")
    assert store.blobs.read(sha) == laptop_a.photos.original_path(sha, "jpg").read_bytes()


def test_pushing_twice_changes_nothing_and_different_content_is_a_conflict(hub, li_visit) -> None:
    server, tokens, store = hub
    laptop_a, _visit, _finding = li_visit
    client = client_for(laptop_a, server, tokens["李明"])
    engine.sync(laptop_a, client)
    before = store.stats()
    again = engine.sync(laptop_a, client)
    assert (again.pushed, again.blobs_sent) == (0, 0) and store.stats() == before
    records = engine._records(laptop_a)
    answer = client.push(records)
    assert len(answer["duplicates"]) == len(records) and not answer["accepted"]
    enterprise = next(r for r in records if r["entity"] == "enterprise")
    changed = record("enterprise", enterprise["id"], {**enterprise["body"], "name": "另一个名字"})
    answer = client.push([changed])
    assert answer["conflicts"] == [
        {"entity": "enterprise", "id": enterprise["id"], "reason": "different content for the same id"}
    ]
    assert store.stats() == before


def test_another_stewards_visit_is_refused_and_the_rest_is_kept(hub, li_visit, laptop_b: Profile) -> None:
    server, tokens, store = hub
    laptop_a, visit, finding = li_visit
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    before = store.stats()
    real = store.record_body("finding", finding["id"])
    forged = record(
        "finding",
        "01a21400-0000-7000-8000-000000000001",
        {**real, "id": "01a21400-0000-7000-8000-000000000001", "description": "冒名记录"},
    )
    enterprise = store.record_body("enterprise", visit["enterprise_id"])
    harmless = record(
        "enterprise",
        "01a21400-0000-7000-8000-000000000002",
        {**enterprise, "id": "01a21400-0000-7000-8000-000000000002", "name": "新企业", "credit_code": make_code(9)},
    )
    answer = client_for(laptop_b, server, tokens["王芳"]).push([harmless, forged])
    assert answer["accepted"] == [{"entity": "enterprise", "id": harmless["id"]}]
    assert [(r["id"], r["code"]) for r in answer["refused"]] == [(forged["id"], "not_your_visit")]
    assert "本人" in answer["refused"][0]["zh"]
    assert store.record_body("finding", forged["id"]) is None
    assert store.stats()["records"] == before["records"] + 1  # the harmless record is kept


def test_tokens_and_profile_binding(hub, laptop_a: Profile, tmp_path: Path) -> None:
    server, tokens, store = hub
    with pytest.raises(SyncError) as err:
        client_for(laptop_a, server, "not-a-token").hello()
    assert err.value.status == 401 and "令牌无效" in err.value.zh
    client_for(laptop_a, server, tokens["李明"]).hello()  # binds this profile to Li
    with pytest.raises(SyncError) as err:
        client_for(laptop_a, server, tokens["王芳"]).hello()
    assert err.value.status == 403 and "另一位环保管家" in err.value.zh
    store.rebind(engine.profile_id(laptop_a), "王芳")  # on purpose, by the hub's administrator
    assert client_for(laptop_a, server, tokens["王芳"]).hello()["steward"] == "王芳"


def test_an_unreachable_hub_and_an_outdated_client_get_clear_messages(shared_hub, laptop_a: Profile) -> None:
    server, tokens, _ = shared_hub
    with pytest.raises(SyncError) as err:
        HubClient("http://127.0.0.1:9", tokens["李明"], engine.profile_id(laptop_a), timeout=2).hello()
    assert "无法连接同步服务器" in err.value.zh and "stays on this laptop" in err.value.en
    request = urllib.request.Request(
        server.url + "/v1/hello", headers={"Authorization": f"Bearer {tokens['李明']}", "X-Steward-Protocol": "0"}
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(request)
    assert http.value.code == 426
    assert "请先更新 Steward" in json.loads(http.value.read())["error"]["zh"]


def test_cancelled_upload_resumes_from_the_acknowledged_offset(hub, li_visit) -> None:
    server, tokens, _ = hub
    laptop_a, _visit, _finding = li_visit
    client = client_for(laptop_a, server, tokens["李明"])
    chunks = []

    def stop_after_two_chunks() -> bool:
        return len(chunks) >= 2

    with pytest.raises(engine.Cancelled):
        engine.sync(
            laptop_a,
            client,
            progress=lambda stage, done, total: chunks.append(done) if stage == "upload" else None,
            should_stop=stop_after_two_chunks,
            chunk_size=4096,
        )
    blobs = engine.blob_outbox(laptop_a)
    total = sum(b.size for b in blobs)
    on_hub = sum(max(0, client.offset(b.sha256)) for b in blobs)
    assert on_hub == 8192  # two acknowledged chunks
    resumed = engine.sync(laptop_a, client)  # in the app's own chunks, from the acknowledged offset
    assert resumed.bytes_sent == total - on_hub  # only what was not yet acknowledged
    assert engine.blob_outbox(laptop_a) == []


def test_a_chunk_damaged_on_the_way_is_refused(hub, laptop_a: Profile) -> None:
    server, tokens, store = hub
    client = client_for(laptop_a, server, tokens["李明"])
    data = b"x" * 1000
    import hashlib

    sha = hashlib.sha256(data).hexdigest()
    with pytest.raises(SyncError) as err:
        client._request(
            "PUT",
            f"/v1/blobs/{sha}",
            data=data[:500],
            params={"offset": 0, "total": 1000},
            headers={HEADER_CHUNK_SHA256: hashlib.sha256(b"something else").hexdigest()},
        )
    assert err.value.status == 422 and err.value.code == "chunk_hash"
    assert client.offset(sha) == 0
    client.put_chunk(sha, 0, 1000, data[:500])
    assert client.put_chunk(sha, 500, 1000, data[500:])["complete"] is True
    assert store.blobs.read(sha) == data
    wrong = hashlib.sha256(b"claimed").hexdigest()
    with pytest.raises(SyncError) as err:
        client.put_chunk(wrong, 0, 10, b"0123456789")
    assert err.value.code == "blob_hash" and client.offset(wrong) == 0  # nothing half-kept


def test_the_hub_killed_mid_sync_then_restarted(hub_at_rest: tuple[HubCopy, HubStore], li_visit) -> None:
    """The hub, a child process, is SIGKILLed between acknowledged chunks of an upload, as a crash or a power cut
    would end it; then a hub serves the same data on the same port again and the sync completes. The restarted hub
    needs no second process: what a restart must cope with is what the killed one left (its database, a
    half-received upload), and a hub in a thread builds its app and store on them as `steward hub serve` does."""
    copy, store = hub_at_rest
    laptop_a, visit, _finding = li_visit
    killed = Hub(copy.data, db_url=copy.db_url, process=True).start()
    client = client_for(laptop_a, killed, copy.tokens["李明"])
    sent = []

    def kill_hub_midway(stage: str, done: int, total: int) -> None:
        if stage == "upload":
            sent.append(done)
            if len(sent) == 3:
                killed.kill()

    try:
        with pytest.raises(SyncError) as err:
            engine.sync(laptop_a, client, progress=kill_hub_midway, chunk_size=4096)
    finally:
        killed.stop()  # ended already, unless the test failed before the kill
    assert err.value.code == "unreachable" and len(sent) == 3
    restarted = Hub(copy.data, port=killed.port, db_url=copy.db_url).start()  # the same data and port again
    try:
        engine.sync(laptop_a, client)  # in the app's own chunks, from what the killed hub acknowledged
    finally:
        restarted.stop()
    assert engine.blob_outbox(laptop_a) == [] and engine.pending(laptop_a).records == 0
    photo = laptop_a.db.scalar("SELECT sha256 FROM photos")
    files = {photo: laptop_a.photos.original_path(photo, "jpg")}
    signature = laptop_a.db.scalar("SELECT image_sha256 FROM signatures")
    files[signature] = laptop_a.photos.blob_path(signature, "png")
    for doc in documents.store.archived(laptop_a.db, visit["id"]):
        files[doc["sha256"]] = laptop_a.photos.blob_path(doc["sha256"], "pdf")
    assert len(files) == 4  # photo, signature, report and notice: each on the hub, byte for byte
    for sha, path in files.items():
        assert store.blobs.read(sha) == path.read_bytes()


@pytest.mark.parametrize(
    ("path", "body", "whole"),
    [
        ("/v1/records", b"{not json", True),
        ("/v1/records", b'{"records": "nope"}', True),
        ("/v1/blobs/missing", b'{"sha256": ["../../etc/passwd"]}', True),
        # A list of records, one of them bad: that record is refused on its own.
        ("/v1/records", b'{"records": [{"entity": "visit", "id": "1", "hash": "x", "body": {}}]}', False),
        (
            "/v1/records",
            json.dumps({"records": [{"entity": "rocket", "id": "0" * 64, "hash": "0" * 64, "body": {}}]}).encode(),
            False,
        ),
        (
            "/v1/records",
            json.dumps(
                {"records": [{"entity": "finding", "id": "0" * 64, "hash": "0" * 64, "body": {"visit_id": 5}}]}
            ).encode(),
            False,
        ),
    ],
)
def test_malformed_payloads_are_refused_without_a_500(shared_hub, path: str, body: bytes, whole: bool) -> None:
    server, tokens, store = shared_hub
    before = store.stats()
    request = urllib.request.Request(
        server.url + path,
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {tokens['李明']}",
            "X-Steward-Protocol": "1",
            "X-Steward-Profile": "p1",
            "Content-Type": "application/json",
        },
    )
    if whole:
        with pytest.raises(urllib.error.HTTPError) as http:
            urllib.request.urlopen(request)
        assert 400 <= http.value.code < 500
        assert "error" in json.loads(http.value.read())
    else:
        with urllib.request.urlopen(request) as response:
            answer = json.loads(response.read())
        assert answer["accepted"] == [] and len(answer["refused"]) == 1 and answer["refused"][0]["field"]
    assert store.stats() == before


def test_sync_from_the_command_line(hub, li_visit, capsys) -> None:
    from steward.cli.main import main

    server, tokens, _ = hub
    laptop_a, _visit, _finding = li_visit
    folder = laptop_a.folder
    laptop_a.close()
    data_dir = str(folder.parent.parent)
    assert main(["--data-dir", data_dir, "--profile", "li", "sync", "--pending"]) == 0
    assert "待同步:巡查 1 次" in capsys.readouterr().out
    # --token=VALUE: a token may begin with "-", which argparse would take for an option.
    assert (
        main(
            [
                "--data-dir",
                data_dir,
                "--profile",
                "li",
                "sync",
                "--hub",
                server.url,
                f"--token={tokens['李明']}",
                "--remember",
            ]
        )
        == 0
    )
    assert "同步完成" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "--profile", "li", "sync"]) == 0  # remembered
    assert main(["--data-dir", data_dir, "--profile", "li", "sync", "--token", "wrong"]) == 2
    assert "令牌无效" in capsys.readouterr().err
    with open_profile(data_dir, "li") as reopened:
        assert templates.listing(reopened)


def test_offline_bundle(hub, li_visit, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    import base64
    import zipfile

    from steward.storage import signing_key
    from steward.sync import bundle

    server, tokens, store = hub
    laptop_a, _visit, _finding = li_visit
    made = bundle.export(laptop_a, tokens["李明"], tmp_path / "usb" / "li.zip")
    assert made["records"] >= 10 and made["blobs"] == 4  # photo, signature, report and notice
    first = store.import_bundle(tmp_path / "usb" / "li.zip")
    assert first["accepted"] == made["records"] and first["blobs"] == 4
    before = store.stats()
    again = store.import_bundle(tmp_path / "usb" / "li.zip")
    assert again["accepted"] == 0 and again["duplicates"] == made["records"] and store.stats() == before

    # Online again: the hub already has it all, so the sync only acknowledges.
    report = engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    assert report.pushed == 0 and report.bytes_sent == 0 and report.duplicates == made["records"]

    good = (tmp_path / "usb" / "li.zip").read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(bundle.BundleRejected, match=r"有效的离线包|损坏"):
        store.import_bundle(truncated)

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tmp_path / "usb" / "li.zip") as src, zipfile.ZipFile(tampered, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "records.jsonl":
                data = data.replace("喷漆车间".encode(), "办公室".encode())
            dst.writestr(item, data)
    with pytest.raises(bundle.BundleRejected, match="被改动"):
        store.import_bundle(tampered)

    # A profile whose key the hub does not hold (Li's laptop now signs: its signature, not the token, vouches).
    forged = tmp_path / "forged.zip"
    with copied_laptop(tmp_path_factory, tmp_path / "c", "stranger") as stranger:
        bundle.export(stranger, "a token the hub never issued", forged)
    with pytest.raises(bundle.BundleRejected, match="签名无效"):
        store.import_bundle(forged)

    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(tmp_path / "usb" / "li.zip") as src, zipfile.ZipFile(evil, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest["blobs"] = ["../../../../tmp/pwned"]
        # Signed as Li's laptop would (the hub holds its key since the sync): the file names are checked all the same.
        value = signing_key.load_or_create(laptop_a.folder).sign(bundle.signed_part(manifest))
        manifest["signature"] = {"alg": "ed25519", "value": base64.b64encode(value).decode()}
        manifest["seal"] = bundle.seal(manifest, bundle.token_key(tokens["李明"]))
        dst.writestr("manifest.json", json.dumps(manifest))
        dst.writestr("records.jsonl", src.read("records.jsonl"))
    with pytest.raises(bundle.BundleRejected, match="无效的文件名"):
        store.import_bundle(evil)
    assert not Path("/tmp/pwned").exists()


def test_originals_are_pruned_only_once_the_hub_holds_them(hub, li_visit, tmp_path: Path) -> None:
    from datetime import date, timedelta

    from steward.services.check import check_profile

    server, tokens, store = hub
    laptop_a, visit, _ = li_visit
    later = visits.start(laptop_a, visit["enterprise_id"], "routine", item_codes=["A1"])
    unsynced = write_jpeg(tmp_path / "open-visit.jpg", colour=(10, 200, 10))
    photos.import_photos(laptop_a, [unsynced], photos.LinkTarget(visit_id=later["id"]))
    later_day = date.today() + timedelta(days=60)
    assert engine.prune_originals(laptop_a, 1, today=later_day) == 0  # nothing acknowledged yet
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    assert engine.prune_originals(laptop_a, 30, today=date.today() + timedelta(days=10)) == 0  # not old enough
    assert engine.prune_originals(laptop_a, 30, today=later_day) == 1
    rows = {r["sha256"]: r for r in laptop_a.db.query("SELECT sha256, original_present FROM photos")}
    synced_sha = next(sha for sha, r in rows.items() if not r["original_present"])
    assert not laptop_a.photos.original_path(synced_sha, "jpg").exists()
    assert laptop_a.photos.rendition_path(synced_sha).exists() and store.blobs.exists(synced_sha)
    assert sum(r["original_present"] for r in rows.values()) == 1  # the open visit's photo is kept
    assert check_profile(laptop_a).clean


def test_reference_data_imported_on_the_hub_reaches_laptops(hub, laptop_b: Profile, tmp_path: Path, capsys) -> None:
    from steward.cli.main import main
    from steward.services import enterprises as enterprise_service

    server, tokens, _ = hub
    csv_file = tmp_path / "参保企业.csv"
    csv_file.write_bytes(
        (
            "企业名称,统一社会信用代码,地址,法定代表人,检查表\n"
            f"仙居县鑫达工艺品有限公司,{make_code(501)},仙居县白塔镇1号,陈刚,craft\n"
            f"仙居县永安机械有限公司,{make_code(502)},仙居县福应街道2号,刘强,machinery\n"
        ).encode("gb18030")
    )
    assert main(["hub", "import-enterprises", str(csv_file), *server.storage_args]) == 0
    assert main(["hub", "import-enterprises", str(csv_file), *server.storage_args]) == 0
    assert "新增或更新 0 家" in capsys.readouterr().out  # the same list again changes nothing
    custom = tmp_path / "custom.yaml"
    custom.write_text(
        (Path("resources/checklists/machinery.yaml").read_text(encoding="utf-8")).replace(
            "code: machinery", "code: machinery-xj"
        ),
        encoding="utf-8",
    )
    assert main(["hub", "import-template", str(custom), *server.storage_args]) == 0

    engine.sync(laptop_b, client_for(laptop_b, server, tokens["王芳"]))
    names = {e["name"] for e in enterprise_service.listing(laptop_b)}
    assert {"仙居县鑫达工艺品有限公司", "仙居县永安机械有限公司"} <= names
    assert enterprise_service.listing(laptop_b, "xjxd")  # pinyin came along
    assert "machinery-xj" in {t["code"] for t in templates.listing(laptop_b)}

    bad = tmp_path / "bad.csv"
    bad.write_text(f"名称,统一社会信用代码\n好企业,{make_code(503)}\n坏企业,91331024MA0000001X\n", encoding="utf-8")
    code = main(["hub", "import-enterprises", str(bad), *server.storage_args])
    assert code == 2 and "bad.csv 第3行 B列" in capsys.readouterr().err


def test_the_client_killed_mid_upload_resends_only_the_unfinished_chunk(
    hub, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import os
    import subprocess
    import sys

    server, tokens, _ = hub
    root = Path(__file__).resolve().parent.parent
    copy_li_after_a_visit(tmp_path_factory, tmp_path / "k", big_photo=True)  # a photo of ~1 MB: many chunks
    errors = (tmp_path / "worker.err").open("w")
    child = processes.spawn(
        [sys.executable, "-m", "tests.sync_worker", str(tmp_path / "k"), server.url, tokens["李明"]],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=errors,
        text=True,
    )
    assert child.stdout is not None
    uploads = 0
    for line in child.stdout:
        if line.startswith("upload"):
            uploads += 1
            if uploads == 5:
                processes.kill(child)
                break
    errors.close()
    assert uploads == 5, (tmp_path / "worker.err").read_text()
    with open_profile(tmp_path / "k", "li") as profile:
        client = client_for(profile, server, tokens["李明"])
        blobs = engine.blob_outbox(profile)
        offsets = {b.sha256: client.offset(b.sha256) for b in blobs}  # -1: complete on the hub
        remaining = sum(0 if offsets[b.sha256] == -1 else b.size - offsets[b.sha256] for b in blobs)
        assert sum(b.size for b in blobs) - remaining >= 2 * 16 * 1024  # chunks acknowledged before the kill stay
        report = engine.sync(profile, client)  # in the app's own chunks, from the acknowledged offsets
        assert report.bytes_sent == remaining  # nothing acknowledged is sent twice
        assert engine.blob_outbox(profile) == []


def test_random_payloads_never_cause_a_500_or_a_partial_write(shared_hub) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    server, tokens, store = shared_hub
    before = store.stats()
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
    values = st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
        max_leaves=12,
    )
    record_like = st.fixed_dictionaries(
        {
            "entity": st.sampled_from(["visit", "finding", "enterprise", "photo", "x"]),
            "id": st.one_of(st.text(max_size=40), st.uuids().map(str)),
            "hash": st.text(max_size=70),
            "body": values,
        }
    )
    payloads = st.one_of(
        values,
        st.fixed_dictionaries({"records": st.lists(record_like, max_size=3)}),
        st.fixed_dictionaries({"sha256": st.lists(st.text(max_size=70), max_size=3)}),
    )
    paths = st.sampled_from(["/v1/records", "/v1/blobs/missing"])

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(path=paths, payload=payloads)
    def post(path: str, payload: object) -> None:
        request = urllib.request.Request(
            server.url + path,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {tokens['李明']}",
                "X-Steward-Protocol": "1",
                "X-Steward-Profile": "fuzz",
                "Content-Type": "application/json",
            },
        )
        try:
            status = urllib.request.urlopen(request, timeout=10).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status < 500

    post()
    assert store.stats() == before  # random records never passed as valid ones


def test_a_pulled_field_name_carrying_sql_is_never_run(hub, laptop_b: Profile) -> None:
    """A record's keys never become SQL: a key that, put into the column list, would copy the laptop's settings
    (hub address and token) into an enterprise is dropped; the enterprise's own fields are applied."""
    from steward.services import settings

    server, tokens, store = hub
    settings.put(laptop_b, settings.HUB_TOKEN, tokens["王芳"])
    client = client_for(laptop_b, server, tokens["王芳"])  # gives the profile its sync id
    before = laptop_b.db.query("SELECT * FROM settings ORDER BY key")
    stamp = "2026-11-02T02:30:00+00:00"
    evil = "address) SELECT ?, ?, ?, ?, ?, (SELECT group_concat(value, ' ') FROM settings) WHERE ? IS NOT NULL --"
    ent_id = "01a21400-0000-7000-8000-0000000000e1"
    body = {
        "id": ent_id,
        "name": "仙居县恶意企业",
        "credit_code": make_code(901),
        "created_at": stamp,
        "updated_at": stamp,
        evil: "x",
    }
    plant_raw(store, "enterprise", ent_id, body)
    report = engine.sync(laptop_b, client)
    row = laptop_b.db.query_one("SELECT * FROM enterprises WHERE id = ?", [ent_id])
    assert row is not None and row["name"] == "仙居县恶意企业" and row["address"] == ""
    assert report.pulled == 1
    dump = "\n".join(str(r) for r in laptop_b.db.query("SELECT * FROM enterprises"))
    assert tokens["王芳"] not in dump
    after = laptop_b.db.query("SELECT * FROM settings ORDER BY key")
    own_notes = (
        "sync_signing_key_registered",
        "sync_entities_understood",
        "sync_hub_entities",
        "sync_number_code",
        "sync_recheck_read",
    )
    assert [s for s in after if s["key"] not in own_notes] == before  # the sync's own notes aside


def test_a_pulled_record_the_laptop_cannot_apply_is_skipped_and_the_cursor_moves_on(
    hub, laptop_b: Profile, capsys
) -> None:
    from steward.cli.main import main
    from steward.services import settings

    server, tokens, store = hub
    stamp = "2026-11-02T02:30:00+00:00"
    nameless = "01a21400-0000-7000-8000-0000000000b1"
    plant_raw(
        store,
        "enterprise",
        nameless,
        {"id": nameless, "credit_code": make_code(902), "created_at": stamp, "updated_at": stamp},
    )
    typed = "01a21400-0000-7000-8000-0000000000b2"
    plant_raw(
        store,
        "enterprise",
        typed,
        {
            "id": typed,
            "name": ["一个", "列表"],
            "credit_code": make_code(903),
            "created_at": stamp,
            "updated_at": stamp,
        },
    )
    good = "01a21400-0000-7000-8000-0000000000b3"
    plant_raw(
        store,
        "enterprise",
        good,
        {"id": good, "name": "仙居县正常企业", "credit_code": make_code(904), "created_at": stamp, "updated_at": stamp},
    )
    orphan = "01a21400-0000-7000-8000-0000000000b5"  # a finding of a visit this laptop never got
    plant_raw(
        store,
        "finding",
        orphan,
        {
            "id": orphan,
            "enterprise_id": good,
            "visit_id": "no-such-visit",
            "description": "无主问题",
            "severity": "general",
            "created_at": stamp,
            "created_by": "李明",
        },
    )
    client = client_for(laptop_b, server, tokens["王芳"])
    report = engine.sync(laptop_b, client)
    assert report.skipped[2]["id"] == orphan and "FOREIGN KEY" in report.skipped[2]["en"]
    del report.skipped[2]
    assert [(s["id"], s["en"]) for s in report.skipped] == [
        (nameless, "The required field 'name' is missing."),
        (typed, "The field 'name' has the wrong type."),
    ]
    assert report.pulled == 1 and laptop_b.db.scalar("SELECT name FROM enterprises WHERE id = ?", [good])
    assert laptop_b.db.scalar("SELECT count(*) FROM enterprises WHERE id IN (?, ?)", [nameless, typed]) == 0
    again = engine.sync(laptop_b, client)  # not stuck: the cursor moved past the bad records
    assert again.skipped == [] and again.pulled == 0

    # The command line names what was skipped.
    late = "01a21400-0000-7000-8000-0000000000b4"
    plant_raw(
        store, "enterprise", late, {"id": late, "credit_code": make_code(905), "created_at": stamp, "updated_at": stamp}
    )
    settings.put(laptop_b, settings.HUB_URL, server.url)
    settings.put(laptop_b, settings.HUB_TOKEN, tokens["王芳"])
    folder = laptop_b.folder
    laptop_b.close()
    assert main(["--data-dir", str(folder.parent.parent), "--profile", "wang", "sync"]) == 0
    err = capsys.readouterr().err
    assert f"跳过 skipped: enterprise {late}" in err and "name" in err


def test_a_pulled_body_that_is_not_an_object_is_skipped_and_the_rest_applied(hub, laptop_b: Profile) -> None:
    """A template, visit, finding or finding event whose body is JSON but not an object (a damaged or hostile hub):
    each is skipped with the words a steward already knew for it, and a good record beside them is applied."""
    server, tokens, store = hub
    stamp = "2026-11-02T02:30:00+00:00"
    bad = {
        "template": "01a21400-0000-7000-8000-0000000000c1",
        "visit": "01a21400-0000-7000-8000-0000000000c2",
        "finding": "01a21400-0000-7000-8000-0000000000c3",
        "finding_event": "01a21400-0000-7000-8000-0000000000c4",
    }
    for entity, rid in bad.items():
        plant_raw(store, entity, rid, ["不是", "对象"])
    good = "01a21400-0000-7000-8000-0000000000c5"
    plant_raw(
        store,
        "enterprise",
        good,
        {"id": good, "name": "仙居县正常企业", "credit_code": make_code(906), "created_at": stamp, "updated_at": stamp},
    )
    report = engine.sync(laptop_b, client_for(laptop_b, server, tokens["王芳"]))
    assert sorted((s["entity"], s["id"], s["zh"]) for s in report.skipped) == sorted(
        (entity, rid, "记录内容无法读取。") for entity, rid in bad.items()
    )
    assert report.pulled == 1 and laptop_b.db.scalar("SELECT name FROM enterprises WHERE id = ?", [good])
    for table in ("templates", "visits", "findings", "finding_events"):
        assert laptop_b.db.scalar(f"SELECT count(*) FROM {table} WHERE id IN (?, ?, ?, ?)", list(bad.values())) == 0


class DroppingClient(HubClient):
    """A client whose network drops after the first page of a pull."""

    def changes(self, since: int, limit: int = 500) -> dict:
        if since:
            raise SyncError("网络中断", "The network dropped.", code="unreachable")
        return super().changes(since, limit=3)


def test_a_dropped_pull_never_blocks_the_next_sync_and_colleagues_pdfs_never_travel(
    hub, li_visit, laptop_b: Profile
) -> None:
    server, tokens, store = hub
    laptop_a, visit, finding = li_visit
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    li_documents = {d["sha256"] for d in store.bodies("document")}
    assert len(li_documents) == 2

    dropping = DroppingClient(server.url, tokens["王芳"], engine.profile_id(laptop_b))
    with pytest.raises(SyncError):
        engine.sync(laptop_b, dropping)  # Li's visit arrived, its documents did not
    assert laptop_b.db.scalar("SELECT count(*) FROM visits WHERE id = ?", [visit["id"]]) == 1
    wang = client_for(laptop_b, server, tokens["王芳"])
    report = engine.sync(laptop_b, wang)
    assert report.refused == [] and get_finding(laptop_b, finding["id"])["status"] == "open"
    again = engine.sync(laptop_b, wang)
    assert (again.pushed, again.blobs_sent) == (0, 0)
    assert laptop_b.db.scalar("SELECT count(*) FROM documents") == 0  # nothing of Li's was rendered here
    assert {d["sha256"] for d in store.bodies("document")} == li_documents
    li_files = li_documents | {
        laptop_a.db.scalar("SELECT sha256 FROM photos"),
        laptop_a.db.scalar("SELECT image_sha256 FROM signatures"),
    }
    assert {p.name for p in store.blob_dir.rglob("*") if p.is_file()} == li_files  # no PDF of Wang's making


def test_a_record_the_hub_refuses_does_not_hold_back_the_others(hub, li_visit, laptop_b: Profile) -> None:
    server, tokens, store = hub
    laptop_a, visit, finding = li_visit
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    wang = client_for(laptop_b, server, tokens["王芳"])
    engine.sync(laptop_b, wang)
    # Wang amends Li's finding on her laptop: the amendment names Li's visit, which the hub will not let her write.
    findings.update(laptop_b, finding["id"], location="办公室", reason="核对现场")
    own = visits.start(laptop_b, visit["enterprise_id"], "routine", item_codes=["A1"], steward="王芳")
    visits.finish(laptop_b, own["id"])
    report = engine.sync(laptop_b, wang)
    assert [(r["entity"], r["code"]) for r in report.refused] == [("audit", "not_your_visit")]
    assert store.record_body("visit", own["id"]) is not None  # her own visit went through
    waiting = engine.pending(laptop_b)  # the refused amendment is listed, not sent again until it changes
    assert waiting.records == 0 and [(r["entity"], r["code"]) for r in waiting.refused] == [("audit", "not_your_visit")]


def test_a_record_with_an_invalid_body_is_refused_alone_in_one_push_and_remembered(hub, li_visit) -> None:
    """An enterprise whose address is longer than the hub takes: the hub refuses that record alone (naming the
    field), keeps the rest of the same push, and the laptop remembers the refusal and lists it, not resending it."""
    server, tokens, store = hub
    laptop_a, visit, _finding = li_visit
    long_one = enterprises.create(laptop_a, name="长地址企业", credit_code=make_code(79), template_code="craft")
    with laptop_a.db.write() as conn:  # as an older version, or a hand-edited profile, might have stored it
        conn.execute("UPDATE enterprises SET address = ? WHERE id = ?", ["白塔镇" * 100, long_one["id"]])
    client = client_for(laptop_a, server, tokens["李明"])
    pushes: list[int] = []
    push = client.push
    client.push = lambda batch: pushes.append(len(batch)) or push(batch)  # type: ignore[method-assign]
    report = engine.sync(laptop_a, client)
    assert len(pushes) == 1  # answered record by record: no halving of the batch to find the bad one
    assert [(r["entity"], r["id"], r["code"], r.get("field")) for r in report.refused] == [
        ("enterprise", long_one["id"], "invalid_record", "address")
    ]
    assert "address" in report.refused[0]["zh"] and "address" in report.refused[0]["en"]
    assert (
        store.record_body("visit", visit["id"]) is not None and store.record_body("enterprise", long_one["id"]) is None
    )
    remembered = engine.pending(laptop_a)
    assert remembered.records == 0
    assert [(r["entity"], r["id"], r["code"]) for r in remembered.refused] == [
        ("enterprise", long_one["id"], "invalid_record")
    ]
    assert engine.sync(laptop_a, client).refused == [] and len(pushes) == 1  # held back, not sent again


def test_the_built_in_checklist_is_the_same_record_on_every_laptop(hub, li_visit, laptop_b: Profile, capsys) -> None:
    from steward.cli.main import main
    from steward.services import settings

    server, tokens, store = hub
    # Laptop B was set up on another day: its copy of the built-in checklist was stored then.
    laptop_b.db.conn.execute("UPDATE templates SET imported_at = '2026-01-05T01:00:00+00:00'")
    laptop_a, _visit, _finding = li_visit
    assert engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"])).conflicts == []
    ent = enterprises.create(laptop_b, name="仙居县永安机械有限公司", credit_code=make_code(78), template_code="craft")
    visit = visits.start(laptop_b, ent["id"], "routine", item_codes=["A1"], steward="王芳")
    visits.finish(laptop_b, visit["id"])
    settings.put(laptop_b, settings.HUB_URL, server.url)
    settings.put(laptop_b, settings.HUB_TOKEN, tokens["王芳"])
    folder = laptop_b.folder
    laptop_b.close()
    assert main(["--data-dir", str(folder.parent.parent), "--profile", "wang", "sync"]) == 0
    assert "冲突" not in capsys.readouterr().err
    assert len(store.bodies("template")) == 1


class AuthorClient(HubClient):
    """Reads changes as a hub of the current protocol sends them: each with the pushing steward as "author"
    (an older hub sends none; it is filled in here from who pushed it)."""

    def __init__(self, *args: str, authors: dict[str, str]) -> None:
        super().__init__(*args)
        self.authors = authors

    def changes(self, since: int, limit: int = 500) -> dict:
        page = super().changes(since, limit)
        for rec in page["records"]:
            rec.setdefault("author", self.authors.get(rec["id"]))
        return page


def test_a_pulled_finding_event_is_signed_by_who_pushed_it_not_by_its_body(hub, li_visit, laptop_b: Profile) -> None:
    server, tokens, _ = hub
    laptop_a, visit, finding = li_visit
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    wang = client_for(laptop_b, server, tokens["王芳"])
    engine.sync(laptop_b, wang)
    recheck = visits.start(laptop_b, visit["enterprise_id"], "recheck", item_codes=["B1"], steward="李明")  # mistyped
    event = visits.recheck(laptop_b, recheck["id"], finding["id"], "recheck_rectified", "已整改到位")
    visits.finish(laptop_b, recheck["id"])
    engine.sync(laptop_b, wang)
    li = AuthorClient(server.url, tokens["李明"], engine.profile_id(laptop_a), authors={event["id"]: "王芳"})
    engine.sync(laptop_a, li)
    row = laptop_a.db.query_one("SELECT by, visit_id FROM finding_events WHERE id = ?", [event["id"]])
    assert row == {"by": "王芳", "visit_id": recheck["id"]}  # the re-check visit travels with the event


def test_neither_sync_nor_a_bundle_renders_pdfs_of_history(hub, laptop_a: Profile, tmp_path: Path) -> None:
    """A visit's PDFs exist because it was finished in the app; a visit finished without them (an older version,
    the command line) is sent as records only: nothing is drawn behind the steward's back."""
    import zipfile

    from steward.sync import bundle

    server, tokens, store = hub
    ent = enterprises.create(
        laptop_a, name="仙居县源泉工艺品有限公司", credit_code=make_code(79), template_code="craft"
    )
    visit = visits.start(laptop_a, ent["id"], "routine", item_codes=["A1"])
    visits.finish(laptop_a, visit["id"])
    made = bundle.export(laptop_a, tokens["李明"], tmp_path / "li.zip")
    with zipfile.ZipFile(tmp_path / "li.zip") as zf:
        entities = {json.loads(line)["entity"] for line in zf.read("records.jsonl").splitlines()}
    assert made["blobs"] == 0 and "visit" in entities and "document" not in entities
    engine.sync(laptop_a, client_for(laptop_a, server, tokens["李明"]))
    assert laptop_a.db.scalar("SELECT count(*) FROM documents") == 0 and store.bodies("document") == []
    assert store.record_body("visit", visit["id"]) is not None


def test_upgrading_a_profile_recognises_the_visits_it_pulled(tmp_path: Path, monkeypatch) -> None:
    from steward.services import settings
    from steward.storage import migrations

    monkeypatch.setattr(migrations, "_STEPS", [s for s in migrations._STEPS if s[0] != "0008_visit_origin"])
    with open_profile(tmp_path, "wang") as old:  # a profile as the version before kept it
        settings.put(old, settings.STEWARD_NAME, "王芳")
        ent = enterprises.create(old, name="仙居县源泉工艺品有限公司", credit_code=make_code(80), template_code="craft")
        own = visits.start(old, ent["id"], "routine", item_codes=["A1"])
        visits.sign(old, own["id"], "steward", "王芳", png=b"\x89PNG\r\n\x1a\n" + b"signature" * 50)
        visits.finish(old, own["id"])
        typed = visits.start(old, ent["id"], "routine", item_codes=["A1"], steward="王 芳")  # not yet sent: her own
        visits.finish(old, typed["id"])
        pulled = {**visits.get(old, own["id"]), "id": "01a21400-0000-7000-8000-0000000000c1", "steward": "李明"}
        del pulled["enterprise_name"]
        old.db.insert("visits", pulled)
        stamp = "2026-11-02T02:30:00+00:00"
        acks = [
            {"entity": "visit", "entity_id": v, "content_hash": "h", "acked_at": stamp}
            for v in (own["id"], pulled["id"])
        ]
        old.db.insert_many("sync_acks", acks)
    monkeypatch.undo()
    with open_profile(tmp_path, "wang") as upgraded:
        origins = {r["id"]: r["origin"] for r in upgraded.db.query("SELECT id, origin FROM visits")}
    assert origins == {own["id"]: "here", typed["id"]: "here", pulled["id"]: "hub"}


class SmallPushClient(HubClient):
    """Sends pushes to a hub that takes at most two records at a time (413 above that)."""

    def push(self, records: list[dict]) -> dict:
        if len(records) > 2:
            raise SyncError("请求过大", "Request too large.", status=413, code="too_large")
        return super().push(records)


def test_a_push_too_large_for_the_hub_is_sent_in_smaller_parts(hub, li_visit) -> None:
    server, tokens, _ = hub
    laptop_a, _visit, _finding = li_visit
    waiting = engine.pending(laptop_a).records
    assert waiting > 4
    report = engine.sync(laptop_a, SmallPushClient(server.url, tokens["李明"], engine.profile_id(laptop_a)))
    assert report.pushed == waiting and report.refused == [] and engine.pending(laptop_a).records == 0


def test_every_client_verifies_against_roots_loaded_once_and_ssl_cert_file_still_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual roots are loaded once per process, not for each client (each sync makes one); certificates are
    still verified, and SSL_CERT_FILE, which httpx honours, still names the roots when it is set."""
    import ssl

    import certifi

    from steward.sync import client

    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    usual = client._tls_context(None)
    assert client._tls_context(None) is usual
    assert usual.verify_mode == ssl.CERT_REQUIRED and usual.check_hostname
    assert len(usual.get_ca_certs()) > 100  # certifi's roots
    bundle = Path(certifi.where()).read_text(encoding="ascii")
    one_root = tmp_path / "one.pem"
    one_root.write_text(bundle[: bundle.index("-----END CERTIFICATE-----") + 26], encoding="ascii")
    monkeypatch.setenv("SSL_CERT_FILE", str(one_root))
    named = client._tls_context(None)
    assert named is not usual and len(named.get_ca_certs()) == 1
    assert named.verify_mode == ssl.CERT_REQUIRED
