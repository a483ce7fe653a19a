"""The English interface: every screen and dialog, opened in English, shows no Chinese of its own. Chinese that comes
from the steward's data (enterprise names, findings, checklist wording, settings typed in Chinese) stays as typed;
documents stay Chinese (they are legal documents)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from steward.domain.labels import AnswerResult, EventKind, FindingStatus, Severity, VisitKind, VisitStatus
from steward.domain.rating import RecordKind
from steward.services import demo, enterprise_events, enterprises, findings, settings, visits
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.main_window import MainWindow

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ROWS_CHECKED = 40
SHORTENED = 6


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=3, weeks=4)


@pytest.fixture
def english(qapp: QApplication) -> Iterator[None]:
    assert language.apply(qapp, language.ENGLISH), "steward_en.qm missing: run `make translations`"
    yield
    language.apply(qapp, language.CHINESE)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        if value[:1] in '[{"':
            try:
                yield from _strings(json.loads(value))
                return
            except ValueError:
                pass
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def data_strings(profile: Profile) -> list[str]:
    """Every Chinese text the steward's data holds, longest first (so a name is removed before its parts)."""
    found: set[str] = set()
    conn = profile.db.conn
    for (table,) in conn.execute("select name from sqlite_master where type = 'table'").fetchall():
        for row in conn.execute(f"select * from [{table}]").fetchall():
            for value in row:
                found.update(s.strip() for s in _strings(value) if isinstance(s, str) and CHINESE.search(s))
    found.add(settings.STEWARD_NAME.default)
    parts = {line.strip() for s in found for line in s.splitlines()}
    return sorted(found | parts - {""}, key=len, reverse=True)


class Texts:
    def __init__(self, data: list[str]) -> None:
        self.data = data
        self.chinese: dict[str, str] = {}
        self.by_start: dict[str, list[str]] = {}
        for piece in data:
            self.by_start.setdefault(piece[:SHORTENED], []).append(piece)

    def _without_shortened_data(self, text: str) -> str:
        """Checklist wording shortened to fit an outline or a list ("…有收"): a long enough start of a data string."""
        i = 0
        while i < len(text):
            longest = 0
            for piece in self.by_start.get(text[i : i + SHORTENED], ()):
                n = 0
                while n < len(piece) and i + n < len(text) and piece[n] == text[i + n]:
                    n += 1
                longest = max(longest, n)
            if longest >= SHORTENED:
                text = text[:i] + text[i + longest :]
            else:
                i += 1
        return text

    def add(self, where: str, text: str | None) -> None:
        if not text or not CHINESE.search(text):
            return
        rest = self._without_shortened_data(text)
        for piece in self.data:
            if piece in rest:
                rest = rest.replace(piece, "")
        if CHINESE.search(rest):
            self.chinese[text] = where

    def model(
        self, where: str, model: QAbstractItemModel | None, parent: QModelIndex | None = None, depth: int = 0
    ) -> None:
        if model is None or depth > 3:
            return
        parent = parent or QModelIndex()
        columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(parent)
        for orientation in (Qt.Orientation.Horizontal, Qt.Orientation.Vertical):
            count = columns if orientation == Qt.Orientation.Horizontal else 0
            for section in range(count):
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.headerData(section, orientation, role)
                    self.add(f"{where} header", value if isinstance(value, str) else None)
        for row in range(min(model.rowCount(parent), ROWS_CHECKED)):
            for column in range(columns):
                index = model.index(row, column, parent)
                for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                    value = model.data(index, role)
                    self.add(f"{where} cell", value if isinstance(value, str) else None)
                if column == 0 and model.rowCount(index) > 0:
                    self.model(where, model, index, depth + 1)

    def menu(self, where: str, menu: QMenu) -> None:
        self.add(where, menu.title())
        for action in menu.actions():
            if action.objectName() == "language":  # each language is named in itself
                continue
            self.add(f"{where} › action", action.text())
            self.add(f"{where} › tooltip", action.toolTip() if action.toolTip() != action.text() else "")
            if action.menu() is not None:
                self.menu(f"{where} › {action.text()}", action.menu())

    def widget(self, root: QWidget) -> None:
        for w in [root, *root.findChildren(QWidget)]:
            name = type(w).__name__
            self.add(f"{name} title", w.windowTitle() if w.isWindow() else "")
            self.add(f"{name} tooltip", w.toolTip())
            self.add(f"{name} status tip", w.statusTip())
            if isinstance(w, QLabel | QAbstractButton):
                self.add(f"{name} text", w.text())
            if isinstance(w, QLineEdit):
                self.add(f"{name} placeholder", w.placeholderText())
                self.add(f"{name} text", w.text())
            if isinstance(w, QTextEdit | QPlainTextEdit):
                self.add(f"{name} placeholder", w.placeholderText())
                self.add(f"{name} text", w.toPlainText())
            if isinstance(w, QGroupBox):
                self.add(f"{name} title", w.title())
            if isinstance(w, QTabWidget):
                for i in range(w.count()):
                    self.add(f"{name} tab", w.tabText(i))
                    self.add(f"{name} tab tooltip", w.tabToolTip(i))
            if isinstance(w, QComboBox):
                for i in range(w.count()):
                    self.add(f"{name} choice", w.itemText(i))
            if isinstance(w, QAbstractItemView):
                self.model(name, w.model())
            if isinstance(w, QMenu):
                self.menu(name, w)
            for action in w.actions():
                if action.objectName() != "language":
                    self.add(f"{name} action", action.text())
                    self.add(f"{name} action tooltip", action.toolTip())


