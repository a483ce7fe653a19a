"""The period summary PDF states the park's three colours at the period's end and every enterprise whose colour
changed within the period (from, to, why), as of the period's end; read back from the PDF."""

from __future__ import annotations

from datetime import date

from steward.services import documents, enterprise_events, enterprises, settings, visits
from steward.storage.profile import Profile
from tests.conftest import local, make_code
from tests.pdf_helpers import text, unembedded_fonts


def _visited(profile: Profile, name: str, seed: int) -> str:
    """An enterprise visited in August with nothing found: green, for a reason, before the period."""
    eid = enterprises.create(profile, name=name, credit_code=make_code(seed), template_code="craft")["id"]
    visit = visits.start(profile, eid, at=local(2026, 8, 3, 9))
    visits.finish(profile, visit["id"], at=local(2026, 8, 3, 11))
    return eid


def test_the_summary_states_the_colours_at_the_end_and_the_changes_within_the_period(profile: Profile) -> None:
    for setting, value in (
        (settings.STEWARD_NAME, "李明"),
        (settings.FIRM_NAME, "仙居绿源环境服务有限公司"),
        (settings.INSURER_NAME, "人保财险仙居支公司"),
    ):
        settings.put(profile, setting, value)
    today = date(2026, 11, 25)
    turned = _visited(profile, "仙居县天工工艺品有限公司", 11)
    _visited(profile, "仙居县源泉工艺品有限公司", 12)  # stays green
    before = _visited(profile, "仙居县明辉工艺品有限公司", 13)
    enterprise_events.add(profile, before, "hazwaste", date(2026, 8, 20), note="废漆渣露天堆放", today=today)
    enterprise_events.add(profile, turned, "complaint", date(2026, 10, 9), source="12345热线", today=today)
    enterprise_events.add(
        profile, turned, "penalty", date(2026, 10, 20), authority="生态环境局", number="仙环罚〔2026〕7号", today=today
    )
    enterprise_events.add(profile, before, "penalty", date(2026, 11, 3), authority="生态环境局", today=today)

    pdf = documents.render(documents.build_summary(profile, date(2026, 10, 1), date(2026, 10, 31))).pdf
    body = text(pdf)
    assert "三色码评级" in body
    assert "截至 2026-10-31：红码 2 家，黄码 0 家，绿码 1 家，共 3 家" in body
    assert "本期三色码变化 2 次" in body
    assert "仙居县天工工艺品有限公司2026-10-09绿码 → 黄码" in body
    assert "黄码:12 个月内查实信访投诉 1 次(阈值 1):2026-10-09〔12345热线〕" in body
    assert "2026-10-20黄码 → 红码" in body and "2026-10-20〔仙环罚〔2026〕7号、生态环境局〕" in body
    assert "仙居县明辉工艺品有限公司2026" not in body  # red since August, and its November penalty is after the end
    assert unembedded_fonts(pdf) == set()

    # Deleting the complaint (entered by mistake) takes its change out of the period's report made afterwards.
    enterprise_events.delete(profile, enterprise_events.listing(profile, turned)[0]["id"], "录错企业")
    body = text(documents.render(documents.build_summary(profile, date(2026, 10, 1), date(2026, 10, 31))).pdf)
    assert "本期三色码变化 1 次" in body and "2026-10-20绿码 → 红码" in body
