"""Excel/CSV exports (issue 11): read back with openpyxl and csv, checked against the profile's own queries."""

from __future__ import annotations

import csv
import errno
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from steward.cli.main import main
from steward.domain.errors import InvalidInput
from steward.reports import sheets
from steward.services import demo, documents, exports, findings, ratings, visits
from steward.storage.profile import Profile
from tests.shared_build import copy_of, demo_key

END = date(2026, 11, 20)


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


PARK_SIZE = demo.DemoSize(enterprises=4, weeks=8, photos=False)


def _make_park(data: Path) -> None:
    with Profile(data / "profiles" / "park") as profile:  # where `--data-dir DATA --profile park` finds it
        demo.make_demo(profile, PARK_SIZE, today=END)


@pytest.fixture
def park(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profile]:
    """The test's own copy of a demo park made once per test run whatever the number of workers
    (tests/shared_build.py): the tests write to theirs (findings, exports, settings)."""
    copy_of(tmp_path_factory, demo_key("exports", PARK_SIZE, END), _make_park, tmp_path / "data")
    with Profile(tmp_path / "data" / "profiles" / "park") as profile:
        assert not documents.missing_settings(profile)  # the summary PDF, which the exports are checked against
        yield profile


def _xlsx(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)  # not read-only: freeze panes and filters are read only from a full load


def _data(sheet) -> list[tuple]:
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_findings_xlsx_has_every_finished_finding_typed_with_frozen_filtered_header(park: Profile, tmp_path: Path):
    path = tmp_path / "问题台账.xlsx"
    written = exports.export(park, "findings", "xlsx", path, last=END)
    finished = park.db.scalar(
        "SELECT count(*) FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'"
    )
    assert finished > 20 and written.rows == finished
    book = _xlsx(path)
    assert book.sheetnames == ["问题台账", "说明"]
    sheet = book["问题台账"]
    header = [c.value for c in sheet[1]]
    assert header == [c.zh for c in exports.FINDING_COLUMNS] and header[0] == "企业名称"
    rows = _data(sheet)
    assert len(rows) == finished
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{finished + 1}"
    names = {r["name"] for r in park.db.query("SELECT name FROM enterprises")}
    assert {r[0] for r in rows} <= names and all("工艺品" in r[0] for r in rows)  # Chinese intact
    column = {c.zh: i for i, c in enumerate(exports.FINDING_COLUMNS)}
    assert all(isinstance(r[column["巡查日期"]], datetime) for r in rows)  # a date cell (openpyxl reads datetime)
    assert sheet.cell(2, column["巡查日期"] + 1).number_format == "yyyy-mm-dd"
    assert all(isinstance(r[column["整改期限"]], datetime) for r in rows)
    assert all(isinstance(r[column["逾期天数"]], int) and isinstance(r[column["照片数"]], int) for r in rows)
    assert {r[column["等级"]] for r in rows} <= {"重大", "较重", "一般"}
    width = sheet.column_dimensions["A"].width
    longest = max(len(r[0]) for r in rows)
    assert width >= 2 * longest  # a Chinese character takes two columns' width
    notes = [r for r in book["说明"].iter_rows(values_only=True) if r[0]]
    text = "\n".join(" ".join(str(v) for v in r if v) for r in notes)
    assert f"截至 {END} 当天结束时" in text and "未整改且已过整改期限" in text and "仅统计已完成的巡查" in text
    assert "Days overdue" in text  # the English column names live in the notes sheet


def test_findings_export_agrees_with_the_summary_pdf_as_of_the_period_end(park: Profile, tmp_path: Path) -> None:
    first = date(2026, 10, 1)
    path = tmp_path / "f.xlsx"
    exports.export(park, "findings", "xlsx", path, first, END)
    rows = _data(_xlsx(path)["问题台账"])
    summary = documents.build_summary(park, first, END).total
    column = {c.zh: i for i, c in enumerate(exports.FINDING_COLUMNS)}
    status = [r[column["状态(截至期末)"]] for r in rows]
    overdue = [r[column["逾期天数"]] for r in rows]
    assert len(rows) == summary.found > 0
    assert status.count("已整改") == summary.rectified and status.count("已豁免") == summary.waived
    assert sum(1 for d in overdue if d > 0) == summary.overdue
    rectified_on = [r[column["整改日期"]] for r in rows if r[column["状态(截至期末)"]] == "已整改"]
    assert rectified_on and all(isinstance(d, datetime) and d.date() <= END for d in rectified_on)


