"""A visit report said in English: the same facts (the report kept at finish), its fixed vocabulary and summary in
English. What the steward typed and the legal bases stay as written; the checklist's own English wording is used
where the checklist has one."""

from __future__ import annotations

import re
from dataclasses import replace

from steward.domain.documents import ItemResult, Photo, RecheckLine, VisitReport
from steward.domain.labels import AnswerResult, Severity, VisitKind

NOT_CHECKED = ("未检查", "Not checked")
_RESULTS = {r.zh: r.en for r in AnswerResult} | {NOT_CHECKED[0]: NOT_CHECKED[1]}
_KINDS = {k.zh: k.en for k in VisitKind}
_SEVERITIES = {s.zh: s.en for s in Severity}
_OUTCOMES = {
    "已整改": "Rectified",
    "部分整改": "Partly rectified",
    "未整改": "Not rectified",
    "未复查": "Not re-checked",
}
_HEADINGS = {
    "一企一策全面检查报告": "Comprehensive Inspection Report (One Enterprise, One Plan)",
    "环保管家巡查报告": "Environmental Steward Inspection Report",
}
_CAPTIONS = {"整改后": "After rectification", "现场": "On site"}
_PROBLEM_CAPTION = re.compile(r"^问题 (\d+)$")
_STAMPS = (
    (re.compile(r"^拍摄 (.*?)  检查人员 "), r"Taken \1  Inspector "),
    (re.compile(r"^拍摄地点 GPS"), "Location GPS"),
)


def in_english(report: VisitReport) -> VisitReport:
    if report.language == "en":
        return report
    heading = _HEADINGS.get(report.heading, report.heading)
    title = report.letterhead.title
    if report.heading and title.startswith(report.heading):
        title = heading + title[len(report.heading) :]
    return replace(
        report,
        language="en",
        heading=heading,
        letterhead=replace(report.letterhead, title=title),
        visit_kind=_KINDS.get(report.visit_kind, report.visit_kind),
        items=tuple(_item(i) for i in report.items),
        new_findings=tuple(replace(f, severity=_SEVERITIES.get(f.severity, f.severity)) for f in report.new_findings),
        rechecks=tuple(_recheck(line) for line in report.rechecks),
        photos=tuple(_photo(p) for p in report.photos),
        summary=_summary(report),
    )


def _item(item: ItemResult) -> ItemResult:
    return replace(
        item,
        category=item.category_en or item.category,
        text=item.text_en or item.text,
        result=_RESULTS.get(item.result, item.result),
    )


def _recheck(line: RecheckLine) -> RecheckLine:
    return replace(line, outcome=_OUTCOMES.get(line.outcome, line.outcome))


def _photo(photo: Photo) -> Photo:
    caption = _CAPTIONS.get(photo.caption, photo.caption)
    if match := _PROBLEM_CAPTION.match(photo.caption):
        caption = f"Problem {match.group(1)}"
    stamp = []
    for line in photo.stamp:
        for pattern, english in _STAMPS:
            line = pattern.sub(english, line)
        stamp.append(line)
    return replace(photo, caption=caption, stamp=tuple(stamp))


def _summary(report: VisitReport) -> tuple[str, ...]:
    """From the recorded figures; a report kept before figures were recorded keeps its Chinese summary (the figures
    are facts of the finish and are not recomputed from today's data)."""
    if len(report.counts) != 7:
        return report.summary
    items, answered, failed, new, rechecked, closed, still_open = report.counts
    kind = _KINDS.get(report.visit_kind, report.visit_kind).lower()
    return (
        f"This visit ({kind}) covered {items} checklist items; {answered} were checked, {failed} of them not compliant.",
        f"New problems found: {new}. Earlier problems re-checked: {rechecked}, of which {closed} were confirmed "
        "rectified at this visit.",
        f"As of {report.as_of} (the end of this visit) the enterprise has {still_open} problems awaiting "
        "rectification, including those found at this visit.",
    )
