"""The reminder calendar around the KS1 2026 deadline, Friday 26 June 2026."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.reminders import (
    BANK_HOLIDAYS,
    Reason,
    _by_the_rules,
    calendar,
    deadline_reason,
    is_queries_day,
    is_working_day,
    reason_for,
)

D = dt.date
KS1 = {"opens": D(2026, 6, 1), "deadline": D(2026, 6, 26), "closes": D(2026, 7, 17)}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 6, 18), None),
        (D(2026, 6, 19), Reason.WEEK_BEFORE),  # Friday, 7 days before
        (D(2026, 6, 20), None),
        (D(2026, 6, 24), None),
        (D(2026, 6, 25), Reason.DAY_BEFORE),
        (D(2026, 6, 26), None),  # the deadline itself
        (D(2026, 6, 27), None),  # Saturday
        (D(2026, 6, 28), None),  # Sunday
        (D(2026, 6, 29), Reason.OVERDUE),  # Monday
        (D(2026, 7, 1), Reason.OVERDUE),
        (D(2026, 7, 17), Reason.OVERDUE),  # the closing date, included
        (D(2026, 7, 18), None),  # closed (and a Saturday)
        (D(2026, 7, 20), None),  # closed, a Monday
        (D(2026, 5, 29), None),  # before the window opens
    ],
)
def test_deadline_reminders_around_ks1_2026(day: dt.date, expected: Reason | None) -> None:
    assert deadline_reason(day, **KS1) == expected
    assert reason_for(day, **KS1, has_queries=False) == expected


def test_no_week_before_reminder_when_the_window_opens_later() -> None:
    late_opening = {**KS1, "opens": D(2026, 6, 22)}
    assert deadline_reason(D(2026, 6, 19), **late_opening) is None
    assert deadline_reason(D(2026, 6, 25), **late_opening) == Reason.DAY_BEFORE


def test_a_monday_deadline_is_chased_on_the_friday_before() -> None:
    monday = {"opens": D(2026, 6, 1), "deadline": D(2026, 7, 6), "closes": D(2026, 7, 17)}
    assert deadline_reason(D(2026, 7, 5), **monday) is None  # Sunday
    assert deadline_reason(D(2026, 7, 3), **monday) == Reason.DAY_BEFORE  # Friday
    assert deadline_reason(D(2026, 6, 29), **monday) == Reason.WEEK_BEFORE


def test_bank_holidays_move_and_skip_reminders() -> None:
    # Deadline Tuesday 26 May 2026: 1 day before is the spring bank holiday, 25 May.
    spring = {"opens": D(2026, 5, 1), "deadline": D(2026, 5, 26), "closes": D(2026, 6, 5)}
    assert deadline_reason(D(2026, 5, 25), **spring) is None
    assert deadline_reason(D(2026, 5, 22), **spring) == Reason.DAY_BEFORE
    assert deadline_reason(D(2026, 5, 19), **spring) == Reason.WEEK_BEFORE
    # Deadline Friday 28 August 2026: the summer bank holiday, 31 August, is not a working day.
    summer = {"opens": D(2026, 8, 3), "deadline": D(2026, 8, 28), "closes": D(2026, 9, 4)}
    assert deadline_reason(D(2026, 8, 31), **summer) is None
    assert deadline_reason(D(2026, 9, 1), **summer) == Reason.OVERDUE


def test_queries_reminders_on_the_first_working_day_of_each_week() -> None:
    assert is_queries_day(D(2026, 6, 22), opens=KS1["opens"], closes=KS1["closes"])  # Monday
    assert not is_queries_day(D(2026, 6, 23), opens=KS1["opens"], closes=KS1["closes"])
    # Easter Monday 6 April 2026: the Tuesday is the first working day of that week.
    spring = {"opens": D(2026, 3, 30), "closes": D(2026, 4, 30)}
    assert not is_queries_day(D(2026, 4, 6), **spring)
    assert is_queries_day(D(2026, 4, 7), **spring)
    assert reason_for(D(2026, 6, 22), **KS1, has_queries=True) == Reason.QUERIES
    assert reason_for(D(2026, 6, 22), **KS1, has_queries=False) is None
    # A deadline reminder takes the day: it names the queries too.
    assert reason_for(D(2026, 6, 29), **KS1, has_queries=True) == Reason.OVERDUE


def test_the_whole_ks1_2026_calendar() -> None:
    days = calendar(**KS1)
    assert days[:6] == [
        (D(2026, 6, 1), Reason.QUERIES),
        (D(2026, 6, 8), Reason.QUERIES),
        (D(2026, 6, 15), Reason.QUERIES),
        (D(2026, 6, 19), Reason.WEEK_BEFORE),
        (D(2026, 6, 22), Reason.QUERIES),
        (D(2026, 6, 25), Reason.DAY_BEFORE),
    ]
    overdue = [day for day, reason in days if reason == Reason.OVERDUE]
    assert overdue[0] == D(2026, 6, 29) and overdue[-1] == D(2026, 7, 17)
    assert len(overdue) == 15  # three working weeks


def test_bank_holiday_table_agrees_with_the_rules() -> None:
    for year, days in BANK_HOLIDAYS.items():
        assert days == _by_the_rules(year), year
    assert D(2026, 12, 28) in BANK_HOLIDAYS[2026]  # Boxing Day on a Saturday: Monday instead
    assert {D(2027, 12, 27), D(2027, 12, 28)} <= BANK_HOLIDAYS[2027]  # both at a weekend


def test_working_days() -> None:
    assert is_working_day(D(2026, 6, 26))
    assert not is_working_day(D(2026, 6, 27))
    assert not is_working_day(D(2026, 4, 3))  # Good Friday
    assert not is_working_day(D(2028, 5, 29))  # beyond the table: by the rules
