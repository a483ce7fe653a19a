"""Documents from the app: preview, save, print (to a PDF printer), and batch export with progress."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from steward.domain import clock
from steward.services import demo, visits
from steward.storage.profile import Profile
from steward.ui.main_window import MainWindow


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=4, weeks=3)


def test_notice_preview_save_and_print(window: MainWindow, park: Profile, qtbot: QtBot, tmp_path: Path) -> None:
    visit = next(v for v in visits.listing(park) if v["new_findings"])
    window.open_visit(visit["id"])
    window.visit.notice_button.click()
    qtbot.waitUntil(lambda: getattr(window, "preview", None) is not None, timeout=10000)
    preview = window.preview
    assert preview.document.pageCount() >= 2 and "共" in preview.status.text()
    saved = preview.save_as(str(tmp_path / "通知书.pdf"))
    assert saved and saved.read_bytes()[:5] == b"%PDF-"
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert preview.print_to(printer) == preview.document.pageCount()
    assert (tmp_path / "printed.pdf").stat().st_size > 10_000
    preview.close()


def test_batch_export(window: MainWindow, park: Profile, qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "export"
    out.mkdir()
    window.batch_export(str(out), since=date.today() - timedelta(days=30))
    since = (date.today() - timedelta(days=30)).isoformat()
    finished = [v for v in visits.listing(park, status="finished") if clock.local_day(v["started_at"]) >= since]
    assert finished
    # The timeouts only guard against a hang: a busy machine may take minutes to draw these reports.
    qtbot.waitUntil(lambda: "已导出" in window.statusBar().currentMessage(), timeout=600_000)
    assert len(list(out.glob("*巡查报告.pdf"))) == len(finished)
