"""The Sync screen: what is waiting, one button, progress with MB/s and time left, cancel, and a log."""

from __future__ import annotations

import threading
import time
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from steward.domain.errors import StewardError
from steward.services import settings
from steward.storage.profile import Profile
from steward.ui import language
from steward.ui.background import Background
from steward.ui.theme import wrapped_label


class SyncScreen(QWidget):
    synced = Signal()

    def __init__(self, profile: Profile, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.profile, self.background = profile, background
        self._stop = threading.Event()
        self._started = 0.0
        self.running = False
        self.hub = QLineEdit(settings.get(profile, settings.HUB_URL))
        self.hub.setPlaceholderText(self.tr("http://服务器地址:8750"))
        self.token = QLineEdit(settings.get(profile, settings.HUB_TOKEN))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.pending = QLabel()
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setStyleSheet("font-weight: bold;")
        self.sync_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("取消"))
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.rate = QLabel()
        self.error = wrapped_label("overdue")
        self.log = QListWidget()
        form = QFormLayout()
        form.addRow(self.tr("同步服务器"), self.hub)
        form.addRow(self.tr("同步令牌"), self.token)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending, 1)
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.rate)
        layout.addWidget(self.error)
        layout.addWidget(QLabel(self.tr("同步记录")))
        layout.addWidget(self.log, 1)

    def refresh(self) -> None:
        from steward.sync import engine

        waiting = engine.pending(self.profile)
        text = self.tr("待同步:巡查 {v} 次 · 记录 {r} 条 · 照片和签名 {b} 个 · {mb:.1f} MB").format(
            v=waiting.visits, r=waiting.records, b=waiting.blobs, mb=waiting.bytes / 1e6
        )
        if waiting.refused:
            text += self.tr(" · 服务器拒收、未上传 {n} 条(修改后重新上传)").format(n=len(waiting.refused))
        self.pending.setText(text)
        self.pending.setToolTip("\n".join(f"{r['entity']} {r['id'][:8]}:{r['zh']} {r['en']}" for r in waiting.refused))

    def start(self) -> None:
        from steward.sync import engine
        from steward.sync.client import HubClient

        if self.running:
            return
        url, token = self.hub.text().strip(), self.token.text().strip()
        try:
            settings.put(self.profile, settings.HUB_URL, url)
            settings.put(self.profile, settings.HUB_TOKEN, token)
            ca_bundle = settings.get(self.profile, settings.HUB_CA_BUNDLE) or None
            client = HubClient(url, token, engine.profile_id(self.profile), ca_bundle=ca_bundle)
        except StewardError as exc:
            self.error.setText(language.said(exc))
            return
        self.running = True
        self._stop.clear()
        self._started = time.perf_counter()
        self.error.clear()
        self.sync_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        profile = self.profile

        def work(progress: Any) -> engine.SyncReport:
            # Closed when the sync ends, however it ends: a connection left open holds a TLS hub's graceful shutdown
            # (it waits for the close it was never sent) and keeps a socket per sync until the window closes.
            with client:
                return engine.sync(
                    profile,
                    client,
                    lambda stage, done, total: progress(done, total, stage),
                    should_stop=self._stop.is_set,
                )

        self.background.run(work, self._done, self._failed, self._progress, owner=self)

    def cancel(self) -> None:
        self._stop.set()
        self.cancel_button.setEnabled(False)

    def _progress(self, done: int, total: int, stage: str) -> None:
        if stage == "documents":
            self.rate.setText(self.tr("正在生成巡查文书 {n}/{total}…").format(n=done, total=total))
            return
        if stage != "upload" or total <= 0:
            self.rate.setText({"push": self.tr("正在上传记录…"), "pull": self.tr("正在下载同事的更新…")}.get(stage, ""))
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        elapsed = max(time.perf_counter() - self._started, 1e-3)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0
        self.rate.setText(
            self.tr("{done:.1f} / {total:.1f} MB · {rate:.1f} MB/s · 剩余约 {left:.0f} 秒").format(
                done=done / 1e6, total=total / 1e6, rate=rate / 1e6, left=left
            )
        )

    def _finish(self) -> None:
        self.running = False
        self.rate.clear()
        self.sync_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.progress.setRange(0, 1)
        self.refresh()

    def _done(self, report: Any) -> None:
        self._finish()
        self.progress.setValue(1)
        stamp = time.strftime("%H:%M")
        for line in report.log:
            self.log.addItem(f"{stamp} {line}")
        for conflict in report.conflicts:
            self.log.addItem(f"{stamp} 冲突:{conflict['entity']} {conflict['id'][:8]}(服务器上已有不同内容,未覆盖)")
        for refused in report.refused:
            self.log.addItem(f"{stamp} 服务器拒收:{refused['entity']} {refused['id'][:8]}({refused.get('zh', '')})")
        for held in report.held_back:
            self.log.addItem(f"{stamp} 拒收,未上传:{held['entity']} {held['id'][:8]}({held['zh']})")
        for skipped in report.skipped:
            why = skipped.get("en", skipped["zh"]) if language.current() == language.ENGLISH else skipped["zh"]
            self.log.addItem(
                self.tr("{t} 跳过:{entity} {id}({why})").format(
                    t=stamp, entity=skipped["entity"], id=skipped["id"][:8], why=why
                )
            )
        self.log.addItem(self.tr("{t} 同步完成,用时 {s:.1f} 秒").format(t=stamp, s=report.seconds))
        self.synced.emit()

    def _failed(self, error: StewardError) -> None:
        self._finish()
        text = with_advice(error)
        self.error.setText(text)
        self.log.addItem(f"{time.strftime('%H:%M')} {text}")


def with_advice(error: StewardError) -> str:
    """The hub's answer, and what the steward can do about it: never a bare status number."""
    status = getattr(error, "status", 0)
    if status in (401, 403):
        advice = QCoreApplication.translate(
            "SyncScreen", "请在本页“同步令牌”中填入管理员发给您的令牌(注意不要多出空格),再点同步。"
        )
    elif status == 404:
        advice = QCoreApplication.translate(
            "SyncScreen",
            "服务器地址可能填错了:请核对“服务器地址”(管理员提供的 Steward Hub 地址,如 http://192.168.1.10:8000)。",
        )
    elif status == 413:
        advice = QCoreApplication.translate(
            "SyncScreen", "上传的内容太大,服务器拒收:请联系管理员调大服务器的上传限制。"
        )
    elif status == 507:
        advice = QCoreApplication.translate(
            "SyncScreen", "服务器磁盘已满:请联系管理员清理空间;本机内容都已保存,稍后再同步即可。"
        )
    elif status >= 500:
        advice = QCoreApplication.translate(
            "SyncScreen", "服务器内部出错:本机内容都已保存,请稍后再试;一直如此请联系管理员。"
        )
    elif status >= 400:
        advice = QCoreApplication.translate("SyncScreen", "请核对服务器地址和令牌;仍不行请把这条信息发给管理员。")
    else:
        return language.said(error)
    said = language.said(error)
    if advice in said:
        return said
    return f"{said} {advice}" if language.current() == language.ENGLISH else f"{said}{advice}"
