"""Any document drawn, and written whole: what a batch's worker processes run (they import nothing but reportlab and
these modules)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from steward.domain.documents import Ledger, Notice, PeriodSummary, RenderResult, VisitReport
from steward.domain.errors import StewardError
from steward.storage.blob_files import atomic_write


def render(document: Notice | VisitReport | Ledger | PeriodSummary) -> RenderResult:
    from steward.reports.ledger import render_ledger
    from steward.reports.notice import render_notice
    from steward.reports.summary import render_summary
    from steward.reports.visit_report import render_visit_report

    renderers: dict[type, Callable[[Any], RenderResult]] = {
        Notice: render_notice,
        VisitReport: render_visit_report,
        Ledger: render_ledger,
        PeriodSummary: render_summary,
    }
    return renderers[type(document)](document)


def save_pdf(result: RenderResult, path: Path) -> Path:
    """Write the PDF whole or not at all (a full disk or a pulled USB stick leaves no half file)."""
    try:
        atomic_write(path, result.pdf)
    except PermissionError:
        raise StewardError(f"没有写入权限：{path}", f"Permission denied: {path}") from None
    except OSError as exc:
        raise StewardError(f"无法保存文件 {path}:{exc.strerror}", f"Cannot save {path}: {exc.strerror}") from None
    return path


def render_file(document: Any, path: Path) -> tuple[Path, list[str]]:
    """One PDF drawn and written (in a worker process of a batch, or in this one)."""
    result = render(document)
    save_pdf(result, path)
    return path, result.warnings
