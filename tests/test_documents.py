"""Printed documents, read back: what they say, that every font is embedded, and every bad input the issue names."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from steward.domain.errors import InvalidInput, StewardError
from steward.services import documents, enterprises, findings, photos, settings, visits
from steward.services.check import check_profile
from steward.services.photos import LinkTarget
from steward.storage.profile import Profile
from tests.conftest import local, make_code
from tests.images import write_jpeg
from tests.pdf_helpers import page_texts, reader, text, unembedded_fonts


def when() -> datetime:
    """The visit: 07:30 on 2 November where the steward is, which is 1 November in UTC when that is China."""
    return local(2026, 11, 2, 7, 30)


@pytest.fixture(autouse=True)
def issuer(profile: Profile) -> None:
    """Who issues the documents: without these, nothing prints (see test_documents_refuse_without_issuer)."""
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")


@pytest.fixture
def site(profile: Profile, enterprise: dict, tmp_path: Path) -> dict:
    visit = visits.start(profile, enterprise["id"], "first", at=when())
    items = {i["code"]: i for i in visits.items(profile, visit["id"])}
    visits.answer(profile, visit["id"], items["B1"]["id"], "not_compliant", "现场有漆雾外逸")
    visits.answer(profile, visit["id"], items["A1"]["id"], "compliant")
    b1 = visits.create_finding(profile, visit["id"], items["B1"]["id"], location="喷漆车间东侧", at=when())
    d2 = visits.create_finding(profile, visit["id"], items["D2"]["id"], location="危废仓库", at=when())
    shots = [
        write_jpeg(tmp_path / f"b1-{i}.jpg", (1600, 1200), gps=(28.85, 120.73), colour=(i * 90, 60, 60))
        for i in range(2)
    ]
    photos.import_photos(
        profile, shots, LinkTarget(visit_id=visit["id"], item_id=items["B1"]["id"], finding_id=b1["id"])
    )
    visits.sign(profile, visit["id"], "steward", "李明", png=_signature_png(tmp_path))
    visits.sign(profile, visit["id"], "representative", "王伟", refused=True, witness="园区管理员 张强")
    visits.finish(profile, visit["id"], at=when())
    return {"visit": visit, "b1": b1, "d2": d2, "enterprise": enterprise}


def _signature_png(tmp_path: Path) -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (300, 100), (0, 0, 0, 0))
    ImageDraw.Draw(img).line([(10, 80), (80, 20), (150, 70), (290, 30)], fill=(11, 31, 77, 255), width=4)
    path = tmp_path / "sig.png"
    img.save(path)
    return path.read_bytes()


@pytest.mark.dates
def test_notice_says_what_a_notice_must(profile: Profile, site: dict) -> None:
    result = documents.render(documents.build_notice(profile, site["visit"]["id"], copies=3))
    number = f"{settings.notice_prefix(profile)}-2026-0001"  # XJ and this profile's own code before a sync
    assert result.warnings == []
    assert unembedded_fonts(result.pdf) == set()
    body = text(result.pdf)
    for expected in (
        "整改通知书",
        f"编号：{number}",
        "仙居县源泉工艺品有限公司",
        site["enterprise"]["credit_code"],
        "王伟",
        "浙江省台州市仙居县安岭乡安创小微园区1号",
        "首次全面检查",
        "喷漆车间东侧",
        "危废仓库",
        "重大",
        "较重",
        "2027-01-01",
        "复查栏",
        "已整改",
        "部分整改",
        "企业负责人王伟拒绝签字",
        "园区管理员 张强",
        "第一联 企业留存",
        "第二联 服务机构留存",
        "第三联 保险公司留存",
        "仙居绿源环境服务有限公司",
        "照片 1",
        "照片 2",
        "1、2",
    ):
        assert expected in body, expected
    photo_rows = profile.db.query("SELECT sha256 FROM photos")
    assert all(f"SHA-256 {r['sha256'][:12]}" in body for r in photo_rows)
    info = reader(result.pdf).metadata
    assert (
        info.title == f"整改通知书 {number} 仙居县源泉工艺品有限公司"
        and info.author == "李明"
        and info.subject == "整改通知书"
    )
    pages = page_texts(result.pdf)
    assert "第 1 页 / 共" in pages[0] and f"共 {len(pages) // 3} 页" in pages[-1]


def test_notice_numbers_are_sequential_and_never_reused(profile: Profile, site: dict, enterprise: dict) -> None:
    prefix = settings.notice_prefix(profile)
    assert re.fullmatch(r"XJ-[2-9][2-9A-Z]{5}", prefix)  # the firm's prefix and this profile's own code
    first = documents.build_notice(profile, site["visit"]["id"])
    assert first.notice_number == f"{prefix}-2026-0001"
    assert documents.build_notice(profile, site["visit"]["id"]).notice_number == f"{prefix}-2026-0001"  # reprint
    other = visits.start(profile, enterprise["id"], "routine", item_codes=["B2"], at=when())
    visits.create_finding(profile, other["id"], visits.items(profile, other["id"])[0]["id"], at=when())
    assert documents.build_notice(profile, other["id"]).notice_number == f"{prefix}-2026-0002"


def test_a_visit_without_findings_needs_no_notice(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["A1"])
    with pytest.raises(InvalidInput, match="无需开具整改通知书"):
        documents.build_notice(profile, visit["id"])


def test_visit_report(profile: Profile, site: dict, enterprise: dict) -> None:
    second = visits.start(profile, enterprise["id"], "routine", item_codes=["A1", "B1"])
    visits.recheck(profile, second["id"], site["b1"]["id"], "recheck_rectified", "已加装门帘")
    first = documents.render(documents.build_visit_report(profile, site["visit"]["id"]))
    body = text(first.pdf)
    for expected in (
        "一企一策全面检查报告",
        "检查项目",
        "现场有漆雾外逸",
        "不合格",
        "合格",
        "未检查",
        "本次发现的问题",
        "现场照片",
        "检查人员一",
        "李明",
        "GPS 28.85000, 120.73000",
    ):
        assert expected in body, expected
    assert unembedded_fonts(first.pdf) == set()
    later = text(documents.render(documents.build_visit_report(profile, second["id"])).pdf)
    assert "以往问题复查情况" in later and "已整改" in later and "已加装门帘" in later


@pytest.mark.dates
def test_ledger_and_summary(profile: Profile, site: dict) -> None:
    # 20:00 local: already the next day in UTC where the steward is west of Greenwich.
    findings.add_event(profile, site["b1"]["id"], "recheck_rectified", at=local(2026, 11, 20, 20))
    ledger = documents.render(documents.build_ledger(profile, site["enterprise"]["id"]))
    body = text(ledger.pdf)
    assert "问题台账" in body and "期间共发现问题 2 个。" in body
    assert "已整改 1 个，已豁免 0 个，尚待整改 1 个" in body
    assert "2026-11-20" in body and "18" in body  # closed on, days to close
    assert "整改前后照片" in body
    summary = documents.render(documents.build_summary(profile, date(2026, 11, 1), date(2026, 11, 30)))
    body = text(summary.pdf)
    assert "环保管家服务情况汇总" in body and "2026-11-01 至 2026-11-30" in body
    assert "发现问题 2 个" in body and "整改率 50.0%" in body and "合计" in body
    assert unembedded_fonts(summary.pdf) == set()


def test_a_missing_photo_file_still_renders_and_check_reports_it(profile: Profile, site: dict) -> None:
    sha = profile.db.scalar("SELECT sha256 FROM photos LIMIT 1")
    profile.photos.rendition_path(sha).unlink()
    body = text(documents.render(documents.build_notice(profile, site["visit"]["id"])).pdf)
    assert "照片缺失" in body
    assert "rendition_missing" in {p.code for p in check_profile(profile).problems}


def test_long_names_many_findings_and_rare_characters(profile: Profile) -> None:
    long_name = "仙居县" + "鑫淼堃工艺品制造" * 24 + "有限公司"  # over 200 characters
    rare = enterprises.create(profile, name=long_name, credit_code=make_code(41), address="仙居县白塔镇㛃村1号")
    visit = visits.start(profile, rare["id"], "first", at=when())
    items = visits.items(profile, visit["id"])
    for n in range(100):
        visits.create_finding(profile, visit["id"], items[n % len(items)]["id"], location=f"位置{n + 1}", at=when())
    # One copy: the copies repeat the same pages (tests/test_documents_truth.py holds them), and reading 100 findings'
    # pages back is most of this test's time.
    result = documents.render(documents.build_notice(profile, visit["id"], copies=1))
    pages = page_texts(result.pdf)
    assert len(pages) >= 5
    with_rows = [page for page in pages if "位置5" in page or "位置9" in page]
    assert len(with_rows) >= 3 and all("整改要求" in page for page in with_rows)  # the header repeats
    body = "\n".join(pages)
    assert "位置100" in body and "鑫淼堃工艺品制造" in body
    assert "〔U+" not in body and result.warnings == []  # 㛃 comes from the bundled fallback font
    assert unembedded_fonts(result.pdf) == set()


def test_saving_into_a_folder_that_cannot_be_written_says_so(profile: Profile, site: dict, tmp_path: Path) -> None:
    result = documents.render(documents.build_notice(profile, site["visit"]["id"]))
    target = tmp_path / "not-a-folder"
    target.write_text("a file where a folder should be")
    with pytest.raises(StewardError, match="无法保存文件"):
        documents.save_pdf(result, target / "notice.pdf")
    saved = documents.save_pdf(result, tmp_path / "out" / "notice.pdf")
    assert saved.read_bytes()[:5] == b"%PDF-"


def test_batch_export(profile: Profile, site: dict, tmp_path: Path) -> None:
    seen = []
    written = documents.export_visit_reports(
        profile,
        [site["visit"]["id"]],
        tmp_path / "export",
        progress=lambda n, total, name: seen.append((n, total, name)),
    )
    assert sorted(p.name.split("_")[-1] for p in written) == ["巡查报告.pdf", "整改通知书.pdf"]
    assert seen == [(1, 1, "仙居县源泉工艺品有限公司")]


def test_damaged_image_files_are_shown_as_damaged_not_a_crash(profile: Profile, site: dict) -> None:
    sha = profile.db.scalar("SELECT sha256 FROM photos LIMIT 1")
    profile.photos.rendition_path(sha).write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    signature = profile.db.scalar("SELECT image_sha256 FROM signatures WHERE image_sha256 IS NOT NULL")
    profile.photos.blob_path(signature, "png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    result = documents.render(documents.build_notice(profile, site["visit"]["id"]))
    body = text(result.pdf)
    assert "照片文件损坏" in body and "签名图片已损坏" in body
    assert any("damaged" in w for w in result.warnings)


def test_chart_labels_stay_inside_their_chart_and_the_page_margins() -> None:
    """Category names set at an angle under a chart used to hang below it, over the next chart's title, and left
    into the margin when they were long (an imported checklist's categories). Read back: every chart label starts
    inside the margins and above the title of the chart that follows it."""
    from reportlab.lib.pagesizes import A4

    from steward.domain.documents import Letterhead, PeriodSummary, SummaryRow
    from steward.reports.base import MARGIN

    categories = ["危险废物贮存与转移管理", "废气收集与治理设施运行", "一般工业固体废物管理", "突发环境事件应急准备"]
    categories += ["噪声", "废水", "标识", "台账制度"]
    row = SummaryRow("仙居县源泉工艺品有限公司", 4, 1, 2, 5, 8, 3, 1, 4, 1)
    summary = PeriodSummary(
        Letterhead("仙居绿源环境服务有限公司", "保险公司", None, "环保管家服务情况汇总", "d1", "2026-12-31", "李明"),
        "2026-01-01 至 2026-12-31",
        (row,),
        replace(row, name="合计"),
        tuple((name, 9 - n) for n, name in enumerate(categories)),
        (),  # no monthly chart: the table's heading follows the category chart on the first page
        "2026-12-31",
    )
    pdf = documents.render(summary).pdf
    runs: list[tuple[float, float, bool, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: float) -> None:
        if text.strip():  # where the text starts on the page: its matrix times the canvas's (charts rotate both)
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            rotated = abs(tm[0] * cm[1] + tm[1] * cm[3]) > 1e-6
            runs.append((x, y, rotated, text.strip()))

    reader(pdf).pages[0].extract_text(visitor_text=visit)
    angled = [r for r in runs if r[2]]
    assert {text for *_, text in angled} == set(categories)  # the category chart's labels, at an angle
    assert all(MARGIN - 0.5 <= x <= A4[0] - MARGIN for x, *_ in runs)
    lowest = min(y for _, y, _, _ in angled)
    following = [y for _, y, rotated, text in runs if not rotated and "各企业情况" in text]
    assert len(following) == 1 and following[0] < lowest - 4  # the next heading starts below the lowest label
    assert lowest > 16 * 2.83  # above the footer's margin


def _headings_without_text_below(pdf: bytes) -> tuple[str, list[tuple[int, str]]]:
    """The text of all pages as `text` reads it, and (page, heading) for each section heading (12.5 pt) with no line
    of its section under it on its page: one reading of the PDF for both (reading it back is most of the cost)."""
    found = []
    pages = []
    for number, page in enumerate(reader(pdf).pages, start=1):
        runs: list[tuple[float, float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float, into: list = runs) -> None:
            if text.strip():
                into.append((tm[5] * cm[3] + cm[5], size * tm[3] * cm[3], text.strip()))

        pages.append(page.extract_text(visitor_text=visit))
        footer = 12 * 2.83  # the footer line sits 9 mm up the page
        for y, size, heading_text in runs:
            if abs(size - 12.5) < 0.01 and not any(footer < y2 < y - 5 for y2, _, _ in runs):
                found.append((number, heading_text))
    return "".join(pages).replace("\n", ""), found


def test_no_heading_is_left_alone_at_a_page_foot() -> None:
    """The period summary's section headings (各企业情况, 三色码评级) move to the next page with their section when
    the page has no room for a few of its lines; swept over every position by the length of the table above."""
    from steward.domain.documents import Letterhead, PeriodColours, PeriodSummary, SummaryRow

    stranded = []
    headings = 0
    for count in range(24, 60, 3):  # a row is 18 pt: positions a third of the heading's room apart
        rows = tuple(SummaryRow(f"仙居县企业{n:02d}工艺品有限公司", 4, 1, 1, 1, 3, 1, 0, 2, 1) for n in range(count))
        summary = PeriodSummary(
            Letterhead(
                "仙居绿源环境服务有限公司", "保险公司", None, "环保管家服务情况汇总", "d1", "2026-12-31", "李明"
            ),
            "2026-01-01 至 2026-12-31",
            rows,
            SummaryRow("合计", 4 * count, count, count, count, 3 * count, count, 0, 2 * count, count),
            (("废气/VOCs", 3 * count),),
            (("2026-01", 3 * count, count),),
            "2026-12-31",
            PeriodColours("默认三色码规则", (("红码", 1), ("黄码", 2), ("绿码", count - 3))),
        )
        body, alone = _headings_without_text_below(documents.render(summary).pdf)
        headings += sum(body.count(h) for h in ("各企业情况", "三色码评级"))
        stranded += [(count, *where) for where in alone]
    assert headings == 2 * 12
    assert stranded == [], stranded


def test_markup_typed_in_a_finding_is_printed_as_typed(profile: Profile, enterprise: dict) -> None:
    """Text that looks like markup is words: a short cell (drawn as a string) and a long one (a paragraph) both
    print exactly what was typed, never bold, never a font switch, never an error."""
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["D2"], at=when())
    item = visits.items(profile, visit["id"])[0]
    visits.create_finding(
        profile,
        visit["id"],
        item["id"],
        at=when(),
        location="<b>东</b>",
        description="废液桶 & <font name='Courier'>未加盖</font>，标签写着 a&amp;b <br/> 与 &lt;1&gt;，" * 2,
        requirement="<i>加盖</i>",
    )
    body = text(documents.render(documents.build_notice(profile, visit["id"], copies=1)).pdf)
    assert "<b>东</b>" in body and "<i>加盖</i>" in body
    typed = "废液桶 & <font name='Courier'>未加盖</font>，标签写着 a&amp;b <br/> 与 &lt;1&gt;，"
    assert (typed * 2).replace(" ", "") in body.replace(" ", "")  # a space where a line breaks is not drawn