def test_a_finding_rectified_after_the_end_is_open_and_overdue_as_of_the_end(
    profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1"], at=at(2026, 3, 2))
    item = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], item["id"], location="喷漆房", at=at(2026, 3, 2))
    visits.finish(profile, visit["id"], at=at(2026, 3, 2, 4))
    deadline = date.fromisoformat(finding["deadline"])
    findings.add_event(profile, finding["id"], "recheck_rectified", at=at(2026, 6, 1))
    draft = visits.start(profile, enterprise["id"], "routine", item_codes=["B2"], at=at(2026, 3, 3))
    visits.create_finding(profile, draft["id"], visits.items(profile, draft["id"])[0]["id"], at=at(2026, 3, 3))

    before = tmp_path / "before.xlsx"
    exports.export(profile, "findings", "xlsx", before, date(2026, 3, 1), date(2026, 5, 20))
    (row,) = _data(_xlsx(before)["问题台账"])  # the draft's finding is not there
    column = {c.zh: i for i, c in enumerate(exports.FINDING_COLUMNS)}
    assert row[column["状态(截至期末)"]] == "待整改" and row[column["整改日期"]] is None
    assert row[column["逾期天数"]] == (date(2026, 5, 20) - deadline).days > 0
    assert row[column["位置"]] == "喷漆房" and row[column["检查项"]] == "B1"
    assert row[column["统一社会信用代码"]] == enterprise["credit_code"]

    after = tmp_path / "after.csv"
    exports.export(profile, "findings", "csv", after, date(2026, 3, 1), date(2026, 6, 30))
    (line,) = list(csv.reader(io.StringIO(after.read_bytes().decode("utf-8-sig"))))[1:]
    assert line[column["状态(截至期末)"]] == "已整改" and line[column["整改日期"]] == "2026-06-01"
    assert line[column["逾期天数"]] == "0" and line[column["巡查日期"]] == "2026-03-02"


def test_a_deadline_moved_after_the_end_is_not_the_deadline_of_the_period(
    profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    """A 部分整改 in June moves the deadline; an export of March-May states the deadline and the overdue days that
    stood at its end, an export to mid-July the moved ones."""
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B1"], at=at(2026, 3, 2))
    item = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], item["id"], at=at(2026, 3, 2))
    visits.finish(profile, visit["id"], at=at(2026, 3, 2, 4))
    first = date.fromisoformat(finding["deadline"])
    moved = date(2026, 7, 31)
    findings.add_event(profile, finding["id"], "recheck_partly", note="部分完成", at=at(2026, 6, 1), new_deadline=moved)
    column = {c.zh: i for i, c in enumerate(exports.FINDING_COLUMNS)}

    spring = tmp_path / "spring.xlsx"
    exports.export(profile, "findings", "xlsx", spring, date(2026, 3, 1), date(2026, 5, 20))
    (row,) = _data(_xlsx(spring)["问题台账"])
    assert row[column["整改期限"]].date() == first
    assert row[column["逾期天数"]] == (date(2026, 5, 20) - first).days > 0

    summer = tmp_path / "summer.xlsx"
    exports.export(profile, "findings", "xlsx", summer, date(2026, 3, 1), date(2026, 7, 15))
    (row,) = _data(_xlsx(summer)["问题台账"])
    assert row[column["整改期限"]].date() == moved and row[column["逾期天数"]] == 0


