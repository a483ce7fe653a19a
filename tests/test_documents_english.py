"""The visit report in English (issue 12): the same facts as the Chinese report kept at finish, its fixed words and
summary in English, what the steward typed as written. Read back from the PDFs."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from steward.domain.documents_english import in_english
from steward.domain.errors import InvalidInput
from steward.services import documents, findings, settings, visits
from steward.storage.profile import Profile
from tests.pdf_helpers import text


@pytest.fixture(autouse=True)
def issuer(profile: Profile) -> None:
    settings.put(profile, settings.STEWARD_NAME, "李明")
    settings.put(profile, settings.FIRM_NAME, "仙居绿源环境服务有限公司")
    settings.put(profile, settings.INSURER_NAME, "中国人民财产保险股份有限公司仙居支公司")


def at(y: int, m: int, d: int, h: int = 2) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


def _finished_visit_with_a_recheck(profile: Profile, enterprise: dict) -> tuple[str, dict]:
    first = visits.start(profile, enterprise["id"], "routine", item_codes=["B1", "B2"], at=at(2026, 3, 2))
    earlier = [
        visits.create_finding(profile, first["id"], i["id"], location="喷漆车间", at=at(2026, 3, 2))
        for i in visits.items(profile, first["id"])
    ]
    visits.finish(profile, first["id"], at=at(2026, 3, 2, 3))
    visit = visits.start(profile, enterprise["id"], "routine", item_codes=["A1", "B4"], at=at(2026, 4, 6))
    items = visits.items(profile, visit["id"])
    visits.answer(profile, visit["id"], items[0]["id"], "compliant")
    visits.answer(profile, visit["id"], items[1]["id"], "not_compliant")
    new = visits.create_finding(
        profile,
        visit["id"],
        items[1]["id"],
        location="东侧排气筒",
        description="集气罩风速不足，现场测得0.2 m/s",
        at=at(2026, 4, 6),
    )
    visits.recheck(profile, visit["id"], earlier[0]["id"], "recheck_rectified", "已更换门帘", at=at(2026, 4, 6, 3))
    visits.finish(profile, visit["id"], at=at(2026, 4, 6, 4))
    return visit["id"], new


def test_the_english_report_tells_the_same_facts_in_english(profile: Profile, enterprise: dict) -> None:
    visit_id, _ = _finished_visit_with_a_recheck(profile, enterprise)
    chinese = documents.build_visit_report(profile, visit_id)
    english = documents.build_visit_report(profile, visit_id, "en")
    zh = text(documents.render(chinese).pdf)
    en = text(documents.render(english).pdf)

    assert english.letterhead.document_id == chinese.letterhead.document_id
    assert "Environmental Steward Inspection Report" in en and "Routine" in en
    for words in ("Summary", "Checklist items", "Problems found at this visit", "Re-check of earlier problems"):
        assert words in en
    assert "Compliant" in en and "Not compliant" in en and "Rectified" in en
    # The fixed Chinese words are gone; what the steward typed is printed as written.
    for chinese_words in ("检查结果汇总", "本次发现的问题", "复查结论", "不合格", "第 1 页"):
        assert chinese_words not in en
    assert "集气罩风速不足" in en and "东侧排气筒" in en and "已更换门帘" in en
    # The same figures: items, answered, not compliant, new, re-checked, rectified here, still open.
    zh_figures = [int(n) for n in re.findall(r"(\d+) [项个]", zh)]
    assert zh_figures[:7] == [2, 2, 1, 1, 2, 1, 2]  # the Chinese summary itself, as a reference
    assert "covered 2 checklist items; 2 were checked, 1 of them not compliant" in en
    assert "New problems found: 1. Earlier problems re-checked: 2, of which 1 were confirmed" in en
    assert "has 2 problems awaiting" in en


def test_a_late_english_reprint_still_tells_the_facts_of_the_finish(profile: Profile, enterprise: dict) -> None:
    visit_id, new = _finished_visit_with_a_recheck(profile, enterprise)
    before = text(documents.render(documents.build_visit_report(profile, visit_id, "en")).pdf)
    findings.add_event(profile, new["id"], "recheck_rectified", at=at(2026, 9, 1))
    findings.update(profile, new["id"], reason="笔误", description="改过的描述")
    after = text(documents.render(documents.build_visit_report(profile, visit_id, "en")).pdf)
    assert "has 2 problems awaiting" in after and "改过的描述" not in after
    assert before == after


def test_a_report_kept_before_figures_were_recorded_keeps_its_chinese_summary(
    profile: Profile, enterprise: dict
) -> None:
    visit_id, _ = _finished_visit_with_a_recheck(profile, enterprise)
    old = replace(documents.build_visit_report(profile, visit_id), counts=())
    english = in_english(old)
    assert english.summary == old.summary  # never figures recomputed from today's data
    assert english.language == "en" and english.heading == "Environmental Steward Inspection Report"


def test_an_unknown_language_is_refused_in_both_languages(profile: Profile, enterprise: dict) -> None:
    visit_id, _ = _finished_visit_with_a_recheck(profile, enterprise)
    with pytest.raises(InvalidInput) as refused:
        documents.build_visit_report(profile, visit_id, "fr")
    assert "不支持的报告语言" in refused.value.zh and "Unsupported report language" in refused.value.en
