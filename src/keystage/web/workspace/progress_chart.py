"""The collection page's chart: how many schools had submitted by each day since the window
opened, against the deadline (drawn by keystage.web.common.charts), with its figures for the
table beside it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from keystage.web.common import charts
from keystage.web.models import Collection
from keystage.web.submissions.state import State
from keystage.web.workspace.progress import Row

TITLE = "Schools submitted, day by day, against the deadline"


@dataclass(frozen=True)
class Chart:
    days: list[tuple[dt.date, int, int]]  # each day a school submitted: new that day, so far
    submitted: int
    expected: int
    last_day: dt.date
    svg: str


def submissions_chart(collection: Collection, rows: Sequence[Row], now: dt.date) -> Chart:
    """Counts a school on the day its standing confirmation was signed, if it has submitted."""
    start = collection.opens
    signed = _signed_on(rows, start)
    last_day = max([min(now, collection.closes), start, *signed])
    end = max(collection.deadline, last_day)
    so_far, points, days = 0, [], []
    for n in range((last_day - start).days + 1):
        day = start + dt.timedelta(days=n)
        if new := signed.get(day, 0):
            so_far += new
            days.append((day, new, so_far))
        points.append((n, so_far))
    x_ticks = [(0, f"opened {start:%-d %b}")]
    if end != collection.deadline:
        x_ticks.append(((end - start).days, f"{end:%-d %b}"))
    expected = len(rows)
    line = charts.Line(
        points, (end - start).days, expected, x_ticks, sorted({0, expected // 2, expected}),
        ((collection.deadline - start).days, f"Deadline {collection.deadline:%-d %b}"),
    )  # fmt: skip
    svg = charts.line(line, name="chart", title=TITLE)
    return Chart(days, so_far, expected, last_day, svg)


def _signed_on(rows: Sequence[Row], start: dt.date) -> Counter[dt.date]:
    """The schools that have submitted, by the day their confirmation was signed (a day before
    the window opened counts as its first)."""
    return Counter(
        max(timezone.localdate(r.confirmation.signed_at), start)
        for r in rows
        if r.confirmation is not None and r.standing.step == State.SUBMITTED
    )
