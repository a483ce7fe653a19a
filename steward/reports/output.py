"""Any document drawn."""

from __future__ import annotations

from steward.domain.documents import Ledger, Notice, PeriodSummary, RenderResult, VisitReport


def render(document: Notice | VisitReport | Ledger | PeriodSummary) -> RenderResult:
    # Each kind's renderer is imported the first time one is drawn: a visit's report and notice never load the
    # charts (reportlab.graphics) that the ledger and the summary use. Plain import statements, not names in a
    # table: the frozen app's builder (PyInstaller) finds a module only through an import it can read.
    if isinstance(document, Notice):
        from steward.reports.notice import render_notice

        return render_notice(document)
    if isinstance(document, VisitReport):
        from steward.reports.visit_report import render_visit_report

        return render_visit_report(document)
    if isinstance(document, Ledger):
        from steward.reports.ledger import render_ledger

        return render_ledger(document)
    from steward.reports.summary import render_summary

    return render_summary(document)
