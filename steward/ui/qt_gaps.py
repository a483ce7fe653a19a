"""Qt's own Chinese translation leaves a few words of its file dialog in English ("Look in", "Files of type"):
fill those gaps, so every dialog a steward sees speaks Chinese whatever the system language."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

_GAPS = {
    "&Look in:": "查找范围(&L):",
    "Files of &type:": "文件类型(&T):",
    "Back": "后退",
    "Forward": "前进",
    "Parent Directory": "上一级目录",
    "Create New Folder": "新建文件夹",
    "List View": "列表视图",
    "Detail View": "详细视图",
    "Sidebar": "侧边栏",
    "Directory:": "目录:",
    "File &name:": "文件名(&N):",
}


class QtGaps(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return _GAPS.get(source) if context == "QFileDialog" else None

    def isEmpty(self) -> bool:
        return False
