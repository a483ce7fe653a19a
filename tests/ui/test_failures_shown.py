"""No failure is silent: background work that fails with nobody waiting is logged with its traceback in the data
folder's log file and shown to the user in words, with the log's path."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from steward import app_logging
from steward.ui.background import Background
from steward.ui.main_window import MainWindow


def _explode(_progress: object) -> None:
    raise ZeroDivisionError("boom in a worker")


def test_unexpected_failure_without_callback_is_logged_and_shown(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    log_file = app_logging.setup(tmp_path / "data")
    try:
        background = Background.shared()
        with qtbot.waitSignal(background.unhandled, timeout=10000) as caught:
            background.run(_explode)  # no on_failed: before, the failure vanished
        error = caught.args[0]
        assert "boom in a worker" in error.zh and str(log_file) in error.zh
        qtbot.waitUntil(lambda: getattr(window, "failure_box", None) is not None, timeout=5000)
        assert window.failure_box.isVisible() and "boom in a worker" in window.failure_box.text()
        window.failure_box.close()
        text = log_file.read_text(encoding="utf-8")
        assert "Traceback" in text and "ZeroDivisionError: boom in a worker" in text
    finally:
        app_logging.setup(tmp_path / "elsewhere")


def test_cli_unexpected_error_names_the_log(tmp_path: Path, capsys, monkeypatch) -> None:
    from steward.cli import commands, main

    def broken(_args: object) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(commands, "dispatch", broken)
    assert main.main(["--data-dir", str(tmp_path), "check"]) == 2
    err = capsys.readouterr().err
    log_file = app_logging.log_path(tmp_path.resolve())
    assert "disk on fire" in err and str(log_file) in err
    assert "RuntimeError: disk on fire" in log_file.read_text(encoding="utf-8")
