"""Scheduling across daylight-saving changes (Europe/Berlin: 29 March 2026 skips 02:00–03:00, 25 October 2026
repeats 02:00–03:00; America/New_York: 8 March and 1 November 2026)."""

from datetime import UTC, date, datetime, time

import pytest

from firsthand.publishing.clock import Ambiguous, TimeProblem, wall_clock_to_utc


def test_an_ordinary_time_converts_with_the_seasons_offset():
    assert wall_clock_to_utc(date(2026, 7, 1), time(9, 0), "Europe/Berlin") == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)
    assert wall_clock_to_utc(date(2026, 12, 1), time(9, 0), "Europe/Berlin") == datetime(2026, 12, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    "day,at,zone",
    [
        (date(2026, 3, 29), time(2, 30), "Europe/Berlin"),
        (date(2026, 3, 29), time(2, 0), "Europe/Berlin"),
        (date(2026, 3, 8), time(2, 15), "America/New_York"),
    ],
)
def test_a_time_the_clocks_skip_is_refused_with_a_clear_message(day, at, zone):
    with pytest.raises(TimeProblem) as problem:
        wall_clock_to_utc(day, at, zone)
    assert "does not exist" in str(problem.value) and "skip" in str(problem.value)


def test_the_minute_after_the_skipped_hour_is_fine():
    assert wall_clock_to_utc(date(2026, 3, 29), time(3, 0), "Europe/Berlin") == datetime(2026, 3, 29, 1, tzinfo=UTC)


def test_a_repeated_time_asks_which_and_offers_both_moments():
    with pytest.raises(Ambiguous) as problem:
        wall_clock_to_utc(date(2026, 10, 25), time(2, 30), "Europe/Berlin")
    early, late = problem.value.choices
    assert early == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert late == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET
    assert "CEST" in str(problem.value) and "CET" in str(problem.value)


@pytest.mark.parametrize("fold,expected_hour", [(0, 5), (1, 6)])
def test_the_chosen_occurrence_of_a_repeated_time_is_used(fold, expected_hour):
    moment = wall_clock_to_utc(date(2026, 11, 1), time(1, 30), "America/New_York", fold=fold)
    assert moment == datetime(2026, 11, 1, expected_hour, 30, tzinfo=UTC)


def test_utc_has_no_surprises():
    assert wall_clock_to_utc(date(2026, 3, 29), time(2, 30), "UTC") == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
