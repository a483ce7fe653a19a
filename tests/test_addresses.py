"""The town of an address, for grouping the dashboard's figures (issue 11)."""

from __future__ import annotations

import pytest

from steward.domain.addresses import town_of


@pytest.mark.parametrize(
    ("address", "town"),
    [
        ("浙江省台州市仙居县安岭乡安创小微园区1号", "安岭乡"),
        ("浙江省台州市仙居县白塔镇工业区12号", "白塔镇"),
        ("浙江省台州市椒江区海门街道解放路8号", "海门街道"),
        ("仙居县下各镇", "下各镇"),
        ("台州市仙居县工业区12号", ""),  # no town named
        ("", ""),
    ],
)
def test_town_of(address: str, town: str) -> None:
    assert town_of(address) == town
