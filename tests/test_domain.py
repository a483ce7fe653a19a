"""Credit codes, ids, finding events and figures: the pure rules."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.domain import credit_code
from steward.domain.errors import InvalidInput
from steward.domain.findings import FindingEvent, FindingSummary, days_to_close, derive_state, figures, overdue_days
from steward.domain.ids import new_id
from steward.domain.labels import EventKind, FindingStatus, Severity
from tests.conftest import local

# GB 32100-2015 written out again, independently of steward.domain.credit_code: the 31 code characters in order,
# weight i is 3**i mod 31, and the check character makes the weighted sum of all 18 a multiple of 31.
CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _reference_check_character(body: str) -> str:
    total = sum(CODE_ALPHABET.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    [check] = [c for c in CODE_ALPHABET if (total + CODE_ALPHABET.index(c)) % 31 == 0]
    return check


class TestCreditCode:
    def test_known_valid_codes(self) -> None:
        # Published codes of well-known companies (check characters per GB 32100-2015).
        for code in ("91110000100006485K", "91440300708461136T"):
            assert credit_code.validate(code) == code

    def test_lowercase_and_spaces_are_normalised(self) -> None:
        assert credit_code.validate(" 91110000100006485k ") == "91110000100006485K"

    @pytest.mark.parametrize(
        ("code", "reason"),
        [
            ("9111000010000648", "18位"),
            ("91110000100006485X", "校验位"),
            ("9111000010000648OK", "字符"),
        ],
    )
    def test_invalid_codes_say_why_in_chinese_and_english(self, code: str, reason: str) -> None:
        with pytest.raises(InvalidInput) as err:
            credit_code.validate(code)
        assert reason in err.value.zh
        assert err.value.en

    def test_check_character_round_trip(self) -> None:
        body = "91331024MA2AB1234"
        assert credit_code.is_valid(body + credit_code.check_character(body))

    @given(st.text(alphabet=CODE_ALPHABET, min_size=17, max_size=17))
    def test_check_character_agrees_with_an_independent_computation(self, body: str) -> None:
        assert credit_code.check_character(body) == _reference_check_character(body)

    @pytest.mark.parametrize("expected", list(CODE_ALPHABET))
    def test_every_one_of_the_31_check_characters_is_computed_and_accepted(self, expected: str) -> None:
        # The first character has weight 1, so it can be chosen to make any wanted check character.
        rest = "1331024MA2AB1234"
        first = next(c for c in CODE_ALPHABET if _reference_check_character(c + rest) == expected)
        code = first + rest + expected
        assert credit_code.check_character(code[:17]) == expected
        assert credit_code.validate(code) == code
        assert [c for c in CODE_ALPHABET if credit_code.is_valid(code[:17] + c)] == [expected]


def test_ids_are_uuid7_and_time_ordered() -> None:
    ids = [new_id() for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 7 for i in ids[:10])


T0 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def ev(kind: EventKind, days: float, ident: str | None = None) -> FindingEvent:
    return FindingEvent(ident or new_id(), "f", kind, T0 + timedelta(days=days), "李明")


class TestFindingState:
    def test_open_until_rechecked_rectified(self) -> None:
        events = [ev(EventKind.OPENED, 0), ev(EventKind.RECTIFICATION_REPORTED, 3)]
        assert derive_state(events).status == FindingStatus.REPORTED
        events.append(ev(EventKind.RECHECK_RECTIFIED, 7))
        state = derive_state(events)
        assert state.status == FindingStatus.RECTIFIED
        assert state.closed_at == T0 + timedelta(days=7)

    def test_union_of_two_laptops_is_ordered_by_time_and_deduplicated(self) -> None:
        opened = ev(EventKind.OPENED, 0)
        laptop_a = [opened, ev(EventKind.RECHECK_PARTLY, 5)]
        laptop_b = [opened, ev(EventKind.RECHECK_RECTIFIED, 9)]
        merged_ab = derive_state(laptop_a + laptop_b)
        merged_ba = derive_state(laptop_b + laptop_a)
        assert merged_ab == merged_ba
        assert merged_ab.status == FindingStatus.RECTIFIED

    def test_enterprise_report_after_closure_does_not_reopen(self) -> None:
        events = [ev(EventKind.OPENED, 0), ev(EventKind.RECHECK_RECTIFIED, 4), ev(EventKind.RECTIFICATION_REPORTED, 5)]
        assert derive_state(events).status == FindingStatus.RECTIFIED

    def test_reopened_after_closure(self) -> None:
        events = [ev(EventKind.OPENED, 0), ev(EventKind.RECHECK_RECTIFIED, 4), ev(EventKind.REOPENED, 9)]
        state = derive_state(events)
        assert state.status == FindingStatus.OPEN and state.closed_at is None

    def test_overdue_days_and_days_to_close(self) -> None:
        deadline = date(2026, 3, 8)
        open_state = derive_state([ev(EventKind.OPENED, 0)])
        assert overdue_days(deadline, open_state, date(2026, 3, 8)) == 0
        assert overdue_days(deadline, open_state, date(2026, 3, 18)) == 10
        closed = derive_state([ev(EventKind.OPENED, 0), ev(EventKind.RECHECK_RECTIFIED, 12)])
        assert overdue_days(deadline, closed, date(2026, 12, 1)) == 5  # closed 5 days late, stays 5
        assert days_to_close(T0, closed) == 12


def test_figures_count_like_the_insurer() -> None:
    def s(status: FindingStatus, overdue: int = 0) -> FindingSummary:
        return FindingSummary(Severity.GENERAL, "B", status, overdue, status.closed)

    rows = [s(FindingStatus.RECTIFIED)] * 832 + [s(FindingStatus.OPEN, 3)] * 24 + [s(FindingStatus.OPEN)] * 300
    result = figures(rows)
    assert (result.found, result.rectified, result.open, result.overdue) == (1156, 832, 324, 24)
    assert round(result.rectification_rate, 2) == 0.72


@pytest.mark.dates
@pytest.mark.parametrize("closing_hour", [1, 7, 12, 20, 23])
def test_days_count_by_the_local_date_at_any_hour(closing_hour: int) -> None:
    # Found at 07:00 on 2 November and closed on 20 November where the steward is: 18 days, and late for a
    # 15 November deadline (5 days), whichever hour it closed. In UTC+8 the early hours are still the day before in UTC; in
    # UTC-8 the late hours are already the next day.
    # Instants come back from storage in UTC, as here; their .date() is the UTC date.
    created = local(2026, 11, 2, 7).astimezone(UTC)
    closed = derive_state(
        [
            FindingEvent("o", "f", EventKind.OPENED, created, "李明"),
            FindingEvent(
                "c", "f", EventKind.RECHECK_RECTIFIED, local(2026, 11, 20, closing_hour).astimezone(UTC), "李明"
            ),
        ]
    )
    assert days_to_close(created, closed) == 18
    assert overdue_days(date(2026, 11, 15), closed, today=date(2027, 1, 1)) == 5


@pytest.mark.dates
def test_local_day_of_a_stored_instant_is_the_local_date() -> None:
    from steward.domain import clock

    for hour in (1, 7, 12, 20, 23):
        assert clock.local_day(clock.to_text(local(2026, 11, 2, hour))) == "2026-11-02"
