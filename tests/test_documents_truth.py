"""Documents say what was true as of their date (issue 10): read back from the PDFs and checked against the events."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
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
    # Three enterprises (each has one visit in progress at a time), all numbered by the same firm.
    companies = [enterprise] + [
        enterprises.create(
            profile, name=f"仙居县第{n}工艺品有限公司", credit_code=make_code(40 + n), template_code="craft"
        )
        for n in (1, 2)
    ]
    made = [
        _visit(profile, company, at(2026, 3, day), ["B1"], finish=False)[0]
        for company, day in zip(companies, (20, 5, 12), strict=True)
    ]
    newest_first = sorted(made, key=lambda v: v["started_at"], reverse=True)
    documents.export_visit_reports(profile, [v["id"] for v in newest_first], tmp_path / "out")
    numbers = {v["started_at"][:10]: visits.get(profile, v["id"])["notice_number"] for v in made}
    p = settings.notice_prefix(profile)
    assert numbers == {"2026-03-05": f"{p}-2026-0001", "2026-03-12": f"{p}-2026-0002", "2026-03-20": f"{p}-2026-0003"}


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
    figures = body.split("三色码评级")[0]  # the rating section after the figures names deadlines of any month
    assert "2025-12" in figures and "2026-01" not in figures


def test_one_rounding_rule() -> None:
    assert percent(107, 200) == "53.5%" and percent(1069, 2000) == "53.5%" and percent(2, 3) == "66.7%"
    assert percent(0, 0) == "—" and percent(0, 4) == "0.0%"


def _copies(pdf: bytes) -> list[list[tuple[int, int]]]:
    """The pages grouped by copy, each page's (number, total) as its footer prints it."""
    groups: list[list[tuple[int, int]]] = []
    for page in page_texts(pdf):
        found = re.search(r"第 (\d+) 页 / 共 (\d+) 页", page)
        assert found, page[-200:]
        number, total = int(found.group(1)), int(found.group(2))
        if number == 1:
            groups.append([])
        groups[-1].append((number, total))
    return groups


def test_notice_legal_form_each_copy_from_page_one_and_even(profile: Profile, enterprise: dict) -> None:
    visit, _ = _visit(profile, enterprise, at(2026, 11, 2), ["B1", "B2", "C1", "D2"], finish=False)
    visits.sign(profile, visit["id"], "representative", "王伟", refused=True, witness="园区管理员 张强")
    visits.finish(profile, visit["id"], at=at(2026, 11, 2, 5))
    result = documents.render(documents.build_notice(profile, visit["id"], copies=3))
    copies = _copies(result.pdf)
    assert len(copies) == 3
    for pages in copies:
        total = pages[0][1]
        assert total % 2 == 0 and pages == [(n, total) for n in range(1, total + 1)]
    body = text(result.pdf)
    for expected in (
        "本通知书一式三联",
        "签发单位：仙居绿源环境服务有限公司",
        "（盖章）",
        "签发日期：2026年11月02日",
        "检查人员一",
        "检查人员二",
        "企业负责人王伟拒绝签字",
        "送达回执",
        "沿此线剪下",
        "受送达单位",
    ):
        assert expected in body, expected
    assert body.count("送达回执") == 3
    assert re.search(
        r"见证人：园区管理员 张强 ?签字：_+ ?日期：", body
    )  # the witness signs and dates on a line of its own
    for page in page_texts(result.pdf):  # the closing text stays with the sign-off and the signatures
        if "请你单位于上述整改期限内" in page:
            assert "签发单位" in page and "检查人员一" in page


def test_the_major_sentence_only_with_a_major_finding(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["B2"], at=at(2026, 11, 2))
    item = visits.items(profile, visit["id"])[0]
    finding = visits.create_finding(profile, visit["id"], item["id"], severity="general", at=at(2026, 11, 2))
    assert "重大问题须立即停止" not in text(documents.render(documents.build_notice(profile, visit["id"])).pdf)
    findings.update(profile, finding["id"], severity="major")
    assert "重大问题须立即停止" in text(documents.render(documents.build_notice(profile, visit["id"])).pdf)


