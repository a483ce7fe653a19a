"""What an address says about where an enterprise is: its town (乡, 镇 or 街道), the unit a county's bureau and an
insurer group enterprises by."""

from __future__ import annotations

import re

# The first 乡/镇/街道 after the province, city, county or district: "浙江省台州市仙居县安岭乡…" -> 安岭乡,
# "…仙居县白塔镇工业区12号" -> 白塔镇, "…椒江区海门街道…" -> 海门街道.
_TOWN = re.compile(r"(?:省|市|县|区)([^省市县区\s\d]{1,8}?(?:街道|镇|乡))")


def town_of(address: str) -> str:
    """The town an address names, or "" when it names none (an address typed without one)."""
    found = _TOWN.search(address or "")
    return found.group(1) if found else ""
