"""Drawing a visit's documents once before anyone asks for them, so that the first real one costs what any later one
does. The first document of a process used to pay for reading the fonts (their tables, even when recalled from the
cache), for reportlab's and Pillow's modules that load on first use, for the first pass through every drawing path,
for reading the record's types back from its JSON and for laying out the checklist wording every report and notice
repeats: ~0.37 s against ~0.10 s for the next one. A small notice and a small visit report with a photo, drawn and
thrown away, and the checklists' texts laid out as table cells, pay all of that up front. What is left for the first
real document is its own work, the font subset of its characters included. Nothing is kept: the photo is a tiny JPEG
in a temporary folder, removed after."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from steward.domain.documents import (
    EnterpriseBlock,
    ItemResult,
    Letterhead,
    Notice,
    NoticeFinding,
    Photo,
    RecheckLine,
    Signature,
    VisitReport,
    from_json,
    to_json,
)
from steward.domain.documents_english import NOT_CHECKED
from steward.domain.labels import AnswerResult, Severity
from steward.domain.templates import TemplateItem
from steward.reports.base import Document
from steward.reports.fonts import register
from steward.reports.output import render

log = logging.getLogger(__name__)
_done = threading.Event()
_lock = threading.Lock()

# Text in the shapes real documents have: Chinese with the punctuation the line breaker handles, a standard number and
# a date it must keep whole, digits and Latin letters.
_ENTERPRISE = EnterpriseBlock(
    "仙居县示例工艺品有限公司", "91331024MA0000001F", "王某", "浙江省台州市仙居县示例路1号", "李某 13800000000", "", ""
)
_FINDING = NoticeFinding(
    1,
    "喷漆车间",
    "喷漆房门窗未密闭，软帘破损，废气外逸（“负压”不足）。",
    "《中华人民共和国大气污染防治法》第四十五条；GB 37822-2019《挥发性有机物无组织排放控制标准》第10.2条",
    "较重",
    "修复喷漆房门窗和软帘，作业时保持关闭，确保负压运行。",
    "2026-01-15",
    (1,),
)


def _letterhead(title: str) -> Letterhead:
    return Letterhead(
        "示例环境服务有限公司", "示例保险股份有限公司", None, title, "XJ-2026-0001", "2026-01-05 10:00", "李明"
    )


def _photo(folder: Path) -> Photo:
    path = folder / "warm.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 140, 160)).save(buffer, "JPEG", quality=80)
    path.write_bytes(buffer.getvalue())
    return Photo(1, str(path), "0" * 64, "问题 1", ("拍摄 2026-01-05 10:00  检查人员 李明",), 4 / 3)


def _lay_out(items: Sequence[TemplateItem]) -> None:
    """The checklists' wording as the table cells of a report and a notice print it (item, category, problem, basis,
    requirement): parsed and split into font runs once here, recalled by every document that prints it."""
    document = Document(_letterhead("巡查报告"), "")
    labels = [r.zh for r in AnswerResult] + [s.zh for s in Severity] + [NOT_CHECKED[0]]
    for text in labels:
        document.p(text, "cell")
    for item in items:
        for text in (item.code, item.category_zh, item.text_zh, item.problem, item.basis, item.requirement):
            document.p(text, "cell")


def _notice(photo: Photo) -> Notice:
    signatures = (Signature("检查人员", "李明", None), Signature("企业负责人", "", None, True, "张某", "2026-01-05"))
    return Notice(
        _letterhead("整改通知书"),
        "XJ-2026-0001",
        _ENTERPRISE,
        "日常",
        "2026-01-05 09:30",
        "李明",
        (_FINDING,),
        (photo,),
        signatures,
        ("第一联 企业留存", "第二联 服务机构留存"),
        "2026年01月05日",
    )


def _report(photo: Photo) -> VisitReport:
    return VisitReport(
        _letterhead("巡查报告"),
        _ENTERPRISE,
        "日常",
        "2026-01-05 09:30",
        "李明",
        (ItemResult("B2", "废气/VOCs", "喷漆房门窗/观察口密闭、负压、软帘完好", "不合格", "软帘破损"),),
        (_FINDING,),
        (RecheckLine("危废标签缺失", "2025-12-20", "2025-12-27", "已整改", 0, ""),),
        (photo,),
        ("本次检查发现问题 1 个。",),
        (Signature("检查人员", "李明", None),),
        "2026-01-05 11:00",
    )


def warm_up(items: Sequence[TemplateItem] = ()) -> float:
    """Draw and discard a small notice and visit report (once per process; later calls return at once). With the
    checklists' items, their wording (which every visit report and notice repeats) is laid out too. Returns the
    seconds it took, 0 when it had been done. A failure is logged, never raised: the real document will say it."""
    with _lock:
        if _done.is_set():
            return 0.0
        started = time.perf_counter()
        try:
            register()
            with tempfile.TemporaryDirectory(prefix="steward-warm-") as folder:
                photo = _photo(Path(folder))
                # Through the record's JSON, as a finished visit's documents are made (and their types read once).
                render(from_json(Notice, to_json(_notice(photo))))
                render(from_json(VisitReport, to_json(_report(photo))))
            _lay_out(items)
        except Exception:
            log.warning("documents not warmed up", exc_info=True)
        _done.set()
        return time.perf_counter() - started
