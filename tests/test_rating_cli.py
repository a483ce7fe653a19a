"""The rating end to end: events entered, ratings and timeline from a real profile, the rules file per profile, the
command line, and the demo's mix of colours."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from steward.cli.main import main
from steward.domain.errors import InvalidInput
from steward.domain.rating import Colour
from steward.services import demo, enterprise_events, ratings, settings, visits
from steward.storage.profile import Profile
from tests.conftest import local, make_code


@pytest.fixture
def run(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    data = tmp_path / "data"

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _major_finding(profile: Profile, enterprise_id: str) -> str:
    visit = visits.start(profile, enterprise_id, at=local(2026, 3, 1, 9))
    f = visits.create_finding(
        profile,
        visit["id"],
        description="喷漆废气直排",
        location="喷漆房",
        severity="major",
        deadline=date(2026, 4, 1),
        at=local(2026, 3, 1, 10),
    )
    visits.finish(profile, visit["id"], at=local(2026, 3, 1, 16))
    return f["id"]


def test_a_profile_rating_uses_findings_events_and_records_as_of_the_date(profile: Profile, enterprise: dict) -> None:
    fid = _major_finding(profile, enterprise["id"])
    recheck = visits.start(profile, enterprise["id"], "recheck", at=local(2026, 3, 25, 9))
    visits.recheck(profile, recheck["id"], fid, "recheck_rectified", at=local(2026, 3, 25, 10))
    visits.finish(profile, recheck["id"], at=local(2026, 3, 25, 16))
    enterprise_events.add(
        profile, enterprise["id"], "complaint", date(2026, 6, 1), source="12345热线", today=date(2026, 11, 1)
    )

    def colour(day: date) -> Colour:
        (only,) = ratings.ratings(profile, day, enterprise["id"])
        return only.rating.colour

    assert colour(date(2026, 2, 28)) is Colour.GREEN
    assert colour(date(2026, 3, 24)) is Colour.RED  # rectified later still open then
    assert colour(date(2026, 3, 25)) is Colour.GREEN
    assert colour(date(2026, 6, 1)) is Colour.YELLOW
    (red,) = ratings.ratings(profile, date(2026, 3, 2), enterprise["id"])
    assert red.rating.reasons[0].zh.startswith("红码:重大问题〔")
    assert "喷漆废气直排〕未整改(发现于 2026-03-01,期限 2026-04-01)" in red.rating.reasons[0].zh
    changes = ratings.enterprise_timeline(profile, enterprise["id"], date(2026, 12, 31))
    assert [(c.on, c.rating.colour) for c in changes] == [
        (date(2026, 3, 1), Colour.RED),
        (date(2026, 3, 25), Colour.GREEN),
        (date(2026, 6, 1), Colour.YELLOW),
    ]
    months = dict(ratings.monthly_distribution(profile, date(2026, 2, 1), date(2026, 6, 30)))
    assert months[date(2026, 3, 31)] == {Colour.RED: 0, Colour.YELLOW: 0, Colour.GREEN: 1}
    assert months[date(2026, 6, 30)][Colour.YELLOW] == 1


def test_events_are_checked_before_they_are_kept(profile: Profile, enterprise: dict) -> None:
    with pytest.raises(InvalidInput, match="在今天之后"):
        enterprise_events.add(profile, enterprise["id"], "penalty", date(2026, 12, 2), today=date(2026, 12, 1))
    with pytest.raises(InvalidInput, match="记录类型"):
        enterprise_events.add(profile, enterprise["id"], "fine", date(2026, 1, 2))
    assert enterprise_events.listing(profile) == []


def test_a_profile_can_use_its_own_rules_file_and_a_bad_one_is_refused_clearly(
    profile: Profile, enterprise: dict, tmp_path: Path
) -> None:
    _major_finding(profile, enterprise["id"])
    lenient = tmp_path / "lenient.yaml"
    lenient.write_text("version: 1\nname: 宽松\nred: []\nyellow:\n  - rule: open_finding\n    severity: 重大\n")
    settings.put(profile, settings.RATING_RULES, settings.parse(settings.RATING_RULES, str(lenient)))
    (r,) = ratings.ratings(profile, date(2026, 3, 2))
    assert r.rating.colour is Colour.YELLOW
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\nred:\n  - rule: open_finding\n    severity: 严重\n")
    with pytest.raises(InvalidInput) as caught:
        settings.parse(settings.RATING_RULES, str(broken))
    assert "red[1]" in caught.value.zh and "severity" in caught.value.en
    not_yaml = tmp_path / "bad.yaml"
    not_yaml.write_text("red: [unclosed\n")
    with pytest.raises(InvalidInput, match="不是有效的 YAML"):
        settings.parse(settings.RATING_RULES, str(not_yaml))


def test_events_and_ratings_on_the_command_line(run) -> None:
    code, out, _ = run("enterprises", "add", "--name", "仙居县天工工艺品有限公司", "--credit-code", make_code(7))
    assert code == 0
    eid = out.strip()
    penalty = ["--kind", "penalty", "--date", "2026-05-03", "--authority", "台州市生态环境局"]
    code, out, _ = run("events", "add", "--enterprise", eid, *penalty, "--number", "仙环罚〔2026〕12号")
    assert code == 0
    unfounded = ["--kind", "complaint", "--date", "2026-05-04", "--source", "匿名", "--no-substantiated"]
    code, _, _ = run("events", "add", "--enterprise", eid, *unfounded)
    assert code == 0
    code, out, _ = run("events", "list", "--json")
    listed = json.loads(out)
    assert [(r["kind"], r["substantiated"]) for r in listed] == [("penalty", 1), ("complaint", 0)]
    code, out, _ = run("ratings", "--as-of", "2026-06-01", "--json")
    (rating,) = json.loads(out)
    assert rating["colour"] == "red"
    assert rating["reasons"][0]["zh"] == (
        "红码:12 个月内行政处罚/立案 1 次(阈值 1):2026-05-03〔仙环罚〔2026〕12号、台州市生态环境局〕"
    )
    code, out, _ = run("ratings", "--as-of", "2026-05-02")
    assert "绿码 Green" in out
    code, out, _ = run("ratings", "timeline", "--enterprise", eid, "--until", "2027-12-31")
    assert code == 0
    assert "2026-05-03  红码 (Red)" in out and "2027-05-03  红码 → 绿码 (Green)" in out
    code, out, _ = run("enterprises", "list", "--json")
    assert json.loads(out)[0]["colour"] in ("red", "green")
    code, _, err = run("events", "add", "--enterprise", "nope", "--kind", "hazwaste", "--date", "2026-01-01")
    assert code == 2 and "找不到企业" in err and "No enterprise" in err


def test_the_demo_has_a_plausible_mix_of_colours(tmp_path: Path) -> None:
    with Profile(tmp_path / "demo") as profile:
        demo.make_demo(profile, demo.DemoSize(10, 12, 2026, photos=False), today=date(2026, 11, 25))
        found = [r.rating.colour for r in ratings.ratings(profile, date(2026, 11, 25))]
    assert len(found) == 10
    assert all(found.count(c) >= 1 for c in Colour)
    assert found.count(Colour.RED) <= 7  # a park where most are red is not a rating anyone can use


def test_setting_a_malformed_rules_file_on_the_command_line_is_refused_in_both_languages(run, tmp_path: Path) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("version: 1\nyellow:\n  - rule: complaints\n    window_months: -3\n", encoding="utf-8")
    code, _, err = run("settings", "set", "rating_rules", str(broken))
    assert code == 2
    assert "评级规则文件有误(yellow[1])" in err and "window_months" in err
    assert "Rating rules file is invalid (yellow[1])" in err
    code, out, _ = run("settings", "list")
    assert str(broken) not in out
