"""Typesetting read back from the PDFs: Chinese line breaking, rare characters, label columns, names in the title."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from steward.reports.typeset import break_allowed
from steward.services import documents, enterprises, settings, visits
from steward.storage.profile import Profile
from tests.conftest import make_code
from tests.pdf_helpers import page_texts, reader, text

WHEN = datetime(2026, 11, 2, 2, 30, tzinfo=UTC)
NO_START = "，。、；：？！）》」』”"
NO_END = "（《「『“"


@pytest.fixture(autouse=True)
def issuer(profile: Profile) -> None:
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "浙江省台州市仙居县绿源生态环境技术咨询服务有限责任公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司台州市仙居支公司营业部")


def test_break_rules() -> None:
    sample = "按照《危险废物贮存污染控制标准》（GB 18597-2023），于2026-11-02检查。"
    allowed = break_allowed(sample)
    for k, ch in enumerate(sample):
        if ch in NO_START:
            assert not allowed[k], (k, ch)
        if k and sample[k - 1] in NO_END:
            assert not allowed[k], (k, ch)
    for whole in ("GB 18597-2023", "2026-11-02"):
        start = sample.index(whole)
        assert not any(allowed[start + 1 : start + len(whole)]), whole


def test_no_line_starts_with_closing_punctuation(profile: Profile, enterprise: dict) -> None:
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["D2"], at=WHEN)
    item = visits.items(profile, visit["id"])[0]
    for k in range(14):  # every offset, so that each mark falls at a line's end somewhere
        visits.create_finding(
            profile,
            visit["id"],
            item["id"],
            at=WHEN,
            location="危废仓库" + "东" * (k % 4),
            description="甲" * (k + 1)
            + "，危废仓库未设置“防渗漏”措施（地面裂缝）；标签：《危险废物识别标志》不全！是否整改？",
            basis=f"{'乙' * k}《危险废物贮存污染控制标准》（GB 18597-2023）第6.1条",
            requirement=f"{'丙' * k}于2026-11-02前完成：修补地面，张贴“危险废物”标签。",
        )
    pdf = documents.render(documents.build_notice(profile, visit["id"], copies=1)).pdf
    pages = page_texts(pdf)
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    assert len(lines) > 200
    starts = [line for line in lines if line[0] in NO_START]
    ends = [line for line in lines if line[-1] in NO_END]
    assert starts == [] and ends == []
    assert sum("GB 18597-2023" in line for line in lines) == 14  # never split across lines
    body = "".join(pages).replace("\n", "")  # text(pdf), from the pages already read back
    assert body.count("2026-11-02前完成") == 14
    for label in ("法定代表人/负责人", "统一社会信用代码", "序号", "照片编号", "整改期限"):
        assert label in lines, label  # each label on one line, never "负责|人"


def test_rare_characters_print_from_the_fallback_font(profile: Profile) -> None:
    rare = enterprises.create(
        profile, name="仙居县𠀀𪚥㛃䶮工艺品有限公司", credit_code=make_code(41), address="仙居县白塔镇㛃村1号"
    )
    visit = visits.start(profile, rare["id"], "routine", item_codes=["B1"], at=WHEN)
    visits.create_finding(profile, visit["id"], visits.items(profile, visit["id"])[0]["id"], at=WHEN)
    result = documents.render(documents.build_notice(profile, visit["id"]))
    body, read = text(result.pdf), reader(result.pdf)  # each read back once
    assert "〔U+" not in body and result.warnings == []
    fonts = {
        str(font.get_object()["/BaseFont"]) for page in read.pages for font in page["/Resources"]["/Font"].values()
    }
    assert any("HanaMin" in name for name in fonts) and any("WenQuanYi" in name for name in fonts)
    assert "㛃" in body and "䶮" in body  # Ext A reads back; Ext B does not with pypdf
    assert read.metadata.title.endswith("仙居县𠀀𪚥㛃䶮工艺品有限公司")


def test_a_character_no_font_has_is_shown_and_reported(profile: Profile) -> None:
    odd = enterprises.create(profile, name="仙居县\U000e0100工艺品有限公司", credit_code=make_code(42))
    visit = visits.start(profile, odd["id"], "routine", item_codes=["B1"], at=WHEN)
    visits.create_finding(profile, visit["id"], visits.items(profile, visit["id"])[0]["id"], at=WHEN)
    result = documents.render(documents.build_notice(profile, visit["id"]))
    assert "〔U+E0100〕" in text(result.pdf) and any("U+E0100" in w for w in result.warnings)


def _letterhead_runs(pdf: bytes) -> list[list[tuple[float, float, float, str]]]:
    """Per page, the text drawn in the letterhead band: (left x, right x, baseline y, text)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from steward.reports.fonts import FONT, register

    register()
    pages: list[list[tuple[float, float, float, str]]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
        text = text.strip()
        if text and y > A4[1] - 20 * mm:
            pages[-1].append((x, x + stringWidth(text, FONT, size * tm[0]), y, text))

    for page in reader(pdf).pages:
        pages.append([])
        page.extract_text(visitor_text=visit)
    return pages


def test_long_firm_and_insurer_names_are_printed_whole_in_the_letterhead(profile: Profile, enterprise: dict) -> None:
    """Both halves of the letterhead hold their whole text, never over each other: a long insurer name, the policy
    number and the copy label go on a second line rather than being shrunk out of sight or cut with "…"."""
    firm = "浙江省台州市仙居县绿源环境保护技术服务与生态环境咨询有限责任公司"
    insurer = "中国人民财产保险股份有限公司台州市仙居县支公司环境污染责任保险业务部"
    settings.put(profile, settings.FIRM_NAME, firm)
    settings.put(profile, settings.INSURER_NAME, insurer)
    settings.put(profile, settings.POLICY_NUMBER, "PICC-ELI-2026-0007-330000")
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["D2"], at=WHEN)
    visits.create_finding(profile, visit["id"], visits.items(profile, visit["id"])[0]["id"], at=WHEN)
    pdf = documents.render(documents.build_notice(profile, visit["id"], copies=3)).pdf
    pages = _letterhead_runs(pdf)
    labels = [label.replace(" ", "") for label in documents.COPY_LABELS]
    seen_labels = set()
    for runs in pages:
        band = "".join(text for *_, text in sorted(runs, key=lambda r: (-r[2], r[0]))).replace(" ", "")
        if "本页空白" in band:
            continue  # a blank back page carries no letterhead
        assert firm in band and insurer in band and "PICC-ELI-2026-0007-330000" in band and "…" not in band
        seen_labels |= {label for label in labels if label in band}
        firm_runs = [r for r in runs if r[3] in firm]
        insurer_runs = [r for r in runs if r not in firm_runs]
        assert firm_runs and insurer_runs
        assert max(r[1] for r in firm_runs) < min(r[0] for r in insurer_runs)  # side by side, never over each other
        assert min(r[0] for r in firm_runs) >= 15 * 2.83 and max(r[1] for r in insurer_runs) <= 595.3 - 15 * 2.83
    assert seen_labels == set(labels)


