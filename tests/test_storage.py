"""The profile database: durable settings, migrations, refusing a newer profile untouched, search."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from steward.domain.errors import ProfileTooNew
from steward.services import enterprises, findings, visits
from steward.storage.database import Database
from steward.storage.migrations import MIGRATION_SET, known_names
from steward.storage.profile import Profile
from tests.conftest import make_code


def test_connection_settings(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.db")
    assert db.scalar("PRAGMA journal_mode") == "wal"
    assert db.scalar("PRAGMA foreign_keys") == 1
    assert db.scalar("PRAGMA synchronous") == 2  # FULL
    assert db.scalar("PRAGMA busy_timeout") >= 5000
    assert db.applied_migrations() == known_names()
    db.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = Database(tmp_path / "s.db")
    with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
        conn.execute("INSERT INTO visit_items (visit_id, item_id, position) VALUES ('nope', 'nope', 0)")
    db.close()


def test_an_older_profile_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    import sqlite_utils

    old = sqlite_utils.Database(path)
    sqlite_utils.Migrations(MIGRATION_SET).ensure_migrations_table(old)  # written before the first migration
    old.close()
    db = Database(path)
    assert "0001_initial_schema" in db.applied_migrations()
    assert db.scalar("SELECT count(*) FROM enterprises") == 0
    db.close()


def test_a_newer_profile_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    db = Database(path)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('steward', '0099_future', 'x')"
        )
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    with pytest.raises(ProfileTooNew) as err:
        Database(path)
    assert "更新版本" in err.value.zh and "newer version" in err.value.en
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tmp_path.iterdir()}
    assert after == before


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    folder.mkdir()
    (folder / "steward.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(Exception) as err:
        Profile(folder)
    assert "不是 Steward 档案" in str(err.value) or "损坏" in str(err.value)


class TestSearch:
    @pytest.fixture
    def named(self, profile: Profile) -> Profile:
        for n, (name, address) in enumerate(
            [
                ("仙居县源泉工艺品有限公司", "安岭乡安创小微园区1号"),
                ("仙居县鑫达工艺品有限公司", "白塔镇工业区2号"),
                ("台州淼堃橡塑制品有限公司", "福应街道3号"),
            ]
        ):
            enterprises.create(profile, name=name, credit_code=make_code(100 + n), address=address)
        return profile

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("源", 1),  # one character
            ("鑫达", 1),  # two characters: below trigram's reach, LIKE fallback
            ("工艺品", 2),  # three: trigram index
            ("仙居 工艺品", 2),  # several terms must all match
            ("白塔镇", 1),  # address
            ("淼", 1),  # a rare character
            ("MA0000101", 1),  # a fragment of a credit code
            ("不存在的企业", 0),
            ("%", 0),  # LIKE wildcards are literal
            ("xjyq", 1),  # pinyin initials as people abbreviate: 仙居源泉
            ("xjxxd", 1),  # initials of the full name 仙居县鑫达
            ("yuanquan", 1),  # full pinyin
            ("MK", 1),  # 淼堃 (miao kun), upper case
            ("gyp xjx", 2),  # several pinyin terms
        ],
    )
    def test_enterprises(self, named: Profile, query: str, expected: int) -> None:
        assert len(enterprises.listing(named, query)) == expected

    def test_findings_by_description_requirement_and_event_note(self, named: Profile) -> None:
        ent = enterprises.listing(named, "源泉")[0]
        visit = visits.start(named, ent["id"], "first")
        item = visits.items(named, visit["id"])[4]  # B1
        finding = visits.create_finding(named, visit["id"], item["id"], location="喷漆车间东侧")
        findings.add_event(named, finding["id"], "rectification_reported", note="已更换活性炭")
        assert len(findings.listing(named, query="喷漆")) == 1  # two characters
        assert len(findings.listing(named, query="东")) == 1  # one character, in the location
        assert len(findings.listing(named, query=item["requirement"][2:8])) == 1  # requirement
        assert len(findings.listing(named, query="活性炭")) == 1  # an event's note
        assert len(findings.listing(named, query="炭")) == 1
        assert findings.listing(named, query="不相关") == []


def test_the_apps_in_memory_filter_agrees_with_the_sql_search(profile: Profile) -> None:
    from steward.domain.pinyin import matches

    for n, name in enumerate(["仙居县源泉工艺品有限公司", "仙居县鑫达工艺品有限公司", "台州淼堃橡塑制品有限公司"]):
        enterprises.create(profile, name=name, credit_code=make_code(200 + n), address=f"白塔镇{n}号")
    rows = enterprises.listing(profile)
    for query in (
        "源",
        "鑫达",
        "工艺品",
        "仙居 工艺品",
        "白塔镇1",
        "ma000020",
        "xjyq",
        "MK",
        "gyp xjx",
        "yuanquan",
        "无",
    ):
        in_sql = {r["id"] for r in enterprises.listing(profile, query)}
        in_memory = {
            r["id"] for r in rows if matches(query, (r["name"], r["credit_code"], r["address"]), r["name_pinyin"])
        }
        assert in_sql == in_memory, query


def test_a_reader_sees_committed_data_cannot_write_and_survives_the_writer_closing(profile: Profile) -> None:
    enterprises.create(profile, name="仙居县源泉工艺品有限公司", credit_code=make_code(300))
    reader = profile.reader()
    try:
        assert len(enterprises.listing(reader)) == 1
        with pytest.raises(sqlite3.OperationalError, match="readonly"), reader.db.write() as conn:
            conn.execute("DELETE FROM enterprises")
        profile.close()  # the window's connection closing does not touch the reader's
        assert len(enterprises.listing(reader)) == 1
    finally:
        reader.close()


def test_a_thread_never_reads_another_threads_open_transaction(profile: Profile) -> None:
    """The window's reads run on a connection of their own: a worker's write that rolls back is never seen, and the
    window's first read does not wait for the worker's write to end (it reads while the transaction is open)."""
    import threading

    inside, release = threading.Event(), threading.Event()
    released_in_time: list[bool] = []

    def worker() -> None:
        try:
            with profile.db.write() as conn:
                conn.execute("INSERT INTO settings (key, value) VALUES ('draft-row', '1')")
                assert profile.db.scalar("SELECT value FROM settings WHERE key = 'draft-row'") == "1"  # its own
                inside.set()
                # Let go by the reader below; were its read held up until this write ended, this would time out.
                released_in_time.append(release.wait(30))
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inside.wait(30)
        assert profile.db.scalar("SELECT value FROM settings WHERE key = 'draft-row'") is None
        assert profile.db.query("SELECT key FROM settings WHERE key = 'draft-row'") == []
    finally:
        release.set()
        thread.join(30)
    assert released_in_time == [True], "the reads waited for the worker's write to end instead of reading beside it"
    assert profile.db.scalar("SELECT count(*) FROM settings WHERE key = 'draft-row'") == 0