def test_documents_refuse_without_issuer(tmp_path: Path) -> None:
    from steward.services import templates

    with Profile(tmp_path / "fresh") as fresh:
        templates.install_bundled(fresh)
        ent = enterprises.create(fresh, name="仙居县源泉工艺品有限公司", credit_code=make_code(3))
        visit, _ = _visit(fresh, ent, at(2026, 11, 2), ["B1"])
        settings.put(fresh, settings.STEWARD_NAME, "李明")
        with pytest.raises(documents.SettingsMissing) as refused:
            documents.build_notice(fresh, visit["id"])
        assert "服务机构名称" in refused.value.zh and "保险公司名称" in refused.value.zh
        assert "steward settings set firm_name" in refused.value.zh and "insurer_name" in refused.value.en
        with pytest.raises(documents.SettingsMissing):
            documents.build_summary(fresh)
        settings.put(fresh, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
        settings.put(fresh, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
        body = text(documents.render(documents.build_notice(fresh, visit["id"])).pdf)
        assert "仙居绿源环境服务有限公司" in body and "环境服务机构" not in body


def test_the_command_line_names_the_missing_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from steward.cli.main import main

    data = ["--data-dir", str(tmp_path / "data")]
    assert main([*data, "report", "summary", "-o", str(tmp_path / "s.pdf")]) != 0
    err = capsys.readouterr().err
    assert "steward settings set steward_name" in err and "steward settings set firm_name" in err
    assert not (tmp_path / "s.pdf").exists()


def test_batch_export_on_every_core_with_progress_and_cancel(
    profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    made = [_visit(profile, enterprise, at(2026, 3, day), ["B1", "B2"])[0] for day in (2, 9, 16)]
    seen: list[tuple[int, int, str]] = []
    written = documents.export_visit_reports(
        profile, [v["id"] for v in made], tmp_path / "all", progress=lambda *a: seen.append(a), workers=2
    )
    assert len(written) == 6 and all(p.read_bytes()[:5] == b"%PDF-" for p in written)
    assert seen == [(n, 3, "仙居县源泉工艺品有限公司") for n in (1, 2, 3)]
    assert sorted(p.name for p in written) == sorted(p.name for p in (tmp_path / "all").iterdir())
    stopped: list[int] = []
    kept = documents.export_visit_reports(
        profile,
        [v["id"] for v in made],
        tmp_path / "stopped",
        progress=lambda n, *_: stopped.append(n),
        cancel=lambda: bool(stopped),
        workers=1,
    )
    assert stopped == [1] and len(kept) == 2 and len(list((tmp_path / "stopped").iterdir())) == 2


def test_archiving_never_draws_history(profile: Profile, enterprise: dict) -> None:
    from steward.domain import clock

    old, _ = _visit(profile, enterprise, clock.now() - timedelta(days=400), ["B1"])
    recent, _ = _visit(profile, enterprise, clock.now(), ["B2"])
    assert documents.archive_finished(profile) == 1  # only the visit finished in the last days
    assert documents.store.archived(profile.db, recent["id"]) and not documents.store.archived(profile.db, old["id"])


def test_the_requirement_is_never_printed_as_the_problem(profile: Profile, enterprise: dict, monkeypatch) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["D2"], at=at(2026, 11, 2))
    item = visits.items(profile, visit["id"])[0]
    # A finding left as the checklist worded the requirement (as older versions prefilled it).
    visits.create_finding(profile, visit["id"], item["id"], description=item["text_zh"], at=at(2026, 11, 2))
    printed = documents.build_notice(profile, visit["id"]).findings[0]
    assert item["problem"] and printed.description == item["problem"]  # the checklist's deficiency wording
    # A checklist without problem wording (an older import): the requirement is quoted as unmet, never as the problem.
    from steward.storage import templates as template_store

    without_wording = template_store.item

    def older_item(db, item_id):  # type: ignore[no-untyped-def]
        return {**without_wording(db, item_id), "problem": ""}

    monkeypatch.setattr(template_store, "item", older_item)
    printed = documents.build_notice(profile, visit["id"]).findings[0]
    assert printed.description != item["text_zh"] and item["text_zh"] in printed.description
    assert printed.description.startswith("未达到检查要求")
    empty = visits.create_finding(profile, visit["id"], None, description="危废标签缺失", basis="", at=at(2026, 11, 2))
    assert empty["basis"] == ""
    listed = {f.description: f for f in documents.build_notice(profile, visit["id"]).findings}
    assert listed["危废标签缺失"].basis == "—"  # an empty basis prints nothing that pretends to be one


def test_archiving_waits_for_the_issuer(tmp_path: Path) -> None:
    from steward.services import templates

    with Profile(tmp_path / "fresh") as fresh:
        templates.install_bundled(fresh)
        ent = enterprises.create(fresh, name="仙居县源泉工艺品有限公司", credit_code=make_code(3))
        visit, _ = _visit(fresh, ent, datetime.now(UTC), ["B1"])
        assert documents.archive_finished(fresh) == 0 and documents.archive_visit(fresh, visit["id"]) == []
        settings.put(fresh, settings.STEWARD_NAME, "李明")
        settings.put(fresh, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
        settings.put(fresh, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")
        assert documents.archive_finished(fresh) == 1


def test_a_routine_report_lists_its_items_in_checklist_order(profile: Profile, enterprise: dict) -> None:
    """A routine visit takes the items that are due, in the order they came due; its report and notice list them as
    the checklist does."""
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["D2", "B3", "A1"])
    items = {i["code"]: i for i in visits.items(profile, visit["id"])}
    assert list(items) == ["D2", "B3", "A1"]  # the visit's own order
    for code in ("D2", "A1"):
        visits.answer(profile, visit["id"], items[code]["id"], "not_compliant", f"现场记录{code}")
        visits.create_finding(profile, visit["id"], items[code]["id"], location=f"位置{code}")
    visits.finish(profile, visit["id"])
    report = text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf)
    table = report.split("二、检查项目")[1].split("三、")[0]
    assert table.index("A1") < table.index("B3") < table.index("D2")
    notice = text(documents.render(documents.build_notice(profile, visit["id"], copies=1)).pdf)
    assert notice.index("位置A1") < notice.index("位置D2")