def _open_finding_of(profile: Profile) -> dict:
    rows = findings.listing(profile)
    assert rows, "the demo park must have findings"
    return rows[0]


def test_domain_labels_are_shown_in_english(english: None) -> None:
    from steward.ui.labels import label

    for enum in (Severity, VisitKind, AnswerResult, VisitStatus, EventKind, FindingStatus):
        for member in enum:
            assert label(member) == member.en
    assert label(AnswerResult.NOT_COMPLIANT) == "Not compliant" and label(Severity.SERIOUS) == "Serious"


@pytest.mark.slow
def test_every_screen_and_dialog_in_english_shows_no_chinese_of_its_own(
    english: None, qtbot: QtBot, park: Profile
) -> None:
    from steward.ui.widgets.document_preview import DocumentPreview
    from steward.ui.widgets.event_dialog import DeleteEventDialog, EventDialog
    from steward.ui.widgets.export_dialog import ExportDialog
    from steward.ui.widgets.finding_history import FindingHistoryDialog
    from steward.ui.widgets.finish_dialog import FinishDialog
    from steward.ui.widgets.period_dialog import PeriodDialog
    from steward.ui.widgets.settings_dialog import SettingsDialog
    from steward.ui.widgets.start_visit_dialog import StartVisitDialog

    finding = _open_finding_of(park)
    enterprise_id = finding["enterprise_id"]
    enterprise_events.add(park, enterprise_id, "complaint", date.today(), source="12345热线", substantiated=False)
    enterprise_events.add(park, enterprise_id, "penalty", date.today(), authority="生态环境局", number="罚〔2026〕1号")
    texts = Texts(data_strings(park))
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show()
    assert window.nav_findings.text() == "Findings"

    def look(widget: QWidget) -> None:
        QCoreApplication.processEvents()
        texts.widget(widget)

    qtbot.waitUntil(lambda: window.enterprises.rated, timeout=20000)  # the colours and their reasons
    look(window)
    for menu in window.menuBar().findChildren(QMenu):
        texts.menu("menu", menu)
    with qtbot.waitSignal(window.detail.rating.timeline_shown, timeout=20000):
        window.show_enterprise(enterprise_id)
    assert window.detail.rating.changes  # the timeline's changes and reasons are looked at too
    look(window)
    window.show_findings()
    qtbot.waitUntil(lambda: bool(window.findings.model.rows), timeout=3000)
    look(window)
    window.show_sync()
    look(window)
    window.show_dashboard()  # 看板: its figures, charts and what a bar opens
    screen = window.dashboard
    qtbot.waitUntil(lambda: screen.data is not None and bool(screen.colours), timeout=60_000)
    assert screen.by_month.chart_.title().isascii() and all(c.isascii() for c in screen.by_colour.categories)
    look(window)
    for chart in (screen.by_severity, screen.by_category, screen.ageing, screen.by_month):
        texts.add("chart title", chart.chart_.title())
        texts.add("chart bars", " ".join(s.label() for s in chart.sets))
        for name in chart.categories:
            texts.add("chart axis", name)
    screen.open_bar(screen.by_severity, 0, max(range(3), key=lambda i: screen.by_severity.value(0, i)))
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=60_000)  # its findings are read on the pool
    assert screen.dialog is not None
    look(screen.dialog)
    screen.dialog.close()

    # A visit at an enterprise with open findings: the checklist, an item answered 不合格 with its finding editor,
    # the re-check panel, the unassigned photos.
    visit = visits.start(park, enterprise_id, "routine")
    items = visits.items(park, visit["id"])
    visits.answer(park, visit["id"], items[0]["id"], AnswerResult.COMPLIANT)
    window.open_visit(visit["id"], f"item:{items[1]['id']}")
    window.visit.answer(AnswerResult.NOT_COMPLIANT)
    look(window)
    for position in ("recheck", "unassigned"):
        window.visit.go_to(position)
        look(window)
    window.visit.go_to(f"item:{items[1]['id']}")

    enterprise = enterprises.get(park, enterprise_id)
    period = PeriodDialog(window.documents.tr("期间汇总"), date(2026, 1, 1), date(2026, 1, 31), window)
    dialogs: list[QWidget] = [
        SettingsDialog(park, window),
        StartVisitDialog(park, enterprise, False, window),
        FinishDialog(park, visits.get(park, visit["id"]), enterprise.get("contact") or "", window),
        FindingHistoryDialog(park, window.background, finding["id"], window),
        period,
        EventDialog(park, enterprise_id, RecordKind.COMPLAINT, None, window),
        EventDialog(park, enterprise_id, RecordKind.PENALTY, window.detail.records.rows[0], window),
        EventDialog(park, enterprise_id, RecordKind.HAZWASTE, None, window),
        DeleteEventDialog(park, window.detail.records.rows[0], window),
        ExportDialog(park, window.background, window),
    ]
    from steward.services import documents

    rendered = documents.render(documents.build_ledger(park, enterprise_id))
    dialogs.append(DocumentPreview(window.documents.tr("问题台账"), rendered, "ledger.pdf", window))
    for dialog in dialogs:
        if not dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
            qtbot.addWidget(dialog)
        dialog.show()
        look(dialog)
        dialog.close()

    # Switching back to Chinese rebuilds the screens at the same place, in Chinese.
    window.set_language(language.CHINESE)
    assert language.current() == language.CHINESE
    assert window.nav_findings.text() == "问题清单"
    assert window.stack.currentWidget() is window.visit and window.visit.position == f"item:{items[1]['id']}"
    assert settings.get(park, settings.LANGUAGE) == language.CHINESE
    window.close()

    assert not texts.chinese, "Chinese left in the English interface:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in sorted(texts.chinese.items(), key=lambda kv: kv[1])
    )