def test_the_ledger_keeps_a_status_and_its_overdue_days_on_one_line() -> None:
    """The 状态 column was as wide as its label: "部分整改" wrapped to "部分整|改" and "逾期334天" to "逾期334|天"."""
    from steward.domain.documents import EnterpriseBlock, Ledger, LedgerEntry, Letterhead

    entries = tuple(
        LedgerEntry(
            n,
            "2025-11-28",
            "B9",
            "废气处理设施",
            "喷漆废气仅采用单一UV光解（光氧化）处理，属低效治理工艺" * 2,
            "较重",
            "2025-12-28",
            status,
            "",
            "",
            overdue,
            (),
            (),
        )
        for n, (status, overdue) in enumerate([("部分整改", 334), ("待整改", 12), ("已整改", 0)], start=1)
    )
    ledger = Ledger(
        Letterhead("仙居绿源环境服务有限公司", "保险公司", None, "问题台账", "d1", "2026-11-27", "李明"),
        EnterpriseBlock("仙居县东方工艺品有限公司", make_code(3), "张梅", "仙居县安岭乡", "", "", ""),
        "2025-11-28 至 2026-11-27",
        entries,
        "期间共发现问题 3 个。",
    )
    lines = [line.strip() for page in page_texts(documents.render(ledger).pdf) for line in page.splitlines()]
    assert sum("部分整改" in line for line in lines) == 1
    assert sum("逾期334天" in line for line in lines) == 1 and sum("逾期12天" in line for line in lines) == 1


def test_a_font_recalled_from_the_cache_is_the_font_reportlab_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The font's tables are kept after the first read and recalled by later processes: the font recalled, and the
    one read when nothing was kept, equal what reportlab's TTFont reads itself. A damaged kept file, or one naming a
    class (code to run), is ignored and the font read again."""
    import pickle

    from reportlab.pdfbase.ttfonts import TTFont, TTFontFile

    from steward.reports import font_files
    from steward.reports.fonts import FONT
    from steward.resources import resource

    monkeypatch.setenv(font_files.ENV_CACHE_DIR, str(tmp_path))
    path = resource("fonts") / "wqy-microhei.ttc"
    theirs = TTFont(FONT, str(path))

    def same(font: TTFont) -> None:
        mine, reference = dict(vars(font)), dict(vars(theirs))
        assert {k for k in mine if k not in ("face", "state")} == {k for k in reference if k not in ("face", "state")}
        assert all(mine[k] == reference[k] for k in mine if k not in ("face", "state", "encoding"))
        face, ref_face = dict(vars(font.face)), dict(vars(theirs.face))
        scale, ref_scale = face.pop("_pdfScale"), ref_face.pop("_pdfScale")
        assert face == ref_face and scale(1234) == ref_scale(1234)
        assert font.stringWidth("危险废物贮存 GB 18597-2023", 9) == theirs.stringWidth("危险废物贮存 GB 18597-2023", 9)

    same(font_files.load(FONT, path))  # read, and kept
    [kept] = (tmp_path / "fonts").iterdir()
    with monkeypatch.context() as reading:
        reading.setattr(TTFontFile, "extractInfo", _never)
        same(font_files.load(FONT, path))  # recalled, without reading the tables
    kept.write_bytes(kept.read_bytes()[:1000])
    same(font_files.load(FONT, path))  # damaged: read again (and kept again)
    kept.write_bytes(pickle.dumps({"names": [], "charToGlyph": Path("/")}))
    same(font_files.load(FONT, path))  # a class in the file: refused, read again
    assert font_files._read(kept) is not None  # and what was kept again reads back


def _never(*_args: object) -> None:
    raise AssertionError("the font's tables were read, not recalled")
