"""The laptop's side of bundle signing, and records the hub refused, against a real Steward Hub on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import stat
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from steward.hub.store import HubStore
from steward.services import diagnostics, findings, visits
from steward.services.profiles import open_profile
from steward.storage import signing_key
from steward.storage.profile import Profile
from steward.sync import bundle, engine
from tests.hub_process import Hub
from tests.test_sync import _issuer, client_for, finished_visit_with_finding

LI, WANG = "李明", "王芳"


@pytest.fixture
def hub(tmp_path: Path):
    data = tmp_path / "hub"
    data.mkdir()
    store = HubStore(data)
    tokens = {name: store.add_steward(name) for name in (LI, WANG)}
    server = Hub(data).start()
    yield server, tokens, store
    server.stop()


@pytest.fixture
def laptop_a(tmp_path: Path):
    with open_profile(tmp_path / "a", "li") as profile:
        yield _issuer(profile, LI)


@pytest.fixture
def laptop_b(tmp_path: Path):
    with open_profile(tmp_path / "b", "wang") as profile:
        yield _issuer(profile, WANG)


def _another_visit(profile: Profile, enterprise_id: str) -> dict:
    visit = visits.start(profile, enterprise_id, "routine", item_codes=["A1"], steward=LI)
    visits.finish(profile, visit["id"])
    return visit


def _seal_only_copy(source: Path, target: Path, token: str) -> None:
    """What anyone holding hub.db can make: the manifest without a signature, sealed with the token's hash."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest.pop("signature")
        manifest["seal"] = bundle.seal(manifest, bundle.token_key(token))
        dst.writestr("manifest.json", json.dumps(manifest))
        for name in src.namelist():
            if name != "manifest.json":
                dst.writestr(name, src.read(name))


def test_a_synced_laptop_signs_its_bundles_and_a_seal_alone_is_refused(hub, laptop_a: Profile, tmp_path: Path) -> None:
    server, tokens, store = hub
    visit, _finding = finished_visit_with_finding(laptop_a, tmp_path)
    before_sync = bundle.export(laptop_a, tokens[LI], tmp_path / "before.zip")
    assert before_sync["signed"] is False  # the hub has no key to check a signature with yet: sealed only

    client = client_for(laptop_a, server, tokens[LI])
    report = engine.sync(laptop_a, client)
    key = signing_key.load_or_create(laptop_a.folder)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert store.public_key(engine.profile_id(laptop_a)) is not None
    assert store.public_key(engine.profile_id(laptop_a))[0] == public
    assert report.key_problem is None and "已在服务器登记离线包签名密钥" in report.log

    # Registered once: the next sync does not ask again.
    calls: list[str] = []
    original = client.register_key
    client.register_key = lambda text: calls.append(text) or original(text)  # type: ignore[method-assign]
    engine.sync(laptop_a, client)
    assert calls == []

    _another_visit(laptop_a, visit["enterprise_id"])
    made = bundle.export(laptop_a, tokens[LI], tmp_path / "usb" / "li.zip")
    assert made["signed"] is True and made["records"] >= 1
    with zipfile.ZipFile(tmp_path / "usb" / "li.zip") as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["signature"]["alg"] == "ed25519" and manifest["seal"]
    key.public_key().verify(base64.b64decode(manifest["signature"]["value"]), bundle.signed_part(manifest))

    # The seal alone, as a copy of hub.db would allow, is refused; the laptop's own bundle imports.
    _seal_only_copy(tmp_path / "usb" / "li.zip", tmp_path / "forged.zip", tokens[LI])
    with pytest.raises(bundle.BundleRejected, match="签名无效"):
        store.import_bundle(tmp_path / "forged.zip")
    result = store.import_bundle(tmp_path / "usb" / "li.zip")
    assert result["accepted"] == made["records"] and not result["refused"]


def test_the_private_key_is_owner_only_and_never_in_a_bundle_or_diagnostics(
    hub, laptop_a: Profile, tmp_path: Path
) -> None:
    server, tokens, _store = hub
    finished_visit_with_finding(laptop_a, tmp_path)
    engine.sync(laptop_a, client_for(laptop_a, server, tokens[LI]))
    path = signing_key.key_path(laptop_a.folder)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    pem = path.read_bytes()
    assert b"PRIVATE KEY" in pem
    secret = pem.splitlines()[1]  # the base64 line carrying the private key

    made = tmp_path / "li.zip"
    bundle.export(laptop_a, tokens[LI], made)
    logs = tmp_path / "logs"
    logs.mkdir()
    diag = diagnostics.write_zip(laptop_a, logs, tmp_path / "diag.zip")
    for archive in (made, diag):
        with zipfile.ZipFile(archive) as zf:
            names = zf.namelist()
            contents = b"".join(zf.read(name) for name in names)
        assert signing_key.FILE_NAME not in " ".join(names)
        assert secret not in contents and b"PRIVATE KEY" not in contents


