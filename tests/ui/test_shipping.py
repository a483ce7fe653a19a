"""Issue 12 in the app: daily backups on close, 备份到…, 导出诊断信息…, 关于, the first-run set-up (with a hub tested
on the spot), and saving a PDF over one that a viewer holds open."""

from __future__ import annotations

import errno
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from steward import __version__
from steward.domain.documents import RenderResult
from steward.hub.store import HubStore
from steward.services import backup, demo, documents, settings
from steward.services.profiles import open_profile
from steward.storage import blob_files
from steward.storage.profile import Profile
from steward.ui.background import Background
from steward.ui.main_window import MainWindow
from tests.hub_process import Hub


@pytest.fixture
def park_size() -> demo.DemoSize:
    return demo.DemoSize(enterprises=2, weeks=2)


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the window told the user in message boxes (answered with OK at once)."""
    messages: list[str] = []

    def tell(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> QMessageBox.StandardButton:
        messages.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "information", staticmethod(tell))
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(tell))
    return messages


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    profile = open_profile(tmp_path, "new")
    yield profile
    profile.close()


@pytest.mark.daily_backup
def test_closing_the_window_backs_up_once_a_day(qtbot: QtBot, park: Profile, tmp_path: Path, said: list[str]) -> None:
    assert backup.listing(tmp_path, "park") == []
    first = MainWindow(park)
    qtbot.addWidget(first)
    first.show()
    first.close()
    made = backup.listing(tmp_path, "park")
    assert [b.reason for b in made] == ["daily"]
    assert made[0].path.parent == tmp_path / "backups"
    photos = [p for p in (park.folder / "photos").rglob("*") if p.is_file()]
    assert photos and made[0].files == len(photos)  # the photo store came along

    second = MainWindow(park)  # the same day: no second backup
    qtbot.addWidget(second)
    second.show()
    second.close()
    assert len(backup.listing(tmp_path, "park")) == 1
    assert said == []


def test_back_up_to_a_chosen_folder(window: MainWindow, tmp_path: Path, said: list[str]) -> None:
    usb = tmp_path / "U盘"
    usb.mkdir()
    info = window.back_up_to(str(usb))
    assert info is not None and info.path.parent == usb
    assert (info.path / "steward.db").exists() and info.reason == "manual"
    assert len(said) == 1 and "备份完成" in said[0] and str(info.path) in said[0]
    assert str(info.path) in window.statusBar().currentMessage()


def test_back_up_to_a_folder_that_cannot_be_written_says_so(
    window: MainWindow, tmp_path: Path, said: list[str]
) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x", encoding="utf-8")
    assert window.back_up_to(str(not_a_folder / "inside")) is None
    assert len(said) == 1 and said[0].startswith("备份失败") and "档案本身没有任何改动" in said[0]


def test_export_diagnostics_writes_a_zip_without_the_token(
    window: MainWindow, park: Profile, tmp_path: Path, said: list[str]
) -> None:
    settings.put(park, settings.HUB_TOKEN, "secret-token-123")
    target = tmp_path / "out" / "诊断.zip"
    assert window.export_diagnostics(str(target)) == target
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        everything = b"".join(zf.read(n) for n in names)
    assert "about.json" in names and "check.txt" in names
    assert b"secret-token-123" not in everything
    assert len(said) == 1 and str(target) in said[0]


def test_about_names_version_folders_and_licenses(window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    from steward.ui.app import set_window_icon
    from steward.ui.widgets.about_dialog import AboutDialog

    dialog = AboutDialog(window.data_dir, window.log_dir, window)
    qtbot.addWidget(dialog)
    assert __version__ in dialog.version.text()
    texts = " ".join(label.text() for label in dialog.findChildren(type(dialog.version)))
    assert str(tmp_path) in texts and str(window.log_dir) in texts
    licenses = dialog.licenses.toPlainText()
    for name in ("WenQuanYi", "Apache License 2.0", "Hanazono", "Open Font License", "PySide6", "LGPL", "reportlab"):
        assert name in licenses
    assert "Pillow" in licenses and "HPND" in licenses
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    set_window_icon(app)
    assert not app.windowIcon().isNull()


def test_first_run_sets_who_issues_documents(qtbot: QtBot, fresh: Profile, tmp_path: Path) -> None:
    from steward.ui.widgets.first_run_dialog import FirstRunDialog, needs_first_run

    assert needs_first_run(fresh)
    dialog = FirstRunDialog(fresh, Background.shared())
    qtbot.addWidget(dialog)
    assert dialog.fields[settings.STEWARD_NAME.key].text() == ""  # not the default a document would refuse
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    for setting, value in (
        (settings.STEWARD_NAME, "王芳"),
        (settings.FIRM_NAME, "仙居绿源环境服务有限公司"),
        (settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司"),
        (settings.POLICY_NUMBER, "PICC-ELI-2026-0001"),
        (settings.LOGO_PATH, str(logo)),
        (settings.NOTICE_PREFIX, "XJ-LY"),
    ):
        dialog.fields[setting.key].setText(value)
    dialog.save()
    assert dialog.result() == FirstRunDialog.DialogCode.Accepted
    assert not needs_first_run(fresh)
    assert settings.get(fresh, settings.POLICY_NUMBER) == "PICC-ELI-2026-0001"
    assert settings.get(fresh, settings.NOTICE_PREFIX) == "XJ-LY"
    assert settings.get(fresh, settings.LOGO_PATH) == str(logo)


def test_first_run_skipped_leaves_documents_refusing(qtbot: QtBot, fresh: Profile) -> None:
    from steward.ui.widgets.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(fresh, Background.shared())
    qtbot.addWidget(dialog)
    dialog.fields[settings.FIRM_NAME.key].setText("仙居绿源环境服务有限公司")
    dialog.reject()  # 以后再说
    assert settings.get(fresh, settings.FIRM_NAME) == ""
    with pytest.raises(documents.SettingsMissing, match="检查人员姓名"):
        documents.require_settings(fresh)


def test_first_run_refuses_bad_input_and_keeps_it(qtbot: QtBot, fresh: Profile) -> None:
    from steward.ui.widgets.first_run_dialog import FirstRunDialog

    dialog = FirstRunDialog(fresh, Background.shared())
    qtbot.addWidget(dialog)
    dialog.fields[settings.STEWARD_NAME.key].setText("王芳")
    dialog.fields[settings.NOTICE_PREFIX.key].setText("仙居 ?")
    dialog.save()
    assert "通知书编号前缀" in dialog.error.text()
    assert dialog.result() != FirstRunDialog.DialogCode.Accepted
    assert dialog.fields[settings.STEWARD_NAME.key].text() == "王芳"


def test_start_up_offers_the_set_up_only_when_needed(
    qtbot: QtBot, fresh: Profile, monkeypatch: pytest.MonkeyPatch, said: list[str]
) -> None:
    from steward.ui.app import start_up

    window = MainWindow(fresh)
    qtbot.addWidget(window)
    shown: list[str] = []
    monkeypatch.setattr(window, "first_run", lambda: shown.append("set-up") or False)
    monkeypatch.setattr(window, "offer_resume", lambda: shown.append("resume") or False)
    start_up(window)
    assert shown == ["set-up", "resume"]
    for setting, value in (
        (settings.STEWARD_NAME, "王芳"),
        (settings.FIRM_NAME, "绿源"),
        (settings.INSURER_NAME, "人保"),
    ):
        settings.put(fresh, setting, value)
    shown.clear()
    start_up(window)
    assert shown == ["resume"]


@pytest.fixture
def hub(tmp_path: Path):
    data = tmp_path / "hub"
    data.mkdir()
    token = HubStore(data).add_steward("李明")
    server = Hub(data).start()
    yield server, token
    server.stop()


def test_first_run_tests_the_hub_connection(qtbot: QtBot, fresh: Profile, hub: tuple[Hub, str]) -> None:
    from steward.ui.widgets.first_run_dialog import FirstRunDialog

    server, token = hub
    dialog = FirstRunDialog(fresh, Background.shared())
    qtbot.addWidget(dialog)
    dialog.fields[settings.HUB_URL.key].setText(server.url)
    dialog.fields[settings.HUB_TOKEN.key].setText("wrong")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接失败" in dialog.connection.text(), timeout=20000)
    assert "令牌无效" in dialog.connection.text()
    dialog.fields[settings.HUB_TOKEN.key].setText(token)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接成功" in dialog.connection.text(), timeout=20000)
    assert "李明" in dialog.connection.text()
    assert settings.get(fresh, settings.HUB_URL) == ""  # testing saves nothing; 保存 does
    dialog.save()
    assert settings.get(fresh, settings.HUB_URL) == server.url and settings.get(fresh, settings.HUB_TOKEN) == token


def test_first_run_says_an_unreachable_hub_in_chinese(qtbot: QtBot, fresh: Profile) -> None:
    from steward.ui.widgets.first_run_dialog import FirstRunDialog
    from tests.hub_process import free_port

    dialog = FirstRunDialog(fresh, Background.shared())
    qtbot.addWidget(dialog)
    dialog.fields[settings.HUB_URL.key].setText(f"http://127.0.0.1:{free_port()}")
    dialog.fields[settings.HUB_TOKEN.key].setText("any")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "连接失败" in dialog.connection.text(), timeout=20000)
    assert "无法连接同步服务器" in dialog.connection.text()


def _locked_like_windows(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Windows refuses to replace a file a PDF viewer holds open: os.replace raises PermissionError (a sharing
    violation). Here the same refusal, for that one file."""
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst) == locked:
            raise PermissionError(errno.EACCES, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(blob_files.os, "replace", replace)


def test_saving_over_a_pdf_open_elsewhere_offers_another_name(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.ui.widgets.document_preview import DocumentPreview

    target = tmp_path / "整改通知书.pdf"
    target.write_bytes(b"%PDF-old")
    _locked_like_windows(monkeypatch, target)
    preview = DocumentPreview("整改通知书", RenderResult(b"%PDF-1.4\n%%EOF\n"), target.name)
    qtbot.addWidget(preview)
    offered: list[str] = []

    def accept(exc: documents.FileInUse) -> bool:
        offered.append(exc.zh)
        return True

    monkeypatch.setattr(preview, "offer_other_name", accept)
    saved = preview.save_as(str(target))
    assert saved == tmp_path / "整改通知书 (2).pdf"
    assert saved.read_bytes() == b"%PDF-1.4\n%%EOF\n"
    assert target.read_bytes() == b"%PDF-old"  # the open file untouched
    assert len(offered) == 1 and "文件正被其他程序打开" in offered[0] and "整改通知书 (2).pdf" in offered[0]
    assert "没有写入权限" not in offered[0]
    assert "已保存" in preview.status.text()


def test_the_preview_keeps_the_dialogs_own_result(qtbot: QtBot) -> None:
    """The preview once kept its document in `self.result`, hiding QDialog.result() (mypy: "Cannot assign to a
    method"): asking the closed preview how it closed raised TypeError."""
    from steward.ui.widgets.document_preview import DocumentPreview

    preview = DocumentPreview("整改通知书", RenderResult(b"%PDF-1.4\n%%EOF\n"), "整改通知书.pdf")
    qtbot.addWidget(preview)
    preview.reject()
    assert preview.result() == DocumentPreview.DialogCode.Rejected
    assert preview.rendered.pdf == b"%PDF-1.4\n%%EOF\n"


def test_declining_the_other_name_saves_nothing(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from steward.ui.widgets.document_preview import DocumentPreview

    target = tmp_path / "报告.pdf"
    target.write_bytes(b"%PDF-old")
    (tmp_path / "报告 (2).pdf").write_bytes(b"taken")
    _locked_like_windows(monkeypatch, target)
    preview = DocumentPreview("巡查报告", RenderResult(b"%PDF-1.4\n%%EOF\n"), target.name)
    qtbot.addWidget(preview)
    offered: list[Path] = []
    monkeypatch.setattr(preview, "offer_other_name", lambda exc: offered.append(exc.other) or False)
    assert preview.save_as(str(target)) is None
    assert offered == [tmp_path / "报告 (3).pdf"]  # the next name nobody uses
    assert "文件正被其他程序打开" in preview.status.text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["报告 (2).pdf", "报告.pdf"]


def test_the_help_menu_exports_diagnostics_where_chosen(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: list[str]
) -> None:
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "诊断.zip"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), "")))
    action = next(a for a in window.menuBar().findChildren(type(window.contrast_action)) if a.text() == "导出诊断信息…")
    action.trigger()
    assert target.exists() and zipfile.is_zipfile(target)
    assert len(said) == 1 and str(target) in said[0]


def test_the_app_warms_documents_up_on_the_pool_once_its_window_is_shown(
    qtbot: QtBot, fresh: Profile, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from steward.ui.app import warm_up_documents

    ran_on: list[threading.Thread] = []
    monkeypatch.setattr(documents, "warm_up", lambda: ran_on.append(threading.current_thread()) or 0.1)
    window = MainWindow(fresh)
    qtbot.addWidget(window)
    window.show()
    warm_up_documents(window, after_ms=0)
    assert ran_on == []  # not while the window is being shown: after its events
    qtbot.waitUntil(lambda: bool(ran_on), timeout=30_000)
    assert window.background.wait(30_000)
    assert len(ran_on) == 1 and ran_on[0] is not threading.main_thread()