def test_csv_is_utf8_with_bom_and_row_counts_equal_the_queries(park: Profile, tmp_path: Path) -> None:
    for what, expected in (
        ("findings", "SELECT count(*) FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'"),
        ("visits", "SELECT count(*) FROM visits WHERE status = 'finished'"),
        ("enterprises", "SELECT count(*) FROM enterprises"),
        ("ratings", "SELECT count(*) FROM enterprises WHERE archived = 0"),
    ):
        path = tmp_path / f"{what}.csv"
        written = exports.export(park, what, "csv", path, last=END)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), what
        lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        count = park.db.scalar(expected)
        assert count > 0 and written.rows == count == len(lines) - 1, what
        assert lines[0][0] in ("企业名称", "巡查日期"), what


def test_enterprise_visit_and_rating_sheets_typed_and_counted(park: Profile, tmp_path: Path) -> None:
    path = tmp_path / "e.xlsx"
    exports.export(park, "enterprises", "xlsx", path, date(2026, 10, 1), END)
    rows = _data(_xlsx(path)["企业名录"])
    column = {c.zh: i for i, c in enumerate(exports.ENTERPRISE_COLUMNS)}
    assert len(rows) == 4
    total = documents.build_summary(park, date(2026, 10, 1), END).total
    assert sum(r[column["本期发现问题"]] for r in rows) == total.found
    assert sum(r[column["逾期"]] for r in rows) == total.overdue
    rates = [r[column["整改率"]] for r in rows if r[column["本期发现问题"]]]
    assert rates and all(isinstance(x, float) and 0 <= x <= 1 for x in rates)
    colours = {r.name: r.rating.colour.zh for r in ratings.ratings(park, END)}
    assert {r[0]: r[column["三色码(截至期末)"]] for r in rows} == colours

    path = tmp_path / "v.xlsx"
    exports.export(park, "visits", "xlsx", path, last=END)
    sheet = _xlsx(path)["巡查记录"]
    rows = _data(sheet)
    assert len(rows) == park.db.scalar("SELECT count(*) FROM visits WHERE status = 'finished'")
    assert all(isinstance(r[1], datetime) and isinstance(r[8], int) for r in rows)
    assert sheet.cell(2, 2).number_format == "yyyy-mm-dd hh:mm"
    assert sum(r[12] for r in rows) == park.db.scalar("SELECT count(*) FROM findings")

    path = tmp_path / "r.xlsx"
    exports.export(park, "ratings", "xlsx", path, date(2026, 9, 1), END)
    book = _xlsx(path)
    assert book.sheetnames == ["三色码评级", "月末分布", "说明"]
    rows = _data(book["三色码评级"])
    assert {r[0]: r[2] for r in rows} == colours
    assert all(r[5] and ("码:" in r[5]) for r in rows)  # every colour says why
    months = _data(book["月末分布"])
    assert [m[0].date() for m in months] == [date(2026, 9, 30), date(2026, 10, 31), END]
    assert all(m[1] + m[2] + m[3] == m[4] == 4 for m in months)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    columns = [sheets.Column("问题描述", "Description"), sheets.Column("天数", "Days", sheets.Kind.INTEGER)]
    rows = [['=HYPERLINK("http://x")', 1], ["-1 号车间\x0b漏油", 2], ["+86 电话", 3]]
    sheets.write_xlsx(tmp_path / "t.xlsx", [sheets.Table("表", columns, rows)])
    sheet = _xlsx(tmp_path / "t.xlsx")["表"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://x")'
    assert sheet["A3"].value == "-1 号车间漏油"  # the control character Excel cannot hold is dropped
    sheets.write_csv(tmp_path / "t.csv", sheets.Table("表", columns, rows))
    lines = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_text(encoding="utf-8-sig"))))
    assert [line[0][:2] for line in lines[1:]] == ["'=", "'-", "'+"] and lines[1][1] == "1"


