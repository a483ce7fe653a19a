"""Any document drawn."""

from __future__ import annotations

from importlib import import_module

from steward.domain.documents import Ledger, Notice, PeriodSummary, RenderResult, VisitReport

# Each kind's renderer is imported the first time one is drawn: a visit's report and notice never load the charts
# (reportlab.graphics) that the ledger and the summary use.
_RENDERERS: dict[type, tuple[str, str]] = {
    Notice: ("steward.reports.notice", "render_notice"),
    VisitReport: ("steward.reports.visit_report", "render_visit_report"),
    Ledger: ("steward.reports.ledger", "render_ledger"),
    PeriodSummary: ("steward.reports.summary", "render_summary"),
}


def render(document: Notice | VisitReport | Ledger | PeriodSummary) -> RenderResult:
    module, name = _RENDERERS[type(document)]
    result: RenderResult = getattr(import_module(module), name)(document)
    return result
