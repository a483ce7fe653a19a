"""Any document drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from steward.domain.documents import Ledger, Notice, PeriodSummary, RenderResult, VisitReport


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