def test_a_key_the_hub_already_holds_another_of_is_reported_and_the_sync_goes_on(
    hub, laptop_a: Profile, tmp_path: Path, capsys
) -> None:
    from steward.cli.main import main

    server, tokens, store = hub
    finished_visit_with_finding(laptop_a, tmp_path)
    client = client_for(laptop_a, server, tokens[LI])
    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    assert client.register_key(base64.b64encode(other).decode()) is True  # e.g. the profile restored elsewhere

    report = engine.sync(laptop_a, client)
    assert report.key_problem is not None and "重新绑定" in report.key_problem["zh"]
    assert "re-bind" in report.key_problem["en"]
    assert report.pushed > 0 and engine.pending(laptop_a).records == 0  # the records went through all the same
    assert store.public_key(engine.profile_id(laptop_a))[0] == other  # the hub's key is not replaced
    assert bundle.export(laptop_a, tokens[LI], tmp_path / "b.zip")["signed"] is False

    folder = laptop_a.folder
    laptop_a.close()
    args = ["--data-dir", str(folder.parent.parent), "--profile", "li", "sync", "--hub", server.url]
    assert main([*args, f"--token={tokens[LI]}"]) == 1
    err = capsys.readouterr().err
    assert "签名密钥" in err and "another bundle signing key" in err


def test_a_refused_record_is_not_sent_again_until_it_changes_and_is_listed(
    hub, laptop_a: Profile, laptop_b: Profile, tmp_path: Path, capsys
) -> None:
    from steward.cli.main import main

    server, tokens, store = hub
    _visit, finding = finished_visit_with_finding(laptop_a, tmp_path)
    engine.sync(laptop_a, client_for(laptop_a, server, tokens[LI]))
    wang = client_for(laptop_b, server, tokens[WANG])
    engine.sync(laptop_b, wang)
    # Wang amends Li's finding on her laptop: the hub will not let her write to Li's visit.
    findings.update(laptop_b, finding["id"], location="办公室", reason="核对现场")
    first = engine.sync(laptop_b, wang)
    assert [(r["entity"], r["code"]) for r in first.refused] == [("audit", "not_your_visit")]
    refused_id = first.refused[0]["id"]

    pushed: list[list[str]] = []
    original = wang.push
    wang.push = lambda records: pushed.append([r["id"] for r in records]) or original(records)  # type: ignore[method-assign]
    second = engine.sync(laptop_b, wang)
    assert second.refused == [] and all(refused_id not in ids for ids in pushed)
    assert [(r["id"], r["code"]) for r in second.held_back] == [(refused_id, "not_your_visit")]
    assert [r["id"] for r in engine.pending(laptop_b).refused] == [refused_id]

    # Its content changed since the refusal: sent (and judged) again.
    with laptop_b.db.write() as conn:
        conn.execute("UPDATE sync_refusals SET content_hash = 'what it was before'")
    third = engine.sync(laptop_b, wang)
    assert [r["id"] for r in third.refused] == [refused_id] and any(refused_id in ids for ids in pushed)

    folder = laptop_b.folder
    laptop_b.close()
    base = ["--data-dir", str(folder.parent.parent), "--profile", "wang", "sync"]
    assert main([*base, "--pending"]) == 0
    out = capsys.readouterr().out
    assert "拒收,未上传 refused, not sent: audit " + refused_id in out and "not_your_visit" in out
    assert main([*base, "--hub", server.url, f"--token={tokens[WANG]}"]) == 1
    assert "拒收,未上传" in capsys.readouterr().err
    # After the hub's administrator changed something: sent again on request.
    assert main([*base, "--hub", server.url, f"--token={tokens[WANG]}", "--retry-refused"]) == 1
    captured = capsys.readouterr()
    assert "Refused records to send again: 1" in captured.out and "拒收 refused: audit " + refused_id in captured.err
    assert store.record_body("audit", refused_id) is None


def test_a_record_refused_for_a_missing_record_is_tried_again_once_something_new_arrived(
    laptop_a: Profile,
) -> None:
    from steward.storage import sync_records

    rows = [
        {"entity": "finding", "id": "f1", "hash": "h1", "code": "unknown_visit", "zh": "z", "en": "e"},
        {"entity": "audit", "id": "a1", "hash": "h2", "code": "not_your_visit", "zh": "z", "en": "e"},
    ]
    sync_records.mark_refused(laptop_a.db, rows, "2026-11-02T00:00:00.000Z")
    assert {r["id"] for r in engine.held_back(laptop_a)} == {"f1", "a1"}
    sync_records.mark_acked(laptop_a.db, [("visit", "v1", "hv")], "2026-11-02T00:00:01.000Z")
    assert {r["id"] for r in engine.held_back(laptop_a)} == {"a1"}  # the visit may have been what it waited for
    sync_records.mark_acked(laptop_a.db, [("audit", "a1", "h2")], "2026-11-02T00:00:02.000Z")
    assert sync_records.refusals(laptop_a.db)[0]["id"] == "f1"  # kept at last: no longer a refusal
