"""The insurer's policy number, set once (first-run set-up or 设置), is printed in every document's letterhead."""

from __future__ import annotations

from pathlib import Path

from steward.services import demo, documents, settings, visits
from steward.services.profiles import open_profile
from tests.pdf_helpers import text


def test_the_policy_number_is_printed_beside_the_insurer(tmp_path: Path) -> None:
    with open_profile(tmp_path, "wang") as profile:
        demo.make_demo(profile, demo.DemoSize(enterprises=1, weeks=2))
        visit = visits.listing(profile, status="finished")[0]
        before = text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf)
        assert "PICC-ELI-2026-0007" not in before
        settings.put(profile, settings.POLICY_NUMBER, "PICC-ELI-2026-0007")
        body = text(documents.render(documents.build_visit_report(profile, visit["id"])).pdf)
    assert "保单号 PICC-ELI-2026-0007" in body
