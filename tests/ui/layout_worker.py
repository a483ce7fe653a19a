"""Child of test_layout.py: every screen and dialog at 1280x720, in both themes; reports clipped buttons as JSON.

Runs in its own process because the screen size is fixed when Qt starts (offscreen, with a 1280x720 screen), or on a
real X display when DISPLAY is given (then the PNGs are what a steward would see).

    python -m tests.ui.layout_worker DATA_DIR SHOTS_DIR [PARK_PROFILE]"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QCheckBox, QPushButton, QWidget

from steward.domain.labels import AnswerResult
from steward.domain.rating import RecordKind
from steward.services import demo, enterprise_events, visits
from steward.services.profiles import open_profile
from steward.ui.app import create_application
from steward.ui.main_window import MainWindow

TOUCH = 40


def _inside_scroll_area(widget: QWidget, top: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def problems(top: QWidget) -> list[str]:
    """Buttons cut off: text wider than the button, a button outside its window, a touch target under 40 px."""
    found = []
    frame = top.rect()
    for button in top.findChildren(QAbstractButton):
        if not button.isVisibleTo(top) or button.window() is not top:
            continue
        name = f"{type(button).__name__}('{button.text() or button.toolTip() or button.objectName()}')"
        rect = button.rect().translated(button.mapTo(top, button.rect().topLeft()))
        if not _inside_scroll_area(button, top) and not frame.contains(rect):
            found.append(f"{name} lies outside its window: {rect.getRect()} not in {frame.getRect()}")
        if isinstance(button, QPushButton) and button.text():
            hint = button.sizeHint()
            if hint.width() > button.width() + 1:
                found.append(f"{name} clipped: needs {hint.width()} px, has {button.width()}")
        if isinstance(button, QPushButton | QCheckBox) and button.height() < TOUCH:
            found.append(f"{name} only {button.height()} px high")
    return found


def screens(window: MainWindow, visit_id: str, finished_id: str) -> Iterator[tuple[str, Callable[[], QWidget]]]:
    from steward.ui.widgets.about_dialog import AboutDialog
    from steward.ui.widgets.event_dialog import EventDialog
    from steward.ui.widgets.finding_history import FindingHistoryDialog
    from steward.ui.widgets.finish_dialog import FinishDialog
    from steward.ui.widgets.first_run_dialog import FirstRunDialog
    from steward.ui.widgets.settings_dialog import SettingsDialog
    from steward.ui.widgets.start_visit_dialog import StartVisitDialog

    profile = window.profile

    def enterprises() -> QWidget:
        window.show_enterprises()
        return window

    def detail() -> QWidget:
        window.show_enterprise(visits.get(profile, visit_id)["enterprise_id"])
        return window

    def detail_tab(index: int) -> Callable[[], QWidget]:
        def show() -> QWidget:
            detail()
            window.detail.tabs.setCurrentIndex(index)
            return window

        return show

    def event_dialog(kind: RecordKind, edit: bool) -> Callable[[], QWidget]:
        def show() -> QWidget:
            ent = visits.get(profile, visit_id)["enterprise_id"]
            row = next(r for r in enterprise_events.listing(profile, ent) if r["kind"] == kind) if edit else None
            return EventDialog(profile, ent, kind, row, window)

        return show

    def findings() -> QWidget:
        window.show_findings()
        return window

    def sync() -> QWidget:
        window.show_sync()
        return window

    def dashboard() -> QWidget:
        import time

        window.show_dashboard()
        deadline = time.monotonic() + 120  # counted on the pool: drawn with its figures and charts, as people see it
        while (window.dashboard.data is None or not window.dashboard.colours) and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.02)
        return window

    def item_with_finding() -> QWidget:
        window.open_visit(visit_id)
        item = next(i for i in visits.items(profile, visit_id) if i["result"] == AnswerResult.NOT_COMPLIANT)
        window.visit.go_to(f"item:{item['id']}")
        return window

    def recheck() -> QWidget:
        window.open_visit(visit_id, "recheck")
        return window

    def locked() -> QWidget:
        window.open_visit(finished_id)
        return window

    def finish() -> QWidget:
        return FinishDialog(profile, visits.get(profile, visit_id), "王伟", window)

    def start() -> QWidget:
        ent = visits.get(profile, visit_id)["enterprise_id"]
        return StartVisitDialog(profile, window.detail.enterprise or {"id": ent}, False, window)

    def settings() -> QWidget:
        return SettingsDialog(profile, window)

    def history() -> QWidget:
        finding = visits.findings_of_visit(profile, finished_id) or visits.findings_of_visit(profile, visit_id)
        return FindingHistoryDialog(profile, window.background, finding[0]["id"], window)

    def first_run() -> QWidget:
        return FirstRunDialog(profile, window.background, window)

    def about() -> QWidget:
        return AboutDialog(window.data_dir, window.log_dir, window)

    yield from (
        ("enterprises", enterprises),
        ("detail", detail),
        ("detail_rating", detail_tab(2)),
        ("detail_records", detail_tab(3)),
        ("event_dialog_complaint", event_dialog(RecordKind.COMPLAINT, edit=True)),
        ("event_dialog_penalty", event_dialog(RecordKind.PENALTY, edit=False)),
        ("findings", findings),
        ("sync", sync),
        ("dashboard", dashboard),
        ("visit_item", item_with_finding),
        ("visit_recheck", recheck),
        ("visit_locked", locked),
        ("finish_dialog", finish),
        ("start_dialog", start),
        ("settings_dialog", settings),
        ("finding_history", history),
        ("first_run_dialog", first_run),
        ("about_dialog", about),
    )


def main(data_dir: str, out_dir: str, park: str | None = None) -> None:
    """`park`: the name of a profile in data_dir that already holds a demo park (the test passes its copy of the UI
    tests' park); without it a small demo is made first, for a person who runs this alone."""
    app = create_application(["layout"])
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, out_dir)
    profile = open_profile(data_dir, park or "layout")
    if park is None:
        demo.make_demo(profile, demo.DemoSize(enterprises=4, weeks=6))
    finished_id = visits.listing(profile, status="finished")[0]["id"]
    enterprise_id = visits.get(profile, finished_id)["enterprise_id"]
    draft = visits.draft_of_enterprise(profile, enterprise_id) or visits.start(profile, enterprise_id, "routine")
    items = visits.items(profile, draft["id"])
    visits.answer(profile, draft["id"], items[0]["id"], AnswerResult.NOT_COMPLIANT)
    visits.create_finding(profile, draft["id"], items[0]["id"])
    rechecks = visits.recheck_list(profile, draft["id"])
    if rechecks:  # one re-check result chosen, to see that the choice stands out in both themes
        visits.recheck(profile, draft["id"], rechecks[0]["id"], "recheck_partly", "新整改期限:2026-12-31")
    enterprise_events.add(profile, enterprise_id, "complaint", date.today(), source="12345热线", note="夜间异味")
    window = MainWindow(profile)
    window.show()
    window.detail.show_enterprise(enterprise_id)
    report: dict[str, list[str]] = {}
    for contrast in (False, True):
        window.contrast_action.setChecked(contrast)
        theme = "high_contrast" if contrast else "normal"
        for name, make in screens(window, draft["id"], finished_id):
            widget = make()
            widget.show()
            for _ in range(5):
                app.processEvents()
            report[f"{theme}/{name}"] = problems(widget) + (
                [f"window {widget.width()}x{widget.height()} larger than the screen"]
                if widget.frameGeometry().width() > 1280 or widget.frameGeometry().height() > 720
                else []
            )
            widget.grab().save(str(Path(out_dir) / f"{theme}-{name}.png"))
            if widget is not window:
                widget.close()
                widget.deleteLater()
    print(json.dumps(report, ensure_ascii=False), flush=True)
    window.close()
    profile.close()
    QApplication.processEvents()


if __name__ == "__main__":
    main(*sys.argv[1:4])
