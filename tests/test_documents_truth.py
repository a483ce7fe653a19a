"""Documents say what was true as of their date (issue 10): read back from the PDFs and checked against the events."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from steward.domain.findings import percent
from steward.services import documents, enterprises, findings, settings, visits
from steward.storage.profile import Profile
from tests.conftest import make_code
from tests.pdf_helpers import page_texts, text


@pytest.fixture(autouse=True)
def issuer(profile: Profile) -> None:
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def _visit(
    profile: Profile, enterprise: dict, when: datetime, codes: list[str], finish: bool = True
) -> tuple[dict, list[dict]]:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=codes, at=when)
    made = [
        visits.create_finding(profile, visit["id"], i["id"], location="车间", at=when)
        for i in visits.items(profile, visit["id"])
    ]
    if finish:
        visits.finish(profile, visit["id"], at=when)
    return visit, made


def test_a_report_printed_a_year_later_equals_the_one_made_at_finish(profile: Profile, enterprise: dict) -> None:
    _, (b1, b2) = _visit(profile, enterprise, at(2025, 11, 3), ["B1", "B2"])
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["A1"], at=at(2026, 1, 15))
    visits.recheck(profile, visit["id"], b1["id"], "recheck_partly", "门帘已订购", at=at(2026, 1, 15, 3))
    visits.create_finding(profile, visit["id"], visits.items(profile, visit["id"])[0]["id"], at=at(2026, 1, 15, 3))
    visits.finish(profile, visit["id"], at=at(2026, 1, 15, 4))
    report = text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf)
    notice = text(documents.render(documents.build_notice(profile, visit["id"])).pdf)
    deadline = date.fromisoformat(b2["deadline"])
    late = (date(2026, 1, 15) - deadline).days
    assert late > 0 and f"{b2['deadline']}未复查{late}" in report  # overdue counted to the visit's day
    assert "截至 " in report and "企业尚有待整改问题 3 个" in report

    # A year of history later: the findings are rectified and waived, new ones raised, the text amended.
    later, _ = _visit(profile, enterprise, at(2026, 10, 12), ["C1"])
    findings.add_event(profile, b1["id"], "recheck_rectified", at=at(2026, 10, 12, 3), visit_id=later["id"])
    findings.add_event(profile, b2["id"], "waived", note="停产", at=at(2026, 11, 23))
    settings.put(profile, settings.FIRM_NAME, "另一家服务机构")
    assert text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf) == report
    assert text(documents.render(documents.build_notice(profile, visit["id"])).pdf) == notice

    # Without the record kept at finish (a visit that came by sync), the documents are computed as of the finish.
    with profile.db.write() as conn:
        conn.execute("DELETE FROM document_snapshots")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    recomputed = text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf)
    assert recomputed.replace(documents.build_visit_report(profile, visit["id"]).letterhead.document_id, "") == (
        report.replace(documents.build_visit_report(profile, visit["id"]).letterhead.document_id, "")
    )
    assert "2026-10-12" not in recomputed and "C1" not in recomputed.split("以往问题复查情况")[1]


def test_drafts_are_not_counted_in_the_headline_figures(profile: Profile, enterprise: dict) -> None:
    draft, _ = _visit(profile, enterprise, at(2026, 1, 5), ["B1", "B2"], finish=False)
    assert findings.figures_for(profile, today=date(2026, 2, 1)).found == 0
    visits.finish(profile, draft["id"], at=at(2026, 1, 5, 4))
    figures = findings.figures_for(profile, today=date(2026, 2, 1))
    assert (figures.found, figures.open) == (2, 2)
    assert figures == findings.figures_replayed(profile, today=date(2026, 2, 1))


def test_notice_numbers_follow_the_visits_dates_also_in_a_batch(
    profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    made = [_visit(profile, enterprise, at(2026, 3, day), ["B1"], finish=False)[0] for day in (20, 5, 12)]
    newest_first = sorted(made, key=lambda v: v["started_at"], reverse=True)
    documents.export_visit_reports(profile, [v["id"] for v in newest_first], tmp_path / "out")
    numbers = {v["started_at"][:10]: visits.get(profile, v["id"])["notice_number"] for v in made}
    assert numbers == {"2026-03-05": "XJ-2026-0001", "2026-03-12": "XJ-2026-0002", "2026-03-20": "XJ-2026-0003"}


def _replayed(profile: Profile, start: date, end: date) -> dict[str, dict[str, int]]:
    """The period's figures computed here, independently of the product: straight from the rows and the events."""
    lo = datetime(start.year, start.month, start.day).astimezone().astimezone(UTC)
    hi = datetime(end.year, end.month, end.day, 23, 59, 59, 999000).astimezone().astimezone(UTC)
    rows = profile.db.query(
        "SELECT f.*, e.name AS ename FROM findings f JOIN visits v ON v.id = f.visit_id JOIN enterprises e "
        "ON e.id = f.enterprise_id WHERE v.status = 'finished'"
    )
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in rows:
        created = datetime.fromisoformat(f["created_at"].replace("Z", "+00:00"))
        if not lo <= created <= hi:
            continue
        status = "open"
        for e in profile.db.query("SELECT * FROM finding_events WHERE finding_id = ? ORDER BY at, id", [f["id"]]):
            if datetime.fromisoformat(e["at"].replace("Z", "+00:00")) > hi:
                break
            kind = e["kind"]
            if status in ("rectified", "waived") and kind in (
                "rectification_reported",
                "recheck_partly",
                "recheck_not_rectified",
            ):
                continue
            status = {"recheck_rectified": "rectified", "waived": "waived"}.get(kind, "open")
        for key in (f["ename"], "合计"):
            out[key]["found"] += 1
            out[key][status] += 1
            out[key]["overdue"] += status == "open" and f["deadline"] < end.isoformat()
    return out


