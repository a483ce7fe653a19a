"""Documents from the app: preview, save, print (to a PDF printer), and batch export with progress."""

from __future__ import annotations

import threading
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
    qtbot.waitUntil(lambda: window.documents.preview is not None, timeout=60_000)
    preview = window.documents.preview
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
    window.documents.batch_export(str(out), since=date.today() - timedelta(days=30))
    since = (date.today() - timedelta(days=30)).isoformat()
    finished = [v for v in visits.listing(park, status="finished") if clock.local_day(v["started_at"]) >= since]
    assert finished
    # The timeouts only guard against a hang: a busy machine may take minutes to draw these reports.
    qtbot.waitUntil(lambda: "已导出" in window.statusBar().currentMessage(), timeout=600_000)
    assert len(list(out.glob("*巡查报告.pdf"))) == len(finished)


def test_the_visit_report_in_english_from_its_preview_and_saved_with_the_button(
    window: MainWindow, park: Profile, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog, QPushButton

    visit = next(v for v in visits.listing(park, status="finished") if v["new_findings"])
    window.open_visit(visit["id"])
    window.visit.report_button.click()
    qtbot.waitUntil(lambda: window.documents.preview is not None, timeout=60_000)
    chinese = window.documents.preview
    assert chinese.windowTitle() == "巡查报告"
    chinese.other_version_button.click()
    qtbot.waitUntil(lambda: window.documents.preview is not chinese, timeout=60_000)
    english = window.documents.preview
    assert english.windowTitle() == "巡查报告(英文)"
    assert not hasattr(english, "other_version_button")  # the English one offers no third version
    # The save button itself, as a user presses it (its `checked` once arrived as the file name).
    target = tmp_path / "report-en.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "PDF")))
    save = next(b for b in english.findChildren(QPushButton) if b.text() == "另存为PDF…")
    save.click()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Inspection Report" in text and "Checklist items" in text and "检查项目" not in text
    english.close()
    chinese.close()


def test_the_period_summary_is_gathered_on_the_pool_and_its_preview_opens(
    window: MainWindow, park: Profile, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year's summary reads much: gathering it on the GUI thread froze the window. It is gathered on a pool thread,
    through a connection of that thread's own (the window's belongs to the GUI thread), and previewed as before."""
    from PySide6.QtWidgets import QMenu

    from steward.services import documents
    from steward.ui.widgets.period_dialog import PeriodDialog

    gathered: list[tuple[int, bool]] = []
    real = documents.build_summary

    def spy(profile: Profile, start: date | None = None, end: date | None = None) -> documents.PeriodSummary:
        gathered.append((threading.get_ident(), profile.db is window.profile.db))
        return real(profile, start, end)

    monkeypatch.setattr(documents, "build_summary", spy)
    year = (date.today() - timedelta(days=365), date.today())
    monkeypatch.setattr(PeriodDialog, "exec", lambda _self: 1)
    monkeypatch.setattr(PeriodDialog, "period", lambda _self: year)
    menu_entry = next(
        a for m in window.menuBar().findChildren(QMenu) for a in m.actions() if a.text() == "期间汇总(给保险公司)…"
    )
    menu_entry.trigger()
    qtbot.waitUntil(lambda: window.documents.preview is not None, timeout=60_000)
    preview = window.documents.preview
    assert preview.windowTitle() == "期间汇总" and preview.document.pageCount() >= 1
    assert len(gathered) == 1
    thread, windows_connection = gathered[0]
    assert thread != threading.get_ident(), "the summary was gathered on the GUI thread"
    assert not windows_connection, "the summary was gathered through the window's connection"
    preview.close()
