"""Logging for the app and the CLI: one rotating file in the data folder, so that no failure is silent and a
steward can send the file to whoever helps them. Standard `logging`; each module logs to getLogger(__name__)."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "steward.log"
_MAX_BYTES = 2_000_000  # a few months of a steward's failures; five old files kept beside it
_BACKUPS = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"

_current: Path | None = None


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_FILE


def setup(data_dir: Path) -> Path | None:
    """Send Steward's log records to data_dir/logs/steward.log (again: the previous file handler is replaced).
    Returns the file, or None when the folder cannot be written (then records go to stderr only)."""
    global _current
    root = logging.getLogger("steward")
    root.setLevel(logging.INFO)
    for handler in [h for h in root.handlers if getattr(h, "_steward", False)]:
        root.removeHandler(handler)
        handler.close()
    path = log_path(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(
            path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
    except OSError:
        handler, path = logging.StreamHandler(sys.stderr), None
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler._steward = True  # type: ignore[attr-defined]  # ours to replace on the next setup()
    root.addHandler(handler)
    _current = path
    return path


def current_log() -> Path | None:
    """The file records go to now (for messages that tell the user where the details are)."""
    return _current


def where_to_look_zh() -> str:
    return f"详细信息已记入日志文件:{_current}" if _current else "详细信息已输出到控制台。"


def where_to_look_en() -> str:
    return f"Details are in the log file {_current}." if _current else "Details were written to the console."
