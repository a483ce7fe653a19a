"""What can be exported (the ledgers an insurer or the bureau asks for) and in which file formats: the names the
export dialog and `steward export` offer, without loading the exporters."""

from __future__ import annotations

from enum import StrEnum


class What(StrEnum):
    FINDINGS = "findings"
    ENTERPRISES = "enterprises"
    VISITS = "visits"
    RATINGS = "ratings"

    @property
    def zh(self) -> str:
        return {"findings": "问题台账", "enterprises": "企业名录", "visits": "巡查记录", "ratings": "三色码评级"}[
            self.value
        ]

    @property
    def en(self) -> str:
        return {"findings": "Findings", "enterprises": "Enterprises", "visits": "Visits", "ratings": "Ratings"}[
            self.value
        ]


class Format(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
