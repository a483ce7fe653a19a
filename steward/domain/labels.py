"""Enumerations with their Chinese and English labels, the vocabulary shared by every layer."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    MAJOR = "major"
    SERIOUS = "serious"
    GENERAL = "general"

    @property
    def zh(self) -> str:
        return {"major": "重大", "serious": "较重", "general": "一般"}[self.value]

    @property
    def en(self) -> str:
        return {"major": "Major", "serious": "Serious", "general": "General"}[self.value]

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Accept the code, the Chinese or the English label (as found in spreadsheets)."""
        t = str(text).strip()
        for s in cls:
            if t.lower() in (s.value, s.en.lower()) or t == s.zh:
                return s
        raise ValueError(text)


class VisitKind(StrEnum):
    FIRST = "first"
    ROUTINE = "routine"
    SPECIAL = "special"
    COMPLAINT = "complaint"
    RECHECK = "recheck"

    @property
    def zh(self) -> str:
        return {
            "first": "首次全面检查",
            "routine": "日常巡查",
            "special": "专项检查",
            "complaint": "投诉核查",
            "recheck": "复查",
        }[self.value]

    @property
    def en(self) -> str:
        return {
            "first": "First full check",
            "routine": "Routine",
            "special": "Special",
            "complaint": "Complaint",
            "recheck": "Re-check",
        }[self.value]


class AnswerResult(StrEnum):
    COMPLIANT = "compliant"
    NOT_COMPLIANT = "not_compliant"
    NOT_APPLICABLE = "not_applicable"

    @property
    def zh(self) -> str:
        return {"compliant": "合格", "not_compliant": "不合格", "not_applicable": "不适用"}[self.value]

    @property
    def en(self) -> str:
        return {
            "compliant": "Compliant",
            "not_compliant": "Not compliant",
            "not_applicable": "Not applicable",
        }[self.value]


class VisitStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"

    @property
    def zh(self) -> str:
        return {"in_progress": "进行中", "finished": "已完成"}[self.value]

    @property
    def en(self) -> str:
        return {"in_progress": "In progress", "finished": "Finished"}[self.value]


class EventKind(StrEnum):
    OPENED = "opened"
    RECTIFICATION_REPORTED = "rectification_reported"
    RECHECK_RECTIFIED = "recheck_rectified"
    RECHECK_PARTLY = "recheck_partly"
    RECHECK_NOT_RECTIFIED = "recheck_not_rectified"
    REOPENED = "reopened"
    WAIVED = "waived"

    @property
    def zh(self) -> str:
        return {
            "opened": "发现问题",
            "rectification_reported": "企业报告已整改",
            "recheck_rectified": "复查:已整改",
            "recheck_partly": "复查:部分整改",
            "recheck_not_rectified": "复查:未整改",
            "reopened": "重新打开",
            "waived": "免于整改",
        }[self.value]

    @property
    def en(self) -> str:
        return {
            "opened": "Finding recorded",
            "rectification_reported": "Enterprise reports rectified",
            "recheck_rectified": "Re-check: Rectified",
            "recheck_partly": "Re-check: Partly rectified",
            "recheck_not_rectified": "Re-check: Not rectified",
            "reopened": "Reopened",
            "waived": "Waived",
        }[self.value]


class FindingStatus(StrEnum):
    OPEN = "open"
    REPORTED = "reported"  # the enterprise says it is fixed; a steward has not yet re-checked
    PARTLY = "partly"
    RECTIFIED = "rectified"
    WAIVED = "waived"

    @property
    def zh(self) -> str:
        return {
            "open": "待整改",
            "reported": "待复查",
            "partly": "部分整改",
            "rectified": "已整改",
            "waived": "已豁免",
        }[self.value]

    @property
    def en(self) -> str:
        return {
            "open": "Open",
            "reported": "Awaiting re-check",
            "partly": "Partly rectified",
            "rectified": "Rectified",
            "waived": "Waived",
        }[self.value]

    @property
    def closed(self) -> bool:
        return self in (FindingStatus.RECTIFIED, FindingStatus.WAIVED)