def test_period_figures_agree_with_the_events_on_every_number(profile: Profile, enterprise: dict) -> None:
    other = enterprises.create(profile, name="安岭县白塔工艺品有限公司", credit_code=make_code(7))
    quiet = enterprises.create(profile, name="白塔镇无问题企业", credit_code=make_code(8))
    _, (b1, b2, c1) = _visit(profile, enterprise, at(2025, 12, 2), ["B1", "B2", "C1"])
    _, (d1, _d2) = _visit(profile, other, at(2025, 12, 9), ["B1", "D2"])
    calm = visits.start(profile, quiet["id"], "routine", item_codes=["A1"], at=at(2025, 12, 10))
    visits.finish(profile, calm["id"], at=at(2025, 12, 10))
    _visit(profile, other, at(2025, 12, 20), ["A1"], finish=False)  # a draft: not a fact yet
    _visit(profile, enterprise, at(2026, 1, 5), ["A1"])  # after the period
    findings.add_event(profile, b1["id"], "recheck_rectified", at=at(2025, 12, 15))
    findings.add_event(profile, b2["id"], "recheck_rectified", at=at(2026, 1, 3))  # rectified after the period's end
    findings.add_event(profile, c1["id"], "waived", note="工艺已取消", at=at(2025, 12, 20))
    findings.add_event(profile, d1["id"], "recheck_rectified", at=at(2025, 12, 18))
    findings.add_event(profile, d1["id"], "reopened", at=at(2025, 12, 28))
    start, end = date(2025, 12, 1), date(2025, 12, 31)
    expected = _replayed(profile, start, end)
    pdf = documents.render(documents.build_summary(profile, start, end)).pdf
    body = text(pdf)
    lines = [line.strip() for page in page_texts(pdf) for line in page.splitlines()]
    t = expected["合计"]
    assert (t["found"], t["rectified"], t["waived"], t["open"]) == (5, 1, 1, 3)
    assert t["found"] == t["rectified"] + t["waived"] + t["open"]
    assert (
        f"发现问题 {t['found']} 个" in body
        and f"已整改 {t['rectified']} 个，已豁免 {t['waived']} 个，"
        f"尚待整改 {t['open']} 个（其中逾期 {t['overdue']} 个）"
        in body
    )
    assert f"整改率 {percent(t['rectified'], t['found'])}" in body and "截至 2025-12-31" in body
    for name, visits_made in (
        ("安岭县白塔工艺品有限公司", 1),
        ("白塔镇无问题企业", 1),
        ("仙居县源泉工艺品有限公司", 1),
        ("合计", 3),
    ):
        e = expected.get(name, defaultdict(int))
        want = [str(v) for v in (visits_made, e["found"], e["rectified"], e["waived"], e["open"], e["overdue"])]
        row = lines[
            lines.index(name) + 1 : lines.index(name) + 11
        ]  # 巡查 重大 较重 一般 发现 已整改 已豁免 待整改 逾期 整改率
        assert [row[0], *row[4:9]] == want, name
        assert row[9] == percent(e["rectified"], e["found"]), name
    # Sorted by pinyin: 安 (an) before 白 (bai) before 仙 (xian).
    assert (
        lines.index("安岭县白塔工艺品有限公司")
        < lines.index("白塔镇无问题企业")
        < lines.index("仙居县源泉工艺品有限公司")
    )
    # The monthly chart counts the same rectified findings as the text (one in December; the January one not yet).
    assert "2025-12" in body and "2026-01" not in body


def test_one_rounding_rule() -> None:
    assert percent(107, 200) == "53.5%" and percent(1069, 2000) == "53.5%" and percent(2, 3) == "66.7%"
    assert percent(0, 0) == "—" and percent(0, 4) == "0.0%"