def test_switching_language_keeps_what_is_typed_and_the_place(qtbot: QtBot, park: Profile, qapp: QApplication) -> None:
    from tests.ui.typing import type_into

    ent = enterprises.listing(park)[0]
    visit = visits.start(park, ent["id"], "routine")
    item = visits.items(park, visit["id"])[2]
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show()
    window.open_visit(visit["id"], f"item:{item['id']}")
    type_into(window.visit.item_panel.note, "排放口有异味 odour")  # typed, not yet saved by any timer
    try:
        window.set_language(language.ENGLISH)
        assert language.current() == language.ENGLISH and window.nav_findings.text() == "Findings"
        assert window.visit.position == f"item:{item['id']}"
        assert window.visit.item_panel.note.toPlainText() == "排放口有异味 odour"
        saved = next(i for i in visits.items(park, visit["id"]) if i["id"] == item["id"])
        assert saved["note"] == "排放口有异味 odour"
        assert settings.get(park, settings.LANGUAGE) == language.ENGLISH
    finally:
        language.apply(qapp, language.CHINESE)
        window.close()


def test_the_language_setting_chosen_checked_and_defaulting_to_the_system(park: Profile) -> None:
    assert settings.get(park, settings.LANGUAGE) == ""
    assert language.chosen(park) == language.system_language()
    settings.put(park, settings.LANGUAGE, settings.parse(settings.LANGUAGE, " en "))
    assert language.chosen(park) == language.ENGLISH
    with pytest.raises(Exception, match="zh_CN"):
        settings.parse(settings.LANGUAGE, "fr")


def test_photo_viewer_markup_about_first_run_and_messages_in_english(
    english: None, qtbot: QtBot, park: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    from steward.services import photos
    from steward.ui.widgets.about_dialog import AboutDialog
    from steward.ui.widgets.first_run_dialog import FirstRunDialog
    from steward.ui.widgets.photo_markup import PhotoMarkupEditor
    from steward.ui.widgets.photo_viewer import PhotoViewer

    texts = Texts(data_strings(park))
    window = MainWindow(park)
    qtbot.addWidget(window)
    window.show()
    finding = _open_finding_of(park)
    (row, *_) = photos.links(park, photos.LinkTarget(finding_id=finding["id"])) or photos.links(
        park, photos.LinkTarget(visit_id=finding["visit_id"])
    )
    dialogs: list[QWidget] = [
        PhotoViewer(park, row, window, can_delete=True),
        PhotoMarkupEditor(park, row, window),
        AboutDialog(window.data_dir, window.log_dir, window),
        FirstRunDialog(park, window.background, window),
    ]
    for dialog in dialogs:
        if not dialog.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose):
            qtbot.addWidget(dialog)
        dialog.show()
        QCoreApplication.processEvents()
        texts.widget(dialog)
        dialog.close()

    # What the window says in message boxes: a notice for a visit without findings, a sync without a hub.
    told: list[tuple[str, str]] = []

    def tell(_parent: object, title: str, text: str, *_a: object, **_k: object) -> QMessageBox.StandardButton:
        told.append((title, text))
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", staticmethod(tell))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(tell))
    quiet = next(v for v in visits.listing(park, status="finished") if not v["new_findings"])
    window.documents.visit_document("notice", quiet["id"])  # gathered on the pool: its refusal comes back later
    qtbot.waitUntil(lambda: bool(told), timeout=60_000)  # "a notice for a visit without findings says why not"
    for title, text in told:
        texts.add("message box title", title)
        texts.add("message box text", text)
    window.close()

    assert not texts.chinese, "Chinese left in the English interface:\n" + "\n".join(
        f"  {where}: {text!r}" for text, where in sorted(texts.chinese.items(), key=lambda kv: kv[1])
    )