def test_bad_input_leaves_no_file_and_says_why(park: Profile, tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(InvalidInput, match="晚于结束日期"):
        exports.export(park, "findings", "xlsx", tmp_path / "x.xlsx", date(2026, 5, 2), date(2026, 5, 1))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(sheets.WriteFailed) as failed:
        exports.export(park, "findings", "xlsx", blocker / "x.xlsx", last=END)
    assert "保存位置不存在" in failed.value.zh and "does not exist" in failed.value.en

    target = tmp_path / "full.xlsx"
    target.write_bytes(b"yesterday's export")  # a failed export leaves the previous file as it was
    real_open = sheets._open_temp

    class FullDisk(io.RawIOBase):
        """A file on a disk that fills after 2 kB."""

        def __init__(self, inner) -> None:
            self.inner, self.size = inner, 0

        def writable(self) -> bool:
            return True

        def write(self, data) -> int:
            self.size += len(data)
            if self.size > 2_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.inner.write(data)

        def fileno(self) -> int:
            return self.inner.fileno()

        def seekable(self) -> bool:
            return True

        def seek(self, offset: int, whence: int = 0) -> int:
            return self.inner.seek(offset, whence)

        def tell(self) -> int:
            return self.inner.tell()

        def close(self) -> None:
            self.inner.close()
            super().close()

    def full_disk(path: Path):
        tmp, handle = real_open(path)
        return tmp, FullDisk(handle)

    monkeypatch.setattr(sheets, "_open_temp", full_disk)
    for fmt in ("xlsx", "csv"):
        with pytest.raises(sheets.WriteFailed) as failed:
            exports.export(park, "findings", fmt, target, last=END)
        assert "磁盘空间已满" in failed.value.zh and "disk is full" in failed.value.en
        assert target.read_bytes() == b"yesterday's export"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "data", "full.xlsx"]  # no temp file left


def test_cli_export_and_its_errors(park: Profile, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, name = str(park.folder.parent.parent), park.folder.name
    park.close()
    out = tmp_path / "out.xlsx"
    code = main(["--data-dir", data, "--profile", name, "export", "findings", "--to", END.isoformat(), "-o", str(out)])
    printed = capsys.readouterr().out
    assert code == 0 and "已导出问题台账" in printed and out.exists()
    with Profile(park.folder) as again:
        count = again.db.scalar(
            "SELECT count(*) FROM findings f JOIN visits v ON v.id = f.visit_id AND v.status = 'finished'"
        )
    assert len(_data(_xlsx(out)["问题台账"])) == count and f"{count} 行" in printed

    profile_args = ["--data-dir", data, "--profile", name, "export", "visits"]
    code = main([*profile_args, "--from", "2026-05-02", "--to", "2026-05-01", "-o", str(tmp_path / "bad.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "晚于结束日期" in err and "after the end date" in err
    assert not (tmp_path / "bad.csv").exists()
    code = main(["--data-dir", data, "--profile", name, "export", "visits", "-o", str(tmp_path / "no" / "x.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "保存位置不存在" in err and "does not exist" in err
    assert not (tmp_path / "no").exists()
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", data, "export", "visits", "--from", "5/1/2026", "-o", str(tmp_path / "x.csv")])
    assert exited.value.code == 2 and "YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("first", "last"),
    [(None, END), (None, date(2026, 10, 20)), (date(2026, 10, 1), date(2026, 11, 3))],
)
def test_each_findings_standing_is_the_summarys(park: Profile, first: date | None, last: date) -> None:
    """Findings without an event after the period stand as their kept state says, the others as their events say:
    each as the summary PDF's definition has it (periods ending today, and mid-way with re-checks after them)."""
    span = exports.period(first, last)
    streamed = {f["id"]: standing for f, standing in exports._standings(park, span)}
    expected = {
        pf.row["id"]: pf.standing for pf in documents.period_findings(park, first or date(2000, 1, 1), last).findings
    }
    assert streamed == expected and len(expected) > 2
    if last != END:  # the case worth having: some were read from their events
        closing = exports.clock.to_text(span.end_moment)
        assert park.db.scalar("SELECT count(*) FROM finding_events WHERE at > ?", [closing]) > 0
