"""The reminder calendar: on which days a school is chased, and why. Pure Python, no Django.

A school that has not submitted is emailed
- `week_before`: 7 days before the deadline;
- `day_before`: the day before the deadline;
- `overdue`: on each working day after the deadline, up to and including the closing date.
Where 7 days or 1 day before falls on a weekend or a bank holiday, the email goes on the working
day before it instead (a Monday deadline is chased on the Friday, not on the Sunday).

A school with unanswered queries (its file's, or the data team's) is emailed `queries` on the
first working day of each week while the window is open (usually the Monday), unless a deadline
reminder goes to it that day: one email a day is enough, and the deadline email names the
queries too. After the deadline the daily `overdue` email covers them.

Nothing is sent outside the window (before it opens, after it closes) or on non-working days.
Working days are Monday to Friday, less the bank holidays of England and Wales.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from functools import cache

ONE_DAY = dt.timedelta(days=1)


class Reason(StrEnum):
    """Why a school is emailed: the values are those stored with each reminder sent."""

    WEEK_BEFORE = "week_before"
    DAY_BEFORE = "day_before"
    OVERDUE = "overdue"
    QUERIES = "queries"


# England and Wales bank holidays as announced (gov.uk/bank-holidays). A table, not only the
# rules, because one-off changes are proclaimed (2020's VE day, 2022's jubilee, 2023's coronation).
# Years outside it fall back to the usual rules (see `_by_the_rules`): add each year as announced.
BANK_HOLIDAYS: dict[int, frozenset[dt.date]] = {
    year: frozenset(dt.date.fromisoformat(day) for day in days)
    for year, days in {
        2025: ("2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26",
               "2025-08-25", "2025-12-25", "2025-12-26"),
        2026: ("2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25",
               "2026-08-31", "2026-12-25", "2026-12-28"),
        2027: ("2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31",
               "2027-08-30", "2027-12-27", "2027-12-28"),
    }.items()
}  # fmt: skip


def bank_holidays(year: int) -> frozenset[dt.date]:
    return BANK_HOLIDAYS.get(year) or _by_the_rules(year)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def deadline_reason(
    day: dt.date, *, opens: dt.date, deadline: dt.date, closes: dt.date
) -> Reason | None:
    """The reason to chase a school that has not submitted, on `day`, if any."""
    if not (opens <= day <= closes) or not is_working_day(day):
        return None
    if day > deadline:
        return Reason.OVERDUE
    if day == working_day_on_or_before(deadline - ONE_DAY):
        return Reason.DAY_BEFORE  # first: if both fall on one day, the nearer one is the news
    if day == working_day_on_or_before(deadline - 7 * ONE_DAY):
        return Reason.WEEK_BEFORE
    return None


def is_queries_day(day: dt.date, *, opens: dt.date, closes: dt.date) -> bool:
    """The first working day of the week, inside the window."""
    if not (opens <= day <= closes) or not is_working_day(day):
        return False
    monday = day - day.weekday() * ONE_DAY
    return not any(is_working_day(monday + n * ONE_DAY) for n in range(day.weekday()))


def reason_for(
    day: dt.date, *, opens: dt.date, deadline: dt.date, closes: dt.date, has_queries: bool
) -> Reason | None:
    """The one reminder (if any) for a school that has not submitted, on `day`."""
    found = deadline_reason(day, opens=opens, deadline=deadline, closes=closes)
    if found is None and has_queries and is_queries_day(day, opens=opens, closes=closes):
        return Reason.QUERIES
    return found


def calendar(*, opens: dt.date, deadline: dt.date, closes: dt.date) -> list[tuple[dt.date, Reason]]:
    """Every day in the window on which some school may be emailed, and the reason that day
    (`queries` only where no deadline reminder is due), in date order."""
    days = []
    day = opens
    while day <= closes:
        found = reason_for(day, opens=opens, deadline=deadline, closes=closes, has_queries=True)
        if found is not None:
            days.append((day, found))
        day += ONE_DAY
    return days


@cache
def _by_the_rules(year: int) -> frozenset[dt.date]:
    """The usual England and Wales bank holidays; a weekend Christmas, Boxing Day or New Year
    moves to the next weekday not already a holiday."""
    easter = _easter_sunday(year)
    days = {
        easter - 2 * ONE_DAY,  # Good Friday
        easter + ONE_DAY,  # Easter Monday
        _first_monday(dt.date(year, 5, 1)),  # early May
        _first_monday(dt.date(year, 5, 25)),  # spring: the last Monday in May
        _first_monday(dt.date(year, 8, 25)),  # summer: the last Monday in August
    }
    for fixed in (dt.date(year, 1, 1), dt.date(year, 12, 25), dt.date(year, 12, 26)):
        while fixed.weekday() >= 5 or fixed in days:
            fixed += ONE_DAY
        days.add(fixed)
    return frozenset(days)


def _first_monday(on_or_after: dt.date) -> dt.date:
    return on_or_after + ((7 - on_or_after.weekday()) % 7) * ONE_DAY


def _easter_sunday(year: int) -> dt.date:
    """The Gregorian Easter (the anonymous Gregorian algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * lap) // 433
    month, day = divmod(h + lap - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)
